"""Changes and rates the narrative states ("X，比Y减少Z，下降R%") and shares ("占…Y万元的P%"), recomputed.

Each check works on one sentence and only when the figures it needs are all there; rounding to the
printed precision is allowed. `wording` reuses the sentence reading to judge the change words.
"""

from __future__ import annotations

import re
from decimal import Decimal

from audit.common import BASE_MEASURES, clip, finding, in_unit, item_key, sentences, tolerance
from audit.finding import Evidence, Finding, Severity
from corpus.labels import similar_subjects
from corpus.model import Document, Fact, Paragraph
from corpus.numbers import MONEY_UNITS, half_unit
from corpus.sentences import paragraph_facts

CLAUSE = re.compile(r"[，,；;：:]")
NOT_A_PART = re.compile(r"比|较|与|占|上年|去年|同期|增加|减少|增长|下降")
VERSUS = re.compile(r"^\s*(?:比|较|与|同比)")


def stated_arithmetic(doc: Document, facts: list[Fact]) -> list[Finding]:
    """ "X，比Y减少Z，下降R%": X − Y = −Z and Z / Y = R; "占…Y万元的P%": share = P."""
    out: list[Finding] = []
    for page, text, offset, inside in [*sentences(doc, facts), *cell_sentences(doc)]:
        out.extend(changes(doc, text, offset, inside))
        out.extend(_shares(doc, page, text))
    return out


def cell_sentences(doc: Document) -> list[tuple[int, str, int, list[Fact]]]:
    """Sentences written inside table cells (绩效 tables: "…1170.23万元，比年初预算1061.15万元，增加39.58万元")."""
    out = []
    for table in doc.tables:
        for cell in (c for row in table.body_rows for c in row if len(c.text) >= 15 and "比" in c.text):
            para = Paragraph(text=cell.text, start=0, end=len(cell.text))
            inside = paragraph_facts(doc, cell.page, para)
            if inside:
                out.append((cell.page, cell.text, 0, inside))
    return out


def changes(doc: Document, text: str, offset: int, inside: list[Fact]) -> list[Finding]:
    """Each comparison base (an amount right after 比/较/与) with the figure before it and the change after."""
    out = []
    used = -1
    for i, base in enumerate(inside):
        piece = CLAUSE.split(text[: (base.start or 0) - offset])[-1]
        if (
            base.kind != "money"
            or base.yuan is None
            or base.measure not in BASE_MEASURES
            or not VERSUS.match(piece)
            or NOT_A_PART.search(piece[1:])
        ):
            continue
        options = [
            f
            for f in reversed(inside[used + 1 : i])
            if comparable(doc, f, base) and "占" not in CLAUSE.split(text[: (f.start or 0) - offset])[-1]
        ]
        cur = (
            max(options, key=lambda f: similar_subjects(item_key(f.subject), item_key(base.subject)), default=None)
            if any(similar_subjects(item_key(f.subject), item_key(base.subject)) >= 0.5 for f in options)
            else next(iter(options), None)
        )
        after = inside[i + 1 : i + 4]
        change = next((f for f in after if f.measure == "增减额" and f.yuan is not None), None)
        if not cur or not change or cur.unit is None:
            continue
        rate = next(
            (f for f in inside[inside.index(change) + 1 : inside.index(change) + 2] if f.measure == "增减率"), None
        )
        used = inside.index(rate or change)
        out.extend(_change(doc, cur, base, change, rate))
    return out


def comparable(doc: Document, cur: Fact, base: Fact) -> bool:
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
        rate_slack = (
            half_unit(rate.value)
            + (tolerance(cur) + tolerance(prev)) / abs(prev.yuan) * 100
            + abs(expected) * tolerance(prev) / (prev.yuan * prev.yuan) * 100
        )
        off = min(abs(share - abs(rate.value)), abs(abs(change.yuan) / abs(prev.yuan) * 100 - abs(rate.value)))  # type: ignore[arg-type]
        if off > rate_slack:
            out.append(
                finding(
                    doc,
                    "change_rate",
                    minor(off - rate_slack, rate.value),
                    f"{name}：按{cur.printed}与{prev.printed}计算变动率为{share:.2f}%，文中写作{rate.printed}",
                    f"{name}: {cur.printed} vs {prev.printed} is a {share:.2f}% change, the report says {rate.printed}",
                    expected=f"{share:.2f}%",
                    found=rate.printed,
                    facts=[rate],
                )
            )
        elif expected and rate.value and (expected > 0) != (rate.value > 0) and (change.yuan > 0) != (expected > 0):  # type: ignore[operator]
            out.append(
                finding(
                    doc,
                    "wording",
                    "warning",
                    f"{name}：数字{'上升' if expected > 0 else '下降'}，文中却写{rate.printed}的反向变动",
                    f"{name}: the figures {'rise' if expected > 0 else 'fall'} but the wording says the opposite",
                    expected="增长" if expected > 0 else "下降",
                    found=rate.printed,
                    facts=[rate],
                )
            )
    return out


