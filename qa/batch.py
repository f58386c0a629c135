"""Question files in, result files out, one record at a time.

Inputs: .jsonl (id, q|question, doc), .csv (id, question, doc; UTF-8 with or
without BOM), .txt (one question per line), .xlsx (same columns as csv).
Outputs by extension: .jsonl, .csv (UTF-8 with BOM for Excel), .xlsx, .md.
Every record is written as soon as it exists, so an interrupted batch keeps
what it answered (.xlsx is rewritten every few records, the others per record).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import TextIO

from pydantic import BaseModel

from corpus.errors import DqaError
from qa.record import Record

INPUTS = (".jsonl", ".csv", ".txt", ".xlsx")
OUTPUTS = (".jsonl", ".csv", ".xlsx", ".md")
XLSX_SAVE_EVERY = 10
CSV_COLUMNS = [
    "id",
    "question",
    "status",
    "answer",
    "value",
    "unit",
    "yuan",
    "doc",
    "page",
    "quote",
    "table",
    "row",
    "col",
    "checks",
    "alternatives",
    "error",
]


class Item(BaseModel):
    """One question to answer, or the reason its row could not be read."""

    id: str
    question: str = ""
    doc: str | None = None
    error: str | None = None


def read_questions(path: Path) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix not in INPUTS:
        raise DqaError(f"unsupported question file '{suffix}' (use {', '.join(INPUTS)})", path)
    if not path.is_file():
        raise DqaError("no such file", path)
    if suffix == ".xlsx":
        yield from _check_docs(_xlsx_rows(path))
        return
    text = _read_text(path)
    if suffix == ".jsonl":
        yield from _check_docs(_jsonl_rows(text))
    elif suffix == ".csv":
        yield from _check_docs(_dict_rows(csv.DictReader(io.StringIO(text)), path, first_line=2))
    else:
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                yield Item(id=str(n), question=line.strip())


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DqaError("cannot decode the question file (not UTF-8 or GBK)", path)


def _jsonl_rows(text: str) -> Iterator[Item]:
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Item(id=f"line {n}", error=f"line {n}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            yield Item(id=f"line {n}", error=f"line {n}: expected a JSON object")
            continue
        yield _item(row, n)


def _dict_rows(rows, path: Path, first_line: int) -> Iterator[Item]:  # type: ignore[no-untyped-def]
    fields = [f.strip().lower() for f in (rows.fieldnames or [])]
    if "question" not in fields and "q" not in fields:
        raise DqaError(f"no 'question' column (found: {', '.join(fields) or 'none'})", path)
    for n, row in enumerate(rows, start=first_line):
        yield _item({(k or "").strip().lower(): v for k, v in row.items()}, n)


def _xlsx_rows(path: Path) -> Iterator[Item]:
    import openpyxl

    try:
        sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise DqaError(f"not a readable .xlsx file ({exc.__class__.__name__})", path) from exc
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows, ())]
    if "question" not in header and "q" not in header:
        raise DqaError(f"no 'question' column (found: {', '.join(h for h in header if h) or 'none'})", path)
    for n, values in enumerate(rows, start=2):
        if any(v is not None and str(v).strip() for v in values):
            yield _item({h: ("" if v is None else str(v)) for h, v in zip(header, values, strict=False)}, n)


def _item(row: dict, n: int) -> Item:
    question = str(row.get("q") or row.get("question") or "").strip()
    qid = str(row.get("id") or "").strip() or str(n)
    if not question:
        return Item(id=qid, error=f"line {n}: no question text")
    doc = str(row.get("doc") or "").strip() or None
    return Item(id=qid, question=question, doc=doc)


def _check_docs(items: Iterator[Item]) -> Iterator[Item]:
    """A `doc` names a file in the corpus by name; paths that leave it are refused."""
    for item in items:
        if item.doc and (PurePath(item.doc).is_absolute() or ".." in PurePath(item.doc).parts):
            item = item.model_copy(update={"error": f"doc {item.doc!r} must name a file inside the corpus"})
        yield item


class Writer:
    """Writes records in input order as they come; `close` finishes the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.suffix = path.suffix.lower()
        if self.suffix not in OUTPUTS:
            raise DqaError(f"unsupported result file '{self.suffix}' (use {', '.join(OUTPUTS)})", path)
        self.records: list[Record] = []
        self._file: TextIO | None = None
        if self.suffix in (".jsonl", ".csv", ".md"):
            self._file = path.open("w", encoding="utf-8-sig" if self.suffix == ".csv" else "utf-8", newline="")
            if self.suffix == ".csv":
                self._csv = csv.writer(self._file)
                self._csv.writerow(CSV_COLUMNS)
            elif self.suffix == ".md":
                self._file.write("# dqa batch results\n\n")
            self._file.flush()

    def write(self, record: Record) -> None:
        self.records.append(record)
        if self.suffix == ".jsonl":
            self._file.write(record.model_dump_json() + "\n")  # type: ignore[union-attr]
        elif self.suffix == ".csv":
            self._csv.writerow(csv_row(record))
        elif self.suffix == ".md":
            self._file.write(markdown(record) + "\n")  # type: ignore[union-attr]
        elif len(self.records) % XLSX_SAVE_EVERY == 0:
            self._save_xlsx()
        if self._file:
            self._file.flush()

    def close(self) -> None:
        if self._file:
            self._file.close()
        else:
            self._save_xlsx()

    def _save_xlsx(self) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "answers"
        sheet.append(CSV_COLUMNS)
        for record in self.records:
            sheet.append(csv_row(record))
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        book.save(tmp)
        os.replace(tmp, self.path)


def csv_row(record: Record) -> list:
    cite = record.citations[0] if record.citations and record.status == "answered" else None
    answer = record.answer
    return [
        record.id,
        record.question,
        record.status,
        answer.text if answer else "",
        answer.value if answer else "",
        answer.unit if answer else "",
        answer.yuan if answer else "",
        cite.doc if cite else "",
        cite.page if cite else "",
        cite.quote if cite else "",
        cite.table if cite else "",
        cite.row if cite else "",
        cite.col if cite else "",
        "; ".join(f"{c.status}: {c.detail}" for c in record.checks),
        "; ".join(a.text for a in record.alternatives),
        record.error or "",
    ]


def markdown(record: Record) -> str:
    lines = [f"## {record.id}. {record.question}", ""]
    if record.status == "error":
        lines.append(f"**Error:** {record.error}")
    elif record.answer:
        lines.append(f"**{record.status}** — {record.answer.text}")
    if record.table:
        lines += ["", "| | value | yuan | kind | source |", "|---|---|---|---|---|"]
        lines += [
            f"| {row.label} | {row.shown()} | {row.yuan or ''} | {row.kind or ''} | {row.doc} |" for row in record.table
        ]
        lines.append("")
    for n, cite in enumerate(record.citations, start=1):
        where = f"{cite.doc} p.{cite.page}" + (f", table {cite.table} row {cite.row}" if cite.table else "")
        lines.append(f"- [{n}] {where}: “{cite.quote}”")
    for check in record.checks:
        lines.append(f"- {SYMBOL[check.status]} {check.kind}: {check.detail}")
    for alt in record.alternatives:
        lines.append(f"- alternative: {alt.text}")
    return "\n".join(lines) + "\n"


SYMBOL = {"agree": "✓", "holds": "✓", "conflict": "⚠", "broken": "⚠", "unverified": "?"}
