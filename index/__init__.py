"""Chunks, embeddings, BM25 and FAISS over indexed documents: corpus → index → qa."""

from index.build import BuildReport, index_paths
from index.chunks import Chunk
from index.embed import DEFAULT_MODEL, Embedder, load_embedder, register_embedder
from index.search import Filters, Hit, Searcher
from index.store import Store

__all__ = [
    "DEFAULT_MODEL", "BuildReport", "Chunk", "Embedder", "Filters", "Hit", "Searcher", "Store", "index_paths",
    "load_embedder", "register_embedder",
]  # fmt: skip
