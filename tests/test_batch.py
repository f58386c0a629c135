"""`dqa batch` and `dqa ask` run as real subprocesses: formats in and out, bad rows, Ctrl-C."""

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import SEED, run_dqa

QUESTIONS = [
    {"id": "a", "q": "how much was spent on official vehicles"},
    {"id": "b", "question": "三公经费预算数是多少", "doc": SEED.name},
    {"id": "c", "q": "How much was spent on official vehicles in 2030?"},
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch-index")
    result = run_dqa("index", str(SEED), "--index", str(path))
    assert result.returncode == 0, result.stderr
    return path


def _batch(tmp_path: Path, index_dir: Path, qfile: Path, out: Path, code: int = 0) -> subprocess.CompletedProcess[str]:
    """`code`: 1 when a row is expected to end in an error (batch says so in its exit code)."""
    result = run_dqa("batch", str(qfile), "--corpus", str(SEED), "--index", str(index_dir), "--out", str(out))
    assert result.returncode == code, result.stderr
    return result


def test_jsonl_in_jsonl_out_in_input_order(tmp_path: Path, index_dir: Path) -> None:
    qfile = tmp_path / "q.jsonl"
    lines = [json.dumps(q, ensure_ascii=False) for q in QUESTIONS]
    qfile.write_text("\n".join([lines[0], "{not json", lines[1], '{"id": "d"}', lines[2]]) + "\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    _batch(tmp_path, index_dir, qfile, out, code=1)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in records] == ["answered", "error", "answered", "error", "not_found"]
    assert records[0]["answer"] == {
        "text": records[0]["answer"]["text"],
        "value": "54.39",
        "unit": "万元",
        "yuan": "543900",
    }
    assert "line 2" in records[1]["error"]
    assert records[2]["answer"]["yuan"] == "1370000"
    assert "line 4" in records[3]["error"]
    assert records[4]["answer"]["value"] is None
    assert any(c["status"] == "conflict" for c in records[0]["checks"])


def test_csv_with_bom_in_csv_out_for_excel(tmp_path: Path, index_dir: Path) -> None:
    qfile = tmp_path / "q.csv"
    qfile.write_text(
        "id,question,doc\n1,三公经费预算数是多少,\n2,培训费预算数是多少," + SEED.name + "\n", encoding="utf-8-sig"
    )
    out = tmp_path / "r.csv"
    _batch(tmp_path, index_dir, qfile, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [(r["id"], r["value"], r["unit"], r["yuan"]) for r in rows] == [
        ("1", "137", "万元", "1370000"),
        ("2", "5", "万元", "50000"),
    ]


def test_txt_in_markdown_and_xlsx_out(tmp_path: Path, index_dir: Path) -> None:
    qfile = tmp_path / "q.txt"
    qfile.write_text("培训费预算数是多少\n\nHow much was the 2018 meeting expense?\n", encoding="utf-8")
    md = tmp_path / "r.md"
    _batch(tmp_path, index_dir, qfile, md)
    text = md.read_text(encoding="utf-8")
    assert "5万元" in text and "3.96万元" in text
    xlsx = tmp_path / "r.xlsx"
    _batch(tmp_path, index_dir, qfile, xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    values = [str(row[4]) for row in sheet.iter_rows(min_row=2, values_only=True)]  # numbers, as printed
    assert values == ["5", "3.96"]


def test_xlsx_questions_in(tmp_path: Path, index_dir: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["id", "question", "doc"])
    book.active.append(["x1", "会议费决算数是多少", SEED.name])
    qfile = tmp_path / "q.xlsx"
    book.save(qfile)
    out = tmp_path / "r.jsonl"
    _batch(tmp_path, index_dir, qfile, out)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert (record["id"], record["answer"]["value"]) == ("x1", "19.34")


def test_doc_paths_stay_inside_the_corpus(tmp_path: Path, index_dir: Path) -> None:
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(json.dumps({"id": "p", "q": "三公经费预算数是多少", "doc": "../../etc/passwd"}) + "\n")
    out = tmp_path / "r.jsonl"
    _batch(tmp_path, index_dir, qfile, out, code=1)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["status"] == "error" and "inside the corpus" in record["error"]


def test_malformed_question_file_is_one_clear_error(tmp_path: Path, index_dir: Path) -> None:
    qfile = tmp_path / "q.csv"
    qfile.write_text("id,text\n1,hello\n", encoding="utf-8")
    result = run_dqa("batch", str(qfile), "--corpus", str(SEED), "--index", str(index_dir))
    assert result.returncode == 2
    assert "q.csv" in result.stderr and "no 'question' column" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_keeps_answered_records(tmp_path: Path, index_dir: Path) -> None:
    qfile = tmp_path / "q.txt"
    qfile.write_text("\n".join(["三公经费预算数是多少", "培训费预算数是多少"] * 300), encoding="utf-8")
    out = tmp_path / "r.jsonl"
    exe = shutil.which("dqa", path=str(Path(sys.executable).parent))
    proc = subprocess.Popen(
        [exe, "batch", str(qfile), "--corpus", str(SEED), "--index", str(index_dir), "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or out.read_text(encoding="utf-8").count("\n") < 3):
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Interrupted" in stderr and "Traceback" not in stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 3 <= len(lines) < 600
    assert all(json.loads(line)["status"] == "answered" for line in lines)


def test_ask_json_is_one_batch_record(index_dir: Path) -> None:
    result = run_dqa("ask", "培训费预算数是多少", "--corpus", str(SEED), "--index", str(index_dir), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["answer"]["yuan"] == "50000"
    assert record["citations"][0]["doc"] == SEED.name


def test_ask_plain_prints_answer_citation_and_checks(index_dir: Path) -> None:
    result = run_dqa("ask", "how much was spent on official vehicles", "--corpus", str(SEED), "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "54.39万元" in result.stdout and "[1]" in result.stdout and "⚠" in result.stdout


def test_chat_follow_up(index_dir: Path) -> None:
    result = run_dqa(
        "chat", "--corpus", str(SEED), "--index", str(index_dir), input="公务接待费决算数是多少\n那预算数呢？\n"
    )
    assert result.returncode == 0, result.stderr
    assert "1.43万元" in result.stdout and "58万元" in result.stdout
