"""dqa audit on real reports: the seed's known inconsistencies, parse doubts, the engine an answer's cross-check
shares, identities between tables in two units, wording, output formats and bad files. Each rule of the checklist
is tested on its own in tests/test_audit_rules.py."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from audit import Finding, audit_document
from audit.formulas import evaluate as _evaluate
from corpus.cache import load_document
from corpus.facts import document_facts
from corpus.model import Document
from tests.conftest import SAMPLES, SEED, run_dqa


def _audit(path: Path) -> list[Finding]:
    doc = load_document(path)
    return audit_document(doc, document_facts(doc))


@pytest.fixture(scope="module")
def seed_findings() -> list[Finding]:
    return _audit(SEED)


def test_e01_unit_slip_54_39(seed_findings: list[Finding]) -> None:
    slip = next(f for f in seed_findings if f.rule == "restated" and f.found == "54.39元")
    assert slip.severity == "error"
    assert slip.expected == "54.39万元"
    assert "54.39元" in slip.message and "54.39万元" in slip.message and " / " in slip.message
    assert slip.evidence[0].page == 1
    assert "公务用车运行维护费支出54.39元" in slip.evidence[0].quote
    assert any("54.39万元" in e.quote for e in slip.evidence[1:])


def test_e02_formula_operand_148_82(seed_findings: list[Finding]) -> None:
    operand = next(f for f in seed_findings if f.rule == "printed_formulas" and f.kind == "transposed_digits")
    assert (operand.found, operand.expected, operand.severity) == ("148.82", "148.28", "error")
    assert operand.evidence[0].quote == "公用经费控制率=148.82/148.82×100%=100%"
    assert "公用经费148.28万元" in operand.evidence[1].quote


def test_change_printed_in_wrong_unit(seed_findings: list[Finding]) -> None:
    """ "减少158,329.33万元" where 644,045.07元 − 802,374.40元 is 158,329.33 元."""
    slip = next(f for f in seed_findings if f.rule == "stated_change" and f.found == "158,329.33万元")
    assert slip.expected == "-158329.33元"
    assert "802,374.40元" in slip.evidence[0].quote


def test_rounding_is_never_more_than_info(seed_findings: list[Finding]) -> None:
    """结转结余率=64.40/1178.28×100%=5.46% truncates 5.4656: a printed-precision matter."""
    formula = next(f for f in seed_findings if f.kind == "formula")
    assert formula.severity == "info" and formula.found == "5.46"


def test_seed_examples_are_found(seed_findings: list[Finding]) -> None:
    """The fixed set: every example of ../shared/eval/seed_audit_examples.jsonl (copied here: tests never read
    /work/shared) is a finding at warning or above."""
    for quote in ("54.39元", "148.82"):
        assert any(
            f.severity != "info" and (quote == f.found or any(quote in e.quote for e in f.evidence))
            for f in seed_findings
        )


# --- knowing when not to accuse -----------------------------------------------------------------------------

PUTUO_FINAL = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"


def _row(doc: Document, label: str) -> list:
    table = next(t for t in doc.tables if t.title == "一般公共预算财政拨款支出决算表")
    return next(row for row in table.body_rows if any(c.text == label for c in row))


def _in_table(findings: list[Finding], table: str) -> list[Finding]:
    return [f for f in findings if any(e.table == table for e in f.evidence)]


def test_a_row_we_cannot_place_makes_its_sums_a_parse_doubt() -> None:
    """信息化建设 printed under a code and name the schema does not know: its 135.25 is no line, so 20106 = Σ 项 no
    longer adds up; that is our parse gap, an info, never an accusation."""
    doc = load_document(PUTUO_FINAL).model_copy(deep=True)
    for cell in _row(doc, "信息化建设"):
        cell.text = {"2010607": "2010697", "信息化建设": "某某新增事项"}.get(cell.text, cell.text)
    findings = [f for f in _in_table(audit_document(doc, document_facts(doc)), "p15t1") if f.rule == "code_sums"]
    assert findings and all((f.kind, f.severity) == ("parse_doubt", "info") for f in findings)
    assert any("could not place" in f.message for f in findings)


def test_an_amount_split_over_two_cells_is_a_parse_doubt() -> None:
    """ "135.2" | "5" in a table that prints two decimals everywhere is 135.25 torn apart by the reader."""
    doc = load_document(PUTUO_FINAL).model_copy(deep=True)
    cells = sorted(_row(doc, "信息化建设"), key=lambda c: c.col)
    total = next(i for i, c in enumerate(cells) if c.text == "135.25")
    cells[total].text, cells[total + 1].text = "135.2", "5"
    findings = [f for f in _in_table(audit_document(doc, document_facts(doc)), "p15t1") if f.found != "326.72"]
    assert findings and {(f.kind, f.severity) for f in findings} == {("parse_doubt", "info")}


# --- one engine for the audit and for an answer's cross-check -----------------------------------------------


def test_an_answers_cross_check_is_the_audits_finding() -> None:
    """The seed's 公务用车 figure 54.39万元: `dqa audit` reports the 54.39元 slip, and the answer's cross-check is
    the same result of the same rule (audit.evaluate), citing the same sentence."""
    from qa.checks import cross_check

    doc = load_document(SEED)
    facts = document_facts(doc)
    slip = next(f for f in audit_document(doc, facts) if f.rule == "restated" and f.found == "54.39元")
    answer = next(f for f in facts if f.source == "text" and f.printed == "54.39万元" and f.line == "sg_car")
    checks = [c for c in cross_check(answer, facts, doc) if c.status == "conflict" and c.kind == "unit"]
    assert len(checks) == 1
    assert checks[0].detail.rstrip(".") == slip.message.split(" / ")[1]
    assert any("54.39元" in c.quote for c in checks[0].citations)
    assert any("54.39元" in e.quote for e in slip.evidence)


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
        fields = {"doc", "rule", "kind", "severity", "message", "expected", "found", "difference", "evidence"}
        assert fields <= set(rows[0])
        assert any(r["found"] == "148.82" for r in rows)
    elif suffix == ".csv":
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
        assert any(r["found"] == "54.39元" and r["severity"] == "error" for r in rows)
    else:
        text = out.read_text(encoding="utf-8")
        assert text.startswith("# Audit findings") and "| error | printed_formulas | transposed_digits |" in text


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
    assert "000_4730eaab2517dbc6.txt: " in result.stdout
    assert "54.39元" in result.stdout


def test_unknown_output_format_is_a_user_error(tmp_path: Path) -> None:
    result = run_dqa("audit", str(SEED), "--out", str(tmp_path / "findings.txt"))
    assert result.returncode == 2 and "--out must end in" in result.stderr


# --- the same line in two statements, in two units (audit/statements.py) ---------------------------------------------


def _workbook(path: Path, fiscal_income: str = "100.00", general_total: str = "1,000,000.00") -> Path:
    """A three-sheet 决算: 收入支出决算总表, 财政拨款收入支出决算总表 (万元) and 一般公共预算财政拨款支出决算表 (元)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheets = {
        "总表": [
            ["收入支出决算总表"],
            ["单位：万元"],
            ["收入", "", "支出", ""],
            ["项目", "决算数", "项目", "决算数"],
            ["一、一般公共预算财政拨款收入", "100.00", "一、一般公共服务支出", "100.00"],
            ["二、政府性基金预算财政拨款收入", "", "二、外交支出", ""],
            ["本年收入合计", "100.00", "本年支出合计", "100.00"],
        ],
        "财政拨款总表": [
            ["财政拨款收入支出决算总表"],
            ["单位：万元"],
            ["收入", "", "支出", "", "", ""],
            ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款"],
            ["一、一般公共预算财政拨款", fiscal_income, "一、一般公共服务支出", "100.00", "100.00", ""],
            ["二、政府性基金预算财政拨款", "", "", "", "", ""],
            ["本年收入合计", fiscal_income, "本年支出合计", "100.00", "100.00", ""],
        ],
        "一般公共预算": [
            ["一般公共预算财政拨款支出决算表"],
            ["单位：元"],
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["201", "一般公共服务支出", general_total, "800,000.00", "200,000.00"],
            ["合计", "", general_total, "800,000.00", "200,000.00"],
        ],
    }
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _same_line(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == "same_line"]


