"""Sums inside one table: 类 = Σ款 = Σ项 by function code, 合计 rows and columns, 收 = 支 totals, roll-forwards.

Tables are read from the grid (not from facts) so split codes ("201" | "06" |
"01") are joined correctly. A table's structure is trusted only when the same
rule holds in most of the places it applies; failures in a table where the
rule mostly fails mean the reader misunderstood the layout, and stay silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from audit.finding import Evidence, Finding
from corpus.model import Document, Fact, Table
from corpus.numbers import half_unit, is_missing, parse_decimal

_CODE_HEADER = re.compile(r"类|款|项$|编码|代码|科目编码")
_TOTAL = re.compile(r"^(?:合计|小计|总计|本年(?:收入|支出)合计|[收支]入?出?合计)$")
_DIGITS = re.compile(r"^\d{2,7}$")


@dataclass
class Row:
    index: int
    code: str
    label: str
    values: dict[int, Decimal] = field(default_factory=dict)
    printed: dict[int, str] = field(default_factory=dict)
    page: int = 0
    quote: str = ""


def _code_cols(table: Table) -> set[int]:
    return {c for c in range(table.n_cols) if any(_CODE_HEADER.search(h) for h in table.header_path(c)[-1:])}


def table_rows(table: Table) -> list[Row]:
    """Body rows as code, label and numeric values by column."""
    code_cols = _code_cols(table)
    rows = []
    for i, cells in enumerate(table.body_rows):
        row = Row(
            index=i,
            code="",
            label="",
            page=cells[0].page if cells else 0,
            quote=" | ".join(c.text for c in cells if c.text),
        )
        for cell in sorted(cells, key=lambda c: c.col):
            text = cell.text.replace(" ", "")
            if (
                (cell.col in code_cols or not row.label)
                and _DIGITS.match(text)
                and len(text) in (2, 3, 5, 7)
                and not row.values
            ):
                row.code += text
            elif parse_decimal(text) is not None and not is_missing(text):
                row.values[cell.col] = parse_decimal(text)  # type: ignore[assignment]
                row.printed[cell.col] = cell.text
            elif text and not row.label:
                row.label = text
        rows.append(row)
    return rows


def _evidence(table: Table, row: Row) -> Evidence:
    return Evidence(page=row.page, quote=f"{table.title or table.id}: {row.quote}"[:200])


def _col_name(table: Table, col: int) -> str:
    return "/".join(table.header_path(col)) or f"第{col + 1}列"


def _slack(values: list[str]) -> Decimal:
    return sum((half_unit(parse_decimal(v) or Decimal(0)) for v in values), Decimal(0))


@dataclass
class _Tally:
    """Checks of one rule in one table: failures are reported only if the rule mostly holds."""

    holds: int = 0
    failures: list[Finding] = field(default_factory=list)
    incomplete: bool = False  # a coded row came without values: the reader lost cells

    def verdict(self) -> list[Finding]:
        return self.failures if self.holds >= 2 * len(self.failures) and self.holds >= 1 else []


def code_sums(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Each 类 or 款 row equals the sum of its next-level rows, column by column; 合计 = Σ 类."""
    out: list[Finding] = []
    for table in doc.tables:
        all_rows = table_rows(table)
        rows = [r for r in all_rows if r.values]
        coded = [r for r in rows if r.code]
        if len(coded) < 2:
            continue
        tally = _Tally(incomplete=any(r.code and not r.values for r in all_rows))
        for parent in coded:
            children = _children(parent.code, coded)
            if children:
                _compare(doc, table, parent, children, tally, "code_sum")
        top = [r for r in coded if len(r.code) == min(len(c.code) for c in coded)]
        for total in (r for r in rows if not r.code and _TOTAL.match(r.label)):
            _compare(doc, table, total, top, tally, "total_row")
        out.extend(tally.verdict())
    return out


def _children(code: str, coded: list[Row]) -> list[Row]:
    below = [r for r in coded if r.code.startswith(code) and len(r.code) > len(code)]
    if not below:
        return []
    level = min(len(r.code) for r in below)
    return [r for r in below if len(r.code) == level]


def _compare(doc: Document, table: Table, parent: Row, children: list[Row], tally: _Tally, kind: str) -> None:
    for col, value in parent.values.items():
        parts = [r.values[col] for r in children if col in r.values]
        if not parts:
            continue
        summed = sum(parts, Decimal(0))
        slack = _slack([parent.printed[col], *(r.printed[col] for r in children if col in r.printed)])
        if abs(summed - value) <= slack:
            tally.holds += 1
            continue
        what = parent.code or parent.label
        pages = {parent.page, *(r.page for r in children)}
        tally.failures.append(
            Finding(
                doc=doc.name,
                kind=kind,
                severity="info" if summed < value and (len(pages) > 1 or tally.incomplete) else "warning",
                message=f"{table.title or table.id}：{what}「{_col_name(table, col)}」为{parent.printed[col]}，"
                f"下级各行合计{summed} / {table.title or table.id}: {what} "
                f"({_col_name(table, col)}) is {parent.printed[col]} but its rows add up to {summed}",
                expected=str(summed),
                found=parent.printed[col],
                evidence=[_evidence(table, parent), *(_evidence(table, r) for r in children[:3])],
            )
        )


