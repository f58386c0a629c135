"""Every rule of the checklist (audit/rules.py) on a real sample report: where it holds, and on a copy with one
edit (a cell, a figure, a word, a year, a title) where it breaks.

Edits are made in the parsed document, as bench/audit_mutations.py makes them: a table cell's text, or a word of
the page text with its paragraph; the facts are then derived again, so the edit travels the path of a real report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import RULES, Finding, Result, audit_document, evaluate
from corpus.cache import load_document
from corpus.facts import document_facts
from corpus.model import Document, Paragraph
from tests.conftest import SAMPLES, SEED

PUTUO_FINAL = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"
PUTUO_BUDGET = SAMPLES / "shpt_sfj_2026_budget.pdf"
JIANGSU_TABLES = SAMPLES / "江苏省人大常委会办公厅2019年部门预算公开表.pdf"
JIANGSU_TEXT = SAMPLES / "江苏省人大常委会2019年度部门预算公开.pdf"
SWU_FINAL = SAMPLES / "28_swu_2024_final_accounts__download.jsp.pdf"


@pytest.fixture(scope="module")
def read():
    """Each sample read once."""
    cache: dict[Path, Document] = {}

    def get(path: Path) -> Document:
        if path not in cache:
            cache[path] = load_document(path)
        return cache[path]

    return get


def holding(doc: Document, rule: str) -> list[Result]:
    return [r for r in evaluate(doc, document_facts(doc)) if r.rule == rule and r.status == "holds"]


def broken(doc: Document, rule: str) -> list[Finding]:
    """The rule's findings at warning or above (what the report is accused of)."""
    return [f for f in audit_document(doc, document_facts(doc)) if f.rule == rule and f.severity != "info"]


def edit_cell(doc: Document, title: str, label: str, old: str, new: str) -> Document:
    """A copy with the cell printing `old` in the row labelled `label` of the table titled `title` set to `new`."""
    copy = doc.model_copy(deep=True)
    for table in copy.tables:
        if title not in table.title:
            continue
        for row in table.body_rows:
            if any(label in c.text for c in row):
                cell = next((c for c in row if c.text == old), None)
                if cell is not None:
                    cell.text = new
                    return copy
    raise AssertionError(f"no cell {old!r} in a row {label!r} of {title!r}")


def edit_text(doc: Document, old: str, new: str, nth: int = 0) -> Document:
    """A copy with the nth occurrence of `old` in the narrative replaced, paragraph spans kept in step."""
    copy = doc.model_copy(deep=True)
    seen = 0
    for page in copy.pages:
        at = page.text.find(old)
        while at >= 0:
            if seen == nth:
                delta = len(new) - len(old)
                page.text = page.text[:at] + new + page.text[at + len(old) :]
                for para in page.paragraphs:
                    if para.start <= at < para.end:
                        para.text = page.text[para.start : para.end + delta]
                        para.end += delta
                    elif para.start > at:
                        para.start += delta
                        para.end += delta
                return copy
            seen += 1
            at = page.text.find(old, at + 1)
    raise AssertionError(f"{old!r} is not printed {nth + 1} time(s)")


def edit_cells(doc: Document, old: str, new: str) -> Document:
    """A copy with `old` replaced by `new` in every table cell that prints it (sentences inside 绩效 tables)."""
    copy = doc.model_copy(deep=True)
    cells = [c for t in copy.tables for row in t.body_rows for c in row if old in c.text]
    assert cells, f"no cell prints {old!r}"
    for cell in cells:
        cell.text = cell.text.replace(old, new)
    return copy


def test_every_rule_is_described() -> None:
    assert len({r.name for r in RULES}) == len(RULES) >= 20
    assert all(r.description and len(r.description) < 120 for r in RULES)


# -- inside one statement ---------------------------------------------------------------------------------------


def test_balanced_totals(read) -> None:
    doc = read(PUTUO_FINAL)  # 收入支出决算总表: 总计 2,995.39 | 总计 2,995.39
    assert holding(doc, "balanced_totals") and not broken(doc, "balanced_totals")
    edited = edit_cell(doc, "收入支出决算总表", "总计", "2,995.39", "2,995.49")
    assert broken(edited, "balanced_totals")


