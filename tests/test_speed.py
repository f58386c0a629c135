"""Answers before vectors, and an open whose cost does not grow with the corpus: on real SQLite and FAISS.

Speed itself is measured in bench/ (docs/BENCHMARKS.md), never asserted here; these tests pin the behaviour
that makes it possible: documents are written before any vector, an open reads rows only, and neither the
embedding model nor the vectors are loaded to answer a question.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import faiss
import pytest
from conftest import SAMPLES, SEED, run_dqa

import qa
from index.store import VECTORS_FILE, Store
from qa.library import Library, StoredDocument

VEHICLES = "how much was spent on official vehicles"


def _vector_count(index_dir: Path) -> int:
    return faiss.read_index(str(index_dir / VECTORS_FILE)).ntotal


def _chunk_count(index_dir: Path, where: str = "1") -> int:
    return sqlite3.connect(index_dir / "index.db").execute(f"SELECT count(*) FROM chunks WHERE {where}").fetchone()[0]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED, folder)
    shutil.copy(SAMPLES / "shpt_sfj_2026_budget.pdf", folder)
    return folder


def test_an_answer_comes_while_the_vectors_are_missing(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    library = Library.open([corpus], index_dir)
    assert _chunk_count(index_dir) > 100 and _vector_count(index_dir) == 0  # documents only, so far

    record, _ = qa.ask(library, VEHICLES, doc=SEED.name)
    assert record.status == "answered" and record.answer.yuan == "543900"
    assert library.searcher is not None and library.searcher._embedder is None  # no model was loaded

    embedded, removed = library.complete_vectors()
    assert (embedded, removed) == (_chunk_count(index_dir, "source = 'text'"), 0) == (_vector_count(index_dir), 0)
    again, _ = qa.ask(library, VEHICLES, doc=SEED.name)
    assert again.answer == record.answer
    hits = library.searcher.search("公务用车运行维护费", 3, mode="dense")
    assert hits and all(h.dense_rank is not None for h in hits)  # the new vectors joined retrieval


def test_opening_reads_rows_and_fetches_one_report_on_demand(corpus: Path, tmp_path: Path) -> None:
    library = Library.open([corpus], tmp_path / "ix")
    assert len(library.documents) == 2
    [seed_id] = library.find(SEED.name)
    doc = library.documents[seed_id]
    assert isinstance(doc, StoredDocument) and "pages" not in doc.__dict__
    assert doc.name == SEED.name and doc.year == 2019 and doc.kind == "决算"
    record, _ = qa.ask(library, VEHICLES, doc=SEED.name)
    assert record.status == "answered"
    other = next(i for i in library.documents if i != seed_id)
    assert "pages" not in library.documents[other].__dict__  # the other report was never read
    assert doc.pages and doc.model_dump()["pages"]  # content as stored, once asked for
    assert library.facts[seed_id] == Store(tmp_path / "ix").facts(seed_id)


def test_cli_ask_answers_on_a_new_corpus_and_dqa_index_adds_the_vectors(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    asked = run_dqa("ask", VEHICLES, "--corpus", str(corpus), "--index", str(index_dir), "--doc", SEED.name, "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["answer"]["yuan"] == "543900"
    assert _vector_count(index_dir) == 0

    indexed = run_dqa("index", str(corpus), "--index", str(index_dir))
    assert indexed.returncode == 0, indexed.stderr
    assert "0 indexed, 2 unchanged" in indexed.stderr
    assert 0 < _vector_count(index_dir) == _chunk_count(index_dir, "source = 'text'") < _chunk_count(index_dir)
    store = Store(index_dir)
    assert store.vector_chunk_ids() == store.vector_ids()
    store.close()
