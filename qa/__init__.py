"""qa/: a question in, a `Record` out, through one door: `ask`.

A question that spans reports (a ranking, a trend, items side by side) is answered with a table
(qa.compare); any other with the single fact that answers it (qa.answer), or not found.
"""

from __future__ import annotations

from qa.answer import answer_one
from qa.compare import answer_comparison
from qa.library import Library
from qa.question import Question, parse_question
from qa.record import Citation, ComparisonRow, Record

__all__ = ["Citation", "ComparisonRow", "Library", "Question", "Record", "ask"]


def ask(
    library: Library, text: str, qid: str = "", doc: str | None = None, previous: Question | None = None
) -> tuple[Record, Question]:
    """Answer one question (restricted to the report file `doc` when given); also returns the parsed
    question, which a follow-up passes back as `previous`."""
    question = parse_question(text, previous)
    doc_ids = library.find(doc)
    if doc and not doc_ids:
        return Record(id=qid, question=text, status="error", error=f"document {doc!r} is not in the corpus"), question
    compared = answer_comparison(library, text, qid, doc_ids if doc else None)
    return (compared or answer_one(library, question, doc_ids, qid)), question