def minor(excess: Decimal, stated: Decimal) -> Severity:
    """Off by at most two units of the last printed digit (truncation, rounded inputs): info only."""
    return "info" if excess <= 4 * half_unit(stated) else "warning"


def _change_finding(
    doc: Document, name: str, cur: Fact, prev: Fact, change: Fact, expected: Decimal, slack: Decimal
) -> Finding:
    """A wrong change is a unit slip if other units make it right, a wording slip if only the sign is off."""
    facts = [cur, prev, change]
    if cur.unit != prev.unit == change.unit and prev.unit:
        as_prev = cur.value * MONEY_UNITS[prev.unit] - prev.yuan  # type: ignore[operator]
        if abs(as_prev - change.yuan) <= slack * MONEY_UNITS[prev.unit]:  # type: ignore[operator]
            return finding(
                doc,
                "unit_slip",
                "error",
                f"{name}：{cur.printed}与上下文单位不一致，按{prev.unit}计算变动额才相符",
                f"{name}: {cur.printed} disagrees with the units around it; only in {prev.unit} does the change add up",
                expected=f"{cur.value}{prev.unit}",
                found=cur.printed,
                facts=facts,
            )
    for unit in {cur.unit, prev.unit} - {change.unit, None}:
        factor = MONEY_UNITS[unit]  # type: ignore[index]
        if abs(expected - change.value * factor) <= slack * factor:
            return finding(
                doc,
                "unit_slip",
                "error",
                f"{name}：变动额应为{in_unit(expected, unit)}，文中写作{change.printed}（单位错误）",
                f"{name}: the change is {in_unit(expected, unit)}, printed as {change.printed} (wrong unit)",
                expected=in_unit(expected, unit),
                found=change.printed,
                facts=facts,
            )
    if abs(expected + change.yuan) <= slack:  # type: ignore[operator]
        return finding(
            doc,
            "wording",
            "warning",
            f"{name}：由{prev.printed}到{cur.printed}应为{'增加' if expected > 0 else '减少'}，文中写反",
            f"{name}: from {prev.printed} to {cur.printed} is {'an increase' if expected > 0 else 'a decrease'}, "
            f"the text says the opposite",
            expected=in_unit(expected, change.unit),
            found=change.printed,
            facts=facts,
        )
    return finding(
        doc,
        "change",
        "warning",
        f"{name}：{cur.printed}与{prev.printed}之差为{in_unit(expected, change.unit)}，文中写作{change.printed}",
        f"{name}: {cur.printed} − {prev.printed} = {in_unit(expected, change.unit)}, the report says {change.printed}",
        expected=in_unit(expected, change.unit),
        found=change.printed,
        facts=facts,
    )


_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_SHARE = re.compile(
    rf"(?P<a>{_NUM})\s*(?P<ua>万元|元)[^，,。；;\d]{{0,6}}[，,]?\s*占(?P<what>[^，,。；;\d]{{0,20}}?)"
    rf"(?P<b>{_NUM})\s*(?P<ub>万元|元)的\s*(?P<p>{_NUM})\s*[%％]"
)


def _shares(doc: Document, page: int, text: str) -> list[Finding]:
    """ "1.43万元，占预算数58万元的2.47%": 1.43 / 58 must give 2.47%."""
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
                out.append(
                    Finding(
                        doc=doc.name,
                        kind="unit_slip",
                        severity="error",
                        message=f"{m.group('a')}{m.group('ua')}按所占比例{p}%应为{m.group('a')}{m.group('ub')}"
                        f"（单位错误） / {m.group('a')}{m.group('ua')} should read {m.group('a')}{m.group('ub')}"
                        f" given its share of {p}% (wrong unit)",
                        expected=f"{m.group('a')}{m.group('ub')}",
                        found=f"{m.group('a')}{m.group('ua')}",
                        evidence=[Evidence(page=page, quote=clip(text, m.start()))],
                    )
                )
                continue
            out.append(
                Finding(
                    doc=doc.name,
                    kind="share",
                    severity=minor(abs(computed - p) - slack, p),
                    message=f"{m.group('a')}{m.group('ua')}占{m.group('b')}{m.group('ub')}应为{computed:.2f}%，"
                    f"文中写作{p}% / {m.group('a')}{m.group('ua')} of {m.group('b')}{m.group('ub')} is "
                    f"{computed:.2f}%, the report says {p}%",
                    expected=f"{computed:.2f}%",
                    found=f"{p}%",
                    evidence=[Evidence(page=page, quote=clip(text, m.start()))],
                )
            )
    return out
