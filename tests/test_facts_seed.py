"""Every amount in the seed's sections 七 ("三公"经费) and 十一 (其他重要事项) is a fact
with the right value, unit, period and measure."""

from decimal import Decimal

import pytest

from corpus.facts import document_facts
from corpus.reader import read_document
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed():
    doc = read_document(SEED)
    return doc, document_facts(doc)


def _find(facts, subject, printed, period, measure, nth=0):
    hits = [
        f
        for f in facts
        if f.source == "text"
        and subject in f.subject
        and f.printed == printed
        and f.period == period
        and f.measure == measure
    ]
    assert len(hits) > nth, f"no fact {subject} {printed} {period} {measure}"
    return hits[nth]


# (subject contains, printed, period, measure, value, unit, yuan)
SECTION_7 = [
    ("三公", "55.82万元", 2019, "决算数", "55.82", "万元", "558200"),
    ("三公", "137万元", 2019, "预算数", "137", "万元", "1370000"),
    ("三公", "40.74%", 2019, "完成率", "40.74", "%", None),
    ("三公", "72万元", 2018, "决算数", "72", "万元", "720000"),
    ("三公", "16.18万元", 2019, "增减额", "-16.18", "万元", "-161800"),
    ("三公", "22.47%", 2019, "增减率", "-22.47", "%", None),
    ("因公出国（境）费", "0万元", 2019, "决算数", "0", "万元", "0"),
    ("公务用车购置及运行维护费", "54.39万元", 2019, "决算数", "54.39", "万元", "543900"),
    ("公务用车购置及运行维护费", "79万元", 2019, "预算数", "79", "万元", "790000"),
    ("公务用车购置及运行维护费", "68.85%", 2019, "完成率", "68.85", "%", None),
    ("公务用车购置及运行维护费", "62.16万元", 2018, "决算数", "62.16", "万元", "621600"),
    ("公务用车购置及运行维护费", "7.77万元", 2019, "增减额", "-7.77", "万元", "-77700"),
    ("公务用车购置及运行维护费", "12.50%", 2019, "增减率", "-12.50", "%", None),
    ("公务用车购置及运行维护费", "97.44%", 2019, "占比", "97.44", "%", None),
    ("公务用车运行维护费", "54.39元", 2019, "决算数", "54.39", "元", "54.39"),  # the report's unit slip
    ("公务接待费", "1.43万元", 2019, "决算数", "1.43", "万元", "14300"),
    ("公务接待费", "58万元", 2019, "预算数", "58", "万元", "580000"),
    ("公务接待费", "2.47%", 2019, "完成率", "2.47", "%", None),
    ("公务接待费", "9.84万元", 2018, "决算数", "9.84", "万元", "98400"),
    ("公务接待费", "8.41万元", 2019, "增减额", "-8.41", "万元", "-84100"),
    ("公务接待费", "85.47%", 2019, "增减率", "-85.47", "%", None),
    ("公务接待费", "2.56%", 2019, "占比", "2.56", "%", None),
    ("公务车辆", "13辆", 2019, "数量", "13", "辆", None),
    ("编制在本单位公务用车", "1辆", 2019, "数量", "1", "辆", None),
    ("区机关事务管理局统一调度使用车辆", "12辆", 2019, "数量", "12", "辆", None),
    ("国内公务接待", "13批次", 2019, "数量", "13", "批次", None),
    ("会议费", "19.34万元", 2019, "决算数", "19.34", "万元", "193400"),
    ("会议费", "38万元", 2019, "预算数", "38", "万元", "380000"),
    ("会议费", "50.89%", 2019, "完成率", "50.89", "%", None),
    ("会议费", "3.96万元", 2018, "决算数", "3.96", "万元", "39600"),
    ("会议费", "15.38万元", 2019, "增减额", "15.38", "万元", "153800"),
    ("会议费", "388.38%", 2019, "增减率", "388.38", "%", None),
    ("培训费", "1.65万元", 2019, "决算数", "1.65", "万元", "16500"),
    ("培训费", "5万元", 2019, "预算数", "5", "万元", "50000"),
    ("培训费", "33.00%", 2019, "完成率", "33.00", "%", None),
    ("培训费", "3.74万元", 2018, "决算数", "3.74", "万元", "37400"),
    ("培训费", "2.09万元", 2019, "增减额", "-2.09", "万元", "-20900"),
    ("培训费", "55.88%", 2019, "增减率", "-55.88", "%", None),
]

