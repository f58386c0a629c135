"""Questions resolve to the disclosure schema's lines and items, in Chinese and English; answers follow the schema's
precedence (the 三公 statement before a basic-expenditure line), and items outside the schema are not found."""

from __future__ import annotations

import pytest

from corpus.cache import load_document
from qa import ask
from qa.library import Library
from qa.question import parse_question
from qa.target import resolve
from tests.conftest import SAMPLES

PUTUO_FINAL = "上海市普陀区财政局2024年度部门决算.pdf"
PUTUO_BUDGET = "shpt_sfj_2026_budget.pdf"


@pytest.mark.parametrize(
    ("question", "items"),
    [
        ("how much was spent on official vehicles", ["sg_car"]),
        ("2026年公务用车运行维护费预算是多少", ["sg_car_run"]),
        ("What was total revenue including carry-over?", ["inc_grand_total"]),
        ("当年财政拨款收入是多少", ["inc_fiscal_this_year"]),
        ("财政拨款收入是多少", ["inc_fiscal"]),
        ("How many official vehicles did the bureau hold?", ["vehicles"]),
        ("编制数是多少", ["staffing"]),
        ("一般公共服务支出", ["f201"]),
        ("What was spent on the general public services function (2010101)?", ["f2010101"]),
        ("机关运行经费是多少", ["admin_running"]),
    ],
)
def test_question_resolves_to_schema_items(question: str, items: list[str]) -> None:
    assert resolve(parse_question(question)).items[: len(items)] == items


def test_economic_namesake_of_a_sangong_line_is_only_narrower() -> None:
    """公务接待费 is the 三公 line; the 30217 line of the basic-expenditure table is offered beside it, not as it."""
    target = resolve(parse_question("公务接待费决算数是多少"))
    assert target.items == ["sg_reception"]
    assert "e30217" in target.narrower
    named = resolve(parse_question("基本支出中的30217公务接待费是多少"))
    assert named.items[0] == "e30217"


def test_fund_scope_outside_the_item_name_restricts_the_answer() -> None:
    assert resolve(parse_question("财政拨款安排的公务接待费是多少")).scope == "fiscal"
    assert resolve(parse_question("财政拨款收入是多少")).scope is None  # the line's own name, not a restriction


def test_question_outside_the_schema_names_no_item() -> None:
    assert resolve(parse_question("How much did the bureau spend on space exploration in 2024?")).items == []


@pytest.fixture(scope="module")
def putuo() -> Library:
    return Library.from_documents([load_document(SAMPLES / PUTUO_FINAL), load_document(SAMPLES / PUTUO_BUDGET)])


def test_sangong_item_is_answered_from_the_sangong_statement_or_its_narrative(putuo: Library) -> None:
    record, _ = ask(putuo, "What is the 2026 budget for official receptions?", "r", PUTUO_BUDGET)
    assert (record.status, record.answer.value, record.answer.unit) == ("answered", "0.83", "万元")
    narrower = [a for a in record.alternatives if "narrower figure" in a.text]
    assert narrower, "the basic-expenditure table's 30217 line is offered as a narrower figure"
    assert all(a.citations[0].table for a in narrower)


def test_english_and_chinese_questions_get_the_same_figure(putuo: Library) -> None:
    zh, _ = ask(putuo, "2024年公务接待费预算数是多少", "z", PUTUO_FINAL)
    en, _ = ask(putuo, "How much did the finance bureau budget for official receptions in 2024?", "e", PUTUO_FINAL)
    assert zh.answer.yuan == en.answer.yuan == "9500"


def test_item_outside_the_schema_is_not_found(putuo: Library) -> None:
    record, _ = ask(putuo, "How much did the bureau spend on space exploration in 2024?", "s", PUTUO_FINAL)
    assert record.status == "not_found"


def test_a_body_named_in_english_is_not_a_budget_line() -> None:
    """ "the Putuo planning and natural resources bureau" publishes the report; it is not the 220 自然资源海洋气象等支出
    line, so the question asks only for its receptions."""
    question = "What is the Putuo planning and natural resources bureau's 2025 budget for official receptions?"
    assert resolve(parse_question(question)).items == ["sg_reception"]


