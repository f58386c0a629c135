"""Questions over a folder of reports without naming a file: resolution by body, year and kind, in Chinese and
English; several matches give rows; an unknown body is not found naming what is there; follow-ups; corrections in
dqa-reports.toml; `dqa reports`."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.cache import load_document
from qa import ask
from qa.library import Library
from qa.question import parse_question
from qa.reports import reports, resolve
from tests.conftest import SAMPLES

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".txt"))
PUTUO_BUDGET = SAMPLES / "shpt_sfj_2026_budget.pdf"
PUTUO_FINAL = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.from_documents([load_document(p) for p in SAMPLE_FILES])


def test_companion_pdfs_of_one_body_and_year_are_one_report(library: Library) -> None:
    jiangsu = [r for r in reports(library) if r.identity.body == "江苏省人大常委会办公厅"]
    assert len(jiangsu) == 1
    assert sorted(jiangsu[0].names) == [
        "江苏省人大常委会2019年度部门预算公开.pdf",
        "江苏省人大常委会办公厅2019年部门预算公开表.pdf",
    ]
    assert jiangsu[0].identity.part == "both"
    assert len(reports(library)) == len(SAMPLE_FILES) - 1


@pytest.mark.parametrize(
    "question",
    [
        "江苏省人大常委会办公厅2019年公务接待费预算是多少？",
        "省人大办公厅2019年公务接待费预算",
        "What was the Jiangsu provincial people's congress standing committee's 2019 official reception budget?",
    ],
)
def test_a_body_named_in_chinese_or_english_selects_its_report(library: Library, question: str) -> None:
    resolution = resolve(library, question, parse_question(question))
    assert [r.identity.body for r in resolution.reports] == ["江苏省人大常委会办公厅"]
    assert len(resolution.doc_ids) == 2  # the narrative and the tables PDF
    _, asked = ask(library, question)
    assert asked.bodies == ["江苏省人大常委会办公厅"]


def test_the_resolved_report_answers(library: Library) -> None:
    record, _ = ask(library, "江苏省人大常委会办公厅2019年公务接待费预算是多少？")
    assert record.status == "answered" and record.answer.yuan == "3847500"
    assert record.citations[0].doc.startswith("江苏省人大常委会")


@pytest.mark.parametrize(
    ("question", "doc"),
    [
        ("How much did the Putuo District Justice Bureau budget for official receptions in 2026?", PUTUO_BUDGET),
        ("How much did the Putuo District Finance Bureau spend on official receptions in 2024?", PUTUO_FINAL),
        ("上海市普陀区财政局2024年公务接待费决算是多少？", PUTUO_FINAL),
        (
            "How much did Southwest University spend on 住房公积金 in 2024?",
            SAMPLES / "28_swu_2024_final_accounts__download.jsp.pdf",
        ),
    ],
)
def test_without_a_file_the_answer_is_the_one_with_its_file(library: Library, question: str, doc: Path) -> None:
    """English kind of body + region, or a named body, select the one report; the answer is then exactly the
    answer the question gets with that report named."""
    resolution = resolve(library, question, parse_question(question))
    assert [library.documents[i].name for i in resolution.doc_ids] == [doc.name]
    without, _ = ask(library, question)
    given, _ = ask(library, question, doc=doc.name)
    assert (without.status, without.answer, without.citations) == (given.status, given.answer, given.citations)


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("江苏省财政厅2019年公务接待费预算是多少？", "江苏省财政厅"),
        ("What did the Putuo District Education Bureau budget for receptions in 2026?", "education bureau"),
        ("What is the Suzhou Statistics Bureau's 'three public expenses' budget for 2026?", "statistics bureau"),
        ("What is the Jiangsu Statistics Bureau's 'three public expenses' budget for 2019?", "statistics bureau"),
        # a kind of body no list holds, named as journalists write bodies: never another body's report
        ("What is the Fuzhou Municipal Bureau of Lighthouses' total procurement budget for 2026?", "Fuzhou Municipal"),
    ],
)
def test_a_body_the_corpus_lacks_is_not_found_naming_what_is_there(library: Library, question: str, named: str) -> None:
    record, _ = ask(library, question)
    assert record.status == "not_found" and not record.citations
    assert named in record.answer.text
    for body in ("江苏省人大常委会办公厅 (2019 预算)", "上海市普陀区司法局 (2026 预算)", "西南大学 (2024 决算)"):
        assert body in record.answer.text


def test_a_year_the_body_lacks_is_not_found_naming_its_years(library: Library) -> None:
    record, _ = ask(library, "What was the Jiangsu People's Congress standing committee's 2017 reception budget?")
    assert record.status == "not_found"
    assert "no 2017 budget report of 江苏省人大常委会办公厅" in record.answer.text
    assert "江苏省人大常委会办公厅 (2019 预算)" in record.answer.text


def test_a_question_naming_no_body_says_whose_figure_it_is(library: Library) -> None:
    record, _ = ask(library, "how much was spent on official vehicles")
    assert record.status == "answered" and "资阳市雁江区人民政府办公室" in record.answer.text


def test_follow_ups_reuse_only_what_they_leave_out(library: Library) -> None:
    first, q1 = ask(library, "上海市普陀区财政局2024年公务接待费决算是多少？")
    assert first.answer.yuan == "0"
    other_year, q2 = ask(library, "那2026年呢？", previous=q1)
    # the body and kind are kept: 司法局's 2026 budget is another body's figure, never the answer
    assert other_year.status == "not_found" and "上海市普陀区财政局" in other_year.answer.text
    assert q2.bodies == ["上海市普陀区财政局"] and q2.terms == q1.terms
    vehicles, q3 = ask(library, "and the official vehicles?", previous=q1)
    assert q3.year == 2024 and q3.bodies == q1.bodies and q3.terms != q1.terms
    assert vehicles.citations and vehicles.citations[0].doc == PUTUO_FINAL.name


def test_a_follow_up_with_an_item_that_maps_to_nothing_is_not_merged(library: Library) -> None:
    _, q1 = ask(library, "How much did the Putuo District Justice Bureau budget for official receptions in 2026?")
    record, q2 = ask(library, "how many dragons were funded?", previous=q1)
    assert record.status == "not_found" and q2.terms == [] and not q2.follow_up
    and_dragons = parse_question("and the dragons?", q1)
    assert and_dragons.follow_up and and_dragons.terms == [] and and_dragons.year == 2026


def test_the_year_naming_the_report_chooses_it_among_several(library: Library) -> None:
    """ "as of 2025, according to its 2026 budget": the report is the 2026 budget, the other year dates the count."""
    question = "How many vehicles did 上海市普陀区司法局 have as of 2025, according to its 2026 budget?"
    resolution = resolve(library, question, parse_question(question))
    assert resolution.asked.years == [2026]
    assert [r.identity.year for r in resolution.reports] == [2026]


@pytest.mark.parametrize(
    ("part", "value"), [("went to services", "246.47"), ("was for goods", "4.79"), ("was spent in all", "251.25")]
)
def test_an_english_question_names_a_part_of_procurement_by_its_word(library: Library, part: str, value: str) -> None:
    """ "How much of … government procurement went to services?": 服务采购, not the procurement total."""
    record, _ = ask(library, f"How much of the Putuo District Finance Bureau's 2024 government procurement {part}?")
    assert record.status == "answered" and record.answer.value == value


def test_a_count_at_a_year_end_and_bodies_that_tie_are_no_trend(library: Library) -> None:
    """ "… at the end of 2025, according to its 2026 budget" dates a count in one report, and two bodies that the
    question fits equally are not one body's years: no trend table, never one mixing two bodies."""
    from qa.compare import parse_comparison

    catalogue = reports(library)
    for question in (
        "How many vehicles did 上海市普陀区司法局 hold at the end of 2025, according to its 2026 budget?",
        "上海市普陀区司法局截至2025年底有多少辆公务用车？（2026年部门预算）",
        "How many vehicles did 上海市普陀区司法局 have as of 31 July 2025, according to its 2026 budget?",
        "上海市普陀区财政局和上海市普陀区司法局2024年和2026年公务接待费",
    ):
        assert parse_comparison(question, catalogue) is None, question
    assert parse_comparison("上海市普陀区财政局2024年和2026年公务接待费", catalogue).mode == "trend"


