"""Question answering speed: the first answer on a fresh corpus, warm `answer` latency, a 100-question CLI batch,
peak memory.

Usage (from the repo root, venv active):

    python bench/qa_speed.py                        # index samples/ into a temp dir first (timed apart)
    python bench/qa_speed.py --index /tmp/dqa_idx   # reuse (or build once) an index there
    python bench/qa_speed.py --batch-size 200 --rounds 2

0. first answer: `dqa ask` as a whole process on a fresh copy of samples/ (no index, a cold parse cache): what a
   new user waits for; and the terminal app (headless, Textual's Pilot) started on another fresh copy, the question
   typed at once, until the first answer is on screen.
1. warm latency: the library is opened once in this process; every dev question is answered
   `--rounds` times and the very first call (cold caches, lazy imports) is left out; p50/p95/max.
2. batch: `dqa batch Q.jsonl --corpus samples --index DIR --out OUT.jsonl` in a subprocess against the
   already-built index, Q.jsonl being `--batch-size` questions cycled from the dev set. The wall time
   includes the CLI's start-up (imports, model load, index check, fact extraction).
3. memory: peak RSS (ru_maxrss) of this process after the warm run, and of the batch subprocess
   (RUSAGE_CHILDREN; the index build, when it runs, happens in-process, not as a child).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "samples"
DEV = ROOT / "bench" / "questions_dev.jsonl"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def dqa_command() -> list[str]:
    exe = shutil.which("dqa") or str(Path(sys.executable).with_name("dqa"))
    return [exe] if Path(exe).exists() else [sys.executable, "-c", "from cli import main; main()"]


# the terminal app as a new user meets it: started on a folder with no index, the question typed at once; the
# process ends when the first answer is on screen (the vectors may still be computing)
FIRST_TUI_ANSWER = """
import asyncio, sys
from tui import DqaApp
from widgets import HistoryInput

async def first_answer():
    app = DqaApp([sys.argv[1]], sys.argv[2])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.query_one("#question", HistoryInput).value = "how much was spent on official vehicles"
        app.query_one("#question", HistoryInput).focus()
        await pilot.press("enter")
        while not app.records:
            await asyncio.sleep(0.05)
        print(app.records[0].answer.text)
        app.exit()

asyncio.run(first_answer())
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", help="index directory (default: a fresh temp dir, built before timing)")
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--rounds", type=int, default=1, help="times each dev question is answered warm")
    ap.add_argument("--batch-size", type=int, default=100)
    args = ap.parse_args()

    rows = [json.loads(line) for line in Path(args.dev).read_text(encoding="utf-8").splitlines() if line.strip()]
    temp = tempfile.mkdtemp(prefix="dqa_speed_")
    index_dir = args.index or str(Path(temp) / "index")
    try:
        fresh = Path(temp) / "fresh"
        shutil.copytree(SAMPLES, fresh, ignore=shutil.ignore_patterns(".*"))
        env = {**os.environ, "DQA_CACHE": str(Path(temp) / "cache"), "DQA_INDEX": str(Path(temp) / "fresh-index")}
        question = ["ask", "how much was spent on official vehicles", "--corpus", str(fresh)]
        t = time.perf_counter()
        proc = subprocess.run([*dqa_command(), *question], cwd=ROOT, capture_output=True, text=True, env=env)
        first_answer = time.perf_counter() - t
        print(f"first answer on a fresh copy of samples/ (`dqa ask` whole process, index built first): "
              f"{first_answer:.1f}s (load {' '.join(f'{x:.1f}' for x in os.getloadavg())}): "
              f"{(proc.stdout.strip().splitlines() or [proc.stderr.strip()])[0][:90]}")  # fmt: skip

        tui_fresh = Path(temp) / "tui-fresh"
        shutil.copytree(SAMPLES, tui_fresh, ignore=shutil.ignore_patterns(".*"))
        tui_env = {**env, "DQA_CACHE": str(Path(temp) / "tui-cache")}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", FIRST_TUI_ANSWER, str(tui_fresh), str(Path(temp) / "tui-index")],
                              cwd=ROOT, capture_output=True, text=True, env=tui_env)  # fmt: skip
        shown = (proc.stdout.strip() or proc.stderr.strip()[-300:])[:90]
        print(f"first answer on screen in `dqa tui` on a fresh copy of samples/ (launch, type, answer; headless): "
              f"{time.perf_counter() - t:.1f}s: {shown}")  # fmt: skip

        from qa import ask
        from qa.library import Library

        t0 = time.perf_counter()
        lib = Library.open([str(SAMPLES)], index_dir)
        opened = time.perf_counter() - t0
        print(f"library open (index {index_dir}, building it if needed): {opened:.1f}s, {len(lib.documents)} documents")

        latencies: list[float] = []
        first = None
        for _ in range(args.rounds):
            for row in rows:
                t = time.perf_counter()
                ask(lib, row["q"], row["id"], row.get("doc"))
                elapsed = time.perf_counter() - t
                if first is None:
                    first = elapsed
                else:
                    latencies.append(elapsed)
        self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"\nwarm answer() latency over {len(latencies)} calls "
            f"({len(rows)} dev questions x {args.rounds}, first call {first * 1000:.0f} ms excluded):"
        )
        print(
            f"  p50 {percentile(latencies, 50) * 1000:7.1f} ms   p95 {percentile(latencies, 95) * 1000:7.1f} ms   "
            f"mean {statistics.fmean(latencies) * 1000:7.1f} ms   max {max(latencies) * 1000:7.1f} ms"
        )
        print(f"  peak RSS of this process (index open + warm run): {self_rss:.0f} MB")

        questions = Path(temp) / "batch_questions.jsonl"
        out = Path(temp) / "batch_results.jsonl"
        with questions.open("w", encoding="utf-8") as f:
            for n in range(args.batch_size):
                row = rows[n % len(rows)]
                f.write(
                    json.dumps({"id": f"{row['id']}#{n}", "q": row["q"], "doc": row.get("doc")}, ensure_ascii=False)
                    + "\n"
                )
        cmd = [
            *dqa_command(),
            "batch",
            str(questions),
            "--corpus",
            str(SAMPLES),
            "--index",
            index_dir,
            "--out",
            str(out),
        ]
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            sys.exit(f"dqa batch failed with exit code {proc.returncode}")
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
        status = {s: sum(1 for r in records if r["status"] == s) for s in ("answered", "not_found", "error")}
        print(f"\n`dqa batch` of {args.batch_size} questions (cycled dev set), start-up included:")
        print(
            f"  wall {wall:.1f}s  ({wall / max(1, len(records)) * 1000:.0f} ms per question overall)   "
            f"records {len(records)}: {status['answered']} answered, {status['not_found']} not found, "
            f"{status['error']} error(s)"
        )
        print(f"  peak RSS of the batch subprocess: {child_rss:.0f} MB")
        print(f"  command: {' '.join(cmd)}")
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
