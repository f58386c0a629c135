"""Does the report agree with itself about a figure?

Two kinds of check: every other statement of the same figure (same item, period
and measure), and the arithmetic the report itself states around it (this year −
last year = change, change / last year = rate, actual / budget = completion,
parts after 其中 vs the total). Rounding to the printed precision is not an error.
"""

from __future__ import annotations

import re
from decimal import Decimal

from corpus.labels import similar_subjects
from corpus.model import Document, Fact
from corpus.numbers import MONEY_UNITS, half_unit, yuan_tolerance
from corpus.schema import load_schema
from qa.record import Check, cite

SAME_ITEM = 0.75
_SCOPES = ("财政拨款", "一般公共预算", "政府性基金", "国有资本经营", "本级", "附属")
_BASE_MEASURES = {"决算数", "预算数", "执行数", "调整预算数", "上年数", ""}


def cross_check(fact: Fact, facts: list[Fact], doc: Document) -> list[Check]:
    return statement_checks(fact, facts, doc) + arithmetic_checks(fact, facts, doc) + parts_checks(fact, facts, doc)


def same_item(a: Fact, b: Fact) -> bool:
    if a.measure != b.measure or a.period != b.period or a.kind != b.kind:
        return False
    sa, sb = a.subject.strip("“”"), b.subject.strip("“”")
    return sa == sb or (min(len(sa), len(sb)) >= 4 and (sa in sb or sb in sa)) or similar_subjects(sa, sb) >= SAME_ITEM


def statement_checks(fact: Fact, facts: list[Fact], doc: Document) -> list[Check]:
    """Every other statement of this figure: agreeing ones grouped, each conflict on its own."""
    agree: list[Fact] = []
    checks: list[Check] = []
    seen: set[tuple] = set()
    here = (fact.page, fact.start, fact.table_id, fact.row, fact.col)
    for other in facts:
        if other is fact or (other.page, other.start, other.table_id, other.row, other.col) == here:
            continue
        if not same_item(fact, other) and not (_part_of_the_same(fact, other) and other.value == fact.value):
            continue
        if _equal(fact, other):
            agree.append(other)
            continue
        if (other.printed, other.page, other.unit) in seen:
            continue
        seen.add((other.printed, other.page, other.unit))
        if fact.kind == "money" and other.value == fact.value and other.unit != fact.unit:
            checks.append(
                Check(
                    status="conflict",
                    kind="unit",
                    detail=f"{other.subject} is printed as {other.printed} on page {other.page} "
                    f"but as {fact.printed} here: a unit slip ({other.unit} vs {fact.unit}).",
                    citations=[cite(other, doc.name)],
                )
            )
        elif _same_statement(fact, other):
            checks.append(
                Check(
                    status="conflict",
                    kind="value",
                    detail=f"{other.subject} ({other.measure}, {other.period}) is {other.printed} on page "
                    f"{other.page} but {fact.printed} here.",
                    citations=[cite(other, doc.name)],
                )
            )
    if agree:
        pages = sorted({f.page for f in agree})
        checks.insert(
            0,
            Check(
                status="agree",
                kind="restatement",
                detail=f"{len(agree)} other statement(s) give the same figure (page(s) {', '.join(map(str, pages))}).",
                citations=[cite(f, doc.name) for f in agree[:5]],
            ),
        )
    return checks


def _part_of_the_same(a: Fact, b: Fact) -> bool:
    """One line is the other's part (公务用车运行维护费 of 公务用车购置及运行费): the same digits in another unit are a
    slip of the same figure."""
    if not a.line or not b.line or a.line == b.line or (a.measure, a.period) != (b.measure, b.period):
        return False
    lines = load_schema().lines
    return any(getattr(lines.get(x), "parent", None) == y for x, y in ((a.line, b.line), (b.line, a.line)))


def _same_statement(a: Fact, b: Fact) -> bool:
    """Sure enough to call a different value a conflict: two sentences of one section naming the
    same item, or the same row and column label in tables of the same title. A table of all funds and
    a table of fiscal appropriations may differ for one item, so text vs table stays silent."""
    if a.source != b.source:
        return False
    if a.source == "table":
        return a.label == b.label
    if a.kind == "percent":
        return False  # a share depends on its base, which a sentence may leave unsaid
    sa, sb = a.subject.strip("“”"), b.subject.strip("“”")
    same_section = bool(set(a.label_path[:-1]) & set(b.label_path[:-1]))  # 收入 and 支出 sections frame items apart
    same_scope = all((w in a.quote) == (w in b.quote) for w in _SCOPES)  # 财政拨款 项目支出 vs all 项目支出
    return same_section and same_scope and len(sa) >= 4 and (sa == sb or similar_subjects(sa, sb) >= 0.9)