def test_year_totals(read) -> None:
    doc = read(PUTUO_FINAL)  # 一般公共预算财政拨款支出决算表: 合计 2,940.05 = Σ 类
    assert holding(doc, "year_totals") and not broken(doc, "year_totals")
    edited = edit_cell(doc, "一般公共预算财政拨款支出决算表", "合计", "2,940.05", "2,950.05")
    found = broken(edited, "year_totals")
    assert found and found[0].found == "2,950.05" and found[0].expected == "2,940.06"  # Σ 类 (rounded to 2,940.05)


def test_grand_totals(read) -> None:
    doc = read(PUTUO_FINAL)  # 总计 2,995.39 = 本年收入合计 2,946.25 + 年初结转和结余 49.14
    assert holding(doc, "grand_totals") and not broken(doc, "grand_totals")
    edited = edit_cell(doc, "收入支出决算总表", "年初结转和结余", "49.14", "49.94")
    found = broken(edited, "grand_totals")
    assert found and found[0].difference == "-0.80"


def test_code_sums_and_a_cell_pinned_by_its_row_and_column(read) -> None:
    doc = read(PUTUO_FINAL)  # 20106 财政事务 2,106.66 = Σ 项; 信息化建设 135.25 = 项目支出 135.25
    assert holding(doc, "code_sums") and not broken(doc, "code_sums")
    edited = edit_cell(doc, "一般公共预算财政拨款支出决算表", "信息化建设", "135.25", "185.25")
    column, row = broken(edited, "code_sums"), broken(edited, "row_totals")
    assert column and row
    assert {f.severity for f in column + row} == {"error"}  # one cell breaks both: sure, and 50万元 is material


def test_line_sums(read) -> None:
    doc = read(JIANGSU_TABLES)  # 收入预算总表: 一般公共预算资金 18,330.37 = 公共财政拨款(补助)资金 18,330.37
    assert holding(doc, "line_sums") and not broken(doc, "line_sums")
    edited = edit_cell(doc, "收入预算总表", "公共财政拨款", "18,330.37", "18,380.37")
    assert broken(edited, "line_sums")


def test_row_totals(read) -> None:
    doc = read(PUTUO_FINAL)  # 行政运行 1,511.89 = 基本支出 1,503.52 + 项目支出 8.37
    assert holding(doc, "row_totals") and not broken(doc, "row_totals")
    edited = edit_cell(doc, "一般公共预算财政拨款支出决算表", "行政运行", "8.37", "8.97")
    found = broken(edited, "row_totals")
    assert found and any(e.value == "8.97" and e.table for e in found[0].evidence)


def test_basic_split(read) -> None:
    """人员经费合计 2,152.26 = 301 + 303; a changed cell breaks it."""
    doc = read(PUTUO_FINAL)
    assert holding(doc, "basic_split") and not broken(doc, "basic_split")
    edited = edit_cell(doc, "一般公共预算财政拨款基本支出决算表", "人员经费合计", "2,152.26", "2,125.26")
    found = broken(edited, "basic_split")
    assert len(found) == 1 and "人员经费" in found[0].message
    assert (found[0].found, found[0].expected) == ("2,125.26", "2,152.26")


def test_sangong_sum_in_a_table(read) -> None:
    doc = read(JIANGSU_TABLES)  # 公开09表: 三公 小计 767.60 = 199.25 + 183.60 + 384.75
    assert holding(doc, "sangong_sum") and not broken(doc, "sangong_sum")
    edited = edit_cell(doc, "“三公”经费", "767.60", "384.75", "385.75")
    assert broken(edited, "sangong_sum")


def test_sangong_sum_in_the_narrative(read) -> None:
    doc = read(
        SEED
    )  # “三公”经费…55.82万元，其中：…公务用车购置及运行维护费支出决算54.39万元…公务接待费支出决算1.43万元
    assert any("55.82" in r.message for r in holding(doc, "sangong_sum"))
    edited = edit_text(doc, "公务接待费支出决算1.43万元", "公务接待费支出决算9.43万元")
    assert broken(edited, "sangong_sum")


