"""Rules on the narrative's figures: each narrative figure equals its line in the statements, the same item stated
twice says the same, and the sums a paragraph states add up.

The narrative and the tables may legitimately differ for what sounds like one item (all funds vs 财政拨款, 基本支出
of the whole department vs of its 一般公共预算), so a difference is a warning only when it cannot be one of scope:
the sentence names the same fund scope as the table, or every statement prints one value and the narrative differs
from it the way a slip does (a digit, a transposition, a unit or a decimal point). Otherwise it is info.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from itertools import combinations

from audit.changes import CLAUSE, NOT_A_PART, PARTS_MARKER
from audit.common import (
    BASE_MEASURES,
    clip,
    digits,
    in_unit,
    item_key,
    result,
    rounded_off,
    same_amount,
    slip,
    tolerance,
)
from audit.finding import Evidence, Result
from audit.report import Report
from audit.statements import table_key
from audit.tables import node, sum_parents
from corpus.labels import similar_subjects
from corpus.model import Fact
from corpus.numbers import MONEY_UNITS, half_unit

_GENERIC = {"合计", "总计", "支出", "收入", "小计", "本年收入", "本年支出", "其他", "项目支出", "基本支出"}
_SLIPS = ("unit_slip", "factor_of_ten", "transposed_digits", "one_digit")
# narrative sums the schema has no sum_of for (its parent links also hold the 中小企业 share, which is no part)
_NARRATIVE_SUMS = {"procurement_total": ("procurement_goods", "procurement_works", "procurement_services")}
# narrative lines that the statements print as a fund's totals: "财政拨款支出X万元" is the 财政拨款 总表's 本年支出合计
# (or 支出总计), "当年财政拨款收入" its 本年收入's 财政拨款 line; a narrative's 收入总计 / 支出总计 (or its bare
# "收入预算X万元") may be the year's own total (西南大学 calls 本年收入合计 总计; a budget without carry-over)
_TABLE_LINES = {
    "inc_grand_total": ("inc_this_year",),
    "exp_grand_total": ("exp_this_year",),
    "exp_fiscal": ("exp_this_year", "exp_grand_total"),
    "exp_fiscal_this_year": ("exp_this_year",),
    "inc_fiscal_this_year": ("inc_fiscal",),
}
_RULE_OF = {
    "sg_total": "sangong_sum",
    "sg_car": "sangong_sum",
    "exp_basic": "basic_split",
    "inc_this_year": "year_totals",
    "exp_this_year": "year_totals",
    "inc_grand_total": "grand_totals",
    "exp_grand_total": "grand_totals",
    "procurement_total": "procurement_sum",
}


def _amounts(report: Report) -> list[Fact]:
    """Narrative amounts of money that are a level (not a change, a share or an approximation), zeros included."""
    return [
        f
        for f in report.text
        if f.kind == "money" and f.yuan is not None and f.measure in BASE_MEASURES and not f.approx
    ]


def _levels(report: Report) -> list[Fact]:
    """The non-zero ones: a zero is how the narrative says "none", for many items at once."""
    return [f for f in _amounts(report) if f.yuan]


def _item(report: Report, f: Fact) -> str | None:
    """What a narrative figure is about: its schema line, else its subject when the sentence names it."""
    line = report.schema.item(f.line or "")
    if line is not None:
        return node(line) if hasattr(line, "classification") else line.id
    key = item_key(f.subject)
    if len(key) < 3 or key in _GENERIC or not _named_in_quote(f, key):
        return None
    return "subject:" + key


def _named_in_quote(fact: Fact, key: str) -> bool:
    """The item is named in the fact's own sentence (not inherited from a heading), and not as a share base."""
    at = fact.quote.find(key)
    return at >= 0 and "占" not in fact.quote[max(0, at - 2) : at]


# -- the same item stated twice in the narrative -------------------------------------------------------------


