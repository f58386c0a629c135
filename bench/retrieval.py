"""Retrieval quality: recall@1, recall@5 and MRR for BM25, dense and hybrid, side by side, and hybrid as it ranks
when table rows have vectors too (the figure that decided to embed narrative chunks only).

A hit is "answer-bearing" when it contains the gold amount in any money unit the
report may print it in (543900 yuan ↔ "54.39万元" in a sentence, or "54.39" in a
table row whose unit is 万元); bench/questions_samples.jsonl adds the sentence
substring each gold was verified against.

    python bench/retrieval.py                      # indexes samples/ into a temp dir first
    python bench/retrieval.py --index .dqa --model NAME
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.build import index_paths  # noqa: E402
from index.glossary import expand_query  # noqa: E402
from index.search import CANDIDATES, DENSE_WEIGHT, LEXICAL_WEIGHT, Filters, Searcher, rrf  # noqa: E402

SEED_QUESTIONS = ROOT.parent / "shared" / "eval" / "seed_questions.jsonl"
SAMPLE_QUESTIONS = ROOT / "bench" / "questions_samples.jsonl"
MODES = ("lexical", "dense", "hybrid", "hybrid+tables")
DEPTH = 10
UNITS = {"元": Decimal(1), "百元": Decimal(100), "千元": Decimal(1000), "万元": Decimal(10000)}


def gold_patterns(question: dict) -> list[re.Pattern[str]]:
    """Regexes that find the gold amount as the reports print it."""
    if "substring" in question:
        yuan = Decimal(question["gold_value"]) * UNITS[question["gold_unit"]]
        return [re.compile(re.escape(question["substring"])), *gold_patterns({"gold": {"yuan": str(yuan)}})]
    gold = question["gold"]
    if "yuan" in gold:
        out = []
        for unit, factor in UNITS.items():
            value = Decimal(gold["yuan"]) / factor
            for text in _printed(value):
                # in running text the unit follows the number; in a table row it is the table's unit
                out.append(re.compile(rf"(?<![\d.,]){re.escape(text)}\s*{unit}"))
                out.append(re.compile(rf"(?<![\d.,]){re.escape(text)}(?![\d.,%])[^\n]*单位：{unit}$"))
        return out
    if "number" in gold:
        return [re.compile(rf"(?<![\d.]){gold['number']}{gold.get('unit', '')}")]
    return []


def _rounds_to_gold(text: str, question: dict) -> bool:
    """A table row in 元 bears a narrative's 万元 answer when it rounds to it: 96,282,213.44 元 ↔ 9628.22万元."""
    unit = re.search(r"单位：(万元|元|百元|千元)$", text.strip())
    if "gold_value" not in question or not unit:
        return False
    gold = Decimal(question["gold_value"])
    exponent = gold.as_tuple().exponent
    half = Decimal(5).scaleb(exponent - 1) if isinstance(exponent, int) else Decimal(0)
    for number in re.findall(r"(?<![\d.])\d[\d,]*(?:\.\d+)?", text):
        in_gold_unit = Decimal(number.replace(",", "")) * UNITS[unit.group(1)] / UNITS[question["gold_unit"]]
        if abs(in_gold_unit - gold) <= half:
            return True
    return False


def _printed(value: Decimal) -> set[str]:
    """'1178.28', '1,178.28', '1178.280' style variants of one value."""
    plain = format(value.normalize(), "f")
    forms = {plain, f"{value:.2f}", f"{value:,.2f}", f"{value.normalize():,f}"}
    return {f for f in forms if f not in ("0", "0.00")}


def evaluate(searcher: Searcher, questions: list[dict], mode: str) -> dict[str, float]:
    """R@1, R@5 and MRR of one mode; "hybrid+tables" is hybrid search as it ranks when table rows have vectors
    too (the index gives them none: this is the figure that decided it)."""
    ranks = []
    for q in questions:
        patterns = gold_patterns(q)
        if mode == "hybrid+tables":
            hits = _hybrid_with_tables(searcher, q["q"], q["doc"])
        else:
            hits = [h.chunk for h in searcher.search(q["q"], DEPTH, Filters(doc=q["doc"]), mode)]  # type: ignore[arg-type]
        rank = next(
            (
                i
                for i, c in enumerate(hits, 1)
                if any(p.search(c.text.replace("\n", "")) for p in patterns) or _rounds_to_gold(c.text, q)
            ),
            None,
        )
        ranks.append(rank)
    n = len(ranks)
    return {
        "n": n,
        "r@1": sum(r == 1 for r in ranks) / n,
        "r@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "misses@5": [q["id"] for q, r in zip(questions, ranks, strict=True) if r is None or r > 5],  # type: ignore[dict-item]
    }


def _hybrid_with_tables(searcher: Searcher, query: str, doc: str) -> list:  # type: ignore[type-arg]
    """Hybrid search as index/search.py fuses it, with the document's table rows embedded as well."""
    import numpy as np

    where, params = Filters(doc=doc).to_sql()
    ids = sorted(searcher.store.chunk_ids(where, params))
    chunks = searcher.store.chunks(ids)
    if doc not in _TABLE_VECTORS:
        _TABLE_VECTORS[doc] = searcher.embedder.encode([chunks[i].text for i in ids])
    vector = searcher.embedder.encode([query])[0]
    dense = [ids[i] for i in np.argsort(-(_TABLE_VECTORS[doc] @ vector))[:CANDIDATES]]
    doc_ids = searcher.store.doc_ids(where, params)
    lexical = [i for i, _ in searcher.store.text.search(expand_query(query), CANDIDATES, doc_ids)]
    fused = rrf([dense, lexical], [DENSE_WEIGHT, LEXICAL_WEIGHT])[:DEPTH]
    return [chunks[i] for i, _ in fused]


_TABLE_VECTORS: dict[str, object] = {}  # doc → vectors of all its chunks, for "hybrid+tables"


def load(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if gold_patterns(r)]  # "not found" questions have no answer-bearing chunk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="an index of samples/ (built in a temp dir if omitted)")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    index_dir = args.index or tempfile.mkdtemp(prefix="dqa-bench-")
    started = time.monotonic()
    report = index_paths([ROOT / "samples"], index_dir, args.model)
    print(f"index {index_dir}: {len(report.added)} added, {report.unchanged} unchanged "
          f"in {time.monotonic() - started:.1f}s; failed: {report.failed or 'none'}")  # fmt: skip
    searcher = Searcher(index_dir)
    print(f"model {searcher.embedder.name}\n")
    print(f"{'question set':<22}{'mode':<14}{'n':>4}{'R@1':>8}{'R@5':>8}{'MRR':>8}  misses@5")
    for name, path in (("seed", SEED_QUESTIONS), ("samples", SAMPLE_QUESTIONS)):
        questions = load(path)
        for mode in MODES:
            m = evaluate(searcher, questions, mode)
            print(f"{name:<22}{mode:<14}{m['n']:>4}{m['r@1']:>8.2f}{m['r@5']:>8.2f}{m['mrr']:>8.3f}  "
                  f"{' '.join(m['misses@5'])}")  # fmt: skip
    searcher.close()


if __name__ == "__main__":
    main()
