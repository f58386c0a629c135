"""PDF reports → pages of narrative paragraphs and ruled tables, in reading order.

Everything geometric comes from PDFium (C, ~300 pages/s): characters, and the
straight segments of vector paths. pdfplumber is used only for its lattice table
algorithm (the default "lines" strategy FORMATS.md measured), fed with those
segments, so pdfminer never parses a content stream (it runs at ~25 pages/s).
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
from pdfplumber.utils import filter_edges

from corpus.errors import DqaError
from corpus.limits import MAX_PDF_PAGES
from corpus.model import BBox, Block, Cell, Page, Table
from corpus.numbers import is_code, parse_decimal, unit_in
from corpus.paragraphs import HeadingTracker, clean_line, lines_to_paragraphs

_WORD_GRID_TOLERANCE = 6  # snap/join for Word-built grids of tiny rects (FORMATS §F)
_FOOTER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,3}(?:\s*页)?[-—–－\s]*$")
_BODY_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d+[、.．]\D)")
_CAPTION_START = re.compile(r"^(?:编制单位|单位|部门)\s*[:：]")
_TOTAL = ("合计", "总计")
_CAPTION_TAIL = re.compile(r"\s*(?:编制单位|单位|部门)\s*[:：].*$")
_CJK = re.compile(r"[\u3400-\u9fff（）“”：，、]")
_OPEN_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF (password required)",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF (unsupported security handler)",
    pdfium_c.FPDF_ERR_FORMAT: "not a valid PDF (file is damaged)",
    pdfium_c.FPDF_ERR_FILE: "cannot open the file",
}


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character with its box in top-down page coordinates."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    space_before: bool = False  # PDFium saw a word gap before this character


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class RawCell:
    """A grid cell before header/body split: position, span, box and text lines."""

    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[float, float, float, float]
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_cell_lines(self.lines)


@dataclass(slots=True)
class Grid:
    """One table found on one page: its cells by row, and its column x-positions."""

    bbox: tuple[float, float, float, float]
    xs: list[float]
    tops: list[float]
    rows: list[list[RawCell]]

    @property
    def covered(self) -> float:
        """Share of grid positions hidden under merged cells: high for Word grids of tiny rects."""
        cells = sum(len(r) for r in self.rows)
        return 1 - cells / max(1, len(self.xs) * len(self.tops))


def pdf_to_pages(path: Path, on_page: Callable[[int, int], None] | None = None) -> list[Page]:
    """Every page of a PDF; raises DqaError for files PDFium cannot open or a page it cannot load.

    `on_page(done, total)` hears of each page read.
    """
    doc = _open(path)
    try:
        if len(doc) == 0:
            raise DqaError("the PDF has no pages", path)
        if len(doc) > MAX_PDF_PAGES:
            raise DqaError(f"{len(doc)} pages is over the {MAX_PDF_PAGES}-page limit", path)
        return _Reader(path, doc).read(on_page)
    finally:
        doc.close()


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        reason = _OPEN_ERRORS.get(e.err_code, f"cannot open the PDF ({e})")
        if e.err_code == pdfium_c.FPDF_ERR_PASSWORD and b"/Encrypt" not in path.read_bytes():
            reason = "the PDF has no pages"  # PDFium reports a page-less document as a password error
        raise DqaError(reason, path) from None


class _Reader:
    """Walks the pages of one document, carrying headings and the open table across pages."""

    def __init__(self, path: Path, doc: pdfium.PdfDocument) -> None:
        self.path = path
        self.doc = doc
        self.headings = HeadingTracker()
        self.last_table: Table | None = None
        self.last_xs: list[float] = []

    def read(self, on_page: Callable[[int, int], None] | None) -> list[Page]:
        pages = []
        for index in range(len(self.doc)):
            try:
                pages.append(self._page(index))
            except pdfium.PdfiumError as exc:  # a damaged, cyclic or absurdly deep page tree
                raise DqaError(
                    f"page {index + 1} cannot be loaded ({exc}); the page tree is damaged", self.path
                ) from None
            if on_page:
                on_page(index + 1, len(self.doc))
        return pages

    def _page(self, index: int) -> Page:
        number = index + 1
        page = self.doc[index]
        text_page = page.get_textpage()
        try:
            n_chars = text_page.count_chars()
            if n_chars == 0:
                return Page(number=number, text="", has_text_layer=not _has_images(page))
            view = _View.of(page)
            glyphs = _glyphs(text_page, n_chars, view)
            grids = _find_grids(_edges(page, view), glyphs)
            return self._compose(number, glyphs, grids, view.height)
        finally:
            text_page.close()
            page.close()

    def _compose(self, number: int, glyphs: list[Glyph], grids: list[Grid], height: float) -> Page:
        """Interleave prose and tables top to bottom; prose lines above a table give its title."""
        boxes = [g.bbox for g in grids]
        prose_glyphs = [g for g in glyphs if not _inside_any(g, boxes)]
        lines = _drop_footer(build_lines(prose_glyphs), height)
        blocks: list[Block] = []
        parts: list[str] = []
        pending: list[Line] = []
        offset = 0

        def flush() -> None:
            nonlocal offset
            part, paragraphs = lines_to_paragraphs([x.text for x in pending], self.headings, join_wrapped=True)
            pending.clear()
            if not part:
                return
            for p in paragraphs:
                p.start += offset
                p.end += offset
            blocks.extend(paragraphs)
            parts.append(part)
            offset += len(part) + 1

        li = 0
        for n, grid in enumerate(sorted(grids, key=lambda g: g.bbox[1]), start=1):
            while li < len(lines) and lines[li].top < grid.bbox[1]:
                pending.append(lines[li])
                li += 1
            title, unit = _caption(pending, grid.bbox[1])
            flush()
            table = self._table(grid, f"p{number}t{n}", number, title, unit, first=n == 1)
            if table is not None:
                blocks.append(table)
        pending.extend(lines[li:])
        flush()
        return Page(number=number, text="\n".join(parts), blocks=blocks)

    def _table(self, grid: Grid, table_id: str, page: int, title: str, unit: str | None, first: bool) -> Table | None:
        """A new Table, or None when the grid was empty or continued the previous page's table."""
        rows = [r for r in grid.rows if any(c.text for c in r)]
        caption: list[str] = []  # kept: "部门：江苏省政协办公厅" names the report's body
        if rows and len(rows[0]) == 1 and rows[0][0].colspan * 2 >= len(grid.xs):
            head = rows[0][0]
            if "表" in head.text or unit_in(head.text):  # Jiangsu: title, label and unit in cell [0][0]
                title = title or clean_line(head.lines[0])
                unit = unit or unit_in(head.text)
                caption.append(head.text)
                rows = rows[1:]
        while rows and _is_caption_row(rows[0]):
            unit = unit or unit_in("".join(c.text for c in rows[0]))
            caption.append(" ".join(c.text for c in rows[0] if c.text))
            rows = rows[1:]
        if not rows:
            return None
        header, body = split_header(rows)
        if first and not title and self.last_table is not None and (not header or self._repeats(header)):
            self._continue(body, grid, page)
            return None
        if first and self._reprinted(title, header, body, page):  # title, head and 合计 row again: one table
            self._continue(body[1:], grid, page)
            return None
        table = Table(id=table_id, title=title, unit=unit, pages=[page], caption=" ".join(caption))
        table.header_rows = _renumber(header, 0, page)
        table.body_rows = _renumber(body, len(header), page)
        self.last_table, self.last_xs = table, grid.xs
        return table

    def _repeats(self, header: list[list[RawCell]]) -> bool:
        """True when a page repeats the previous table's header rows (Excel print titles)."""
        assert self.last_table is not None
        old = [[c.text for c in r] for r in self.last_table.header_rows]
        return old == [[c.text for c in r] for r in header]

    def _reprinted(self, title: str, header: list[list[RawCell]], body: list[list[RawCell]], page: int) -> bool:
        """The previous page's table printed on with its title, header and first row (合计) again. Another unit's
        table of the same statement (a 汇总 report prints one per unit) has another 合计, so it stays apart."""
        last = self.last_table
        if last is None or not title or title != last.title or page - 1 not in last.pages or not body:
            return False
        first_row = [c.text for c in last.body_rows[0]] if last.body_rows else None
        return bool(header) and self._repeats(header) and [c.text for c in body[0]] == first_row

    def _continue(self, body: list[list[RawCell]], grid: Grid, page: int) -> None:
        """Append a continuation page's rows, re-mapping columns by x when the count differs."""
        table = self.last_table
        assert table is not None
        if len(grid.xs) != len(self.last_xs):
            for row in body:
                for cell in row:
                    _realign(cell, self.last_xs)
        start = len(table.header_rows) + len(table.body_rows)
        table.body_rows.extend(_renumber(body, start, page))
        if page not in table.pages:
            table.pages.append(page)


