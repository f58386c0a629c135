"""Comparison questions across reports: questions fully right, cell accuracy, "not stated" precision, latency.

Usage (from the repo root, venv active):

    python bench/compare_eval.py                        # index the Chinese PDFs into a temp dir first
    python bench/compare_eval.py --index /tmp/cmp_idx   # reuse (or build once) an index there
    python bench/compare_eval.py --corpus /tmp/raw35 --index /tmp/ix35   # a copy of corpus-raw's Chinese folders
    python bench/compare_eval.py --questions bench/heldout/questions_compare.jsonl   # the held-out set
    python bench/compare_eval.py --show                 # also print every row, gold vs system

Corpus: the Chinese PDFs of corpus-raw (govbudgetchecker/, tianbaoxitong/, jiangsu-open-budget/,
swu-docagent/; the template 附件2 is left out). Questions and gold tables (read in the PDFs):
{"id", "q", "rows": [{"label", "yuan", "doc"}]}, yuan a decimal string, or null when the report does
not state the item. Default set: bench/questions_compare.jsonl (the tune set).

A gold row is matched to the system's row of the same report: the row citing (or listing) the gold's
doc, else by what its label names — the body, the year (trend rows), 部门预算/单位预算 (a body's
department vs unit budget: scope and kind), or the item (side-by-side rows).

Scoring:
  fully right          every gold cell right, no row for a report out of scope, and for a ranking of bodies
                       the right one first (the largest, or the smallest when the question asks for least)
  cell accuracy        stated with the same yuan, or not stated when gold is null; a missing row is wrong
  confident wrong      cells stated with a figure that is not the gold one (or stated where gold is null)
  not-stated precision of the rows the system calls not stated, the share whose gold is null
  warm latency         mean and max seconds per question after the library is loaded
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RAW = Path("/work/shared/corpus-raw")
DIRS = ("govbudgetchecker", "tianbaoxitong", "jiangsu-open-budget", "swu-docagent")
QUESTIONS = ROOT / "bench" / "questions_compare.jsonl"
_LEAST = re.compile(r"\b(least|lowest|smallest|fewest)\b|最少|最低|最小", re.I)
_SCOPE_KIND = re.compile(r"^(部门|单位)(预算|决算)$")


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for d in DIRS for p in (root / d).rglob("*.pdf") if "模板" not in p.name)


@dataclass
class Scored:
    correct: int = 0
    cells: int = 0
    wrong_stated: int = 0
    said_absent: int = 0
    truly_absent: int = 0
    extra: list[str] = field(default_factory=list)
    top_ok: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def fully_right(self) -> bool:
        return self.correct == self.cells and not self.extra and self.top_ok


def _docs(row: dict) -> set[str]:
    return {d.strip() for d in (row.get("doc") or "").split(",") if d.strip()}


def _names(gold: dict, row: dict) -> bool:
    """Whether a system row is about what the gold row's label names."""
    label = gold["label"]
    if label == row["label"]:
        return True
    if re.fullmatch(r"20\d\d", label):
        return row.get("year") == int(label)
    m = _SCOPE_KIND.match(label)
    if m:
        return row.get("scope") == m.group(1) and row.get("kind") == m.group(2)
    return label in (row.get("body"), row["label"].split(" ")[0])


def match(gold: dict, table: list[dict], taken: set[int]) -> int | None:
    """The index of the system row for this gold row: by its doc first, then by what its label names."""
    free = [i for i in range(len(table)) if i not in taken]
    for i in free:
        if gold.get("doc") in _docs(table[i]) and _names(gold, table[i]):
            return i
    for i in free:
        if _names(gold, table[i]):
            return i
    return None