def _equal(a: Fact, b: Fact) -> bool:
    if a.yuan is not None and b.yuan is not None:
        return abs(a.yuan - b.yuan) <= max(yuan_tolerance(a), yuan_tolerance(b))
    return a.value == b.value and a.unit == b.unit


def _siblings(fact: Fact, facts: list[Fact]) -> list[Fact]:
    """Facts stated in the same sentence (narrative) as this one."""
    if fact.source != "text":
        return []
    return [
        f
        for f in facts
        if f.source == "text"
        and f.page == fact.page
        and f.quote == fact.quote
        and f.start is not None
        and fact.start is not None
        and abs(f.start - fact.start) < len(f.quote)
    ]


def arithmetic_checks(fact: Fact, facts: list[Fact], doc: Document) -> list[Check]:
    """The report's own stated change, rate and completion around this figure."""
    sentence = sorted(_siblings(fact, facts), key=lambda f: f.start or 0)
    if not sentence:
        return []
    year = doc.year
    money = [f for f in sentence if f.kind == "money"]
    cur = next(
        (
            f
            for f in money
            if (f.measure in _BASE_MEASURES and f.period == year and f.measure != "预算数")
            or (doc.kind == "预算" and f.measure == "预算数" and f.period == year)
        ),
        None,
    )
    prev = next((f for f in money if year and f.period == year - 1 and f.measure in _BASE_MEASURES), None)
    change = next((f for f in money if f.measure == "增减额"), None)
    rate = next((f for f in sentence if f.measure == "增减率"), None)
    budget = next((f for f in money if f.measure == "预算数" and f is not cur), None)
    completion = next((f for f in sentence if f.measure == "完成率"), None)
    checks: list[Check] = []
    if cur and prev and change:
        checks.append(_difference(cur, prev, change, doc.name))
    if prev and change and rate:
        checks.append(
            _ratio(
                "change rate",
                change.yuan,
                prev.yuan,
                rate,
                [change, prev, rate],
                doc.name,
                slack=_ratio_slack(change, prev),
            )
        )
    if cur and budget and completion:
        checks.append(
            _ratio(
                "completion rate",
                cur.yuan,
                budget.yuan,
                completion,
                [cur, budget, completion],
                doc.name,
                slack=_ratio_slack(cur, budget),
            )
        )
    for share in (f for f in sentence if f.measure == "占比"):
        checks.append(_share(share, money, fact, doc.name))
    return [c for c in checks if c is not None]


def _share(share: Fact, money: list[Fact], fact: Fact, docname: str) -> Check | None:
    """ "X 54.39万元，占 Y 55.82万元的97.44%" or "其中：X 2940.05万元，占99.79%" (of the total before
    其中): the share is recomputed from the printed figures; without a printed base it cannot be."""
    before = [f for f in money if (f.end or 0) <= (share.start or 0)]
    part = next((f for f in reversed(before) if f.subject == share.subject and not _is_base(f, share)), None)
    if part is None or (fact is not share and fact is not part):
        return None
    base = next((f for f in reversed(before) if _is_base(f, share)), None)
    if base is None and "其中" in share.quote and before and before[0] is not part:
        base = before[0]  # the total stated before 其中
    if base is None or base.yuan is None:
        return Check(
            status="unverified",
            kind="share",
            detail=f"{share.printed} is a share of a total the sentence does not print.",
            citations=[cite(share, docname)],
        )
    return _ratio("share", part.yuan, base.yuan, share, [part, base, share], docname, slack=_ratio_slack(part, base))


def _is_base(amount: Fact, share: Fact) -> bool:
    """The amount printed inside "占…的" right before the percentage."""
    return (
        amount.end is not None
        and share.start is not None
        and 0 <= share.start - amount.end <= 2
        and "占" in share.quote[: share.quote.find(amount.printed)].split("，")[-1]
    )


