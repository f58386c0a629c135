"""Question answering accuracy: the real system against a naive retrieval baseline, side by side.

Usage (from the repo root, venv active):

    python bench/qa_eval.py                       # index samples/ into a temp dir (~1 min), then score
    python bench/qa_eval.py --index /tmp/dqa_idx  # reuse (or build once) an index there
    python bench/qa_eval.py --only pt01 sw03      # just these question ids
    python bench/qa_eval.py --out /tmp/eval.json  # also dump every record
    python bench/qa_eval.py --corpus /tmp/raw35 --index /tmp/ix35 --set heldout=bench/heldout/questions_schema.jsonl
                                                  # held-out questions over a copy of corpus-raw's Chinese PDFs
    python bench/qa_eval.py ... --nodoc           # the same questions with no report named

Sets: bench/questions_dev.jsonl (over the sample PDFs) and /work/shared/eval/seed_questions.jsonl
(over samples/000_4730eaab2517dbc6.txt; skipped when absent). Gold is {"value", "unit", "yuan"},
{"yuan"}, {"number", "unit"} or {"not_found": true}.

Systems:
  system    qa.ask over Library.open(["samples"], index_dir)
  baseline  the top-1 chunk of the index's hybrid search (restricted to the question's doc) and the
            first amount in it: corpus.numbers.find_amounts for text; for table rows, the first bare
            number parse_cell accepts, with the unit the chunk names ("单位：万元"). Never not_found.

Scoring:
  correct       gold not_found → the answer is not_found; otherwise answered with the right yuan (money)
                or value+unit (counts, %), AND some citation quote prints that value (separators ignored).
                Money also matches when the two figures are the same amount printed at different precision
                (9.98万元 vs 99750.00元: the difference is within half a unit of the coarser printing);
                such matches are marked "≈" in the listing.
  NF precision  of the questions answered not_found, the share whose gold is not_found.
  NF recall     of the gold not_found questions, the share answered not_found.
  confident wrong  answered with a number that is not the gold one (or a number where the gold is not found):
                the failure that ends up in print.
  conflict      answers carrying a check with status conflict or broken.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.numbers import MONEY_UNITS, find_amounts, is_code, parse_cell, unit_in  # noqa: E402

SAMPLES = ROOT / "samples"
DEV = ROOT / "bench" / "questions_dev.jsonl"
SEED = Path("/work/shared/eval/seed_questions.jsonl")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Question:
    set: str
    id: str
    q: str
    doc: str | None
    gold: dict
    lang: str
    page: int | None = None


@dataclass
class Got:
    status: str
    value: str | None = None
    unit: str | None = None
    yuan: str | None = None
    page: int | None = None
    quotes: list[str] = field(default_factory=list)
    conflict: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Score:
    correct: bool
    approx: bool = False
    value_ok: bool = False  # right number, whether or not a citation prints it


def load(path: Path, name: str) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        out.append(Question(name, row["id"], row["q"], row.get("doc"), row["gold"], lang(row["q"]), row.get("page")))
    return out


def lang(text: str) -> str:
    """English when the question starts in Latin script (Chinese terms in brackets may follow)."""
    first = next((c for c in text if not c.isspace()), "")
    return "en" if first.isascii() and first.isalpha() else ("zh" if _CJK.search(text) else "en")


# ---------------------------------------------------------------- scoring


def dec(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(str(text).replace(",", ""))
    except InvalidOperation:
        return None


def count_unit(unit: str | None) -> str:
    """A count's unit as the same word: 8名 and 8人 both count people, 台(套) is 台（套）."""
    plain = unicodedata.normalize("NFKC", unit or "")
    return {"名": "人", "位": "人"}.get(plain, plain)


def half_unit(value: str | None, unit: str | None) -> Decimal:
    """Half a unit of the last printed digit, in yuan: "9.98" 万元 → 50."""
    if value is None or unit not in MONEY_UNITS:
        return Decimal(0)
    s = str(value).replace(",", "")
    places = len(s.split(".")[1]) if "." in s else 0
    return Decimal(1).scaleb(-places) * MONEY_UNITS[unit] / 2


def gold_kind(gold: dict) -> str:
    if gold.get("not_found"):
        return "not_found"
    if gold.get("yuan") is not None:
        return "money"
    return "number"


def gold_text(gold: dict) -> str:
    if gold.get("not_found"):
        return "NOT FOUND"
    value = gold.get("value", gold.get("number"))
    parts = [f"{value}{gold.get('unit') or ''}" if value is not None else ""]
    if gold.get("yuan") is not None:
        parts.append(f"({gold['yuan']}元)")
    return " ".join(p for p in parts if p)


def got_text(got: Got) -> str:
    if got.status != "answered":
        return got.status + (f": {got.error}" if got.error else "")
    out = f"{got.value}{got.unit or ''}"
    if got.yuan:
        out += f" ({got.yuan}元)"
    if got.page:
        out += f" p{got.page}"
    return out


