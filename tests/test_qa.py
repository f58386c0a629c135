"""Answers over the bundled seed report through the real index: values, citations, checks."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from corpus.reader import read_document
from qa import ask
from qa.library import Library
from tests.conftest import SEED

# ../shared/eval/seed_questions.jsonl, copied: the acceptance set
SEED_QUESTIONS = [
    ("v01", "how much was spent on official vehicles", {"yuan": "543900"}),
    ("v02", "三公经费预算数是多少", {"yuan": "1370000"}),
    ("v03", "How much was the 2019 training budget?", {"yuan": "50000"}),
    ("v04", "What was total fiscal appropriation expenditure in 2019?", {"yuan": "11782800"}),
    ("v05", "How much went to administrative operations (行政运行)?", {"yuan": "5394100"}),
    ("v06", "机关事业单位基本养老保险缴费支出是多少", {"yuan": "563800"}),
    ("v07", "How many official vehicles are registered to the office itself?", {"number": "1", "unit": "辆"}),
    ("v08", "What was the 2018 meeting expense?", {"yuan": "39600"}),
    ("v09", "How much did the three desktop computers cost?", {"yuan": "14900"}),
    ("v10", "How much was spent on official vehicles in 2030?", {"not_found": True}),
    ("v11", "What were the 2018 agency operating expenses?", {"yuan": "1439500"}),
    ("v12", "How many staff were on the authorised establishment (在编人员)?", {"number": "54", "unit": "人"}),
    ("v13", "行政单位医疗支出多少", {"yuan": "214000"}),
    ("v14", "What was the fiscal appropriation revenue in 2018?", {"yuan": "15736600"}),
    ("v15", "How much of the operations support project budget was left unspent?", {"yuan": "79900"}),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return Library.open([str(SEED)], tmp_path_factory.mktemp("qa-index"))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@pytest.mark.parametrize(("qid", "question", "gold"), SEED_QUESTIONS)
def test_seed_question(library: Library, qid: str, question: str, gold: dict) -> None:
    record, _ = ask(library, question, qid, SEED.name)
    if gold.get("not_found"):
        assert record.status == "not_found"
        assert record.answer.value is None
        return
    assert record.status == "answered", record.answer
    if "yuan" in gold:
        assert Decimal(record.answer.yuan) == Decimal(gold["yuan"])
    else:
        assert Decimal(record.answer.value) == Decimal(gold["number"])
        assert record.answer.unit == gold["unit"]
    quote = record.citations[0].quote
    assert _digits(record.answer.value) in _digits(quote)


def test_v01_reports_the_unit_slip_as_a_conflict(library: Library) -> None:
    record, _ = ask(library, "how much was spent on official vehicles", "v01", SEED.name)
    assert record.answer.value == "54.39" and record.answer.unit == "万元"
    conflicts = [c for c in record.checks if c.status == "conflict"]
    assert any(c.kind == "unit" and any("54.39元" in x.quote for x in c.citations) for c in conflicts)


def test_ambiguity_lists_the_other_reading(library: Library) -> None:
    record, _ = ask(library, "What was total fiscal appropriation expenditure in 2019?", "v04")
    assert record.answer.value == "1178.28"
    assert any(a.value == "1113.88" for a in record.alternatives)


def test_stated_change_and_rate_are_checked(library: Library) -> None:
    record, _ = ask(library, "2018年会议费是多少", "x")
    kinds = {(c.kind, c.status) for c in record.checks}
    assert ("change rate", "holds") in kinds


def test_follow_ups_reuse_the_previous_question(library: Library) -> None:
    first, q = ask(library, "公务接待费决算数是多少", "1")
    assert first.answer.value == "1.43"
    budget, q = ask(library, "那预算数呢？", "2", previous=q)
    assert (budget.answer.value, budget.answer.unit) == ("58", "万元")
    meetings, q = ask(library, "what about meetings?", "3", previous=q)
    assert (meetings.answer.value, meetings.answer.unit) == ("38", "万元")  # the budget, as asked before
    last_year, q = ask(library, "and in 2018?", "4", previous=q)
    assert last_year.status == "not_found"  # the report states no 2018 budget for meetings: never another figure


def test_why_question_quotes_the_reports_explanation(library: Library) -> None:
    record, _ = ask(library, "why did official reception spending fall?", "w")
    assert record.answer.value == "1.43" or record.answer.value == "8.41"
    assert "一是" in record.answer.text or "主要" in record.answer.text
    assert len(record.citations) >= 2


@pytest.mark.parametrize(
    "question",
    [
        "How much was spent on official vehicles in 2030?",
        "How much did the office spend on space exploration?",
        "月球基地建设支出是多少",
    ],
)
def test_not_found_gives_no_number(library: Library, question: str) -> None:
    record, _ = ask(library, question, "n")
    assert record.status == "not_found"
    assert record.answer.value is None and record.answer.yuan is None


def test_unknown_doc_is_an_error(library: Library) -> None:
    record, _ = ask(library, "三公经费预算数是多少", "e", "nope.pdf")
    assert record.status == "error" and "nope.pdf" in record.error


def test_record_matches_the_batch_contract(library: Library) -> None:
    record, _ = ask(library, "三公经费预算数是多少", "c1")
    data = json.loads(record.model_dump_json())
    assert set(data) >= {"id", "question", "status", "answer", "alternatives", "citations", "checks", "error"}
    assert set(data["answer"]) == {"text", "value", "unit", "yuan"}
    assert set(data["citations"][0]) >= {"doc", "page", "quote", "table", "row", "col"}
    assert data["answer"]["yuan"] == "1370000"
    assert Path(data["citations"][0]["doc"]).name == SEED.name


def test_parts_after_qizhong_add_up_to_the_total(library: Library) -> None:
    record, _ = ask(library, "三公经费决算数是多少", "p")
    assert record.answer.value == "55.82"
    parts = [c for c in record.checks if c.kind == "parts"]
    assert parts and parts[0].status == "holds" and "54.39万元" in parts[0].detail


def test_share_of_a_printed_base_is_recomputed(library: Library) -> None:
    record, _ = ask(library, "行政单位医疗支出多少", "s")
    shares = [c for c in record.checks if c.kind == "share"]
    assert shares and shares[0].status == "holds" and "82.98%" in shares[0].detail


def test_a_question_naming_no_body_is_answered_for_each_bodys_report() -> None:
    """Neither body's figure is picked for a question that names no body: each report answers in a row."""
    from tests.conftest import SAMPLES

    library = Library.from_documents([read_document(SEED), read_document(SAMPLES / "shpt_sfj_2026_budget.pdf")])
    record, _ = ask(library, "三公经费预算数是多少", "x")
    assert {c.doc for c in record.citations} == {SEED.name, "shpt_sfj_2026_budget.pdf"}
    assert {row.value for row in record.table} >= {"137", "10.81"}
    assert "2份报告符合问题" in record.answer.text


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """A report's 其他重要事项 as the Jiangsu court prints it: the vehicles it holds, then their kinds after 其中; a
    numbered paragraph opening with its item and stating the figure in the next sentence."""
    report = tmp_path_factory.mktemp("court") / "江苏省高级人民法院2019年度部门预算.txt"
    report.write_text(
        "江苏省高级人民法院2019年度部门预算\n\n五、其他重要事项\n"
        "本部门共有车辆 66 辆，其中，一般公务用车 13 辆、执法执勤用车 38 辆。\n"
        "（一）因公出国（境）费用。2019 年预算数 48.24 万元，主要用于法治建设业务培训交流。\n",
        encoding="utf-8",
    )
    return Library.from_documents([read_document(report)])


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("江苏省高级人民法院2019年共有车辆多少辆？", "66"),  # the whole, never the first kind after 其中
        ("How many vehicles does the Jiangsu High People's Court have, according to its 2019 budget?", "66"),
        ("How many law-enforcement duty vehicles does the Jiangsu High People's Court have in 2019?", "38"),
        ("江苏省高级人民法院2019年因公出国（境）费预算是多少？", "48.24"),
    ],
)
def test_a_whole_before_its_parts_and_an_item_opening_its_paragraph(court: Library, question: str, value: str) -> None:
    record, _ = ask(court, question)
    assert record.status == "answered" and record.answer.value == value


