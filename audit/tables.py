"""The identities inside one statement, on schema facts: a line equals the sum of the lines printed under it.

In a column, the schema's hierarchy says which printed lines make up which: 类 = Σ款 and 款 = Σ项 by code, 本年收入合计
= Σ income lines, 总计 = 本年合计 + 结转结余 lines, 人员经费 = Σ its economic classes, 基本支出 = 人员经费 + 公用经费.
Along a row, the 合计 column is the sum of its breakdown columns (基本支出 + 项目支出, the income sources) or of
its fund columns (一般公共预算 + 政府性基金 + 国有资本经营).
In a 三公 table (one data row, the header names the line) the same hierarchy runs along the row: 合计 = 出国 +
公务用车 + 接待, 公务用车 = 购置 + 运行.

Knowing when not to accuse: a sum is judged only from printed figures of one statement; parts printed as "其中"
are never summed; a sum next to a figure we could not place or a number we did not read whole, in a table where
most sums fail and no one cell explains it (the layout was misread), or one that falls short beside a coded row
printed without figures (the reader lost them) is a parse doubt. A cell that breaks two identities at once (its
row and its column) is pinned: a material difference there is an error, anything else a warning.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from audit.common import amount, graded, result, slip, tolerance
from audit.finding import Result
from audit.report import Report
from corpus.model import Fact, Table
from corpus.numbers import MONEY_UNITS, is_amount
from corpus.schema import Line, Schema, Statement

# the line a printed 类 (no parent code) belongs to: the column's total, whichever of these it prints
_CLASS_TOTALS = {
    "function": ("exp_this_year", "inc_this_year", "exp_grand_total", "inc_grand_total"),
    "economic": ("personnel", "public_expense", "exp_basic", "admin_running", "exp_this_year", "exp_grand_total"),
}
_SCOPE_RANK = {None: 0, "all": 0, "fiscal": 1, "gp": 2, "gf": 2, "soc": 2, "carry": 2}
_RULE_OF = {
    "inc_this_year": "year_totals",
    "exp_this_year": "year_totals",
    "inc_grand_total": "grand_totals",
    "exp_grand_total": "grand_totals",
    "exp_basic": "basic_split",
    "personnel": "basic_split",
    "public_expense": "basic_split",
    "sg_total": "sangong_sum",
    "sg_car": "sangong_sum",
    "sg_meet_train_total": "sangong_sum",
}
_FUNDS = ("一般公共预算", "政府性基金", "国有资本经营")
_TOTAL_HEADER = ("合计", "小计", "总计")


_PARENTS: dict[int, dict[str, list[str]]] = {}


def sum_parents(schema: Schema) -> dict[str, list[str]]:
    """Node → the nodes it is a part of, nearest first: the lines whose sum_of lists it (Jiangsu 其他资金 = 事业收入 +
    …), then the schema's parent. Code lines are nodes by code, so editions of a code (310 before and after 2018)
    meet. Computed once per schema."""
    if id(schema) not in _PARENTS:
        found: dict[str, list[str]] = defaultdict(list)
        for line in schema.lines.values():
            for part in line.sum_of:
                found[node(schema.lines[part])].append(node(line))
        for line in schema.lines.values():
            if line.parent and node(schema.lines[line.parent]) not in found[node(line)]:
                found[node(line)].append(node(schema.lines[line.parent]))
        _PARENTS[id(schema)] = dict(found)
    return _PARENTS[id(schema)]


def node(line: Line) -> str:
    return f"{line.classification}:{line.code}" if line.code else line.id


def table_sums(report: Report) -> list[Result]:
    """Every column sum and row total of every statement, with the parse-doubt and pinning verdicts applied."""
    parents = sum_parents(report.schema)
    out: list[Result] = []
    for statement, table, facts in report.instances():
        if not statement.standard:
            continue
        titles = {f.table_id or "": report.tables[f.table_id].title or statement.title for f in facts if f.table_id}
        found = [
            *_column_sums(report, statement, facts, parents, titles),
            *_row_totals(report, statement, facts, titles),
        ]
        out.extend(_judged(report, table, facts, found))
    return out


def _groups(statement: Statement, facts: list[Fact]) -> Iterable[list[Fact]]:
    """The facts one hierarchy runs over: a column (row statements) or a row and measure (三公 tables)."""
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.line is None or f.kind not in ("money", "number"):
            continue
        if statement.line_from == "header":
            groups[(f.table_id, f.row, (f.column or "").split("/")[-1])].append(f)
        else:
            groups[(f.col,)].append(f)
    return groups.values()


def _column_sums(
    report: Report, statement: Statement, facts: list[Fact], parents: dict[str, list[str]], titles: dict[str, str]
) -> list[Result]:
    out = []
    groups = list(_groups(statement, facts))
    for group in groups:
        tree = _tree(report.schema, group, parents)
        for parent, parts in tree.values():
            if any(_of_which(p) for p in parts):
                continue  # "其中" lists only some of the parts
            rule = _rule(report.schema, parent)
            if rule == "year_totals" and len(parts) < 2:
                continue  # a year's total is never one 类 alone: the other rows were not read (烟台's 公开表4)
            out.append(_sum_result(rule, parent, parts, titles))
        total = _other_column_total(report.schema, statement, group, facts)
        if total is not None:
            classes = [f for f in group if report.schema.lines[f.line or ""].level == "类"]
            out.append(_sum_result("year_totals", total, classes, titles))
    return out


def _other_column_total(schema: Schema, statement: Statement, group: list[Fact], facts: list[Fact]) -> Fact | None:
    """A summary's column of 类 lines with no total of its own (Jiangsu 收支预算总表: 功能分类 beside 支出用途, whose
    当年支出小计 both add up to): that other column's 本年支出 total."""
    if statement.rows != "summary_lines":
        return None
    lines = {f.line for f in group}
    classes = [f for f in group if schema.lines[f.line or ""].classification == "function"]
    if (
        not classes
        or any(schema.lines[f.line or ""].level != "类" for f in classes)
        or lines & set(_CLASS_TOTALS["function"])
    ):
        return None
    if len(classes) != len(group):
        return None
    column = [f for f in facts if f.table_id == group[0].table_id and f.col == group[0].col and f.kind == "money"]
    if len(classes) < 2 or any(f.line is None for f in column):
        return None  # one 类 alone, or amounts the schema cannot place: the rows read may not be all of them
    totals = [
        f for f in facts if f.line == "exp_this_year" and f.col != group[0].col and f.table_id == group[0].table_id
    ]
    return totals[0] if len(totals) == 1 else None