SECTION_11 = [
    ("机关运行经费", "148.28万元", 2019, "决算数", "148.28", "万元", "1482800"),
    ("机关运行经费", "143.95万元", 2018, "决算数", "143.95", "万元", "1439500"),
    ("机关运行经费", "4.33万元", 2019, "增减额", "4.33", "万元", "43300"),
    ("机关运行经费", "3.01%", 2019, "增减率", "3.01", "%", None),
    ("政府采购", "40,480元", 2019, "决算数", "40480", "元", "40480"),
    ("政府采购货物支出", "40,480元", 2019, "决算数", "40480", "元", "40480"),
    ("政府采购货物支出", "100%", 2019, "占比", "100", "%", None),
    ("政府采购工程支出", "0万元", 2019, "决算数", "0", "万元", "0"),
    ("政府采购服务支出", "0万元", 2019, "决算数", "0", "万元", "0"),
    ("笔记本电脑", "13,800元", 2019, "决算数", "13800", "元", "13800"),
    ("台式电脑", "14,900元", 2019, "决算数", "14900", "元", "14900"),
    ("打印机", "5,600元", 2019, "决算数", "5600", "元", "5600"),
    ("空调", "2,900元", 2019, "决算数", "2900", "元", "2900"),
    ("传真机", "2,480元", 2019, "决算数", "2480", "元", "2480"),
    ("碎纸机", "800元", 2019, "决算数", "800", "元", "800"),
    ("授予中小企业合同", "0万元", 2019, "决算数", "0", "万元", "0"),
    ("固定资产原值", "154.50万元", 2019, "决算数", "154.50", "万元", "1545000"),
    ("净值", "39.57万元", 2019, "决算数", "39.57", "万元", "395700"),
    ("固定资产原值", "152.07万元", 2018, "决算数", "152.07", "万元", "1520700"),
    ("固定资产", "2.43万元", 2019, "增减额", "2.43", "万元", "24300"),
    ("固定资产", "1.60%", 2019, "增减率", "1.60", "%", None),
    ("增加固定资产原值", "4.05万元", 2019, "决算数", "4.05", "万元", "40500"),
    ("减少固定资产原值", "1.69万元", 2019, "决算数", "1.69", "万元", "16900"),
    ("一般公务用车", "1辆", 2019, "数量", "1", "辆", None),
    ("原始价值", "21.69万元", 2019, "决算数", "21.69", "万元", "216900"),
    ("办公设备等其他固定资产原始价值", "132.81万元", 2019, "决算数", "132.81", "万元", "1328100"),
    ("其他应收款", "48,308元", 2019, "决算数", "48308", "元", "48308"),
    ("公务用车驾驶员备用金", "38,210元", 2019, "决算数", "38210", "元", "38210"),
    ("借款", "2,000元", 2019, "决算数", "2000", "元", "2000"),
    ("职工出差备用金", "6,430元", 2019, "决算数", "6430", "元", "6430"),
    ("报重经费", "1668元", 2019, "决算数", "1668", "元", "1668"),
    ("其他应付款", "514,768.89元", 2019, "决算数", "514768.89", "元", "514768.89"),
    ("奖励补助款", "400,000元", 2019, "决算数", "400000", "元", "400000"),
    ("就餐经费", "7,206元", 2019, "决算数", "7206", "元", "7206"),
    ("代扣职工养老保险", "84942.89元", 2019, "决算数", "84942.89", "元", "84942.89"),
    ("种植苗补助", "14140元", 2019, "决算数", "14140", "元", "14140"),
    ("党代会工作经费", "4,480元", 2019, "决算数", "4480", "元", "4480"),
    ("区政协会工作经费", "4,000元", 2019, "决算数", "4000", "元", "4000"),
    ("其他对个人和家庭的补助支出", "185835.00元", 2019, "决算数", "185835.00", "元", "185835"),
    ("其他商品和服务支出", "1,603,345.54元", 2019, "决算数", "1603345.54", "元", "1603345.54"),
    ("临时聘用人员工资等支出", "474,983.78元", 2019, "决算数", "474983.78", "元", "474983.78"),
    ("帮扶资金", "89,056.20元", 2019, "决算数", "89056.20", "元", "89056.2"),
    ("值班伙食补助", "208,720元", 2019, "决算数", "208720", "元", "208720"),
    ("市级目标考核经费", "397,000元", 2017, "决算数", "397000", "元", "397000"),
    ("财政收回上年结转资金", "26,845.39元", 2019, "决算数", "26845.39", "元", "26845.39"),
    ("住房公积金单位匹配部分", "279,617元", 2019, "决算数", "279617", "元", "279617"),
    ("展板制作", "127,123.56元", 2019, "决算数", "127123.56", "元", "127123.56"),
    ("财政拨款调整", "11,007,284.71元", 2019, "调整预算数", "11007284.71", "元", "11007284.71"),
    ("财政拨款调整", "10,611,464.00元", 2019, "预算数", "10611464.00", "元", "10611464"),
    ("财政拨款调整", "395,820.71元", 2019, "增减额", "395820.71", "元", "395820.71"),
    ("财政拨款调整", "3.73%", 2019, "增减率", "3.73", "%", None),
    ("追加", "75万元", 2018, "决算数", "75", "万元", "750000"),
    ("考核奖励资金", "1,062,593元", 2017, "决算数", "1062593", "元", "1062593"),
    ("调减公用经费及专项经费", "249,000元", 2019, "决算数", "249000", "元", "249000"),
    ("财政收回存量资金", "26845.39元", 2019, "决算数", "26845.39", "元", "26845.39"),
    ("减少相关经费", "1,140,926.90元", 2019, "决算数", "1140926.90", "元", "1140926.9"),
    ("财政拨款结转和结余", "644,045.07元", 2019, "决算数", "644045.07", "元", "644045.07"),
    ("财政拨款结转和结余", "802,374.40元", 2018, "决算数", "802374.40", "元", "802374.4"),
    ("财政拨款结转和结余", "158,329.33万元", 2019, "增减额", "-158329.33", "万元", "-1583293300"),  # printed slip
    ("财政拨款结转和结余", "19.74%", 2019, "增减率", "-19.74", "%", None),
]


