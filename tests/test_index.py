"""Index plumbing on real SQLite and FAISS: chunks, persistence, incremental updates, repair.

A deterministic hash embedder stands in for the model here; retrieval quality is
tested with the real model in test_search.py.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.reader import read_document
from index.build import index_paths
from index.chunks import MAX_CHARS, document_chunks
from index.embed import register_embedder
from index.rows import FACT_COLUMNS, SCHEMA_COLUMNS
from index.store import Store

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SEED = SAMPLES / "000_4730eaab2517dbc6.txt"


class HashEmbedder:
    """Bag of character bigrams hashed into 32 dims: deterministic, instant, model-free."""

    name = "test-hash"
    dim = 32

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for a, b in itertools.pairwise(text):
                out[i, hashlib.md5((a + b).encode()).digest()[0] % self.dim] += 1
        out += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)


register_embedder(HashEmbedder.name, HashEmbedder)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    text = SEED.read_text(encoding="utf-8")
    (folder / "second.txt").write_text(text.replace("资阳市雁江区", "资阳市安岳县"), encoding="utf-8")
    return folder


def _counts(index_dir: Path) -> dict[str, int]:
    db = sqlite3.connect(index_dir / "index.db")
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "chunks", "facts")}


def _consistent(index_dir: Path) -> None:
    store = Store(index_dir)
    assert store.vector_chunk_ids() == store.vector_ids()
    dupes = store.db.execute(
        'SELECT count(*) FROM (SELECT doc_id, page, source, start, "end", table_id, "row", count(*) n'
        " FROM chunks GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING n > 1)"
    ).fetchone()[0]
    assert dupes == 0
    store.close()


def test_seed_chunks_keep_provenance() -> None:
    doc = read_document(SEED)
    chunks = document_chunks(doc, [])
    page = doc.pages[0]
    texts = [c for c in chunks if c.source == "text"]
    assert all(c.end - c.start <= MAX_CHARS for c in texts)  # type: ignore[operator]
    assert all(page.text[c.start : c.end] in c.text for c in texts)
    vehicle = next(c for c in texts if "公务用车购置及运行维护费支出决算54.39万元" in c.text)
    assert vehicle.text.startswith("第二部分  2019年度部门决算情况说明 > 七、“三公”经费财政拨款支出决算情况说明")
    row = next(c for c in chunks if c.source == "table" and "政策和项目支出" in c.text and c.table_id == "t1")
    assert row.text == (
        "2019年度雁江区整体支出绩效目标完成情况表 | 预算执行情况 | 政策和项目支出 | 预算额（百） 48285.29"
        " | 执行额（百元） 43885.85 | 当年结转结余额（百元） 4399.44 | 结转结余率% 9.11"
        " | 结转结余变动率% -43.28"
    )


def test_facts_are_attached_to_their_chunks() -> None:
    facts_module = pytest.importorskip("corpus.facts")
    doc = read_document(SEED)
    facts = facts_module.document_facts(doc)
    chunks = document_chunks(doc, facts)
    attached = {i for c in chunks for i in c.fact_ids}
    assert len(attached) >= 0.9 * len(facts)
    for chunk in chunks:
        for i in chunk.fact_ids:
            fact = facts[i]
            if fact.source == "text":
                assert chunk.start <= fact.start and fact.end <= chunk.end  # type: ignore[operator]
            else:
                assert (fact.table_id, fact.row) == (chunk.table_id, chunk.row)


def test_migrations_create_exact_columns(tmp_path: Path) -> None:
    store = Store(tmp_path / "ix")
    columns = {
        t: [r[1] for r in store.db.execute(f"PRAGMA table_info({t})")]
        for t in ("meta", "documents", "chunks", "facts", "pages", "document_json")
    }
    assert columns["meta"] == ["id", "model", "dim", "created"]
    assert columns["documents"] == [
        "id", "path", "name", "title", "department", "year", "kind", "n_pages", "mtime", "size", "parser",
        "text_indexed", "identity",
    ]  # fmt: skip
    assert columns["chunks"] == [
        "id",
        "doc_id",
        "page",
        "source",
        "text",
        "table_id",
        "row",
        "start",
        "end",
        "fact_ids",
    ]
    assert columns["facts"] == ["doc_id", "idx", *FACT_COLUMNS, *SCHEMA_COLUMNS]
    assert not store.db.execute("SELECT name FROM sqlite_master WHERE name = 'postings'").fetchall()
    assert [r[0] for r in store.db.execute("SELECT name FROM _migrations")] == [
        "m001_initial", "m002_parser_version", "m003_fact_schema", "m004_text_index"
    ]  # fmt: skip
    store.close()
    Store(tmp_path / "ix").close()  # reopening applies nothing twice


def test_index_then_reindex_is_a_fast_no_op(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    first = index_paths([corpus_dir], index_dir, "test-hash")
    assert len(first.added) == 2 and not first.failed
    before = _counts(index_dir)
    started = time.monotonic()
    again = index_paths([corpus_dir], index_dir, "test-hash")
    assert time.monotonic() - started < 2.0
    assert (again.added, again.unchanged, again.removed) == ([], 2, [])
    assert _counts(index_dir) == before
    _consistent(index_dir)


def test_facts_are_stored_as_decimal_text(corpus_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("corpus.facts")
    index_paths([corpus_dir / SEED.name], tmp_path / "ix", "test-hash")
    db = sqlite3.connect(tmp_path / "ix" / "index.db")
    types = {r[0] for r in db.execute("SELECT typeof(value) FROM facts")}
    assert types == {"text"}
    assert db.execute("SELECT count(*) FROM facts WHERE value = '54.39'").fetchone()[0] >= 1


def test_changed_file_is_reindexed_and_deleted_file_dropped(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    index_paths([corpus_dir], index_dir, "test-hash")
    second = corpus_dir / "second.txt"
    second.write_text(second.read_text(encoding="utf-8") + "\n补充说明：本年度新增公务用车0辆。\n", encoding="utf-8")
    changed = index_paths([corpus_dir], index_dir, "test-hash")
    assert changed.added == [str(second.resolve())] and changed.unchanged == 1
    db = sqlite3.connect(index_dir / "index.db")
    assert db.execute("SELECT count(*) FROM chunks WHERE text LIKE '%新增公务用车0辆%'").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 2

    second.unlink()
    dropped = index_paths([corpus_dir], index_dir, "test-hash")
    assert dropped.removed == [str(second.resolve())]
    assert db.execute("SELECT name FROM documents").fetchall() == [(SEED.name,)]
    _consistent(index_dir)


def test_touched_file_is_not_reparsed(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    index_paths([corpus_dir], index_dir, "test-hash")
    os.utime(corpus_dir / SEED.name, (time.time() + 10, time.time() + 10))
    report = index_paths([corpus_dir], index_dir, "test-hash")
    assert report.added == [] and report.unchanged == 2


def test_bad_file_is_reported_and_the_rest_indexed(corpus_dir: Path, tmp_path: Path) -> None:
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    report = index_paths([corpus_dir], tmp_path / "ix", "test-hash")
    assert len(report.added) == 2
    failed = dict(report.failed)
    assert failed[str((corpus_dir / "empty.txt").resolve())] == "the file is empty"
    assert str((corpus_dir / "broken.pdf").resolve()) in failed


def test_model_mismatch_is_refused(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    index_paths([corpus_dir / SEED.name], index_dir, "test-hash")
    register_embedder("test-hash-64", lambda: type("H64", (HashEmbedder,), {"name": "test-hash-64", "dim": 64})())
    with pytest.raises(DqaError) as err:
        index_paths([corpus_dir], index_dir, "test-hash-64")
    assert str(err.value) == (
        f"index at {index_dir} was built with model test-hash (dim 32); "
        "re-index with --model test-hash or use a new --index"
    )


def test_repair_removes_orphan_vectors_and_embeds_missing_ones(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    index_paths([corpus_dir], index_dir, "test-hash")
    db = sqlite3.connect(index_dir / "index.db")
    db.execute("PRAGMA foreign_keys=ON")
    n_second = db.execute(
        "SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.name = 'second.txt'"
        " AND c.source = 'text'"
    ).fetchone()[0]
    with db:
        db.execute("DELETE FROM documents WHERE name = 'second.txt'")  # its chunks go, its vectors stay
    store = Store(index_dir)
    assert store.repair(HashEmbedder().encode) == (0, n_second)
    store.close()
    _consistent(index_dir)

    (index_dir / "vectors.faiss").unlink()  # now every chunk has lost its vector
    store = Store(index_dir)
    n_chunks = db.execute("SELECT count(*) FROM chunks WHERE source = 'text'").fetchone()[0]
    assert store.repair(HashEmbedder().encode) == (n_chunks, 0)
    store.close()
    _consistent(index_dir)


def test_hnsw_above_threshold(corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("index.store.HNSW_THRESHOLD", 100)
    index_dir = tmp_path / "ix"
    index_paths([corpus_dir], index_dir, "test-hash")
    assert (index_dir / "vectors.hnsw").exists()
    store = Store(index_dir)
    query = HashEmbedder().encode(["公务用车运行维护费"])[0]
    exact = store.vectors.search(query.reshape(1, -1), 5)[1][0].tolist()
    approx = [i for i, _ in store.dense(query, 5)]
    assert len(set(exact) & set(approx)) >= 4
    one_doc = store.chunk_ids("d.name = ?", (SEED.name,))
    assert {i for i, _ in store.dense(query, 5, one_doc)} <= one_doc
    store.close()


def test_a_new_reader_reparses_unchanged_files(tmp_path: Path) -> None:
    """Documents parsed by an older reader are parsed again, though the file did not change."""
    source = tmp_path / "seed.txt"
    shutil.copy(SEED, source)
    index_paths([source], tmp_path / "ix", model="test-hash")
    store = Store(tmp_path / "ix")
    store.db.execute("UPDATE documents SET parser = 'old'")
    store.close()
    report = index_paths([source], tmp_path / "ix", model="test-hash")
    assert report.added == [str(source)] and report.unchanged == 0


def test_a_folder_copied_with_its_index_is_not_reindexed(tmp_path: Path) -> None:
    """The index inside a corpus folder travels with it: the copy's files are the same documents."""
    original = tmp_path / "a"
    original.mkdir()
    shutil.copy(SEED, original / SEED.name)
    index_paths([original], original / ".dqa", "test-hash")
    copy = tmp_path / "b"
    shutil.copytree(original, copy)
    report = index_paths([copy], copy / ".dqa", "test-hash")
    assert (report.added, report.failed, report.unchanged) == ([], [], 1)
    store = Store(copy / ".dqa")
    assert [r["path"] for r in store.documents()] == [str(copy / SEED.name)]
    store.close()


