"""Completeness and template slips: missing or silently empty tables, placeholders, wrong years, leftovers.

These run on titles and wording, not on amounts, so each raises at most one
finding per table or per kind of slip.
"""

from __future__ import annotations

import re

from audit.common import clip
from audit.finding import Evidence, Finding
from audit.standard import STANDARD_TABLES
from corpus.model import Document, Fact, Table
from corpus.numbers import parse_decimal

_EMPTY_NOTE = re.compile(
    r"无数据|本表无|无此|不涉及|没有|未发生|为空|空表|均为0|无相关|未安排|无.{0,12}(?:收入|支出|经费)"
)
_TOC = re.compile(r"目\s*录")


def _norm(title: str) -> str:
    s = re.sub(r"[\s“”\"‘’']", "", title)
    return re.sub(r"^\d{4}年度?(?:部门|预算单位|单位)?", "", s)


def missing_tables(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Tables of the report's family (or its own 目录) that are absent, or empty without a note saying so."""
    tables = [t for t in doc.tables if _has_amounts(t)]
    titles = [_norm(t.title) for t in doc.tables]
    if not tables or not any(titles):
        return []  # table bodies published separately or not in this file
    untitled = any(not t.title for t in doc.tables)  # the reader may have lost the missing table's title
    family = max(STANDARD_TABLES.values(), key=lambda ts: sum(any(s in t for t in titles) for s in ts))
    if sum(any(s in t for t in titles) for s in family) * 2 < len(family):
        return []
    out = []
    toc_pages = {p.number for p in doc.pages if _TOC.search(p.text[:300])}
    body_text = re.sub(r"[\s“”\"]", "", "".join(p.text for p in doc.pages if p.number not in toc_pages))
    for standard in family:
        found = [t for t in doc.tables if standard in _norm(t.title)]
        if not found:
            if standard not in body_text:
                out.append(_missing(doc, standard, toc_pages, untitled))
            continue
        if not any(_has_amounts(t) for t in found) and not _noted_empty(doc, found[0]):
            t = found[0]
            out.append(
                Finding(
                    doc=doc.name,
                    kind="empty_table",
                    severity="info" if _said_zero(doc, t) else "warning",
                    message=f"{t.title}为空表，但未注明“本表无数据” / {t.title} is empty with no note saying so",
                    expected="数据或“本表无数据”说明",
                    found="空表",
                    evidence=[Evidence(page=t.pages[0], quote=t.title)],
                )
            )
    return out


def _missing(doc: Document, standard: str, toc_pages: set[int], untitled: bool) -> Finding:
    listed = [p for p in doc.pages if p.number in toc_pages and standard in re.sub(r"[\s“”\"]", "", p.text)]
    where = f"目录第{listed[0].number}页列出" if listed else "本类报告应有"
    return Finding(
        doc=doc.name,
        kind="missing_table",
        severity="warning" if listed and not untitled else "info",
        message=f"{standard}：{where}，但报告中没有这张表 / {standard}: "
        f"{'listed in the contents' if listed else 'standard for this kind of report'} but not in the report",
        expected=standard,
        found="缺失",
        evidence=[Evidence(page=listed[0].number, quote=standard)] if listed else [],
    )


def _has_amounts(table: Table) -> bool:
    return any(parse_decimal(c.text) is not None for row in table.body_rows for c in row if c.text.strip())


def _noted_empty(doc: Document, table: Table) -> bool:
    pages = [p for p in doc.pages if p.number in table.pages or p.number == table.pages[-1] + 1]
    cells = [c.text for row in table.body_rows for c in row]
    return any(_EMPTY_NOTE.search(text) for text in [table.note, *cells, *(p.text for p in pages)])


def _said_zero(doc: Document, table: Table) -> bool:
    """The narrative says the fund this table covers is zero: an explanation, if not in the table."""
    fund = next((f for f in ("政府性基金", "国有资本经营", "三公") if f in table.title), None)
    pattern = re.compile(rf"{fund}[^。；]{{0,20}}?(?:为0|为零|0万元|0元|无)") if fund else None
    return bool(pattern) and any(pattern.search(p.text) for p in doc.pages)  # type: ignore[union-attr]


_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[XＸ]{2,}|×{2,}|[xｘ]{2,}(?=[\u4e00-\u9fff]))(?![A-Za-z])")
_LEFTOVER = re.compile(r"(增加|增长|减少|下降|上升|降低)[（(](增加|增长|减少|下降|上升|降低)[)）]")


def placeholders(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Unfilled template names (XX局, ××) and alternatives left in ("增加（减少）")."""
    out = []
    for pattern, kind, zh, en in (
        (_PLACEHOLDER, "placeholder", "模板占位符未替换", "template placeholder left in"),
        (_LEFTOVER, "template_wording", "模板备选用语未删除", "template alternative wording left in"),
    ):
        hits = [(p.number, m) for p in doc.pages for m in pattern.finditer(p.text)]
        if hits:
            texts = sorted({m.group() for _, m in hits})
            out.append(
                Finding(
                    doc=doc.name,
                    kind=kind,
                    severity="warning",
                    message=f"{zh}：{'、'.join(texts[:5])}（{len(hits)}处） / {en}: {', '.join(texts[:5])} "
                    f"({len(hits)} place(s))",
                    expected="具体名称或用语",
                    found="、".join(texts[:5]),
                    evidence=[Evidence(page=n, quote=clip(_page_text(doc, n), m.start(), 80)) for n, m in hits[:3]],
                )
            )
    return out


def _page_text(doc: Document, number: int) -> str:
    return next(p.text for p in doc.pages if p.number == number)


_TITLE_YEAR = re.compile(r"(20\d{2})\s*年\s*度?\s*(?:部门|单位)?\s*(决算|预算)")


def wrong_years(doc: Document, facts: list[Fact]) -> list[Finding]:
    """A table title or heading naming another year's 决算/预算 than the report's own."""
    if not doc.year or doc.kind not in ("决算", "预算"):
        return []
    out = []
    candidates = [(t.pages[0], t.title) for t in doc.tables if t.title]
    candidates += [
        (p.number, para.text)
        for p in doc.pages
        for para in p.paragraphs
        if len(para.text) <= 40 and not re.search(r"[，,。；;比与较]", para.text)
    ]
    seen = set()
    for page, text in candidates:
        for m in _TITLE_YEAR.finditer(text):
            year = int(m.group(1))
            if m.group(2) == doc.kind and year != doc.year and (year, text) not in seen:
                seen.add((year, text))
                out.append(
                    Finding(
                        doc=doc.name,
                        kind="wrong_year",
                        severity="warning",
                        message=f"标题写作{year}年{m.group(2)}，而本报告为{doc.year}年{doc.kind} / a title says "
                        f"{year} {m.group(2)} but this is the {doc.year} {doc.kind} report",
                        expected=str(doc.year),
                        found=str(year),
                        evidence=[Evidence(page=page, quote=clip(text))],
                    )
                )
    return out
