"""Arithmetic the narrative states: changes and rates, shares, parts listed after 其中, known identities.

Each check works on one sentence (or one report-wide identity) and only when the
figures it needs are all there; rounding to the printed precision is allowed.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from corpus.model import Document, Fact, Paragraph
from corpus.numbers import MONEY_UNITS
from corpus.sentences import paragraph_facts
from qa.audit import Evidence, Finding, Severity
from qa.audit_util import BASE_MEASURES, clip, finding, in_unit, item_key, sentences, tolerance
from qa.checks import half_unit
from qa.match import similar_subjects

_CLAUSE = re.compile(r"[，,；;：:]")
_VERSUS = re.compile(r"^\s*(?:比|较|与|同比)")


def stated_arithmetic(doc: Document, facts: list[Fact]) -> list[Finding]:
    """"X，比Y减少Z，下降R%": X − Y = −Z and Z / Y = R; "占…Y万元的P%": share = P."""
    out: list[Finding] = []
    for page, text, offset, inside in [*sentences(doc, facts), *_cell_sentences(doc)]:
        out.extend(_changes(doc, text, offset, inside))
        out.extend(_shares(doc, page, text))
    return out


def _cell_sentences(doc: Document) -> list[tuple[int, str, int, list[Fact]]]:
    """Sentences written inside table cells (绩效 tables: "…1170.23万元，比年初预算1061.15万元，增加39.58万元")."""
    out = []
    for table in doc.tables:
        for cell in (c for row in table.body_rows for c in row if len(c.text) >= 15 and "比" in c.text):
            para = Paragraph(text=cell.text, start=0, end=len(cell.text))
            inside = paragraph_facts(doc, cell.page, para)
            if inside:
                out.append((cell.page, cell.text, 0, inside))
    return out


def _changes(doc: Document, text: str, offset: int, inside: list[Fact]) -> list[Finding]:
    """Each comparison base (an amount right after 比/较/与) with the figure before it and the change after."""
    out = []
    used = -1
    for i, base in enumerate(inside):
        piece = _CLAUSE.split(text[: (base.start or 0) - offset])[-1]
        if base.kind != "money" or base.yuan is None or base.measure not in BASE_MEASURES \
                or not _VERSUS.match(piece) or _NOT_A_PART.search(piece[1:]):
            continue
        options = [f for f in reversed(inside[used + 1 : i]) if _comparable(doc, f, base)
                   and "占" not in _CLAUSE.split(text[: (f.start or 0) - offset])[-1]]
        cur = max(options, key=lambda f: similar_subjects(item_key(f.subject), item_key(base.subject)),
                  default=None) if any(similar_subjects(item_key(f.subject), item_key(base.subject)) >= 0.5
                                       for f in options) else next(iter(options), None)
        after = inside[i + 1 : i + 4]
        change = next((f for f in after if f.measure == "增减额" and f.yuan is not None), None)
        if not cur or not change or cur.unit is None:
            continue
        rate = next((f for f in inside[inside.index(change) + 1 : inside.index(change) + 2] if f.measure == "增减率"),
                    None)
        used = inside.index(rate or change)
        out.extend(_change(doc, cur, base, change, rate))
    return out


def _comparable(doc: Document, cur: Fact, base: Fact) -> bool:
    """The figure a comparison is about: this year's actual (or budget, in a budget report)."""
    if cur.kind != "money" or cur.yuan is None or cur.measure not in BASE_MEASURES or cur.period != doc.year:
        return False
    own = "预算数" if doc.kind == "预算" else "决算数"
    return cur.measure in (own, "执行数", "") or (cur.measure == "预算数" and base.period != doc.year)


