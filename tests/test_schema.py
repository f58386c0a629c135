"""The disclosure schema (corpus/schema) and the classifier (corpus/classify) on the real sample reports.

Every family of the samples is parsed for real (corpus.reader.read_document): Putuo 决算, Putuo 预算, 西南大学 决算,
the Jiangsu tables-only PDF and the seed text. A table → statement, a row → line (by code, by alias), a column →
column ids, a narrative sentence → its line or item.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from corpus.classify import classify_tables
from corpus.facts import document_facts
from corpus.reader import read_document
from corpus.schema import SchemaError, build_schema, label_key, load_schema, normalize, validate
from tests.conftest import SAMPLES, SEED

PUTUO_FINAL = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"
PUTUO_BUDGET = SAMPLES / "shpt_sfj_2026_budget.pdf"
SWU_FINAL = SAMPLES / "28_swu_2024_final_accounts__download.jsp.pdf"
JIANGSU_TABLES = SAMPLES / "江苏省人大常委会办公厅2019年部门预算公开表.pdf"


@pytest.fixture(scope="module")
def parsed():
    """Each sample read once: (document, facts)."""
    cache = {}

    def get(path):
        if path not in cache:
            doc = read_document(path)
            cache[path] = (doc, document_facts(doc))
        return cache[path]

    return get


def _one(facts, **fields):
    """The facts whose fields equal these values (printed as str)."""
    return [f for f in facts if all(str(getattr(f, k)) == str(v) for k, v in fields.items())]


# -- the schema itself ------------------------------------------------------------------------------------------


def test_schema_loads_and_validates():
    schema = load_schema()
    assert len(schema.statements) >= 40
    families = {s.family for s in schema.statements.values()}
    assert {"final", "budget", "jiangsu", "univ_final", "univ_budget"} <= families
    assert len([s for s in schema.statements.values() if s.family == "final"]) == 9
    assert len([s for s in schema.statements.values() if s.family == "jiangsu"]) == 12
    functions = [x for x in schema.lines.values() if x.classification == "function"]
    assert {x.level for x in functions} == {"类", "款", "项"}
    assert len([x for x in functions if x.level == "类"]) >= 30
    assert schema.lines["f2080505"].name == "机关事业单位基本养老保险缴费支出"
    assert schema.lines["f2080505"].parent == "f20805"
    assert schema.lines["e30217"].name == "公务接待费"
    assert schema.lines["sg_total"].sum_of == ["sg_abroad", "sg_car", "sg_reception"]
    assert "e30217" in schema.lines["sg_reception"].narrower  # the basic-expenditure line is a narrower figure
    assert schema.lines["inc_grand_total"].sum_of == ["inc_this_year", "use_nonfiscal_balance", "carry_in"]
    assert schema.narrative["perf_score"].unit_kind == "score"
    assert schema is load_schema()  # cached


def test_validation_rejects_a_dangling_parent():
    schema = build_schema()
    broken = schema.lines["f2080505"].model_copy(update={"parent": "f99999"})
    schema.lines["f2080505"] = broken
    with pytest.raises(SchemaError, match="parent"):
        validate(schema)


def test_names_match_across_quote_width_and_numbering_variants():
    schema = load_schema()
    assert normalize("“三公”经费") == normalize('"三公"经费') == "三公经费"
    assert normalize("因公出国（境）费") == normalize("因公出国(境)费")
    assert label_key("二、政府性基金预算") == "政府性基金预算"
    assert label_key("其中：教育收费") == "教育收费"
    assert [x.id for x in schema.lines_named("（二）“三公”经费")] == ["sg_total"]
    assert schema.lines_named("1. 一般公共预算")[0].id == "inc_gp"


def test_code_lookup_with_editions():
    schema = load_schema()
    assert schema.by_code("208 05 05").id == "f2080505"
    assert schema.by_code("30311", year=2024).id == "e30311"  # 代缴社会保险费 since 2018
    assert schema.by_code("30311", year=2017, name="住房公积金").id == "e30311_2017"


def test_statement_titles_resolve_to_their_family():
    schema = load_schema()
    assert [s.id for s in schema.statements_titled("2025年部门“三公”经费和机关运行经费预算表")] == ["budget_sangong"]
    titled = {s.id for s in schema.statements_titled("收入预算总表")}
    assert titled == {"budget_income", "js_income"}  # the same title in two families: the shape decides
    assert schema.statements["js_summary"].equivalent == "budget_summary"


# -- tables → statements ----------------------------------------------------------------------------------------


def test_putuo_final_accounts_tables(parsed):
    doc, _ = parsed(PUTUO_FINAL)
    statements = [c.statement for c in classify_tables(doc).values()]
    assert statements == [
        "unit_list", "final_summary", "final_income", "final_expense", "final_fiscal_summary", "final_gp_expense",
        "final_gp_basic", "final_sangong", "final_gf", "final_soc",
    ]  # fmt: skip


def test_putuo_budget_tables_and_an_unknown_table(parsed):
    doc, _ = parsed(PUTUO_BUDGET)
    classes = list(classify_tables(doc).values())
    assert classes[0].statement is None and classes[0].reason == "table of contents"
    assert [c.statement for c in classes[1:]] == [
        "budget_summary", "budget_income", "budget_expense", "budget_fiscal_summary", "budget_gp_function",
        "budget_gf_function", "budget_soc_function", "budget_gp_basic_economic", "budget_sangong",
    ]  # fmt: skip


def test_university_final_accounts_tables(parsed):
    doc, _ = parsed(SWU_FINAL)
    assert [c.statement for c in classify_tables(doc).values()] == [
        "univ_final_summary", "univ_final_income", "univ_final_expense", "univ_final_fiscal",
    ]  # fmt: skip


def test_jiangsu_tables_only_pdf(parsed):
    doc, _ = parsed(JIANGSU_TABLES)
    assert [c.statement for c in classify_tables(doc).values()] == [
        "js_summary", "js_income", "js_expense", "js_fiscal_summary", "js_fiscal_function",
        "js_fiscal_basic_economic", "js_gp_function", "js_gp_basic_economic", "js_sangong", "js_gf_function",
        "js_admin_running", "js_procurement",
    ]  # fmt: skip


def test_seed_performance_tables(parsed):
    doc, facts = parsed(SEED)
    assert {c.statement for c in classify_tables(doc).values()} == {"final_performance"}
    assert {f.statement for f in facts if f.source == "table"} == {"final_performance"}


# -- rows, columns, scope -----------------------------------------------------------------------------------------


def test_row_by_code_split_across_cells(parsed):
    _, facts = parsed(PUTUO_FINAL)
    hits = _one(facts, table_id="p15t1", line="f2080505")
    assert hits and {f.statement for f in hits} == {"final_gp_expense"}
    assert {f.column for f in hits} >= {"total/final", "basic/final"}
    assert {f.scope for f in hits} == {"gp"}


def test_row_by_seven_digit_code_and_by_alias(parsed):
    _, facts = parsed(SWU_FINAL)
    school = _one(facts, statement="univ_final_fiscal", line="f2050202")
    assert school and school[0].printed == "8,627.17"
    gf = _one(facts, statement="univ_final_summary", line="inc_gf")  # "其中：政府性基金预算财政拨款"
    assert gf and gf[0].printed == "21,887.50"
    total = _one(facts, statement="univ_final_summary", line="inc_this_year")
    assert total and total[0].printed == "477,447.73"


def test_summary_lines_sides_and_carry_over_by_scope(parsed):
    _, facts = parsed(PUTUO_FINAL)
    assert _one(facts, statement="final_summary", line="inc_grand_total")[0].printed == "2,995.39"
    assert _one(facts, statement="final_summary", line="exp_grand_total")[0].printed == "2,995.39"
    assert _one(facts, statement="final_summary", line="carry_in")[0].printed == "49.14"
    # 年初财政拨款结转和结余 › 一、一般公共预算财政拨款: the carry-over's general-budget part, not this year's income
    carry_gp = _one(facts, statement="final_fiscal_summary", line="carry_in", scope="gp", col=1)
    assert carry_gp and carry_gp[0].printed == "21.63"
    income_gp = _one(facts, statement="final_fiscal_summary", line="inc_gp", col=1)
    assert [f.printed for f in income_gp] == ["2,940.05"]
    expense_gp = _one(facts, statement="final_fiscal_summary", line="f201", col=4)
    assert expense_gp and expense_gp[0].scope == "gp"


def test_sangong_header_names_the_line(parsed):
    _, facts = parsed(PUTUO_FINAL)
    reception = _one(facts, statement="final_sangong", line="sg_reception")
    assert [(f.printed, f.column) for f in reception] == [("0.95", "budget")]
    _, facts = parsed(JIANGSU_TABLES)
    row = {f.line: f.printed for f in facts if f.statement == "js_sangong"}
    assert row["sg_meet_train_total"] == "2,600.71"  # the 合计 also carries 会议费 and 培训费
    assert row["sg_total"] == "767.60"  # the 三公 total is the 小计
    assert row["sg_reception"] == "384.75" and row["meeting"] == "1,469.73"


def test_economic_line_is_not_the_sangong_line(parsed):
    _, facts = parsed(PUTUO_BUDGET)
    economic = _one(facts, statement="budget_gp_basic_economic", line="e30217")
    sangong = _one(facts, statement="budget_sangong", line="sg_reception")
    assert economic and sangong
    assert {f.scope for f in economic} == {"gp"}


def test_jiangsu_income_lines(parsed):
    _, facts = parsed(JIANGSU_TABLES)
    lines = {f.line for f in facts if f.statement == "js_summary"}
    assert {"inc_fiscal", "inc_gp", "inc_this_year", "inc_grand_total", "exp_basic", "exp_reserve"} <= lines
    assert _one(facts, statement="js_income", line="inc_gp_grant")[0].printed == "18,330.37"


# -- narrative -------------------------------------------------------------------------------------------------


def test_narrative_sangong_sentence_names_its_line(parsed):
    _, facts = parsed(SEED)
    text = [f for f in facts if f.source == "text"]
    reception = [f for f in text if f.line == "sg_reception" and f.value == Decimal("1.43")]
    assert reception and {f.column for f in reception} == {"final"}
    budget = [f for f in text if f.line == "sg_reception" and f.value == Decimal("58")]
    assert budget and budget[0].column == "budget"
    total = [f for f in text if f.line == "sg_total" and f.value == Decimal("55.82")]
    assert total and total[0].scope == "fiscal"


def test_narrative_items_people_running_costs_and_function_codes(parsed):
    _, facts = parsed(SEED)
    text = [f for f in facts if f.source == "text"]

    def lines(value, unit):
        return {f.line for f in text if f.value == Decimal(value) and f.unit == unit}

    assert "admin_running" in lines("148.28", "万元")
    assert "staff_actual" in lines("54", "人")
    assert "staffing" in lines("65", "名")
    assert "vehicles" in lines("13", "辆")
    assert "f2080505" in lines("56.38", "万元")  # "2080505机关事业单位基本养老保险缴费支出56.38万元"
    share = [f for f in text if f.value == Decimal("21.97")]
    assert share and share[0].line == "public_expense"  # "公用经费…，占基本支出的21.97%" is a share of 公用经费
