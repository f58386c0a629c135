"""Plain-text reports: encoding detection and the seed's tab-cell tables.

In these extracts a table cell is a line starting with TAB; a blank line then a
TAB line starts a new row; a line without TAB after a blank line continues the
cell above ("\\t基本", "", "支出" is one cell "基本支出"); a bare TAB is a merged
(empty) cell; two blank lines end the table. Leading rows of names that span the
grid are the header rows; a row of names further down heads the rows below it
(`Table.section_rows`: the form-like 绩效 tables print one head per section).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from corpus.errors import DqaError, visible
from corpus.limits import MAX_TEXT_BYTES, MB
from corpus.model import Cell, Page, Table
from corpus.numbers import is_amount, unit_in
from corpus.paragraphs import PageBuilder, clean_line

MAX_BAD_BYTES = 16  # and at most 1% of the non-ASCII bytes: more means another encoding
_ASCII = bytes(range(128))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode(data: bytes, path: Path) -> tuple[str, list[str]]:
    """The text and its warnings: UTF-16 by its BOM; else UTF-8 (with or without BOM), then GB18030 (a superset
    of GBK), each exact or with a few bad bytes replaced by U+FFFD (named in a warning by byte offset); then
    detection. Binary content and files over MAX_TEXT_BYTES are refused."""
    if not data.strip():
        raise DqaError("the file is empty", path)
    if len(data) > MAX_TEXT_BYTES:
        raise DqaError(f"a text report of {len(data) / MB:.0f} MB is over the {MAX_TEXT_BYTES // MB} MB limit", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _text(data.decode("utf-16", errors="replace"), path), []
    if data.count(0) > MAX_BAD_BYTES:
        raise DqaError("binary content, not a text report", path)
    for encoding, name in (("utf-8-sig", "UTF-8"), ("gb18030", "GBK/GB18030")):
        bad = _bad_offsets(data, encoding)
        if not bad:
            return _text(data.decode(encoding), path), []
        if len(bad) <= min(MAX_BAD_BYTES, len(data.translate(None, _ASCII)) // 100):
            warning = (
                f"page 1: {len(bad)} byte(s) that are not valid {name} were replaced by \ufffd "
                f"(numbers touching them are not read), at byte offset(s) {', '.join(map(str, bad))}"
            )
            return _text(data.decode(encoding, errors="replace"), path), [warning]
    best = from_bytes(data).best()
    if best is None:
        raise DqaError("cannot decode the text (not UTF-8, GBK or any encoding detected)", path)
    return _text(str(best), path), [f"page 1: decoded as {best.encoding} (not UTF-8 or GBK)"]


def _bad_offsets(data: bytes, encoding: str) -> list[int]:
    """Byte offsets where `encoding` fails, up to one more than MAX_BAD_BYTES (enough to reject it)."""
    offsets: list[int] = []
    pos = 0
    while len(offsets) <= MAX_BAD_BYTES:
        try:
            data[pos:].decode(encoding if pos == 0 else encoding.removesuffix("-sig"))
            break
        except UnicodeDecodeError as exc:
            offsets.append(pos + exc.start)
            pos += exc.end
    return offsets


def _text(text: str, path: Path) -> str:
    """Refuse what decoded but is not text: control characters beyond a stray few mean a binary file. The
    stray few are made visible (ESC → \\x1b), so no document text can drive a terminal; line ends become \\n."""
    if len(_CONTROL.findall(text)) > max(MAX_BAD_BYTES, len(text) // 100):
        raise DqaError("binary content, not a text report", path)
    return visible(text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))


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
    cells = [
        [Cell(row=r, col=c, text=clean_line(text), page=1) for c, text in enumerate(row)] for r, row in enumerate(rows)
    ]
    n_header = _header_count(cells)
    body = cells[n_header:]
    sections = [i for i, row in enumerate(body) if _is_heading_row(row)]
    return Table(
        id=table_id, title=title, unit=unit, pages=[1], header_rows=cells[:n_header], body_rows=body,
        section_rows=sections,
    )  # fmt: skip


def _is_heading_row(row: list[Cell]) -> bool:
    """A row of two or more names and no amount heads the columns of the rows below it."""
    return not any(is_amount(c.text) for c in row) and sum(1 for c in row if c.text) >= 2


def _header_count(rows: list[list[Cell]]) -> int:
    """The leading heading rows that span the whole grid (a bare TAB is a merged cell, so a column head prints a
    cell in every column) and stand above figures. A form's first lines (项目名称 | 大型会议费, two cells of six)
    are labelled values, not column heads, and stay in the body."""
    width = max((len(r) for r in rows), default=0)
    n = 0
    while n < len(rows) - 1 and len(rows[n]) == width and _is_heading_row(rows[n]):
        n += 1
    return n if rows and any(is_amount(c.text) for c in rows[n]) else 0
