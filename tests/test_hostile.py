"""Hostile and broken input (issue 14): no traceback, nothing lost, nothing let in.

One test per case of docs/RELIABILITY.md. Commands run in-process through click's CliRunner (the real CLI,
real SQLite and FAISS, real parse workers) with a deterministic embedder registered under "test-hash", or as
real subprocesses where a signal, a resource limit or a second process is the point.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner, Result

import cli.audit_cmds
import cli.corpus_cmds
import cli.export_cmds
import cli.index_cmds
import cli.qa_cmds  # noqa: F401  (registers the commands)
import index.store
from cli import cli as dqa_cli
from index.build import FileIndexed, index_paths
from index.embed import register_embedder
from index.store import Store, writer_lock
from tests.conftest import SAMPLES, SEED

SMALL_PDF = SAMPLES / "江苏省人大常委会办公厅2019年部门预算公开表.pdf"
REPORT = "某某局2019年度部门决算\n2019年公务接待费12.5万元，培训费3.2万元。\n"


class HashEmbedder:
    """Deterministic character-bigram vectors: plumbing only, no model to load."""

    name, dim = "test-hash", 32

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.full((len(texts), 32), 1e-3, dtype=np.float32)
        for i, t in enumerate(texts):
            for a, b in itertools.pairwise(t):
                out[i, hashlib.md5((a + b).encode()).digest()[0] % 32] += 1
        return out / np.linalg.norm(out, axis=1, keepdims=True)


register_embedder("test-hash", HashEmbedder)

# the same CLI in a child process, for signals, resource limits and concurrent runs
RUNNER = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
from tests.test_hostile import HashEmbedder
from index.embed import register_embedder
register_embedder("test-hash", HashEmbedder)
from cli import main
main()
"""