def _realign(cell: RawCell, xs: list[float]) -> None:
    """Give a cell the column index and span of the previous table's columns under it."""
    x0, _, x1, _ = cell.bbox
    col = min(range(len(xs)), key=lambda i: abs(xs[i] - x0))
    cell.col = col
    cell.colspan = max(1, sum(1 for x in xs[col:] if x < x1 - 2))


def _is_caption_row(row: list[RawCell]) -> bool:
    """A row inside the grid that only says who and in what unit: "部门： X | 单位：万元"."""
    texts = [c.text for c in row if c.text]
    return any(_CAPTION_START.match(t) for t in texts) and not any(_is_number(t) for t in texts)


def _renumber(rows: list[list[RawCell]], start: int, page: int) -> list[list[Cell]]:
    out = []
    for r, row in enumerate(rows, start=start):
        out.append(
            [
                Cell(
                    row=r,
                    col=c.col,
                    text=c.text,
                    rowspan=c.rowspan,
                    colspan=c.colspan,
                    page=page,
                    bbox=BBox(x0=c.bbox[0], top=c.bbox[1], x1=c.bbox[2], bottom=c.bbox[3]),
                )
                for c in row
            ]
        )
    return out


# ---------------------------------------------------------------- header rows


def _is_number(text: str) -> bool:
    """Printed as a bare number (amounts and codes alike): the shape of a table's body."""
    return parse_decimal(text) is not None


