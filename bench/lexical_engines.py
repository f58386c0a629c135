"""Which lexical engine: today's hand-kept BM25 postings in SQLite, SQLite's FTS5 (bm25()), or tantivy.

    python bench/lexical_engines.py --reports 1000 [--root /tmp/dqa-scale] [--tokens jieba bigram]

Quality: every engine ranks the chunks of the bundled samples for the retrieval questions (the 14 answerable
seed questions and bench/questions_samples.jsonl, restricted to their report as bench/retrieval.py does, English
questions expanded with the glossary) and is scored like bench/retrieval.py's lexical mode: R@1, R@5, MRR.
Speed and size: the chunks of `--reports` generated reports (bench/scale.py) are tokenized and indexed by each
engine; then 40 questions are asked corpus-wide and within one report (top 50 each): build seconds, size on disk,
query p50/p95. Tokens are jieba's search mode (today) or CJK character bigrams (no dictionary to load).
Engines get identical token lists, so they differ only in how they store and rank them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from retrieval import SAMPLE_QUESTIONS, SEED_QUESTIONS, _rounds_to_gold, gold_patterns, load  # noqa: E402
from scale import generate  # noqa: E402

from corpus.facts import document_facts  # noqa: E402
from corpus.reader import read_document  # noqa: E402
from index.chunks import document_chunks  # noqa: E402
from index.glossary import expand_query  # noqa: E402
from index.lexical import tokenize  # noqa: E402

K1, B = 1.2, 0.75
LIMIT = 50


def jieba_tokens(text: str) -> list[str]:
    """The product's tokens with jieba search-mode words for CJK runs instead of character bigrams."""
    import jieba

    return tokenize(text, jieba.cut_for_search)


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {"jieba": jieba_tokens, "bigram": tokenize}  # bigram: ours


class Postings:
    """Today's engine: (term, chunk, tf) rows in SQLite, BM25 summed in Python per query term."""

    name = "postings"

    def __init__(self, folder: Path) -> None:
        self.path = folder / "postings.db"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE chunks (id INTEGER PRIMARY KEY, doc TEXT, n_tokens INTEGER)")
        self.db.execute("CREATE INDEX chunks_doc ON chunks (doc)")
        self.db.execute(
            "CREATE TABLE postings (term TEXT NOT NULL, chunk_id INTEGER NOT NULL, tf INTEGER NOT NULL,"
            " PRIMARY KEY (term, chunk_id)) WITHOUT ROWID"
        )
        self.db.execute("CREATE INDEX postings_chunk ON postings (chunk_id)")

    def add(self, doc: str, first_id: int, tokens: list[list[str]]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            for i, toks in enumerate(tokens, start=first_id):
                counts = Counter(toks)
                self.db.execute("INSERT INTO chunks VALUES (?, ?, ?)", (i, doc, len(toks)))
                self.db.executemany("INSERT INTO postings VALUES (?, ?, ?)", [(t, i, n) for t, n in counts.items()])

    def search(self, terms: list[str], doc: str | None) -> list[int]:
        allowed = {r[0] for r in self.db.execute("SELECT id FROM chunks WHERE doc = ?", (doc,))} if doc else None
        n_docs, avg_len = self.db.execute("SELECT count(*), avg(n_tokens) FROM chunks").fetchone()
        scores: dict[int, float] = {}
        for term in dict.fromkeys(terms):
            rows = self.db.execute(
                "SELECT p.chunk_id, p.tf, c.n_tokens FROM postings p JOIN chunks c ON c.id = p.chunk_id"
                " WHERE p.term = ?",
                (term,),
            ).fetchall()
            if not rows:
                continue
            ids, tf, length = (np.array(col, dtype=np.float64) for col in zip(*rows, strict=True))
            idf = np.log(1 + (n_docs - len(rows) + 0.5) / (len(rows) + 0.5))
            part = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg_len))
            for chunk_id, score in zip(ids.astype(np.int64).tolist(), part.tolist(), strict=True):
                if allowed is None or chunk_id in allowed:
                    scores[chunk_id] = scores.get(chunk_id, 0.0) + score
        return [i for i, _ in sorted(scores.items(), key=lambda kv: -kv[1])[:LIMIT]]

    def size(self) -> int:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.path.stat().st_size


