"""Plain-text reports: encoding detection and the seed's tab-cell tables.

In these extracts a table cell is a line starting with TAB; a blank line then a
TAB line starts a new row; a line without TAB after a blank line continues the
cell above ("\\t基本", "", "支出" is one cell "基本支出"); a bare TAB is a merged
(empty) cell; two blank lines end the table.
"""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from corpus.errors import DqaError
from corpus.model import Cell, Page, Table
from corpus.numbers import unit_in
from corpus.paragraphs import PageBuilder, clean_line


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK), then detection."""
    if not data.strip():
        raise DqaError("the file is empty", path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise DqaError("cannot decode the text (not UTF-8, GBK or any encoding detected)", path)
    return str(best)


def text_to_pages(text: str) -> list[Page]:
    """The whole text file is one page: paragraphs plus the tab-cell tables in reading order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    builder = PageBuilder()
    i = 0
    n_tables = 0
    while i < len(lines):
        if lines[i].startswith("\t"):
            title, unit = _title_before(builder.prose)
            end = _table_end(lines, i)
            n_tables += 1
            table = _rows_to_table(lines[i:end], f"t{n_tables}", title, unit)
            if table.body_rows or table.header_rows:
                builder.add_table(table)
            i = end
            continue
        builder.prose.append(lines[i])
        i += 1
    return [builder.page()]


def _table_end(lines: list[str], start: int) -> int:
    """Index just past the table: two blank lines not followed by more table cells."""
    i = start + 1
    while i < len(lines):
        if _blank(lines[i]) and i + 1 < len(lines) and _blank(lines[i + 1]):
            nxt = next((j for j in range(i, min(i + 4, len(lines))) if not _blank(lines[j])), None)
            if nxt is None or not lines[nxt].startswith("\t"):  # a page break inside a table
                return i
        i += 1
    return i


def _blank(line: str) -> bool:
    return not line.startswith("\t") and not line.strip()


def _title_before(prose: list[str]) -> tuple[str, str | None]:
    """The table's title is the nearest line above that names a 表; its unit may sit nearby."""
    recent = [clean_line(x) for x in prose[-6:] if x.strip()]
    title = ""
    unit = None
    for line in reversed(recent):
        unit = unit or unit_in(line)
        if "表" in line and len(line) < 60:
            title = line
            break
    return title, unit


def _rows_to_table(lines: list[str], table_id: str, title: str, unit: str | None) -> Table:
    rows: list[list[str]] = []
    pending_blank = False
    for line in lines:
        if line.startswith("\t"):
            if pending_blank or not rows:
                rows.append([])
            rows[-1].append(line[1:])
            pending_blank = False
        elif _blank(line):
            pending_blank = True
        else:
            if rows and rows[-1]:
                rows[-1][-1] += line  # continuation of a cell broken by a paragraph mark
            pending_blank = False
    body = [
        [Cell(row=r, col=c, text=clean_line(text), page=1) for c, text in enumerate(row)] for r, row in enumerate(rows)
    ]
    return Table(id=table_id, title=title, unit=unit, pages=[1], body_rows=body)
