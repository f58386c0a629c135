"""Rules across the statements of one report: the same line agrees wherever it is printed; every mandated statement
is there (under any of its titles); an empty statement says so; titles name the report's own year.

The same line means the same schema line (by code for 类/款/项 and economic classes, so editions meet) at the same
fund scope, measure, breakdown and period, on the same side (a function line of the 收入决算表 is income, not the
spending of the 支出决算表) and, for economic lines, under the same total (a 机关运行经费 table is not the
basic-expenditure table). Values are compared in yuan within the printed precision, so a 元 table meets a 万元 one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from audit.common import clip, graded, places, result, same_amount, slip, tolerance
from audit.finding import Evidence, Result
from audit.report import Report
from audit.tables import node
from corpus.model import Fact, Table
from corpus.numbers import parse_decimal
from corpus.schema import Statement

_TOTALS = ("exp_this_year", "inc_this_year", "exp_basic")
_GRAND = {"inc_this_year": "inc_grand_total", "exp_this_year": "exp_grand_total"}
_CARRIED = {"col_carry_in", "src_nonfiscal_balance", "col_carry_out"}


def table_key(report: Report, statement: Statement, f: Fact) -> tuple | None:
    """What a table figure is, for comparison across statements; None for what is not comparable."""
    line = report.schema.lines.get(f.line or "")
    if line is None or f.kind != "money" or f.yuan is None:
        return None
    ids = (f.column or "").split("/")
    measure, breakdown = ids[-1], [x for x in ids[:-1] if x != "total"]
    if line.id in _TOTALS and breakdown:  # the 合计 row's 基本支出 column is the 基本支出 line
        column = report.schema.columns.get(breakdown[-1])
        if column is None or column.line is None:
            return None
        line, breakdown = report.schema.lines[column.line], []
    elif line.id in _GRAND and report.row_breakdowns(f) & _CARRIED:  # 收入合计 beside 上年结转 and 结余 columns
        line = report.schema.lines[_GRAND[line.id]]
    if line.classification == "line":
        context = ""
    elif statement.rows in ("function", "economic"):
        context = statement.total_line
    else:
        context = "exp_this_year"  # a summary's function lines are its spending side
    return (node(line), f.scope or statement.scope, context, measure, "/".join(breakdown), f.period)


def same_line(report: Report) -> list[Result]:
    """The same line printed in two statements must show the same amount within the printed precision."""
    groups: dict[tuple, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for statement, table, facts in report.instances():
        if not statement.standard:
            continue
        for f in facts:
            key = table_key(report, statement, f)
            if key is not None and not report.untrusted(f):
                groups[key][table.id].append(f)
    found: list[tuple[tuple[str, str], Result]] = []
    for by_table in groups.values():
        printed = {t: fs[0] for t, fs in by_table.items() if len({f.yuan for f in fs}) == 1}
        if len(printed) >= 2:
            found.append(_compare(report, printed))
    return _judged(report, found)


def _compare(report: Report, printed: dict[str, Fact]) -> tuple[tuple[str, str], Result]:
    facts = list(printed.values())
    clusters: list[list[Fact]] = []
    for f in facts:
        home = next((c for c in clusters if same_amount(c[0], f)), None)
        if home is None:
            clusters.append([f])
        else:
            home.append(f)
    titles = {t: report.tables[t].title or t for t in printed}
    pair = tuple(sorted(printed))[:2]
    name = _name(facts[0])
    where = "；".join(f"{titles[f.table_id or '']} {f.printed}" for f in facts)
    if len(clusters) == 1:
        return pair, result(
            "same_line", "holds", f"{name}：{where}一致", f"{name} agrees: {where}", facts, titles=titles
        )  # type: ignore[return-value]
    clusters.sort(key=len, reverse=True)
    right, wrong = clusters[0][0], clusters[1][0]
    sure = len(clusters[0]) >= 2 and all(len(c) == 1 for c in clusters[1:])
    diff = wrong.yuan - right.yuan  # type: ignore[operator]
    if wrong.unit == right.unit and places(wrong) == places(right):
        severity = graded(abs(diff), Decimal(0), diff, right.yuan, sure=sure)  # type: ignore[arg-type]
    else:  # a difference within a few units of the coarser rounding is rounding
        excess = abs(diff) - tolerance(right) - tolerance(wrong)
        severity = graded(excess, max(tolerance(right), tolerance(wrong)), diff, right.yuan, sure=sure)  # type: ignore[arg-type]
    return pair, result(  # type: ignore[return-value]
        "same_line",
        "broken",
        f"{name}：{titles[wrong.table_id or '']}为{wrong.printed}，{titles[right.table_id or '']}为{right.printed}",
        f"{name}: {wrong.printed} in {titles[wrong.table_id or '']} but {right.printed} in "
        f"{titles[right.table_id or '']}",
        [wrong, right, *(f for f in facts if f is not wrong and f is not right)],
        kind=slip(wrong.yuan, right.yuan, wrong.printed, right.printed),  # type: ignore[arg-type]
        severity=severity,
        expected=right.printed,
        found=wrong.printed,
        difference=_diff(diff, wrong),
        titles=titles,
    )


def _diff(yuan: Decimal, like: Fact) -> str:
    from corpus.numbers import MONEY_UNITS

    return f"{yuan / MONEY_UNITS[like.unit or '元']:f}{like.unit or ''}"


def _name(f: Fact) -> str:
    code = f.line[1:] if f.line and f.line[0] in "fe" and f.line[1:6].isdigit() else ""
    label = f.subject
    return f"{code} {label}".strip() if code and code not in label else label


def _judged(report: Report, found: list[tuple[tuple[str, str], Result]]) -> list[Result]:
    """A pair of statements that disagrees on most of the lines they share is a pair we misread (a scope or a
    column mapped wrongly): its disagreements are doubts. So is any disagreement with a table we parsed badly."""
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for pair, r in found:
        tally[pair][r.status == "broken"] += 1
    out = []
    for pair, r in found:
        holds, broken = tally[pair]
        doubt = next((report.doubts[report.instance[t]] for t in pair if report.instance[t] in report.doubts), None)
        if r.status == "broken" and broken > 2 and holds < 2 * broken:
            doubt = (
                f"这两张表{broken}处不一致、{holds}处一致，可能是解析有误 / these two statements disagree on {broken} "
                f"of {holds + broken} shared lines: we probably misread one of them"
            )
        if r.status == "broken" and doubt:
            r = r.model_copy(
                update={
                    "status": "doubt",
                    "kind": "parse_doubt",
                    "severity": "info",
                    "message": f"{r.message}（{doubt}）",
                }
            )
        out.append(r)
    return out


# -- every mandated statement, and its "no data" note ---------------------------------------------------------

_EMPTY_NOTE = re.compile(
    r"无数据|本表无|无此|不涉及|没有|未发生|为空|空表|均为0|无相关|未安排|无.{0,12}(?:收入|支出|经费)"
)
_TOC = re.compile(r"目\s*录")


def statements_present(report: Report) -> list[Result]:
    """Each statement of the report's family is printed (under any title the schema knows, or its number), and a
    printed statement without figures says it has none."""
    doc = report.doc
    tables = [t for t in doc.tables if report.statement(t.id) is not None]
    families: dict[str, int] = defaultdict(int)
    for t in tables:
        statement = report.statement(t.id)
        if statement is not None and statement.standard:
            families[statement.family] += 1
    if not families:
        return []
    family = max(families, key=lambda k: families[k])
    mandated = [s for s in report.schema.statements.values() if s.family == family and s.standard]
    present = {report.classes[t.id].statement for t in tables}
    if len(present & {s.id for s in mandated}) * 2 < len(mandated):
        return []  # most of the family is absent: the tables are published in another file
    out = []
    toc = {p.number for p in doc.pages if _TOC.search(p.text[:300])}
    cells = (c.text for t in doc.tables for row in t.header_rows + t.body_rows for c in row if c.page not in toc)
    body = _squeeze("".join([*(p.text for p in doc.pages if p.number not in toc), *cells]))
    contents = _squeeze("".join(p.text for p in doc.pages if p.number in toc))
    for s in mandated:
        printed = [t for t in tables if report.classes[t.id].statement == s.id]
        if not printed:
            names = [_squeeze(a) for a in [s.title, *s.aliases]]
            out.append(_missing(s, any(n in body for n in names), any(n in contents for n in names)))
            continue
        first = printed[0]
        out.append(
            result("statements_present", "holds", f"{s.title}：见第{first.pages[0]}页“{first.title}”",
                   f"{s.title}: printed on page {first.pages[0]}", [])
        )  # fmt: skip
        if any(_has_amounts(t) for t in printed):
            continue
        noted = _noted_empty(report, first)
        out.append(
            result(
                "empty_statement",
                "holds" if noted else "broken",
                f"{first.title or s.title}为空表" + ("，并注明无数据" if noted else "，但未注明“本表无数据”"),
                f"{first.title or s.title} is empty" + (" and says so" if noted else " with no note saying so"),
                [],
                kind="empty_table",
                severity="info" if _said_zero(doc.pages, first) else "warning",
                expected="数据或“本表无数据”说明",
                found="空表",
                extra=[Evidence(page=first.pages[0], quote=first.title or s.title)],
            )
        )
    return out


def _missing(statement: Statement, in_body: bool, in_contents: bool) -> Result:
    """A mandated statement we did not find. Its title printed in the body means we failed to read it (a parse
    doubt); listed only in the contents, it is missing (a warning); named nowhere, it may not apply (info)."""
    if in_body:
        return result(
            "statements_present", "doubt", f"{statement.title}：正文印有此表标题，但未能识别出该表",
            f"{statement.title}: its title is printed but we could not find the table", [], kind="parse_doubt",
        )  # fmt: skip
    return result(
        "statements_present",
        "broken",
        f"{statement.title}：" + ("目录列出此表" if in_contents else "本类报告应有此表") + "，但报告中没有",
        f"{statement.title}: " + ("listed in the contents" if in_contents else "mandated for this kind of report")
        + " but not in the report",
        [],
        kind="missing_table",
        severity="warning" if in_contents else "info",
        expected=statement.title,
        found="缺失",
    )  # fmt: skip


def _squeeze(text: str) -> str:
    return re.sub(r"[\s“”\"]", "", text)


def _has_amounts(table: Table) -> bool:
    return any(parse_decimal(c.text) is not None for row in table.body_rows for c in row if c.text.strip())


def _noted_empty(report: Report, table: Table) -> bool:
    """The note is on the table's pages, or on the next page when that page starts no table of its own."""
    starts = {t.pages[0] for t in report.doc.tables if t is not table}
    after = table.pages[-1] + 1
    pages = [p for p in report.doc.pages if p.number in table.pages or (p.number == after and after not in starts)]
    cells = [c.text for row in table.body_rows for c in row]
    return any(_EMPTY_NOTE.search(text) for text in [table.note, *cells, *(p.text for p in pages)])


