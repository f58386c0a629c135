"""Which facts could answer a question, best first.

One rule decides (the answer is given only when it holds): the question names an item of the disclosure
schema (qa.target) and the report has a fact of that line with the asked measure (else the report's own:
决算数 in a final account) for the asked period (else the report's year), of the kind the item is, in the
asked fund scope. Among such facts the statement the schema prefers for the line wins (a 三公 item: the 三公
table or its narrative), then the report's most restated value. A question outside the schema is matched on
words (qa.match) against the facts the schema could not place, never against a fact that is some other line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from corpus.labels import coverage, similar_subjects
from corpus.model import OWN_MEASURE, Document, Fact
from corpus.numbers import normalize, parse_decimal, to_yuan
from corpus.schema import Line, Schema, label_key, load_schema
from index.search import Hit
from qa.library import Library
from qa.match import GENERIC, item_score
from qa.question import Question, detect_lang
from qa.record import Alternative, cite
from qa.render import format_yuan, shown
from qa.target import GLOSS, Target, item_kind, names_an_item, resolve, what_is_asked

_ROW_NAMED = re.compile(r"([\u4e00-\u9fff（）()]{2,30}?)(?:这|那)?一行")  # the row a question names by its label
_PRINTED_NUMBER = re.compile(r"[-(]?\d[\d,]*(?:\.\d+)?\)?")
MIN_ITEM_SCORE = 0.62
CLOSE = 0.15
OTHER_REPORT = 0.2  # how close another report's item must match to be listed beside the answer
SAME_SUBJECT = 0.85
_DERIVED = {"增减额", "增减率", "占比", "完成率", "比率"}
_CHANGE = {"增减额", "增减率"}
_PROJECT = re.compile(r"专项资金|项目资金|专项经费|\b(?:special|special-purpose|project) funds?\b", re.I)
_TOTAL_ROWS = {"合计", "总计", "本年支出合计", "支出合计", "本年收入合计"}


@dataclass
class Candidate:
    fact: Fact
    doc: Document
    score: float
    item: float
    note: str = ""  # why an alternative is not the answer (a narrower figure of the item)


def rank(library: Library, q: Question, doc_ids: list[str], passages: list[Hit]) -> list[Candidate]:
    """Facts that could answer, best first; empty when none is confident enough."""
    target = resolve(q)
    if target.within and not target.items:
        return []  # a 项 of a named 款 the schema does not list: no other line's figure stands in for it
    if target.items and not _asks_more(q, target, library, doc_ids):
        ranked = _on_schema(library, q, target, doc_ids, passages)
        if ranked:
            return ranked
        # named only in a heading the schema does not place ("信息化建设（项）… 年初预算为135.90万元"): words,
        # but only figures whose label names the item
        schema = load_schema()
        names = [label_key(n) for i in target.items for n in _item_names(schema, i) if len(label_key(n)) >= 3]
        found = _by_words(library, q, doc_ids, passages) if has_item(q) else []
        return [c for c in found if any(n in label_key(_own_words(c.fact)) for n in names)]
    return _by_words(library, q, doc_ids, passages) if has_item(q) else []


def _asks_more(q: Question, target: Target, library: Library, doc_ids: list[str]) -> bool:
    """The question names a thing the schema items it matched do not cover ("台式计算机" in a question about the
    procurement budget): the item asked is more specific than the schema's line, so that line is not the answer.
    A word counts when it is four characters or more, names neither the report nor only schema items, and stands
    neither in the items' names nor in a label the report prints for them (行政政法人员编制 for 编制)."""
    schema = load_schema()
    if _PROJECT.search(q.text) and all(
        (line := schema.lines.get(i)) is not None and line.classification in ("function", "economic")
        for i in target.items
    ):
        return True  # a project's or special fund's money ("生命健康专项资金中…") is not its function class's total
    names = [label_key(n) for n in target.names]
    names += [label_key(n) for i in (*target.items, *target.narrower) for n in _item_names(schema, i)]
    docs = [library.documents[i] for i in doc_ids]
    labels: list[str] | None = None
    row = _ROW_NAMED.search(q.text)
    if row and not any(n and n in label_key(row.group(1)) for n in names):
        return True  # "局本级（广州市司法局）一行的收入合计": that row, named by what the schema's names are not
    glossed = q.lang == "en" and any(detect_lang(n) == "zh" for n in target.names)
    for group in q.terms:
        if glossed and not any(t in q.text for t in group):
            continue  # the glossary's reading of English words that describe an item the question glosses
        terms = [label_key(what_is_asked(t, q.text)) for t in group]
        if any(len(t) < 4 or t in GENERIC or names_an_item(t) for t in terms):
            continue
        if any(_names_report(t, d) for t in group for d in docs):
            continue
        if any(t in n for t in terms for n in names):
            continue
        if labels is None:  # read only when a word is left: a question over many reports reads many facts
            labels = [label_key(f.label) for i in doc_ids for f in library.facts[i] if f.line in target.items]
        if not any(t in label for t in terms for label in labels):
            return True  # a word the item's names and the report's labels of it do not have
    return False