def restated(report: Report) -> list[Result]:
    """Two narrative statements of one item (same line or named subject, scope, measure and period) agree."""
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in _levels(report):
        item = _item(report, f)
        if item is not None:
            groups[(item, f.scope, f.measure, f.period)].append(f)
    main_unit = Counter(f.unit for f in report.text if f.kind == "money").most_common(1)
    out = []
    for group in groups.values():
        if len(group) < 2:
            continue
        clusters: list[list[Fact]] = []
        for f in group:
            home = next((c for c in clusters if abs(c[0].yuan - f.yuan) <= tolerance(c[0]) + tolerance(f)), None)  # type: ignore[operator]
            if home is None:
                clusters.append([f])
            else:
                home.append(f)
        name = report.label(group[0])
        if len(clusters) == 1:
            out.append(
                result("restated", "holds", f"{name}：{len(group)}处表述一致", f"{name}: stated {len(group)} times",
                       group, kind="restatement")
            )  # fmt: skip
        elif len(clusters) == 2:
            conflict = _conflict(report, name, clusters, main_unit[0][0] if main_unit else None)
            if conflict is not None:
                out.append(conflict)
        else:  # more than two values: a generic label (预算安排, 该项目), unless two differ as a slip does
            for a, b in combinations(clusters, 2):
                if _slip(a[0], b[0]) in ("transposed_digits", "one_digit"):
                    conflict = _conflict(report, name, [a, b], main_unit[0][0] if main_unit else None)
                    out.extend([conflict] if conflict is not None else [])
    return out + _unit_slips(report, main_unit[0][0] if main_unit else None)


def _unit_slips(report: Report, main_unit: str | None) -> list[Result]:
    """The same digits in another unit for one item, or for an item and its part of the same amount ("公务用车购置
    及运行维护费54.39万元" and "公务用车运行维护费支出54.39元" when nothing was bought): the rarer unit is the slip."""
    by_value: dict[Decimal, list[Fact]] = defaultdict(list)
    for f in _levels(report):
        if len(digits(f.printed).strip("0")) >= 3:
            by_value[f.value].append(f)
    parents = sum_parents(report.schema)
    out = []
    for group in by_value.values():
        units = Counter(f.unit for f in group)
        if len(units) < 2:
            continue
        for slip_fact in group:
            others = [g for g in group if g.unit != slip_fact.unit and _related(report, slip_fact, g, parents)]
            if not others:
                continue
            other = others[0].unit
            if units[slip_fact.unit] > units[other] or (
                units[slip_fact.unit] == units[other] and slip_fact.unit == main_unit
            ):
                continue  # the majority (or the narrative's own) unit is not the slip
            name = report.label(others[0])
            out.append(
                result(
                    "restated",
                    "broken",
                    f"{name}：第{slip_fact.page}页写作{slip_fact.printed}，其他处为{others[0].printed}",
                    f"{name}: printed as {slip_fact.printed} on page {slip_fact.page}, {others[0].printed} elsewhere",
                    [slip_fact, *others],
                    kind="unit_slip",
                    severity="error",
                    expected=others[0].printed,
                    found=slip_fact.printed,
                )
            )
    return out


def _related(report: Report, a: Fact, b: Fact, parents: dict[str, list[str]]) -> bool:
    """One item, or an item and its part (the schema's tree), or two subjects printed alike, or one paragraph (the
    same digits of three or more figures in another unit are no coincidence there)."""
    if _paragraph(report, a) == _paragraph(report, b):
        return True
    ia, ib = _item(report, a), _item(report, b)
    if ia is not None and ia == ib:
        return True
    if ia and ib and (ib in parents.get(ia, []) or ia in parents.get(ib, [])):
        return True
    ka, kb = item_key(a.subject), item_key(b.subject)
    return min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka or similar_subjects(ka, kb) >= 0.8)