def _said_zero(pages: list, table: Table) -> bool:
    """The narrative says the fund this table covers is zero: an explanation, if not in the table."""
    fund = next((f for f in ("政府性基金", "国有资本经营", "三公") if f in table.title), None)
    if fund is None:
        return False
    pattern = re.compile(rf"{fund}[^。；]{{0,20}}?(?:为0|为零|0万元|0元|无)")
    return any(pattern.search(p.text) for p in pages)


# -- titles name the report's own year ------------------------------------------------------------------------

_TITLE_YEAR = re.compile(r"(20\d{2})\s*年\s*度?\s*(?:部门|单位)?\s*(决算|预算)")
_ANY_YEAR = re.compile(r"(20\d{2})\s*年()")
# a name in brackets is not the title's year: "…1.5TMRI（2021年医疗卫生机构能力提升补助资金）项目绩效自评表" of 2022;
# a bracket holding only the year is: "（2022年度）"
_NAME_IN_BRACKETS = re.compile(r"[（(](?![^）)]*?20\d{2}\s*年度?\s*[）)])[^）)]*[）)]")


def title_years(report: Report) -> list[Result]:
    """A statement title or a heading names this report's year (a 2024 决算 is not titled 2023年部门决算)."""
    doc = report.doc
    if not doc.year or doc.kind not in ("决算", "预算"):
        return []
    # a statement's title names one year, the report's; a heading only when it says whose 决算/预算 it is
    candidates = [
        (t.pages[0], _NAME_IN_BRACKETS.sub("", t.title), _ANY_YEAR)
        for t in doc.tables
        if t.title and report.statement(t.id)
    ]
    candidates += [
        (p.number, para.text, _TITLE_YEAR)
        for p in doc.pages
        for para in p.paragraphs
        if len(para.text) <= 40 and not re.search(r"[，,。；;比与较]", para.text)
    ]
    out, seen = [], set()
    for page, text, pattern in candidates:
        for m in pattern.finditer(text):
            year = int(m.group(1))
            if (m.group(2) or doc.kind) != doc.kind or (year, text) in seen:
                continue
            seen.add((year, text))
            ok = year == doc.year
            out.append(
                result(
                    "title_years",
                    "holds" if ok else "broken",
                    f"标题“{clip(text, width=40)}”写作{year}年" + ("" if ok else f"，而本报告为{doc.year}年{doc.kind}"),
                    f"a title says {year}" + ("" if ok else f" but this is the {doc.year} {doc.kind} report"),
                    [],
                    kind="wrong_year",
                    severity="warning",
                    expected=str(doc.year),
                    found=str(year),
                    extra=[Evidence(page=page, quote=clip(text), value=m.group(1))],
                )
            )
    return out