def test_a_part_named_of_a_narrative_whole_is_the_item() -> None:
    """工程采购 is part of 政府采购 (narrative items have parents too): the part is asked, the whole says where."""
    assert resolve(parse_question("2024年度政府采购金额中，工程采购金额是多少？")).items == ["procurement_works"]


def test_a_change_is_answered_by_a_stated_change_never_by_a_level(putuo: Library) -> None:
    """ "增长了多少" asks the change the report states (its amount or, stated alone, its rate); where the report
    states no change of the item, the level (0.00万元 spent on 三公) is not an answer."""
    asked = {
        "2024年机关运行经费比上年增长了多少？": ("answered", "2.55", "万元"),
        "2024年机关运行经费增长了百分之多少？": ("answered", "1.40", "%"),
        "2024年三公经费比上年增长了多少？": ("not_found", None, None),
    }
    for question, expected in asked.items():
        record, _ = ask(putuo, question, "c", PUTUO_FINAL)
        assert (record.status, record.answer.value, record.answer.unit) == expected, question


def test_a_special_fund_is_not_its_function_class(putuo: Library) -> None:
    """The money of a project or special fund (…专项资金) is a part of a function class, not its total."""
    record, _ = ask(putuo, "How much went to the 2024 special fund for general public services?", "p", PUTUO_FINAL)
    assert record.status == "not_found"
    record, _ = ask(putuo, "How much did the bureau spend on general public services in 2024?", "p", PUTUO_FINAL)
    assert (record.status, record.answer.value) == ("answered", "2106.66")


@pytest.mark.parametrize(
    "question",
    [
        "广州市统计局2026年财政拨款安排的“三公”经费比上年少了多少钱？",
        "苏州市审计局2026年提租补贴预算比上年多了多少？",
        "How much did the bureau cut its 2025 training-fee budget compared with the previous year's budget?",
        "How much more did the bureau budget for receptions than last year?",
    ],
)
def test_a_change_is_asked_in_many_words(question: str) -> None:
    assert parse_question(question).measure == "增减额"


def test_a_name_inside_a_longer_one_is_not_the_item_asked(putuo: Library) -> None:
    """ "突发公共卫生事件应急处理" only contains the 公共卫生 line's name: that line's total is not its answer."""
    record, _ = ask(putuo, "2024年突发公共卫生事件应急处理支出是多少？", "h", PUTUO_FINAL)
    assert record.status == "not_found"


def test_basic_expenditure_names_a_line_not_a_measure(putuo: Library) -> None:
    """ "basic expenditure" is the 基本支出 line, not a word for actuals: a budget answers its budget figure, and
    the personnel part of it is the 合计 row's 人员经费 column, never a detail row's."""
    question = "How much of the 2026 fiscal-appropriation basic expenditure is personnel expenses (人员经费)?"
    assert parse_question(question).measure is None
    record, _ = ask(putuo, question, "b", PUTUO_BUDGET)
    assert (record.status, record.answer.value) == ("answered", "23563342.00")
    assert record.citations[0].quote.startswith("合计")


def test_a_count_printed_with_wan_is_answered_in_full(tmp_path) -> None:
    """ "≥130 万户" is 1,300,000 households: the answer never drops the 万."""
    path = tmp_path / "census.txt"
    path.write_text("某某统计局2026年度部门预算\n清查摸底数量目标为≥130 万户。\n", encoding="utf-8")
    library = Library.from_documents([load_document(path)])
    record, _ = ask(library, "清查摸底数量是多少户？", "c", "census.txt")
    assert (record.status, record.answer.value, record.answer.unit) == ("answered", "1300000", "户")


def test_a_chinese_gloss_names_the_item_however_short() -> None:
    """ "for works (工程)": the bracketed 工程 is the procurement part, though 工程 alone names nothing in a
    question; and "legislative work" is no "works"."""
    question = "How much of the bureau's 2017 government procurement budget is for works (工程)?"
    assert resolve(parse_question(question)).items == ["procurement_works"]
    assert "procurement_works" not in resolve(parse_question("How much was budgeted for legislative work?")).items