def _conflict(report: Report, name: str, clusters: list[list[Fact]], main_unit: str | None) -> Result | None:
    """Two values of one item. Unless they differ as a slip does (unit, digits, decimal point), two sentences may
    well name two items (subjects are read from the words): only a schema line stated twice in one paragraph is
    worth an info then, anything else is no finding."""
    clusters.sort(key=lambda c: (-len(c), c[0].unit != main_unit))
    right, wrong = clusters[0][0], clusters[1][0]
    if len(clusters[0]) == len(clusters[1]) and wrong.source == right.source:
        right, wrong = sorted((right, wrong), key=lambda f: (f.unit != main_unit, f.page, f.start or 0))
    kind = _slip(wrong, right)
    if kind == "unit_slip":
        return None  # `_unit_slips` reports it, with every statement of the right unit
    severity = "error" if kind == "transposed_digits" else "warning" if kind in _SLIPS else "info"
    if severity == "info" and not (
        report.schema.item(wrong.line or "") is not None and _paragraph(report, wrong) == _paragraph(report, right)
    ):
        return None
    return result(
        "restated",
        "broken",
        f"{name}：第{wrong.page}页写作{wrong.printed}，第{right.page}页为{right.printed}",
        f"{name}: {wrong.printed} on page {wrong.page} but {right.printed} on page {right.page}",
        [wrong, *clusters[0]],
        kind=kind,
        severity=severity,  # type: ignore[arg-type]
        expected=right.printed,
        found=wrong.printed,
        difference=in_unit(wrong.yuan - right.yuan, wrong.unit),  # type: ignore[operator]
    )


def _slip(wrong: Fact, right: Fact) -> str:
    """How a narrative figure differs from the right one, compared as the coarser of the two prints it
    (16,726,725.44元 is 1672.67万元 next to a narrative's 1612.67万元: one digit); the same digits in another unit is
    a unit slip. A round figure (100 vs 200) differing in one digit is no slip's signature."""
    if wrong.value == right.value and wrong.unit != right.unit:
        return "unit_slip"
    mixed = tolerance(right) != tolerance(wrong)
    if tolerance(right) > tolerance(wrong):  # 1,062,593元 against 100.26万元: read both as 万元
        right, wrong = wrong, right
    shown = _as_printed(right, wrong)
    if mixed and rounded_off(wrong, right):
        return "rounding"
    kind = slip(wrong.value, shown, digits(wrong.printed), digits(f"{shown:f}"))
    if kind == "one_digit" and min(len(digits(f.printed).strip("0")) for f in (wrong, right)) < 3:
        return "difference"
    return kind


def _other_unit(f: Fact, c: Fact) -> bool:
    """The narrative's digits (three or more) read in another money unit are the table's amount, within both
    roundings."""
    if len(digits(f.printed).strip("0")) < 3:
        return False
    for unit, factor in MONEY_UNITS.items():
        if unit != f.unit and c.yuan is not None:
            slack = tolerance(c) + half_unit(f.value) * factor
            if abs(f.value * factor - c.yuan) <= slack:
                return True
    return False


def _as_printed(right: Fact, like: Fact) -> Decimal:
    """The right figure in the unit and to the decimals the other one is printed with."""
    if right.yuan is None or like.unit not in MONEY_UNITS or right.unit == like.unit:
        return right.value
    exponent = like.value.as_tuple().exponent
    places = Decimal(1).scaleb(exponent) if isinstance(exponent, int) and exponent < 0 else Decimal(1)
    return (right.yuan / MONEY_UNITS[like.unit or "元"]).quantize(places)


def _paragraph(report: Report, f: Fact) -> tuple[int, int]:
    page = report.doc.pages[f.page - 1] if 0 < f.page <= len(report.doc.pages) else None
    if page is None or f.start is None:
        return (f.page, -1)
    return (f.page, next((p.start for p in page.paragraphs if p.start <= f.start < p.end), -1))


# -- a narrative figure against its line in the statements ---------------------------------------------------


