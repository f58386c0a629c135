"""Cost against corpus size: generated reports at 100, 1k and 10k, indexed and asked the way a user does.

    python bench/scale.py generate --reports 1000 --out /tmp/dqa-scale/1000
    python bench/scale.py measure --reports 100 1000 10000 --root /tmp/dqa-scale --results /tmp/dqa-scale/results.jsonl
    python bench/scale.py plot --results /tmp/dqa-scale/results.jsonl --out docs/scale.png  # PNG of the figures

Reports are generated from real templates: the seed text report and every Chinese PDF of ../shared/corpus-raw
(read once by our reader and written back as the tab-cell text the text reader parses, one in ten as .docx).
Each copy gets another body (region × department type), another year (every year in the text shifted alike),
its amounts scaled by one factor (decimal amounts only, so codes, years and counts stay), and some narrative
lines dropped or reordered, so chunks and postings are as varied as a real folder of reports.

`measure` runs the real command line in subprocesses at each size, on a fresh index and a cold parse cache: the
first `dqa ask` (it writes the documents, then answers: the time to a first answer), then `dqa index` (the
vectors); their sum is the build (chunks/s, peak RSS of the process tree sampled from /proc, index size on disk).
Then an unchanged re-index, `dqa ask` as a whole process (median of 3, one report named and none; peak RSS),
one comparison across reports, and the warm in-process answer latency. Each size appends one JSON line to
--results, with the load average beside the timings: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.cache import load_document  # noqa: E402
from corpus.model import Document  # noqa: E402

RAW = ROOT.parent / "shared" / "corpus-raw"
TEMPLATE_SETS = ("govbudgetchecker", "tianbaoxitong", "swu-docagent", "jiangsu-open-budget")
SEED = ROOT / "samples" / "000_4730eaab2517dbc6.txt"
REGIONS = (
    "上海市普陀区", "上海市静安区", "上海市徐汇区", "江苏省", "江苏省南京市", "江苏省苏州市吴中区",
    "四川省资阳市雁江区", "四川省成都市武侯区", "重庆市北碚区", "浙江省杭州市西湖区", "广东省深圳市南山区",
    "湖北省武汉市洪山区",
)  # fmt: skip
BODIES = (
    "财政局", "司法局", "民政局", "教育局", "商务委员会", "人民政府办公室", "卫生健康委员会", "文化和旅游局",
    "规划和自然资源局", "生态环境局", "人力资源和社会保障局", "住房和城乡建设管理委员会", "审计局", "统计局",
    "市场监督管理局", "人民检察院", "人民法院", "人大常委会办公厅", "政协办公厅", "街道办事处", "社会福利院", "档案馆",
)  # fmt: skip
_YEAR = re.compile(r"(?<![\d.])(20[0-3]\d)(?![\d.]|\.\d)")
_AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)\.(\d{1,4})(?![\d%])")
QUESTION = "{body}{year}年公务接待费是多少？"
COMPARISON = "哪个部门{year}年公务接待费最多？"


# -- templates and variation --------------------------------------------------------------------


def templates() -> list[tuple[str, Document]]:
    """(text in the tab-cell format, the parsed template) for the seed and every Chinese PDF of corpus-raw."""
    out = [(SEED.read_text(encoding="utf-8"), load_document(SEED))]
    for name in TEMPLATE_SETS:
        for path in sorted((RAW / name).rglob("*.pdf")):
            doc = load_document(path)
            out.append((document_text(doc), doc))
    return out


def document_text(doc: Document) -> str:
    """A document written back as the text reader's format: prose lines; a table is its title and unit line,
    then one TAB-led line per cell, rows apart by a blank line, two blank lines after it."""
    lines: list[str] = []
    for page in doc.pages:
        for block in page.blocks:
            if block.kind == "paragraph":
                lines.append(block.text)
                continue
            if block.title and (not lines or lines[-1] != block.title):
                lines.append(block.title if "表" in block.title else f"{block.title}表")
            if block.unit:
                lines.append(f"单位：{block.unit}")
            for row in block.grid():
                lines.append("")
                lines.extend("\t" + cell.replace("\n", "") for cell in row)
            lines += ["", ""]
    return "\n".join(lines) + "\n"


class Variation:
    """One generated report's changes to its template: body, year shift, amount factor, dropped lines."""

    def __init__(self, rng: random.Random, template: Document, index: int) -> None:
        self.rng = rng
        self.body = f"{REGIONS[index % len(REGIONS)]}{BODIES[(index // len(REGIONS)) % len(BODIES)]}"
        self.old_body = template.department
        self.year = 2016 + rng.randrange(10)
        self.shift = self.year - (template.year or self.year)
        self.factor = Decimal(rng.randrange(40, 260)) / 100

    def text(self, text: str) -> str:
        if self.old_body and len(self.old_body) >= 4:
            text = text.replace(self.old_body, self.body)
        text = _YEAR.sub(lambda m: str(int(m.group(1)) + self.shift), text)
        return _AMOUNT.sub(self._scaled, text)

    def _scaled(self, m: re.Match[str]) -> str:
        whole, frac = m.group(1), m.group(2)
        value = Decimal(f"{whole.replace(',', '')}.{frac}") * self.factor
        printed = str(value.quantize(Decimal(1).scaleb(-len(frac)), rounding=ROUND_HALF_UP))
        if "," in whole:
            head, tail = printed.split(".")
            printed = f"{int(head):,}.{tail}"
        return printed

    def keep(self, line: str) -> bool:
        """Narrative without a figure is dropped one time in six, so bodies differ in wording too."""
        return bool(re.search(r"\d|表|单位|^\t|^\s*$", line)) or self.rng.random() > 1 / 6


