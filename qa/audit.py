"""Audit a whole report: every place where it disagrees with itself.

`audit_document` runs small independent checks (restatements, sums, stated
changes, printed formulas, completeness) and returns `Finding`s. A check that
cannot be sure stays silent or says `info`; differences within the printed
precision are never more than `info`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from corpus.model import Document, Fact

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


Check = Callable[[Document, list[Fact]], list[Finding]]


def _checks() -> list[Check]:
    from qa import audit_cross, audit_sums, audit_tables, audit_template, audit_text, audit_wording

    return [
        audit_text.restatements,
        audit_sums.stated_arithmetic,
        audit_sums.parts_vs_total,
        audit_text.printed_formulas,
        audit_sums.narrative_identities,
        audit_wording.budget_wording,
        audit_wording.change_wording,
        audit_tables.code_sums,
        audit_tables.total_columns,
        audit_tables.balanced_totals,
        audit_cross.cross_tables,
        audit_template.missing_tables,
        audit_template.placeholders,
        audit_template.wrong_years,
    ]


def audit_document(doc: Document, facts: list[Fact]) -> list[Finding]:
    """All findings for one report, most severe first, duplicates (same kind and evidence) dropped."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for check in _checks():
        for finding in check(doc, facts):
            key = (finding.kind, finding.found, finding.evidence[0].page if finding.evidence else None,
                   finding.message if finding.kind not in ("unit_slip", "transposed_digits") else "")
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], min((e.page for e in f.evidence), default=0)))
    return findings


def at_least(findings: list[Finding], severity: str) -> list[Finding]:
    return [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[severity]]