def _change(doc: Document, cur: Fact, prev: Fact, change: Fact, rate: Fact | None) -> list[Finding]:
    out = []
    expected = cur.yuan - prev.yuan  # type: ignore[operator]
    slack = tolerance(cur) + tolerance(prev) + tolerance(change)
    name = item_key(cur.subject)
    if abs(expected - change.yuan) > slack:  # type: ignore[operator]
        out.append(_change_finding(doc, name, cur, prev, change, expected, slack))
    if rate and prev.yuan:
        share = abs(expected) / abs(prev.yuan) * 100
        rate_slack = half_unit(rate.value) + (tolerance(cur) + tolerance(prev)) / abs(prev.yuan) * 100 + \
            abs(expected) * tolerance(prev) / (prev.yuan * prev.yuan) * 100
        off = min(abs(share - abs(rate.value)), abs(abs(change.yuan) / abs(prev.yuan) * 100 - abs(rate.value)))  # type: ignore[arg-type]
        if off > rate_slack:
            out.append(finding(
                doc, "change_rate", minor(off - rate_slack, rate.value),
                f"{name}：按{cur.printed}与{prev.printed}计算变动率为{share:.2f}%，文中写作{rate.printed}",
                f"{name}: {cur.printed} vs {prev.printed} is a {share:.2f}% change, the report says {rate.printed}",
                expected=f"{share:.2f}%", found=rate.printed, facts=[rate]))
        elif expected and rate.value and (expected > 0) != (rate.value > 0) and (change.yuan > 0) != (expected > 0):  # type: ignore[operator]
            out.append(finding(
                doc, "wording", "warning",
                f"{name}：数字{'上升' if expected > 0 else '下降'}，文中却写{rate.printed}的反向变动",
                f"{name}: the figures {'rise' if expected > 0 else 'fall'} but the wording says the opposite",
                expected="增长" if expected > 0 else "下降", found=rate.printed, facts=[rate]))
    return out


def minor(excess: Decimal, stated: Decimal) -> Severity:
    """Off by at most two units of the last printed digit (truncation, rounded inputs): info only."""
    return "info" if excess <= 4 * half_unit(stated) else "warning"


def _change_finding(doc: Document, name: str, cur: Fact, prev: Fact, change: Fact, expected: Decimal,
                    slack: Decimal) -> Finding:
    """A wrong change is a unit slip if other units make it right, a wording slip if only the sign is off."""
    facts = [cur, prev, change]
    if cur.unit != prev.unit == change.unit and prev.unit:
        as_prev = cur.value * MONEY_UNITS[prev.unit] - prev.yuan  # type: ignore[operator]
        if abs(as_prev - change.yuan) <= slack * MONEY_UNITS[prev.unit]:  # type: ignore[operator]
            return finding(
                doc, "unit_slip", "error",
                f"{name}：{cur.printed}与上下文单位不一致，按{prev.unit}计算变动额才相符",
                f"{name}: {cur.printed} disagrees with the units around it; only in {prev.unit} does the change add up",
                expected=f"{cur.value}{prev.unit}", found=cur.printed, facts=facts)
    for unit in {cur.unit, prev.unit} - {change.unit, None}:
        factor = MONEY_UNITS[unit]  # type: ignore[index]
        if abs(expected - change.value * factor) <= slack * factor:
            return finding(
                doc, "unit_slip", "error",
                f"{name}：变动额应为{in_unit(expected, unit)}，文中写作{change.printed}（单位错误）",
                f"{name}: the change is {in_unit(expected, unit)}, printed as {change.printed} (wrong unit)",
                expected=in_unit(expected, unit), found=change.printed, facts=facts)
    if abs(expected + change.yuan) <= slack:  # type: ignore[operator]
        return finding(
            doc, "wording", "warning",
            f"{name}：由{prev.printed}到{cur.printed}应为{'增加' if expected > 0 else '减少'}，文中写反",
            f"{name}: from {prev.printed} to {cur.printed} is {'an increase' if expected > 0 else 'a decrease'}, "
            f"the text says the opposite", expected=in_unit(expected, change.unit), found=change.printed, facts=facts)
    return finding(
        doc, "change", "warning",
        f"{name}：{cur.printed}与{prev.printed}之差为{in_unit(expected, change.unit)}，文中写作{change.printed}",
        f"{name}: {cur.printed} − {prev.printed} = {in_unit(expected, change.unit)}, the report says {change.printed}",
        expected=in_unit(expected, change.unit), found=change.printed, facts=facts)


_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_SHARE = re.compile(
    rf"(?P<a>{_NUM})\s*(?P<ua>万元|元)[^，,。；;\d]{{0,6}}[，,]?\s*占(?P<what>[^，,。；;\d]{{0,20}}?)"
    rf"(?P<b>{_NUM})\s*(?P<ub>万元|元)的\s*(?P<p>{_NUM})\s*[%％]"
)