# -- across statements ------------------------------------------------------------------------------------------


def test_same_line(read) -> None:
    doc = read(PUTUO_FINAL)  # 210 卫生健康支出 60.99 in the 总表, the 支出决算表 and the 一般公共预算 table
    assert any("210" in r.message for r in holding(doc, "same_line"))
    edited = edit_cell(doc, "支出决算表", "卫生健康支出", "60.99", "66.99")
    found = [f for f in broken(edited, "same_line") if f.found == "66.99"]
    assert found and found[0].expected == "60.99" and found[0].kind == "one_digit"


def test_same_line_by_one_in_the_last_digit(read) -> None:
    """财政局 2024 决算 prints 208 社会保障和就业支出 as 326.71 in both 总表 but 326.72 in the 支出决算表 and the
    一般公共预算 table (whose 项 rows add up to 326.72): one line, one cent apart, as printed."""
    found = broken(read(PUTUO_FINAL), "same_line")
    assert {(f.found, f.expected) for f in found} == {("326.72", "326.71")}
    assert all(f.kind == "one_digit" and f.severity == "warning" for f in found)


def _without(doc: Document, title: str) -> Document:
    copy = doc.model_copy(deep=True)
    for page in copy.pages:
        page.blocks = [b for b in page.blocks if getattr(b, "title", "") != title]
    return copy


def test_statements_present(read) -> None:
    doc = read(PUTUO_FINAL)
    assert len(holding(doc, "statements_present")) == 9 and not broken(doc, "statements_present")
    title = "财政拨款“三公”经费支出决算表"
    # the page still prints the title: the table is there and we failed to read it, a parse doubt (info)
    lost = _without(doc, title)
    doubt = [f for f in audit_document(lost, document_facts(lost)) if f.rule == "statements_present"]
    assert [(f.kind, f.severity) for f in doubt] == [("parse_doubt", "info")]
    # printed nowhere but in the contents: missing
    gone = _without(edit_text(doc, "财政拨款“三公”经费支出决算表单位", "单位"), title)
    found = broken(gone, "statements_present")
    assert [f.kind for f in found] == ["missing_table"] and "三公" in found[0].message


def test_empty_statement(read) -> None:
    doc = read(PUTUO_FINAL)  # 政府性基金 / 国有资本经营 tables are empty and say "本表无数据"
    assert len(holding(doc, "empty_statement")) == 2 and not broken(doc, "empty_statement")
    edited = edit_text(doc, "注：上海市普陀区财政局无政府性基金预算财政拨款支出，故本表无数据。", "")
    found = broken(edited, "empty_statement")
    assert len(found) == 1 and "政府性基金" in found[0].message


def test_title_years(read) -> None:
    doc = read(PUTUO_FINAL)
    assert holding(doc, "title_years") and not broken(doc, "title_years")
    edited = doc.model_copy(deep=True)
    table = next(t for t in edited.tables if t.title == "支出决算表")
    table.title = "2023年支出决算表"
    found = broken(edited, "title_years")
    assert found and (found[0].found, found[0].expected) == ("2023", "2024")
    table.title = "支出决算表（2023年中央补助资金）"  # a year in a name in brackets is not the title's year
    assert not broken(edited, "title_years")
    table.title = "支出决算表（2023年度）"
    assert [f.found for f in broken(edited, "title_years")] == ["2023"]


# -- the narrative ---------------------------------------------------------------------------------------------


def test_narrative_lines(read) -> None:
    doc = read(PUTUO_FINAL)  # "本年支出合计2940.05万元，其中：基本支出2336.91万元" = the 支出决算表's 合计
    assert any("2336.91" in r.message for r in holding(doc, "narrative_lines"))
    edited = edit_text(doc, "基本支出2336.91万元", "基本支出2336.81万元")
    found = [f for f in broken(edited, "narrative_lines") if f.found == "2336.81万元"]
    assert found and found[0].kind == "one_digit" and found[0].expected == "2,336.91万元"


