"""Cell accuracy of the table parsers against the hand-verified gold tables in tests/gold/.

Usage (from the repo root, venv active):

    python bench/gold_accuracy.py            # one line per gold table, then the total
    python bench/gold_accuracy.py --diff     # also list the differing cells
    python bench/gold_accuracy.py js19_p9_sangong putuo_js_szzb   # only these fixtures

For each gold table the parsed table is the one on the gold's first page whose title contains
the gold title (whitespace ignored; if none does, any table starting on that page), and among
several candidates the one with the most equal cells. Grids are compared position by position
over the union of both shapes, so a missing or extra row/column counts as wrong cells.

tests/test_gold_tables.py loads this file for the same matching and scoring.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "gold"
SAMPLES = ROOT / "samples"

_WS = re.compile(r"\s+")


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.json"))


def load_gold(path: Path) -> dict:
    gold = json.loads(path.read_text(encoding="utf-8"))
    gold["name"] = path.stem
    return gold


def gold_grid(gold: dict) -> list[list[str]]:
    return [list(r) for r in gold["header"]] + [list(r) for r in gold["body"]]


def norm_title(title: str) -> str:
    return _WS.sub("", title or "")


def score(expected: list[list[str]], got: list[list[str]]) -> tuple[int, int, list[tuple[int, int, str, str]]]:
    """(equal cells, cells in the union of both shapes, differences as (row, col, want, got))."""
    total = equal = 0
    diffs: list[tuple[int, int, str, str]] = []
    for r in range(max(len(expected), len(got))):
        want_row = expected[r] if r < len(expected) else []
        got_row = got[r] if r < len(got) else []
        for c in range(max(len(want_row), len(got_row))):
            total += 1
            want = want_row[c] if c < len(want_row) else None
            have = got_row[c] if c < len(got_row) else None
            if want is not None and have is not None and want == have:
                equal += 1
            else:
                diffs.append((r, c, "<missing>" if want is None else want, "<missing>" if have is None else have))
    return equal, total, diffs


def pick_table(doc, gold: dict):
    """The parsed table that corresponds to the gold table, or None."""
    first = gold["pages"][0]
    on_page = [t for t in doc.tables if t.pages and t.pages[0] == first]
    want = norm_title(gold["title"])
    titled = [t for t in on_page if want and want in norm_title(t.title)]
    candidates = titled or on_page
    if not candidates:
        return None
    grid = gold_grid(gold)
    return max(candidates, key=lambda t: score(grid, t.grid())[0])


@dataclass
class Result:
    name: str
    gold: dict
    equal: int = 0
    total: int = 0
    header_ok: bool | None = None
    shape: tuple[int, int] | None = None
    error: str = ""
    diffs: list[tuple[int, int, str, str]] = field(default_factory=list)


def _read(file: str, cache: dict):
    if file not in cache:
        from corpus.reader import read_document

        try:
            cache[file] = read_document(SAMPLES / file)
        except Exception as exc:  # a broken parser is a result here, not a crash
            cache[file] = exc
    return cache[file]


def evaluate(gold: dict, cache: dict) -> Result:
    grid = gold_grid(gold)
    res = Result(gold["name"], gold)
    doc = _read(gold["file"], cache)
    if isinstance(doc, Exception):
        res.error = f"read failed: {type(doc).__name__}: {doc}"
        res.total = sum(len(r) for r in grid)
        return res
    table = pick_table(doc, gold)
    if table is None:
        res.error = f"no table starting on page {gold['pages'][0]}"
        res.total = sum(len(r) for r in grid)
        return res
    got = table.grid()
    res.equal, res.total, res.diffs = score(grid, got)
    res.header_ok = len(table.header_rows) == len(gold["header"])
    res.shape = (len(got), max((len(r) for r in got), default=0))
    return res


def main(argv: list[str]) -> int:
    show_diff = "--diff" in argv
    names = [a for a in argv if not a.startswith("-")]
    paths = [p for p in gold_files() if not names or p.stem in names]
    cache: dict = {}
    equal = total = header_ok = 0
    print(f"{'gold table':28} {'file':28} {'pages':8} {'gold':>6} {'parsed':>6} {'cells':>11} {'acc':>7}  header")
    for path in paths:
        gold = load_gold(path)
        res = evaluate(gold, cache)
        equal += res.equal
        total += res.total
        header_ok += bool(res.header_ok)
        g = gold_grid(gold)
        gshape = f"{len(g)}x{len(g[0]) if g else 0}"
        pshape = f"{res.shape[0]}x{res.shape[1]}" if res.shape else "-"
        pct = 100.0 * res.equal / res.total if res.total else 0.0
        split = {None: "-", True: "ok", False: "WRONG"}[res.header_ok]
        pages = (
            "-".join(str(p) for p in (gold["pages"][0], gold["pages"][-1]))
            if len(gold["pages"]) > 1
            else str(gold["pages"][0])
        )
        line = (
            f"{res.name:28} {gold['file'][:28]:28} {pages:8} {gshape:>6} {pshape:>6} "
            f"{res.equal:>5}/{res.total:<5} {pct:6.1f}%  {split}"
        )
        print(line + (f"  [{res.error}]" if res.error else ""))
        if show_diff:
            for r, c, want, have in res.diffs[:40]:
                print(f"      [{r},{c}] want {want!r} got {have!r}")
            if len(res.diffs) > 40:
                print(f"      ... {len(res.diffs) - 40} more")
    pct = 100.0 * equal / total if total else 0.0
    print(f"header split: {header_ok}/{len(paths)} tables")
    print(f"cell accuracy: {equal}/{total} = {pct:.1f}%")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