class Fts5:
    """SQLite FTS5 over our own tokens (space-joined; unicode61 keeps '54.39' whole), ranked by bm25()."""

    def __init__(self, folder: Path, detail: str = "full") -> None:
        self.name = "fts5" if detail == "full" else f"fts5-{detail}"
        self.path = folder / f"{self.name}.db"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE chunks (id INTEGER PRIMARY KEY, doc TEXT)")
        self.db.execute("CREATE INDEX chunks_doc ON chunks (doc)")
        tokenizer = "unicode61 tokenchars '.'"
        self.db.execute(f'CREATE VIRTUAL TABLE chunk_terms USING fts5(terms, tokenize="{tokenizer}", detail={detail})')

    def add(self, doc: str, first_id: int, tokens: list[list[str]]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            rows = list(enumerate(tokens, start=first_id))
            self.db.executemany("INSERT INTO chunks VALUES (?, ?)", [(i, doc) for i, _ in rows])
            self.db.executemany(
                "INSERT INTO chunk_terms (rowid, terms) VALUES (?, ?)", [(i, " ".join(t)) for i, t in rows]
            )

    def search(self, terms: list[str], doc: str | None) -> list[int]:
        match = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
        if not match:
            return []
        if doc:
            lo, hi = self.db.execute("SELECT min(id), max(id) FROM chunks WHERE doc = ?", (doc,)).fetchone()
            sql = (
                "SELECT rowid FROM chunk_terms WHERE chunk_terms MATCH ? AND rowid BETWEEN ? AND ?"
                " ORDER BY rank LIMIT ?"
            )
            return [r[0] for r in self.db.execute(sql, (match, lo, hi, LIMIT))]
        sql = "SELECT rowid FROM chunk_terms WHERE chunk_terms MATCH ? ORDER BY rank LIMIT ?"
        return [r[0] for r in self.db.execute(sql, (match, LIMIT))]

    def size(self) -> int:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.path.stat().st_size


class Tantivy:
    """tantivy over our own tokens (whitespace tokenizer, term frequencies kept), BM25 by tantivy."""

    name = "tantivy"

    def __init__(self, folder: Path) -> None:
        import tantivy

        self.t = tantivy
        self.path = folder / "tantivy"
        self.path.mkdir()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field("doc", tokenizer_name="raw", index_option="basic")
        builder.add_unsigned_field("id", stored=True)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=str(self.path))
        self.writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        self.searcher = None

    def add(self, doc: str, first_id: int, tokens: list[list[str]]) -> None:
        for i, toks in enumerate(tokens, start=first_id):
            self.writer.add_document(self.t.Document(terms=" ".join(toks), doc=doc, id=i))

    def finish(self) -> None:
        self.writer.commit()
        self.writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, terms: list[str], doc: str | None) -> list[int]:
        t = self.t
        should = [(t.Occur.Should, t.Query.term_query(self.schema, "terms", term)) for term in dict.fromkeys(terms)]
        if not should:
            return []
        query = t.Query.boolean_query(should)
        if doc:
            query = t.Query.boolean_query(
                [(t.Occur.Must, query), (t.Occur.Must, t.Query.term_query(self.schema, "doc", doc))]
            )
        hits = self.searcher.search(query, LIMIT).hits
        return [self.searcher.doc(address)["id"][0] for _, address in hits]

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())


ENGINES: dict[str, Callable[[Path], object]] = {
    "postings": Postings,
    "fts5": Fts5,
    "fts5-column": lambda folder: Fts5(folder, "column"),
    "tantivy": Tantivy,
}


def chunk_texts(path: str) -> tuple[str, list[str]]:
    doc = read_document(path)
    return doc.name, [c.text for c in document_chunks(doc, document_facts(doc))]


def build(engine_name: str, folder: Path, docs: list[tuple[str, list[list[str]]]]) -> tuple[object, float]:
    engine = ENGINES[engine_name](folder)
    started = time.perf_counter()
    first = 1
    for name, tokens in docs:
        engine.add(name, first, tokens)  # type: ignore[attr-defined]
        first += len(tokens)
    if hasattr(engine, "finish"):
        engine.finish()
    return engine, time.perf_counter() - started