def test_narrative_figure_against_its_table_a_real_slip(read) -> None:
    """财政局 2024 决算 p21: "财政拨款收入支出总计0.3万元" where the 财政拨款 总表 prints 2,961.68."""
    found = broken(read(PUTUO_FINAL), "narrative_lines")
    assert [(f.found, f.expected) for f in found] == [("0.3万元", "2,961.68万元")]


def test_narrative_figure_one_unit_off_a_finer_table(read) -> None:
    """A narrative 万元 figure is its 元 line rounded (once or twice) or truncated, nothing else: 1672.67万元 for
    16,726,725.44元 holds, 1672.68万元 is no rounding of it."""
    doc = read(PUTUO_BUDGET)
    assert any("1672.67" in r.message for r in holding(doc, "narrative_lines"))
    edited = edit_text(doc, "1672.67万元", "1672.68万元")
    found = [f for f in broken(edited, "narrative_lines") if f.found == "1672.68万元"]
    assert found and found[0].kind == "one_digit"


def test_narrative_lines_across_a_line_break(read) -> None:
    """ "5.其他留学教育支出（2050699），2024 年度决算数为⏎626.86 万元": the PDF wrapped the sentence, not its clause."""
    doc = read(SWU_FINAL)
    assert any("626.86" in r.message for r in holding(doc, "narrative_lines"))
    edited = edit_text(doc, "626.86", "636.86")
    assert "636.86 万元" in {f.found for f in broken(edited, "narrative_lines")}


def test_narrative_lines_of_the_reports_own_totals(read) -> None:
    """ "支出预算9628.22万元，其中：…一般公共预算拨款支出预算9628.22万元": the report's total and its 一般公共预算
    spending, named by no line of their own; "信息化建设（13项）227.88万元": a bracketed code part is no count."""
    doc = read(PUTUO_BUDGET)
    for old, new in (("支出预算9628.22", "支出预算9623.22"), ("拨款支出预算9628.22", "拨款支出预算9620.22")):
        found = {f.found for f in broken(edit_text(doc, old, new), "narrative_lines")}
        assert new.removeprefix("拨款").removeprefix("支出预算") + "万元" in found
    assert any("227.88" in r.message for r in holding(doc, "narrative_lines"))
    edited = edit_text(doc, "（13项）227.88万元", "（13项）127.88万元")
    assert "127.88万元" in {f.found for f in broken(edited, "narrative_lines")}


def test_narrative_lines_printed_by_a_statement_of_another_scope(read) -> None:
    """A figure some statement prints holds, whatever scope the sentence seems to name: "财政拨款支出中，社会保障和就业
    支出326.72万元" is the 支出决算表's 326.72 where the 财政拨款 总表 prints 326.71 (重庆's "一般公共预算拨款12,672.73
    万元" is 表一's income with the carry-over, not 表四's 12,572.73). A figure no statement prints is still a slip."""
    doc = read(PUTUO_FINAL)
    said = "2024年度财政拨款支出中，社会保障和就业支出（类）{}万元。"
    assert "326.72万元" not in {
        f.found for f in broken(with_sentence(doc, 17, said.format("326.72")), "narrative_lines")
    }
    found = broken(with_sentence(doc, 17, said.format("326.82")), "narrative_lines")
    assert "326.82万元" in {f.found for f in found}


def test_narrative_names_a_misprinted_level(read) -> None:
    """ "住房改革支出（类）住房公积金（项）752.9万元": a 款 printed as 类, the one 项 of that name is still named."""
    doc = read(JIANGSU_TEXT)
    fact = next(f for f in document_facts(doc) if f.source == "text" and f.printed == "752.9万元")
    assert fact.line == "f2210201"


def with_sentence(doc: Document, page: int, sentence: str) -> Document:
    """A copy with a narrative paragraph added at the end of a page (a tables-only report given its narrative)."""
    copy = doc.model_copy(deep=True)
    target = copy.pages[page - 1]
    start = len(target.text) + 1
    target.text += "\n" + sentence
    target.blocks.append(Paragraph(text=sentence, start=start, end=start + len(sentence)))
    return copy