def generate(n: int, out: Path, seed: int = 15) -> list[Path]:
    """n reports under `out` (kept when already there), one in ten as .docx."""
    out.mkdir(parents=True, exist_ok=True)
    existing = sorted(p for p in out.iterdir() if p.suffix in (".txt", ".docx"))
    if len(existing) == n:
        return existing
    shutil.rmtree(out)
    out.mkdir(parents=True)
    bases = templates()
    paths = []
    for i in range(n):
        rng = random.Random(seed * 100_003 + i)
        text, template = bases[i % len(bases)]
        v = Variation(rng, template, i)
        kind = template.kind if template.kind != "other" else "决算"
        stem = f"{i:05d}_{v.body}{v.year}年度部门{kind}"
        # a cover line names the body and the year, as real reports open: the body is in every copy even where the
        # template never names its own (tables-only files); a serial line under it keeps two reports of one body,
        # year and template from being byte for byte alike (13 pairs were, at 10,000)
        cover = [stem.split("_", 1)[1], f"公开编号：{i:05d}"]
        lines = [*cover, *(v.text(line) for line in text.split("\n") if v.keep(line))]
        if i % 10 == 9:
            paths.append(write_docx(out / f"{stem}.docx", lines))
        else:
            path = out / f"{stem}.txt"
            path.write_text("\n".join(lines), encoding="utf-8")
            paths.append(path)
    return paths


