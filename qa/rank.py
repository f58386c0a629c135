"""Which facts could answer a question, best first.

A fact is a candidate when its kind of number, period and measure fit the question and
its label covers the item asked (qa.match); retrieval rank adds a small bonus. Near-ties
between statements of one item are settled by how often the report restates a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from corpus.labels import coverage, similar_subjects
from corpus.model import OWN_MEASURE, Document, Fact
from corpus.numbers import normalize, parse_decimal, to_yuan
from index.search import Hit
from qa.library import Library
from qa.match import GENERIC, item_score
from qa.question import Question
from qa.record import Alternative, cite
from qa.render import format_yuan, shown

_PRINTED_NUMBER = re.compile(r"[-(]?\d[\d,]*(?:\.\d+)?\)?")
MIN_ITEM_SCORE = 0.62
CLOSE = 0.15
OTHER_REPORT = 0.2  # how close another report's item must match to be listed beside the answer
SAME_SUBJECT = 0.85
_DERIVED = {"增减额", "增减率", "占比", "完成率", "比率"}


@dataclass
class Candidate:
    fact: Fact
    doc: Document
    score: float
    item: float


def rank(library: Library, q: Question, doc_ids: list[str], passages: list[Hit]) -> list[Candidate]:
    """Facts that could answer, best first; empty when none is confident enough."""
    near = _passage_bonus(passages)
    out: list[Candidate] = []
    for doc_id in doc_ids:
        doc = library.documents[doc_id]
        period = q.year or (doc.year + q.relative_year if doc.year else None)
        groups = _item_groups(q, doc)
        if groups is None:
            continue
        for fact in library.facts[doc_id]:
            if not _kind_fits(q, fact) or (period is not None and fact.period != period) or _opposite(q, fact):
                continue
            if q.codes and not any(c == fact.code or c in fact.subject or c in fact.quote for c in q.codes):
                continue
            item = item_score(groups, fact, _context(fact))
            if item < MIN_ITEM_SCORE:
                continue
            # a text passage covers its page's sentences; a table passage one row
            boost = near.get((doc_id, fact.page, fact.table_id, fact.row), 0.0) * (1.5 if fact.source == "text" else 1)
            score = item + _measure_fit(q, fact, doc) + boost
            if _collides_with_budget(fact, library.facts[doc_id]):
                score -= 0.1
            out.append(Candidate(fact, doc, score, item))
    out.sort(key=lambda c: (-c.score, c.fact.page, c.fact.start or 0))
    return _consensus(out, q.total, library.facts)


def _consensus(ranked: list[Candidate], total: bool, facts: dict[str, list[Fact]]) -> list[Candidate]:
    """Settle near-ties between statements of the same item with different values.

    The value the report restates most often wins (one sentence printing 54.39元 loses to
    the many that print 54.39万元); a question about the total takes the inclusive (largest)
    figure. Candidates about other items are never merged in.
    """
    if not ranked:
        return ranked
    lead = ranked[0]
    rivals = [
        c
        for c in ranked
        if c.score >= lead.score - CLOSE and similar_subjects(c.fact.subject, lead.fact.subject) >= SAME_SUBJECT
    ]
    if total and lead.fact.kind == "money":
        best = max(rivals, key=lambda c: (c.fact.yuan or 0, c.score))
    else:
        best = max(rivals, key=lambda c: (_restatements(c.fact, facts[c.doc.id]), c.score))
    return [best, *[c for c in ranked if c is not best]]


def _restatements(fact: Fact, facts: list[Fact]) -> int:
    return sum(
        1
        for f in facts
        if f.measure == fact.measure
        and _value_key(f) == _value_key(fact)
        and similar_subjects(f.subject, fact.subject) >= 0.6
    )


def _collides_with_budget(fact: Fact, facts: list[Fact]) -> bool:
    """An 'actual' printed with exactly the item's budget figure is a doubtful reading."""
    return fact.measure == "决算数" and any(
        f.measure == "预算数"
        and f.value == fact.value
        and f.unit == fact.unit
        and similar_subjects(f.subject, fact.subject) >= 0.8
        for f in facts
    )


def _value_key(fact: Fact) -> tuple:
    return (fact.yuan if fact.yuan is not None else fact.value, fact.kind, fact.measure)