def test_narrative_lines_of_a_narrative_item_a_table_prints(read) -> None:
    """Jiangsu's 政府采购预算表 prints the 政府采购 total (合计 2,416.43) that the narrative report states; here the
    tables report is given the narrative's own sentence, then the sentence with one digit off."""
    doc = read(JIANGSU_TABLES)
    said = "2019年度本部门政府采购支出预算总额{}万元，其中：拟采购货物支出233.1万元、拟购买服务支出2183.33万元。"
    assert any(
        "2416.43" in r.message for r in holding(with_sentence(doc, 12, said.format("2416.43")), "narrative_lines")
    )
    found = broken(with_sentence(doc, 12, said.format("2416.48")), "narrative_lines")
    assert [(f.found, f.kind) for f in found] == [("2416.48万元", "one_digit")]


def test_restated(read) -> None:
    doc = read(SEED)  # 公务用车运行维护费 54.39万元, three times alike (and once as 54.39元: e01)
    assert holding(doc, "restated")
    before = {f.found for f in broken(doc, "restated")}
    edited = edit_text(doc, "54.39万元", "54.36万元", nth=1)
    assert {f.found for f in broken(edited, "restated")} - before


def test_restated_among_more_than_two_values(read) -> None:
    """社会保障和就业支出 is stated as 81.80万元 twice, and its label carries 1.79 and 86.40 too (a generic label):
    two of the values differing as a slip does are still a finding."""
    doc = read(SEED)
    edited = edit_text(doc, "81.80万元", "81.30万元", nth=3)
    assert "81.30万元" in {f.found for f in broken(edited, "restated")}


def test_narrative_lines_of_a_shared_name_in_a_list_of_classes(read) -> None:
    """ "…住房保障支出X万元，占…；其他支出109.50万元": in a list of 类, 其他支出 (a name many 项 share) is 类 229."""
    doc = read(SWU_FINAL)
    assert any("109.50" in r.message for r in holding(doc, "narrative_lines"))
    edited = edit_text(doc, "其他支出 109.50", "其他支出 109.40")
    assert "109.40 万元" in {f.found for f in broken(edited, "narrative_lines")}


def test_procurement_sum(read) -> None:
    doc = read(PUTUO_BUDGET)  # 政府采购预算 = 货物 + 工程 + 服务
    assert holding(doc, "procurement_sum") and not broken(doc, "procurement_sum")
    part = next(r for r in holding(doc, "procurement_sum")).facts[1]
    edited = edit_text(doc, part.printed, part.printed.replace(part.printed[0], "9", 1))
    assert broken(edited, "procurement_sum")


def test_parts_within_total(read) -> None:
    doc = read(SEED)  # 一般公共预算财政拨款收入1178.28万元，其中：当年财政拨款收入1100.73万元，上年结转收入77.55万元
    assert not broken(doc, "parts_within_total")
    edited = edit_text(
        doc, "当年财政拨款收入1100.73万元，上年结转收入77.55万元", "当年财政拨款收入1100.73万元，上年结转收入177.55万元"
    )
    found = broken(edited, "parts_within_total")
    assert found and found[0].expected == "1178.28万元"


def test_stated_change(read) -> None:
    doc = read(SEED)  # 会议费 19.34万元，比去年同期3.96万元，增加15.38万元，上升388.38%
    assert any("15.38" in r.message for r in holding(doc, "stated_change"))
    edited = edit_text(doc, "增加15.38万元", "增加15.88万元")
    found = [f for f in broken(edited, "stated_change") if f.found == "15.88万元"]
    assert found and found[0].expected == "15.38万元"


def test_stated_change_rate(read) -> None:
    doc = read(SEED)
    edited = edit_text(doc, "上升388.38%", "上升338.38%")
    found = [f for f in broken(edited, "stated_change") if f.kind == "change rate"]
    assert found and found[0].expected == "388.38%"


def test_stated_shares(read) -> None:
    doc = read(SEED)  # 会议费决算支出数为19.34万元，占预算数38万元的50.89%
    assert any("50.89%" in r.message for r in holding(doc, "stated_shares"))
    found = [f for f in broken(edit_text(doc, "的50.89%", "的58.89%"), "stated_shares") if f.found == "58.89%"]
    assert found and found[0].expected == "50.89%"


