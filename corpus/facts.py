"""Documents → Facts: every numeric table cell and every amount in the narrative.

A fact says what was measured (label path), when (period), how (measure:
决算数, 预算数, 增减额, 增减率, 占比 …) and how much (exact Decimal + unit), with
provenance precise enough to highlight it: page and cell, or page and span.
"""

from __future__ import annotations

import re

from corpus.classify import classify_facts
from corpus.model import OWN_MEASURE, Document, Fact, Table
from corpus.numbers import is_amount, is_code, parse_cell, unit_in
from corpus.sentences import paragraph_facts

_MEASURE_HEADER = re.compile(
    r"(?:20\d{2}年)?(?:年初|调整|全年)?(?:预算|决算|执行|上年)?数?|合计|小计|总计|金额|项目|栏次|[\d\s]*|"
    r"(?:本年|上年)?(?:预算|决算)(?:数|额)?(?:（万元）|\(万元\))?"
)


_AMOUNT_HEADER = ("预算", "决算", "执行", "金额", "合计", "小计", "支出", "收入", "拨款", "经费")
_CODE_HEADER = ("编码", "代码", "编号", "科目", "序号", "行次", "栏次")


def document_facts(doc: Document) -> list[Fact]:
    facts: list[Fact] = []
    for page in doc.pages:
        for block in page.blocks:
            if isinstance(block, Table):
                facts.extend(table_facts(doc, block))
            else:
                facts.extend(paragraph_facts(doc, page.number, block))
    classify_facts(doc, facts)
    return facts


def header_measure(path: list[str], kind: str) -> str:
    """The measure a column header names; the document's own kind when it names none."""
    text = "".join(path)
    for words, measure in (
        (("增减率", "增长率", "变动率", "增幅"), "增减率"),
        (("增减额", "增减", "比上年增", "比上年减"), "增减额"),
        (("占比", "比重", "结构", "完成率", "执行率"), "占比"),
        (("调整预算",), "调整预算数"),
        (("执行数", "执行额", "执行"), "执行数"),
        (("决算",), "决算数"),
        (("上年", "上年度"), "上年数"),
        (("预算",), "预算数"),
    ):
        if any(w in text for w in words):
            return measure
    return OWN_MEASURE.get(kind, "")


def _cell_measure(header: list[str], labels: list[str], kind: str) -> str:
    """The measure the column names; else the one a row label names when it is nothing but a measure (a 三公
    table printed as a 预算数 row and a 决算数 row); else the report's own."""
    named = header_measure(header, "")
    if named:
        return named
    rows = [label for label in labels if _MEASURE_HEADER.fullmatch(label)]
    return header_measure(rows, kind)


def header_period(path: list[str], year: int | None) -> int | None:
    text = "".join(path)
    m = re.search(r"(20\d{2})\s*年", text)
    if m:
        return int(m.group(1))
    if year and ("上年" in text or "上一年" in text):
        return year - 1
    return year


def _header_subject(header: list[str]) -> str:
    """In a one-row table (the 三公 table) the item is the column: 公务接待费 › 预算数 → 公务接待费."""
    items = [h for h in header if not _MEASURE_HEADER.fullmatch(h)]
    return items[-1] if items else ""


def _header_unit(texts: list[str]) -> str | None:
    for text in texts:
        unit = unit_in(text)
        if unit:
            return unit
    joined = "".join(texts)
    if "%" in joined or "％" in joined or joined.endswith("率"):
        return "%"
    return None


def table_facts(doc: Document, table: Table) -> list[Fact]:
    """One fact per numeric body cell, labelled by its row label(s), codes and header path."""
    facts: list[Fact] = []
    inherited: dict[int, str] = {}
    # a unit printed in a header row over other columns ("预算01表收支总表 | 金额单位：万元")
    table_unit = next((u for r in table.header_rows for c in r if (u := unit_in(c.text))), None)
    # a two-sided table (收入 | 预算数 | 支出 | 预算数: two label heads) labels each side's amounts on its own
    heads = sum(re.sub(r"\s", "", c.text) in ("项目", "科目", "项目名称") for r in table.header_rows for c in r)
    figure_cols = {c.col for r in table.body_rows for c in r if _is_amount_cell(c, r, table)} if heads >= 2 else set()
    for index, row in enumerate(table.body_rows):
        cells = sorted(row, key=lambda c: c.col)
        if _numbers_columns(cells):
            continue
        amounts = [c for c in cells if _is_amount_cell(c, cells, table)]
        if not amounts:
            for c in cells:
                if c.text:
                    inherited[c.col] = c.text
            continue
        quote = " | ".join(c.text for c in cells if c.text)
        codes = [c.text.replace(" ", "") for c in cells if _is_code_cell(c.text, cells, c.col)]
        code = "".join(codes) or None
        for cell in amounts:
            labels, inherited_first = _row_labels(cells, cell.col, amounts, inherited, figure_cols)
            if labels and any(w in labels[-1] for w in ("编码", "代码", "编号")):
                continue  # an identifier printed as a number is not an amount
            header = table.column_path(index, cell.col)
            unit = _header_unit(header) or _header_unit(labels) or table.unit
            if unit is None and any(w in h for h in header for w in _AMOUNT_HEADER):
                unit = table_unit  # only under an amount's head: a performance table's 指标值 stays a number
            amount = parse_cell(cell.text, unit)
            if amount is None:
                continue
            path = [x for x in [table.title, code, *labels, *header] if x]
            facts.append(
                Fact(
                    doc_id=doc.id,
                    label=" › ".join(path),
                    label_path=path,
                    subject=labels[1 if inherited_first and len(labels) > 1 else 0]
                    if labels
                    else _header_subject(header) or table.title,
                    code=code,
                    period=header_period(header, doc.year),
                    measure=_cell_measure(header, labels, doc.kind)
                    if amount.kind == "money"
                    else ("占比" if amount.kind == "percent" else "数量"),
                    value=amount.value,
                    printed=amount.printed,
                    unit=amount.unit,
                    kind=amount.kind,
                    approx=amount.approx,
                    yuan=amount.yuan,
                    page=cell.page,
                    source="table",
                    quote=quote,
                    table_id=table.id,
                    row=cell.row,
                    col=cell.col,
                )
            )
        amount_cols = {c.col for c in amounts}
        for c in cells:
            if c.text and not is_amount(c.text) and c.col not in amount_cols:
                inherited[c.col] = c.text
    return facts


