"""`dqa facts` / `dqa parse` as subprocesses, other formats, and bad input."""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl

from corpus.facts import document_facts
from corpus.reader import read_document
from tests.conftest import SAMPLES, SEED, run_dqa

PUTUO = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"


def test_facts_json_lines(tmp_path: Path) -> None:
    result = run_dqa("facts", str(SEED), "--json")
    assert result.returncode == 0, result.stderr
    facts = [json.loads(line) for line in result.stdout.splitlines()]
    slip = [f for f in facts if f["value"] == "54.39元"]
    assert slip and slip[0]["unit"] == "元" and slip[0]["yuan"] == "54.39" and slip[0]["source"] == "text"
    assert {"label", "period", "measure", "value", "unit", "yuan", "page", "source", "quote"} <= set(facts[0])


def test_facts_from_a_pdf_table() -> None:
    result = run_dqa("facts", str(PUTUO), "--json")
    assert result.returncode == 0, result.stderr
    facts = [json.loads(line) for line in result.stdout.splitlines()]
    cell = next(f for f in facts if f["source"] == "table" and f["value"] == "2,940.05" and f["page"] == 6)
    assert cell["unit"] == "万元" and cell["yuan"] == "29400500" and cell["period"] == 2024
    assert "收入支出决算总表" in cell["label"] and "一般公共预算财政拨款收入" in cell["label"]


def test_function_codes_are_not_amounts() -> None:
    doc = read_document(PUTUO)
    facts = document_facts(doc)
    assert not any(f.source == "table" and f.printed in ("208", "05", "2080505") for f in facts)
    coded = [f for f in facts if f.code and f.code.startswith("208")]
    assert coded and all(f.kind == "money" for f in coded)


def test_parse_prints_grids() -> None:
    result = run_dqa("parse", str(SAMPLES / "shpt_sfj_2026_budget.pdf"))
    assert result.returncode == 0, result.stderr
    assert "财务收支预算总表" in result.stdout and "单位：元" in result.stdout


def test_directory_run_goes_past_bad_files(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "gbk.txt").write_bytes("公务接待费决算支出数1.43万元。".encode("gbk"))
    result = run_dqa("facts", str(tmp_path), "--json")
    assert result.returncode == 1
    assert "empty.txt: the file is empty" in result.stderr
    assert "broken.pdf" in result.stderr and "Traceback" not in result.stderr
    assert "2 file(s) failed" in result.stderr
    docs = {json.loads(line)["doc"] for line in result.stdout.splitlines()}
    assert docs == {"good.txt", "gbk.txt"}


def test_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run_dqa("facts", str(path))
    assert result.returncode == 1
    assert "report.doc: unsupported format '.doc'" in result.stderr


def test_docx_paragraphs_and_merged_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("某某局2024年度部门决算")
    document.add_paragraph("2024年公务接待费决算支出数1.43万元，比去年同期9.84万元，减少8.41万元，下降85.47%。")
    document.add_paragraph("财政拨款“三公”经费支出决算表")
    document.add_paragraph("单位：万元")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "项目"
    table.cell(0, 2).text = "决算数"
    table.cell(1, 0).text = "公务接待费"
    table.cell(1, 2).text = "1.43"
    path = tmp_path / "r.docx"
    document.save(path)
    doc = read_document(path)
    assert (doc.kind, doc.year) == ("决算", 2024)
    (parsed,) = doc.tables
    assert parsed.title == "财政拨款“三公”经费支出决算表" and parsed.unit == "万元"
    assert parsed.grid() == [["项目", "", "决算数"], ["公务接待费", "", "1.43"]]
    facts = document_facts(doc)
    assert {(f.measure, f.value) for f in facts if f.source == "text"} >= {
        ("决算数", Decimal("1.43")),
        ("增减额", Decimal("-8.41")),
        ("增减率", Decimal("-85.47")),
    }


def test_xlsx_sheet_becomes_a_table(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["财政拨款“三公”经费支出决算表"], ["单位：万元"], ["项目", "决算数"], ["公务接待费", "1.43"]):
        sheet.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    (table,) = read_document(path).tables
    assert (table.title, table.unit, table.grid()) == (
        "财政拨款“三公”经费支出决算表",
        "万元",
        [["项目", "决算数"], ["公务接待费", "1.43"]],
    )


def test_cid_glyphs_are_reported(tmp_path: Path) -> None:
    """Text extracted from a font without a Unicode map ("(cid:123)") is flagged, never read as numbers."""
    path = tmp_path / "cid.txt"
    path.write_text("公务接待费决算支出数1.43万元。\n" + "(cid:1234)(cid:88)" * 20 + "\n", encoding="utf-8")
    result = run_dqa("facts", str(path), "--json")
    assert result.returncode == 0
    assert "cid.txt: page 1: text uses a font without a Unicode map" in result.stderr
    assert [json.loads(line)["value"] for line in result.stdout.splitlines()] == ["1.43万元"]