def test_stated_shares_of_a_total_before_its_list(read) -> None:
    """ "一般公共预算财政拨款支出2940.05万元，主要用于以下方面：…（类）326.72万元，占11.11%": a share of the total
    the list opens with. The same list's 71.73% for 2106.66万元 is a real slip (71.65%; the shares add up to
    100.07%)."""
    doc = read(PUTUO_FINAL)
    assert any("11.11%" in r.message for r in holding(doc, "stated_shares"))
    assert [f.found for f in broken(doc, "stated_shares")] == ["71.73%"]
    edited = edit_text(doc, "占11.11%", "占17.11%")
    assert "17.11%" in {f.found for f in broken(edited, "stated_shares")}


def test_stated_shares_against_two_possible_totals(read) -> None:
    """ "收入预算X万元（本年预算收入Y万元），其中：A万元，占P%": P may be a share of X or of Y; wrong against both,
    it is a warning (西南大学 2021 预算's sentence, given to a tables-only report)."""
    doc = read(JIANGSU_TABLES)
    said = (
        "我校2021年收入预算490,808.40万元（本年预算收入390,140.45万元），"
        "其中：一般公共预算拨款收入216,552.53万元，占总收入的{}%。"
    )
    assert any("44.12%" in r.message for r in holding(with_sentence(doc, 3, said.format("44.12")), "stated_shares"))
    found = broken(with_sentence(doc, 3, said.format("47.12")), "stated_shares")
    assert [f.found for f in found] == ["47.12%"]


def test_stated_shares_of_the_total_a_paragraph_opens_with(read) -> None:
    """ "财政拨款收支总预算X万元。收入包括：A、B；支出包括：C，占P%": the list's shares are of X, not of the income
    parts before it (国家信访局 2026 p18)."""
    doc = read(JIANGSU_TABLES)
    said = (
        "财政拨款收支总预算18,728.91万元。收入包括：当年拨款收入16,474.82万元、上年结转2,254.12万元；"
        "支出包括：一般公共服务支出15,291.3万元，占{}%；教育支出118.01万元，占0.63%。"
    )
    assert any("81.65%" in r.message for r in holding(with_sentence(doc, 3, said.format("81.65")), "stated_shares"))
    assert not broken(with_sentence(doc, 3, said.format("81.65")), "stated_shares")
    assert "86.65%" in {f.found for f in broken(with_sentence(doc, 3, said.format("86.65")), "stated_shares")}
    # never the only base: the seed's paragraph opens with 1178.28万元, its 三公 list's shares are of another total
    assert [f.kind for f in broken(read(SEED), "stated_shares")] == ["unit_slip"]


def test_stated_shares_down_a_list_of_lines(read) -> None:
    """ "本年支出预算合计18330.37万元，其中：⏎基本支出9312.9万元，占50.81%；⏎项目支出…": each line its own
    paragraph, the list's shares are of the total that opened it."""
    doc = read(JIANGSU_TEXT)
    assert any("50.81%" in r.message for r in holding(doc, "stated_shares"))
    assert "57.81%" in {f.found for f in broken(edit_text(doc, "占50.81%", "占57.81%"), "stated_shares")}


def test_stated_shares_made_to_add_up_to_100(read) -> None:
    """A share moved by a unit so that its list adds up to 100% is no slip; the same share alone is."""
    doc = read(JIANGSU_TEXT)  # 9312.9 / 18330.37 = 50.806%
    alone = edit_text(doc, "占50.81%", "占50.82%")
    assert "50.82%" in {f.found for f in broken(alone, "stated_shares")}
    both = edit_text(alone, "占35.24%", "占35.23%")  # 50.82 + 35.23 + 13.95 = 100
    assert "50.82%" not in {f.found for f in broken(both, "stated_shares")}


