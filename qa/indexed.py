"""Open a Library over an index directory, indexing the corpus first when it changed."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from corpus.errors import DqaError
from corpus.facts import document_facts
from index.build import index_paths
from index.search import Filters, Searcher
from qa.library import Library, Passage

DEFAULT_INDEX = ".dqa"


def default_index_dir(paths: Sequence[str | Path]) -> Path:
    """$DQA_INDEX when set; else `.dqa` inside the corpus directory (beside a single file)."""
    if os.environ.get("DQA_INDEX"):
        return Path(os.environ["DQA_INDEX"])
    if not paths:
        return Path(DEFAULT_INDEX)
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / DEFAULT_INDEX


def open_indexed(
    cls: type[Library],
    paths: Sequence[str | Path],
    index_dir: str | Path | None,
    model: str | None,
    progress: bool,
    on_progress: Callable[[int, int], None] | None = None,
) -> Library:
    index_dir = Path(index_dir) if index_dir else default_index_dir(paths)
    if paths:
        from rich.console import Console

        report = index_paths(
            list(paths), index_dir, model, console=Console(stderr=True, quiet=not progress), on_progress=on_progress
        )
        for path, reason in report.failed:
            import click

            click.echo(f"Warning: {path}: {reason} (skipped)", err=True)
    searcher = Searcher(index_dir)
    wanted = [Path(p).resolve() for p in paths]
    docs = []
    for row in searcher.store.documents():
        if not wanted or any(_inside(Path(row["path"]).resolve(), w) for w in wanted):
            docs.append(searcher.store.load_document(row["id"]))
    if not docs:
        raise DqaError(f"no readable documents in {', '.join(map(str, paths)) or index_dir}")
    library = cls({d.id: d for d in docs}, {d.id: document_facts(d) for d in docs})
    library.retriever = _retriever(searcher, library)
    return library


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _retriever(searcher: Searcher, library: Library):  # type: ignore[no-untyped-def]
    def search(query: str, k: int, doc_ids: Sequence[str] | None) -> list[Passage]:
        ids = set(doc_ids or library.documents)
        names = [library.documents[i].name for i in ids]
        filters = Filters(doc=names[0]) if len(names) == 1 else None
        hits = searcher.search(query, k * (1 if filters or ids == set(library.documents) else 3), filters)
        return [
            Passage(
                doc_id=h.chunk.doc_id,
                page=h.page,
                text=h.chunk.text,
                score=h.score,
                source=h.chunk.source,
                table_id=h.chunk.table_id,
                row=h.chunk.row,
                start=h.chunk.start,
                end=h.chunk.end,
            )
            for h in hits
            if h.chunk.doc_id in ids
        ][:k]

    return search
