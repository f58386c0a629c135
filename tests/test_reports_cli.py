"""Corrections in dqa-reports.toml beside the corpus, and `dqa reports` as a user runs it: identities with the
evidence per field, the corrections applied, a malformed file as one line naming it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa import ask
from qa.library import Library
from tests.conftest import SAMPLES, SEED, run_dqa

PUTUO_BUDGET = SAMPLES / "shpt_sfj_2026_budget.pdf"
PUTUO_FINAL = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus of two reports, one of them corrected in dqa-reports.toml to another body (a journalist's fix)."""
    corpus = tmp_path_factory.mktemp("corrected")
    shutil.copy(PUTUO_BUDGET, corpus / PUTUO_BUDGET.name)
    (corpus / "misread").mkdir()
    shutil.copy(PUTUO_FINAL, corpus / "misread" / "report.pdf")
    (corpus / "dqa-reports.toml").write_text(
        '[[report]]\nfile = "misread/report.pdf"\nbody = "上海市普陀区司法局"\n', encoding="utf-8"
    )
    return corpus, tmp_path_factory.mktemp("corrected-index")


def test_the_override_file_corrects_a_report_and_its_answers(corrected: tuple[Path, Path]) -> None:
    corpus, index = corrected
    library = Library.open([corpus], index)
    doc = next(d for d in library.documents.values() if d.name == "report.pdf")
    assert (doc.department, doc.identity.body) == ("上海市普陀区司法局", "上海市普陀区司法局")
    assert doc.identity.evidence["body"] == "dqa-reports.toml: body = 上海市普陀区司法局"
    assert doc.identity.year == 2024  # fields the file does not correct stay as read
    # 司法局 now has a 2024 final account and a 2026 budget: a question naming neither year gets both, as rows
    record, _ = ask(library, "普陀区司法局公务接待费是多少？")
    assert [(r.year, r.kind) for r in record.table] == [(2024, "决算"), (2026, "预算")]
    assert "2份报告符合问题" in record.answer.text
    assert {r.yuan for r in record.table} == {"0", "8300"}


def test_dqa_reports_lists_identities_with_evidence(corrected: tuple[Path, Path]) -> None:
    corpus, index = corrected
    result = run_dqa("reports", str(corpus), "--index", str(index), "--json")
    assert result.returncode == 0, result.stderr
    rows = {Path(r["file"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert rows[PUTUO_BUDGET.name]["body"] == "上海市普陀区司法局"
    assert rows[PUTUO_BUDGET.name]["evidence"]["body"].startswith("p1: 预算主管部门：上海市普陀区司法局")
    assert rows["report.pdf"]["evidence"]["body"].startswith("dqa-reports.toml")
    plain = run_dqa("reports", str(corpus), "--index", str(index))
    assert "上海市普陀区司法局 2026年部门预算" in plain.stdout and "← p1: 预算主管部门：" in plain.stdout


def test_a_malformed_override_file_is_one_line_naming_it(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "dqa-reports.toml").write_text('[[report]]\nfile = "x.txt"\nbodyy = "typo"\n', encoding="utf-8")
    result = run_dqa("reports", str(tmp_path), "--index", str(tmp_path / ".dqa"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "dqa-reports.toml" in lines[0] and "bodyy" in lines[0]