def quote_prints(quotes: list[str], value: str | None) -> bool:
    """Some quote prints the number (digits compared; thousands separators and spaces ignored)."""
    want = dec(value)
    if want is None:
        return False
    for quote in quotes:
        flat = unicodedata.normalize("NFKC", quote).replace(",", "").replace(" ", "")
        if any(Decimal(m) == abs(want) for m in _NUM.findall(flat)):
            return True
    return False


def score(gold: dict, got: Got) -> Score:
    kind = gold_kind(gold)
    if kind == "not_found":
        return Score(got.status == "not_found")
    if got.status != "answered":
        return Score(False)
    approx = False
    if kind == "money":
        want, have = dec(gold["yuan"]), dec(got.yuan)
        if want is None or have is None:
            value_ok = False
        elif want == have:
            value_ok = True
        else:
            slack = max(half_unit(gold.get("value"), gold.get("unit")), half_unit(got.value, got.unit))
            value_ok = approx = abs(want - have) <= slack and slack > 0
    else:
        want_value = dec(gold.get("value", gold.get("number")))
        value_ok = (
            want_value is not None
            and dec(got.value) == want_value
            and count_unit(got.unit) == count_unit(gold.get("unit"))
        )
    cited = quote_prints(got.quotes, got.value)
    return Score(value_ok and cited, approx and value_ok and cited, value_ok)


# ---------------------------------------------------------------- systems


def run_system(lib, q: Question) -> Got:  # type: ignore[no-untyped-def]
    from qa import ask

    try:
        record, _ = ask(lib, q.q, q.id, q.doc)
    except Exception as exc:  # a crash is a wrong answer, not the end of the run
        return Got("error", error=f"{exc.__class__.__name__}: {exc}")
    got = Got(record.status, error=record.error)
    if record.answer is not None:
        got.value, got.unit, got.yuan = record.answer.value, record.answer.unit, record.answer.yuan
    if record.citations:
        got.page = record.citations[0].page
    got.quotes = [c.quote for c in record.citations]
    got.conflict = [f"{c.kind}: {c.detail}" for c in record.checks if c.status in ("conflict", "broken")]
    return got


def first_amount(text: str, source: str):  # type: ignore[no-untyped-def]
    """The baseline's reading of a chunk: its first amount (see the module docstring)."""
    unit = unit_in(text)

    def bare():  # type: ignore[no-untyped-def]
        for token in re.split(r"[|\s]+", text):
            token = token.strip()
            if not token or is_code(token) or not any(ch.isdigit() for ch in token):
                continue
            amount = parse_cell(token, unit)
            if amount is not None:
                return amount
        return None

    def running():  # type: ignore[no-untyped-def]
        found = find_amounts(text)
        return found[0][2] if found else None

    order = (bare, running) if source == "table" else (running, bare)
    for reader in order:
        amount = reader()
        if amount is not None:
            return amount
    return None


def run_baseline(searcher, q: Question) -> Got:  # type: ignore[no-untyped-def]
    from index.search import Filters

    hits = searcher.search(q.q, 1, Filters(doc=q.doc) if q.doc else None)
    if not hits:
        return Got("answered", error="no chunk")
    hit = hits[0]
    amount = first_amount(hit.chunk.text, hit.chunk.source)
    if amount is None:
        return Got("answered", page=hit.page, quotes=[hit.chunk.text], error="no number in the top chunk")
    yuan = None
    if amount.yuan is not None:
        y = amount.yuan
        yuan = format(y.quantize(Decimal(1)) if y == y.to_integral_value() else y.normalize(), "f")
    return Got(
        "answered", value=format(amount.value, "f"), unit=amount.unit, yuan=yuan, page=hit.page, quotes=[hit.chunk.text]
    )


# ---------------------------------------------------------------- report


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}% ({n}/{d})" if d else "    n/a"


