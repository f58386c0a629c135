"""How much of the corpus the disclosure schema covers: tables → statements, rows → lines, narrative → items.

Usage: python bench/schema_coverage.py [CORPUS_DIR] [--seed FILE] [--workers N]

Over every Chinese PDF of the shared raw corpus and the seed it reports:
- the share of tables classified to a statement, per family (corpus-raw sub-folder);
- the share of body rows of the standard statements (function, economic, summary, income/expense lines, 三公)
  mapped to a line (target ≥ 98%); a row is counted once per label segment that carries a figure (a two-sided
  summary row counts twice), a header-named line (三公 table) once per column;
- the share of narrative amounts that name a line or narrative item;
- the 30 most frequent unmapped row labels and every unclassified table with its reason.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.parse_corpus import DEFAULT_CORPUS, chinese_pdfs  # noqa: E402
from corpus.cache import load_document  # noqa: E402
from corpus.classify import classify_document  # noqa: E402
from corpus.facts import document_facts  # noqa: E402
from corpus.schema import load_schema  # noqa: E402

DEFAULT_SEED = ROOT.parent / "shared" / "seed" / "000_4730eaab2517dbc6.txt"


def measure(path: Path) -> dict:
    """Counts for one report (run in a worker)."""
    schema = load_schema()
    doc = load_document(path)
    result = classify_document(doc, schema)
    facts = document_facts(doc)
    out: dict = {"tables": 0, "classified": 0, "rows": 0, "mapped": 0, "unmapped": Counter(), "other": []}
    for table in doc.tables:
        tc = result.tables[table.id]
        out["tables"] += 1
        if tc.statement:
            out["classified"] += 1
        else:
            out["other"].append((path.name, table.id, table.title, tc.reason))
    seen: set = set()
    for fact in facts:
        if fact.source != "table" or fact.statement in (None, "other"):
            continue
        statement = schema.statements[fact.statement]
        if not statement.standard:
            continue
        if statement.line_from == "header":
            key: tuple = (fact.table_id, "col", fact.col)
            label = fact.label_path[-1] if fact.label_path else ""
        else:
            row = result.rows.get((fact.table_id, fact.row, fact.col))
            label = f"{row.code} {row.label}".strip() if row else ""
            key = (fact.table_id, fact.row, label)
        if key in seen:
            continue
        seen.add(key)
        out["rows"] += 1
        if fact.line:
            out["mapped"] += 1
        else:
            reason = row.reason if statement.line_from == "row" and row else "header names no line"
            out["unmapped"][(label, reason, statement.id)] += 1
    text = [f for f in facts if f.source == "text" and f.kind in ("money", "count")]
    out["text"] = len(text)
    out["text_mapped"] = sum(1 for f in text if f.line)
    out["facts"] = len(facts)
    return out


def family(path: Path, corpus: Path) -> str:
    try:
        return path.relative_to(corpus).parts[0]
    except ValueError:
        return "seed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    files = chinese_pdfs(args.corpus) + ([args.seed] if args.seed.is_file() else [])
    start = time.perf_counter()
    with Pool(args.workers) as pool:
        results = pool.map(measure, files, chunksize=1)
    wall = time.perf_counter() - start

    by_family: dict[str, list[int]] = {}
    unmapped: Counter = Counter()
    others: list = []
    rows = mapped = text = text_mapped = 0
    for path, r in zip(files, results, strict=True):
        counts = by_family.setdefault(family(path, args.corpus), [0, 0, 0, 0])
        counts[0] += r["tables"]
        counts[1] += r["classified"]
        counts[2] += r["rows"]
        counts[3] += r["mapped"]
        rows += r["rows"]
        mapped += r["mapped"]
        text += r["text"]
        text_mapped += r["text_mapped"]
        unmapped.update(r["unmapped"])
        others.extend(r["other"])

    print(f"{'family':<22} {'tables':>6} {'classified':>10} {'share':>7} {'rows':>6} {'mapped':>6} {'share':>7}")
    for name, (t, c, n, m) in sorted(by_family.items()):
        print(f"{name:<22} {t:6d} {c:10d} {c / t if t else 1:7.1%} {n:6d} {m:6d} {m / n if n else 1:7.1%}")
    tables = sum(v[0] for v in by_family.values())
    classified = sum(v[1] for v in by_family.values())
    print(
        f"\n{len(files)} reports: {classified}/{tables} tables classified ({classified / tables:.1%}); "
        f"{mapped}/{rows} body rows of the standard statements mapped to a line ({mapped / rows:.2%}); "
        f"{text_mapped}/{text} narrative amounts (money, counts) name a line or item ({text_mapped / text:.1%}); "
        f"{wall:.1f} s"
    )
    print("\nunmapped row labels (top 30): count  label  [reason]  statement")
    for (label, reason, statement), n in unmapped.most_common(30):
        print(f"  {n:4d}  {label or '(none)'}  [{reason}]  {statement}")
    print(f"\nunclassified tables ({len(others)}):")
    for name, table_id, title, reason in others:
        print(f"  {name} {table_id} “{title[:40]}”: {reason}")


if __name__ == "__main__":
    main()
