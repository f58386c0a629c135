"""Hybrid retrieval: dense vectors and BM25, fused by reciprocal rank.

Dense search catches paraphrase; BM25 (with the glossary for English questions)
catches the exact terms and numbers the reports print. Reciprocal rank fusion
needs no score calibration between the two, which is why it is used instead of
a weighted sum of scores; the rankings themselves are weighted (see below).

Opening costs the same whatever the corpus size: no document, vector or model is
read until a search needs it. The embedding model and the vectors load on the
first dense search; chunks that have no vector yet (the vector phase runs after
the documents are written) are found by BM25 alone.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from corpus.errors import DqaError
from index.chunks import Chunk
from index.embed import Embedder, load_embedder
from index.glossary import expand_query
from index.store import DB_FILE, Store

RRF_K = 60
CANDIDATES = 50
# Weighted RRF: on bench/retrieval.py the packaged USE model alone finds the answer-bearing
# chunk in the top 5 for ~55% of questions and BM25 for ~98%; equal weights let dense
# near-misses crowd out exact lexical hits (84% top 5), a 0.3 dense weight gives 97%.
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 0.3
Mode = Literal["hybrid", "dense", "lexical"]


class Filters(BaseModel):
    """Restrict search to some documents. `doc` is a file name; `department` a substring; `doc_ids` exact ids."""

    doc: str | None = None
    department: str | None = None
    year: int | None = None
    kind: str | None = None
    doc_ids: list[str] | None = None

    def to_sql(self) -> tuple[str, tuple]:
        clauses, params = [], []
        if self.doc:
            clauses.append("(d.name = ? OR d.path = ?)")
            params += [self.doc, self.doc]
        if self.department:
            clauses.append("d.department LIKE ?")
            params.append(f"%{self.department}%")
        if self.year is not None:
            clauses.append("d.year = ?")
            params.append(self.year)
        if self.kind:
            clauses.append("d.kind = ?")
            params.append(self.kind)
        if self.doc_ids is not None:
            clauses.append(f"d.id IN ({', '.join('?' * len(self.doc_ids))})")
            params += self.doc_ids
        return " AND ".join(clauses), tuple(params)


class Hit(BaseModel):
    chunk: Chunk
    score: float
    doc_name: str
    page: int
    dense_rank: int | None = None
    lexical_rank: int | None = None


class Searcher:
    """An open index ready to answer queries; keep one around to search warm. Safe to share between threads."""

    def __init__(self, index_dir: str | Path, embedder: Embedder | None = None) -> None:
        if not (Path(index_dir) / DB_FILE).exists():
            raise DqaError(f"no index at {index_dir}; run `dqa index PATH --index {index_dir}` first")
        self.store = Store(index_dir)
        recorded = self.store.model()
        if recorded is None:
            raise DqaError(f"the index at {index_dir} is empty; run `dqa index PATH --index {index_dir}`")
        if embedder is not None:
            self.store.check_model(embedder.name, embedder.dim)
        missing = len(self.store.unpublished_text())
        if missing:
            self.store.notes.append(
                f"{missing} document(s) are not in the text index yet; `dqa index PATH --index {index_dir}` adds them"
            )
        self._model = recorded[0]
        self._embedder = embedder
        self._names: dict[str, str] = {}
        self.lock = threading.RLock()  # one SQLite connection, many callers

    @property
    def embedder(self) -> Embedder:
        """The index's model, loaded on first use."""
        with self.lock:
            if self._embedder is None:
                self._embedder = load_embedder(self._model)
                self.store.check_model(self._embedder.name, self._embedder.dim)
            return self._embedder

    def search(self, query: str, k: int = 5, filters: Filters | None = None, mode: Mode = "hybrid") -> list[Hit]:
        """The k best chunks for the query, best first."""
        with self.lock:
            doc_ids = self._doc_ids(filters or Filters())
            dense: list[int] = []
            lexical: list[int] = []
            if mode in ("hybrid", "dense") and self.store.has_vectors():
                allowed = None if doc_ids is None else self.store.chunk_ids(*Filters(doc_ids=doc_ids).to_sql())
                vector = self.embedder.encode([query])[0]
                dense = [i for i, _ in self.store.dense(vector, CANDIDATES, allowed)]
            if mode in ("hybrid", "lexical"):
                lexical = [i for i, _ in self.store.text.search(expand_query(query), CANDIDATES, doc_ids)]
            chunks = self.store.chunks([*dense, *lexical])  # a vector whose chunk is gone is dropped here
            dense = [i for i in dense if i in chunks]
            fused = rrf([dense, lexical], [DENSE_WEIGHT, LEXICAL_WEIGHT])[:k]
            return [
                Hit(
                    chunk=chunks[i], score=score, doc_name=self._name(chunks[i].doc_id), page=chunks[i].page,
                    dense_rank=_rank(dense, i), lexical_rank=_rank(lexical, i),
                )
                for i, score in fused
            ]  # fmt: skip

    def _doc_ids(self, filters: Filters) -> list[str] | None:
        """The ids of the matching documents; None for the whole index."""
        if filters.doc_ids is not None and not filters.model_dump(exclude_none=True, exclude={"doc_ids"}):
            return filters.doc_ids
        where, params = filters.to_sql()
        if not where:
            return None
        doc_ids = self.store.doc_ids(where, params)
        if not doc_ids:
            raise DqaError(f"no indexed document matches {filters.model_dump(exclude_none=True)}")
        return doc_ids

    def reload_vectors(self) -> None:
        """Read the vector file again at the next dense search (the vector phase has saved more)."""
        with self.lock:
            self.store.forget_vectors()

    def _name(self, doc_id: str) -> str:
        if doc_id not in self._names:
            row = self.store.db.execute("SELECT name FROM documents WHERE id = ?", (doc_id,)).fetchone()
            self._names[doc_id] = row["name"] if row else ""
        return self._names[doc_id]

    def close(self) -> None:
        self.store.close()


def rrf(rankings: list[list[int]], weights: list[float] | None = None, k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: sum of weight/(k + rank) over the rankings an item appears in."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _rank(ranking: list[int], item: int) -> int | None:
    return ranking.index(item) + 1 if item in ranking else None
