"""Identities between two tables of one report: the same fiscal-appropriation figure printed twice.

- 收入支出决算总表 / 财务收支预算总表 / 收支预算总表 vs 财政拨款收入支出决算总表 / 财政拨款收支预算总表:
  the 一般公共预算, 政府性基金预算 and 国有资本经营预算 income lines, and the 财政拨款 income total.
- 一般公共预算财政拨款支出决算表 (一般公共预算支出功能分类预算表) 合计 = the 一般公共预算 column of the
  财政拨款 总表's 本年支出合计 (支出总计 when nothing is carried forward).
- Jiangsu 财政拨款支出预算表 合计 = 财政拨款收支预算总表 支出合计.
- 基本支出 tables: their total = the 基本支出 column of the matching expenditure table's 合计 row
  (Jiangsu: the 基本支出 line of 财政拨款收支预算总表).

A pair is compared only when both tables are found once by title, both state their money unit, the
value columns are this year's own measure, and each figure is found exactly once. Two printed values
that differ by more than their printed rounding are a warning; a blank cell against a non-zero figure is
only info (the reader may have lost the cell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from audit.finding import Evidence, Finding
from corpus.facts import header_measure, header_period
from corpus.model import OWN_MEASURE, Cell, Document, Fact, Table
from corpus.numbers import MONEY_UNITS, half_unit, is_missing, parse_decimal

_TITLE_PREFIX = re.compile(r"^(?:公开\d+表[：:]?|表\d+[：:]?|[一二三四五六七八九十]+、)")
_TITLE_YEAR = re.compile(r"^\d{4}年度?(?:部门|预算单位|单位)?")
_TITLE_SUFFIX = re.compile(r"[（(](?:功能|经济)科目[)）]$")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）])")

# income lines, as labelled in either 总表 (enumeration and spaces removed)
FUNDS: dict[str, re.Pattern[str]] = {
    "一般公共预算": re.compile(r"^一般公共预算(?:财政)?(?:拨款)?(?:收入|资金)?$"),
    "政府性基金预算": re.compile(r"^政府性基金(?:预算)?(?:财政)?(?:拨款)?(?:收入|资金)?$"),
    "国有资本经营预算": re.compile(r"^国有资本经营预算(?:财政)?(?:拨款)?(?:收入|资金)?$"),
}
_FISCAL_TOTAL = re.compile(r"^财政拨款(?:收入)?$")
_INCOME_STOP = re.compile(r"合计|小计|总计|结转|结余")
_FUND_NAME = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算")

# (all-funds 总表, 财政拨款 总表) per family
SUMMARY_PAIRS = (
    ("收入支出决算总表", "财政拨款收入支出决算总表"),
    ("财务收支预算总表", "财政拨款收支预算总表"),
    ("收支预算总表", "财政拨款收支预算总表"),
)
# (财政拨款 总表, table of the 一般公共预算 fund's expenditure)
GENERAL_PAIRS = (
    ("财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表"),
    ("财政拨款收支预算总表", "一般公共预算支出功能分类预算表"),
    ("财政拨款收支预算总表", "一般公共预算支出预算表"),
)
# (基本支出 table, expenditure table with a 基本支出 column, or the 财政拨款 总表 with a 基本支出 line)
BASIC_PAIRS = (
    ("一般公共预算财政拨款基本支出决算表", "一般公共预算财政拨款支出决算表"),
    ("一般公共预算基本支出部门预算经济分类预算表", "一般公共预算支出功能分类预算表"),
    ("一般公共预算基本支出预算表", "一般公共预算支出预算表"),
    ("财政拨款基本支出预算表", "财政拨款支出预算表"),
    ("财政拨款基本支出预算表", "财政拨款收支预算总表"),
)


@dataclass
class Value:
    """One figure read from a table: None when the cell is blank (or a dash)."""

    table: Table
    name: str
    amount: Decimal | None
    printed: str
    page: int
    quote: str
    shifted: bool = False  # the table has values on unlabelled rows in this column

    @property
    def yuan(self) -> Decimal:
        return (self.amount or Decimal(0)) * MONEY_UNITS[self.table.unit or ""]

    @property
    def slack(self) -> Decimal:
        return half_unit(self.amount) * MONEY_UNITS[self.table.unit or ""] if self.amount is not None else Decimal(0)


def canonical(title: str) -> str:
    """ "公开 04 表：财政拨款收支预算总表", "2026年部门财政拨款收支预算总表" → 财政拨款收支预算总表."""
    s = re.sub(r"[\s“”\"‘’']", "", title)
    s = _TITLE_PREFIX.sub("", s)
    s = _TITLE_YEAR.sub("", s)
    return _TITLE_SUFFIX.sub("", s)


def _norm(text: str) -> str:
    return _ENUM.sub("", re.sub(r"\s", "", text))


def _table(doc: Document, title: str) -> Table | None:
    """The one table with this title and a money unit; None if absent or ambiguous."""
    found = [t for t in doc.tables if canonical(t.title) == title]
    if len(found) != 1 or found[0].unit not in MONEY_UNITS:
        return None
    return found[0]


def _number(text: str) -> Decimal | None:
    t = text.strip()
    if not t or is_missing(t):
        return None
    return parse_decimal(t)


def _quote(table: Table, cells: list[Cell]) -> str:
    return f"{table.title}: " + " | ".join(c.text for c in sorted(cells, key=lambda c: c.col) if c.text)


def _own_column(doc: Document, table: Table, col: int) -> bool:
    """This year's figure of the report's own kind (not 上年, not a change, not 年初预算 in a 决算)."""
    path = [_FUND_NAME.sub("", h) for h in table.header_path(col)]
    own = OWN_MEASURE.get(doc.kind, "")
    measure = header_measure(path, doc.kind)
    return measure in (own, "") and header_period(path, doc.year) == doc.year


def _label_cols(table: Table) -> set[int]:
    text: dict[int, int] = {}
    numeric: dict[int, int] = {}
    for row in table.body_rows:
        for c in row:
            if not c.text.strip():
                continue
            if _number(c.text) is not None or is_missing(c.text.strip()):
                numeric[c.col] = numeric.get(c.col, 0) + 1
            else:
                text[c.col] = text.get(c.col, 0) + 1
    return {c for c, n in text.items() if n > numeric.get(c, 0)}


def _value_col(doc: Document, table: Table, label_col: int, labels: set[int]) -> int | None:
    """The value column that belongs to a label column: the next own-measure column before the next label
    column (of several, the one that holds numbers)."""
    nxt = min((c for c in labels if c > label_col), default=table.n_cols)
    cols = [c for c in range(label_col + 1, nxt) if _own_column(doc, table, c)]
    if len(cols) > 1:
        cols = [
            c for c in cols if any(_number(x.text) is not None for row in table.body_rows for x in row if x.col == c)
        ]
    return cols[0] if len(cols) == 1 else None


def _orphans(table: Table, col: int) -> bool:
    """A number in column col on a row with no label to its left: the reader shifted cells between rows."""
    for cells in table.body_rows:
        value = _cell(cells, col)
        if (
            value is not None
            and _number(value.text) is not None
            and not any(c.text.strip() and _number(c.text) is None for c in cells if c.col < col)
        ):
            return True
    return False


def _cell(cells: list[Cell], col: int) -> Cell | None:
    return next((c for c in cells if c.col <= col < c.col + c.colspan), None)


def _labelled(
    doc: Document,
    table: Table,
    pattern: re.Pattern[str],
    first_col_only: bool = False,
    stop: re.Pattern[str] | None = None,
) -> Value | None:
    """The figure next to the one label matching pattern (None if none, several, or no clear value column)."""
    labels = _label_cols(table)
    if not labels:
        return None
    first = min(labels)
    hits: list[Value] = []
    for cells in table.body_rows:
        ordered = sorted(cells, key=lambda c: c.col)
        lead = next((c for c in ordered if c.col in labels and c.text.strip()), None)
        if stop and lead is not None and lead.col == first and stop.search(_norm(lead.text)):
            break
        for cell in ordered:
            if cell.col not in labels or (first_col_only and cell.col != first):
                continue
            name = _norm(cell.text)
            if not name or not pattern.match(name):
                continue
            col = _value_col(doc, table, cell.col, labels)
            if col is None:
                return None
            value = _cell(ordered, col)
            text = value.text if value else ""
            if text.strip() and _number(text) is None and not is_missing(text.strip()):
                return None
            hits.append(
                Value(table, name, _number(text), text.strip(), cell.page, _quote(table, cells), _orphans(table, col))
            )
    return hits[0] if len(hits) == 1 else None


def _header_col(doc: Document, table: Table, pattern: re.Pattern[str], last_only: bool = True) -> int | None:
    """The one own-measure column whose header (last level, or any level) matches."""
    cols = [
        c
        for c in range(table.n_cols)
        if _own_column(doc, table, c)
        and table.header_path(c)
        and any(pattern.search(h) for h in (table.header_path(c)[-1:] if last_only else table.header_path(c)))
    ]
    return cols[0] if len(cols) == 1 else None


def _row_cell(table: Table, row: re.Pattern[str], col: int, name: str) -> Value | None:
    """The cell in column col of the one row carrying a label that matches row."""
    rows = [cells for cells in table.body_rows if any(row.match(_norm(c.text)) for c in cells if c.col < col)]
    if len(rows) != 1:
        return None
    cells = rows[0]
    cell = _cell(cells, col)
    text = cell.text if cell else ""
    if text.strip() and _number(text) is None and not is_missing(text.strip()):
        return None
    page = cell.page if cell else cells[0].page
    return Value(table, name, _number(text), text.strip(), page, _quote(table, cells), _orphans(table, col))


def _single_numeric_col(table: Table) -> int | None:
    cols = {
        c.col
        for row in table.body_rows
        for c in row
        if _number(c.text) is not None and len(c.text) > 3 and not re.fullmatch(r"\d{3,7}", c.text.strip())
    }
    return next(iter(cols)) if len(cols) == 1 else None


_TOTAL_ROW = re.compile(r"^(?:合计|总计)$")
_TOTAL_HEAD = re.compile(r"^(?:合计|金额|本年支出合计)$")


def _table_total(doc: Document, table: Table, name: str) -> Value | None:
    """A code table's grand total: its 合计 row in the 合计 (or only) amount column."""
    col = _header_col(doc, table, _TOTAL_HEAD)
    if col is None:
        col = _single_numeric_col(table)
    return _row_cell(table, _TOTAL_ROW, col, name) if col is not None else None