def alternatives(ranked: list[Candidate], best: Candidate, limit: int = 3) -> list[Alternative]:
    """Other readings close to the best one (e.g. 财政拨款支出 incl. carry-over vs 当年), and the same
    item in other reports (one each) when the question did not name a report."""
    out: list[Alternative] = []
    seen = {(best.doc.id, *_value_key(best.fact))}
    reports = {best.doc.id}
    for c in ranked[1:]:
        key = (c.doc.id, *_value_key(c.fact))
        other_report = c.doc is not best.doc
        if key in seen or c.fact.measure != best.fact.measure or (other_report and c.doc.id in reports):
            continue
        if other_report and c.item < best.item - OTHER_REPORT:
            continue
        if not other_report and (
            c.score < best.score - 0.25
            or (c.item < best.item - 0.05 and similar_subjects(c.fact.subject, best.fact.subject) < 0.5)
        ):
            continue
        seen.add(key)
        reports.add(c.doc.id)
        where = f"{c.doc.department or c.doc.name} {c.fact.period or ''}".strip() + ", " if other_report else ""
        out.append(
            Alternative(
                text=f"{where}{c.fact.subject}: {shown(c.fact)}",
                value=str(as_printed(c.fact)),
                unit=c.fact.unit,
                yuan=format_yuan(to_yuan(as_printed(c.fact), c.fact.unit)),
                citations=[cite(c.fact, c.doc.name)],
            )
        )
        if len(out) == limit:
            break
    return out


def as_printed(fact: Fact) -> Decimal:
    """The number exactly as printed, without separators: "减少8.41万元" is 8.41, not −8.41."""
    printed = next((m for m in _PRINTED_NUMBER.findall(normalize(fact.printed))), None)
    value = parse_decimal(printed) if printed else None
    return fact.value if value is None else value


def _item_groups(q: Question, doc: Document) -> list[list[str]] | None:
    """The question's item terms for this report: words that name the report itself
    (西南大学, 普陀区财政局) select it and are not part of the item; a question naming
    another department (or nothing specific) gets None."""
    names = f"{doc.department} {doc.title} {doc.name}"
    groups = [g for g in q.terms if not any(len(t) >= 2 and coverage(t, names) >= 0.9 for t in g)]
    return groups if any(not all(t in GENERIC for t in g) for g in groups) else None


def has_item(q: Question) -> bool:
    """A question must name something specific; "how much was the total?" names nothing."""
    return any(not all(t in GENERIC for t in group) for group in q.terms)


def _kind_fits(q: Question, fact: Fact) -> bool:
    if q.number_kind is None:
        return fact.kind in ("money", "count", "percent")
    return fact.kind == q.number_kind


def _opposite(q: Question, fact: Fact) -> bool:
    """Income asked, expenditure found (or the reverse), or the 其他 remainder of an item."""
    asked = {t for group in q.terms for t in group}
    if fact.subject.startswith("其他") and not any("其他" in t for t in asked):
        return True  # 其他教育支出 is the remainder, not 教育支出
    for this, other in (("支出", "收入"), ("收入", "支出")):
        if this in asked and other not in asked and other in fact.subject and this not in fact.subject:
            return True
    return False


def _measure_fit(q: Question, fact: Fact, doc: Document) -> float:
    """Reward the asked measure; without one, prefer the report's own (决算数 in a 决算)."""
    if q.measure:
        return 0.3 if fact.measure == q.measure else -0.3
    if fact.measure in _DERIVED:
        return -0.3
    default = OWN_MEASURE.get(doc.kind)
    return 0.1 if fact.measure == default else 0.0


def _context(fact: Fact) -> str:
    """Words around the number in its sentence, for items named only there ("尚有7.99万元未完成")."""
    if fact.source == "table":
        return fact.quote
    idx = fact.quote.find(fact.printed)
    return fact.quote if idx < 0 else fact.quote[max(0, idx - 40) : idx + len(fact.printed) + 12]


def _passage_bonus(passages: list[Hit]) -> dict[tuple, float]:
    """Facts in passages that retrieval ranks high get a small boost, by rank."""
    bonus: dict[tuple, float] = {}
    for rank_, hit in enumerate(passages):
        key = (hit.chunk.doc_id, hit.chunk.page, hit.chunk.table_id, hit.chunk.row)
        bonus.setdefault(key, 0.15 / (1 + rank_))
    return bonus
