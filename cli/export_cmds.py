"""`dqa export facts`: every fact of an indexed corpus as one spreadsheet or SQLite table.

For journalists' own spreadsheets and for Datasette: one row per fact, with the report's
department, year and kind beside every Fact field. Amounts stay exact: value and yuan
are decimal TEXT in every format (never a float, never a REAL column).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import click

from cli import cli
from cli.output import check_out
from cli.progress import open_library
from corpus.errors import DqaError
from corpus.model import Document, Fact
from qa.batch import csv_cell, written_whole, xlsx_row
from qa.library import Library, default_index_dir

COLUMNS = (
    "doc", "department", "year", "kind", "label", "label_path", "subject", "code", "period", "measure", "value",
    "printed", "unit", "fact_kind", "approx", "yuan", "page", "source", "quote", "table_id", "row", "col", "start",
    "end",
)  # fmt: skip
FORMATS = (".csv", ".xlsx", ".sqlite", ".db")


@click.group()
def export() -> None:
    """Export what the index knows, for spreadsheets and Datasette."""


cli.add_command(export)


def fact_row(doc: Document, fact: Fact) -> dict[str, str | int | None]:
    """One fact as a flat row; Decimal amounts as their exact decimal text."""
    return {
        "doc": doc.name,
        "department": doc.department,  # the report's publishing body (corpus.identity)
        "year": doc.year,
        "kind": doc.kind,
        "label": fact.label,
        "label_path": json.dumps(fact.label_path, ensure_ascii=False),
        "subject": fact.subject,
        "code": fact.code,
        "period": fact.period,
        "measure": fact.measure,
        "value": f"{fact.value:f}",
        "printed": fact.printed,
        "unit": fact.unit,
        "fact_kind": fact.kind,
        "approx": int(fact.approx),
        "yuan": None if fact.yuan is None else f"{fact.yuan:f}",
        "page": fact.page,
        "source": fact.source,
        "quote": fact.quote,
        "table_id": fact.table_id,
        "row": fact.row,
        "col": fact.col,
        "start": fact.start,
        "end": fact.end,
    }


def fact_rows(library: Library) -> Iterator[dict[str, str | int | None]]:
    for doc in sorted(library.documents.values(), key=lambda d: d.name):
        for fact in library.facts[doc.id]:
            yield fact_row(doc, fact)


def write_csv(rows: Iterator[dict], out: Path) -> int:
    """UTF-8 with BOM, so Excel opens the Chinese text correctly; formula-like text escaped (csv_cell)."""
    n = 0
    with written_whole(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: csv_cell(v) for c, v in row.items()})
            n += 1
    return n


def write_xlsx(rows: Iterator[dict], out: Path) -> int:
    """value and yuan as text cells, so Excel never rounds an amount to a float; no string is a formula."""
    from openpyxl import Workbook

    n = 0
    with written_whole(out) as tmp:  # the rows stream to a temporary file as they are added: that can fail too
        book = Workbook(write_only=True)
        sheet = book.create_sheet("facts")
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append(xlsx_row(sheet, [row[c] for c in COLUMNS]))
            n += 1
        book.save(tmp)
    return n


def write_sqlite(rows: Iterator[dict], out: Path) -> int:
    """A `facts` table with value and yuan declared TEXT (Datasette shows them exactly)."""
    types = {
        "year": "INTEGER",
        "period": "INTEGER",
        "approx": "INTEGER",
        "page": "INTEGER",
        "row": "INTEGER",
        "col": "INTEGER",
        "start": "INTEGER",
        "end": "INTEGER",
    }
    with written_whole(out) as tmp:
        try:
            return _write_sqlite(rows, tmp, types)
        except sqlite3.Error as exc:  # disk full, mostly
            raise DqaError(f"cannot be written ({exc})", out) from None


def _write_sqlite(rows: Iterator[dict], out: Path, types: dict[str, str]) -> int:
    db = sqlite3.connect(out)
    try:
        columns = ", ".join(f'"{c}" {types.get(c, "TEXT")}' for c in COLUMNS)
        db.execute(f"CREATE TABLE facts ({columns})")
        marks = ", ".join("?" for _ in COLUMNS)
        n = 0
        with db:
            for row in rows:
                db.execute(f"INSERT INTO facts VALUES ({marks})", [row[c] for c in COLUMNS])
                n += 1
    finally:
        db.close()
    return n


@export.command("facts")
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(exists=True),
    required=True,
    help="Report file or directory (repeatable); indexed first if new or changed.",
)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False),
    help="Index directory (default: $DQA_INDEX, else .dqa inside the corpus directory).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file: .csv, .xlsx or .sqlite (.db).",
)
def export_facts(corpus: tuple[str, ...], index_dir: str | None, out: Path) -> None:
    """One row per fact: doc, department, year, kind and every fact field.

    Example: dqa export facts --corpus samples --out facts.xlsx
    """
    suffix = out.suffix.lower()
    check_out(out, FORMATS, corpus, Path(index_dir) if index_dir else default_index_dir(corpus))
    library = open_library(corpus, index_dir)
    writer = {".csv": write_csv, ".xlsx": write_xlsx}.get(suffix, write_sqlite)
    n = writer(fact_rows(library), out)
    click.echo(f"{n} fact(s) from {len(library.documents)} report(s) → {out}", err=True)
