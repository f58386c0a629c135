"""Does the report agree with itself about a figure? The audit's checklist answers (audit.rules, written once).

The rules run once per report (the results are kept for the reports asked about most recently); an answer's
cross-check is every result that compared the answer's own figure: the other statements of it (agree or
conflict), the sums it is a total or a part of, the change, rate or share it takes part in (holds or broken), and
the rules our parse could not apply there (unverified). Rounding to the printed precision is never a conflict.
"""

from __future__ import annotations

from collections import OrderedDict

from audit import Result, evaluate
from corpus.model import Document, Fact
from qa.record import Check, CheckStatus, cite

_KEPT = 16  # reports whose results stay in memory (comparisons ask about many reports in turn)
_RESULTS: OrderedDict[tuple[str, int], list[Result]] = OrderedDict()
_RESTATING = {"restated", "same_line", "narrative_lines"}  # rules that compare one figure printed twice
_SUMS = {"code_sums", "year_totals", "grand_totals", "line_sums", "row_totals", "basic_split", "sangong_sum",
         "procurement_sum", "parts_within_total", "balanced_totals"}  # fmt: skip
# what the answer's reader calls each check (the batch contract's `kind`)
_KIND = {
    "change": "change",
    "change rate": "change rate",
    "share": "share",
    "completion rate": "completion rate",
    "budget_wording": "wording",
    "change_wording": "wording",
    "wording": "wording",
    "formula": "formula",
}


def cross_check(fact: Fact, facts: list[Fact], doc: Document) -> list[Check]:
    """Every rule result of this report that compared this figure, as the answer's checks."""
    place = _place(fact)
    mine = [r for r in _results(doc, facts) if any(_place(f) == place for f in r.facts)]
    checks = [_check(r, place, doc) for r in mine]
    agreeing = [c for c in checks if c.status == "agree"]
    others = [c for c in checks if c.status != "agree"]
    if len(agreeing) > 1:  # one line for every other statement of the same figure
        cites = list({(c.page, c.quote, c.table, c.row, c.col): c for a in agreeing for c in a.citations}.values())
        pages = sorted({c.page for c in cites})
        agreeing = [
            Check(
                status="agree",
                kind="restatement",
                detail=f"{len(cites)} other statement(s) give the same figure (page(s) {', '.join(map(str, pages))}).",
                citations=cites[:5],
            )
        ]
    return agreeing + others


def _results(doc: Document, facts: list[Fact]) -> list[Result]:
    key = (doc.id, id(facts))
    if key in _RESULTS:
        _RESULTS.move_to_end(key)
        return _RESULTS[key]
    _RESULTS[key] = evaluate(doc, facts)
    while len(_RESULTS) > _KEPT:
        _RESULTS.popitem(last=False)
    return _RESULTS[key]


def _place(f: Fact) -> tuple:
    return (f.page, f.start, f.table_id, f.row, f.col)


def _check(r: Result, place: tuple, doc: Document) -> Check:
    status: CheckStatus
    if r.status == "doubt":
        status = "unverified"
    elif r.rule in _RESTATING:
        status = "agree" if r.status == "holds" else "conflict"
    else:
        status = "holds" if r.status == "holds" else "broken"
    if r.kind == "unit_slip":
        kind = "unit"
    elif r.rule in _RESTATING:
        kind = "restatement" if r.status == "holds" else "value"
    elif r.kind in _KIND:
        kind = _KIND[r.kind]
    elif r.rule in _SUMS:
        kind = "parts"
    else:
        kind = r.rule
    detail = r.message.split(" / ", 1)[-1]
    return Check(
        status=status,
        kind=kind,
        detail=detail if detail.endswith((".", "。")) else f"{detail}.",
        citations=[cite(f, doc.name) for f in r.facts if _place(f) != place],
    )
