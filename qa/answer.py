"""Question → the fact that answers it, with citations, alternatives and cross-checks.

Numbers in an answer come only from facts. When no fact matches the item, the
period and the kind of number asked well enough, the answer is `not_found` with
the closest passages: an invented number is the worst possible failure.
"""

from __future__ import annotations

import re

from corpus.numbers import to_yuan
from index.search import Hit
from qa.checks import cross_check
from qa.library import Library
from qa.question import Question
from qa.rank import alternatives, as_printed, rank
from qa.record import AnswerValue, Citation, Record, cite
from qa.render import answer_sentence, explanation_for, format_yuan, not_found_sentence


def answer_one(library: Library, question: Question, doc_ids: list[str], qid: str = "") -> Record:
    """The single figure that answers the question from these reports, or not found."""
    passages = library.search(_search_text(question), 20, doc_ids)
    ranked = rank(library, question, doc_ids, passages)
    if not ranked:
        return _not_found(question, qid, library, passages)
    best = ranked[0]
    record = Record(
        id=qid,
        question=question.text,
        status="answered",
        answer=AnswerValue(
            text=answer_sentence(question, best.fact, best.doc),
            value=str(as_printed(best.fact)),
            unit=best.fact.unit,
            yuan=format_yuan(to_yuan(as_printed(best.fact), best.fact.unit)),
        ),
        citations=[cite(best.fact, best.doc.name)],
        alternatives=alternatives(ranked, best),
        checks=cross_check(best.fact, library.facts[best.doc.id], best.doc),
    )
    if question.why:
        explanation = explanation_for(best.doc, best.fact)
        if explanation:
            quote, page = explanation
            record.answer.text += f" {'原因' if question.lang == 'zh' else 'The report explains'}: “{quote}”"
            record.citations.append(Citation(doc=best.doc.name, page=page, quote=quote))
    return record


def _not_found(q: Question, qid: str, library: Library, passages: list[Hit]) -> Record:
    citations = [
        Citation(doc=library.documents[c.doc_id].name, page=c.page, quote=c.text, table=c.table_id, row=c.row)
        for c in (hit.chunk for hit in passages[:3])
        if c.doc_id in library.documents
    ]
    return Record(
        id=qid, question=q.text, status="not_found", answer=AnswerValue(text=not_found_sentence(q)), citations=citations
    )


def _search_text(q: Question) -> str:
    terms = " ".join(t for group in q.terms for t in group[:1])
    return f"{q.text} {terms}".strip() if q.lang == "en" else re.sub(r"\s+", " ", q.text)