def _of_which(fact: Fact) -> bool:
    return fact.subject.lstrip().startswith(("其中", "含"))


def _rule(schema: Schema, parent: Fact) -> str:
    line = schema.lines[parent.line or ""]
    if line.classification in ("function", "economic"):
        return "code_sums"
    return _RULE_OF.get(line.id, "line_sums")


def _tree(schema: Schema, group: list[Fact], parents: dict[str, list[str]]) -> dict[int, tuple[Fact, list[Fact]]]:
    """Each printed line that has printed parts → (its fact, the nearest printed lines under it)."""
    by_node: dict[str, list[Fact]] = defaultdict(list)
    for f in group:
        by_node[node(schema.lines[f.line or ""])].append(f)
    values: dict[tuple, set] = defaultdict(set)
    for key, fs in by_node.items():
        for f in fs:
            values[(key, _SCOPE_RANK.get(f.scope, 2))].add(f.value)
    # the same line twice at one scope with two values (a header or a row read wrongly): which is which is unclear,
    # and so is every sum it would enter
    clash = {key for (key, _), found in values.items() if len(found) > 1}
    out: dict[int, tuple[Fact, list[Fact]]] = {}
    unclear: set[int] = set()
    seen: set[tuple] = set()
    for f in group:
        key = node(schema.lines[f.line or ""])
        if (key, _SCOPE_RANK.get(f.scope, 2), f.value) in seen:
            continue  # the same figure printed twice counts once
        seen.add((key, _SCOPE_RANK.get(f.scope, 2), f.value))
        parent = _parent_fact(schema, f, key, by_node, parents)
        if parent is None:
            continue
        if key in clash or node(schema.lines[parent.line or ""]) in clash:
            unclear.add(id(parent))
        else:
            out.setdefault(id(parent), (parent, []))[1].append(f)
    return {k: v for k, v in out.items() if k not in unclear}


