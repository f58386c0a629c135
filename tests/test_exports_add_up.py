"""Exports a spreadsheet can add up (issue 16): numeric .xlsx cells equal to the exact decimals, frozen header,
filter, widths; SQLite amounts summable exactly in fen, indexed, described for Datasette; batch exit codes.

Real subprocesses of `dqa` over the seed report; every amount is compared as a Decimal."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from qa.batch import number_format
from tests.conftest import SEED, run_dqa

QUESTIONS = "id,question\na,how much was spent on official vehicles\nb,三公经费预算数是多少\nc,培训费预算数是多少\n"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exports-index")
    result = run_dqa("index", str(SEED), "--index", str(path))
    assert result.returncode == 0, result.stderr
    return path


def _sheet_rows(path: Path, title: str) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[dict]]:
    sheet = openpyxl.load_workbook(path)[title]
    cells = list(sheet.iter_rows())
    header = [c.value for c in cells[0]]
    return sheet, [dict(zip(header, row, strict=True)) for row in cells[1:]]


def _assert_number(cell, text: str | None) -> None:  # type: ignore[no-untyped-def]
    """A numeric cell equal to the exact decimal `text`, shown with its printed precision; blank when no text."""
    if not text:
        assert cell.value is None
        return
    assert cell.data_type == "n" and not isinstance(cell.value, str)
    assert Decimal(str(cell.value)) == Decimal(text)
    assert cell.number_format == number_format(text)


def _assert_spreadsheet_ready(sheet, columns: int) -> None:  # type: ignore[no-untyped-def]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(columns)}{sheet.max_row}"
    widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(n)].width for n in range(1, columns + 1)]
    assert all(4 <= w <= 60 for w in widths)


def test_batch_xlsx_values_and_yuan_are_numbers(tmp_path: Path, index_dir: Path) -> None:
    qfile = tmp_path / "q.csv"
    qfile.write_text(QUESTIONS, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = run_dqa("batch", str(qfile), "--corpus", str(SEED), "--index", str(index_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    sheet, rows = _sheet_rows(out, "answers")
    assert [r["status"].value for r in rows] == ["answered", "answered", "answered"]
    assert (rows[0]["value_text"].value, rows[0]["yuan_text"].value) == ("54.39", "543900")
    for row in rows:
        _assert_number(row["value"], row["value_text"].value)
        _assert_number(row["yuan"], row["yuan_text"].value)
    assert rows[0]["value"].number_format == "#,##0.00" and rows[0]["yuan"].number_format == "#,##0"
    _assert_spreadsheet_ready(sheet, len(rows[0]))


def test_batch_exit_code_says_whether_a_row_errored(tmp_path: Path, index_dir: Path) -> None:
    qfile = tmp_path / "q.jsonl"
    qfile.write_text('{"id": "a", "q": "培训费预算数是多少"}\n{not json\n', encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = run_dqa("batch", str(qfile), "--corpus", str(SEED), "--index", str(index_dir), "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert [json.loads(line)["status"] for line in out.read_text(encoding="utf-8").splitlines()] == [
        "answered",
        "error",
    ]
    qfile.write_text('{"id": "a", "q": "培训费预算数是多少"}\n{"id": "b", "q": "2030年的火星预算"}\n', encoding="utf-8")
    result = run_dqa("batch", str(qfile), "--corpus", str(SEED), "--index", str(index_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr  # not found is an answer, not an error
    assert "exits 1 when any question ended in an error" in " ".join(run_dqa("batch", "--help").stdout.split()).lower()


def test_facts_xlsx_amounts_are_exact_numbers(tmp_path: Path, index_dir: Path) -> None:
    out = tmp_path / "facts.xlsx"
    result = run_dqa("export", "facts", "--corpus", str(SEED), "--index", str(index_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    sheet, rows = _sheet_rows(out, "facts")
    assert len(rows) > 50
    for row in rows:
        _assert_number(row["value"], row["value_text"].value)
        _assert_number(row["yuan"], row["yuan_text"].value)
    row = next(r for r in rows if r["printed"].value == "1.43万元")
    assert Decimal(str(row["yuan"].value)) == Decimal("14300") and row["value"].number_format == "#,##0.00"
    _assert_spreadsheet_ready(sheet, len(rows[0]))


def test_facts_sqlite_sums_exactly_in_fen_and_describes_itself(tmp_path: Path, index_dir: Path) -> None:
    out = tmp_path / "facts.sqlite"
    result = run_dqa("export", "facts", "--corpus", str(SEED), "--index", str(index_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(out)
    types = {r[1]: r[2] for r in db.execute("PRAGMA table_info(facts)")}
    assert (types["value"], types["yuan"], types["yuan_fen"], types["value_num"]) == ("TEXT", "TEXT", "INTEGER", "REAL")
    texts = [Decimal(y) for (y,) in db.execute("SELECT yuan FROM facts WHERE yuan IS NOT NULL")]
    assert len(texts) > 50
    (total,) = db.execute("SELECT SUM(yuan_fen) FROM facts").fetchone()
    assert Decimal(total) == sum(texts) * 100  # exact: integers, no float anywhere
    assert db.execute("SELECT count(*) FROM facts WHERE yuan IS NOT NULL AND yuan_fen IS NULL").fetchone() == (0,)
    for value, value_num in db.execute("SELECT value, value_num FROM facts"):
        assert value_num == float(Decimal(value))
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"facts_doc", "facts_department_year", "facts_label", "facts_yuan_fen"} <= indexes
    plan = " ".join(str(r) for r in db.execute("EXPLAIN QUERY PLAN SELECT * FROM facts WHERE department = 'x'"))
    assert "facts_department_year" in plan
    meta = json.loads((tmp_path / "facts.metadata.json").read_text(encoding="utf-8"))
    table = meta["databases"]["facts"]["tables"]["facts"]
    assert set(table["sortable_columns"]) <= set(types) and "yuan_fen" in table["sortable_columns"]
    assert set(table["columns"]) == set(types) and "fen" in table["columns"]["yuan_fen"]