def split_header(rows: list[list[RawCell]]) -> tuple[list[list[RawCell]], list[list[RawCell]]]:
    """Leading rows with no amounts and no body labels are the header; a fused 合计 row is split.

    A row that has blank cells where later rows print amounts is a data row with
    nothing filled in ("结余分配 | "), not a header.
    """
    amount_cols = {c.col for r in rows for c in r if _is_number(c.text)} or {
        c.col for r in rows for c in r if c.col > 0
    }
    n = 0
    while n < len(rows) and _is_header_row(rows[n], amount_cols):
        n += 1
    header, body = rows[:n], rows[n:]
    if header and body:
        fused = _split_fused_total(body[0])
        if fused:
            header, body = [*header, fused[0]], [fused[1], *body[1:]]
    return header, body


def _is_header_row(row: list[RawCell], amount_cols: set[int]) -> bool:
    if next((c.text for c in row if c.text), "") == "栏次":  # column numbers 1, 2, 3 label the header
        return True
    for cell in row:
        text = cell.text
        if _is_number(text) or _BODY_LABEL.match(text) or (not text and cell.col in amount_cols):
            return False
    return True


def _split_fused_total(row: list[RawCell]) -> tuple[list[RawCell], list[RawCell]] | None:
    """["类","款","项","合计","266,783.56",…] → header ["类","款","项"] + body ["合计", amounts]."""
    total = next((i for i, c in enumerate(row) if c.text in _TOTAL), None)
    if not total:
        return None
    before = row[:total]
    if not all(c.text and not _is_number(c.text) and not is_code(c.text) for c in before):
        return None
    label = row[total]
    first = before[0]
    merged = RawCell(
        row=label.row,
        col=first.col,
        rowspan=label.rowspan,
        colspan=label.col + label.colspan - first.col,
        bbox=(first.bbox[0], label.bbox[1], label.bbox[2], label.bbox[3]),
        lines=label.lines,
    )
    return before, [merged, *row[total + 1 :]]


# ---------------------------------------------------------------- captions


def _caption(lines: list[Line], table_top: float) -> tuple[str, str | None]:
    """The nearest short line naming a 表 above the table, and the unit caption near it."""
    near = [x for x in lines[-6:] if table_top - x.bottom < 120]
    title = ""
    unit = None
    for i in range(len(near) - 1, -1, -1):
        text = clean_line(near[i].text)
        unit = unit or unit_in(text)
        if "表" in text and len(text) <= 60 and not text.endswith("。") and not text.startswith("注"):
            title = _CAPTION_TAIL.sub("", _title_with_fragments(near, i))
            break
    if unit is None:
        unit = unit_in("".join(clean_line(x.text) for x in near))  # "单位：万" / "元"
    return title, unit


def _title_with_fragments(lines: list[Line], i: int) -> str:
    """Glue a title to fragments printed on their own line just above it ("2024", "“三公”")."""
    text = clean_line(lines[i].text)
    j = i - 1
    while j >= 0 and lines[i].top - lines[j].bottom < 12:
        frag = clean_line(lines[j].text)
        if len(frag) > 8 or unit_in(frag):
            break
        text = frag + text
        j -= 1
    return text