def total_columns(doc: Document, facts: list[Fact]) -> list[Finding]:
    """A 合计/小计 column equals the sum of its sibling columns, as the header paths group them."""
    out: list[Finding] = []
    for table in doc.tables:
        numeric = {c for r in table_rows(table) for c in r.values} - _code_cols(table)
        tally = _Tally()
        for col in sorted(numeric):
            parts = _sibling_columns(table, col, numeric)
            if not parts:
                continue
            for row in table_rows(table):
                if col not in row.values:
                    continue
                _compare_columns(doc, table, row, col, parts, tally)
        out.extend(tally.verdict())
        out.extend(_roll_forward(doc, table))
    return out


def _sibling_columns(table: Table, col: int, numeric: set[int]) -> list[int]:
    path = table.header_path(col)
    at = next((i for i, h in enumerate(path) if _TOTAL.match(h)), None)
    if at is None:
        return []
    prefix, suffix = path[:at], path[at + 1 :]
    groups: dict[str, list[tuple[int, list[str]]]] = {}
    for other in sorted(numeric - {col}):
        q = table.header_path(other)
        if len(q) <= at or q[:at] != prefix or _TOTAL.match(q[at]) or (suffix and q[-len(suffix) :] != suffix):
            continue
        groups.setdefault(q[at], []).append((other, q))
    parts = []
    for members in groups.values():
        subtotal = [c for c, q in members if len(q) > at + 1 and _TOTAL.match(q[at + 1])]
        if subtotal:
            parts.append(subtotal[0])
        elif len(members) == 1:
            parts.append(members[0][0])
        else:
            return []  # a group without its own subtotal: structure unclear
    return parts if len(parts) >= 2 else []


def _compare_columns(doc: Document, table: Table, row: Row, col: int, parts: list[int], tally: _Tally) -> None:
    summed = sum((row.values.get(c, Decimal(0)) for c in parts), Decimal(0))
    slack = _slack([row.printed[col], *(row.printed[c] for c in parts if c in row.printed)])
    if abs(summed - row.values[col]) <= slack:
        tally.holds += 1
        return
    names = "+".join(table.header_path(c)[-1] for c in parts)
    tally.failures.append(
        Finding(
            doc=doc.name,
            kind="total_column",
            severity="warning",
            message=f"{table.title or table.id}：{row.label or row.code}的「{_col_name(table, col)}」"
            f"为{row.printed[col]}，但{names}合计{summed} / {table.title or table.id}: {row.label or row.code} "
            f"({_col_name(table, col)}) is {row.printed[col]} but {names} add up to {summed}",
            expected=str(summed),
            found=row.printed[col],
            evidence=[_evidence(table, row)],
        )
    )


def _roll_forward(doc: Document, table: Table) -> list[Finding]:
    """年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余, row by row, where the columns are named."""
    cols: dict[str, int] = {}
    for c in range(table.n_cols):
        path = "".join(table.header_path(c))
        for key, pattern in (("open", "年初结转"), ("in", "本年收入"), ("out", "本年支出"), ("close", "年末结转")):
            if pattern in path and key not in cols:
                cols[key] = c
    if len(cols) < 4:
        return []
    out = []
    for row in table_rows(table):
        if not any(cols[k] in row.values for k in cols):
            continue
        v = {k: row.values.get(c, Decimal(0)) for k, c in cols.items()}
        expected = v["open"] + v["in"] - v["out"]
        slack = _slack([row.printed[c] for c in cols.values() if c in row.printed])
        if abs(expected - v["close"]) > slack:
            out.append(
                Finding(
                    doc=doc.name,
                    kind="roll_forward",
                    severity="warning",
                    message=f"{table.title or table.id}：{row.label or row.code}年初{v['open']}+收入{v['in']}"
                    f"−支出{v['out']}"
                    f"应为{expected}，年末写作{v['close']} / {row.label or row.code}: opening + income − "
                    f"spending = {expected}, but the closing balance is {v['close']}",
                    expected=str(expected),
                    found=str(v["close"]),
                    evidence=[_evidence(table, row)],
                )
            )
    return out


_GRAND_TOTAL = re.compile(r"^(?:收入|支出)?总计$|^收入总计$|^支出总计$")


def balanced_totals(doc: Document, facts: list[Fact]) -> list[Finding]:
    """In a 收支总表 the income 总计 equals the expenditure 总计."""
    out = []
    for table in doc.tables:
        if "总表" not in table.title:
            continue
        for cells in table.body_rows:
            ordered = sorted(cells, key=lambda c: c.col)
            totals = []
            for i, cell in enumerate(ordered):
                if _GRAND_TOTAL.match(cell.text.replace(" ", "")):
                    value = next((c for c in ordered[i + 1 :] if parse_decimal(c.text) is not None), None)
                    if value is not None:
                        totals.append(value)
            if len(totals) == 2:
                a, b = (parse_decimal(c.text) for c in totals)
                if a is not None and b is not None and abs(a - b) > half_unit(a) + half_unit(b):
                    quote = " | ".join(c.text for c in ordered if c.text)
                    out.append(
                        Finding(
                            doc=doc.name,
                            kind="balanced_totals",
                            severity="error",
                            message=f"{table.title}：收入总计{totals[0].text}与支出总计{totals[1].text}不相等 / "
                            f"{table.title}: income total {totals[0].text} differs from expenditure total "
                            f"{totals[1].text}",
                            expected=totals[0].text,
                            found=totals[1].text,
                            evidence=[Evidence(page=totals[0].page, quote=quote[:200])],
                        )
                    )
    return out
