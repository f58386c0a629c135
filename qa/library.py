"""The reports a question is asked of: documents, their facts, and passage retrieval.

`Library.open` indexes the corpus first when needed (index/ does that
incrementally) and then answers from the index's stored documents; retrieval
ranks passages with the index's hybrid search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.facts import document_facts
from corpus.model import Document, Fact

Retriever = Callable[[str, int, Sequence[str] | None], list["Passage"]]


@dataclass(frozen=True)
class Passage:
    doc_id: str
    page: int
    text: str
    score: float
    source: str = "text"
    table_id: str | None = None
    row: int | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Library:
    documents: dict[str, Document]
    facts: dict[str, list[Fact]] = field(default_factory=dict)
    retriever: Retriever | None = None

    @classmethod
    def from_documents(cls, docs: Sequence[Document], retriever: Retriever | None = None) -> Library:
        return cls({d.id: d for d in docs}, {d.id: document_facts(d) for d in docs}, retriever)

    @classmethod
    def open(
        cls,
        paths: Sequence[str | Path],
        index_dir: str | Path | None = None,
        model: str | None = None,
        progress: bool = True,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Library:
        """Index the paths (new and changed files only), then load what the index holds for them.

        `progress` shows a bar on stderr; `on_progress(done, total)` reports each parsed file (GUIs).
        """
        from qa.indexed import open_indexed

        return open_indexed(cls, paths, index_dir, model, progress, on_progress)

    def find(self, name: str | None) -> list[str]:
        """Document ids whose file name (or path ending) matches `name`; all when name is None."""
        if not name:
            return list(self.documents)
        return [
            d.id
            for d in self.documents.values()
            if d.name == name or d.path.endswith(name) or Path(name).name == d.name
        ]

    def search(self, query: str, k: int = 10, doc_ids: Sequence[str] | None = None) -> list[Passage]:
        if self.retriever is None:
            return []
        return self.retriever(query, k, doc_ids)