def _own_words(fact: Fact) -> str:
    """Where a figure names its item: a table cell in its row's labels (the 行政运行 row's 人员经费 column is that
    row's part, not the 人员经费 total), a narrative amount in its heading path and sentence."""
    return fact.subject if fact.source == "table" else fact.label


def _names_report(term: str, doc: Document) -> bool:
    return len(term) >= 2 and coverage(term, f"{doc.department} {doc.title} {doc.name}") >= 0.9


def _on_schema(
    library: Library, q: Question, target: Target, doc_ids: list[str], passages: list[Hit]
) -> list[Candidate]:
    """Facts stating the lines the question names. A narrower line's facts follow, marked, as alternatives; when
    the report states only the narrower line (培训费 only in the basic-expenditure table), they are the answer."""
    schema = load_schema()
    near = _passage_bonus(passages)
    out: list[Candidate] = []
    narrower: list[Candidate] = []
    for doc_id in doc_ids:
        doc = library.documents[doc_id]
        if _names_another_report(q, doc):
            continue
        period = q.year or (doc.year + q.relative_year if doc.year else None)
        facts = library.facts[doc_id]
        stated = [(f, _stated_line(f, target, schema)) for f in facts]
        if not any(line in target.items for f, line in stated if f.line):  # the narrative may word it unmapped
            stated += [(f, target.items[0]) for f in facts if f.line is None and f.source == "text"
                       and _states(f, target, schema)]  # fmt: skip
        for fact, line in stated:
            if line is None or not _fits(q, fact, doc, period, target, line):
                continue
            if line in target.narrower:
                where = schema.statements.get(fact.statement or "")
                note = f"a narrower figure, in {where.title}" if where else "a narrower figure"
                narrower.append(Candidate(fact, doc, 0.5, 0.5, note=note))
                continue
            order = target.items.index(line)
            score = 1.0 - 0.05 * order + _preference(schema, line, fact) + _scope_fit(schema, line, target, fact)
            score += near.get((doc_id, fact.page, fact.table_id, fact.row), 0.0) + (0.0 if fact.line else -0.1)
            score += 0.1 if _worded_as_asked(fact, target) else 0.0
            score += 0.5 if fact.line in target.codes else 0.0
            score -= 0.3 if _of_which(fact) else 0.0
            if _collides_with_budget(fact, facts):
                score -= 0.1
            out.append(Candidate(fact, doc, score, 1.0 - 0.05 * order))
    if not out:
        out, narrower = [Candidate(c.fact, c.doc, c.score, c.item, note="") for c in narrower], []
    out.sort(key=lambda c: (-c.score, c.fact.page, c.fact.start or 0))
    ranked = _consensus(
        out, False, library.facts, same=lambda a, b: (a.fact.line, a.fact.scope) == (b.fact.line, b.fact.scope)
    )
    return [*ranked, *narrower] if ranked else []


def _stated_line(fact: Fact, target: Target, schema: Schema) -> str | None:
    """Which asked (or narrower) line this fact states: its own line, or a breakdown line printed as a column
    of the statement's total row (项目支出 as the 项目支出 column of the 合计 row)."""
    if fact.line in target.items or fact.line in target.narrower:
        return fact.line
    if fact.source == "table" and fact.column and label_key(fact.subject) in _TOTAL_ROWS:
        for part in fact.column.split("/"):
            column = schema.columns.get(part)
            if column is not None and column.dimension == "breakdown" and column.line in target.items:
                return column.line
    return None