def log(command: str, outcome: object, traceback: bool) -> None:
    """With DQA_HOSTILE_LOG set, one JSON line per invocation, for the counts of docs/RELIABILITY.md."""
    if os.environ.get("DQA_HOSTILE_LOG"):
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].rsplit(" (", 1)[0]
        record = {"test": test, "command": command, "outcome": outcome, "traceback": traceback}
        with open(os.environ["DQA_HOSTILE_LOG"], "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def dqa(*args: str, input: str | None = None) -> Result:
    """Run a dqa command in-process; whatever the input, it must end without a traceback."""
    result = CliRunner(env={"COLUMNS": "300"}).invoke(dqa_cli, list(args), input=input, catch_exceptions=True)
    everything = result.stdout + result.stderr
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    log(args[0], result.exit_code, escaped or "Traceback" in everything)
    assert not escaped, repr(result.exception)
    assert "Traceback" not in everything and "MarkupError" not in everything, everything
    return result


class Child(subprocess.Popen):
    """`dqa` in a child process (see RUNNER); its outcome is logged when it ends."""

    def communicate(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        out, err = super().communicate(*args, **kwargs)
        log(self.args[3], self.returncode, "Traceback" in err)
        return out, err


def child(*args: str, **popen: object) -> Child:
    return Child(
        [sys.executable, "-c", RUNNER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen
    )


def errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def corpus(tmp_path: Path, *files: tuple[str, str | bytes]) -> Path:
    folder = tmp_path / "corpus"
    for name, content in files:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return folder


def pdf(objects: list[str]) -> bytes:
    """A PDF from its object bodies (numbered from 1, the first is the catalog), with a correct xref."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


# --- 1. markup and escape sequences: every command prints outside strings as text -----------------------------

HOSTILE_TEXT = (
    "某某局2019年度部门决算\n"
    "2019年公务接待费12.5万元[/x] [bold]粗[/bold] [link=file:///etc/passwd]链接[/link] :smile: "
    "\x1b[31m红\x1b]0;标题\x07 \u202e倒。\n"
)


def _no_raw_controls(result: Result) -> None:
    everything = result.stdout + result.stderr
    assert "\x1b" not in everything and "\x07" not in everything and "\u202e" not in everything


def test_markup_and_escapes_from_paths_documents_and_users_print_as_text(tmp_path: Path) -> None:
    folder = corpus(tmp_path, ("a[/x].txt", HOSTILE_TEXT), ("b[/y].pdf", b"%PDF-1.4 broken"))
    ix = str(tmp_path / "ix")

    indexed = dqa("index", str(folder), "--index", ix, "--model", "test-hash")
    assert indexed.exit_code == 1 and "b[/y].pdf: not a valid PDF" in indexed.stderr
    assert "1 indexed" in indexed.stderr  # the bad name did not stop the good file

    parsed = dqa("parse", str(folder))
    assert parsed.exit_code == 1 and "b[/y].pdf" in parsed.stderr
    for literal in (
        "x].txt",
        "[/x]",
        "[bold]粗[/bold]",
        "[link=file:///etc/passwd]",
        ":smile:",
        "\\x1b[31m",
        "\\u202e",
    ):
        assert literal in parsed.stdout, literal
    _no_raw_controls(parsed)

    for args in (["facts", str(folder)], ["facts", str(folder), "--json"], ["audit", str(folder)]):
        result = dqa(*args)
        assert result.exit_code == 1 and "b[/y].pdf" in result.stderr
        _no_raw_controls(result)
    assert "x].txt — 某某局" in dqa("facts", str(folder)).stdout

    asked = dqa("ask", "公务接待费是多少", "--corpus", str(folder), "--index", ix, "--doc", "x].txt")
    assert asked.exit_code == 1 and "12.5万元" in asked.stdout and "[/x]" in asked.stdout  # 1: a file was skipped
    _no_raw_controls(asked)
    for doc in ("[/x]", "[bold]x", "\x1b[2J"):
        result = dqa("ask", "公务接待费是多少", "--corpus", str(folder), "--index", ix, "--doc", doc)
        assert result.exit_code == 1
        _no_raw_controls(result)

    searched = dqa("search", "[/x] 公务接待费", "--index", ix)
    assert searched.exit_code == 0 and "[/x]" in searched.stdout
    _no_raw_controls(searched)
    assert errors(dqa("search", "公务接待费", "--index", ix, "--doc", "[/x]\x1b[2J")) == [
        "Error: no indexed document matches {'doc': '[/x]\\x1b[2J'}"
    ]

    questions = tmp_path / "q.txt"
    questions.write_text("[/x] 公务接待费是多少\n\x1b[2J培训费是多少\n", encoding="utf-8")
    for out in ("r.md", "r.jsonl"):
        batch = dqa("batch", str(questions), "--corpus", str(folder), "--index", ix, "--out", str(tmp_path / out))
        assert batch.exit_code == 1 and "2 question(s)" in batch.stderr
        _no_raw_controls(batch)
    chat = dqa("chat", "--corpus", str(folder), "--index", ix, input="[/x]公务接待费是多少\n\x1b]0;t\x07培训费呢\n")
    assert "12.5万元" in chat.stdout
    _no_raw_controls(chat)


# --- 3. reader exceptions: one line per bad file, the files after it still done ---------------------------------


def _cyclic_pdf() -> bytes:
    return pdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
        ]
    )


def _deep_pdf(levels: int = 5000) -> bytes:
    nodes = [f"<< /Type /Pages /Kids [{k + 3} 0 R] /Count 1 >>" for k in range(levels)]
    page = f"<< /Type /Page /MediaBox [0 0 200 200] /Contents {levels + 3} 0 R >>"
    stream = "BT /F1 12 Tf 20 100 Td (hello) Tj ET"
    return pdf(
        ["<< /Type /Catalog /Pages 2 0 R >>", *nodes, page, f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream"]
    )


def _zip_bomb(tmp_path: Path, kind: str) -> bytes:
    """A package whose main part unpacks to 60 MB of zeros (a few dozen KB zipped)."""
    path = tmp_path / f"bomb.{kind}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", b"\0" * (60 * 1024 * 1024))
    return path.read_bytes()


def _far_cell_xlsx(tmp_path: Path) -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "某某局2019年度部门决算"
    book.active["XFD1048576"] = 1
    book.save(tmp_path / "far.xlsx")
    return (tmp_path / "far.xlsx").read_bytes()


def test_broken_files_of_every_format_are_one_line_each_and_the_rest_go_on(tmp_path: Path) -> None:
    bad = {
        "cyclic.pdf": (_cyclic_pdf(), "page 1 cannot be loaded"),
        "deep.pdf": (_deep_pdf(), "page 1 cannot be loaded"),
        "zip.docx": (b"this is not a zip", "not a valid Word .docx file"),
        "zip.xlsx": (b"PK\x03\x04 truncated", "not a valid Excel .xlsx file"),
        "bomb.docx": (_zip_bomb(tmp_path, "docx"), "over the 50 MB limit"),
        "bomb.xlsx": (_zip_bomb(tmp_path, "xlsx"), "over the 50 MB limit"),
        "far.xlsx": (_far_cell_xlsx(tmp_path), "over the 2,000,000-cell limit"),
        "binary.txt": (bytes(range(256)) * 64, "not a text report"),
        "huge.txt": (("公务接待费12.5万元。\n" * 300_000).encode(), "over the 5 MB limit"),
        "empty.txt": (b"", "the file is empty"),
    }
    folder = corpus(tmp_path, *((name, content) for name, (content, _) in bad.items()), ("good.txt", REPORT))
    for command in ("parse", "facts", "audit"):
        result = dqa(command, str(folder))
        assert result.exit_code == 1
        lines = errors(result)
        assert len(lines) == len(bad), lines
        for name, (_, reason) in bad.items():
            assert any(name in line and reason in line for line in lines), (name, lines)
        assert f"{len(bad)} file(s) failed" in result.stderr
    assert "12.5" in dqa("facts", str(folder)).stdout
    indexed = dqa("index", str(folder), "--index", str(tmp_path / "ix"), "--model", "test-hash")
    assert indexed.exit_code == 1 and "1 indexed" in indexed.stderr and f"{len(bad)} failed" in indexed.stderr
    assert "unexpected" not in indexed.stderr


# --- 2. damaged index: found on open, one line, rebuilt ------------------------------------------------------


@pytest.fixture(scope="module")
def clean_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("clean")
    folder = corpus(root, ("seed.txt", SEED.read_bytes()), ("small.txt", REPORT))
    result = dqa("index", str(folder), "--index", str(root / "ix"), "--model", "test-hash")
    assert result.exit_code == 0, result.stderr
    return folder, root / "ix"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DAMAGE = {
    "db truncated": ("index.db", _truncate),
    "db overwritten": ("index.db", lambda p: p.write_bytes(os.urandom(p.stat().st_size))),
    "db emptied": ("index.db", lambda p: p.write_bytes(b"")),
    "db page garbled": (
        "index.db",
        lambda p: p.write_bytes(p.read_bytes()[:8192] + os.urandom(4096) + p.read_bytes()[12288:]),
    ),
    "vectors truncated": ("vectors.faiss", _truncate),
    "vectors random": ("vectors.faiss", lambda p: p.write_bytes(os.urandom(p.stat().st_size))),
    "vectors empty": ("vectors.faiss", lambda p: p.write_bytes(b"")),
    "vectors deleted": ("vectors.faiss", lambda p: p.unlink()),
}


@pytest.mark.parametrize("case", DAMAGE)
def test_damaged_index_is_named_and_rebuilt(clean_index: tuple[Path, Path], tmp_path: Path, case: str) -> None:
    folder, clean = clean_index
    ix = tmp_path / "ix"
    shutil.copytree(clean, ix)
    (ix / index.store.HEALTH_FILE).unlink()  # as after a crash: the next open checks in full
    expected = dqa("search", "公务接待费", "--index", str(clean), "--json").stdout
    name, damage = DAMAGE[case]
    damage(ix / name)

    searched = dqa("search", "公务接待费", "--index", str(ix), "--json")
    if name == "index.db":
        assert searched.exit_code == 2 and len(errors(searched)) == 1
        assert "is damaged" in searched.stderr and "dqa index" in searched.stderr
    else:  # the vectors are computed again from the chunks, and said so
        assert searched.exit_code == 0 and "Note: vectors.faiss" in searched.stderr
        assert searched.stdout == expected

    rebuilt = dqa("index", str(folder), "--index", str(ix), "--model", "test-hash")
    assert rebuilt.exit_code == 0, rebuilt.stderr
    if name == "index.db":
        assert "Note: index.db" in rebuilt.stderr and "moved to" in rebuilt.stderr and "2 indexed" in rebuilt.stderr
    store = Store(ix)
    assert len(store.documents()) == 2 and store.vector_chunk_ids() == store.vector_ids()
    store.close()
    assert dqa("search", "公务接待费", "--index", str(ix), "--json").stdout == expected


def test_damage_the_open_checks_miss_is_found_by_the_next_open(clean_index: tuple[Path, Path], tmp_path: Path) -> None:
    """Garbled pages behind an intact header, with index.db's size and mtime kept and its clean-close record
    matching: the first query that meets the damage is one line, and the next `dqa index` checks and rebuilds."""
    folder, clean = clean_index
    ix = tmp_path / "ix"
    shutil.copytree(clean, ix)
    db = ix / "index.db"
    for name in ("index.db-wal", "index.db-shm"):
        (ix / name).unlink(missing_ok=True)
    before = db.stat()
    db.write_bytes(db.read_bytes()[:4096] + os.urandom(before.st_size - 4096))
    os.utime(db, ns=(before.st_atime_ns, before.st_mtime_ns))
    (ix / index.store.HEALTH_FILE).write_text(index.store.Health.of(ix).model_dump_json(), encoding="utf-8")

    searched = dqa("search", "公务接待费", "--index", str(ix))
    assert searched.exit_code == 2 and len(errors(searched)) == 1 and "damaged" in searched.stderr
    rebuilt = dqa("index", str(folder), "--index", str(ix), "--model", "test-hash")
    assert rebuilt.exit_code == 0 and "moved to" in rebuilt.stderr and "2 indexed" in rebuilt.stderr


# --- 11. one writer at a time; no worker left behind -----------------------------------------------------------


def test_a_second_writer_waits_then_finds_the_work_done(clean_index: tuple[Path, Path], tmp_path: Path) -> None:
    folder, clean = clean_index
    ix = tmp_path / "ix"
    shutil.copytree(clean, ix)
    held = threading.Event()

    def first_writer() -> None:
        with writer_lock(ix):
            held.set()
            time.sleep(1.5)

    thread = threading.Thread(target=first_writer)
    thread.start()
    held.wait()
    second = dqa("index", str(folder), "--index", str(ix), "--model", "test-hash")
    thread.join()
    assert second.exit_code == 0 and "waiting for dqa process" in second.stderr
    assert "0 indexed, 2 unchanged" in second.stderr


def test_a_writer_held_too_long_is_a_clear_error(
    clean_index: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, clean = clean_index
    ix = tmp_path / "ix"
    shutil.copytree(clean, ix)
    monkeypatch.setattr(index.store, "LOCK_WAIT_S", 0.5)
    with writer_lock(ix):
        result = dqa("index", str(folder), "--index", str(ix), "--model", "test-hash")
    assert result.exit_code == 2 and len(errors(result)) == 1
    assert f"(pid {os.getpid()}) has been writing the index" in result.stderr


def test_two_index_runs_at_once_do_the_work_once(tmp_path: Path) -> None:
    folder = corpus(tmp_path, *((f"r{i}.txt", REPORT + f"附注{i}。\n") for i in range(6)))
    runs = [child("index", str(folder), "--index", str(tmp_path / "ix"), "--model", "test-hash") for _ in range(2)]
    outcomes = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outcomes
    summaries = sorted(err.strip().splitlines()[-1] for _, err in outcomes)
    assert summaries[0].startswith("0 indexed, 6 unchanged") and summaries[1].startswith("6 indexed, 0 unchanged")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_index_run_leaves_no_worker_running(tmp_path: Path, how: signal.Signals) -> None:
    folder = corpus(
        tmp_path, *((f"r{i:02d}.txt", SEED.read_text(encoding="utf-8") + f"附注{i}。\n") for i in range(40))
    )
    run = child("index", str(folder), "--index", str(tmp_path / "ix"), "--model", "test-hash")
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = [p for p in _children(run.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]
        time.sleep(0.05)
    assert len(workers) == 2, "the parse workers did not start"
    run.send_signal(how)
    _, stderr = run.communicate(timeout=60)
    if how == signal.SIGTERM:  # ends like Ctrl-C: one line, what was indexed kept
        assert run.returncode == 130 and "Interrupted." in stderr and "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while any(_running(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(p) for p in workers)


# --- 4. formula injection: exports and results never run a cell -------------------------------------------------

FORMULAS = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)")
_LIVE = re.compile(r"[=+@\t\r]|-(?!\d+(?:\.\d+)?$)")  # what a spreadsheet would run; "-12.5" is a number


def test_formula_like_text_is_written_as_text_in_csv_and_xlsx(tmp_path: Path) -> None:
    rows = "".join(f"\n\t{f}公务接待费\n\t12.5\n" for f in FORMULAS)
    report = f"某某局2019年度部门决算\n三公经费表\n单位：万元\n\t项目\n\t决算数\n{rows}\n\n\n结束。\n"
    folder = corpus(tmp_path, ("r.txt", report))
    ix = str(tmp_path / "ix")
    assert dqa("index", str(folder), "--index", ix, "--model", "test-hash").exit_code == 0
    questions = tmp_path / "q.jsonl"
    asked = (*FORMULAS, "\t=1+1", "\r=1+1")
    questions.write_text("".join(json.dumps({"id": str(i), "q": f + "公务接待费"}) + "\n" for i, f in enumerate(asked)))

    written = []
    for out in ("facts.csv", "facts.xlsx"):
        result = dqa("export", "facts", "--corpus", str(folder), "--index", ix, "--out", str(tmp_path / out))
        assert result.exit_code == 0, result.stderr
        written.append(tmp_path / out)
    for out in ("r.csv", "r.xlsx"):
        result = dqa("batch", str(questions), "--corpus", str(folder), "--index", ix, "--out", str(tmp_path / out))
        assert result.exit_code == 0, result.stderr
        written.append(tmp_path / out)

    for path in written:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                cells = [cell for row in csv.reader(fh) for cell in row]
            assert not [c for c in cells if _LIVE.match(c)], path
            assert any(c.startswith("'=HYPERLINK") for c in cells) and any(c.startswith("'-2+3") for c in cells)
        else:
            cells = [cell for row in openpyxl.load_workbook(path).worksheets[0].iter_rows() for cell in row]
            assert not [c.coordinate for c in cells if c.data_type == "f"], path
            assert any(isinstance(c.value, str) and c.value.startswith("=HYPERLINK") for c in cells), path


# --- 5. disk full and bad --out -----------------------------------------------------------------------------------


def _copy_index(folder: Path, clean: Path, to: Path) -> Path:
    """An up-to-date copy with its WAL folded in, so that reading it writes nothing beyond the file-size limit
    below (it is brought up to date first in case the reader's version changed since it was built)."""
    shutil.copytree(clean, to)
    refresh = child("index", str(folder), "--index", str(to))  # a child: the same code as the run that follows
    assert refresh.communicate(timeout=300) and refresh.returncode == 0
    db = sqlite3.connect(to / "index.db")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return to


def _limit_file_size() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE stands in for a full disk")
def test_a_full_disk_keeps_every_whole_record_and_no_half_one(clean_index: tuple[Path, Path], tmp_path: Path) -> None:
    folder, clean = clean_index
    ix = _copy_index(folder, clean, tmp_path / "ix")
    questions = tmp_path / "q.txt"
    questions.write_text("公务用车运行维护费是多少\n培训费预算数是多少\n" * 150, encoding="utf-8")
    out = tmp_path / "r.jsonl"
    run = child("batch", str(questions), "--corpus", str(folder), "--index", str(ix), "--out", str(out),
                preexec_fn=_limit_file_size)  # fmt: skip
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 2 and "Traceback" not in stderr
    (line,) = [x for x in stderr.splitlines() if x.startswith("Error:")]
    assert "r.jsonl: cannot be written (File too large)" in line
    kept = int(line.split("; ")[1].split()[0])
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n") and len(text.splitlines()) == kept > 10
    assert all(json.loads(x)["question"] for x in text.splitlines())


def test_bad_out_paths_are_refused_before_any_work(clean_index: tuple[Path, Path], tmp_path: Path) -> None:
    folder, clean = clean_index
    questions = tmp_path / "q.txt"
    questions.write_text("培训费预算数是多少\n", encoding="utf-8")
    fresh = tmp_path / "never-built"
    cases = {
        str(tmp_path / "missing" / "r.jsonl"): "does not exist",
        str(questions): "unsupported output format .txt",
        str(tmp_path): "is a directory",
        str(folder / "r.xlsx"): "would be read as a report",
    }
    for out, reason in cases.items():
        result = dqa("batch", str(questions), "--corpus", str(folder), "--index", str(fresh), "--out", out)
        assert result.exit_code == 2 and reason in result.stderr, (out, result.stderr)
    same = tmp_path / "q.jsonl"
    same.write_text(json.dumps({"q": "培训费预算数是多少"}) + "\n", encoding="utf-8")
    result = dqa("batch", str(same), "--corpus", str(folder), "--index", str(fresh), "--out", str(same))
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert json.loads(same.read_text(encoding="utf-8")) == {"q": "培训费预算数是多少"}
    result = dqa("export", "facts", "--corpus", str(folder), "--index", str(clean), "--out", str(clean / "index.db"))
    assert result.exit_code == 2 and "inside the index" in result.stderr
    result = dqa("audit", str(SEED), "--out", str(tmp_path / "missing" / "f.md"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert not fresh.exists()  # refused before any index was opened


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE stands in for a full disk")
def test_a_failed_export_leaves_the_old_file_whole(clean_index: tuple[Path, Path], tmp_path: Path) -> None:
    folder, clean = clean_index
    ix = _copy_index(folder, clean, tmp_path / "ix")
    for suffix in (".csv", ".xlsx", ".sqlite"):
        out = tmp_path / f"facts{suffix}"
        out.write_bytes(b"the previous export")
        run = child("export", "facts", "--corpus", str(folder), "--index", str(ix), "--out", str(out),
                    preexec_fn=_limit_file_size)  # fmt: skip
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 2 and "Traceback" not in stderr
        (line,) = [x for x in stderr.splitlines() if x.startswith("Error:")]
        assert f"facts{suffix}: cannot be written" in line
        assert out.read_bytes() == b"the previous export"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


# --- 6. symlinks -----------------------------------------------------------------------------------------------


def test_linked_reports_work_like_copies_and_links_out_are_checked(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "real.txt").write_text(REPORT, encoding="utf-8")
    (elsewhere / "inner").mkdir()
    (elsewhere / "inner" / "hidden.txt").write_text(REPORT.replace("12.5", "99.9"), encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "linked.txt").symlink_to(elsewhere / "real.txt")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "dir").symlink_to(elsewhere / "inner", target_is_directory=True)
    (folder / "fifo.txt").symlink_to("/dev/zero")
    ix = str(tmp_path / "ix")

    indexed = dqa("index", str(folder), "--index", ix, "--model", "test-hash")
    assert indexed.exit_code == 1 and "1 indexed" in indexed.stderr and "2 failed" in indexed.stderr
    assert f"linked from outside the corpus: {folder / 'linked.txt'} → {elsewhere / 'real.txt'}" in indexed.stderr
    assert "passwd.txt: links to" in indexed.stderr and "not a .txt report by its content" in indexed.stderr
    assert "fifo.txt: links to /dev/zero" in indexed.stderr and "not a regular file" in indexed.stderr

    asked = dqa("ask", "公务接待费是多少", "--corpus", str(folder), "--index", ix, "--json")
    record = json.loads(asked.stdout)
    assert record["answer"]["value"] == "12.5" and record["citations"][0]["doc"] == "linked.txt"
    assert "root:x" not in dqa("search", "root bin bash", "--index", ix).stdout
    assert "99.9" not in dqa("search", "公务接待费", "--index", ix, "--k", "20").stdout  # dir link not followed


# --- 7. encoding ---------------------------------------------------------------------------------------------


def test_a_few_bad_bytes_are_replaced_with_a_warning_naming_them(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    at = data.index("公务用车运行维护费".encode()) - 3
    folder = corpus(tmp_path, ("one-bad-byte.txt", data[:at] + b"\xff" + data[at:]))
    result = dqa("facts", str(folder), "--json")
    assert result.exit_code == 0
    assert "page 1: 1 byte(s) that are not valid UTF-8 were replaced by \ufffd" in result.stderr
    assert f"at byte offset(s) {at}" in result.stderr
    printed = {json.loads(line)["value"] for line in result.stdout.splitlines()}
    assert "54.39万元" in printed


# --- 8. xlsx ---------------------------------------------------------------------------------------------------


def test_xlsx_formulas_without_saved_values_are_reported_and_integers_are_facts(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "三公经费"
    for row in (["某某局2024年三公经费支出表"], ["单位：万元"], ["项目", "预算数", "决算数"],
                ["公务接待费", 200, 210], ["培训费", 15.5, 16], ["合计", "=B4+B5", "=C4+C5"]):  # fmt: skip
        sheet.append(row)
    book.save(tmp_path / "r.xlsx")
    result = dqa("facts", str(tmp_path / "r.xlsx"), "--json")
    assert result.exit_code == 0
    assert "page 1 (sheet '三公经费'): 2 formula cell(s) have no saved value" in result.stderr
    assert "B6, C6" in result.stderr
    facts = {(json.loads(x)["label"].split(" › ")[-2], json.loads(x)["value"]) for x in result.stdout.splitlines()}
    assert {("公务接待费", "200"), ("公务接待费", "210"), ("培训费", "16")} <= facts


# --- 9. stale content -------------------------------------------------------------------------------------------


def test_a_file_that_no_longer_reads_is_never_cited_again(tmp_path: Path) -> None:
    folder = corpus(tmp_path, ("a.txt", REPORT), ("b.txt", "另一个局2019年度部门决算\n2019年培训费3.3万元。\n"))
    ix = str(tmp_path / "ix")
    first = json.loads(
        dqa("ask", "公务接待费是多少", "--corpus", str(folder), "--index", ix, "--model", "test-hash", "--json").stdout
    )
    assert first["citations"][0]["doc"] == "a.txt"
    (folder / "a.txt").write_bytes(bytes(range(256)) * 64)
    again = dqa("ask", "公务接待费是多少", "--corpus", str(folder), "--index", ix, "--json")
    assert again.exit_code == 1 and "a.txt: binary content, not a text report (skipped)" in again.stderr
    record = json.loads(again.stdout)
    assert all(c["doc"] != "a.txt" for c in record["citations"]) and "12.5" not in again.stdout


# --- 10. large files -----------------------------------------------------------------------------------------------


def test_large_files_show_progress_within_the_file(tmp_path: Path) -> None:
    events: list[FileIndexed] = []
    many = "某某局2019年度部门决算\n" + "".join(f"2019年第{i}项公务接待费{i}.5万元。\n" for i in range(3000))
    folder = corpus(tmp_path, ("many.txt", many))
    shutil.copy(SMALL_PDF, folder / SMALL_PDF.name)
    report = index_paths([folder], tmp_path / "ix", "test-hash", events.append)
    assert len(report.added) == 2
    reading = [e for e in events if e.step == "reading" and e.path.endswith(".pdf")]
    assert reading and reading[-1].part == reading[-1].parts == 13
    embedding = [e for e in events if e.step == "embedding"]  # the vector phase, after the documents
    assert embedding and embedding[-1].part == embedding[-1].parts > 256


# --- 1 (tui). the terminal app shows the same hostile corpus as text ---------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_tui_shows_hostile_names_and_text_as_text(tmp_path: Path) -> None:
    from textual.widgets import Static

    from tui import DqaApp
    from widgets import CitationLink, Exchange, HistoryInput

    folder = corpus(tmp_path, ("a[/x].txt", HOSTILE_TEXT), ("b[/y].pdf", b"%PDF-1.4 broken"))
    (tmp_path / "o[").mkdir()
    (tmp_path / "o[" / "z\x1b[2J.txt").write_text("root:x:0:0\n", encoding="utf-8")
    (folder / "l.txt").symlink_to(tmp_path / "o[" / "z\x1b[2J.txt")
    ix = tmp_path / "ix"
    assert dqa("index", str(folder), "--index", str(ix), "--model", "test-hash").exit_code == 1
    app = DqaApp([str(folder)], str(ix))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        box = app.query_one("#question", HistoryInput)
        box.focus()
        box.value = "[/x]公务接待费是多少"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "12.5万元" in str(app.query(Exchange).last().answer.content)
        app.query(CitationLink).first().focus()
        await pilot.press("enter")
        await pilot.pause()
        shown = [str(w.content) for w in app.query(Static)] + [str(n.message) for n in app._notifications]
        assert any("[/x] [bold]粗[/bold]" in text for text in shown)
        assert any("l.txt: links to" in text and "z\\x1b[2J.txt" in text for text in shown)
        assert not [text for text in shown if "\x1b" in text or "\x07" in text or "\u202e" in text]
        assert "\x1b" not in app.export_screenshot()
    assert app.library is not None and len(app.library.skipped) == 2  # so `dqa tui` exits 1
