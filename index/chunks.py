"""Document → chunks: the units that search ranks and the answerer quotes.

A text chunk is a run of whole sentences under one section heading, with that
heading path prepended so "54.39万元" is found under "三公经费" even when the
sentence itself does not say so. A table chunk is one body row spelled out with
the table title, its column headers and the unit, so each row reads as a sentence.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from corpus.model import Document, Fact, Page, Paragraph, Table
from corpus.numbers import is_amount

MAX_CHARS = 300
_SENTENCE = re.compile(r"[^。；;]*(?:[。；;]+|$)")
_DOT_LEADER = re.compile(r"[…．.·]{6,}")  # a table-of-contents line: it names a page, never an amount


class Chunk(BaseModel):
    """One retrievable unit with its provenance; `id` is assigned by the store."""

    id: int | None = None
    doc_id: str
    page: int
    source: Literal["text", "table"]
    text: str
    table_id: str | None = None
    row: int | None = None
    start: int | None = None
    end: int | None = None
    fact_ids: list[int] = Field(default_factory=list)


def document_chunks(doc: Document, facts: list[Fact]) -> list[Chunk]:
    """All chunks of a document in reading order; `fact_ids` index into `facts`."""
    chunks: list[Chunk] = []
    for page in doc.pages:
        chunks.extend(page_text_chunks(doc.id, page))
        for table in page.tables:
            chunks.extend(table_chunks(doc.id, page.number, table))
    attach_facts(chunks, facts)
    return chunks


def page_text_chunks(doc_id: str, page: Page) -> list[Chunk]:
    """Sentences packed into chunks of ≤ MAX_CHARS that never cross a heading change."""
    ordered = [p for p in page.paragraphs if p.text.strip() and not _DOT_LEADER.search(p.text)]
    paragraphs = [p for p, nxt in zip(ordered, [*ordered[1:], None], strict=False) if not _is_heading_of(p, nxt)]
    chunks: list[Chunk] = []
    path: list[str] | None = None
    pieces: list[tuple[int, int]] = []

    def flush() -> None:
        if pieces:
            start, end = pieces[0][0], pieces[-1][1]
            prefix = " > ".join(path or [])
            body = page.text[start:end]
            text = f"{prefix} | {body}" if prefix else body
            chunks.append(Chunk(doc_id=doc_id, page=page.number, source="text", text=text, start=start, end=end))
            pieces.clear()

    for para in paragraphs:
        if para.heading_path != path:
            flush()
            path = para.heading_path
        for start, end in _sentences(para):
            if pieces and end - pieces[0][0] > MAX_CHARS:
                flush()
            pieces.append((start, end))
    flush()
    return chunks


def _is_heading_of(para: Paragraph, nxt: Paragraph | None) -> bool:
    """A heading line travels as the prefix of the chunks below it, not as a chunk of its own."""
    return nxt is not None and bool(nxt.heading_path) and nxt.heading_path[-1] == para.text


def _sentences(para: Paragraph) -> list[tuple[int, int]]:
    """Page-text spans of the paragraph's sentences; an over-long sentence is cut at MAX_CHARS."""
    spans = []
    for m in _SENTENCE.finditer(para.text):
        if m.start() == m.end():
            continue
        for cut in range(m.start(), m.end(), MAX_CHARS):
            spans.append((para.start + cut, para.start + min(cut + MAX_CHARS, m.end())))
    return spans


def table_chunks(doc_id: str, page: int, table: Table) -> list[Chunk]:
    """One chunk per body row: title | row labels | header value … | unit.

    Each figure is spelled with its column's name (Table.column_path). An empty
    label cell (a merged cell in the print) repeats the label above it.
    """
    chunks = []
    labels_above: dict[int, str] = {}
    for index, cells in enumerate(table.body_rows):
        cells = sorted(cells, key=lambda c: c.col)
        if not any(c.text for c in cells) or any(_DOT_LEADER.search(c.text) for c in cells):
            continue
        numeric = {c.col for c in cells if is_amount(c.text)}
        first_value = min(numeric, default=len(cells))
        cells_text = []
        for c in cells:
            if c.col in numeric:
                cells_text.append(f"{'/'.join(table.column_path(index, c.col))} {c.text}".strip())
            elif c.col < first_value:
                cells_text.append(c.text or labels_above.get(c.col, ""))
                labels_above[c.col] = cells_text[-1]
            else:
                cells_text.append(c.text)
        parts = [table.title, *dict.fromkeys(t for t in cells_text if t)]
        if table.unit:
            parts.append(f"单位：{table.unit}")
        row = cells[0].row if cells else 0
        chunk_page = cells[0].page if cells else page
        text = " | ".join(p for p in parts if p)
        chunks.append(Chunk(doc_id=doc_id, page=chunk_page, source="table", text=text, table_id=table.id, row=row))
    return chunks


def attach_facts(chunks: list[Chunk], facts: list[Fact]) -> None:
    """Record on each chunk the indices of the facts it contains (by span, or by table row)."""
    rows = {(c.table_id, c.row): c for c in chunks if c.source == "table"}
    texts = [c for c in chunks if c.source == "text"]
    for i, fact in enumerate(facts):
        if fact.source == "table":
            chunk = rows.get((fact.table_id, fact.row))
            if chunk is not None:
                chunk.fact_ids.append(i)
            continue
        if fact.start is None or fact.end is None:
            continue
        for chunk in texts:
            if chunk.page == fact.page and chunk.start <= fact.start and fact.end <= chunk.end:  # type: ignore[operator]
                chunk.fact_ids.append(i)
                break
