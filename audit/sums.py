"""Sums the narrative states: parts listed after 其中 against their total, and the known identities.

Each check works on one sentence (or one report-wide identity) and only when the
figures it needs are all there; rounding to the printed precision is allowed.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from audit.changes import CLAUSE, NOT_A_PART
from audit.common import BASE_MEASURES, clip, finding, in_unit, item_key, sentences, tolerance
from audit.finding import Evidence, Finding
from corpus.model import Document, Fact

_MARKER = re.compile(r"其中[：:]?|包括[：:]?|主要用于|主要是|主要为|分别为|分别是|含")


def parts_vs_total(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Parts listed after 其中/包括/主要用于 must not add up to more than the total before it."""
    out = []
    for page, text, offset, inside in sentences(doc, facts):
        markers = list(_MARKER.finditer(text))
        if not markers:
            continue
        pos = offset + markers[0].start()
        stop = offset + markers[1].start() if len(markers) > 1 else offset + len(text)
        total = next((f for f in reversed(inside) if (f.end or 0) <= pos and pos - (f.end or 0) <= 6), None)
        if (
            not total
            or total.kind != "money"
            or total.measure not in BASE_MEASURES
            or "收支" in total.subject
            or text[: markers[0].start()].rstrip("，,：: ").endswith(("）", ")"))
        ):
            continue  # 收支总预算 lists both sides; "(本年收入X)，其中" lists the parts of the outer total
        parts = [
            f
            for f in inside
            if pos < (f.start or 0) < stop
            and f.kind == "money"
            and f.unit
            and f.measure == total.measure
            and f.period == total.period
            and not NOT_A_PART.search(CLAUSE.split(text[: (f.start or 0) - offset])[-1])
        ]
        if len(parts) < 2:
            continue
        summed = sum((f.yuan for f in parts), Decimal(0))  # type: ignore[misc]
        slack = tolerance(total) + sum((tolerance(f) for f in parts), Decimal(0))
        if summed > total.yuan + slack:  # type: ignore[operator]
            name = item_key(total.subject)
            out.append(
                finding(
                    doc,
                    "parts_exceed_total",
                    "warning",
                    f"{name}：其中各项合计{in_unit(summed, total.unit)}，超过总数{total.printed}",
                    f"{name}: the listed parts add up to {in_unit(summed, total.unit)}, more than the total "
                    f"{total.printed}",
                    expected=total.printed,
                    found=in_unit(summed, total.unit),
                    facts=[total],
                    extra=[Evidence(page=page, quote=clip(text, pos - offset))],
                )
            )
    return out


_ROLES = {
    "三公": re.compile(r"三公经费(?:财政拨款)?$"),
    "出国": re.compile(r"^因公出国[（(]?境?[)）]?费"),
    "用车": re.compile(r"^公务用车购置及运行(?:维护)?费$"),
    "购置": re.compile(r"^公务用车购置费$"),
    "运行": re.compile(r"^公务用车运行(?:维护)?费$"),
    "接待": re.compile(r"^公务接待费$"),
    "基本支出": re.compile(r"^基本支出$"),
    "人员经费": re.compile(r"^人员经费$"),
    "公用经费": re.compile(r"^公用经费$"),
}
_IDENTITIES = (("三公", ("出国", "用车", "接待")), ("用车", ("购置", "运行")), ("基本支出", ("人员经费", "公用经费")))


def narrative_identities(doc: Document, facts: list[Fact]) -> list[Finding]:
    """三公 = 出国 + 用车 + 接待, 用车 = 购置 + 运行, 基本支出 = 人员经费 + 公用经费, as the text states them."""
    out = []
    for measure in ("决算数", "预算数"):
        usual = _usual_values(doc, facts, measure)
        for total, parts in _IDENTITIES:
            if total not in usual or not all(p in usual for p in parts):
                continue
            summed = sum((usual[p].yuan for p in parts), Decimal(0))  # type: ignore[misc]
            slack = tolerance(usual[total]) + sum((tolerance(usual[p]) for p in parts), Decimal(0))
            if abs(summed - usual[total].yuan) > slack:  # type: ignore[operator]
                t = usual[total]
                out.append(
                    finding(
                        doc,
                        "identity",
                        "warning",
                        f"{total}（{measure}）{t.printed}不等于{'+'.join(parts)}之和{in_unit(summed, t.unit)}",
                        f"{total} ({measure}) {t.printed} is not the sum of {' + '.join(parts)} "
                        f"({in_unit(summed, t.unit)})",
                        expected=in_unit(summed, t.unit),
                        found=t.printed,
                        facts=[t, *(usual[p] for p in parts)],
                    )
                )
    return out


def _usual_values(doc: Document, facts: list[Fact], measure: str) -> dict[str, Fact]:
    """Per role, the most often stated narrative figure of this year (restatement conflicts are reported elsewhere)."""
    found: dict[str, list[Fact]] = {}
    for f in facts:
        if f.source != "text" or f.kind != "money" or f.measure != measure or f.period != doc.year:
            continue
        key = item_key(f.subject)
        for role, pattern in _ROLES.items():
            if pattern.search(key):
                found.setdefault(role, []).append(f)
    usual = {}
    for role, group in found.items():
        common = Counter(f.yuan for f in group).most_common(1)[0][0]
        usual[role] = next(f for f in group if f.yuan == common)
    return usual
