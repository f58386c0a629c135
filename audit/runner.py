"""Audit a whole report: every place where it disagrees with itself.

`audit_document` runs small independent checks (restatements, sums, stated
changes, printed formulas, completeness) and returns `Finding`s. A check that
cannot be sure stays silent or says `info`; differences within the printed
precision are never more than `info`.
"""

from __future__ import annotations

from collections.abc import Callable

from audit import changes, cross, sums, tables, template, text, wording
from audit.finding import SEVERITY_RANK, Finding
from corpus.model import Document, Fact

Check = Callable[[Document, list[Fact]], list[Finding]]


CHECKS: list[Check] = [
    text.restatements,
    changes.stated_arithmetic,
    sums.parts_vs_total,
    text.printed_formulas,
    sums.narrative_identities,
    wording.budget_wording,
    wording.change_wording,
    tables.code_sums,
    tables.total_columns,
    tables.balanced_totals,
    cross.cross_tables,
    template.missing_tables,
    template.placeholders,
    template.wrong_years,
]


def audit_document(doc: Document, facts: list[Fact]) -> list[Finding]:
    """All findings for one report, most severe first, duplicates (same kind and evidence) dropped."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for check in CHECKS:
        for finding in check(doc, facts):
            key = (
                finding.kind,
                finding.found,
                finding.evidence[0].page if finding.evidence else None,
                finding.message if finding.kind not in ("unit_slip", "transposed_digits") else "",
            )
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], min((e.page for e in f.evidence), default=0)))
    return findings