def cross_tables(doc: Document, facts: list[Fact]) -> list[Finding]:
    """The same 财政拨款 figure in two tables of one report must agree within printed rounding."""
    if doc.kind not in ("决算", "预算") or not doc.year:
        return []
    out: list[Finding] = []
    for a, b in SUMMARY_PAIRS:
        out.extend(_summary_pair(doc, a, b))
    for a, b in GENERAL_PAIRS:
        out.extend(_general_pair(doc, a, b))
    for a, b in BASIC_PAIRS:
        out.extend(_basic_pair(doc, a, b))
    out.extend(_fiscal_spending(doc))
    return out


def _summary_pair(doc: Document, all_title: str, fiscal_title: str) -> list[Finding]:
    """Income lines of the all-funds 总表 vs the 财政拨款 总表, and the 财政拨款 income total."""
    whole, fiscal = _table(doc, all_title), _table(doc, fiscal_title)
    if whole is None or fiscal is None:
        return []
    out = []
    lines: dict[str, Value] = {}
    for fund, pattern in FUNDS.items():
        left = _labelled(doc, whole, pattern, first_col_only=True, stop=_INCOME_STOP)
        right = _labelled(doc, fiscal, pattern, first_col_only=True, stop=_INCOME_STOP)
        if right is not None:
            lines[fund] = right
        if left is not None and right is not None:
            out.extend(_compare(doc, left, right, f"{fund}财政拨款收入"))
    total = _labelled(doc, whole, _FISCAL_TOTAL, first_col_only=True, stop=_INCOME_STOP)
    if total is not None and total.amount is not None and lines and any(v.amount is not None for v in lines.values()):
        summed = sum((v.yuan for v in lines.values()), Decimal(0))
        slack = total.slack + sum((v.slack for v in lines.values()), Decimal(0))
        if abs(summed - total.yuan) > slack:
            shown = _in_unit(summed, total.table.unit)
            out.append(
                Finding(
                    doc=doc.name,
                    kind="cross_table",
                    severity="warning",
                    message=f"财政拨款收入：{total.table.title}为{total.printed}，{fiscal.title}各项合计{shown} / "
                    f"fiscal-appropriation income: {total.printed} in {total.table.title}, but the lines of "
                    f"{fiscal.title} add up to {shown}",
                    expected=shown,
                    found=total.printed,
                    evidence=[_ev(total), *(_ev(v) for v in lines.values())],
                )
            )
    return out