def test_comparison_words(read) -> None:
    doc = read(PUTUO_FINAL)  # 年初预算为 1560.05 万元，支出决算为1511.89万元。 决算数小于预算数的主要原因
    assert holding(doc, "comparison_words") and not broken(doc, "comparison_words")
    found = broken(edit_text(doc, "决算数小于预算数", "决算数大于预算数"), "comparison_words")
    assert found and found[0].kind == "budget_wording" and found[0].expected == "决算数小于预算数"


def test_comparison_words_against_a_stated_rate(read) -> None:
    doc = read(SEED)  # "减少8.41万元，下降85.47%": a rise in words where the figures fall
    found = broken(edit_text(doc, "下降85.47%", "增长85.47%"), "comparison_words")
    assert found and found[0].expected == "下降"


def test_base_years(read) -> None:
    doc = read(PUTUO_FINAL)  # "与2023年度相比" in a 2024 report
    assert holding(doc, "base_years") and not broken(doc, "base_years")
    found = broken(edit_text(doc, "与2023年度相比", "与2022年度相比"), "base_years")
    assert found and (found[0].found, found[0].expected) == ("2022年", "2023年")


def test_base_years_a_budget_compared_with_its_own_year(read) -> None:
    """shpt_sfj_2026_budget.pdf p8 compares 2026 budgets "比2026年预算": the base should be 2025."""
    found = broken(read(PUTUO_BUDGET), "base_years")
    assert len(found) == 3 and {(f.found, f.expected) for f in found} == {("2026年", "2025年")}  # 3 sentences


def test_printed_formulas(read) -> None:
    doc = read(SEED)  # “三公经费”控制率=55.82/137×100%。=40.74%
    assert any("40.74" in r.message for r in holding(doc, "printed_formulas"))
    found = [f for f in broken(edit_cells(doc, "=40.74%", "=48.74%"), "printed_formulas") if f.found == "48.74"]
    assert found and found[0].kind == "formula" and found[0].expected == "40.74"


def test_template_leftovers(read) -> None:
    assert [f.kind for f in broken(read(JIANGSU_TEXT), "template_leftovers")] == ["template_wording"]
    doc = read(PUTUO_FINAL)
    assert not broken(doc, "template_leftovers")
    found = broken(edit_text(doc, "减少63.14万元", "减少（增加）63.14万元"), "template_leftovers")
    assert found and found[0].found == "减少（增加）"


def _text_report(tmp_path: Path, name: str, title: str, rows: list[list[str]]) -> Document:
    text = f"{title}\n单位：万元\n\n" + "\n\n".join("\n".join("\t" + c for c in r) for r in rows) + "\n\n\n正文。\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def test_a_row_with_a_column_the_schema_cannot_place_is_not_summed(tmp_path: Path) -> None:
    """重庆's 收入总体情况表 prints 一般公共预算拨款收入 beside 总计, a column no breakdown names: 总计 is not 事业收入
    alone, and the row is left unjudged rather than accused."""
    doc = _text_report(
        tmp_path, "重庆市规划和自然资源局2026年部门预算.txt", "2026年部门收入总体情况表",
        [["科目编码", "科目名称", "总计", "一般公共预算拨款收入", "事业收入"],
         ["2200101", "行政运行", "100.00", "90.00", "10.00"],
         ["2200102", "一般行政管理事务", "50.00", "40.00", "10.00"]],
    )  # fmt: skip
    assert not broken(doc, "row_totals")
    assert not [r for r in evaluate(doc, document_facts(doc)) if r.rule == "row_totals" and r.status != "holds"]


def test_a_years_total_is_not_summed_from_one_class_alone(tmp_path: Path) -> None:
    """烟台's 公开表4 as read keeps one 类 row of several: 本年支出合计 against that one 类 is a reading gap."""
    doc = _text_report(
        tmp_path, "烟台市统计局2026年部门预算.txt", "2026年财政拨款收支总体情况表",
        [["项目", "预算数", "项目", "预算数"],
         ["一、本年收入", "2,123.11", "一、本年支出", "2,123.11"],
         ["一般公共预算拨款", "2,123.11", "住房保障支出", "124.48"],
         ["本年收入合计", "2,123.11", "本年支出合计", "2,123.11"]],
    )  # fmt: skip
    assert not broken(doc, "year_totals")