def quality(engines: list[str], tokenizers: list[str]) -> None:
    docs = [chunk_texts(str(p)) for p in sorted((ROOT / "samples").iterdir()) if p.suffix in (".pdf", ".txt")]
    questions = load(SEED_QUESTIONS) + load(SAMPLE_QUESTIONS)
    print(f"quality: {len(questions)} questions over the {len(docs)} sample reports (lexical only, within the report)")
    print(f"{'tokens':<8}{'engine':<13}{'R@1':>6}{'R@5':>6}{'MRR':>7}")
    for tok in tokenizers:
        tokenize = TOKENIZERS[tok]
        tokenized = [(name, [tokenize(t) for t in texts]) for name, texts in docs]
        texts_by_id = {i: t for i, t in enumerate((t for _, texts in docs for t in texts), start=1)}
        for engine_name in engines:
            with tempfile.TemporaryDirectory() as tmp:
                engine, _ = build(engine_name, Path(tmp), tokenized)
                ranks = []
                for q in questions:
                    patterns = gold_patterns(q)
                    hits = engine.search(tokenize(expand_query(q["q"])), q["doc"])[:10]  # type: ignore[attr-defined]
                    rank = next(
                        (
                            i
                            for i, h in enumerate(hits, 1)
                            if any(p.search(texts_by_id[h].replace("\n", "")) for p in patterns)
                            or _rounds_to_gold(texts_by_id[h], q)
                        ),
                        None,
                    )
                    ranks.append(rank)
                n = len(ranks)
                r1 = sum(r == 1 for r in ranks) / n
                r5 = sum(r is not None and r <= 5 for r in ranks) / n
                mrr = sum(1 / r for r in ranks if r) / n
                print(f"{tok:<8}{engine_name:<13}{r1:>6.2f}{r5:>6.2f}{mrr:>7.3f}")


def speed(n: int, root: Path, engines: list[str], tokenizers: list[str]) -> None:
    paths = generate(n, root / str(n))
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        docs = pool.map(chunk_texts, [str(p) for p in paths], chunksize=16)
    n_chunks = sum(len(t) for _, t in docs)
    print(f"\nspeed: {n} generated reports, {n_chunks} chunks (parsed in {time.perf_counter() - started:.0f}s)")
    questions = [q for q in load(SEED_QUESTIONS) + load(SAMPLE_QUESTIONS)][:40]
    names = [name for name, _ in docs]
    print(f"{'tokens':<8}{'engine':<13}{'tokenize ms/chunk':>18}{'build s':>9}{'chunks/s':>10}{'MB':>8}"
          f"{'all p50':>9}{'all p95':>9}{'doc p50':>9}{'doc p95':>9}")  # fmt: skip
    for tok in tokenizers:
        tokenize = TOKENIZERS[tok]
        tokenize("预热")
        started = time.perf_counter()
        tokenized = [(name, [tokenize(t) for t in texts]) for name, texts in docs]
        tok_ms = (time.perf_counter() - started) / n_chunks * 1000
        queries = [tokenize(expand_query(q["q"])) for q in questions]
        for engine_name in engines:
            folder = Path(tempfile.mkdtemp(prefix="dqa-engine-", dir=root))
            try:
                engine, seconds = build(engine_name, folder, tokenized)
                size = engine.size() / 2**20  # type: ignore[attr-defined]
                timings: dict[str, list[float]] = {"all": [], "doc": []}
                for i, terms in enumerate(queries):
                    for mode, doc in (("all", None), ("doc", names[(i * 7919) % len(names)])):
                        t0 = time.perf_counter()
                        engine.search(terms, doc)  # type: ignore[attr-defined]
                        timings[mode].append((time.perf_counter() - t0) * 1000)
                p = {m: (statistics.median(v), float(np.percentile(v, 95))) for m, v in timings.items()}
                cells = f"{tok_ms:>18.2f}{seconds:>9.1f}{n_chunks / seconds:>10.0f}{size:>8.1f}"
                cells += "".join(f"{p[m][i]:>9.1f}" for m in ("all", "doc") for i in (0, 1))
                print(f"{tok:<8}{engine_name:<13}{cells}", flush=True)
            finally:
                shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="*", default=[1000])
    parser.add_argument("--root", type=Path, default=Path("/tmp/dqa-scale"))
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    parser.add_argument("--tokens", nargs="+", default=list(TOKENIZERS), choices=list(TOKENIZERS))
    args = parser.parse_args()
    quality(args.engines, args.tokens)
    for n in args.reports:
        speed(n, args.root, args.engines, args.tokens)


if __name__ == "__main__":
    main()
