"""Shares and completion rates a sentence states, recomputed: "X，占…B的P%" is X / B = P, "其中：X，占P%" a share
of the total before 其中 (or of the amount its paragraph opens with), "完成年初预算的P%" actual / budget = P; rounding
to the printed precision is allowed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from audit.changes import CLAUSE, PARTS_MARKER, VERSUS, all_sentences, percent_verdict
from audit.common import BASE_MEASURES, result, tolerance
from audit.finding import Result
from audit.report import Report
from corpus.model import Fact
from corpus.numbers import MONEY_UNITS, half_unit


def stated_shares(report: Report) -> list[Result]:
    """ "X，占…B的P%" and "其中：X，占P%" (of a total before 其中): X / B = P; "完成预算的P%": actual / budget."""
    out: list[Result] = []
    carried: list[Fact] = []  # the total of a list still open from the sentences before
    page_of, paragraph_of, lead = -1, -1, None
    for page, text, offset, inside in all_sentences(report):
        carried = carried if page == page_of and offset else []
        paragraph = _paragraph_start(report, page, offset)
        if (page, paragraph) != (page_of, paragraph_of):
            lead = next((f for f in inside if f.kind == "money" and f.yuan and f.measure in BASE_MEASURES), None)
        page_of, paragraph_of = page, paragraph
        previous = offset
        for share in (f for f in inside if f.kind == "percent"):
            if share.measure in ("占比", "完成率"):
                part, bases = _share_operands(text, offset, previous, inside, share, lead)
                if part is not None and not bases and carried and _bare_share(text, offset, part, share):
                    bases = carried  # "本年支出预算合计18330.37万元，其中：⏎基本支出9312.9万元，占50.81%；"
                if part is not None and bases:
                    out.append(_share(part, bases, share))
            previous = share.end or previous
        carried = _open_list(text, offset, inside) or (carried if text.rstrip().endswith(("；", ";")) else [])
    return _made_to_add_up(out)


def _made_to_add_up(results: list[Result]) -> list[Result]:
    """Shares of one total that add up to exactly 100% may each have been moved by a unit of their last digit to
    get there (63.75 + 25.38 + 10.87 where the figures give 63.74, 25.38 and 10.88): such a share, within one and
    a half units of the computed one, is an info."""
    by_base: dict[int, list[Result]] = {}
    for r in results:
        if r.kind == "share":
            by_base.setdefault(id(r.facts[2]), []).append(r)
    out = []
    for r in results:
        siblings = by_base.get(id(r.facts[2]), []) if r.kind == "share" else []
        stated = sum((abs(x.facts[0].value) for x in siblings), Decimal(0))
        share, part, base = r.facts[:3]
        if (
            r.status == "broken"
            and len(siblings) >= 2
            and abs(stated - 100) <= half_unit(share.value)
            and abs(abs(part.yuan) / abs(base.yuan) * 100 - abs(share.value)) <= 3 * half_unit(share.value)  # type: ignore[arg-type]
        ):
            r = r.model_copy(update={"severity": "info"})
        out.append(r)
    return out


def _open_list(text: str, offset: int, inside: list[Fact]) -> list[Fact]:
    """The total a sentence opens a list with at its end ("…本年支出预算合计18330.37万元，其中："): the reader
    made a sentence, and a paragraph, of each line of the list that follows."""
    m = re.search(r"(?:其中|包括)[：:]\s*$", text)
    if m is None:
        return []
    return [
        f for f in inside
        if f.kind == "money" and f.yuan and f.measure in BASE_MEASURES and (f.end or 0) <= offset + m.start()
        and not _in_share_clause(text, offset, f)
    ][-1:]  # fmt: skip


def _bare_share(text: str, offset: int, part: Fact, share: Fact) -> bool:
    """ "基本支出9312.9万元，占50.81%": the share follows its part directly and names no base of its own."""
    gap = text[(part.end or 0) - offset : (share.start or 0) - offset]
    return bool(re.fullmatch(r"[，,]?\s*占\s*", gap))


def _paragraph_start(report: Report, page: int, offset: int) -> int:
    paragraphs = report.doc.pages[page - 1].paragraphs if 0 < page <= len(report.doc.pages) else []
    return next((p.start for p in paragraphs if p.start <= offset < p.end), -1)


def _share_operands(
    text: str, offset: int, previous: int, inside: list[Fact], share: Fact, lead: Fact | None
) -> tuple[Fact | None, list[Fact]]:
    """(part, possible bases) of a printed share. The base is printed after the previous percentage: inside "占…的"
    right before the share, else (for a completion rate) the one budget figure; else, after 其中, a total stated
    before it (several when the sentence gives more than one: "收入490,808.40万元（本年收入390,140.45万元），其中…"),
    or the amount that opens the paragraph (`lead`). The part is the last level before the share that is no share's
    base ("X，占A的p1，占B的p2": X for both)."""
    money = [
        f
        for f in inside
        if f.kind == "money" and f.yuan and f.measure in BASE_MEASURES and (f.end or 0) <= (share.start or 0)
    ]
    segment = [f for f in money if (f.start or 0) >= previous]
    if segment and _is_base(text, offset, segment[-1], share):
        bases = [segment[-1]]
    elif share.measure == "完成率":
        bases = [f for f in segment if f.measure in ("预算数", "调整预算数")][:1]
    else:
        bases = []
    part = next(
        (
            f
            for f in reversed(money)
            if f not in bases and not _in_share_clause(text, offset, f) and not VERSUS.match(_clause(text, offset, f))
        ),
        None,
    )  # no share's base, and no comparison's ("比2018年1493.43万元")
    if part is None:
        return None, []
    opened = [m.start() for m in PARTS_MARKER.finditer(text, 0, max(0, (part.start or 0) - offset))]
    if not bases and opened and share.measure == "占比" and "占" in _clause(text, offset, share):
        marker = opened[-1]  # "…9746.50万元，主要用于以下方面：社会保障和就业支出754.75万元，占7.74%"
        bases = [f for f in money if (f.end or 0) <= offset + marker and not _in_share_clause(text, offset, f)]
        if bases and lead is not None and lead not in bases and (lead.end or 0) <= offset + marker:
            # one more possible base, never the only one: "…总预算18,728.91万元。收入包括：A、B；支出包括：C，占P%"
            bases.append(lead)
    return part, bases


def _clause(text: str, offset: int, f: Fact) -> str:
    return CLAUSE.split(text[: (f.start or 0) - offset])[-1]


def _in_share_clause(text: str, offset: int, f: Fact) -> bool:
    return "占" in _clause(text, offset, f)


def _is_base(text: str, offset: int, amount: Fact, share: Fact) -> bool:
    """The amount printed inside "占…的" right before the percentage."""
    gap = text[(amount.end or 0) - offset : (share.start or 0) - offset]
    return gap.strip() in ("的", "") and _in_share_clause(text, offset, amount)


def _share(part: Fact, bases: list[Fact], share: Fact) -> Result:
    kind = "completion rate" if share.measure == "完成率" else "share"
    verdicts = []
    for base in bases:
        computed = abs(part.yuan) / abs(base.yuan) * 100  # type: ignore[arg-type]
        rounding = tolerance(part) / abs(base.yuan) + abs(part.yuan) * tolerance(base) / (base.yuan * base.yuan)  # type: ignore[arg-type,operator]
        holds, severity = percent_verdict(share.value, computed, rounding * 100)
        verdicts.append((not holds, abs(computed - abs(share.value)), severity, computed, base))
    broken, _, severity, computed, base = min(verdicts, key=lambda v: (v[0], v[1]))
    facts = [share, part, base]
    if not broken:
        return result(
            "stated_shares", "holds", f"{part.printed}占{base.printed}的{share.printed}",
            f"{kind}: {computed:.2f}% computed from the stated figures; the report states {share.printed} "
            f"(consistent)", facts, kind=kind,
        )  # fmt: skip
    if part.unit != base.unit and part.unit and base.unit and len(bases) == 1:
        other = part.value * MONEY_UNITS[base.unit] / abs(base.yuan) * 100  # type: ignore[arg-type]
        if percent_verdict(share.value, other, Decimal(0))[0]:
            return result(
                "stated_shares",
                "broken",
                f"{part.printed}按所占比例{share.printed}应为{part.value}{base.unit}（单位错误）",
                f"{part.printed} should read {part.value}{base.unit} given its share of {share.printed} (wrong unit)",
                facts,
                kind="unit_slip",
                severity="error",
                expected=f"{part.value}{base.unit}",
                found=part.printed,
            )
    if len(bases) > 1 and not all(v[0] and v[2] == "warning" for v in verdicts):
        severity = "info"  # "收入490,808.40万元（本年收入390,140.45万元），其中…": a share of either may be meant
    return result(
        "stated_shares",
        "broken",
        f"{part.printed}占{base.printed}应为{computed:.2f}%，文中写作{share.printed}",
        f"{kind}: {part.printed} of {base.printed} is {computed:.2f}%, the report says {share.printed}",
        facts,
        kind=kind,
        severity=severity,
        expected=f"{computed:.2f}%",
        found=share.printed,
        difference=f"{abs(share.value) - computed:.2f}%",
    )
