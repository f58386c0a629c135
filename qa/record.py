"""The answer record: one per question, the same for `ask --json`, `batch` and the TUI.

This is the batch contract users rely on; keep field names and meanings stable.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

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


class Record(BaseModel):
    id: str
    question: str
    status: Status
    answer: AnswerValue | None = None
    alternatives: list[Alternative] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    error: str | None = None
    table: list[dict] = Field(
        default_factory=list,
        description="comparison rows (qa.compare): label, doc, year, kind, value, unit, yuan, status, citation, check",
    )