def _parent_fact(
    schema: Schema, f: Fact, key: str, by_node: dict[str, list[Fact]], parents: dict[str, list[str]]
) -> Fact | None:
    """The nearest printed line this fact is part of (the same line at a broader scope first)."""
    rank = _SCOPE_RANK.get(f.scope, 2)
    broader = [g for g in by_node[key] if _SCOPE_RANK.get(g.scope, 2) < rank]
    if broader:
        return max(broader, key=lambda g: _SCOPE_RANK.get(g.scope, 2))
    line = schema.lines[f.line or ""]
    for _ in range(8):
        candidates = parents.get(key) or [_class_total(line.classification, line.level, by_node)]
        printed = next((c for c in candidates if c and by_node.get(c)), None)
        if printed:
            return min(by_node[printed], key=lambda g: _SCOPE_RANK.get(g.scope, 2))
        key = candidates[-1] or ""
        if key not in schema.lines and ":" not in key:
            return None
        line = schema.lines.get(key) or next((x for x in schema.lines.values() if node(x) == key), line)
    return None


def _class_total(classification: str, level: str, by_node: dict[str, list[Fact]]) -> str | None:
    """A 类 row is part of the column's total line; none when the column prints both 人员经费 and 公用经费."""
    if level != "类" or classification not in _CLASS_TOTALS:
        return None
    if classification == "economic" and "personnel" in by_node and "public_expense" in by_node:
        return None
    return next((t for t in _CLASS_TOTALS[classification] if t in by_node), None)


def _sum_result(rule: str, whole: Fact, parts: list[Fact], titles: dict[str, str]) -> Result:
    """A printed total against its printed parts. Printed tables add up exactly almost always (1,661 of 1,697
    sums on the tuning reports; the rest by one or two units of the last digit, all in tables rounded to 万元 or to
    whole 元): figures printed to the fen must add up exactly; rounded ones may be one unit of the finest printed
    digit off, two are an info, more is a finding."""
    summed = sum((amount(p) for p in parts), Decimal(0))
    figures = [whole, *parts]
    unit = 2 * min(tolerance(f) for f in figures)
    exact = all(f.yuan is not None for f in figures) and unit <= Decimal("0.01")  # to the fen: nothing was rounded
    slack = Decimal(0) if exact else unit
    if any(re.search(r"\.\d*0$", f.printed) for f in figures):  # the table keeps trailing zeros ("64,840,547.00"),
        slack += sum((tolerance(f) for f in figures if 2 * tolerance(f) > unit), Decimal(0))  # so "22,118,861" is
    # rounded to whole 元; where it drops them ("15" beside "21.96" in a 三公 table), "15" is 15.00
    diff = amount(whole) - summed
    names = " + ".join(f"{_name(p)} {p.printed}" for p in parts[:6]) + (" + …" if len(parts) > 6 else "")
    title = titles.get(whole.table_id or "", "")
    where = f"{title}（{_col(whole)}）"
    facts = [whole, *parts]
    if abs(diff) <= slack:
        return result(
            rule, "holds", f"{where}{_name(whole)} {whole.printed} = {names}",
            f"{title} ({_col(whole)}): {_name(whole)} {whole.printed} = {names}", facts, titles=titles,
        )  # fmt: skip
    shown = _shown(summed, whole)
    rounding = not exact and abs(diff) <= 2 * unit
    return result(
        rule,
        "broken",
        f"{where}{_name(whole)}为{whole.printed}，其组成{names}合计{shown}，相差{_shown(diff, whole)}",
        f"{title} ({_col(whole)}): {_name(whole)} is {whole.printed} but its parts {names} add up to {shown}",
        facts,
        kind="rounding" if rounding else slip(amount(whole), summed),
        severity="info" if rounding else graded(abs(diff), Decimal(0), diff, summed, sure=False),
        expected=shown,
        found=whole.printed,
        difference=_shown(diff, whole),
        titles=titles,
    )


def _name(f: Fact) -> str:
    label = f.subject or f.label_path[-1] if f.label_path else f.subject
    code = f.line[1:] if f.line and f.line[0] in "fe" and f.line[1:].isdigit() else ""
    return f"{code} {label}".strip() if code and code not in label else label


def _col(f: Fact) -> str:
    return f.label_path[-1] if f.label_path and f.label_path[-1] != f.subject else (f.column or "")


def _shown(yuan_or_value: Decimal, like: Fact) -> str:
    """A computed amount in the unit and precision the fact prints."""
    if like.yuan is not None and like.unit:
        value = yuan_or_value / MONEY_UNITS[like.unit]
    else:
        value = yuan_or_value
    exponent = like.value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{value.quantize(Decimal(1).scaleb(-places)):,f}"


