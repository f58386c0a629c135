"""`dqa ask` as a whole process on the 35 real reports and on the 10k generated ones, runs interleaved so that both
sizes meet the same machine load: issue 15's "within 1.2× of the 35-report figure at 10k".

    python bench/index_build.py --index /tmp/bench_ix35          # the 35-report index
    python bench/scale.py generate --reports 10000 --out /tmp/dqa-scale/10000   # and index it once (dqa index)
    python bench/ask_sizes.py --ix35 /tmp/bench_ix35 --corpus10k /tmp/dqa-scale/10000 --ix10k /tmp/dqa-scale/10000.index

Prints the median, minimum and every run of each case, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "corpus-raw"
SETS = ("govbudgetchecker", "tianbaoxitong", "swu-docagent", "jiangsu-open-budget")
DQA = [sys.executable, "-c", "import sys; from cli import main; sys.argv[0] = 'dqa'; sys.exit(main())"]


def cases(ix35: str, corpus10k: str, ix10k: str) -> dict[str, list[str]]:
    raw = [a for s in SETS for a in ("--corpus", str(RAW / s))]
    big = ["--corpus", corpus10k, "--index", ix10k]
    target = sorted(os.listdir(corpus10k))[len(os.listdir(corpus10k)) // 2]  # a generated report, its body in its name
    body_year = target.split("_", 1)[1].split("年度")[0]
    question = f"{body_year}年公务接待费是多少？"
    return {
        "35, report named": [*DQA, "ask", "2025年公务接待费预算是多少？", *raw, "--index", ix35,
                             "--doc", "上海市财政局25年预算.pdf"],
        "35, no report named": [*DQA, "ask", "2025年公务接待费预算是多少？", *raw, "--index", ix35],
        "10k, report named": [*DQA, "ask", question, *big, "--doc", target],
        "10k, no report named": [*DQA, "ask", question, *big],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ix35", required=True)
    parser.add_argument("--corpus10k", required=True)
    parser.add_argument("--ix10k", required=True)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    todo = cases(args.ix35, args.corpus10k, args.ix10k)
    times: dict[str, list[float]] = {name: [] for name in todo}
    for _ in range(args.runs):
        for name, cmd in todo.items():
            started = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True, cwd=ROOT)
            times[name].append(time.perf_counter() - started)
    for name, runs in times.items():
        print(f"{name}: median {statistics.median(runs):.2f} s, min {min(runs):.2f} s, runs "
              + " ".join(f"{t:.2f}" for t in sorted(runs)))  # fmt: skip
    print("load average", " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
