"""`dqa export facts`: every fact of an indexed corpus as one spreadsheet or SQLite table.

For journalists' own spreadsheets and for Datasette: one row per fact, with the report's
department, year and kind beside every Fact field. Amounts stay exact: value and yuan are
decimal text in CSV; in .xlsx they are numeric cells (the exact decimal, formatted with its
printed precision; the text again in value_text, yuan_text); SQLite keeps them as TEXT and
adds numeric columns to sort and sum (yuan_fen: INTEGER fen, exact), indexes, and a
`<name>.metadata.json` for Datasette (`datasette facts.sqlite -m facts.metadata.json`).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from cli import cli
from cli.output import check_out
from cli.progress import open_library
from corpus.errors import DqaError
from corpus.model import Document, Fact
from qa.batch import csv_cell, written_whole, xlsx_sheet
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
    """value and yuan as numbers with their printed precision (exact text beside); no string is a formula."""
    from openpyxl import Workbook

    with written_whole(out) as tmp:  # the rows stream to a temporary file as they are added: that can fail too
        book = Workbook(write_only=True)
        n = xlsx_sheet(book, "facts", COLUMNS, ([row[c] for c in COLUMNS] for row in rows), ("value", "yuan"))
        book.save(tmp)
    return n


NUMERIC = {
    "value_num": "REAL",  # the value as printed, for sorting (approximate: the exact text is `value`)
    "yuan_fen": "INTEGER",  # the amount in fen (1/100 yuan), exact; NULL when not a whole number of fen
}
INDEXES = (("doc",), ("department", "year"), ("label",), ("measure", "period"), ("yuan_fen",))
LABELS = {
    "value": "the value as printed, exact decimal text without separators",
    "value_num": "value as a number (for sorting; exact text in value)",
    "unit": "unit as printed (万元, 元, %, 辆 …)",
    "yuan": "the amount in yuan, exact decimal text (empty for counts and percentages)",
    "yuan_fen": "the amount in fen (1/100 yuan) as an exact integer: SUM(yuan_fen) / 100 is yuan",
    "printed": "the figure exactly as the report prints it",
    "page": "page of the report",
    "quote": "the sentence or table row the figure is printed in",
}


def numeric_columns(row: dict) -> dict[str, float | int | None]:
    """value_num and yuan_fen for one fact row (value and yuan are exact decimal text)."""
    from decimal import Decimal

    fen = None if row["yuan"] is None else Decimal(row["yuan"]) * 100
    return {
        "value_num": float(row["value"]),
        "yuan_fen": int(fen) if fen is not None and fen == fen.to_integral_value() else None,
    }


def datasette_metadata(out: Path) -> dict:
    """What Datasette shows about the facts table: a title, column descriptions, sortable columns."""
    columns = {c: LABELS.get(c, c.replace("_", " ")) for c in (*COLUMNS, *NUMERIC)}
    sortable = ["doc", "department", "year", "label", "period", "measure", "value_num", "yuan_fen", "page"]
    return {
        "title": "dqa facts",
        "description": "Every amount of the reports: label, period, measure, value as printed, unit, yuan, page.",
        "databases": {
            out.stem: {
                "tables": {
                    "facts": {
                        "label_column": "label",
                        "sortable_columns": sortable,
                        "columns": columns,
                        "facets": ["department", "year", "kind", "measure"],
                    }
                }
            }
        },
    }


def write_sqlite(rows: Iterator[dict], out: Path) -> int:
    """A `facts` table with value and yuan declared TEXT (Datasette shows them exactly), value_num and yuan_fen
    to sort and sum, indexes, and `<name>.metadata.json` beside it for Datasette."""
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
            n = _write_sqlite(rows, tmp, {**types, **NUMERIC})
        except sqlite3.Error as exc:  # disk full, mostly
            raise DqaError(f"cannot be written ({exc})", out) from None
    with written_whole(out.with_name(f"{out.stem}.metadata.json")) as tmp:
        tmp.write_text(json.dumps(datasette_metadata(out), ensure_ascii=False, indent=2), encoding="utf-8")
    return n


def _write_sqlite(rows: Iterator[dict], out: Path, types: dict[str, str]) -> int:
    db = sqlite3.connect(out)
    try:
        names = (*COLUMNS, *NUMERIC)
        columns = ", ".join(f'"{c}" {types.get(c, "TEXT")}' for c in names)
        db.execute(f"CREATE TABLE facts ({columns})")
        marks = ", ".join("?" for _ in names)
        n = 0
        with db:
            for row in rows:
                row = {**row, **numeric_columns(row)}
                db.execute(f"INSERT INTO facts VALUES ({marks})", [row[c] for c in names])
                n += 1
            for index in INDEXES:
                name = "facts_" + "_".join(index)
                quoted = ", ".join(f'"{c}"' for c in index)
                db.execute(f"CREATE INDEX {name} ON facts ({quoted})")
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

    In .xlsx, value and yuan are numbers (exact, with the printed precision; the text in value_text and
    yuan_text); .sqlite adds value_num and yuan_fen (INTEGER fen, exact) with indexes, and writes
    <name>.metadata.json for Datasette.

    Example: dqa export facts --corpus samples --out facts.xlsx
    """
    suffix = out.suffix.lower()
    check_out(out, FORMATS, corpus, Path(index_dir) if index_dir else default_index_dir(corpus))
    library = open_library(corpus, index_dir)
    writer = {".csv": write_csv, ".xlsx": write_xlsx}.get(suffix, write_sqlite)
    n = writer(fact_rows(library), out)
    click.echo(f"{n} fact(s) from {len(library.documents)} report(s) → {out}", err=True)
    if library.skipped:
        sys.exit(1)  # the reports that could not be read were named; the exit code says so too