@pytest.mark.parametrize(
    ("question", "items"),
    [
        # a note on where to read the item names no item, and a code it rules out is not asked
        ("2017年会议费预算是多少？（“三公”经费、会议费、培训费表的口径，不是基本支出表里的30215会议费）", ["meeting"]),
        ("2017年培训费预算是多少？（“三公”经费、会议费、培训费口径）", ["training"]),
        ("How much is budgeted for training (the 三公/会议费/培训费 statement, not the 30216 line)?", ["training"]),
        ("2018年“三公”经费预算里，公务接待费安排了多少？", ["sg_reception"]),  # the part asked, in its whole
        ("What did the Fuzhou Municipal Bureau of Commerce spend on official receptions?", ["sg_reception"]),
    ],
)
def test_notes_and_wholes_around_the_item_are_not_the_item(question: str, items: list[str]) -> None:
    target = resolve(parse_question(question))
    assert target.items == items and not target.codes


@pytest.mark.parametrize(
    ("question", "items"),
    [
        # the Chinese gloss is the item; "running cost" alone would add 基本支出
        ("What is the 2026 general-public-budget 'running cost of the organ' (机关运行经费)?", ["admin_running"]),
        ("How many law-enforcement duty vehicles does the court have?", ["vehicles_enforcement"]),
        ("How many vehicles does the court have?", ["vehicles"]),
    ],
)
def test_a_glossed_item_and_the_kinds_of_vehicles(question: str, items: list[str]) -> None:
    assert resolve(parse_question(question)).items[: len(items)] == items


@pytest.mark.parametrize(
    ("question", "year", "relative"),
    [
        ("重庆市规划和自然资源局2026年财政拨款收支总表中，上年结转是多少？", 2026, 0),
        ("What is the 2026 income, excluding the balance carried over from 2025?", 2026, 0),
        ("What was the balance carried over from last year?", None, 0),
        ("上年公务接待费是多少？", None, -1),
    ],
)
def test_the_carry_over_from_last_year_is_a_line_of_this_year(question: str, year: int | None, relative: int) -> None:
    q = parse_question(question)
    assert (q.year, q.relative_year) == (year, relative)


@pytest.mark.parametrize(
    ("question", "items"),
    [
        ("2026年度收入预算比2025年年初预算数增加了多少？", ["inc_grand_total"]),
        ("By how much does the 2026 income budget of the office rise over the previous year?", ["inc_grand_total"]),
        ("By what percentage does the 2026 budget revenue grow compared with 2025?", ["inc_grand_total"]),
        ("What is the 2026 spending budget for dragons?", []),  # a side's budget for an item no schema holds
        ("How much did the office spend on space exploration?", []),
    ],
)
def test_a_sides_budget_is_that_sides_total(question: str, items: list[str]) -> None:
    assert resolve(parse_question(question)).items[:1] == items


@pytest.mark.parametrize(
    ("question", "items"),
    [
        # the English name found is not also the glossary's reading of its words ("operating expenses": 公用经费)
        ("What were the bureau's institutional operating expenses in its 2024 final accounts?", ["admin_running"]),
        ("Of the university's 2024 budgeted business income, how much comes from education fees?", ["inc_tuition"]),
    ],
)
def test_an_english_name_found_is_not_read_again_word_by_word(question: str, items: list[str]) -> None:
    assert resolve(parse_question(question)).items == items


@pytest.mark.parametrize(
    ("question", "items"),
    [
        ("住房保障支出中的住房公积金是多少？", ["f2210201"]),  # the function line, not the economic 30113
        # 民政管理事务's 行政运行 is not in the schema: neither the 款's total nor another 款's 行政运行 answers
        ("What is the budget for administrative operation (行政运行) of civil affairs management (民政管理事务)?", []),
    ],
)
def test_a_shared_item_name_under_a_named_class_is_that_classs_item(question: str, items: list[str]) -> None:
    target = resolve(parse_question(question))
    assert target.items == items and target.within