def narrative_lines(report: Report) -> list[Result]:
    """Each narrative figure with a schema line equals that line as some statement prints it."""
    printed: dict[tuple, list[Fact]] = defaultdict(list)
    for statement, _table, facts in report.instances():
        if statement.standard:
            for f in facts:
                key = table_key(report, statement, f)
                if key is not None and not report.untrusted(f):
                    item, scope, context, measure, breakdown, period = key
                    printed[(item, context, measure, breakdown, period)].append(f)
    items = _items_in_tables(report)
    out = []
    for f in _levels(report):
        line = report.schema.lines.get(f.line or "")
        if line is None and items.get((f.line, f.column, f.period)):
            out.append(_against_tables(report, f, items[(f.line, f.column, f.period)], explicit=False))
        if line is None or line.classification == "economic" or not f.column:
            continue
        context = "exp_this_year" if line.classification == "function" else ""
        candidates = [
            c for lid in (line.id, *_TABLE_LINES.get(line.id, ()))
            for c in printed.get((node(report.schema.lines[lid]), context, f.column, "", f.period), [])
        ]  # fmt: skip
        scope = f.scope or _scope_before(report, f) or line.scope
        scoped = [c for c in candidates if c.scope == scope] if scope else candidates
        if scoped and not any(same_amount(c, f) for c in scoped):
            # a statement of another scope that prints the figure: the sentence's scope is ours to misread (重庆:
            # "一般公共预算拨款12,672.73万元" is 表一's income with the carry-over, not 表四's 12,572.73)
            scoped = [c for c in candidates if same_amount(c, f)] or scoped
        if scoped:
            found = _against_tables(report, f, scoped, explicit=bool(scope) or bool(line.scope))
            if found.status == "broken" and found.severity != "info" and _in_some_table(report, f):
                found = found.model_copy(update={"severity": "info"})  # a table we did not classify prints it
            out.append(found)
    return out


def _in_some_table(report: Report, f: Fact) -> bool:
    """Some table of the report prints the narrative's figure, to four significant digits or more: a statement we
    did not recognise (广州's "收支总体情况表" prints the 9,483.72万元 that the 一般公共预算 table's 9,433.72 is not),
    so the difference is of scope, not a slip of the narrative. A short figure ("0.3万元") is printed somewhere by
    chance."""
    if len(digits(f.printed).strip("0")) < 4:
        return False
    return any(g.source == "table" and g.kind == "money" and g.yuan and same_amount(g, f) for g in report.facts)


def _items_in_tables(report: Report) -> dict[tuple, list[Fact]]:
    """Narrative items that a table prints too, by (item, measure, period): the 合计 of Jiangsu's 政府采购预算表 is the
    政府采购 total the narrative states."""
    out: dict[tuple, list[Fact]] = defaultdict(list)
    for _statement, _table, facts in report.instances():
        for f in facts:
            ids = (f.column or "").split("/")
            if (
                f.line in report.schema.narrative
                and f.kind == "money"
                and f.yuan is not None
                and not report.untrusted(f)
                and all(x == "total" for x in ids[:-1])
            ):
                out[(f.line, ids[-1], f.period)].append(f)
    return out


def _scope_before(report: Report, f: Fact) -> str | None:
    """A part listed after 其中 has its total's fund scope ("一般公共预算财政拨款基本支出X万元，其中：人员经费Y")."""
    marker = f.quote.find("其中")
    if marker < 0 or marker > f.quote.find(f.printed):
        return None
    total = [
        g for g in report.text
        if g.page == f.page and g.quote == f.quote and (g.start or 0) < (f.start or 0) and g.scope and g.kind == "money"
    ]  # fmt: skip
    return total[-1].scope if total else None


def _against_tables(report: Report, f: Fact, candidates: list[Fact], explicit: bool) -> Result:
    titles = {c.table_id or "": report.tables[c.table_id or ""].title for c in candidates}
    near = min(candidates, key=lambda c: abs(c.yuan - f.yuan))  # type: ignore[operator]
    name = report.label(f)
    if same_amount(near, f):
        return result(
            "narrative_lines", "holds", f"{name}：正文{f.printed}与{titles[near.table_id or '']}{near.printed}一致",
            f"{name}: the text's {f.printed} agrees with {near.printed} in {titles[near.table_id or '']}",
            [f, near], kind="narrative_vs_table", titles=titles,
        )  # fmt: skip
    own = [c for c in candidates if c.line == f.line]  # the narrative's own line, before the totals it may mean
    values = {c.yuan for c in own or candidates}
    slipped = next((c for c in candidates if _other_unit(f, c)), None)
    if slipped is not None:  # "157.23元" where the table prints 1,572,307.00元: the digits of 157.23万元
        near = slipped
    kind = "unit_slip" if slipped is not None else _slip(f, near)
    if kind not in _SLIPS and own and near not in own:  # no slip of a total it may mean: against its own line
        near = min(own, key=lambda c: abs(c.yuan - f.yuan))  # type: ignore[operator]
        kind = _slip(f, near)
    one_value = len(values) == 1
    coarse, fine = sorted((f, near), key=tolerance, reverse=True)
    if kind != "unit_slip" and tolerance(f) != tolerance(near) and rounded_off(coarse, fine):
        kind, severity = "rounding", "info"  # "87.70万元" for 877,080元: truncated, not rounded
    elif kind == "unit_slip":
        severity = "error"
    elif kind in _SLIPS or (explicit and one_value):
        severity = "warning"  # a digit off the nearest statement of the line is a slip whatever the scope
    else:
        severity = "info"
    table = titles[near.table_id or ""]
    return result(
        "narrative_lines",
        "broken",
        f"{name}：正文写作{f.printed}，{table}为{near.printed}",
        f"{name}: the text says {f.printed} but {table} prints {near.printed}",
        [f, *candidates],
        kind=kind,
        severity=severity,  # type: ignore[arg-type]
        expected=f"{near.printed}{near.unit or ''}" if near.unit and near.unit not in near.printed else near.printed,
        found=f.printed,
        difference=in_unit(f.yuan - near.yuan, f.unit),  # type: ignore[operator]
        titles=titles,
    )