def _fits(q: Question, fact: Fact, doc: Document, period: int | None, target: Target, line: str) -> bool:
    """The asked (or the report's own) measure and period, the item's kind of number, the asked scope. A stock
    ("截至2025年8月31日，共有车辆3辆") is dated by the day it is counted on."""
    if period is not None and fact.period != period and not (fact.kind == "count" and _counted_in(fact, period)):
        return False
    kind = item_kind(line)
    if q.measure == "增减额" and q.number_kind is None:  # a change asked with no unit: its amount or its rate
        return fact.measure in ("增减额", "增减率") and fact.kind in (kind, "percent") and _in_scope(fact, target)
    wanted_kind = "percent" if q.number_kind == "percent" or q.measure in ("增减率", "占比", "完成率") else kind
    if fact.kind != ("count" if wanted_kind == "count" else wanted_kind):
        return False
    measure = q.measure or OWN_MEASURE.get(doc.kind, "")
    counted = wanted_kind == "count" and q.measure in ("预算数", "决算数")  # "according to its budget": a count
    if fact.measure != measure and not ((q.measure is None or counted) and fact.measure in ("", "执行数", "数量")):
        return False
    return _in_scope(fact, target)


def _of_which(fact: Fact) -> bool:
    """A narrative figure after 其中 ("本部门共有车辆55辆。其中，一般公务用车13辆") is a part of the one before it:
    the whole comes first."""
    if fact.source != "text":
        return False
    at = fact.quote.find(fact.printed)
    return "其中" in fact.quote[:at] if at >= 0 else fact.quote.lstrip("，,：:、 ").startswith("其中")


def _counted_in(fact: Fact, year: int) -> bool:
    """A count dated in its sentence by the year asked ("截至 2025 年底，共有车辆 37 台")."""
    return f"{year}年" in fact.quote.replace(" ", "")


def _in_scope(fact: Fact, target: Target) -> bool:
    return target.scope is None or fact.scope == target.scope or (fact.scope is None and _says_scope(fact, target))


def _preference(schema: Schema, line_id: str, fact: Fact) -> float:
    """The schema's statement preference for the line: 0.2 for its first choice, less for later ones."""
    line = schema.lines.get(line_id)
    prefer = line.prefer if line else ["narrative"]
    where = "narrative" if fact.source == "text" else fact.statement
    return 0.2 * (1 - prefer.index(where) / len(prefer)) if where in prefer else 0.0


def _scope_fit(schema: Schema, line_id: str, target: Target, fact: Fact) -> float:
    """Without an asked scope, the line's own scope (all funds, or the narrative's) before a narrower one."""
    line = schema.lines.get(line_id)
    if target.scope is not None or fact.scope in (None, "all", line.scope if line else None):
        return 0.0
    return -0.15


def _worded_as_asked(fact: Fact, target: Target) -> bool:
    """The report prints the item in the question's own words (在编人员 rather than 实有人员, both staff in post)."""
    subject = label_key(fact.subject)
    return any(len(name) >= 3 and name in subject for name in target.names)


def _says_scope(fact: Fact, target: Target) -> bool:
    words = {"fiscal": "财政拨款", "gp": "一般公共预算", "gf": "政府性基金", "soc": "国有资本经营"}
    return words.get(target.scope or "", "?") in _context(fact)


def _states(fact: Fact, target: Target, schema: Schema) -> bool:
    """A narrative amount the classifier left unplaced whose sentence names the item right before it. Not for a
    function or economic line: a sentence naming one ("律师管理工作419.35万元") is a project's money, not the line's."""
    line = schema.lines.get(target.items[0])
    if line is not None and line.classification in ("function", "economic"):
        return False
    context = label_key(_context(fact)[:80])
    names = [label_key(n) for i in target.items[:1] for n in _item_names(schema, i)]
    return any(len(n) >= 3 and n in context for n in names)


def _item_names(schema: Schema, item_id: str) -> list[str]:
    item = schema.item(item_id)
    if item is None:
        return []
    return item.names if isinstance(item, Line) else [item.name, *item.aliases]


def _names_another_report(q: Question, doc: Document) -> bool:
    """The question names a department, and this report is not that department's."""
    return bool(q.terms) and _item_groups(q, doc) is None and has_item(q) and _names_a_body(q)


def _names_a_body(q: Question) -> bool:
    return any(any(w in t for w in ("局", "委", "办", "院", "厅", "大学", "街道", "政府")) for g in q.terms for t in g)


