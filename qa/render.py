"""The one-sentence answer, in the asker's language, built only from the fact's own fields."""

from __future__ import annotations

import re
from decimal import Decimal

from corpus.model import Document, Fact
from qa.question import Question

MEASURE_EN = {
    "决算数": "actual",
    "预算数": "budget",
    "调整预算数": "adjusted budget",
    "执行数": "executed",
    "上年数": "previous year",
    "增减额": "change",
    "增减率": "change rate",
    "占比": "share",
    "完成率": "share of budget",
    "比率": "rate",
    "数量": "count",
}
_EXPLAIN = re.compile(r"主要原因|原因是|主要是|主要用于|一是|由于|用于|因为|系")
_SENTENCES = re.compile(r"[^。；]+[。；]?")


def format_yuan(value: Decimal | None) -> str | None:
    """A decimal string without separators or exponent ("543900", "54.39")."""
    if value is None:
        return None
    return f"{value:f}"


def _yuan_en(fact: Fact) -> str:
    if fact.yuan is None or fact.unit == "元":
        return ""
    return f" (¥{fact.yuan:,f})".replace(".000", "") if fact.yuan % 1 else f" (¥{int(fact.yuan):,})"


def shown(fact: Fact) -> str:
    """The figure as printed, with the unit a table cell takes from its header or caption."""
    if fact.unit and fact.unit not in fact.printed:
        return f"{fact.printed}{fact.unit}"
    return fact.printed


def answer_sentence(q: Question, fact: Fact, doc: Document) -> str:
    who = doc.department or doc.name
    printed = shown(fact)
    if q.lang == "zh":
        period = f"{fact.period}年" if fact.period else ""
        yuan = f"（{format_yuan(fact.yuan)}元）" if fact.yuan is not None and fact.unit != "元" else ""
        if fact.measure == "增减额":
            verb = "减少" if fact.value < 0 else "增加"
            return f"{who}{period}{fact.subject}{verb}{printed}{yuan}[1]。"
        measure = fact.measure if fact.measure and fact.measure != "数量" else ""
        measure = (
            "" if fact.subject.endswith((measure, measure.rstrip("数"))) else measure
        )  # 三公经费预算数, not …预算数预算数
        return f"{who}{period}{fact.subject}{measure}为{printed}{yuan}[1]。"
    period = f"In {fact.period}, " if fact.period else ""
    measure = MEASURE_EN.get(fact.measure, fact.measure)
    if fact.measure in ("增减额", "增减率"):
        direction = "fell" if fact.value < 0 else "rose"
        return f"{period}{fact.subject} at {who} {direction} by {printed}{_yuan_en(fact)} [1]."
    return f"{period}{who} reports {fact.subject} ({measure}) of {printed}{_yuan_en(fact)} [1]."


def not_found_sentence(q: Question) -> str:
    if q.lang == "zh":
        return "未找到：报告中没有能可靠回答该问题的数字。以下是最接近的段落。"
    return "Not found: no figure in the report answers this confidently. The closest passages are listed."


def explanation_for(doc: Document, fact: Fact) -> tuple[str, int] | None:
    """The report's own explanation next to the figure (主要原因 / 主要是 / 一是… / 主要用于):
    the first explaining sentence from the figure's own sentence on, within two paragraphs."""
    page = next(p for p in doc.pages if p.number == fact.page)
    paragraphs = page.paragraphs
    for i, para in enumerate(paragraphs):
        if fact.source == "text" and fact.start is not None:
            if not para.start <= fact.start <= para.end:
                continue
            offset = fact.start - para.start
        elif fact.subject in para.text:
            offset = 0
        else:
            continue
        for j, text in enumerate(p.text for p in paragraphs[i : i + 3]):
            for m in _SENTENCES.finditer(text):
                if (j > 0 or m.end() > offset) and _EXPLAIN.search(m.group()):
                    return m.group().strip(), page.number
        return None
    return None