def _numbers_columns(cells: list) -> bool:  # type: ignore[type-arg]
    """A row that numbers the columns (栏次: 1 | 2 | 3 … printed under the heads) holds no figures."""
    texts = [c.text.strip() for c in cells if c.text.strip()]
    numbers = [t for t in texts if t not in ("栏次", "行次")]
    named = len(numbers) < len(texts)
    return len(numbers) >= (2 if named else 3) and numbers == [str(i) for i in range(1, len(numbers) + 1)]


def _is_amount_cell(cell, cells: list, table: Table) -> bool:  # type: ignore[no-untyped-def]
    """A numeric cell that is not a classification code. A code-shaped integer (200, 210, 12000: Excel drops
    the ".00") is an amount in a labelled row under a column headed as one (预算数, 合计 …), since codes stand
    under 编码/科目 headers or right before their label."""
    if is_amount(cell.text):
        return not _is_code_cell(cell.text, cells, cell.col)
    if not (cell.text.isdigit() and is_code(cell.text)) or _is_code_cell(cell.text, cells, cell.col):
        return False
    header = "".join(table.header_path(cell.col))
    labelled = any(c.text and not is_code(c.text) and parse_cell(c.text) is None for c in cells)
    return labelled and any(w in header for w in _AMOUNT_HEADER) and not any(w in header for w in _CODE_HEADER)


def _is_code_cell(text: str, cells: list, col: int) -> bool:
    """Codes stand before their label: a code-shaped number followed by a text label or by
    the 2-digit 款/项 parts ("208 | 05 | 05 | 机关事业单位…", also in the right half of
    two-column tables: "… | 302 | 05 | 水费")."""
    ordered = [c for c in sorted(cells, key=lambda c: c.col) if c.text]
    index = next((i for i, c in enumerate(ordered) if c.col == col), None)
    if index is None:
        return False
    if _is_part(text):
        return index > 0 and _is_code_cell(ordered[index - 1].text, cells, ordered[index - 1].col)
    if not is_code(text):
        return False
    if len(text.replace(" ", "")) == 7:
        return True
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return following is not None and (_is_part(following.text) or parse_cell(following.text) is None)


def _is_part(text: str) -> bool:
    return len(text) == 2 and text.isdigit()


def _row_labels(
    cells: list, col: int, amounts: list, inherited: dict[int, str], table_amount_cols: set[int]
) -> tuple[list[str], bool]:  # fmt: skip
    """Text cells between the previous amount and this one; else the row's leading labels.
    Also whether the first label was inherited from a merged first column above.

    In two-column layouts (收入 | 决算数 | 支出 | 决算数) each amount has its own label, also when the row's 收入
    amount is blank: the labels after the table's last amount column before this one.
    """
    amount_cols = [a.col for a in amounts]
    prev = max((c for c in amount_cols if c < col), default=-1)

    def labels_between(lo: int, hi: int) -> list[str]:
        return [
            c.text for c in cells if lo < c.col < hi and c.text and not is_code(c.text) and parse_cell(c.text) is None
        ]

    if prev == -1:
        prev = max((c for c in table_amount_cols if c < col and labels_between(c, col)), default=-1)

    own = labels_between(prev, col)
    if own:
        lead = labels_between(-1, col) if prev == -1 else own
        if prev == -1 and len(lead) == 1 and cells and not cells[0].text and 0 in inherited:
            return [inherited[0], *lead], True  # merged first column (seed tables): keep its group name
        return lead, False
    return labels_between(-1, min(amount_cols)), False
