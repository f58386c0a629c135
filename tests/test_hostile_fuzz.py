"""Fuzzing the readers with damaged copies of real reports (issue 14): truncations, byte flips, zeroed and
deleted blocks, deleted PDF objects and deleted or garbled OOXML parts, a few hundred in bounded time.

Whatever the damage: never a traceback; either a document (whose facts and chunks can be extracted) or one
DqaError line naming the file; and in a folder of damaged files the good ones are still indexed and the
index still opens.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.reader import read_document
from index.chunks import document_chunks
from tests.conftest import SAMPLES, SEED
from tests.test_hostile import REPORT, dqa, log

PDF = SAMPLES / "江苏省人大常委会办公厅2019年部门预算公开表.pdf"
MUTANTS = {".pdf": 100, ".txt": 80, ".docx": 60, ".xlsx": 60}
BUDGET_S = 240  # the whole loop, on a busy 2-core machine; about 40 s on an idle one


def _docx_from_seed(path: Path) -> None:
    """A Word report made of the seed's first paragraphs and a table of its figures."""
    document = docx.Document()
    for line in SEED.read_text(encoding="utf-8").splitlines()[:40]:
        if line.strip() and not line.startswith("\t"):
            document.add_paragraph(line)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [["项目", "预算数", "决算数"], ["公务接待费", "58.00", "1.43"], ["培训费", "5.00", "4.20"]]
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(path)


def _xlsx_from_seed(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["资阳市雁江区人民政府办公室2019年三公经费决算表"], ["单位：万元"], ["项目", "预算数", "决算数"],
                ["公务接待费", 58, 1.43], ["公务用车运行维护费", 60, 54.39], ["合计", "=B4+B5", "=C4+C5"]):  # fmt: skip
        sheet.append(row)
    book.save(path)


def _mutate(data: bytes, suffix: str, rng: random.Random) -> tuple[str, bytes]:
    kinds = ["truncate", "flip", "zero", "delete", "object" if suffix == ".pdf" else "truncate"]
    if suffix in (".docx", ".xlsx"):
        kinds += ["part deleted", "part garbled"]
    kind = rng.choice(kinds)
    b = bytearray(data)
    if kind == "truncate":
        return kind, bytes(b[: rng.randrange(len(b))])
    if kind == "flip":
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == "zero":
        at = rng.randrange(len(b))
        b[at : at + 4096] = bytes(len(b[at : at + 4096]))
    elif kind == "delete":
        at = rng.randrange(len(b))
        del b[at : at + rng.randint(1, 4096)]
    elif kind == "object":  # a whole PDF object gone: dangling references, a wrong xref
        start, end = rng.choice([m.span() for m in re.finditer(rb"\d+ 0 obj.*?endobj", data, re.S)])
        del b[start:end]
    else:  # an OOXML package with one part missing, or with one part's XML damaged
        source = zipfile.ZipFile(io.BytesIO(data))
        names = source.namelist()
        victim = rng.choice(names)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name in names:
                content = source.read(name)
                if name == victim and kind == "part deleted":
                    continue
                if name == victim:
                    cut = rng.randrange(max(1, len(content)))
                    content = content[:cut] + bytes(rng.randrange(256) for _ in range(8)) + content[cut + 8 :]
                package.writestr(name, content)
        return f"{kind}: {victim}", out.getvalue()
    return kind, bytes(b)


def _outcome(path: Path) -> str:
    """'read' or 'refused'; anything else fails the test with the mutant named."""
    try:
        doc = read_document(path)
    except DqaError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and "\n" not in message, message
        return "refused"
    facts = document_facts(doc)
    document_chunks(doc, facts)
    return "read"


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("originals")
    _docx_from_seed(root / "r.docx")
    _xlsx_from_seed(root / "r.xlsx")
    return {
        ".pdf": PDF.read_bytes(),
        ".txt": SEED.read_bytes(),
        ".docx": (root / "r.docx").read_bytes(),
        ".xlsx": (root / "r.xlsx").read_bytes(),
    }


def test_damaged_copies_of_real_reports_are_read_or_refused_in_one_line(
    originals: dict[str, bytes], tmp_path: Path
) -> None:
    rng = random.Random(14)
    counts: dict[str, int] = {}
    started = time.monotonic()
    for suffix, n in MUTANTS.items():
        for i in range(n):
            kind, data = _mutate(originals[suffix], suffix, rng)
            path = tmp_path / f"m{i:03d}-{kind.split(':')[0].replace(' ', '-')}{suffix}"
            path.write_bytes(data)
            try:
                outcome = _outcome(path)
            except Exception as exc:
                log(f"read {suffix}", type(exc).__name__, True)
                pytest.fail(f"{path} ({kind}): {type(exc).__name__}: {exc}")
            log(f"read {suffix}", outcome, False)
            counts[f"{suffix} {outcome}"] = counts.get(f"{suffix} {outcome}", 0) + 1
            path.unlink()
    elapsed = time.monotonic() - started
    print(f"{sum(MUTANTS.values())} mutants in {elapsed:.0f} s: {dict(sorted(counts.items()))}")
    assert sum(counts.values()) == sum(MUTANTS.values()) and elapsed < BUDGET_S
    assert all(counts.get(f"{s} refused") for s in MUTANTS)  # the damage was real enough to be refused


def test_a_folder_of_damaged_reports_indexes_the_good_ones(originals: dict[str, bytes], tmp_path: Path) -> None:
    rng = random.Random(1414)
    folder = tmp_path / "corpus"
    folder.mkdir()
    damaged = []
    for suffix in MUTANTS:
        for i in range(4):
            _kind, data = _mutate(originals[suffix], suffix, rng)
            path = folder / f"damaged-{i}{suffix}"
            path.write_bytes(data)
            damaged.append(path)
    shutil.copy(SEED, folder / "good-seed.txt")
    (folder / "good-small.txt").write_text(REPORT, encoding="utf-8")
    ix = str(tmp_path / "ix")

    indexed = dqa("index", str(folder), "--index", ix, "--model", "test-hash")
    summary = next(line for line in indexed.stderr.splitlines() if " indexed, " in line)
    added, failed = int(summary.split()[0]), int(summary.split(", ")[3].split()[0])
    assert added + failed == len(damaged) + 2 and added >= 2
    assert indexed.exit_code == (1 if failed else 0)
    for line in indexed.stderr.splitlines():
        if line.startswith("  /"):  # each failure: one line naming its file and the reason
            assert any(line.startswith(f"  {p}: ") for p in damaged), line
    asked = dqa("ask", "公务接待费是多少", "--corpus", str(folder), "--index", ix, "--doc", "good-small.txt")
    assert "12.5万元" in asked.stdout
    assert dqa("search", "公务用车运行维护费", "--index", ix, "--doc", "good-seed.txt").exit_code == 0
    for command in ("facts", "audit"):
        assert dqa(command, str(folder)).exit_code in (0, 1)