def test_cross_table_income_line_disagrees(tmp_path: Path) -> None:
    findings = _same_line(_audit(_workbook(tmp_path / "测试局2024年度部门决算.xlsx", fiscal_income="120.00")))
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert (findings[0].expected, findings[0].found) == ("100.00", "120.00")
    assert "一般公共预算财政拨款收入" in findings[0].message
    assert sorted(e.page for e in findings[0].evidence) == [1, 2]


def test_cross_table_general_spending_in_another_unit(tmp_path: Path) -> None:
    """100.00万元 in the 财政拨款 总表 vs 1,100,000.00元 in the 一般公共预算 table: 10万元 apart."""
    findings = _same_line(_audit(_workbook(tmp_path / "测试局2024年度部门决算.xlsx", general_total="1,100,000.00")))
    assert len(findings) == 2  # the 201 line and the 本年支出合计 line of the 一般公共预算 fund
    assert {f.found for f in findings} == {"1,100,000.00"} and {f.expected for f in findings} == {"100.00"}


def test_cross_table_agreeing_tables_are_silent(tmp_path: Path) -> None:
    """Same figures, one table in 元 and the others in 万元: no finding."""
    assert not _same_line(_audit(_workbook(tmp_path / "测试局2024年度部门决算.xlsx")))