# ---------------------------------------------------------------- tables


def _find_grids(edges: list[dict[str, Any]], glyphs: list[Glyph]) -> list[Grid]:
    """Ruled tables by pdfplumber's lattice algorithm on PDFium's edges, cell texts from our glyphs."""
    if len(edges) < 4:
        return []
    grids = [_grid(cells) for cells in _lattice(edges, 3)]
    if any(g.covered > 0.4 and len(g.xs) * len(g.tops) > 200 for g in grids):
        grids = [_grid(cells) for cells in _lattice(edges, _WORD_GRID_TOLERANCE)]
    _fill(grids, glyphs)
    return grids


def _lattice(edges: list[dict[str, Any]], tolerance: float) -> list[list[tuple[float, float, float, float]]]:
    """pdfplumber's default "lines" strategy (TableFinder) with snap/join `tolerance`."""
    merged = merge_edges(edges, tolerance, tolerance, tolerance, tolerance)
    merged = filter_edges(merged, min_length=3)
    cells = intersections_to_cells(edges_to_intersections(merged, 3, 3))
    return cells_to_tables(cells)


def _grid(cells: list[tuple[float, float, float, float]]) -> Grid:
    xs = sorted({round(c[0], 1) for c in cells})
    tops = sorted({round(c[1], 1) for c in cells})
    by_row: dict[int, list[RawCell]] = {}
    for x0, top, x1, bottom in cells:
        r = tops.index(round(top, 1))
        c = xs.index(round(x0, 1))
        colspan = max(1, sum(1 for x in xs[c:] if x < x1 - 1))
        rowspan = max(1, sum(1 for t in tops[r:] if t < bottom - 1))
        by_row.setdefault(r, []).append(RawCell(r, c, rowspan, colspan, (x0, top, x1, bottom)))
    rows = [sorted(by_row[r], key=lambda cell: cell.col) for r in sorted(by_row)]
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    return Grid(bbox=bbox, xs=xs, tops=tops, rows=rows)


def _fill(grids: list[Grid], glyphs: list[Glyph]) -> None:
    """Put each glyph in the cell that holds its centre, then build each cell's lines."""
    for grid in grids:
        owner: dict[tuple[int, int], RawCell] = {}
        tops, xs = grid.tops, grid.xs
        for row in grid.rows:
            for cell in row:
                for r in range(cell.row, cell.row + cell.rowspan):
                    for c in range(cell.col, cell.col + cell.colspan):
                        owner[r, c] = cell
        members: dict[int, list[Glyph]] = {}
        x0, top, x1, bottom = grid.bbox
        for g in glyphs:
            cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
            if x0 <= cx <= x1 and top <= cy <= bottom:
                cell = owner.get((bisect_right(tops, cy) - 1, bisect_right(xs, cx) - 1))
                if cell is not None:
                    members.setdefault(id(cell), []).append(g)
        for row in grid.rows:
            for cell in row:
                cell.lines = [x.text for x in build_lines(members.get(id(cell), []))]


def join_cell_lines(lines: list[str]) -> str:
    """Wrapped lines of one cell: CJK joins without a space, Latin words with one."""
    out = ""
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(line[0])):
            out += " "
        out += line
    return out


# ---------------------------------------------------------------- lines of text


def build_lines(glyphs: Iterable[Glyph]) -> list[Line]:
    """Group glyphs into lines by vertical overlap with the line's first glyph.

    Overlap (not equal tops) keeps Times digits set 4.9 pt below the CJK baseline
    on the line they belong to (FORMATS.md pitfall 1).
    """
    groups: list[tuple[float, float, list[Glyph]]] = []
    for g in sorted(glyphs, key=lambda g: (g.top, g.x0)):
        height = max(g.bottom - g.top, 0.1)
        for i in range(len(groups) - 1, max(len(groups) - 3, -1), -1):
            top, bottom, members = groups[i]
            if min(bottom, g.bottom) - max(top, g.top) >= 0.5 * min(height, bottom - top):
                members.append(g)
                break
        else:
            groups.append((g.top, g.bottom, [g]))
    lines = [_line(members) for _, _, members in groups]
    return [x for x in lines if x.text]