def write_docx(path: Path, lines: list[str]) -> Path:
    """The same report as a Word file: prose lines as paragraphs, TAB-cell runs as real tables."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush_table() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for row, cells in zip(rows, (r.cells for r in table.rows), strict=True):
                for cell, text in zip(cells, row, strict=False):
                    cell.text = text
            rows.clear()

    blank = False
    for line in lines:
        if line.startswith("\t"):
            if blank or not rows:
                rows.append([])
            rows[-1].append(line[1:])
            blank = False
        elif not line.strip():
            blank = True
        else:
            flush_table()
            document.add_paragraph(line)
            blank = False
    flush_table()
    document.save(str(path))
    return path


# -- measuring ----------------------------------------------------------------------------------


class TreeRss:
    """Peak resident memory of a process and all its descendants, sampled from /proc every 0.2 s."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(p) for p in _tree(self.pid)))
            time.sleep(0.2)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds, peak RSS (MB) and the finished process of one command: the peak of the process itself (GNU
    time's %M) or, when it has workers, of the whole process tree as sampled."""
    with tempfile.NamedTemporaryFile("r") as peak_kb:
        started = time.perf_counter()
        proc = subprocess.Popen(
            ["/usr/bin/time", "-f", "%M", "-o", peak_kb.name, *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env={**os.environ, **(env or {})},
        )  # fmt: skip
        tree = TreeRss(proc.pid)
        out, err = proc.communicate()
        wall = time.perf_counter() - started
        own = peak_kb.read().strip().splitlines()
        peak = max(tree.stop(), int(own[-1]) / 1024 if own and own[-1].isdigit() else 0.0)
    return wall, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(n: int, root: Path, dqa: list[str], label: str) -> dict:
    corpus = root / str(n)
    started = time.perf_counter()
    paths = generate(n, corpus)
    generated = time.perf_counter() - started
    index_dir = root / f"{n}.{label}.index"
    cache = root / f"{n}.{label}.cache"  # a cold parse cache: every report is read, as on a first build
    for folder in (index_dir, cache):
        shutil.rmtree(folder, ignore_errors=True)
    env = {"DQA_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    result: dict = {"reports": n, "generated_s": round(generated, 1), "load_before": load()}
    target = paths[len(paths) // 2]
    body, year = _body_year(target.name)
    ask = [*dqa, "ask", QUESTION.format(body=body, year=year), "--corpus", str(corpus), "--index", str(index_dir)]
    # as a user meets it: the first question on a new folder writes the documents and answers; `dqa index` then
    # computes the vectors; the build is the two together
    first, first_peak, proc = run([*ask, "--doc", target.name], env)
    if proc.returncode != 0:
        sys.exit(f"dqa ask failed: {proc.stderr[-2000:]}")
    vectors, vectors_peak, proc = run([*dqa, "index", str(corpus), "--index", str(index_dir)], env)
    if proc.returncode != 0:
        sys.exit(f"dqa index failed: {proc.stderr[-2000:]}")
    chunks, facts = _counts(index_dir)
    wall = first + vectors
    result.update(
        first_answer_s=round(first, 1), documents_chunks_per_s=round(chunks / first, 1), vectors_s=round(vectors, 1),
        build_s=round(wall, 1), chunks=chunks, facts=facts, chunks_per_s=round(chunks / wall, 1),
        build_peak_mb=round(max(first_peak, vectors_peak)), index_mb=round(_size_mb(index_dir), 1),
        load_after_build=load(),
    )  # fmt: skip
    wall, _, proc = run([*dqa, "index", str(corpus), "--index", str(index_dir)], env)
    result["reindex_s"] = round(wall, 2)
    result["reindex_status"] = proc.stderr.strip().splitlines()[-1][:100] if proc.stderr.strip() else ""
    runs = [run([*ask, "--doc", target.name], env) for _ in range(3)]
    result["ask_s"] = round(statistics.median(r[0] for r in runs), 2)
    result["ask_peak_mb"] = round(max(r[1] for r in runs))
    result["ask_status"] = _status(runs[0][2])
    runs = [run(ask, env) for _ in range(3)]
    result["ask_nodoc_s"] = round(statistics.median(r[0] for r in runs), 2)
    result["ask_nodoc_peak_mb"] = round(max(r[1] for r in runs))
    wall, peak, proc = run([*dqa, "ask", COMPARISON.format(year=year), "--corpus", str(corpus), "--index",
                            str(index_dir)], env)  # fmt: skip
    result.update(compare_s=round(wall, 2), compare_peak_mb=round(peak), compare_status=_status(proc))
    warm = [sys.executable, "-c", WARM, str(corpus), str(index_dir), ask[2], target.name]
    wall, _, proc = run(warm, env)
    result["warm_p50_ms"] = float(proc.stdout.strip()) if proc.returncode == 0 else proc.stderr.strip()[-200:]
    result["load_end"] = load()
    return result


# one library opened, the question answered 21 times, the first (cold caches) left out: p50 in ms
WARM = """
import statistics, sys, time
import qa
from qa.library import Library
if __name__ == "__main__":
    corpus, index_dir, question, doc = sys.argv[1:]
    library = Library.open([corpus], index_dir)
    times = []
    for _ in range(21):
        started = time.perf_counter()
        qa.ask(library, question, doc=doc)
        times.append((time.perf_counter() - started) * 1000)
    print(round(statistics.median(times[1:]), 1))
"""


def _status(proc: subprocess.CompletedProcess[str]) -> str:
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''}"
    return proc.stdout.strip().splitlines()[0][:80] if proc.stdout.strip() else ""


def _body_year(name: str) -> tuple[str, str]:
    m = re.match(r"\d+_(.+?)(20\d\d)年度", name)
    return (m.group(1), m.group(2)) if m else ("", "")


def _counts(index_dir: Path) -> tuple[int, int]:
    import sqlite3

    db = sqlite3.connect(index_dir / "index.db")
    try:
        return db.execute("SELECT (SELECT count(*) FROM chunks), (SELECT count(*) FROM facts)").fetchone()
    finally:
        db.close()


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


# -- plot ---------------------------------------------------------------------------------------


def plot(results: list[Path], out: Path) -> None:
    """Four panels against the number of reports, one line per label (before / after)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [json.loads(line) for path in results for line in path.read_text(encoding="utf-8").splitlines() if line]
    series: dict[str, list[dict]] = {}
    for row in rows:
        series.setdefault(row.get("label", "after"), []).append(row)
    panels = (
        ("time to index (s)", ("build_s", "first_answer_s"), True),
        ("`dqa ask` whole process (s)", ("ask_s", "ask_nodoc_s", "compare_s"), True),
        ("`dqa ask` peak RSS (MB)", ("ask_peak_mb",), False),
        ("index on disk (MB)", ("index_mb",), True),
    )
    names = {
        "build_s": "build (documents + vectors)", "first_answer_s": "first answer on a new folder",
        "ask_s": "one report named", "ask_nodoc_s": "no report named", "compare_s": "a comparison",
        "ask_peak_mb": "one report named", "index_mb": "index",
    }  # fmt: skip
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for ax, (title, keys, log_y) in zip(axes.flat, panels, strict=True):
        for label, points in series.items():
            for key in keys:
                found = sorted((p for p in points if isinstance(p.get(key), int | float)), key=lambda p: p["reports"])
                if found:
                    style = "o-" if label == "after" else "s--"
                    x, y = [p["reports"] for p in found], [p[key] for p in found]
                    ax.plot(x, y, style, label=f"{label}: {names[key]}")
        ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log")
        ax.set_xlabel("generated reports in the index")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("dqa cost against corpus size (bench/scale.py; 2 shared cores, load average in the results)")
    fig.tight_layout()
    fig.savefig(out, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write generated reports into a folder")
    gen.add_argument("--reports", type=int, required=True)
    gen.add_argument("--out", type=Path, required=True)
    mea = sub.add_parser("measure", help="index and ask at each size; one JSON line per size")
    mea.add_argument("--reports", type=int, nargs="+", default=[100, 1000, 10000])
    mea.add_argument("--root", type=Path, default=Path("/tmp/dqa-scale"))
    mea.add_argument("--results", type=Path, default=Path("/tmp/dqa-scale/results.jsonl"))
    mea.add_argument("--dqa", default="dqa", help="the command to run (e.g. an older checkout's wrapper)")
    mea.add_argument("--label", default="after", help="series name in the plot")
    plo = sub.add_parser("plot", help="the PNG of cost against corpus size")
    plo.add_argument("--results", type=Path, nargs="+", default=[Path("/tmp/dqa-scale/results.jsonl")])
    plo.add_argument("--out", type=Path, default=ROOT / "docs" / "scale.png")
    args = parser.parse_args()
    if args.command == "generate":
        print(f"{len(generate(args.reports, args.out))} reports in {args.out}")
    elif args.command == "measure":
        args.results.parent.mkdir(parents=True, exist_ok=True)
        for n in args.reports:
            result = {"label": args.label, **measure(n, args.root, shlex.split(args.dqa), args.label)}
            print(json.dumps(result, ensure_ascii=False), flush=True)
            with args.results.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        plot(args.results, args.out)


if __name__ == "__main__":
    main()