def test_an_english_city_name_two_cities_share_names_either() -> None:
    """ "Suzhou" is 苏州 and 宿州, "Fuzhou" 福州 and 抚州 (corpus/schema/bodies.tsv lists every 地级市): it names the
    body of either, never contradicts it; both bodies are named when the corpus holds both."""
    from corpus.model import ReportIdentity
    from qa.reports import Report, asked

    def report(body: str) -> Report:
        return Report(identity=ReportIdentity(body=body, year=2026, kind="预算"), doc_ids=[body], names=[body])

    question = "What is the Suzhou Audit Bureau's 'three public expenses' budget for 2026?"
    assert asked(question, [report("苏州市审计局"), report("无锡市审计局")]).bodies == ["苏州市审计局"]
    assert asked(question, [report("苏州市审计局"), report("宿州市审计局")]).bodies == ["宿州市审计局", "苏州市审计局"]
    fuzhou = "How much is the Fuzhou Municipal Bureau of Commerce's government procurement budget in 2026?"
    assert asked(fuzhou, [report("福州市商务局"), report("湖州市退役军人事务局")]).bodies == ["福州市商务局"]


def test_a_chinese_question_opening_with_its_year_names_a_body_the_corpus_lacks(library: Library) -> None:
    """ "2026年苏州市司法局…": a Chinese question that opens with its year is still Chinese; the body it names is not
    held, so no other 司法局's or 苏州's figure answers it."""
    record, _ = ask(library, "2026年苏州市司法局部门预算中“三公”经费是多少？")
    assert record.status == "not_found" and not record.citations
    assert "语料中没有苏州市司法局的报告" in record.answer.text


@pytest.mark.parametrize(
    "question",
    [
        "上海市普陀区司法局截至2025年底共有车辆多少辆？",
        "How many vehicles did the Putuo District Justice Bureau hold as of the end of 2025?",
    ],
)
def test_a_count_as_of_a_year_end_comes_from_the_next_years_budget(library: Library, question: str) -> None:
    """A 2026 budget counts the vehicles at the end of 2025 ("截至2025年8月31日…共有车辆3辆"): no 2025 report is
    needed, and the count is dated by its sentence."""
    record, _ = ask(library, question)
    assert record.status == "answered" and record.answer.value == "3"
    assert record.citations[0].doc == PUTUO_BUDGET.name


@pytest.mark.parametrize(
    "question",
    [
        "How much will the Putuo District Justice Bureau spend on official receptions in 2026?",
        "How much does the Putuo District Justice Bureau plan to spend on official receptions in 2026?",
    ],
)
def test_money_a_body_will_spend_is_its_budget(library: Library, question: str) -> None:
    record, question_asked = ask(library, question)
    assert question_asked.measure == "预算数" and question_asked.report_kind == "预算"
    assert record.status == "answered" and record.answer.value == "0.83"
