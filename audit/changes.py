"""What the narrative says about its own numbers, recomputed: stated changes and rates, the comparison words,
and the base year a comparison is made against (shares and completion rates: audit/shares.py).

"X，比Y减少Z，下降R%": X − Y = −Z and Z / Y = R (the base Y is the amount right after 比/较/与). Each check works on
one sentence and only when the figures it needs are all printed there; rounding to the printed precision is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from audit.common import BASE_MEASURES, clip, graded, in_unit, item_key, result, tolerance
from audit.finding import Evidence, Result, Severity
from audit.report import Report, Sentence
from corpus.labels import similar_subjects
from corpus.model import Document, Fact
from corpus.numbers import MONEY_UNITS, half_unit

CLAUSE = re.compile(r"[，,；;：:。]")
NOT_A_PART = re.compile(r"比|较|与|占|上年(?!结转|结余)|去年|同期|增加|减少|增长|下降")  # 上年结转 is a part
# a comparison's base is a level: its clause holds no change word ("比上年预算增加164.48万元" compares no figure)
NOT_A_BASE = re.compile(r"比|较|与|占|增加|减少|增长|下降|上升|降低")
VERSUS = re.compile(r"^\s*(?:比|较|与|同比)")
# what opens a list of an amount's parts: "X万元，其中：…", "X万元，主要用于以下方面：…"
PARTS_MARKER = re.compile(r"其中[：:]?|包括[：:]?|主要用于|主要是|主要为|分别为|分别是|含")


def all_sentences(report: Report) -> Iterator[Sentence]:
    """Narrative sentences with their facts, then sentences written inside table cells (绩效 tables:
    "…1170.23万元，比年初预算1061.15万元，增加39.58万元")."""
    yield from (s for s in report.sentences() if s[3])
    yield from report.cell_sentences()


# -- stated changes and rates ---------------------------------------------------------------------------------


def stated_changes(report: Report) -> list[Result]:
    """ "X，比Y减少Z，下降R%": the change and the rate follow from the two figures the sentence gives."""
    out: list[Result] = []
    for _page, text, offset, inside in all_sentences(report):
        consumed: set[int] = set()
        for cur, base, change, rate in comparisons(report.doc, text, offset, inside):
            out.extend(_change(report.label(cur), cur, base, change, rate))
            consumed.update(id(f) for f in (cur, base, change, rate) if f is not None)
        out.extend(_unprinted_base(report, text, offset, inside, consumed))
    return out


_VERSUS_NAMED = re.compile(r"(?:比|较|与)\s*(?:(20\d{2})\s*年度?|上年|去年|上一年)?")


def _unprinted_base(report: Report, text: str, offset: int, inside: list[Fact], consumed: set[int]) -> list[Result]:
    """Rates whose base is not printed after 比: "A万元（2025年执行数），2026年预算安排B万元，比2025年预算执行数减少R%"
    (the base is the earlier figure of the year named), "与2016年度相比（2016年度…为A万元），增加Z万元，增长R%" (the
    base is A), "X万元，与上年相比，减少Z万元，下降R%" (the base is X − Z). At the least, a change and its rate go
    the same way."""
    out = []
    for i, rate in enumerate(inside):
        if rate.measure != "增减率" or id(rate) in consumed or not rate.value:
            continue
        change = (
            inside[i - 1] if i and inside[i - 1].measure == "增减额" and id(inside[i - 1]) not in consumed else None
        )
        if change is not None and not _adjacent(text, offset, change, rate):
            change = None  # "增加164.48万元，主要原因…统一压减10%": another change, explained
        levels = [f for f in inside[:i] if f.kind == "money" and f.yuan and f.measure in BASE_MEASURES]
        named = list(_VERSUS_NAMED.finditer(text, 0, (rate.start or 0) - offset))
        if not named:
            continue
        m = named[-1]
        year = int(m.group(1)) if m.group(1) else (report.doc.year or 0) - 1
        base = next((f for f in reversed(levels) if f.period == year), None)
        cur = next(
            (f for f in reversed(levels) if f is not base and f.period == year + 1 and comparable(report.doc, f, f)),
            None,
        )
        name = report.label(cur or change or rate)
        if base is not None and base.yuan and (cur is not None or change is not None):
            expected = cur.yuan - base.yuan if cur is not None else change.yuan  # type: ignore[operator,union-attr]
            if cur is not None and change is not None:
                out.append(_change(name, cur, base, change, rate)[0])
            implied = cur or _as_change(base, base.yuan + expected, base.measure)  # type: ignore[operator]
            out.append(_rate(name, implied, base, change or _as_change(implied, expected), rate, expected))
        elif change is not None and (change.yuan or 0) * rate.value < 0:
            out.append(
                result(
                    "comparison_words",
                    "broken",
                    f"{name}：变动额{change.printed}与变动率{rate.printed}方向相反",
                    f"{name}: the change {change.printed} and the rate {rate.printed} go opposite ways",
                    [rate, change],
                    kind="wording",
                    severity="warning",
                    expected="增长" if (change.yuan or 0) > 0 else "下降",
                    found=rate.printed,
                )
            )
        elif change is not None and cur is not None and cur.yuan != change.yuan:
            prev = cur.yuan - change.yuan  # type: ignore[operator]
            if prev:
                out.append(_rate(name, cur, _as_change(cur, prev, "上年数"), change, rate, change.yuan))  # type: ignore[arg-type]
    return out


def _as_change(like: Fact, yuan: Decimal, measure: str = "增减额") -> Fact:
    """A figure the sentence implies but does not print (the base X − Z, or the change B − A), for arithmetic."""
    value = yuan / MONEY_UNITS[like.unit or "元"]
    return like.model_copy(
        update={"yuan": yuan, "value": value, "printed": in_unit(yuan, like.unit), "measure": measure}
    )


def comparisons(
    doc: Document, text: str, offset: int, inside: list[Fact]
) -> Iterator[tuple[Fact, Fact, Fact, Fact | None]]:
    """(this year's figure, the base after 比/较/与, the stated change, the stated rate) of each comparison."""
    used = -1
    for i, base in enumerate(inside):
        piece = CLAUSE.split(text[: (base.start or 0) - offset])[-1]
        if (
            base.kind != "money"
            or base.yuan is None
            or base.measure not in BASE_MEASURES
            or not VERSUS.match(piece)
            or NOT_A_BASE.search(piece[1:])
        ):
            continue
        cur = current(doc, text, offset, inside[used + 1 : i], base) or current(doc, text, offset, inside[:i], base)
        # "X，比A增加Z1，增长R1；比B减少Z2，下降R2": the second comparison is X's too
        change = next((f for f in inside[i + 1 : i + 4] if f.measure == "增减额" and f.yuan is not None), None)
        if not cur or not change or cur.unit is None:
            continue
        at = inside.index(change)
        rate = next(
            (f for f in inside[at + 1 : at + 2] if f.measure == "增减率" and _adjacent(text, offset, change, f)), None
        )
        used = inside.index(rate or change)
        yield cur, base, change, rate


def _adjacent(text: str, offset: int, change: Fact, rate: Fact) -> bool:
    """The rate follows its change directly ("减少8.41万元，下降85.47%")."""
    gap = text[(change.end or 0) - offset : (rate.start or 0) - offset]
    return len(gap.strip()) <= 4 and not re.search(r"[。；;]", gap)


def current(doc: Document, text: str, offset: int, before: list[Fact], base: Fact) -> Fact | None:
    """The figure compared with base: this year's (the report's own measure), most alike by subject."""
    options = [
        f
        for f in reversed(before)
        if comparable(doc, f, base) and "占" not in CLAUSE.split(text[: (f.start or 0) - offset])[-1]
    ]
    if not options:
        return None
    own = "预算数" if doc.kind == "预算" else "决算数"
    best = max(options, key=lambda f: (similar_subjects(item_key(f.subject), item_key(base.subject)), f.measure == own))
    if similar_subjects(item_key(best.subject), item_key(base.subject)) >= 0.5:
        return best
    return options[0]


def comparable(doc: Document, cur: Fact, base: Fact) -> bool:
    """The figure a comparison is about: this year's actual (or budget, in a budget report)."""
    if cur.kind != "money" or cur.yuan is None or cur.measure not in BASE_MEASURES or cur.period != doc.year:
        return False
    own = "预算数" if doc.kind == "预算" else "决算数"
    return (
        cur.measure in (own, "执行数", "")
        or (cur.measure == "预算数" and base.period != doc.year)
        or (cur.measure == "调整预算数" and base.measure == "预算数")
    )


def _change(name: str, cur: Fact, prev: Fact, change: Fact, rate: Fact | None) -> list[Result]:
    expected = cur.yuan - prev.yuan  # type: ignore[operator]
    slack = tolerance(cur) + tolerance(prev) + tolerance(change)
    facts = [cur, prev, change]
    if abs(expected - change.yuan) <= slack:  # type: ignore[operator]
        out = [
            result(
                "stated_change", "holds", f"{name}：{cur.printed} − {prev.printed} = {change.printed}",
                f"{name}: {cur.printed} − {prev.printed} = {change.printed}, consistent", facts, kind="change",
            )
        ]  # fmt: skip
    else:
        out = [_change_slip(name, cur, prev, change, expected, slack)]
    if rate is not None and prev.yuan:
        judged = _rate(name, cur, prev, change, rate, expected)
        if not (judged.rule == out[0].rule == "comparison_words"):  # one wrong direction, said once
            out.append(judged)
    return out


def _rate(name: str, cur: Fact, prev: Fact, change: Fact, rate: Fact, expected: Decimal) -> Result:
    share = abs(expected) / abs(prev.yuan) * 100  # type: ignore[arg-type]
    rounding = (
        (tolerance(cur) + tolerance(prev)) / abs(prev.yuan) * 100  # type: ignore[arg-type]
        + abs(expected) * tolerance(prev) / (prev.yuan * prev.yuan) * 100  # type: ignore[operator]
    )
    stated_share = abs(change.yuan) / abs(prev.yuan) * 100  # type: ignore[arg-type]
    holds, severity = min(
        (percent_verdict(rate.value, share, rounding), percent_verdict(rate.value, stated_share, rounding)),
        key=lambda v: not v[0],
    )
    facts = [rate, cur, prev, change]
    if not holds:
        return result(
            "stated_change",
            "broken",
            f"{name}：按{cur.printed}与{prev.printed}计算变动率为{share:.2f}%，文中写作{rate.printed}",
            f"{name}: {cur.printed} vs {prev.printed} is a {share:.2f}% change, the report says {rate.printed}",
            facts,
            kind="change rate",
            severity=severity,
            expected=f"{share:.2f}%",
            found=rate.printed,
            difference=f"{abs(rate.value) - share:.2f}%",
        )
    if expected and rate.value and (expected > 0) != (rate.value > 0):
        return result(
            "comparison_words",
            "broken",
            f"{name}：数字{'上升' if expected > 0 else '下降'}，文中却写{rate.printed}的反向变动",
            f"{name}: the figures {'rise' if expected > 0 else 'fall'} but the wording says the opposite",
            facts,
            kind="wording",
            severity="warning",
            expected="增长" if expected > 0 else "下降",
            found=rate.printed,
        )
    return result(
        "stated_change", "holds", f"{name}：变动率{rate.printed}与{cur.printed}、{prev.printed}相符",
        f"{name}: change rate {rate.printed} agrees with {cur.printed} and {prev.printed}", facts, kind="change rate",
    )  # fmt: skip


def percent_verdict(stated: Decimal, computed: Decimal, rounding: Decimal) -> tuple[bool, Severity]:
    """A printed percentage against the one its figures give. Reports compute it from the figures they print (121
    of 128 change rates on the tuning reports to half a unit of the last digit), rounded or truncated: up to one
    unit of the last digit (and half a unit more for the figures' rounding) holds; beyond, a finding, only an info
    while the rounding of the figures could explain it."""
    unit = 2 * half_unit(stated)
    off = abs(computed - abs(stated))
    if off <= unit + min(rounding, unit / 2):
        return True, "info"
    return False, "info" if off <= unit / 2 + rounding else "warning"


def _change_slip(name: str, cur: Fact, prev: Fact, change: Fact, expected: Decimal, slack: Decimal) -> Result:
    """A wrong change is a unit slip if other units make it right, a wording slip if only the sign is off."""
    facts = [change, cur, prev]
    if cur.unit != prev.unit == change.unit and prev.unit:
        as_prev = cur.value * MONEY_UNITS[prev.unit] - prev.yuan  # type: ignore[operator]
        if abs(as_prev - change.yuan) <= slack * MONEY_UNITS[prev.unit]:  # type: ignore[operator]
            return result(
                "stated_change",
                "broken",
                f"{name}：{cur.printed}与上下文单位不一致，按{prev.unit}计算变动额才相符",
                f"{name}: {cur.printed} disagrees with the units around it; only in {prev.unit} does the change add up",
                [cur, prev, change],
                kind="unit_slip",
                severity="error",
                expected=f"{cur.value}{prev.unit}",
                found=cur.printed,
            )
    for unit in {cur.unit, prev.unit} - {change.unit, None}:
        factor = MONEY_UNITS[unit]  # type: ignore[index]
        if abs(expected - change.value * factor) <= slack * factor:
            return result(
                "stated_change",
                "broken",
                f"{name}：变动额应为{in_unit(expected, unit)}，文中写作{change.printed}（单位错误）",
                f"{name}: the change is {in_unit(expected, unit)}, printed as {change.printed} (wrong unit)",
                facts,
                kind="unit_slip",
                severity="error",
                expected=in_unit(expected, unit),
                found=change.printed,
            )
    if abs(expected + change.yuan) <= slack:  # type: ignore[operator]
        return result(
            "comparison_words",
            "broken",
            f"{name}：由{prev.printed}到{cur.printed}应为{'增加' if expected > 0 else '减少'}，文中写反",
            f"{name}: from {prev.printed} to {cur.printed} is {'an increase' if expected > 0 else 'a decrease'}, "
            f"the text says the opposite",
            facts,
            kind="wording",
            severity="warning",
            expected=in_unit(expected, change.unit),
            found=change.printed,
        )
    return result(
        "stated_change",
        "broken",
        f"{name}：{cur.printed}与{prev.printed}之差为{in_unit(expected, change.unit)}，文中写作{change.printed}",
        f"{name}: {cur.printed} − {prev.printed} = {in_unit(expected, change.unit)}, the report says {change.printed}",
        facts,
        kind="change",
        severity=graded(
            abs(expected - change.yuan) - slack, tolerance(change), expected - change.yuan, expected, False
        ),  # type: ignore[operator]
        expected=in_unit(expected, change.unit),
        found=change.printed,
        difference=in_unit(change.yuan - expected, change.unit),  # type: ignore[operator]
    )


# -- comparison words -----------------------------------------------------------------------------------------

_VS_BUDGET = re.compile(
    r"(?:决算|支出|执行|实际)(?:支出)?数?(?:均|都|略|明显|远)?(?P<word>大于|高于|超过|多于|超出|小于|低于|少于|等于|持平|"
    r"与预算数?(?:基本)?持平)了?(?P<which>年初|全年|调整后?)?(?:预算)?(?!单位)"
)
_MORE = ("大于", "高于", "超过", "多于", "超出")
_LESS = ("小于", "低于", "少于")
_ACTUAL = ("决算数", "执行数")
_UP = ("增加", "增长", "上升", "提高")
_WORD = re.compile(
    r"^\s*(?:同比|分别|共|均|大幅度?|略有|有所|较大幅度)?(增加|增长|上升|提高|减少|下降|降低|持平|基本持平)(?![（(])"
)


def comparison_words(report: Report) -> list[Result]:
    """增加/减少/持平 after a comparison base, and 大于/小于/等于 (持平) 预算, agree with the figures stated."""
    return [*_budget_words(report), *_change_words(report)]


def _budget_words(report: Report) -> list[Result]:
    """ "决算数大于预算数" against the actual and budget in its sentence (or, for the usual "年初预算为X万元，支出决算
    为Y万元。决算数小于预算数的主要原因", the sentence before). Every candidate pair must contradict the word."""
    doc = report.doc
    if not doc.year:
        return []
    out = []
    prev: list[Fact] = []
    for page, text, _offset, inside in report.sentences():
        m = _VS_BUDGET.search(text.replace("（", "").replace("）", ""))
        before, prev = prev, inside
        if not m:
            continue
        actual, budget = _actual_budget(doc, inside, m.group("which") or "")
        if (not actual or not budget) and not any(f.kind == "money" for f in inside):
            actual, budget = _actual_budget(doc, before, m.group("which") or "")
        if not actual or not budget or len(actual) > 3 or len(budget) > 3:
            continue
        word = m.group("word")
        pairs = [(a, b) for a in actual for b in budget]
        verdicts = [_says(word, a, b) for a, b in pairs]
        a, b = pairs[0]
        quote = Evidence(page=page, quote=clip(text, m.start()), value=word)
        if not all(v is False for v in verdicts):
            out.append(
                result("comparison_words", "holds", f"决算数{a.printed}与预算数{b.printed}：{word}",
                       f"actual {a.printed} vs budget {b.printed}: “{word}” fits", [a, b], kind="budget_wording",
                       extra=[quote])
            )  # fmt: skip
            continue
        truth = _truth(a, b)
        out.append(
            result(
                "comparison_words",
                "broken",
                f"文中称决算数{word}预算数，但所列决算数{a.printed}{truth}预算数{b.printed}",
                f"the text says “{word}” but its actual {a.printed} is {_english(truth)} the budget {b.printed}",
                [a, b],
                kind="budget_wording",
                severity="warning",
                expected=f"决算数{truth}预算数",
                found=m.group(),
                extra=[quote],
            )
        )
    return out


def _says(word: str, actual: Fact, budget: Fact) -> bool:
    """Whether the word fits the pair of figures (within the printed rounding)."""
    slack = tolerance(actual) + tolerance(budget)
    diff = actual.yuan - budget.yuan  # type: ignore[operator]
    if word in _MORE:
        return diff >= -slack
    if word in _LESS:
        return diff <= slack
    return abs(diff) <= slack or abs(diff) * 100 <= abs(budget.yuan)  # type: ignore[arg-type]  # 等于, (基本)持平


def _truth(actual: Fact, budget: Fact) -> str:
    slack = tolerance(actual) + tolerance(budget)
    diff = actual.yuan - budget.yuan  # type: ignore[operator]
    return "大于" if diff > slack else "小于" if diff < -slack else "等于"


def _english(word: str) -> str:
    return {"大于": "above", "小于": "below", "等于": "equal to"}[word]


def _actual_budget(doc: Document, facts: list[Fact], which: str) -> tuple[list[Fact], list[Fact]]:
    money = [f for f in facts if f.kind == "money" and f.yuan is not None and f.period == doc.year]
    actual = [f for f in money if f.measure in _ACTUAL and not _share_base(f)]
    wanted = {"": ("预算数",), "年初": ("预算数",), "全年": ("预算数", "调整预算数")}.get(which, ("调整预算数",))
    return actual, [f for f in money if f.measure in wanted]


def _share_base(fact: Fact) -> bool:
    """ "占一般公共预算财政拨款支出决算数1113.88万元的7.34%": the base of a share, another item's figure."""
    before = fact.quote[: fact.quote.find(fact.printed)] if fact.printed in fact.quote else ""
    return CLAUSE.split(before)[-1].lstrip().startswith("占")


def _change_words(report: Report) -> list[Result]:
    """ "比Y增加/减少/持平": the direction words right after a comparison base agree with this year vs Y. A
    comparison whose change `stated_changes` recomputes is judged there."""
    doc = report.doc
    out: list[Result] = []
    for page, text, offset, inside in all_sentences(report):
        judged = {id(base) for _, base, _, _ in comparisons(doc, text, offset, inside)}
        for i, base in enumerate(inside):
            piece = CLAUSE.split(text[: (base.start or 0) - offset])[-1]
            if (
                id(base) in judged
                or base.kind != "money"
                or base.yuan is None
                or base.measure not in BASE_MEASURES
                or not VERSUS.match(piece)
                or NOT_A_BASE.search(piece[1:])
            ):
                continue
            cur = current(doc, text, offset, [f for f in inside[:i] if f.measure not in ("增减额", "增减率")], base)
            if cur is None:
                continue
            diff = cur.yuan - base.yuan  # type: ignore[operator]
            level = abs(diff) <= tolerance(cur) + tolerance(base)
            for word, at in _direction_words(text, (base.end or 0) - offset):
                flat = "持平" in word
                fits = level if flat else (not level and (word in _UP) == (diff > 0))
                name = report.label(cur)
                quote = Evidence(page=page, quote=clip(text, at), value=word)
                if fits:
                    out.append(
                        result("comparison_words", "holds", f"{name}：由{base.printed}到{cur.printed}，“{word}”相符",
                               f"{name}: from {base.printed} to {cur.printed}, “{word}” fits", [cur, base],
                               kind="change_wording", extra=[quote])
                    )  # fmt: skip
                    break
                truth = "持平" if level else "增加" if diff > 0 else "减少"
                out.append(
                    result(
                        "comparison_words",
                        "broken",
                        f"{name}：由{base.printed}到{cur.printed}应为{truth}，文中写作“{word}”",
                        f"{name}: from {base.printed} to {cur.printed} is "
                        f"{'no change' if level else 'an increase' if diff > 0 else 'a decrease'}, "
                        f"the text says “{word}”",
                        [cur, base],
                        kind="change_wording",
                        severity="warning",
                        expected=truth if level else f"{truth}{in_unit(abs(diff), base.unit)}",
                        found=word,
                        extra=[quote],
                    )
                )
                break
    return out


def _direction_words(text: str, start: int) -> Iterator[tuple[str, int]]:
    """Change words that follow a base directly: in the rest of its clause, then at the head of each next
    clause while clauses keep starting with one ("，减少8.41万元，下降85.47%")."""
    pos = start
    first = True
    for chunk in re.split(r"([，,；;。])", text[start:]):
        if chunk in ("，", ",", "；", ";", "。"):
            pos += len(chunk)
            if chunk in ("；", ";", "。"):
                return
            continue
        m = _WORD.match(chunk)
        if m:
            yield m.group(1), pos + m.start(1)
        elif not first:
            return
        first = False
        pos += len(chunk)


# -- base years -----------------------------------------------------------------------------------------------

_BASE_YEAR = re.compile(r"(?:比|较|与|同比)\s*(20\d{2})\s*年(?:度)?(?P<budget>[^，,。；;]{0,6}预算)?")
_YEAR = re.compile(r"(20\d{2})\s*年")
_IS_BASE = re.compile(r"(?:比|较|与)\s*$")


def base_years(report: Report) -> list[Result]:
    """A comparison "比/较/与YYYY年" is made against the year before the figure it compares (or, in final accounts,
    against the same year's budget): a 2024 figure compared "比2024年" or "比2022年" names the wrong base year."""
    doc = report.doc
    if not doc.year or doc.kind not in ("决算", "预算"):
        return []
    out = []
    for page, text, _offset, _inside in report.sentences():
        for m in _BASE_YEAR.finditer(text):
            own = [
                y
                for y in _YEAR.finditer(text[: m.start()])
                if not _IS_BASE.search(text[max(0, y.start() - 3) : y.start()])
            ]
            year = int(own[-1].group(1)) if own else doc.year
            base = int(m.group(1))
            budget = bool(m.group("budget")) and doc.kind == "决算"
            ok = base == year - 1 or (budget and base == year)
            quote = Evidence(page=page, quote=clip(text, m.start()), value=m.group(1))
            expected = f"{year}年预算" if budget else f"{year - 1}年"
            out.append(
                result(
                    "base_years",
                    "holds" if ok else "broken",
                    f"{year}年的数字与{base}年比较" + ("" if ok else f"，基期应为{expected}"),
                    f"a {year} figure compared with {base}" + ("" if ok else f"; the base should be {expected}"),
                    [],
                    kind="base_year",
                    severity="warning",
                    expected=expected,
                    found=f"{base}年",
                    extra=[quote],
                )
            )
    return out
