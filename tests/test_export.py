"""`dqa export facts` to csv, xlsx and sqlite: one row per fact, amounts as exact decimal text."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SEED, run_dqa


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".sqlite"])
def test_export_facts(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"facts{suffix}"
    result = run_dqa("export", "facts", "--corpus", str(SEED), "--index", str(tmp_path / "idx"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    if suffix == ".csv":
        with out.open(encoding="utf-8-sig", newline="") as fh:
            table = list(csv.DictReader(fh))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(out, read_only=True)["facts"]
        values = list(sheet.values)
        table = [dict(zip(values[0], row, strict=False)) for row in values[1:]]  # trailing empty cells are dropped
        table = [{**r, "value": r["value_text"], "yuan": r["yuan_text"]} for r in table]  # value, yuan: numbers
    else:
        db = sqlite3.connect(out)
        db.row_factory = sqlite3.Row
        assert {r["name"]: r["type"] for r in db.execute("PRAGMA table_info(facts)")}["yuan"] == "TEXT"
        assert db.execute("SELECT count(*) FROM facts WHERE typeof(value) != 'text'").fetchone()[0] == 0
        table = [dict(r) for r in db.execute("SELECT * FROM facts")]
    assert len(table) > 50
    row = next(r for r in table if r["subject"] == "公务接待费" and r["printed"] == "1.43万元")
    assert (row["value"], row["yuan"], row["unit"]) == ("1.43", "14300", "万元")
    assert (row["department"], str(row["year"]), row["kind"]) == ("资阳市雁江区人民政府办公室", "2019", "决算")
    assert row["doc"] == SEED.name and str(row["page"]) == "1"


def test_export_refuses_unknown_format(tmp_path: Path) -> None:
    result = run_dqa("export", "facts", "--corpus", str(SEED), "--out", str(tmp_path / "facts.parquet"))
    assert result.returncode == 2 and "unsupported output format" in result.stderr