@pytest.mark.parametrize(("subject", "printed", "period", "measure", "value", "unit", "yuan"), SECTION_7 + SECTION_11)
def test_narrative_fact(seed, subject, printed, period, measure, value, unit, yuan) -> None:
    doc, facts = seed
    fact = _find(facts, subject, printed, period, measure)
    assert fact.value == Decimal(value)
    assert fact.unit == unit
    assert fact.yuan == (None if yuan is None else Decimal(yuan))
    assert doc.pages[0].text[fact.start : fact.end] == printed  # exact character span
    assert printed in fact.quote


def test_every_amount_in_sections_7_and_11_is_a_fact(seed) -> None:
    """No amount in those sections is left out (each printed amount appears as a fact)."""
    from corpus.numbers import find_amounts

    doc, facts = seed
    text = doc.pages[0].text
    spans = {(f.start, f.end) for f in facts if f.source == "text"}
    for begin, end in (
        (text.index("七、“三公”经费"), text.index("八、政府性基金")),
        (text.index("十一、其他重要事项"), text.index("第三部分")),
    ):
        for para in doc.paragraphs:
            if begin <= para.start < end:
                for s, e, _ in find_amounts(para.text):
                    assert (para.start + s, para.start + e) in spans


def test_document_metadata(seed) -> None:
    doc, _ = seed
    assert doc.department == "资阳市雁江区人民政府办公室"
    assert doc.year == 2019
    assert doc.kind == "决算"


def test_seed_tables_have_hundred_yuan_facts(seed) -> None:
    """The performance table is in 百元: 117828.14百元 = 1178.28万元."""
    _, facts = seed
    fact = next(f for f in facts if f.source == "table" and f.printed == "117828.14")
    assert fact.unit == "百元"
    assert fact.yuan == Decimal("11782814")


def test_text_tables_get_their_header_rows_from_the_reader(seed) -> None:
    """A head row spanning the grid above figures is a header row (自评计分表); a form's heads inside the body are
    section rows, each naming the columns of the figures below it (预算执行情况 | 项目 | 预算额（百） …)."""
    doc, facts = seed
    tables = {t.title: t for page in doc.pages for t in page.tables}
    scores = tables["2019年度雁江区整体支出绩效自评计分表"]
    assert [c.text for c in scores.header_rows[0]][:3] == ["一级指标", "二级指标", "三级指标"]
    form = tables["2019年度雁江区整体支出绩效目标完成情况表"]
    assert form.header_rows == [] and form.section_rows
    fact = next(f for f in facts if f.printed == "117828.14")
    assert fact.label_path[-1] == "预算额（百）"


