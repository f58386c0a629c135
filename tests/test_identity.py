"""Report identity read from the body of the sample reports: body, region, level, year, kind, scope, part."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.identity import body_parts, canonical_body, read_identity, short_forms
from corpus.reader import read_document
from tests.conftest import SAMPLES, SEED

JIANGSU_TABLES = SAMPLES / "江苏省人大常委会办公厅2019年部门预算公开表.pdf"
JIANGSU_NARRATIVE = SAMPLES / "江苏省人大常委会2019年度部门预算公开.pdf"
PUTUO_BUDGET = SAMPLES / "shpt_sfj_2026_budget.pdf"


def test_body_comes_from_the_table_headers_not_a_misleading_file_name(tmp_path: Path) -> None:
    """A tables-only PDF renamed after another body and year: every table header says 部门：江苏省人大常委会办公厅."""
    misleading = tmp_path / "上海市财政局2017年度部门决算.pdf"
    shutil.copy(JIANGSU_TABLES, misleading)
    doc = read_document(misleading)
    identity = doc.identity
    assert identity is not None
    assert (identity.body, identity.year, identity.kind, identity.part) == (
        "江苏省人大常委会办公厅",
        2019,
        "预算",
        "tables",
    )
    assert identity.evidence["body"].startswith("p1: 部门：江苏省人大常委会办公厅")
    assert "file name" not in " ".join(identity.evidence.values())
    assert (doc.department, doc.year, doc.kind) == (
        "江苏省人大常委会办公厅",
        2019,
        "预算",
    )  # the reader's fields follow


def test_cover_label_names_the_body_of_a_district_budget() -> None:
    identity = read_identity(read_document(PUTUO_BUDGET))
    assert identity.body == "上海市普陀区司法局"
    assert (identity.region, identity.level, identity.scope, identity.kind, identity.year) == (
        "上海市普陀区",
        "区县",
        "部门",
        "预算",
        2026,
    )
    assert identity.evidence["body"].startswith("p1: 预算主管部门：上海市普陀区司法局")
    assert identity.evidence["level"] == "p1: 上海市普陀区2026年区级部门预算"
    assert {"普陀区司法局", "区司法局"} <= set(identity.short)
    assert identity.english == "Justice Bureau, Putuo, Shanghai"


def test_narrative_pdf_is_the_narrative_part_of_the_same_body_and_year() -> None:
    narrative = read_identity(read_document(JIANGSU_NARRATIVE))
    tables = read_identity(read_document(JIANGSU_TABLES))
    assert narrative.body == tables.body == "江苏省人大常委会办公厅"  # the file name says 江苏省人大常委会
    assert (narrative.part, tables.part) == ("narrative", "tables")
    assert (narrative.level, narrative.body_type) == ("省", "人大常委会办公厅")


def test_seed_text_report_names_its_body_in_the_text() -> None:
    identity = read_identity(read_document(SEED))
    assert (identity.body, identity.year, identity.kind) == ("资阳市雁江区人民政府办公室", 2019, "决算")
    assert identity.region == "资阳市雁江区"


def test_body_names_split_into_regions_and_kind_of_body() -> None:
    assert canonical_body("江苏省委办公厅") == "中共江苏省委办公厅"  # a CPC committee's office keeps its 中共
    assert canonical_body("政协江苏省委员会办公厅") == "江苏省政协办公厅"
    parts = body_parts("上海市普陀区人民政府万里街道办事处")
    assert parts.region_names == ["上海市", "普陀区"] and parts.type is not None and parts.type.name == "街道办事处"
    assert {"万里街道", "万里街道办事处", "普陀区万里街道"} <= set(short_forms("上海市普陀区人民政府万里街道办事处"))
    assert {"省检察院", "江苏省检察院"} <= set(short_forms("江苏省人民检察院"))
    assert {"省委办公厅", "江苏省委办公厅"} <= set(short_forms("中共江苏省委办公厅"))
    assert "上海市财政局" not in short_forms("上海市普陀区财政局")  # a district body never takes the city's name
    assert body_parts("西南大学").named[0].english[0] == "southwest university"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2026 年度无锡市教育局（本级）单位预算公开\n目录\n第一部分 无锡市教育局（本级）概况\n"
            "一、主要职能\n无锡市教育局（本级）2026年度单位预算\n第四部分名词解释无锡市教育局所属单位……\n",
            ("无锡市教育局", 2026, "预算", "单位"),
        ),
        (
            "西安市发展和改革委员会2019 年部门综合预算说明\n一、 西安市发改委主要职责及机构设置\n"
            "西安市发改委是市政府的组成部门之一，其主要职责是：拟订全市国民经济和社会发展战略。\n",
            ("西安市发展和改革委员会", 2019, "预算", "部门"),
        ),
    ],
)
def test_a_title_opening_with_its_year_and_a_comprehensive_budget(tmp_path: Path, text: str, expected: tuple) -> None:
    """ "2026 年度无锡市教育局（本级）单位预算公开": the body is between the year and 单位预算, without its （本级）;
    headings run into the name in the text ("部分名词解释无锡市教育局") do not win; "部门综合预算" is a 预算."""
    report = tmp_path / "report.txt"
    report.write_text(text, encoding="utf-8")
    identity = read_identity(read_document(report))
    assert (identity.body, identity.year, identity.kind, identity.scope) == expected


def test_a_document_that_prints_no_body_takes_the_file_names(tmp_path: Path) -> None:
    """北京's 报表 PDF prints no body anywhere: the file name names it, so the tables join their narrative."""
    report = tmp_path / "附件2：北京市司法局2026年度部门预算报表.txt"
    report.write_text("预算01表收支总表\n金额单位：万元\n一、一般公共预算拨款收入 29,569.515638\n", encoding="utf-8")
    identity = read_identity(read_document(report))
    assert (identity.body, identity.year, identity.kind) == ("北京市司法局", 2026, "预算")
    assert identity.evidence["body"].startswith("file name")
    unnamed = tmp_path / "附件2：2026年度部门预算报表.txt"
    shutil.copy(report, unnamed)
    assert read_identity(read_document(unnamed)).body == ""  # no body in the name either: none is made up
