"""Comparison questions across reports: cell accuracy, "not stated" precision, warm latency.

Usage (from the repo root, venv active):

    python bench/compare_eval.py                        # index the Chinese PDFs into a temp dir first
    python bench/compare_eval.py --index /tmp/cmp_idx   # reuse (or build once) an index there
    python bench/compare_eval.py --show                 # also print every row, gold vs system

Corpus: the Chinese PDFs of /work/shared/corpus-raw (govbudgetchecker/, tianbaoxitong/,
jiangsu-open-budget/, swu-docagent/; the template 附件2 is left out). Questions and gold tables
(read in the PDFs) are bench/questions_compare.jsonl: {"id", "q", "rows": [{"label", "yuan"}]},
yuan a decimal string, or null when the report does not state the item.

Scoring, per gold row (matched to the system's row by label):
  cell accuracy        stated with the same yuan, or not stated when gold is null; a missing row is wrong
  not-stated precision of the rows the system calls not stated, the share whose gold is null
  warm latency         mean and max seconds per question after the library is loaded
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RAW = Path("/work/shared/corpus-raw")
DIRS = ("govbudgetchecker", "tianbaoxitong", "jiangsu-open-budget", "swu-docagent")
QUESTIONS = ROOT / "bench" / "questions_compare.jsonl"


def corpus_files() -> list[Path]:
    return sorted(p for d in DIRS for p in (RAW / d).rglob("*.pdf") if "模板" not in p.name)


def score(gold_rows: list[dict], table: list[dict]) -> tuple[int, int, int, int, list[str]]:
    """(correct cells, gold cells, system not-stated rows, of them truly absent, row notes)."""
    by_label = {row["label"]: row for row in table}
    correct, notes = 0, []
    for gold in gold_rows:
        got = by_label.get(gold["label"])
        want = None if gold["yuan"] is None else Decimal(gold["yuan"])
        have = None if got is None or got["status"] != "stated" else Decimal(got["yuan"])
        ok = got is not None and have == want
        correct += ok
        notes.append(
            f"{'✓' if ok else '✗'} {gold['label']}: gold {want if want is not None else 'not stated'}, "
            f"system {'(no row)' if got is None else have if have is not None else 'not stated'}"
        )
    gold_absent = {g["label"] for g in gold_rows if g["yuan"] is None}
    said_absent = [r for r in table if r["status"] == "not_stated"]
    return correct, len(gold_rows), len(said_absent), sum(r["label"] in gold_absent for r in said_absent), notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="index directory to reuse or build (default: a temp dir)")
    parser.add_argument("--show", action="store_true", help="print every row, gold vs system")
    args = parser.parse_args()

    from qa import ask
    from qa.library import Library

    index_dir = Path(args.index) if args.index else Path(tempfile.mkdtemp(prefix="dqa-compare-"))
    started = time.perf_counter()
    library = Library.open(corpus_files(), index_dir)
    print(
        f"library: {len(library.documents)} reports, {sum(map(len, library.facts.values()))} facts, "
        f"opened in {time.perf_counter() - started:.1f}s ({index_dir})"
    )

    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    totals = [0, 0, 0, 0]
    times: list[float] = []
    for item in questions:
        t0 = time.perf_counter()
        record, _ = ask(library, item["q"], item["id"])
        times.append(time.perf_counter() - t0)
        result = score(item["rows"], [row.model_dump() for row in record.table])
        totals = [a + b for a, b in zip(totals, result[:4], strict=True)]
        print(f"{item['id']:>5} {result[0]}/{result[1]} cells  {item['q']}")
        if args.show or result[0] < result[1]:
            print(f"        {record.answer.text if record.answer else record.error}")
            for note in result[4]:
                print(f"        {note}")
    correct, cells, said_absent, truly_absent = totals
    print(f"\nquestions: {len(questions)}  cells: {cells}")
    print(f"cell accuracy:          {correct}/{cells} = {correct / cells:.1%}")
    precision = f"{truly_absent}/{said_absent} = {truly_absent / said_absent:.1%}" if said_absent else "n/a"
    print(f"not-stated precision:   {precision}")
    print(
        f"warm latency per comparison: mean {sum(times) / len(times):.3f}s, max {max(times):.3f}s; "
        f"whole set {sum(times):.2f}s"
    )


if __name__ == "__main__":
    main()