def _by_words(library: Library, q: Question, doc_ids: list[str], passages: list[Hit]) -> list[Candidate]:
    """A question outside the schema: label words against the facts the schema could not place."""
    near = _passage_bonus(passages)
    glossed = {label_key(g) for g in GLOSS.findall(q.text)} if q.lang == "en" else set()
    out: list[Candidate] = []
    for doc_id in doc_ids:
        doc = library.documents[doc_id]
        period = q.year or (doc.year + q.relative_year if doc.year else None)
        groups = _item_groups(q, doc)
        if groups is None:
            continue
        for fact in library.facts[doc_id]:
            if fact.line is not None:
                continue  # a figure the schema places is some other line than any the question names
            if not _kind_fits(q, fact) or (period is not None and fact.period != period) or _opposite(q, fact):
                continue
            if q.measure in _CHANGE and fact.measure not in _CHANGE:
                continue  # a change asked is answered by a change the report states, never by a level
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
            if label_key(fact.subject) in glossed:
                score += 0.2  # the very name the question glosses, not a longer one that holds it (…宣传经费)
            if fact.source == "table" and (fact.column or "").startswith("total"):
                score += 0.05  # of a row's columns, its 合计 (a fund's or a carry-over's column may be 0.00)
            out.append(Candidate(fact, doc, score, item))
    out.sort(key=lambda c: (-c.score, c.fact.page, c.fact.start or 0))
    return _consensus(out, q.total, library.facts)


def _consensus(
    ranked: list[Candidate], total: bool, facts: dict[str, list[Fact]],
    same: Callable[[Candidate, Candidate], bool] | None = None,
) -> list[Candidate]:  # fmt: skip
    """Settle near-ties between statements of the same item with different values.

    The value the report restates most often wins (one sentence printing 54.39元 loses to
    the many that print 54.39万元); a question about the total takes the inclusive (largest)
    figure. Candidates about other items are never merged in.
    """
    if not ranked:
        return ranked
    lead = ranked[0]
    same = same or (lambda a, b: similar_subjects(a.fact.subject, b.fact.subject) >= SAME_SUBJECT)
    rivals = [c for c in ranked if c is lead or (c.score >= lead.score - CLOSE and same(c, lead)
              and not _other_column(c.fact, lead.fact))]  # fmt: skip
    if total and lead.fact.kind == "money":
        best = max(rivals, key=lambda c: (c.fact.yuan or 0, c.score))
    else:
        best = max(rivals, key=lambda c: (_restatements(c.fact, facts[c.doc.id]), c.score))
    return [best, *[c for c in ranked if c is not best]]


def _other_column(one: Fact, other: Fact) -> bool:
    """Two cells of one table row are two figures (合计 and a part), never two prints of one."""
    return (
        one.source == other.source == "table"
        and (one.table_id, one.row) == (other.table_id, other.row)
        and (one.col != other.col)
    )


def _restatements(fact: Fact, facts: list[Fact]) -> int:
    """How often the report prints this value for this item (the same schema line and scope, or a like label), each
    place once: the 0.00 columns of one row (政府性基金, 国有资本经营 …) are one print, not four."""
    if fact.line:
        same = [f for f in facts if (f.line, f.scope) == (fact.line, fact.scope) and _value_key(f) == _value_key(fact)]
    else:
        same = [
            f for f in facts
            if f.measure == fact.measure and _value_key(f) == _value_key(fact)
            and similar_subjects(f.subject, fact.subject) >= 0.6
        ]  # fmt: skip
    return len({(f.table_id, f.row) if f.source == "table" else (f.page, f.start) for f in same})


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
        if (
            not other_report
            and not c.note
            and (
                c.score < best.score - 0.25
                or (c.item < best.item - 0.05 and similar_subjects(c.fact.subject, best.fact.subject) < 0.5)
            )
        ):
            continue
        seen.add(key)
        reports.add(c.doc.id)
        where = f"{c.doc.department or c.doc.name} {c.fact.period or ''}".strip() + ", " if other_report else ""
        out.append(
            Alternative(
                text=f"{where}{c.fact.subject}: {shown(c.fact)}" + (f" ({c.note})" if c.note else ""),
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
    """The number exactly as printed, without separators: "减少8.41万元" is 8.41, not −8.41; but "130万户" is
    1300000 户, the count the fact holds, never 130 户."""
    printed = next((m for m in _PRINTED_NUMBER.findall(normalize(fact.printed))), None)
    value = parse_decimal(printed) if printed else None
    return fact.value if value is None or abs(value) != abs(fact.value) else value


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