def test_a_table_named_in_the_question_says_where_to_read() -> None:
    """ "…收入支出决算总表中，…是多少（按表中所列数字）": the statement's name and a note on it say where the figure is
    printed, not more of the item."""
    from tests.conftest import SAMPLES

    library = Library.from_documents([read_document(SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf")])
    question = "上海市普陀区财政局2024年收入支出决算总表中，年初结转和结余是多少（按表中所列数字）？"
    record, _ = ask(library, question)
    assert record.status == "answered" and record.answer.value == "49.14"


@pytest.mark.parametrize(
    "question",
    [
        "西南大学2024年收入支出决算总体情况表中的事业收入是多少？",  # the table's name, split at its 情况
        "How much income from the professional activities of its public institutions (事业收入) did 西南大学 report?",
    ],
)
def test_a_table_named_and_a_glossed_item_ask_for_no_more(question: str) -> None:
    """The name of the table to read in, split by the question's stop words, is where to read; an English
    description of an item the question glosses is the item, not more of it (it had answered 事业收入's change)."""
    from tests.conftest import SAMPLES

    library = Library.from_documents([read_document(SAMPLES / "28_swu_2024_final_accounts__download.jsp.pdf")])
    record, _ = ask(library, question)
    assert record.status == "answered" and record.answer.value == "144017.87"


def test_a_row_named_by_its_unit_is_not_the_tables_total() -> None:
    """ "…收入总体情况表中，局本级一行的收入合计": the row of one unit, which no schema line names; the table's 合计 is
    another figure, so the answer is not found."""
    from tests.conftest import SAMPLES

    library = Library.from_documents([read_document(SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf")])
    question = "上海市普陀区财政局2024年收入决算表中，局本级（上海市普陀区财政局）一行的本年收入合计是多少？"
    record, _ = ask(library, question)
    assert record.status == "not_found"


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """A project table as 广州 and 珠海 print it: a project whose name holds another's, and a row whose fund columns
    beside its 合计 are 0.00."""
    rows = [
        ["项目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "其他资金"],
        ["广州市第四次全国农业普查宣传经费", "0.00", "0.00", "0.00", "0.00", "0.00"],
        ["广州市第四次全国农业普查经费", "534.72", "534.72", "0.00", "0.00", "0.00"],
        ["港珠澳大桥珠海公路口岸运营管理费", "6,500.00", "6,500.00", "0.00", "0.00", "0.00"],
    ]
    table = "\n\n".join("\n".join("\t" + c for c in r) for r in rows)
    report = tmp_path_factory.mktemp("projects") / "珠海市商务局2026年部门预算.txt"
    report.write_text(
        f"珠海市商务局2026年部门预算\n\n2026年项目支出表\n单位：万元\n\n{table}\n\n\n"
        "重点项目：港珠澳大桥珠海公路口岸运营管理费 6500 万元，用于口岸运行维护。\n",
        encoding="utf-8",
    )
    return Library.from_documents([read_document(report)])


@pytest.mark.parametrize(
    ("question", "yuan"),
    [
        ("How much is set aside in 2026 for the agricultural census (广州市第四次全国农业普查经费)?", "5347200"),
        ("珠海市商务局2026年重点项目中，港珠澳大桥珠海公路口岸运营管理费预算是多少？", "65000000"),
    ],
)
def test_a_projects_own_name_and_row_total_not_a_longer_name_or_a_zero_column(
    projects: Library, question: str, yuan: str
) -> None:
    record, _ = ask(projects, question)
    assert record.status == "answered" and record.answer.yuan == yuan
