"""dqa audit on real reports: the seed's known inconsistencies, clean tables, output formats, bad files."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from corpus.cache import load_document
from corpus.facts import document_facts
from qa.audit import Finding, audit_document
from qa.audit_text import _evaluate
from tests.conftest import SAMPLES, SEED, run_dqa

TABLE_KINDS = {"code_sum", "total_row", "total_column", "balanced_totals", "roll_forward"}


def _audit(path: Path) -> list[Finding]:
    doc = load_document(path)
    return audit_document(doc, document_facts(doc))


@pytest.fixture(scope="module")
def seed_findings() -> list[Finding]:
    return _audit(SEED)


def test_e01_unit_slip_54_39(seed_findings: list[Finding]) -> None:
    slip = next(f for f in seed_findings if f.kind == "unit_slip" and f.found == "54.39元")
    assert slip.severity == "error"
    assert slip.expected == "54.39万元"
    assert "54.39元" in slip.message and "54.39万元" in slip.message and " / " in slip.message
    assert slip.evidence[0].page == 1
    assert "公务用车运行维护费支出54.39元" in slip.evidence[0].quote
    assert any("54.39万元" in e.quote for e in slip.evidence[1:])


def test_e02_formula_operand_148_82(seed_findings: list[Finding]) -> None:
    operand = next(f for f in seed_findings if f.kind == "formula_operand")
    assert (operand.found, operand.expected, operand.severity) == ("148.82", "148.28", "error")
    assert operand.evidence[0].quote == "公用经费控制率=148.82/148.82×100%=100%"
    assert "公用经费148.28万元" in operand.evidence[1].quote


def test_change_printed_in_wrong_unit(seed_findings: list[Finding]) -> None:
    """"减少158,329.33万元" where 644,045.07元 − 802,374.40元 is 158,329.33 元."""
    slip = next(f for f in seed_findings if f.kind == "unit_slip" and f.found == "158,329.33万元")
    assert slip.expected == "-158329.33元"
    assert "802,374.40元" in slip.evidence[0].quote


def test_rounding_is_never_more_than_info(seed_findings: list[Finding]) -> None:
    """结转结余率=64.40/1178.28×100%=5.46% truncates 5.4656: a printed-precision matter."""
    formula = next(f for f in seed_findings if f.kind == "formula")
    assert formula.severity == "info" and formula.found == "5.46"


@pytest.mark.parametrize("name", ["shpt_sfj_2026_budget.pdf", "上海市普陀区财政局2024年度部门决算.pdf"])
def test_tables_that_add_up_give_no_sum_findings(name: str) -> None:
    findings = _audit(SAMPLES / name)
    assert not [f for f in findings if f.kind in TABLE_KINDS]
    assert not [f for f in findings if f.severity != "info"]


def test_formula_arithmetic_is_exact() -> None:
    value = _evaluate("（644045.07-775529.01）/775529.01")
    assert value is not None and value.quantize(Decimal("0.0001")) == Decimal("-0.1695")
    assert _evaluate("148.82/148.82") == 1
    assert _evaluate("54/65 abc") is None


@pytest.mark.parametrize("suffix", [".jsonl", ".md", ".csv"])
def test_cli_writes_findings(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"findings{suffix}"
    result = run_dqa("audit", str(SEED), "--out", str(out))
    assert result.returncode == 0, result.stderr
    if suffix == ".jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert {"doc", "kind", "severity", "message", "expected", "found", "evidence"} <= set(rows[0])
        assert any(r["found"] == "148.82" for r in rows)
    elif suffix == ".csv":
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
        assert any(r["found"] == "54.39元" and r["severity"] == "error" for r in rows)
    else:
        text = out.read_text(encoding="utf-8")
        assert text.startswith("# Audit findings") and "| error | formula_operand |" in text


def test_min_severity_filters(tmp_path: Path) -> None:
    everything, errors = tmp_path / "all.jsonl", tmp_path / "errors.jsonl"
    run_dqa("audit", str(SEED), "--out", str(everything))
    run_dqa("audit", str(SEED), "--out", str(errors), "--min-severity", "error")
    severities = [json.loads(line)["severity"] for line in everything.read_text(encoding="utf-8").splitlines()]
    kept = [json.loads(line)["severity"] for line in errors.read_text(encoding="utf-8").splitlines()]
    assert "info" in severities and kept and set(kept) == {"error"}
    assert len(kept) == severities.count("error")


def test_bad_file_is_one_line_and_others_are_audited(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not a pdf")
    result = run_dqa("audit", str(bad), str(SEED), "--min-severity", "error")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "broken.pdf" in errors[0]
    assert "000_4730eaab2517dbc6.txt: 3 finding(s)" in result.stdout
    assert "54.39元" in result.stdout


def test_unknown_output_format_is_a_user_error(tmp_path: Path) -> None:
    result = run_dqa("audit", str(SEED), "--out", str(tmp_path / "findings.txt"))
    assert result.returncode == 2 and "--out must end in" in result.stderr
