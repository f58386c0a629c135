"""Counts for docs/RELIABILITY.md: invocations and tracebacks per hostile-input test.

The hostile tests log every command they run (in-process, in a child process, or one reader call of the fuzz
test) when DQA_HOSTILE_LOG names a file:

    DQA_HOSTILE_LOG=/tmp/hostile.jsonl HF_HUB_OFFLINE=1 pytest -q tests/test_hostile.py tests/test_hostile_fuzz.py
    python bench/hostile_counts.py /tmp/hostile.jsonl

Prints one Markdown row per test (invocations, exit codes or outcomes seen, tracebacks) and the totals.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path


def main(log: Path) -> None:
    runs: dict[str, list[dict]] = defaultdict(list)
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        runs[record["test"]].append(record)
    print("| test | invocations | outcomes | tracebacks |")
    print("|---|---|---|---|")
    for test, records in runs.items():
        outcomes = Counter(str(r["outcome"]) for r in records)
        shown = ", ".join(f"{o}×{n}" for o, n in sorted(outcomes.items()))
        print(f"| {test} | {len(records)} | {shown} | {sum(r['traceback'] for r in records)} |")
    total = [r for records in runs.values() for r in records]
    print(f"| **total** | {len(total)} | | {sum(r['traceback'] for r in total)} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