def test_facts_come_back_from_the_store_exactly_as_extracted(tmp_path: Path) -> None:
    """An open loads the facts written at index time (never re-derived): same values, labels, schema ids."""
    index_paths([SEED], tmp_path / "ix", "test-hash")
    store = Store(tmp_path / "ix")
    doc_id = store.documents()[0]["id"]
    stored = store.facts(doc_id)
    assert stored == document_facts(store.load_document(doc_id))
    assert all(isinstance(f.value, Decimal) for f in stored)
    store.close()


def test_a_crash_before_the_text_index_commits_is_mended_by_the_next_build(corpus_dir: Path, tmp_path: Path) -> None:
    """SQLite has the document, tantivy never committed its chunks: the next build adds them again."""
    index_dir = tmp_path / "ix"
    index_paths([corpus_dir], index_dir, "test-hash")
    store = Store(index_dir)
    seed_id = next(r["id"] for r in store.documents() if r["name"] == SEED.name)
    found = {i for i, _ in store.text.search("公务用车运行维护费", 50, [seed_id])}
    assert found and found <= store.chunk_ids("d.id = ?", (seed_id,))
    store.text.remove(seed_id)
    store.text.commit()
    store.db.execute("UPDATE documents SET text_indexed = 0 WHERE id = ?", (seed_id,))
    store.close()

    store = Store(index_dir)
    assert store.text.search("公务用车运行维护费", 50, [seed_id]) == []
    assert store.unpublished_text() == [seed_id]
    store.close()
    report = index_paths([corpus_dir], index_dir, "test-hash")
    assert report.unchanged == 2 and not report.added
    store = Store(index_dir)
    assert {i for i, _ in store.text.search("公务用车运行维护费", 50, [seed_id])} == found
    assert store.unpublished_text() == []
    store.close()


def test_a_text_met_again_is_embedded_once(corpus_dir: Path, tmp_path: Path) -> None:
    """The two reports share most of their wording: each distinct narrative text is encoded once, and the chunks
    that repeat it get the same vector."""
    encoded: list[str] = []

    class Counting(HashEmbedder):
        name = "test-count"

        def encode(self, texts: list[str]) -> np.ndarray:
            encoded.extend(texts)
            return super().encode(texts)

    register_embedder(Counting.name, Counting)
    index_dir = tmp_path / "ix"
    index_paths([corpus_dir], index_dir, Counting.name)
    db = sqlite3.connect(index_dir / "index.db")
    texts = [r[0] for r in db.execute("SELECT text FROM chunks WHERE source = 'text'")]
    assert len(set(texts)) < len(texts) and sorted(encoded) == sorted(set(texts))
    store = Store(index_dir)
    first, second = db.execute(
        "SELECT min(id), max(id) FROM chunks WHERE source = 'text' GROUP BY text HAVING count(*) > 1"
    ).fetchone()
    assert np.array_equal(store.vectors.reconstruct(first), store.vectors.reconstruct(second))
    assert store.vector_chunk_ids() == store.vector_ids()
    store.close()
