"""What an audit finds: a `Finding` with its severity and the evidence (page and quote) behind it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["info", "warning", "error"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class Evidence(BaseModel):
    page: int
    quote: str


class Finding(BaseModel):
    doc: str
    kind: str
    severity: Severity
    message: str = Field(description="one sentence, Chinese / English: what disagrees with what")
    expected: str | None = None
    found: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


def at_least(findings: list[Finding], severity: str) -> list[Finding]:
    return [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[severity]]
