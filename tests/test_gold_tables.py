"""Parsed tables equal the hand-verified gold tables in tests/gold/, cell for cell.

Each fixture was checked by eye against the rendered PDF page (or the text file's lines); see its
"notes" for the conventions (merged cell text once at its top-left, "" elsewhere; wrapped labels
joined; spurious all-empty rule rows omitted). Matching and scoring are shared with
bench/gold_accuracy.py, which reports the same comparison as a cell accuracy.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from corpus.reader import read_document

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "samples"

_spec = importlib.util.spec_from_file_location("gold_accuracy", ROOT / "bench" / "gold_accuracy.py")
assert _spec and _spec.loader
gold_accuracy = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("gold_accuracy", gold_accuracy)
_spec.loader.exec_module(gold_accuracy)

GOLD = [gold_accuracy.load_gold(p) for p in gold_accuracy.gold_files()]


def test_gold_fixtures_are_well_formed():
    assert len(GOLD) >= 12
    for gold in GOLD:
        grid = gold_accuracy.gold_grid(gold)
        assert grid, gold["name"]
        assert (SAMPLES / gold["file"]).is_file(), gold["name"]
        width = len(grid[0])
        assert all(len(r) == width for r in grid), f"{gold['name']}: ragged rows"
        assert all(isinstance(c, str) for r in grid for c in r), gold["name"]
        assert all(any(c for c in r) for r in grid), f"{gold['name']}: an all-empty row"
        assert gold["title"] and gold["verified"] and gold["pages"] == sorted(gold["pages"]), gold["name"]


@pytest.fixture(scope="module")
def documents():
    """Each sample read once per module; a read error is kept and re-raised by every test that needs it."""
    cache: dict = {}

    def get(file: str):
        if file not in cache:
            try:
                cache[file] = read_document(SAMPLES / file)
            except Exception as exc:
                cache[file] = exc
        doc = cache[file]
        if isinstance(doc, Exception):
            raise doc
        return doc

    return get


def _table(documents, gold):
    table = gold_accuracy.pick_table(documents(gold["file"]), gold)
    assert table is not None, f"no parsed table starts on page {gold['pages'][0]} of {gold['file']}"
    return table


@pytest.mark.parametrize("gold", GOLD, ids=[g["name"] for g in GOLD])
def test_gold_grid(documents, gold):
    table = _table(documents, gold)
    want = gold_accuracy.gold_grid(gold)
    got = table.grid()
    if got != want:
        equal, total, diffs = gold_accuracy.score(want, got)
        shown = "\n".join(f"  [{r},{c}] want {w!r} got {h!r}" for r, c, w, h in diffs[:25])
        more = f"\n  ... {len(diffs) - 25} more" if len(diffs) > 25 else ""
        pytest.fail(
            f"{gold['name']}: {equal}/{total} cells equal; gold {len(want)}x{len(want[0])}, "
            f"parsed {len(got)}x{max((len(r) for r in got), default=0)}\n{shown}{more}"
        )


@pytest.mark.parametrize("gold", GOLD, ids=[g["name"] for g in GOLD])
def test_gold_structure(documents, gold):
    table = _table(documents, gold)
    assert len(table.header_rows) == len(gold["header"]), "header/body split"
    assert table.unit == gold["unit"], "unit"
    assert table.pages == gold["pages"], "pages"
    assert gold_accuracy.norm_title(gold["title"]) in gold_accuracy.norm_title(table.title), "title"