# --- wording against the report's own numbers (audit/changes.py, audit/shares.py) ----------------------

_REPORT = """测试局2024年度部门决算

一、一般公共预算财政拨款支出决算具体情况

一般公共预算财政拨款支出年初预算为100.00万元，支出决算为{actual}万元，完成年初预算的{rate}%。决算数小于预算数的主要原因：人员减少。

二、财政拨款支出情况

2024年财政拨款支出{spent}万元，比2023年150.00万元有所增加。2024年机关运行经费180.00万元，比2023年150.00万元，增加30.00万元，{rise}20.00%。2024年培训费12.00万元，比2023年10.00万元增加（减少）2.00万元。
"""


def _report(tmp_path: Path, **values: str) -> list[Finding]:
    path = tmp_path / "测试局2024年度部门决算.txt"
    path.write_text(_REPORT.format(**values), encoding="utf-8")
    return _audit(path)


def test_budget_wording_contradicts_figures(tmp_path: Path) -> None:
    findings = _report(tmp_path, actual="120.00", rate="120.00", spent="180.00", rise="增长")
    wording = [f for f in findings if f.kind == "budget_wording"]
    assert len(wording) == 1 and wording[0].severity == "warning"
    assert "120.00万元" in wording[0].message and "100.00万元" in wording[0].message
    assert wording[0].found == "决算数小于预算" and wording[0].expected == "决算数大于预算数"


def test_change_wording_contradicts_figures(tmp_path: Path) -> None:
    findings = _report(tmp_path, actual="80.00", rate="80.00", spent="120.00", rise="下降")
    wording = {f.found: f for f in findings if f.rule == "comparison_words"}
    assert set(wording) == {"增加", "20.00%"}  # 150 → 120 "有所增加"; 150 → 180 "下降20.00%"
    assert wording["增加"].expected == "减少30.00万元" and wording["20.00%"].expected == "增长"
    assert not [f for f in findings if f.rule == "stated_change"]
    # "增加（减少）" is a template leftover, reported once by `template_leftovers` and not as wording
    assert [f.kind for f in findings if "增加（减少）" in (f.found or "")] == ["template_wording"]


def test_wording_that_fits_the_figures_is_silent(tmp_path: Path) -> None:
    findings = _report(tmp_path, actual="80.00", rate="80.00", spent="180.00", rise="增长")
    assert not [f for f in findings if f.kind in ("budget_wording", "change_wording")]
    assert not [f for f in _audit(SEED) if f.kind in ("budget_wording", "change_wording")]