def summarize(questions: list[Question], results: dict[str, list[tuple[Got, Score]]]) -> list[list[str]]:
    rows = []
    for set_name in sorted({q.set for q in questions}, key=lambda s: (s != "dev", s)):
        idx = [i for i, q in enumerate(questions) if q.set == set_name]
        for system, res in results.items():

            def acc(sel: list[int], res=res) -> str:
                return pct(sum(res[i][1].correct for i in sel), len(sel))

            en = [i for i in idx if questions[i].lang == "en"]
            zh = [i for i in idx if questions[i].lang == "zh"]
            answerable = [i for i in idx if gold_kind(questions[i].gold) != "not_found"]
            said_nf = [i for i in idx if res[i][0].status == "not_found"]
            gold_nf = [i for i in idx if gold_kind(questions[i].gold) == "not_found"]
            both = [i for i in said_nf if i in gold_nf]
            conflicts = sum(1 for i in idx if res[i][0].status == "answered" and res[i][0].conflict)
            wrong = sum(1 for i in idx if res[i][0].status == "answered" and not res[i][1].value_ok)
            approx = sum(1 for i in idx if res[i][1].approx)
            rows.append(
                [
                    set_name,
                    system,
                    str(len(idx)),
                    acc(en),
                    acc(zh),
                    acc(idx),
                    str(wrong),
                    acc(answerable),
                    pct(len(both), len(said_nf)),
                    pct(len(both), len(gold_nf)),
                    str(conflicts) if system == "system" else "n/a",
                    str(approx),
                ]
            )
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[c])) for r in [header, *rows]) for c in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", help="index directory (built/updated there; default: a fresh temp dir)")
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--seed", default=str(SEED))
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="score this question file instead of dev+seed (repeatable), e.g. heldout=bench/heldout/...",
    )
    ap.add_argument("--corpus", action="append", default=[], help="report folder(s) to open (default: samples/)")
    ap.add_argument("--nodoc", action="store_true", help="ask every question over the whole corpus, no doc named")
    ap.add_argument("--only", nargs="*", help="only these question ids")
    ap.add_argument("--out", help="write every question with both systems' answers to this JSON file")
    ap.add_argument("--baseline-wrong", action="store_true", help="also list the baseline's wrong answers")
    args = ap.parse_args()

    if args.set:
        questions = [q for spec in args.set for q in load(Path(spec.split("=", 1)[1]), spec.split("=", 1)[0])]
    else:
        questions = load(Path(args.dev), "dev")
        if Path(args.seed).is_file():
            questions += load(Path(args.seed), "seed")
        else:
            print(f"(seed set {args.seed} not found; skipped)", file=sys.stderr)
    if args.nodoc:
        for q in questions:
            q.doc = None
    if args.only:
        questions = [q for q in questions if q.id in set(args.only)]

    from index.search import Searcher
    from qa.library import Library

    temp = None
    index_dir = args.index
    if not index_dir:
        temp = tempfile.mkdtemp(prefix="dqa_eval_")
        index_dir = str(Path(temp) / "index")
    try:
        t0 = time.perf_counter()
        lib = Library.open(args.corpus or [str(SAMPLES)], index_dir)
        searcher = Searcher(index_dir)
        print(f"library open (index {index_dir}): {time.perf_counter() - t0:.1f}s, {len(lib.documents)} documents")

        results: dict[str, list[tuple[Got, Score]]] = {"system": [], "baseline": []}
        elapsed = {"system": 0.0, "baseline": 0.0}
        for q in questions:
            for name, run in (
                ("system", lambda q=q: run_system(lib, q)),
                ("baseline", lambda q=q: run_baseline(searcher, q)),
            ):
                t = time.perf_counter()
                got = run()
                elapsed[name] += time.perf_counter() - t
                results[name].append((got, score(q.gold, got)))
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)

    print(
        f"answered {len(questions)} questions: system {elapsed['system']:.1f}s, baseline {elapsed['baseline']:.1f}s\n"
    )
    header = [
        "set",
        "system",
        "n",
        "EN acc",
        "ZH acc",
        "overall",
        "confident wrong",
        "answerable acc",
        "NF precision",
        "NF recall",
        "conflict/broken",
        "≈ matches",
    ]
    print(table(header, summarize(questions, results)))

    for system in ("system", "baseline") if args.baseline_wrong else ("system",):
        wrong = [(q, got, sc) for q, (got, sc) in zip(questions, results[system], strict=True) if not sc.correct]
        print(f"\n{system}: {len(wrong)} wrong answer(s)")
        for q, got, sc in wrong:
            note = " [right number, but no citation quote prints it]" if sc.value_ok else ""
            print(
                f"- {q.set}/{q.id} [{q.lang}] {q.q}\n    doc:  {q.doc}\n    gold: {gold_text(q.gold)}"
                + (f" p{q.page}" if q.page else "")
                + f"\n    got:  {got_text(got)}{note}"
            )
            if got.quotes and got.status == "answered":
                print(f"    quote: {got.quotes[0][:160]!r}")
    if not args.baseline_wrong:
        ids = [q.id for q, (_, sc) in zip(questions, results["baseline"], strict=True) if not sc.correct]
        print(f"\nbaseline wrong ({len(ids)}): {' '.join(ids)}")
    flagged = [(q, got) for q, (got, _) in zip(questions, results["system"], strict=True) if got.conflict]
    if flagged:
        print(f"\nsystem answers carrying a conflict/broken check ({len(flagged)}):")
        for q, got in flagged:
            print(f"- {q.set}/{q.id} {got_text(got)}: {got.conflict[0][:200]}")

    if args.out:
        dump = [
            {
                "set": q.set,
                "id": q.id,
                "q": q.q,
                "doc": q.doc,
                "lang": q.lang,
                "gold": q.gold,
                **{
                    name: {
                        **results[name][i][0].__dict__,
                        "correct": results[name][i][1].correct,
                        "approx": results[name][i][1].approx,
                    }
                    for name in results
                },
            }
            for i, q in enumerate(questions)
        ]
        Path(args.out).write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nrecords → {args.out}")


if __name__ == "__main__":
    main()
