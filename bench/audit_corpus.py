"""Audit every Chinese PDF of the shared raw corpus: findings per document and rule, and the audit phase's own time.

Usage: python bench/audit_corpus.py [CORPUS_DIR] [--workers N] [--show warning|error|info]

Documents are parsed (or served from the cache) through `corpus.cache.load_document` on a process pool; facts are
derived and the audit then runs in this process, timed alone. The held-out reports of
bench/heldout/audit_reports.txt are marked and counted apart: their findings are the ones docs/AUDIT.md lists as
real or false, by hand.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

from audit import Finding, at_least, audit_document
from bench.audit_mutations import heldout
from bench.parse_corpus import DEFAULT_CORPUS, chinese_pdfs
from corpus.cache import load_document
from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.model import Document


def load(path: Path) -> Document | str:
    try:
        return load_document(path)
    except DqaError as exc:
        return str(exc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show", choices=["info", "warning", "error"], help="also print findings of this severity")
    args = parser.parse_args()
    files = chinese_pdfs(args.corpus)
    held_out = heldout()
    start = time.perf_counter()
    with Pool(args.workers) as pool:
        docs = pool.map(load, files, chunksize=1)
    parse_wall = time.perf_counter() - start

    audit_seconds = 0.0
    totals: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    pages: Counter[bool] = Counter()
    rules: Counter[str] = Counter()
    print(f"{'pages':>5} {'error':>5} {'warn':>5} {'info':>5} {'sec':>6}  file")
    for path, doc in zip(files, docs, strict=True):
        if isinstance(doc, str):
            print(f"{0:5d} {'':>5} {'':>5} {'':>5} {0:6.2f}  {path.name}  FAILED: {doc}")
            continue
        facts = document_facts(doc)
        t0 = time.perf_counter()
        findings = audit_document(doc, facts)
        seconds = time.perf_counter() - t0
        audit_seconds += seconds
        count = Counter(f.severity for f in findings)
        held = path.name in held_out
        totals[held].update(count)
        pages[held] += len(doc.pages)
        rules.update(f.rule for f in at_least(findings, "warning"))
        mark = "  [held-out]" if held else ""
        print(
            f"{len(doc.pages):5d} {count['error']:5d} {count['warning']:5d} {count['info']:5d} {seconds:6.2f}  "
            f"{path.relative_to(args.corpus)}{mark}"
        )
        if args.show:
            for finding in at_least(findings, args.show):
                print(_line(finding))
    for held, name in ((False, "tuning"), (True, "held-out")):
        t = totals[held]
        per10 = (t["warning"] + t["error"]) / pages[held] * 10 if pages[held] else 0
        print(
            f"{name}: {pages[held]} pages, {t['error']} errors, {t['warning']} warnings, {t['info']} info "
            f"({per10:.2f} warning+ per 10 pages)"
        )
    print("warning+ by rule: " + ", ".join(f"{rule} {n}" for rule, n in rules.most_common()))
    print(
        f"{len(files)} files, {sum(pages.values())} pages; parse/load {parse_wall:.1f} s on {args.workers} workers, "
        f"audit {audit_seconds:.2f} s"
    )


def _line(finding: Finding) -> str:
    pages = ",".join(str(e.page) for e in finding.evidence)
    return f"    [{finding.severity}] {finding.rule}/{finding.kind} p{pages}: {finding.message}"


if __name__ == "__main__":
    main()
