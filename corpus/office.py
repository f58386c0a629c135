"""Word (.docx) and Excel (.xlsx) reports.

Word has no pages we can see, so the whole document is page 1 with paragraphs
and tables in order. Each Excel sheet becomes a page holding one table; the
title and "单位：万元" caption rows above the grid become the table's title and unit.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from corpus.errors import DqaError, visible
from corpus.limits import MAX_SHEET_CELLS, MAX_UNPACKED_BYTES, MB
from corpus.model import Cell, Page, Table
from corpus.numbers import parse_cell, unit_in
from corpus.paragraphs import HeadingTracker, PageBuilder, clean_line, lines_to_paragraphs


def docx_to_pages(path: Path) -> list[Page]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    _check_package(path, "Word .docx")
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise DqaError(f"not a valid Word .docx file ({exc.__class__.__name__})", path) from exc
    builder = PageBuilder()
    n_tables = 0
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            builder.prose.append(visible(item.text))
        elif isinstance(item, DocxTable):
            title, unit = _caption(builder.prose)
            n_tables += 1
            builder.add_table(_grid_to_table(_docx_rows(item), f"t{n_tables}", title, unit, page=1))
    return [builder.page()]


def _docx_rows(table) -> list[list[str]]:
    """python-docx repeats a merged cell at every position it covers; keep it once, top-left."""
    seen: list = []  # the cells' XML elements; compared by identity
    rows = []
    for row in table.rows:
        out = []
        for cell in row.cells:
            repeated = any(cell._tc is element for element in seen)
            out.append("" if repeated else visible(cell.text))
            seen.append(cell._tc)
        rows.append(out)
    return rows


def xlsx_to_pages(path: Path) -> tuple[list[Page], list[str]]:
    """One page per sheet, and a warning per sheet whose formula cells have no saved value (they read as blank)."""
    import openpyxl

    _check_package(path, "Excel .xlsx")
    try:
        book = openpyxl.load_workbook(path, read_only=False, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=False, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DqaError(f"not a valid Excel .xlsx file ({exc.__class__.__name__})", path) from exc
    pages = []
    warnings = []
    for number, (sheet, formula_sheet) in enumerate(zip(book.worksheets, formulas.worksheets, strict=True), start=1):
        _check_extent(sheet, path)
        blank = _uncached_formulas(sheet, formula_sheet)
        if blank:
            shown = ", ".join(blank[:10]) + (" …" if len(blank) > 10 else "")
            warnings.append(
                f"page {number} (sheet '{sheet.title}'): {len(blank)} formula cell(s) have no saved value "
                f"(the workbook was not recalculated in Excel) and read as blank: {shown}"
            )
        merged = {}
        for rng in sheet.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        merged[(r, c)] = True
        rows = [
            ["" if v is None or merged.get((r, c)) else _cell_text(v) for c, v in enumerate(row, start=1)]
            for r, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        rows = [row for row in rows if any(x.strip() for x in row)]
        captions: list[str] = []
        while rows and sum(1 for x in rows[0] if x.strip()) == 1 and not _has_amount(rows[0]):
            captions.append(" ".join(x for x in rows.pop(0) if x.strip()))
        title, unit = _caption(captions)
        title = title or sheet.title
        table = _grid_to_table(rows, f"p{number}t1", title, unit, page=number)
        text, paragraphs = lines_to_paragraphs(captions, HeadingTracker())
        pages.append(Page(number=number, text=text, blocks=[*paragraphs, table]))
    if not pages:
        raise DqaError("the workbook has no sheets", path)
    return pages, warnings


def _check_package(path: Path, kind: str) -> None:
    """A zip whose XML unpacks to more than MAX_UNPACKED_BYTES (a zip bomb) is refused before it is opened."""
    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(i.file_size for i in package.infolist() if i.filename.endswith((".xml", ".rels")))
    except (zipfile.BadZipFile, OSError) as exc:
        raise DqaError(f"not a valid {kind} file (not a zip package: {exc})", path) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise DqaError(f"its XML unpacks to {unpacked // MB} MB, over the {MAX_UNPACKED_BYTES // MB} MB limit", path)


def _check_extent(sheet, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every cell of the rectangle a sheet spans is visited, so a stray far-away cell must not make it huge."""
    cells = sheet.max_row * sheet.max_column
    if cells > MAX_SHEET_CELLS:
        raise DqaError(
            f"sheet '{sheet.title}' spans {sheet.dimensions} ({cells:,} cells), over the {MAX_SHEET_CELLS:,}-cell "
            "limit",
            path,
        )


def _uncached_formulas(values, formulas) -> list[str]:  # type: ignore[no-untyped-def]
    """Coordinates of the formula cells whose saved (cached) value is missing."""
    return [
        cell.coordinate
        for row in formulas.iter_rows()
        for cell in row
        if cell.data_type == "f" and values[cell.coordinate].value is None
    ]


def _cell_text(value: object) -> str:
    """Excel numbers come back as float or int; print them via str of the exact repr. Control characters in
    text are made visible."""
    return visible(str(value).strip())


def _has_amount(row: list[str]) -> bool:
    return any(parse_cell(x) is not None for x in row if x.strip())


def _caption(lines: list[str]) -> tuple[str, str | None]:
    recent = [clean_line(x) for x in lines[-4:] if x.strip()]
    unit = next((u for u in (unit_in(x) for x in reversed(recent)) if u), None)
    title = next((x for x in reversed(recent) if "表" in x and len(x) < 60), "")
    return title, unit


def _grid_to_table(rows: list[list[str]], table_id: str, title: str, unit: str | None, page: int) -> Table:
    """Leading rows without amounts are headers; the rest is the body."""
    n_header = 0
    while n_header < len(rows) - 1 and not _has_amount(rows[n_header]):
        n_header += 1
    cells = [
        [Cell(row=r, col=c, text=clean_line(text), page=page) for c, text in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    return Table(
        id=table_id, title=title, unit=unit, pages=[page], header_rows=cells[:n_header], body_rows=cells[n_header:]
    )
