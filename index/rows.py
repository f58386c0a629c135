"""The rows an index writes for a document, and the models read back from them.

The shapes of the documents, facts and chunks tables live here, so the code that builds rows (a parse worker:
`document_rows`) and the code that writes and reads them (index/store.py) agree on one definition. Amounts are
decimal TEXT, never REAL.
"""

from __future__ import annotations

import json
import sqlite3

from pydantic import BaseModel

from corpus.cache import CACHE_VERSION as PARSER_VERSION
from corpus.model import Document, Fact
from index.chunks import Chunk
from index.lexical import terms

FACT_COLUMNS = (
    "label", "label_path", "subject", "code", "period", "measure", "value", "printed", "unit", "kind",
    "approx", "yuan", "page", "source", "quote", "table_id", "row", "col", "start", "end",
)  # fmt: skip
SCHEMA_COLUMNS = ("statement", "line", "column", "scope")


Value = str | int | float | None


class DocumentRows(BaseModel):
    """A parsed document as the rows the store writes. Built where the document was parsed (a worker process), so
    the one writer only inserts; flat JSON across the process boundary, validated on arrival."""

    id: str
    path: str
    document: tuple[Value, ...]  # DOCUMENT_COLUMNS but mtime and size, known to the writer
    content: str  # the Document as JSON, read back on demand
    pages: list[tuple[int, str]]
    facts: list[tuple[Value, ...]]  # FACT_COLUMNS + SCHEMA_COLUMNS
    chunks: list[tuple[Value, ...]]  # CHUNK_COLUMNS
    terms: list[str]  # each chunk's search tokens (index/lexical.py), space-joined
    warnings: list[str]


DOCUMENT_COLUMNS = ("id", "path", "name", "title", "department", "year", "kind", "n_pages", "parser", "identity")
CHUNK_COLUMNS = ("doc_id", "page", "source", "text", "table_id", "row", "start", "end", "fact_ids")


def document_rows(doc: Document, facts: list[Fact], chunks: list[Chunk]) -> DocumentRows:
    """Everything `Store.add_document` writes for a document, its facts (`idx` their order) and its chunks."""
    identity = doc.identity.model_dump_json() if doc.identity is not None else None
    fact_rows = []
    for fact in facts:
        data = fact.model_dump(mode="json")
        data["label_path"] = json.dumps(fact.label_path, ensure_ascii=False)
        data["value"] = str(fact.value)
        data["yuan"] = None if fact.yuan is None else str(fact.yuan)
        data["approx"] = int(fact.approx)
        fact_rows.append(tuple(data[c] for c in (*FACT_COLUMNS, *SCHEMA_COLUMNS)))
    return DocumentRows(
        id=doc.id,
        path=doc.path,
        document=(doc.id, doc.path, doc.name, doc.title, doc.department, doc.year, doc.kind, len(doc.pages),
                  PARSER_VERSION, identity),
        content=doc.model_dump_json(),
        pages=[(p.number, p.text) for p in doc.pages],
        facts=fact_rows,
        chunks=[(c.doc_id, c.page, c.source, c.text, c.table_id, c.row, c.start, c.end, json.dumps(c.fact_ids))
                for c in chunks],
        terms=[terms(c.text) for c in chunks],
        warnings=doc.warnings,
    )  # fmt: skip


def row_to_chunk(row: sqlite3.Row) -> Chunk:
    return Chunk(
        id=row["id"], doc_id=row["doc_id"], page=row["page"], source=row["source"], text=row["text"],
        table_id=row["table_id"], row=row["row"], start=row["start"], end=row["end"],
        fact_ids=json.loads(row["fact_ids"]),
    )  # fmt: skip


def row_to_fact(row: sqlite3.Row) -> Fact:
    data = {c: row[c] for c in (*FACT_COLUMNS, *SCHEMA_COLUMNS)}
    data["label_path"] = json.loads(data["label_path"] or "[]")
    data["approx"] = bool(data["approx"])
    return Fact(doc_id=row["doc_id"], **{k: v for k, v in data.items() if v is not None})
