"""qa/: a question in, a `Record` out, through one door: `ask`.

A question that spans reports (a ranking, a trend, items side by side) is answered with a table (qa.compare).
Any other is first given its report(s) (qa.reports: by the file named, else by the body, year and kind the question
names) and answered with the single fact that answers it (qa.answer); several reports that fit equally get a row
each; a body or year the corpus does not hold is not found, naming what it does hold.
"""

from __future__ import annotations

from qa.answer import answer_one
from qa.compare import answer_comparison
from qa.library import Library
from qa.question import Question, parse_question
from qa.record import AnswerValue, Citation, ComparisonRow, Record
from qa.reports import Report, reports, resolve, without_bodies

__all__ = ["Citation", "ComparisonRow", "Library", "Question", "Record", "ask"]
PER_REPORT_MAX = 12  # a question fitting more reports than this is asked to name one, not answered for each


def ask(
    library: Library, text: str, qid: str = "", doc: str | None = None, previous: Question | None = None
) -> tuple[Record, Question]:
    """Answer one question (restricted to the report file `doc` when given); also returns the parsed
    question, which a follow-up passes back as `previous`."""
    if doc:
        # the report is named: only its bodies' names are taken out of the question, so the catalogue of every
        # report is never built (an open of 10,000 reports would build it for every question)
        doc_ids = library.find(doc)
        question = parse_question(without_bodies(text, reports(library, doc_ids)), previous)
        question = question.model_copy(update={"text": text})
        if not doc_ids:
            return Record(
                id=qid, question=text, status="error", error=f"document {doc!r} is not in the corpus"
            ), question
        return (answer_comparison(library, text, qid, doc_ids) or answer_one(library, question, doc_ids, qid)), question
    question = parse_question(without_bodies(text, reports(library)), previous).model_copy(update={"text": text})
    compared = answer_comparison(library, text, qid)
    if compared:
        return compared, question
    resolution = resolve(library, text, question)
    question = question.model_copy(
        update={
            "bodies": resolution.asked.bodies,
            "report_kind": resolution.asked.kind,
        }
    )
    if resolution.missing:
        return Record(id=qid, question=text, status="not_found", answer=AnswerValue(text=resolution.missing)), question
    chosen = resolution.reports
    if len(chosen) > 1 and (resolution.asked.bodies or len({r.identity.body for r in chosen}) > 1):
        # several reports fit, or a question that names no body fits several bodies' reports: never one of them
        # picked for it (another body's figure is the wrong answer that ends up in print)
        if len(chosen) > PER_REPORT_MAX:
            return Record(
                id=qid, question=text, status="not_found", answer=AnswerValue(text=_name_one(question, chosen))
            ), question
        return _per_report(library, question, chosen, qid), question
    return answer_one(library, question, resolution.doc_ids, qid), question


def _name_one(question: Question, chosen: list[Report]) -> str:
    bodies = len({r.identity.body for r in chosen})
    if question.lang == "zh":
        return f"{len(chosen)}份报告（{bodies}个单位）符合问题：请在问题中写明单位和年份，或用 --doc 指定报告。"
    return (
        f"{len(chosen)} reports of {bodies} bodies fit the question: name the body and year in the question, or the "
        "report with --doc."
    )


def _per_report(library: Library, question: Question, chosen: list[Report], qid: str) -> Record:
    """Several reports fit the question equally (one body's reports of several years, two bodies of one name):
    a row each, never one of them picked silently."""
    rows: list[ComparisonRow] = []
    citations: list[Citation] = []
    for report in chosen:
        record = answer_one(library, question, report.doc_ids, qid)
        row = ComparisonRow(
            label=report.label(question.lang), doc=", ".join(report.names), year=report.identity.year,
            kind=report.identity.kind,
        )  # fmt: skip
        if record.status == "answered" and record.answer and record.citations:
            citations.append(record.citations[0])
            statuses = {c.status for c in record.checks}
            row = row.model_copy(
                update=dict(
                    status="stated", value=record.answer.value, unit=record.answer.unit, yuan=record.answer.yuan,
                    printed=f"{record.answer.value}{record.answer.unit or ''}", citation=record.citations[0],
                    doc=record.citations[0].doc, n=len(citations),
                    check="conflict" if statuses & {"conflict", "broken"} else "agree" if statuses else "unverified",
                )
            )  # fmt: skip
        rows.append(row)
    zh = question.lang == "zh"
    cells = [f"{r.label} {r.shown()}" + (f"[{r.n}]" if r.n else "") for r in rows]
    several = len({r.identity.body for r in chosen}) > 1
    if zh:
        which = "单位、年份或报告类型" if several else "年份或报告类型"
        text = f"{len(rows)}份报告符合问题，请指明{which}：" + "；".join(cells) + "。"
    else:
        which = "body, year or kind" if several else "year or kind"
        text = f"{len(rows)} reports fit the question (name the {which} to choose one): " + "; ".join(cells) + "."
    status = "answered" if citations else "not_found"
    return Record(
        id=qid, question=question.text, status=status, answer=AnswerValue(text=text), citations=citations, table=rows
    )