def parts_checks(fact: Fact, facts: list[Fact], doc: Document) -> list[Check]:
    """Parts listed after 其中 against the total stated before it, in the figure's paragraph.

    The parts are read in order until they add up to the total (holds). Anything else
    stays silent: a list after 其中 may name only some parts, and the paragraph goes on
    (the audit judges sums that do not add up).
    """
    if fact.source != "text" or fact.kind != "money" or fact.start is None:
        return []
    page = next(p for p in doc.pages if p.number == fact.page)
    para = next((p for p in page.paragraphs if p.start <= fact.start < p.end), None)
    if para is None or "其中" not in para.text:
        return []
    split = para.start + para.text.index("其中")
    inside = sorted(
        (
            f
            for f in facts
            if f.source == "text"
            and f.page == fact.page
            and f.kind == "money"
            and f.start is not None
            and para.start <= f.start < para.end
        ),
        key=lambda f: f.start or 0,
    )
    total = next(
        (
            f
            for f in reversed(inside)
            if (f.start or 0) < split and f.measure == fact.measure and f.period == fact.period and f.yuan is not None
        ),
        None,
    )
    if total is None:
        return []
    parts = [
        f
        for f in inside
        if (f.start or 0) > split
        and f.measure == total.measure
        and f.period == total.period
        and f.subject != total.subject
        and f.yuan is not None
        and not _share_base(page.text, f)
    ]
    summed, slack = Decimal(0), yuan_tolerance(total)
    for k, part in enumerate(parts, start=1):
        summed += part.yuan  # type: ignore[operator]
        slack += yuan_tolerance(part)
        if k >= 2 and abs(summed - total.yuan) <= slack and (fact is total or fact in parts[:k]):  # type: ignore[operator]
            names = " + ".join(f"{p.subject} {p.printed}" for p in parts[:k])
            return [
                Check(
                    status="holds",
                    kind="parts",
                    detail=f"{names} = {total.subject} {total.printed}: consistent.",
                    citations=[cite(f, doc.name) for f in (total, *parts[:k])],
                )
            ]
    return []


def _share_base(text: str, fact: Fact) -> bool:
    """ "占行政事业单位离退休80.01万元的70.47%": that amount is the base of a share, not a part."""
    clause = re.split(r"[，,；;。]", text[max(0, (fact.start or 0) - 40) : fact.start])[-1]
    return clause.startswith("占")


def _difference(cur: Fact, prev: Fact, change: Fact, docname: str) -> Check:
    expected = cur.yuan - prev.yuan  # type: ignore[operator]
    slack = yuan_tolerance(cur) + yuan_tolerance(prev) + yuan_tolerance(change)
    holds = abs(expected - change.yuan) <= slack  # type: ignore[operator]
    unit = change.unit
    shown = expected / MONEY_UNITS[unit or "元"]
    return Check(
        status="holds" if holds else "broken",
        kind="change",
        detail=f"{cur.printed} − {prev.printed} = {shown:f}{unit}; the report states {change.printed}"
        f" ({'consistent' if holds else 'does not match'}).",
        citations=[cite(f, docname) for f in (cur, prev, change)],
    )


def _ratio_slack(numerator: Fact, denominator: Fact) -> Decimal:
    """How far a percentage may drift from rounding its inputs to their printed digits."""
    if not denominator.yuan:
        return Decimal(0)
    n, d = abs(numerator.yuan), abs(denominator.yuan)  # type: ignore[arg-type]
    dn, dd = yuan_tolerance(numerator), yuan_tolerance(denominator)
    return (dn / d + n * dd / (d * d)) * 100


def _ratio(
    name: str,
    numerator: Decimal | None,
    denominator: Decimal | None,
    stated: Fact,
    cited: list[Fact],
    docname: str,
    slack: Decimal,
) -> Check | None:
    if numerator is None or denominator is None:
        return None
    if denominator == 0:
        return Check(
            status="unverified",
            kind=name,
            detail=f"the {name} has a zero base",
            citations=[cite(f, docname) for f in cited],
        )
    expected = abs(numerator) / abs(denominator) * 100
    holds = abs(expected - abs(stated.value)) <= half_unit(stated.value) + slack
    places = max(0, -stated.value.as_tuple().exponent) if isinstance(stated.value.as_tuple().exponent, int) else 2
    return Check(
        status="holds" if holds else "broken",
        kind=name,
        detail=f"{name}: {expected:.{places}f}% computed from the stated figures; the report states "
        f"{stated.printed} ({'consistent' if holds else 'does not match'}).",
        citations=[cite(f, docname) for f in cited],
    )