def _row_totals(report: Report, statement: Statement, facts: list[Fact], titles: dict[str, str]) -> list[Result]:
    """Along each row: a 合计 column = Σ its breakdown columns, a 合计 fund column = Σ the fund columns."""
    if statement.line_from == "header":
        return []
    rows: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.kind in ("money", "number") and f.column:
            rows[(f.table_id, f.row)].append(f)
    out = []
    for row in rows.values():
        table = report.tables[row[0].table_id or ""]
        for whole, parts in _row_parts(report, statement, table, row):
            out.append(_sum_result("row_totals", whole, parts, titles))
    return out


def _row_parts(report: Report, statement: Statement, table: Table, row: list[Fact]) -> list[tuple[Fact, list[Fact]]]:
    """(合计 column, its parts) in one row. A part is a sibling breakdown column or a sibling group's own 小计; a
    group printed without its 小计, a column id printed twice, or an amount in a column the schema cannot place
    (重庆's "一般公共预算拨款收入" beside 总计 is only "预算数") leaves the structure unclear and the row unjudged."""
    ids = {id(f): (f.column or "").split("/") for f in row if not _of_which_column(table, f)}
    counts = Counter(tuple(v) for v in ids.values())
    if any(n > 1 for n in counts.values()):
        return _fund_columns(table, row) if statement.rows == "summary_lines" else []
    out = []
    for whole in row:
        path = ids.get(id(whole), [])
        if len(path) < 2 or path[-2] != "total":
            continue
        prefix, measure = path[:-2], path[-1]
        if any(f is not whole and ids.get(id(f)) == [*prefix, measure] for f in row):
            continue  # a column beside the total that names no part
        groups: dict[str, list[tuple[list[str], Fact]]] = defaultdict(list)
        for f in row:
            other = ids.get(id(f), [])
            if (
                f is not whole
                and other[-1:] == [measure]
                and len(other) > len(prefix) + 1
                and other[: len(prefix)] == prefix
            ):
                groups[other[len(prefix)]].append((other[len(prefix) + 1 : -1], f))
        parts: dict[str, Fact] = {}
        for key, members in groups.items():
            own = [f for rest, f in members if rest in ([], ["total"])]
            if len(own) != 1:
                parts = {}
                break
            parts[key] = own[0]
        parts = _drop_nested(report.schema, parts)
        if parts:
            out.append((whole, list(parts.values())))
    if statement.rows == "summary_lines":
        out.extend(_fund_columns(table, row))
    return out


def _of_which_column(table: Table, f: Fact) -> bool:
    return any(h.lstrip().startswith("其中") for h in table.header_path(f.col or 0))


def _drop_nested(schema: Schema, parts: dict[str, Fact]) -> dict[str, Fact]:
    """Leave out a breakdown column that is part of another printed one (教育收费 under 事业收入)."""
    parents = sum_parents(schema)
    nodes = {k: node(schema.lines[c.line]) if (c := schema.columns.get(k)) and c.line else k for k in parts}
    printed = set(nodes.values())
    return {k: f for k, f in parts.items() if not set(parents.get(nodes[k], [])) & printed}


def _fund_columns(table: Table, row: list[Fact]) -> list[tuple[Fact, list[Fact]]]:
    """In a 财政拨款 summary: the 合计 column of a row = its 一般公共预算 + 政府性基金 + 国有资本经营 columns."""
    totals, funds = [], []
    for f in row:
        path = table.header_path(f.col or 0)
        last = path[-1] if path else ""
        if any(w in last for w in _TOTAL_HEADER) and not any(w in last for w in _FUNDS):
            totals.append(f)
        elif path and any(w in path[-1] for w in _FUNDS):
            funds.append(f)
    if len(totals) == 1 and funds and len({f.col for f in funds}) == len(funds):
        return [(totals[0], funds)]
    return []


def balanced_totals(report: Report) -> list[Result]:
    """In a two-sided summary, 收入总计 = 支出总计 (each column of the 支出 side that prints one)."""
    out = []
    for statement, _table, facts in report.instances():
        if statement.rows != "summary_lines":
            continue
        income = [f for f in facts if f.line == "inc_grand_total"]
        spending = [f for f in facts if f.line == "exp_grand_total"]
        if len(income) != 1 or not spending:
            continue
        total = income[0]
        other = min(spending, key=lambda f: f.col or 0)
        title = report.tables[total.table_id or ""].title
        diff = amount(total) - amount(other)
        slack = tolerance(total) + tolerance(other)
        if abs(diff) <= slack:
            out.append(
                result(
                    "balanced_totals",
                    "holds",
                    f"{title}：收入总计{total.printed}=支出总计{other.printed}",
                    f"{title}: total revenue {total.printed} = total expenditure {other.printed}",
                    [total, other],
                )
            )
            continue
        out.append(
            result(
                "balanced_totals",
                "broken",
                f"{title}：收入总计{total.printed}与支出总计{other.printed}不相等",
                f"{title}: total revenue {total.printed} differs from total expenditure {other.printed}",
                [total, other],
                kind=slip(amount(other), amount(total), other.printed, total.printed),
                severity=graded(abs(diff) - slack, tolerance(total), diff, amount(total), sure=True),
                expected=total.printed,
                found=other.printed,
                difference=_shown(-diff, other),
            )
        )
    return out