# -- sums a paragraph states ----------------------------------------------------------------------------------


def narrative_sums(report: Report) -> list[Result]:
    """三公 = 出国 + 公务用车 + 接待, 公务用车 = 购置 + 运行, 基本支出 = 人员经费 + 公用经费, 政府采购 = 货物 + 工程 +
    服务 … as one paragraph states them: the parts never exceed their total, and add up to it when every part of
    the schema's sum is named."""
    parents = sum_parents(report.schema)
    paragraphs: dict[tuple, dict[str, Fact]] = defaultdict(dict)
    sections: dict[tuple, list[Fact]] = defaultdict(list)
    for f in _amounts(report):  # a part stated as 0 is a part named
        item = report.schema.item(f.line or "")
        if item is not None:
            paragraphs[(_paragraph(report, f), f.measure, f.period)].setdefault(_node(item), f)
            sections[(_section(report, f), f.measure, f.period)].append(f)
    out = []
    for (_, measure, period), members in paragraphs.items():
        for key, whole in members.items():
            near = members
            parts = _parts(report, key, near, parents)
            if not parts:  # "…预算总金额为2247.85万元。" then "其中拟购买货物59万元，…" in the next paragraph
                near = _after(report, whole, sections[(_section(report, whole), measure, period)])
                parts = _parts(report, key, near, parents)
            if parts and whole.yuan:
                found = _narrative_sum(report, key, whole, {p: near[p] for p in parts})
                if found is not None:
                    out.append(found)
    return out


def _section(report: Report, f: Fact) -> tuple:
    page = report.doc.pages[f.page - 1] if 0 < f.page <= len(report.doc.pages) else None
    para = next((p for p in page.paragraphs if p.start <= (f.start or 0) < p.end), None) if page else None
    return tuple(para.heading_path) if para is not None else (f.page,)


def _after(report: Report, whole: Fact, section: list[Fact]) -> dict[str, Fact]:
    """The items stated after a total in its section, each first time."""
    members: dict[str, Fact] = {}
    for f in section:
        item = report.schema.item(f.line or "")
        if item is not None and (f.page, f.start or 0) > (whole.page, whole.start or 0):
            members.setdefault(_node(item), f)
    members.setdefault(_node(report.schema.item(whole.line or "")), whole)
    return members


def _node(item: object) -> str:
    return node(item) if hasattr(item, "classification") else item.id  # type: ignore[arg-type,attr-defined]


def _parts(report: Report, key: str, members: dict[str, Fact], parents: dict[str, list[str]]) -> list[str]:
    if key in _NARRATIVE_SUMS:
        return [p for p in _NARRATIVE_SUMS[key] if p in members]
    line = report.schema.lines.get(key)
    if line is None:
        return []
    return [k for k in members if k != key and key in parents.get(k, [])[:1]]


