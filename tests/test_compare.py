"""Comparison questions across the sample reports: ranking, trend, items, "not stated", yuan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corpus.cache import load_document
from qa import ask
from qa.compare import parse_comparison
from qa.library import Library
from qa.record import ComparisonRow
from qa.reports import reports
from tests.conftest import SAMPLES, SEED

PUTUO_FINAL = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"
PUTUO_BUDGET = SAMPLES / "shpt_sfj_2026_budget.pdf"
SWU_FINAL = SAMPLES / "28_swu_2024_final_accounts__download.jsp.pdf"


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.from_documents([load_document(p) for p in (PUTUO_FINAL, PUTUO_BUDGET, SWU_FINAL, SEED)])


def rows(record) -> dict[str, ComparisonRow]:  # type: ignore[no-untyped-def]
    return {row.label: row for row in record.table}


def test_recognises_comparison_and_trend_questions(library: Library) -> None:
    catalogue = reports(library)

    def parse(text: str):  # type: ignore[no-untyped-def]
        return parse_comparison(text, catalogue)

    assert parse("Which Putuo department spent the most on official receptions in 2024?").mode == "rank"
    assert parse("哪个部门公务接待费最多？").mode == "rank"
    # a change the report states against a base year is one figure, not a trend over two reports
    assert parse("How much did 上海市普陀区财政局 cut its receptions budget for 2024 compared with 2023?") is None
    assert parse("上海市普陀区财政局2024年公务接待费比2023年减少了多少？") is None
    assert parse("列出各部门2025年公务用车运行费预算").mode == "rank"
    trend = parse("How did 上海市普陀区财政局's receptions budget change from 2017 to 2019?")
    assert (trend.mode, trend.years, trend.bodies, trend.kind) == (
        "trend",
        (2017, 2019),
        ["上海市普陀区财政局"],
        "预算",
    )
    assert parse("普陀区财政局历年公务接待费").bodies == ["上海市普陀区财政局"]
    assert parse("Which Putuo department spent the most on official receptions in 2024?").regions == ["普陀区"]
    items = parse("compare receptions, vehicles and overseas travel for 上海市普陀区司法局")
    assert items.mode == "items" and len(items.items) == 3
    scopes = parse("普陀区司法局2026年部门预算和单位预算的机关运行经费分别是多少？")
    assert scopes.mode == "scopes" and scopes.bodies == ["上海市普陀区司法局"]
    assert parse("how much was spent on official vehicles") is None
    # "各单位" after one named body is its units together, one report's figure: no ranking
    assert parse("上海市普陀区司法局2026年各单位培训费预算比上年减少了多少？") is None
    assert parse("各单位2026年培训费预算").mode == "rank"


def test_ranking_compares_yuan_across_units_and_kinds(library: Library) -> None:
    """0.83万元 (budget table) outranks 0.00万元 and 1.43万元 beats both; every cell carries its kind."""
    record, _ = ask(library, "哪个部门公务接待费最多")
    table = rows(record)
    assert record.status == "answered"
    ziyang = table["资阳市雁江区人民政府办公室 2019"]
    assert (ziyang.yuan, ziyang.kind, ziyang.status) == ("14300", "决算", "stated")
    assert table["上海市普陀区司法局 2026"].yuan == "8300"
    assert table["上海市普陀区财政局 2024"].yuan == "0"
    stated = [r for r in record.table if r.status == "stated"]
    assert [Decimal(r.yuan) for r in stated] == sorted((Decimal(r.yuan) for r in stated), reverse=True)
    assert "14300" == stated[0].yuan and record.answer.text.startswith("公务接待费最高：资阳市雁江区人民政府办公室")
    assert "混合" in record.answer.text  # budget and final-account rows mixed: said so
    assert stated[0].citation.page == 1 and stated[0].check == "agree"


def test_report_lacking_the_item_is_not_stated_never_zero(library: Library) -> None:
    record, _ = ask(library, "哪个部门公务接待费最多")
    swu = rows(record)["西南大学 2024"]
    assert (swu.status, swu.yuan, swu.value) == ("not_stated", None, None)
    assert record.table[-1].label == "西南大学 2024"  # not stated sorts last, not as zero


def test_spent_ranks_final_accounts_only(library: Library) -> None:
    record, _ = ask(library, "Which department spent the most on official receptions?")
    assert {r.kind for r in record.table} == {"决算"}
    assert record.answer.text.startswith("Highest 公务接待费: 资阳市雁江区人民政府办公室 2019, 1.43万元 [1]")


def test_items_side_by_side_match_differently_worded_items(library: Library) -> None:
    """公务用车购置及运行费 (2026 budget) and 公务用车购置及运行维护费 (seed) are one item."""
    record, _ = ask(library, "compare receptions, vehicles and overseas travel for 上海市普陀区司法局")
    table = rows(record)
    assert table["公务用车购置及运行费"].yuan == "99800"
    assert table["公务接待费"].yuan == "8300"
    assert table["因公出国（境）费"].yuan == "0"
    seed, _ = ask(library, "哪个部门公务用车购置及运行维护费决算最多")
    assert rows(seed)["资阳市雁江区人民政府办公室 2019"].yuan == "543900"


def test_trend_over_years_for_one_department(library: Library) -> None:
    record, _ = ask(library, "上海市普陀区财政局公务接待费历年情况")
    assert [(r.label, r.kind) for r in record.table] == [("2024", "决算")]
    assert record.table[0].citation.doc == PUTUO_FINAL.name


def test_rows_are_reports_and_carry_their_identity(library: Library) -> None:
    record, _ = ask(library, "哪个部门公务接待费最多")
    putuo = rows(record)["上海市普陀区司法局 2026"]
    assert (putuo.body, putuo.year, putuo.kind, putuo.scope, putuo.funds) == (
        "上海市普陀区司法局",
        2026,
        "预算",
        "部门",
        "fiscal",
    )


def test_a_bodys_department_and_unit_reports_side_by_side(library: Library) -> None:
    """The same body's 单位 report beside its 部门 report (here the 部门 budget read again as a unit's): the
    comparison gives a row each; a ranking of bodies takes the 部门 report only."""
    budget = next(d for d in library.documents.values() if d.name == PUTUO_BUDGET.name)
    unit = budget.model_copy(
        update={
            "id": "unit",
            "name": "unit_budget.pdf",
            "identity": budget.identity.model_copy(update={"scope": "单位"}),
        }
    )
    both = Library.from_documents([*library.documents.values(), unit])
    record, _ = ask(both, "普陀区司法局2026年部门预算和单位预算的公务接待费分别是多少？")
    assert [(r.label, r.scope, r.yuan) for r in record.table] == [
        ("单位预算", "单位", "8300"),
        ("部门预算", "部门", "8300"),
    ]
    ranking, _ = ask(both, "哪个部门公务接待费最多")
    assert [r.doc for r in ranking.table if r.body == "上海市普陀区司法局"] == [PUTUO_BUDGET.name]