def _judged(report: Report, table: Table, facts: list[Fact], found: list[Result]) -> list[Result]:
    """Doubts where our parse is not to be trusted, and errors where a cell breaks both its row and its column."""
    broken = [r for r in found if r.status == "broken"]
    if not broken:
        return found
    holds = len(found) - len(broken)
    shared = set.intersection(*({_where(f) for f in r.facts} for r in broken))
    if holds < 2 * len(broken) and not shared and len(broken) > 1:  # no one cell explains the failures
        reason = (
            f"该表{len(broken)}处勾稽不符、{holds}处相符，可能是表格解析有误 / {len(broken)} of this table's "
            f"{len(found)} sums fail: we probably misread its layout"
        )
        return [r if r.status == "holds" else _doubt(r, reason) for r in found]
    lost = [f for f in facts if f.kind in ("money", "number") and f.line is None]
    empty = _empty_coded_rows(report, table.id)
    pins = Counter(_where(f) for r in broken for f in r.facts)
    out = []
    for r in found:
        if r.status != "broken":
            out.append(r)
            continue
        whole_code = report.schema.lines[r.facts[0].line or ""].code if r.facts[0].line else None
        near = [
            g
            for g in lost
            if any(
                (g.table_id, g.col) == (f.table_id, f.col) or (g.table_id, g.row) == (f.table_id, f.row)
                for f in r.facts
            )
            and not (whole_code and g.code and not g.code.startswith(whole_code))
        ]  # a lost 30210 row leaves 301 = Σ 301xx judged: only the sums it would enter are in doubt
        if report.near_unread(report.instance.get(table.id, table.id), r.facts):
            out.append(_doubt(r, "同行或同列有未读出的数字 / a number in this row or column was not read"))
            continue
        if near:
            out.append(
                _doubt(r, report.doubts.get(report.instance.get(table.id, table.id), "figures we could not place"))
            )
            continue
        whole, parts = r.facts[0], r.facts[1:]
        short = amount(whole) > sum((amount(p) for p in parts), Decimal(0))
        code = report.schema.lines[whole.line].code if whole.line in report.schema.lines else None
        blank = [c for c in empty if c.startswith(code or "")]
        if short and blank:
            out.append(
                _doubt(
                    r,
                    f"科目{blank[0]}一行没有读到数字，可能是解析丢失 / row {blank[0]} came without figures: "
                    "the reader may have lost them",
                )
            )
            continue
        pinned = any(pins[_where(f)] >= 2 for f in r.facts)
        if pinned and r.severity == "warning":
            diff = abs(amount(whole) - sum((amount(p) for p in parts), Decimal(0)))
            base = abs(amount(whole))
            if base and diff * 100 >= base:
                r = r.model_copy(update={"severity": "error"})
        out.append(r)
    return out


def _empty_coded_rows(report: Report, instance: str) -> list[str]:
    """Codes of rows that print a classification code but no amount: where a sum falls short, the reader may have
    lost that row's figures (2018年省检察院 p16, the 303 row of 公开06表)."""
    codes = []
    for table in report.doc.tables:
        if report.instance.get(table.id) != instance:
            continue
        for row in table.body_rows:
            texts = [c.text.replace(" ", "") for c in sorted(row, key=lambda c: c.col) if c.text.strip()]
            code = "".join(t for t in texts[:3] if t.isdigit() and len(t) in (2, 3, 5, 7))
            if len(code) in (3, 5, 7) and not any(is_amount(t) for t in texts):
                codes.append(code)
    return codes


def _where(f: Fact) -> tuple:
    return (f.table_id, f.row, f.col)


def _doubt(r: Result, reason: str) -> Result:
    return r.model_copy(
        update={"status": "doubt", "kind": "parse_doubt", "severity": "info", "message": f"{r.message}（{reason}）"}
    )
