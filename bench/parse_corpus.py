"""Parse every Chinese PDF of the shared raw corpus and report pages, tables, facts, failures and speed.

Usage: python bench/parse_corpus.py [CORPUS_DIR] [--workers N]

Files are spread over a process pool (two workers by default, as on the target
machine); the pages/s figure is total pages over wall-clock time.
"""

from __future__ import annotations

import argparse
import re
import time
from multiprocessing import Pool
from pathlib import Path

from corpus.errors import DqaError
from corpus.reader import read_document

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus-raw"
_CJK = re.compile(r"[\u4e00-\u9fff]")

try:
    from corpus.facts import document_facts
except ImportError:  # written by someone else; counted once it lands
    document_facts = None


def chinese_pdfs(corpus: Path) -> list[Path]:
    """PDFs whose path names them in Chinese or which sit in one of the Chinese collections."""
    families = ("govbudgetchecker", "tianbaoxitong", "swu-docagent", "jiangsu-open-budget")
    return sorted(p for p in corpus.rglob("*.pdf") if p.relative_to(corpus).parts[0] in families)


def parse_one(path: Path) -> tuple[str, int, int, int | None, str, float]:
    """(name, pages, tables, facts, error, seconds) for one file; errors are reported, not raised."""
    start = time.perf_counter()
    try:
        doc = read_document(path)
    except DqaError as e:
        return path.name, 0, 0, None, str(e), time.perf_counter() - start
    facts = len(document_facts(doc)) if document_facts is not None else None
    return path.name, len(doc.pages), len(doc.tables), facts, "", time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    files = chinese_pdfs(args.corpus)
    start = time.perf_counter()
    with Pool(args.workers) as pool:
        results = pool.map(parse_one, files, chunksize=1)
    wall = time.perf_counter() - start

    print(f"{'pages':>5} {'tables':>6} {'facts':>6} {'sec':>6}  file")
    for name, pages, tables, facts, error, seconds in results:
        shown = "-" if facts is None else str(facts)
        print(f"{pages:5d} {tables:6d} {shown:>6} {seconds:6.2f}  {name}{'  FAILED: ' + error if error else ''}")
    pages = sum(r[1] for r in results)
    tables = sum(r[2] for r in results)
    facts = sum(r[3] or 0 for r in results)
    failures = sum(1 for r in results if r[4])
    print(
        f"\n{len(files)} files, {pages} pages, {tables} tables, {facts if document_facts else '-'} facts, "
        f"{failures} failures, {wall:.1f} s wall on {args.workers} workers: {pages / wall:.1f} pages/s"
    )


if __name__ == "__main__":
    main()