def _narrative_sum(report: Report, key: str, whole: Fact, members: dict[str, Fact]) -> Result | None:
    facts = list(members.values())
    summed = sum((f.yuan for f in facts), Decimal(0))  # type: ignore[misc]
    slack = 2 * min(tolerance(f) for f in [whole, *facts])  # the narrative drops trailing zeros: "15万元" is 15.00
    diff = whole.yuan - summed  # type: ignore[operator]
    line = report.schema.lines.get(key)
    needed = set(_NARRATIVE_SUMS.get(key, line.sum_of if line else ()))
    complete = bool(needed) and needed <= set(members)
    rule = _RULE_OF.get(key, "line_sums")
    name = item_key(whole.subject)
    names = " + ".join(f"{item_key(f.subject)} {f.printed}" for f in facts)
    if abs(diff) <= slack:
        return result(rule, "holds", f"{name} {whole.printed} = {names}", f"{name} {whole.printed} = {names}",
                      [whole, *facts], kind="parts")  # fmt: skip
    if diff > 0 and not complete:
        return None  # the paragraph names only some of the parts
    return result(
        rule,
        "broken",
        f"{name}{whole.printed}，而所列{names}合计{in_unit(summed, whole.unit)}",
        f"{name} is {whole.printed} but the parts the text lists ({names}) add up to {in_unit(summed, whole.unit)}",
        [whole, *facts],
        kind="parts_exceed_total" if diff < 0 else slip(whole.yuan, summed),  # type: ignore[arg-type]
        severity="warning",
        expected=in_unit(summed, whole.unit),
        found=whole.printed,
        difference=in_unit(diff, whole.unit),
    )


def narrative_balance(report: Report) -> list[Result]:
    """收入总计 = 支出总计 as the narrative states them (same fund scope, measure and year)."""
    sides: dict[tuple, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for f in _levels(report):
        if f.line in ("inc_grand_total", "exp_grand_total"):
            sides[(f.scope, f.measure, f.period)][f.line].append(f)
    out = []
    for side in sides.values():
        income, spending = side.get("inc_grand_total"), side.get("exp_grand_total")
        if not income or not spending:
            continue
        for f in spending:
            match = next((g for g in income if abs(g.yuan - f.yuan) <= tolerance(g) + tolerance(f)), None)  # type: ignore[operator]
            if match is not None:
                out.append(
                    result("balanced_totals", "holds", f"收入总计{match.printed}=支出总计{f.printed}",
                           f"total revenue {match.printed} = total expenditure {f.printed}", [f, match])
                )  # fmt: skip
                continue
            g = income[0]
            kind = _slip(f, g)
            if kind not in _SLIPS and _paragraph(report, f) != _paragraph(report, g):
                continue  # apart, "收入总计" and "支出总计" may be this year's only (西南大学: 本年收入 and 本年支出)
            out.append(
                result(
                    "balanced_totals",
                    "broken",
                    f"正文的收入总计{g.printed}与支出总计{f.printed}不相等",
                    f"the text's total revenue {g.printed} differs from its total expenditure {f.printed}",
                    [f, g],
                    kind=kind,
                    severity="warning",
                    expected=g.printed,
                    found=f.printed,
                    difference=in_unit(f.yuan - g.yuan, f.unit),  # type: ignore[operator]
                )
            )
    return out


# -- parts after 其中 never exceed their total ---------------------------------------------------------------


def parts_within_total(report: Report) -> list[Result]:
    """Amounts listed after 其中/包括/主要用于 do not add up to more than the amount stated right before it."""
    out = []
    for page, text, offset, inside in report.sentences():
        markers = list(PARTS_MARKER.finditer(text))
        if not markers or not inside:
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
        if summed <= total.yuan + slack:  # type: ignore[operator]
            continue
        name = item_key(total.subject)
        out.append(
            result(
                "parts_within_total",
                "broken",
                f"{name}：其中各项合计{in_unit(summed, total.unit)}，超过总数{total.printed}",
                f"{name}: the listed parts add up to {in_unit(summed, total.unit)}, more than its {total.printed}",
                [total, *parts],
                kind="parts_exceed_total",
                severity="warning",
                expected=total.printed,
                found=in_unit(summed, total.unit),
                difference=in_unit(summed - total.yuan, total.unit),  # type: ignore[operator]
                extra=[Evidence(page=page, quote=clip(text, pos - offset))],
            )
        )
    return out
