"""The reports a question is asked of: documents, their facts, and passage retrieval.

`Library.open` brings the index up to date (index/ does that incrementally) and
loads what it holds: documents and the facts extracted at index time, never
re-derived. Retrieval ranks passages with the index's hybrid search.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.identity import apply_overrides
from corpus.model import Document, Fact
from index.build import FileIndexed, index_paths
from index.search import Filters, Hit, Searcher

DEFAULT_INDEX = ".dqa"
Retriever = Callable[[str, int, Sequence[str] | None], list[Hit]]


def default_index_dir(paths: Sequence[str | Path]) -> Path:
    """$DQA_INDEX when set; else `.dqa` inside the corpus directory (beside a single file)."""
    if os.environ.get("DQA_INDEX"):
        return Path(os.environ["DQA_INDEX"])
    if not paths:
        return Path(DEFAULT_INDEX)
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / DEFAULT_INDEX


@dataclass
class Library:
    documents: dict[str, Document]
    facts: dict[str, list[Fact]] = field(default_factory=dict)
    retriever: Retriever | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of files that could not be read

    @classmethod
    def from_documents(cls, docs: Sequence[Document], retriever: Retriever | None = None) -> Library:
        """A library without an index (tests, one-off reads): facts are extracted here."""
        return cls({d.id: d for d in docs}, {d.id: document_facts(d) for d in docs}, retriever)

    @classmethod
    def open(
        cls, paths: Sequence[str | Path], index_dir: str | Path | None = None, model: str | None = None,
        on_file: Callable[[FileIndexed], None] | None = None,
    ) -> Library:  # fmt: skip
        """Index the paths (new and changed files only), then load what the index holds for them.

        `on_file` hears about each file parsed, for a progress bar; files that failed are in `skipped`.
        """
        index_dir = Path(index_dir) if index_dir else default_index_dir(paths)
        skipped = index_paths(list(paths), index_dir, model, on_file).failed if paths else []
        searcher = Searcher(index_dir)
        wanted = [Path(os.path.abspath(p)) for p in paths]  # as index/ stores them: a linked report keeps its path
        ids = [
            row["id"] for row in searcher.store.documents()
            if not wanted or any(_inside(Path(row["path"]), w) for w in wanted)
        ]  # fmt: skip
        if not ids:
            raise DqaError(f"no readable documents in {', '.join(map(str, paths)) or index_dir}")
        documents = {i: searcher.store.load_document(i) for i in ids}
        for doc in documents.values():
            apply_overrides(doc)  # a user's corrections (dqa-reports.toml) are read on every open
        facts = {i: searcher.store.facts(i) for i in ids}
        library = cls(documents, facts, skipped=list(skipped))
        library.retriever = _retriever(searcher, library)
        return library

    def find(self, name: str | None) -> list[str]:
        """Document ids whose file name (or path ending) matches `name`; all when name is None. A name matches whole
        path parts only: "2019年度部门预算公开.pdf" is not "江苏省高级人民法院2019年度部门预算公开.pdf"."""
        if not name:
            return list(self.documents)
        wanted = Path(name).parts
        return [d.id for d in self.documents.values() if Path(d.path).parts[-len(wanted) :] == wanted]

    def search(self, query: str, k: int = 10, doc_ids: Sequence[str] | None = None) -> list[Hit]:
        if self.retriever is None:
            return []
        return self.retriever(query, k, doc_ids)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _retriever(searcher: Searcher, library: Library) -> Retriever:
    def search(query: str, k: int, doc_ids: Sequence[str] | None) -> list[Hit]:
        ids = set(doc_ids or library.documents)
        names = [library.documents[i].name for i in ids]
        filters = Filters(doc=names[0]) if len(names) == 1 else None
        hits = searcher.search(query, k * (1 if filters or ids == set(library.documents) else 3), filters)
        return [h for h in hits if h.chunk.doc_id in ids][:k]

    return search
