"""Questions without a file: how many answers cite a report of another body than the one the question is about.

Usage (from the repo root, venv active; the index must already hold the corpus, e.g. built by bench/qa_eval.py):

    python bench/nodoc_bodies.py --index /tmp/ix35n --set bench/heldout/questions_nodoc.jsonl

Each question is asked over the whole index with no file named. An answer counts as "another body" when none of
the reports it cites is by the gold report's body (`doc` of the question), or when a question whose gold is not
found gets a figure at all. Only the totals are printed: the set is held out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, help="an index that already holds the corpus")
    ap.add_argument("--set", required=True, help="question file: {id, q, doc, gold}")
    args = ap.parse_args()

    from qa import ask
    from qa.library import Library

    library = Library.open([], args.index)
    by_name = {d.name: d for d in library.documents.values()}
    questions = [json.loads(line) for line in Path(args.set).read_text(encoding="utf-8").splitlines() if line.strip()]
    answered = rows = other = 0
    for q in questions:
        record, _ = ask(library, q["q"], q["id"])
        if record.status != "answered":
            continue
        answered += 1
        rows += bool(record.table)
        gold = by_name.get(q.get("doc") or "")
        bodies = {
            by_name[c.doc].identity.body for c in record.citations if c.doc in by_name and by_name[c.doc].identity
        }
        other += gold is None or (gold.identity is not None and gold.identity.body not in bodies)
    print(f"questions: {len(questions)}; answered: {answered} (with one row per report: {rows})")
    print(f"answers citing another body than the question's: {other}")


if __name__ == "__main__":
    main()