def score(question: str, gold_rows: list[dict], table: list[dict]) -> Scored:
    s = Scored(cells=len(gold_rows))
    taken: set[int] = set()
    for gold in gold_rows:
        i = match(gold, table, taken)
        got = table[i] if i is not None else None
        if i is not None:
            taken.add(i)
        want = None if gold["yuan"] is None else Decimal(gold["yuan"])
        have = None if got is None or got["status"] != "stated" else Decimal(got["yuan"])
        ok = got is not None and have == want
        s.correct += ok
        s.wrong_stated += have is not None and have != want
        if got is not None and got["status"] == "not_stated":
            s.said_absent += 1
            s.truly_absent += want is None
        s.notes.append(
            f"{'✓' if ok else '✗'} {gold['label']}: gold {want if want is not None else 'not stated'}, "
            f"system {'(no row)' if got is None else have if have is not None else 'not stated'}"
            + (f" [{got['label']}; {got['doc']}]" if got is not None else "")
        )
    s.extra = [f"{table[i]['label']} ({table[i]['doc']})" for i in range(len(table)) if i not in taken]
    s.said_absent += sum(1 for i in range(len(table)) if i not in taken and table[i]["status"] == "not_stated")
    bodies = len({g.get("doc") for g in gold_rows}) > 1 and not any(
        re.fullmatch(r"20\d\d", g["label"]) or _SCOPE_KIND.match(g["label"]) for g in gold_rows
    )  # a ranking of bodies, not one report's items side by side
    stated = [g for g in gold_rows if g["yuan"] is not None]
    if bodies and len(gold_rows) > 1 and stated and table:
        pick = min if _LEAST.search(question) else max
        best = pick(Decimal(g["yuan"]) for g in stated)
        first = next((r for r in table if r["status"] == "stated"), None)
        s.top_ok = first is not None and any(Decimal(g["yuan"]) == best and _names(g, first) for g in stated)
        if not s.top_ok:
            s.notes.append(f"✗ first row {first['label'] if first else '(none)'}, gold top {best}")
    return s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="index directory to reuse or build (default: a temp dir)")
    parser.add_argument("--corpus", default=str(RAW), help="folder holding the four Chinese folders of corpus-raw")
    parser.add_argument("--questions", default=str(QUESTIONS), help="question file (default: the tune set)")
    parser.add_argument("--show", action="store_true", help="print every row, gold vs system")
    args = parser.parse_args()

    from qa import ask
    from qa.library import Library

    index_dir = Path(args.index) if args.index else Path(tempfile.mkdtemp(prefix="dqa-compare-"))
    started = time.perf_counter()
    library = Library.open(corpus_files(Path(args.corpus)), index_dir)
    print(
        f"library: {len(library.documents)} reports, {sum(map(len, library.facts.values()))} facts, "
        f"opened in {time.perf_counter() - started:.1f}s ({index_dir})"
    )

    path = Path(args.questions)
    questions = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    total = Scored()
    right = 0
    times: list[float] = []
    for item in questions:
        t0 = time.perf_counter()
        record, _ = ask(library, item["q"], item["id"])
        times.append(time.perf_counter() - t0)
        s = score(item["q"], item["rows"], [row.model_dump() for row in record.table])
        right += s.fully_right
        for name in ("correct", "cells", "wrong_stated", "said_absent", "truly_absent"):
            setattr(total, name, getattr(total, name) + getattr(s, name))
        mark = "✓" if s.fully_right else "✗"
        print(f"{mark} {item['id']:>5} {s.correct}/{s.cells} cells  {item['q']}")
        if args.show or not s.fully_right:
            print(f"        {record.answer.text if record.answer else record.error}")
            for note in s.notes:
                print(f"        {note}")
            for extra in s.extra:
                print(f"        + extra row {extra}")
    n = len(questions)
    print(f"\nset: {path.name}  questions: {n}  cells: {total.cells}")
    print(f"questions fully right:  {right}/{n} = {right / n:.1%}")
    print(f"cell accuracy:          {total.correct}/{total.cells} = {total.correct / total.cells:.1%}")
    print(f"confident wrong cells:  {total.wrong_stated}")
    absent = total.said_absent
    precision = f"{total.truly_absent}/{absent} = {total.truly_absent / absent:.1%}" if absent else "n/a"
    print(f"not-stated precision:   {precision}")
    print(
        f"warm latency per comparison: mean {sum(times) / len(times):.3f}s, max {max(times):.3f}s; "
        f"whole set {sum(times):.2f}s"
    )


if __name__ == "__main__":
    main()
