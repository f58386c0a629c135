"""Report identity: `dqa reports --json` over the Chinese PDFs of corpus-raw against bench/heldout/reports_gold.jsonl.

Usage (from the repo root, venv active):

    python bench/reports_eval.py --corpus /tmp/raw35 --index /tmp/ix35   # a copy of corpus-raw's four Chinese folders
    python bench/reports_eval.py                                          # corpus-raw itself, indexed into a temp dir

The gold file (written before the code, from the PDFs alone; never tuned on) gives every file's body, year, kind,
scope, level, region, body type and part. `dqa reports` is run as a user runs it (a subprocess); a document is
matched to its gold line by its path under the corpus folder.

Scored: body (the full Chinese name, exactly), year, kind — the target is every file right on all three — and,
reported beside them, scope (部门/单位), level, region, body type and part. Every misread is listed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "heldout" / "reports_gold.jsonl"
RAW = Path("/work/shared/corpus-raw")
DIRS = ("govbudgetchecker", "tianbaoxitong", "jiangsu-open-budget", "swu-docagent")
TARGET = ("body", "year", "kind")
BESIDE = ("scope", "level", "region", "body_type", "part")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(RAW), help="folder holding the four Chinese folders of corpus-raw")
    ap.add_argument("--index", help="index directory (default: a temp dir)")
    args = ap.parse_args()

    corpus = Path(args.corpus)
    index = args.index or tempfile.mkdtemp(prefix="dqa-reports-")
    dqa = shutil.which("dqa", path=str(Path(sys.executable).parent)) or "dqa"
    run = subprocess.run(
        [dqa, "reports", "--json", "--index", index, *(str(corpus / d) for d in DIRS)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if run.returncode != 0:
        sys.exit(f"dqa reports failed ({run.returncode}): {run.stderr.strip()}")
    got = {}
    for line in run.stdout.splitlines():
        row = json.loads(line)
        got[Path(row["file"]).resolve().relative_to(corpus.resolve()).as_posix()] = row
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]

    right = {f: 0 for f in (*TARGET, *BESIDE)}
    all_three = 0
    misreads = []
    for g in gold:
        row = got.get(g["file"])
        if row is None:
            misreads.append(f"{g['file']}: not listed")
            continue
        ok = {f: row.get(f) == g[f] for f in right}
        for f, hit in ok.items():
            right[f] += hit
        all_three += all(ok[f] for f in TARGET)
        for f in (f for f, hit in ok.items() if not hit):
            misreads.append(f"{g['file']}: {f} gold {g[f]!r}, got {row.get(f)!r} ({row['evidence'].get(f, '')})")
    n = len(gold)
    print(f"files: {n} (gold), {len(got)} listed by dqa reports")
    print(f"body, year and kind all right: {all_three}/{n} = {all_three / n:.1%}")
    for f in (*TARGET, *BESIDE):
        print(f"  {f:<10} {right[f]}/{n} = {right[f] / n:.1%}")
    print(f"\nmisreads ({len(misreads)}):")
    for m in misreads:
        print(f"- {m}")


if __name__ == "__main__":
    main()