def _line(members: list[Glyph]) -> Line:
    members.sort(key=lambda g: g.x0)
    parts: list[str] = []
    prev: Glyph | None = None
    space = False
    for g in members:
        if g.text.isspace():
            space = True
            continue
        if prev is not None:
            if g.text == prev.text and abs(g.x0 - prev.x0) < 1:
                continue  # overprinted duplicate
            if space or g.space_before or g.x0 - prev.x1 > 0.25 * (g.bottom - g.top):
                parts.append(" ")
        space = False
        parts.append(g.text)
        prev = g
    return Line(
        text="".join(parts).strip(),
        x0=min(g.x0 for g in members),
        top=min(g.top for g in members),
        x1=max(g.x1 for g in members),
        bottom=max(g.bottom for g in members),
    )


def _drop_footer(lines: list[Line], height: float) -> list[Line]:
    """A lone page number at the foot of the page is not part of any sentence (pitfall 8)."""
    lines = sorted(lines, key=lambda x: x.top)
    if lines and lines[-1].top > 0.85 * height and _FOOTER.match(lines[-1].text):
        return lines[:-1]
    return lines


def _inside_any(g: Glyph, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


# ---------------------------------------------------------------- PDFium


@dataclass(frozen=True, slots=True)
class _View:
    """Maps PDF user space (y up) onto the page as displayed (y down), honouring /Rotate."""

    rotation: int
    left: float
    bottom: float
    right: float
    top: float

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> _View:
        return cls(page.get_rotation(), *page.get_mediabox())

    @property
    def height(self) -> float:
        return self.right - self.left if self.rotation in (90, 270) else self.top - self.bottom

    def point(self, x: float, y: float) -> tuple[float, float]:
        if self.rotation == 90:
            return y - self.bottom, x - self.left
        if self.rotation == 180:
            return self.right - x, y - self.bottom
        if self.rotation == 270:
            return self.top - y, self.right - x
        return x - self.left, self.top - y

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _glyphs(text_page: pdfium.PdfTextPage, n_chars: int, view: _View) -> list[Glyph]:
    """Characters in display coordinates.

    PDFium's boxes hug each glyph, so CJK and digits on one line get different
    heights. On upright pages the box is rebuilt as one font size around the
    baseline (like pdfminer's), which is what line grouping needs.
    """
    raw = text_page.raw
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    glyphs = []
    space = False
    for i in range(n_chars):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            space = space or code == 0x20
            continue
        if code in (0, 0xFFFE, 0xFFFF) or code < 0x20 or 0x7F <= code <= 0x9F or 0x202A <= code <= 0x202E:
            continue  # no control character (ESC, bidi override) reaches the text: a terminal would obey it
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect)
        x0, top, x1, bottom = view.box(rect.left, rect.bottom, rect.right, rect.top)
        if view.rotation == 0:
            pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(ox), ctypes.byref(oy))
            pdfium_c.FPDFText_GetMatrix(raw, i, matrix)  # the font size is in text space: scale it
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            size = pdfium_c.FPDFText_GetFontSize(raw, i) * scale or bottom - top
            base = view.point(ox.value, oy.value)[1]
            top, bottom = base - 0.85 * size, base + 0.15 * size
        glyphs.append(Glyph(chr(code), x0, top, x1, bottom, space))
        space = False
    return glyphs


def _edges(page: pdfium.PdfPage, view: _View) -> list[dict[str, Any]]:
    """Horizontal and vertical straight segments of every path, as pdfplumber edge dicts.

    Like pdfplumber, a rectangle gives its four sides; curves give nothing.
    """
    edges: list[dict[str, Any]] = []
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        pdfium_c.FPDFPageObj_GetMatrix(obj.raw, matrix)
        m = matrix
        start = current = (0.0, 0.0)
        for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
            pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
            point = view.point(m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = point
            elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
                _add_edge(edges, current, point)
            current = point
            if pdfium_c.FPDFPathSegment_GetClose(segment):
                _add_edge(edges, current, start)
                current = start
    return edges


def _add_edge(edges: list[dict[str, Any]], a: tuple[float, float], b: tuple[float, float]) -> None:
    x0, x1 = sorted((a[0], b[0]))
    top, bottom = sorted((a[1], b[1]))
    if x1 - x0 < 0.01 and bottom - top >= 1:
        orientation = "v"
    elif bottom - top < 0.01 and x1 - x0 >= 1:
        orientation = "h"
    else:
        return
    edges.append(
        {
            "object_type": "line",
            "orientation": orientation,
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "doctop": top,
            "width": x1 - x0,
            "height": bottom - top,
        }
    )
