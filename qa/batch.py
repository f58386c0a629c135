"""Question files in, result files out, one record at a time.

Inputs: .jsonl (id, q|question, doc), .csv (id, question, doc; UTF-8 with or
without BOM), .txt (one question per line), .xlsx (same columns as csv).
Outputs by extension: .jsonl, .csv (UTF-8 with BOM for Excel), .xlsx, .md.
Every record is written as soon as it exists, so an interrupted batch keeps
what it answered (.xlsx is rewritten every few records, the others per record).
A failed write (disk full) cuts the file back to its last whole record; .xlsx is
written to a temporary file and renamed into place (`written_whole`). Spreadsheet
cells never run what a document or a question says (`csv_cell`, `xlsx_row`).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import BinaryIO

from pydantic import BaseModel

from corpus.errors import DqaError, visible
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
    """Writes records in input order as they come; `close` finishes the file.

    A write that fails (disk full) truncates the file back to the last whole record and raises a DqaError
    saying how many were kept.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.suffix = path.suffix.lower()
        if self.suffix not in OUTPUTS:
            raise DqaError(f"unsupported result file '{self.suffix}' (use {', '.join(OUTPUTS)})", path)
        self.records: list[Record] = []
        self._file: BinaryIO | None = None
        self._whole = 0  # bytes of the file that hold whole records
        if self.suffix in (".jsonl", ".csv", ".md"):
            try:
                self._file = path.open("wb", buffering=0)
            except OSError as exc:
                raise DqaError(f"cannot be written ({exc.strerror or exc})", path) from None
            head = {".csv": "\ufeff" + _csv_line(CSV_COLUMNS), ".md": "# dqa batch results\n\n"}.get(self.suffix, "")
            self._append(head)

    def write(self, record: Record) -> None:
        self.records.append(record)
        if self.suffix == ".jsonl":
            self._append(record.model_dump_json() + "\n")
        elif self.suffix == ".csv":
            self._append(_csv_line([csv_cell(v) for v in csv_row(record)]))
        elif self.suffix == ".md":
            self._append(markdown(record) + "\n")
        elif len(self.records) % XLSX_SAVE_EVERY == 0:
            self._save_xlsx()

    def _append(self, text: str) -> None:
        """Write all of `text` or, on failure, none of it."""
        assert self._file is not None
        data = memoryview(text.encode("utf-8"))
        try:
            while data:  # a raw write may take only part
                written = self._file.write(data)
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                data = data[written:]
            self._whole = self._file.tell()
        except OSError as exc:
            try:
                os.ftruncate(self._file.fileno(), self._whole)
            except OSError:
                pass  # not a regular file: nothing to cut back
            kept = max(len(self.records) - 1, 0)
            raise DqaError(
                f"cannot be written ({exc.strerror or exc}); {kept} whole result(s) kept", self.path
            ) from None

    def close(self) -> None:
        if self._file:
            self._file.close()
        else:
            self._save_xlsx()

    def _save_xlsx(self) -> None:
        import openpyxl

        with written_whole(self.path) as tmp:  # rows stream to a temporary file as they are added: that can fail too
            book = openpyxl.Workbook(write_only=True)
            xlsx_sheet(book, "answers", CSV_COLUMNS, (csv_row(r) for r in self.records), XLSX_NUMBERS)
            book.save(tmp)


def _csv_line(values: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


@contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write, renamed over it only when all was written: a failure leaves the
    old file (or none), never half of one, and is a DqaError naming the file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except DqaError:
        raise
    except Exception as exc:  # OSError, or what a writer library makes of it (lxml: SerialisationError IO_EFBIG)
        raise DqaError(f"cannot be written ({getattr(exc, 'strerror', None) or exc})", path) from None
    finally:
        tmp.unlink(missing_ok=True)


# A spreadsheet runs a cell that starts with one of these; a plain number such as -12.5 is only a number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def csv_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs: text that starts like a formula gets the usual apostrophe prefix."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def xlsx_row(sheet, values: list) -> list:  # type: ignore[no-untyped-def]
    """An .xlsx row in which every string is a text cell (never a formula), control characters made visible
    (the format cannot hold them)."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if isinstance(value, str):
            value = visible(value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


XLSX_NUMBERS = ("value", "yuan")  # numeric cells in .xlsx results; their exact text also in value_text, yuan_text
XLSX_SAMPLE = 500  # rows looked at to size the columns
XLSX_MAX_WIDTH = 60


def number_format(text: str) -> str:
    """The Excel number format that shows a decimal as printed: '54.39' → '#,##0.00', '8300' → '#,##0'."""
    decimals = len(text.partition(".")[2])
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def xlsx_sheet(book, title: str, columns, rows, numbers=()) -> int:  # type: ignore[no-untyped-def]
    """One sheet a spreadsheet can add up: the `numbers` columns as numeric cells (the exact Decimal, formatted
    with its printed precision) and their exact text again in '<column>_text' columns at the end; every other
    string a text cell (`xlsx_row`); the header frozen with an autofilter; widths fitted to the first rows.
    `book` is a write-only openpyxl Workbook; returns the number of rows written."""
    from decimal import Decimal, InvalidOperation

    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    header = [*columns, *(f"{c}_text" for c in numbers)]
    at = [list(columns).index(c) for c in numbers]
    sheet = book.create_sheet(title)

    def cells(values: list) -> list:
        texts = ["" if values[i] is None else str(values[i]) for i in at]
        out = xlsx_row(sheet, [*values, *texts])
        for i, text in zip(at, texts, strict=True):
            try:
                number = Decimal(text) if text else None
            except InvalidOperation:
                continue  # not a plain decimal: left as text
            out[i] = WriteOnlyCell(sheet, value=number)
            if number is not None:
                out[i].number_format = number_format(text)
        return out

    rows = iter(rows)
    first = [list(r) for _, r in zip(range(XLSX_SAMPLE), rows, strict=False)]
    for n, name in enumerate(header, start=1):
        sample = [name, *(str(r[n - 1] or "") for r in first if n <= len(r))]
        if n > len(columns):
            sample += [str(r[at[n - 1 - len(columns)]] or "") for r in first]
        width = max(_display_width(t) for t in sample) + 2
        sheet.column_dimensions[get_column_letter(n)].width = min(width, XLSX_MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, header))
    count = 0
    for values in [*first, *(list(r) for r in rows)]:
        sheet.append(cells(values))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    return count


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text.split("\n")[0][:80])


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
