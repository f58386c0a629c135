"""The reports a question is asked of: documents, their facts, and passage retrieval.

`Library.open` brings the index up to date (index/ does that incrementally: documents first, so answers do not
wait for vectors) and reads only the documents' rows, so opening costs the same for ten reports or ten thousand.
A document's content and its facts (extracted at index time, never re-derived) are fetched from the index the
first time a question needs them. Retrieval ranks passages with the index's BM25 (see RETRIEVAL).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import PrivateAttr

from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.identity import Corrections, corrected
from corpus.model import Document, Fact, ReportIdentity
from index.build import FileIndexed, embed_vectors, index_paths
from index.search import Filters, Hit, Mode, Searcher

DEFAULT_INDEX = ".dqa"
# Answers rank facts; retrieval only adds a bonus for facts in top passages. On bench/qa_eval.py BM25 alone gives
# the same answers as hybrid search (docs/BENCHMARKS.md), and it needs neither the embedding model (2.5 s to load)
# nor the vectors (GBs at 10k reports) in the process, so a question is answered before any vector exists.
RETRIEVAL: Mode = "lexical"
FACTS_KEPT = 100  # documents whose facts stay in memory once fetched (a comparison over a folder reuses them)
ROW_FIELDS = ("id", "path", "name", "title", "department", "year", "kind", "identity")
OPEN_FIELDS = ("id", "path", "name")  # what an open reads of every document
DETAIL_FIELDS = tuple(f for f in ROW_FIELDS if f not in OPEN_FIELDS)
Retriever = Callable[[str, int, Sequence[str] | None], list[Hit]]


def default_index_dir(paths: Sequence[str | Path]) -> Path:
    """$DQA_INDEX when set; else `.dqa` inside the corpus directory (beside a single file)."""
    if os.environ.get("DQA_INDEX"):
        return Path(os.environ["DQA_INDEX"])
    if not paths:
        return Path(DEFAULT_INDEX)
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / DEFAULT_INDEX


class StoredDocument(Document):
    """A document as its index row knows it (ROW_FIELDS); the rest (pages, warnings …) is read from the index the
    first time it is used, so lists and filters over thousands of reports read no content."""

    _load: Callable[[], Document] | None = PrivateAttr(default=None)

    @classmethod
    def from_row(
        cls, row: Mapping[str, Any], identity: ReportIdentity | None, load: Callable[[], Document]
    ) -> StoredDocument:
        """`identity` is the row's with the user's corrections applied; department, year and kind follow it."""
        lazy = set(cls.model_fields) - set(ROW_FIELDS)
        values = {f: row[f] for f in ROW_FIELDS if f != "identity"}
        if identity is not None:
            values.update(identity=identity, department=identity.body, year=identity.year, kind=identity.kind)
        else:
            values["identity"] = None
        doc = cls.model_construct(**values, **dict.fromkeys(lazy))  # every field given: no default is built
        for name in lazy:
            del doc.__dict__[name]  # absent, so that reading it comes to __getattr__
        doc._load = load
        return doc

    def __getattr__(self, name: str) -> Any:
        if name in type(self).model_fields and self._load is not None:
            full = self._load()
            for field_name in type(self).model_fields:
                self.__dict__.setdefault(field_name, getattr(full, field_name))
            return self.__dict__[name]
        return super().__getattr__(name)  # type: ignore[misc]

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        self.pages  # noqa: B018  (loads the content first)
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        self.pages  # noqa: B018
        return super().model_dump_json(**kwargs)


class StoredDocuments(Mapping[str, Document]):
    """Document id → document, for the documents a library opened; each built from its row on first access. The
    open reads only ids, paths and names: the rest of a row (its identity) is fetched for the documents a question
    touches, or for all at once when the catalogue of reports is built."""

    def __init__(self, searcher: Searcher, rows: list[Mapping[str, Any]]) -> None:
        self._searcher = searcher
        self._rows = {row["id"]: row for row in rows}
        self._details: dict[str, Mapping[str, Any]] = {}  # the rest of ROW_FIELDS, by id
        self._docs: dict[str, StoredDocument] = {}
        self._identities: dict[str, ReportIdentity | None] = {}
        self._folders: Corrections = {}  # the corrections files found, by folder

    def __getitem__(self, doc_id: str) -> Document:
        if doc_id not in self._docs:
            row = {**self._rows[doc_id], **self._detail(doc_id)}
            self._docs[doc_id] = StoredDocument.from_row(row, self.identity(doc_id), lambda: self._content(doc_id))
        return self._docs[doc_id]

    def identity(self, doc_id: str) -> ReportIdentity | None:
        """The document's identity from its row, with the user's corrections (dqa-reports.toml, read on every
        open) applied: the catalogue of reports reads every one without building the documents."""
        if doc_id not in self._identities:
            row = self._rows[doc_id]
            raw = self._detail(doc_id)["identity"]
            identity = ReportIdentity.model_validate_json(raw) if raw else None
            self._identities[doc_id] = identity and corrected(identity, row["path"], row["name"], self._folders)
        return self._identities[doc_id]

    def fetch(self, doc_ids: Sequence[str]) -> None:
        """Read the rows of these documents in one go (the catalogue reads every document's)."""
        missing = [i for i in doc_ids if i not in self._details]
        if not missing:
            return
        columns = ("id", *DETAIL_FIELDS)
        with self._searcher.lock:
            rows = self._searcher.store.documents(columns, None if len(missing) > len(self) // 2 else missing)
        self._details.update((row["id"], row) for row in rows if row["id"] in self._rows)

    def _detail(self, doc_id: str) -> Mapping[str, Any]:
        if doc_id not in self._details:
            self.fetch([doc_id])
        return self._details[doc_id]

    def name(self, doc_id: str) -> str:
        return self._rows[doc_id]["name"]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    def paths(self) -> dict[str, str]:
        """Document id → its path, from the rows alone."""
        return {i: row["path"] for i, row in self._rows.items()}

    def _content(self, doc_id: str) -> Document:
        with self._searcher.lock:
            return self._searcher.store.load_document(doc_id)


class StoredFacts(Mapping[str, list[Fact]]):
    """Document id → its facts, fetched from the index on first access; the last FACTS_KEPT are kept."""

    def __init__(self, searcher: Searcher, doc_ids: Sequence[str]) -> None:
        self._searcher = searcher
        self._ids = set(doc_ids)
        self._kept: OrderedDict[str, list[Fact]] = OrderedDict()

    def __getitem__(self, doc_id: str) -> list[Fact]:
        if doc_id not in self._ids:
            raise KeyError(doc_id)
        with self._searcher.lock:
            if doc_id in self._kept:
                self._kept.move_to_end(doc_id)
            else:
                self._kept[doc_id] = self._searcher.store.facts(doc_id)
                if len(self._kept) > FACTS_KEPT:
                    self._kept.popitem(last=False)
            return self._kept[doc_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._ids


@dataclass
class Library:
    documents: Mapping[str, Document]
    facts: Mapping[str, list[Fact]] = field(default_factory=dict)
    retriever: Retriever | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of files that could not be read
    searcher: Searcher | None = None
    # what is worked out from all the opened documents once, not on every question (the catalogue of reports)
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_documents(cls, docs: Sequence[Document], retriever: Retriever | None = None) -> Library:
        """A library without an index (tests, one-off reads): facts are extracted here."""
        return cls({d.id: d for d in docs}, {d.id: document_facts(d) for d in docs}, retriever)

    @classmethod
    def open(
        cls, paths: Sequence[str | Path], index_dir: str | Path | None = None, model: str | None = None,
        on_file: Callable[[FileIndexed], None] | None = None,
    ) -> Library:  # fmt: skip
        """Index the paths' new and changed files (documents only: vectors are `complete_vectors`' job), then
        open what the index holds for them.

        `on_file` hears about each file parsed, for a progress bar; files that failed are in `skipped`.
        """
        index_dir = Path(index_dir) if index_dir else default_index_dir(paths)
        skipped = index_paths(list(paths), index_dir, model, on_file, vectors=False).failed if paths else []
        searcher = Searcher(index_dir)
        wanted = [os.path.abspath(p) for p in paths]  # as index/ stores them: a linked report keeps its path
        rows = [
            row for row in searcher.store.documents(OPEN_FIELDS)
            if not wanted or any(row["path"] == w or row["path"].startswith(w.rstrip(os.sep) + os.sep) for w in wanted)
        ]  # fmt: skip
        if not rows:
            raise DqaError(f"no readable documents in {', '.join(map(str, paths)) or index_dir}")
        whole = len(rows) == searcher.store.db.execute("SELECT count(*) FROM documents").fetchone()[0]
        library = cls(
            StoredDocuments(searcher, rows), StoredFacts(searcher, [r["id"] for r in rows]), skipped=list(skipped),
            searcher=searcher,
        )  # fmt: skip
        library.retriever = _retriever(searcher, None if whole else [r["id"] for r in rows])
        return library

    def complete_vectors(self, on_file: Callable[[FileIndexed], None] | None = None) -> tuple[int, int]:
        """Compute the vectors the index lacks (its documents were written first), telling `on_file` (step
        "embedding", part of parts); dense search uses them from then on. Returns (embedded, removed)."""
        if self.searcher is None:
            return (0, 0)
        done = embed_vectors(self.searcher.store.root, on_file)
        self.searcher.reload_vectors()
        return done

    def find(self, name: str | None) -> list[str]:
        """Document ids whose file name (or path ending) matches `name`; all when name is None. A name matches whole
        path parts only: "2019年度部门预算公开.pdf" is not "江苏省高级人民法院2019年度部门预算公开.pdf"."""
        if not name:
            return list(self.documents)
        wanted = str(Path(name))
        paths = (
            self.documents.paths() if isinstance(self.documents, StoredDocuments)
            else {i: d.path for i, d in self.documents.items()}
        )  # fmt: skip
        return [i for i, path in paths.items() if path == wanted or path.endswith(os.sep + wanted)]

    def identity(self, doc_id: str) -> ReportIdentity:
        """A document's identity (documents indexed before identities were read get the reader's fields)."""
        docs = self.documents
        identity = docs.identity(doc_id) if isinstance(docs, StoredDocuments) else docs[doc_id].identity
        if identity is not None:
            return identity
        doc = docs[doc_id]
        return ReportIdentity(body=doc.department or doc.name, year=doc.year, kind=doc.kind)

    def identities(self, doc_ids: Sequence[str]) -> list[ReportIdentity]:
        """The identities of these documents, their rows read at once."""
        if isinstance(self.documents, StoredDocuments):
            self.documents.fetch(doc_ids)
        return [self.identity(i) for i in doc_ids]

    def name(self, doc_id: str) -> str:
        docs = self.documents
        return docs.name(doc_id) if isinstance(docs, StoredDocuments) else docs[doc_id].name

    def search(self, query: str, k: int = 10, doc_ids: Sequence[str] | None = None) -> list[Hit]:
        if self.retriever is None:
            return []
        return self.retriever(query, k, doc_ids)


def _retriever(searcher: Searcher, library_ids: list[str] | None) -> Retriever:
    """Passages of the given documents, or of the library's (None: the library is the whole index)."""

    def search(query: str, k: int, doc_ids: Sequence[str] | None) -> list[Hit]:
        ids = list(doc_ids) if doc_ids is not None else library_ids
        return searcher.search(query, k, None if ids is None else Filters(doc_ids=ids), RETRIEVAL)

    return search