def _shares(doc: Document, page: int, text: str) -> list[Finding]:
    """"1.43万元，占预算数58万元的2.47%": 1.43 / 58 must give 2.47%."""
    out = []
    for m in _SHARE.finditer(text):
        a = Decimal(m.group("a").replace(",", "")) * MONEY_UNITS[m.group("ua")]
        b = Decimal(m.group("b").replace(",", "")) * MONEY_UNITS[m.group("ub")]
        p = Decimal(m.group("p").replace(",", ""))
        if not b:
            continue
        ta = half_unit(Decimal(m.group("a").replace(",", ""))) * MONEY_UNITS[m.group("ua")]
        tb = half_unit(Decimal(m.group("b").replace(",", ""))) * MONEY_UNITS[m.group("ub")]
        computed = a / b * 100
        slack = half_unit(p) + (ta / b + a * tb / (b * b)) * 100
        if abs(computed - p) > slack:
            a_alt = Decimal(m.group("a").replace(",", "")) * MONEY_UNITS[m.group("ub")]
            if m.group("ua") != m.group("ub") and abs(a_alt / b * 100 - p) <= half_unit(p) + slack * 10000:
                out.append(Finding(
                    doc=doc.name, kind="unit_slip", severity="error",
                    message=f"{m.group('a')}{m.group('ua')}按所占比例{p}%应为{m.group('a')}{m.group('ub')}"
                            f"（单位错误） / {m.group('a')}{m.group('ua')} should read {m.group('a')}{m.group('ub')}"
                            f" given its share of {p}% (wrong unit)",
                    expected=f"{m.group('a')}{m.group('ub')}", found=f"{m.group('a')}{m.group('ua')}",
                    evidence=[Evidence(page=page, quote=clip(text, m.start()))]))
                continue
            out.append(Finding(
                doc=doc.name, kind="share", severity=minor(abs(computed - p) - slack, p),
                message=f"{m.group('a')}{m.group('ua')}占{m.group('b')}{m.group('ub')}应为{computed:.2f}%，"
                        f"文中写作{p}% / {m.group('a')}{m.group('ua')} of {m.group('b')}{m.group('ub')} is "
                        f"{computed:.2f}%, the report says {p}%",
                expected=f"{computed:.2f}%", found=f"{p}%",
                evidence=[Evidence(page=page, quote=clip(text, m.start()))]))
    return out


_MARKER = re.compile(r"其中[：:]?|包括[：:]?|主要用于|主要是|主要为|分别为|分别是|含")
_NOT_A_PART = re.compile(r"比|较|与|占|上年|去年|同期|增加|减少|增长|下降")


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
        if not total or total.kind != "money" or total.measure not in BASE_MEASURES or "收支" in total.subject \
                or text[: markers[0].start()].rstrip("，,：: ").endswith(("）", ")")):
            continue  # 收支总预算 lists both sides; "(本年收入X)，其中" lists the parts of the outer total
        parts = [f for f in inside if pos < (f.start or 0) < stop and f.kind == "money" and f.unit
                 and f.measure == total.measure and f.period == total.period
                 and not _NOT_A_PART.search(re.split(r"[，,；;：:]", text[: (f.start or 0) - offset])[-1])]
        if len(parts) < 2:
            continue
        summed = sum((f.yuan for f in parts), Decimal(0))  # type: ignore[misc]
        slack = tolerance(total) + sum((tolerance(f) for f in parts), Decimal(0))
        if summed > total.yuan + slack:  # type: ignore[operator]
            name = item_key(total.subject)
            out.append(finding(
                doc, "parts_exceed_total", "warning",
                f"{name}：其中各项合计{in_unit(summed, total.unit)}，超过总数{total.printed}",
                f"{name}: the listed parts add up to {in_unit(summed, total.unit)}, more than the total "
                f"{total.printed}", expected=total.printed, found=in_unit(summed, total.unit),
                facts=[total], extra=[Evidence(page=page, quote=clip(text, pos - offset))]))
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
                out.append(finding(
                    doc, "identity", "warning",
                    f"{total}（{measure}）{t.printed}不等于{'+'.join(parts)}之和{in_unit(summed, t.unit)}",
                    f"{total} ({measure}) {t.printed} is not the sum of {' + '.join(parts)} "
                    f"({in_unit(summed, t.unit)})", expected=in_unit(summed, t.unit), found=t.printed,
                    facts=[t, *(usual[p] for p in parts)]))
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