_GENERAL_COL = re.compile(r"一般公共预算")
_THIS_YEAR_SPENDING = re.compile(r"^本年支出合计$")
_SPENDING_TOTAL = re.compile(r"^支出(?:总计|合计)$")
_CARRIED = re.compile(r"结转|结余")


def _spending_total(doc: Document, table: Table, col: int, name: str) -> Value | None:
    """本年支出合计 in column col; 支出总计/合计 only when no row carries a balance forward."""
    value = _row_cell(table, _THIS_YEAR_SPENDING, col, name)
    if value is not None:
        return value
    for cells in table.body_rows:
        if any(_CARRIED.search(c.text) for c in cells) and any((_number(c.text) or 0) != 0 for c in cells):
            return None
    return _row_cell(table, _SPENDING_TOTAL, col, name)


def _general_pair(doc: Document, fiscal_title: str, general_title: str) -> list[Finding]:
    fiscal, general = _table(doc, fiscal_title), _table(doc, general_title)
    if fiscal is None or general is None:
        return []
    col = _header_col(doc, fiscal, _GENERAL_COL, last_only=True)
    if col is None:
        return []
    left = _spending_total(doc, fiscal, col, "一般公共预算财政拨款支出")
    right = _table_total(doc, general, "合计")
    if left is None or right is None:
        return []
    return _compare(doc, left, right, "一般公共预算财政拨款支出")