def test_a_statement_printed_as_text_has_header_rows(tmp_path) -> None:
    """A two-level head (收入 | | 支出 | over 项目 | 预算数 | 项目 | 预算数) is the header; each figure is labelled
    with its row and its column."""
    rows = [
        ["收入", "", "支出", ""],
        ["项目", "预算数", "项目", "预算数"],
        ["一、财政拨款收入", "120.50", "一、一般公共服务支出", "100.25"],
    ]
    text = (
        "2025年部门收支预算总表\n单位：万元\n\n"
        + "\n\n".join("\n".join("\t" + c for c in r) for r in rows)
        + "\n\n\n正文。\n"
    )
    path = tmp_path / "statement.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    (table,) = doc.pages[0].tables
    assert len(table.header_rows) == 2 and len(table.body_rows) == 1
    facts = [f for f in document_facts(doc) if f.source == "table"]
    assert table.header_path(0) == ["收入", "项目"]
    assert [(f.label_path[-2:], f.printed) for f in facts] == [
        (["一、财政拨款收入", "预算数"], "120.50"),
        (["一、一般公共服务支出", "预算数"], "100.25"),
    ]


def test_a_row_numbering_the_columns_and_measure_rows(tmp_path) -> None:
    """栏次 (1 | 2 | 3) under the heads holds no figures; a row labelled only 预算数 or 决算数 names its measure."""
    rows = [
        ["项目", "合计", "公务接待费"],
        ["栏次", "1", "2"],
        ["预算数", "12.00", "3.00"],
        ["决算数", "10.50", "2.75"],
    ]
    text = "2024年度部门决算\n“三公”经费支出决算表\n单位：万元\n\n" + "\n\n".join(
        "\n".join("\t" + c for c in r) for r in rows
    )
    path = tmp_path / "sangong.txt"
    path.write_text(text + "\n\n\n正文。\n", encoding="utf-8")
    facts = [f for f in document_facts(read_document(path)) if f.source == "table"]
    assert [(f.printed, f.measure) for f in facts] == [
        ("12.00", "预算数"), ("3.00", "预算数"), ("10.50", "决算数"), ("2.75", "决算数"),
    ]  # fmt: skip


def test_an_item_named_before_a_fund_word_is_that_items_figure(tmp_path) -> None:
    """ "2026 年本部门委托业务费财政拨款预算总额 236.75 万元" (a text layer with spaces): 委托业务费's figure in the
    财政拨款 scope, not the 财政拨款 total (which the audit then accused of differing from the statements)."""
    path = tmp_path / "budget.txt"
    path.write_text("某某局2026年部门预算\n2026 年本部门委托业务费财政拨款预算总额 236.75 万元。\n", encoding="utf-8")
    (fact,) = [f for f in document_facts(read_document(path)) if f.printed.startswith("236.75")]
    assert (fact.line, fact.scope) == ("e30227", "fiscal")


def test_beijings_statement_printed_under_its_number_with_the_unit_in_a_header_row(tmp_path) -> None:
    """北京's 报表 print "预算01表收支总表" and "金额单位：万元" as header rows, not as a caption: the unit is every
    amount column's; a row whose 收入 amount is blank labels its 支出 amount with the 支出 item; "2040606-律师管理"
    is the code and the name in one cell."""
    summary = [
        ["预算01表收支总表", "", "", "金额单位：万元"],
        ["收入", "", "支出", ""],
        ["项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款收入", "29,569.515638", "一、一般公共服务支出", ""],
        ["二、事业收入", "", "二、社会保障和就业支出", "2,218.235324"],
    ]
    spending = [["项目", "预算数"], ["2040601-行政运行", "100.00"], ["2040606-律师管理", "20.00"]]
    text = "\n\n".join("\n".join("\t" + c for c in r) for r in summary) + "\n\n\n预算03表支出总表\n单位：万元\n\n"
    text += "\n\n".join("\n".join("\t" + c for c in r) for r in spending) + "\n\n\n正文。\n"
    path = tmp_path / "附件2：北京市司法局2026年度部门预算报表.txt"
    path.write_text(text, encoding="utf-8")
    facts = [f for f in document_facts(read_document(path)) if f.source == "table"]
    assert [(f.subject, f.unit, f.line, f.statement) for f in facts] == [
        ("一、一般公共预算拨款收入", "万元", "inc_gp", "budget_summary"),
        ("二、社会保障和就业支出", "万元", "f208", "budget_summary"),
        ("2040601-行政运行", "万元", "f2040601", "budget_expense"),
        ("2040606-律师管理", "万元", "f2040606", "budget_expense"),
    ]
