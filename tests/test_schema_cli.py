"""`dqa parse --schema` and `dqa facts` show where a report's figures sit in the disclosure schema."""

from __future__ import annotations

import json

from tests.conftest import SAMPLES, run_dqa

BUDGET = SAMPLES / "shpt_sfj_2026_budget.pdf"


def test_parse_schema_names_each_tables_statement_and_what_did_not_map() -> None:
    result = run_dqa("parse", "--schema", str(BUDGET))
    assert result.returncode == 0, result.stderr
    assert "“2026年部门“三公”经费和机关运行经费预算表” → budget_sangong" in result.stdout
    assert "other: table of contents" in result.stdout
    assert "narrative:" in result.stdout and "amounts name a line or item" in result.stdout


def test_facts_carry_statement_line_column_and_scope() -> None:
    result = run_dqa("facts", "--json", str(BUDGET))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    reception = [r for r in records if r["line"] == "sg_reception" and r["statement"] == "budget_sangong"]
    assert reception and reception[0]["scope"] == "fiscal" and reception[0]["value"] == "0.83"
