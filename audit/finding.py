"""What the checklist produces: a `Result` for every place a rule was applied, a `Finding` for every place it failed.

A `Result` keeps the facts it compared, so an answer's cross-check can pick the results about its own figure; a
`Finding` is what `dqa audit` reports: the rule, the figures with their citations, the expected value, the
difference, and a severity by how sure and how material it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from corpus.model import Fact

Severity = Literal["info", "warning", "error"]
Status = Literal["holds", "broken", "doubt"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class Evidence(BaseModel):
    """One figure or passage a finding rests on: the page, the quote, and the cell or the figure as printed."""

    page: int
    quote: str
    table: str | None = None
    row: int | None = None
    col: int | None = None
    value: str | None = Field(None, description="the figure as printed")


class Result(BaseModel):
    """One application of a rule: the figures it compared and whether the report agrees with itself there.

    `doubt` means the rule could not be applied safely (our parse of the table is not complete); it is never an
    accusation of the report."""

    rule: str
    status: Status
    kind: str = Field(description="what the slip looks like: difference, unit_slip, factor_of_ten, transposed_digits …")
    severity: Severity = "info"
    message: str = Field(description="one sentence, Chinese / English")
    expected: str | None = None
    found: str | None = None
    difference: str | None = None
    facts: list[Fact] = Field(default_factory=list, description="the figures compared, as parsed")
    evidence: list[Evidence] = Field(default_factory=list)


class Finding(BaseModel):
    """A place where the report disagrees with itself (or where our parse is in doubt, at info)."""

    doc: str
    rule: str
    kind: str
    severity: Severity
    message: str = Field(description="one sentence, Chinese / English: what disagrees with what")
    expected: str | None = None
    found: str | None = None
    difference: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


def at_least(findings: list[Finding], severity: str) -> list[Finding]:
    return [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[severity]]


def material(difference: Decimal, base: Decimal) -> bool:
    """A difference a reader would act on: at least 1% of the figure it concerns (or of any size against zero)."""
    return abs(difference) * 100 >= abs(base) if base else difference != 0
