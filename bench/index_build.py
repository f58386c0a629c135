"""Index build cost on the Chinese raw corpus, `dqa ask` as a whole process, warm query latency, size, memory,
HNSW recall.

    python bench/index_build.py [--index DIR] [--model NAME]

Builds a fresh index of ../shared/corpus-raw/{govbudgetchecker, tianbaoxitong,
swu-docagent, jiangsu-open-budget} in its two phases (documents, then vectors),
times an unchanged re-index and `dqa ask` run as a user runs it (median of 3, peak
RSS), then measures search on it. The HNSW section compares the graph against exact
search at the corpus size and at HNSW_THRESHOLD vectors (the corpus vectors plus
jittered copies), to show what the switch costs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import faiss  # noqa: E402
from scale import run  # noqa: E402

from index.build import embed_vectors, index_paths  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.store import HNSW_EF_SEARCH, HNSW_THRESHOLD, Store, build_hnsw  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus-raw"
SETS = ("govbudgetchecker", "tianbaoxitong", "swu-docagent", "jiangsu-open-budget")
ASK = ("上海市财政局25年预算.pdf", "2025年公务接待费预算是多少？")  # (doc, question): one report named
QUERIES = (
    "how much was spent on official vehicles", "三公经费预算数是多少", "政府采购支出", "机关运行经费",
    "What was total fiscal appropriation expenditure?", "一般公共服务支出决算数", "住房公积金",
    "basic expenditure personnel expenses", "公务接待费", "education expenditure budget",
)  # fmt: skip


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MB (Linux KB units)."""
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    )


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _dqa() -> str:
    return shutil.which("dqa") or str(Path(sys.executable).with_name("dqa"))


def _timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and the first output line of one command run as a user runs it."""
    wall, peak, proc = run(cmd)
    return wall, peak, (proc.stdout.strip().splitlines() or [proc.stderr.strip()[-100:]])[0][:100]


def hnsw_recall(flat: faiss.IndexIDMap2, n_queries: int = 200, k: int = 10) -> tuple[float, float, float]:
    """Recall@k of HNSW against exact search, and the two mean query times in ms."""
    graph = build_hnsw(flat)
    faiss.downcast_index(graph.index).hnsw.efSearch = HNSW_EF_SEARCH
    rng = np.random.default_rng(0)
    vectors = flat.index.reconstruct_n(0, flat.ntotal)
    queries = vectors[rng.choice(flat.ntotal, size=min(n_queries, flat.ntotal), replace=False)]
    queries = queries + rng.normal(0, 0.02, queries.shape).astype(np.float32)
    faiss.normalize_L2(queries)
    t0 = time.perf_counter()
    _, exact = flat.search(queries, k)
    t1 = time.perf_counter()
    _, approx = graph.search(queries, k)
    t2 = time.perf_counter()
    recall = np.mean([len(set(a) & set(e)) / k for a, e in zip(approx, exact, strict=True)])
    return float(recall), (t1 - t0) / len(queries) * 1000, (t2 - t1) / len(queries) * 1000


def scaled(flat: faiss.IndexIDMap2, n: int) -> faiss.IndexIDMap2:
    """The corpus vectors plus jittered copies up to n vectors (same distribution, more of it)."""
    base = flat.index.reconstruct_n(0, flat.ntotal)
    rng = np.random.default_rng(1)
    reps = -(-n // len(base))
    vectors = np.concatenate([base + rng.normal(0, 0.05, base.shape).astype(np.float32) for _ in range(reps)])[:n]
    faiss.normalize_L2(vectors)
    out = faiss.IndexIDMap2(faiss.IndexFlatIP(flat.d))
    out.add_with_ids(vectors, np.arange(n, dtype=np.int64))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=None)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    index_dir = Path(args.index or tempfile.mkdtemp(prefix="dqa-build-"))
    started = time.monotonic()
    report = index_paths([CORPUS / s for s in SETS], index_dir, args.model, vectors=False)
    documents_s = time.monotonic() - started
    embedded, _ = embed_vectors(index_dir)
    elapsed = time.monotonic() - started
    store = Store(index_dir)
    pages, docs, chunks = store.db.execute(
        "SELECT (SELECT sum(n_pages) FROM documents), (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks)"
    ).fetchone()
    print(f"corpus: {', '.join(SETS)} (load average {load()})")
    print(
        f"build: {docs} documents, {pages} pages, {chunks} chunks in {elapsed:.1f}s = {chunks / elapsed:.0f} chunks/s"
    )
    print(
        f"  documents phase (answers from here on): {documents_s:.1f}s = {chunks / documents_s:.0f} chunks/s, "
        f"{pages / documents_s:.1f} pages/s"
    )
    print(f"  vectors phase: {elapsed - documents_s:.1f}s for {embedded} vectors = "
          f"{embedded / max(elapsed - documents_s, 1e-9):.0f} chunks/s")  # fmt: skip
    print(f"failed: {len(report.failed)}")
    for path, reason in report.failed:
        print(f"  {path}: {reason}")

    started = time.monotonic()
    again = index_paths([CORPUS / s for s in SETS], index_dir, args.model)
    print(f"no-op re-index: {time.monotonic() - started:.2f}s ({again.unchanged} unchanged)")
    for doc, question in ((ASK[0], ASK[1]), (None, "上海市财政局2025年公务接待费预算是多少？")):
        corpus = [arg for s in SETS for arg in ("--corpus", str(CORPUS / s))]
        cmd = [_dqa(), "ask", question, *corpus, "--index", str(index_dir)]
        runs = [_timed([*cmd, *(["--doc", doc] if doc else [])]) for _ in range(3)]
        print(f"`dqa ask` whole process ({'--doc ' + doc if doc else 'no report named'}): median "
              f"{statistics.median(r[0] for r in runs):.2f}s, peak RSS {max(r[1] for r in runs):.0f} MB "
              f"(load {load()}): {runs[0][2]}")  # fmt: skip

    searcher = Searcher(index_dir)
    for mode in ("hybrid", "lexical"):
        for q in QUERIES:  # warm up: model weights, SQLite pages
            searcher.search(q, 5, mode=mode)
        times = []
        for _ in range(3):
            for q in QUERIES:
                t0 = time.perf_counter()
                searcher.search(q, 5, mode=mode)
                times.append((time.perf_counter() - t0) * 1000)
        print(f"warm query latency ({mode}, k=5, {len(times)} queries): p50 {np.percentile(times, 50):.1f} ms, "
              f"p95 {np.percentile(times, 95):.1f} ms")  # fmt: skip
    size = sum(f.stat().st_size for f in index_dir.iterdir() if f.is_file())
    print(f"index size on disk: {size / 2**20:.1f} MB ({index_dir})")
    self_mb, child_mb = peak_mb()
    print(f"peak RSS: main process {self_mb:.0f} MB, largest parse worker {child_mb:.0f} MB")

    flat = store.vectors
    recall, exact_ms, hnsw_ms = hnsw_recall(flat)
    print(
        f"HNSW vs exact at {flat.ntotal} vectors: recall@10 {recall:.3f}, {exact_ms:.2f} ms vs {hnsw_ms:.2f} ms/query"
    )
    big = scaled(flat, HNSW_THRESHOLD)
    recall, exact_ms, hnsw_ms = hnsw_recall(big)
    print(f"HNSW vs exact at HNSW_THRESHOLD={HNSW_THRESHOLD} vectors: recall@10 {recall:.3f}, "
          f"{exact_ms:.2f} ms vs {hnsw_ms:.2f} ms/query")  # fmt: skip
    store.close()
    searcher.close()


if __name__ == "__main__":
    main()