def _fiscal_spending(doc: Document) -> list[Finding]:
    """Jiangsu: 财政拨款支出预算表 合计 = 财政拨款收支预算总表 支出合计."""
    fiscal, spending = _table(doc, "财政拨款收支预算总表"), _table(doc, "财政拨款支出预算表")
    if fiscal is None or spending is None:
        return []
    for row in fiscal.body_rows:
        for c in row:
            if _CARRIED.search(c.text):
                carried = _labelled(doc, fiscal, re.compile("^" + re.escape(_norm(c.text)) + "$"))
                if carried is None or carried.amount:
                    return []  # something is carried forward, or the line cannot be read
    left = _labelled(doc, fiscal, _SPENDING_TOTAL)
    right = _table_total(doc, spending, "合计")
    if left is None or right is None:
        return []
    return _compare(doc, left, right, "财政拨款支出")


_BASIC_COL = re.compile(r"^基本支出$")
_BASIC_LINE = re.compile(r"^基本支出$")


def _basic_pair(doc: Document, basic_title: str, spending_title: str) -> list[Finding]:
    basic, spending = _table(doc, basic_title), _table(doc, spending_title)
    if basic is None or spending is None:
        return []
    total = _table_total(doc, basic, "基本支出合计") or _people_plus_public(doc, basic)
    if total is None:
        return []
    col = _header_col(doc, spending, _BASIC_COL)
    if col is not None:
        other = _row_cell(spending, _TOTAL_ROW, col, "基本支出")
    elif "总表" in spending_title:
        other = _labelled(doc, spending, _BASIC_LINE)
    else:
        return []
    if other is None:
        return []
    return _compare(doc, total, other, "基本支出")


def _right_of(table: Table, pattern: re.Pattern[str]) -> Value | None:
    """The first non-empty cell to the right of the one cell matching pattern, if it is a number."""
    hits = []
    for cells in table.body_rows:
        ordered = sorted(cells, key=lambda c: c.col)
        for i, cell in enumerate(ordered):
            if pattern.match(_norm(cell.text)):
                value = next((c for c in ordered[i + 1 :] if c.text.strip()), None)
                if value is not None and _number(value.text) is not None:
                    hits.append(
                        Value(
                            table,
                            _norm(cell.text),
                            _number(value.text),
                            value.text.strip(),
                            value.page,
                            _quote(table, cells),
                        )
                    )
    return hits[0] if len(hits) == 1 else None


def _people_plus_public(doc: Document, table: Table) -> Value | None:
    """Putuo 决算 basic tables end with 人员经费合计 | … | 公用经费合计 instead of a 合计 row."""
    people = _right_of(table, re.compile(r"^人员经费合计$"))
    public = _right_of(table, re.compile(r"^公用经费合计$"))
    if people is None or public is None or people.amount is None or public.amount is None:
        return None
    return Value(
        table,
        "人员经费合计+公用经费合计",
        people.amount + public.amount,
        f"{people.printed}+{public.printed}",
        people.page,
        people.quote,
    )


def _in_unit(yuan: Decimal, unit: str | None) -> str:
    value = yuan / MONEY_UNITS[unit or ""]
    return f"{value.quantize(Decimal('0.01')):f}"


def _ev(v: Value) -> Evidence:
    return Evidence(page=v.page, quote=v.quote[:200])


def _compare(doc: Document, a: Value, b: Value, what: str) -> list[Finding]:
    if a.amount is None and b.amount is None:
        return []
    if a.amount is None or b.amount is None:
        present = a if a.amount is not None else b
        if not present.amount:
            return []
        blank = b if present is a else a
        if blank.shifted:
            return []
        return [
            Finding(
                doc=doc.name,
                kind="cross_table",
                severity="info",
                message=f"{what}：{present.table.title}为{present.printed}，{blank.table.title}对应单元格为空 / "
                f"{what}: {present.printed} in {present.table.title}, blank in {blank.table.title}",
                expected=present.printed,
                found="空",
                evidence=[_ev(present), _ev(blank)],
            )
        ]
    if abs(a.yuan - b.yuan) <= a.slack + b.slack:
        return []
    return [
        Finding(
            doc=doc.name,
            kind="cross_table",
            severity="warning",
            message=f"{what}：{a.table.title}为{a.printed}，{b.table.title}为{b.printed} / "
            f"{what}: {a.printed} in {a.table.title} but {b.printed} in {b.table.title}",
            expected=a.printed,
            found=b.printed,
            evidence=[_ev(a), _ev(b)],
        )
    ]
