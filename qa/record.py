"""The answer record: one per question, the same for `ask --json`, `batch` and the TUI.

This is the batch contract users rely on; keep field names and meanings stable.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from corpus.model import Fact

Status = Literal["answered", "not_found", "error"]
CheckStatus = Literal["agree", "conflict", "holds", "broken", "unverified"]


class Citation(BaseModel):
    doc: str
    page: int
    quote: str
    table: str | None = None
    row: int | None = None
    col: int | None = None
    start: int | None = Field(None, description="character span of the number in the page text")
    end: int | None = None
    value: str | None = Field(None, description="the cited number as printed, for highlighting")


def cite(fact: Fact, doc_name: str) -> Citation:
    """The citation of a fact: where it is printed, precisely enough to highlight it."""
    return Citation(
        doc=doc_name, page=fact.page, quote=fact.quote, table=fact.table_id, row=fact.row, col=fact.col,
        start=fact.start, end=fact.end, value=fact.printed,
    )  # fmt: skip


class AnswerValue(BaseModel):
    text: str
    value: str | None = None
    unit: str | None = None
    yuan: str | None = None


class Check(BaseModel):
    status: CheckStatus
    kind: str
    detail: str
    citations: list[Citation] = Field(default_factory=list)


class Alternative(BaseModel):
    text: str
    value: str
    unit: str | None = None
    yuan: str | None = None
    citations: list[Citation] = Field(default_factory=list)


class ComparisonRow(BaseModel):
    """One report (or year, or item) of a comparison answer. A report that does not state the item is
    `not_stated` with no value, never zero."""

    label: str
    doc: str
    body: str | None = Field(None, description="the publishing body of the row's report")
    year: int | None = None
    kind: str | None = None
    scope: str | None = Field(None, description="部门 or 单位: a department's or a unit's report")
    funds: str | None = Field(None, description="the fund scope of the figure (all, fiscal, gp …; corpus/schema)")
    status: Literal["stated", "not_stated"] = "not_stated"
    value: str | None = None
    unit: str | None = None
    yuan: str | None = None
    printed: str | None = Field(None, description="the figure as printed, parts joined with + when summed")
    citation: Citation | None = None
    check: CheckStatus | None = None
    n: int | None = Field(None, description="the number of the row's citation in the record")

    def shown(self) -> str:
        """The value as the report prints it, or "not stated"."""
        if self.status != "stated":
            return "not stated"
        return self.printed or f"{self.value}{self.unit or ''}"


class Record(BaseModel):
    id: str
    question: str
    status: Status
    answer: AnswerValue | None = None
    alternatives: list[Alternative] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    error: str | None = None
    table: list[ComparisonRow] = Field(default_factory=list, description="comparison rows (qa.compare)")
