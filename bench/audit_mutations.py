"""Mutation benchmark for `dqa audit`: single edits of real reports, and the share of them the audit finds.

Usage: python bench/audit_mutations.py [CORPUS_DIR] [--per-kind N] [--workers N] [--show-missed KIND]

Every Chinese report of the shared raw corpus (and the bundled seed text) is parsed once; each edit is made in the
parsed `Document` (PDF text cannot be edited safely in the file): a table cell's text, a word of a paragraph (the
page text and the paragraph together, later paragraph offsets shifted), a statement title or a table's unit. The
facts are then derived again (`corpus.facts.document_facts`) and the copy is audited, so the edit travels the same
path as a report read from disk. Kinds, with the places an edit may go (chosen without looking at the rules):

- cell: a non-zero amount in a mandated statement; one significant digit replaced.
- narrative: a narrative amount of money (3+ significant digits) that the report prints elsewhere too (same yuan
  within its rounding); one significant digit replaced.
- percent: a narrative percentage that two amounts of its sentence reproduce (a/b or |a−b|/b); one digit replaced.
- word: 增加/减少/增长/下降/上升/降低/大于/小于/高于/低于 right before an amount (or percentage) that two other
  amounts of its sentence determine (their difference, or its rate); flipped to its opposite.
- year: the report's year in a statement title, or the base year of "比/较/与YYYY年"; one year earlier or later.
- unit: 万元↔元 on a narrative amount printed elsewhere too.

An edit is found when the copy's audit has a finding at warning or above that the original's has not, with
evidence on the edited page. Every edit makes the report disagree with itself: a digit swap that leaves a narrative
amount within the rounding of every other print of it, or a percentage within one unit of its last digit of the
rate its sentence's figures give (the slack real reports need: they round, truncate, or compute from unrounded
figures), is no inconsistency, so another digit is drawn (`_visible_swap`). False
alarms are counted as the findings at warning or above on the unedited reports (docs/AUDIT.md says which are real,
for the held-out reports). The seed's known inconsistencies
(../shared/eval/seed_audit_examples.jsonl) are a fixed set that must all be found.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing import Pool
from pathlib import Path

from audit import Finding, at_least, audit_document
from audit.common import rounded_off, same_amount
from bench.parse_corpus import DEFAULT_CORPUS, chinese_pdfs
from corpus.cache import load_document
from corpus.classify import classify_tables
from corpus.facts import document_facts
from corpus.model import Document, Fact, Page
from corpus.numbers import MONEY_UNITS, half_unit, parse_decimal, yuan_tolerance
from corpus.schema import load_schema

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "000_4730eaab2517dbc6.txt"
SEED_EXAMPLES = ROOT.parent / "shared" / "eval" / "seed_audit_examples.jsonl"
KINDS = ("cell", "narrative", "percent", "word", "year", "unit")
OPPOSITE = {
    "增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长", "上升": "下降", "降低": "提高",
    "大于": "小于", "小于": "大于", "高于": "低于", "低于": "高于",
}  # fmt: skip
_WORD = re.compile("|".join(OPPOSITE))
_BASE_YEAR = re.compile(r"(?:比|较|与)\s*(20\d{2})\s*年")
_TITLE_YEAR = re.compile(r"20\d{2}")


@dataclass
class Edit:
    kind: str
    page: int
    before: str
    after: str
    table: str | None = None  # cell edits and title edits
    row: int | None = None
    col: int | None = None
    start: int | None = None  # text edits: span in the page text
    end: int | None = None
    unit: str | None = None  # unit edits of a table (not used for narrative units)

    def describe(self) -> str:
        where = f"{self.table} r{self.row}c{self.col}" if self.row is not None else self.table or f"@{self.start}"
        return f"p{self.page} {where}: {self.before!r} → {self.after!r}"


# -- where an edit may go ---------------------------------------------------------------------------------------


def _digit_swap(printed: str, rng: random.Random) -> str | None:
    """The printed number with one significant digit replaced by another."""
    positions = [i for i, ch in enumerate(printed) if ch.isdigit()]
    first = next((i for i in positions if printed[i] != "0"), None)
    positions = [i for i in positions if first is not None and i >= first]
    if not positions:
        return None
    at = rng.choice(positions)
    digit = rng.choice([d for d in "0123456789" if d != printed[at] and not (at == first and d == "0")])
    return printed[:at] + digit + printed[at + 1 :]


def _visible_swap(printed: str, rng: random.Random, hidden: Callable[[str], bool], tries: int = 5) -> str | None:
    """A digit swap that makes the report disagree with itself: one that leaves the figure within the rounding of
    every other print of it (or of the rate its sentence's figures give) is no inconsistency, so another digit is
    drawn; None when `tries` draws all stay hidden."""
    for _ in range(tries):
        edited = _digit_swap(printed, rng)
        if edited is None:
            return None
        if not hidden(edited):
            return edited
    return None


def _number_span(fact: Fact) -> tuple[int, int] | None:
    """The span of the number (without its unit) of a narrative fact in its page text."""
    if fact.start is None or fact.end is None:
        return None
    m = re.search(r"\d[\d,]*(?:\.\d+)?", fact.printed)
    return (fact.start + m.start(), fact.start + m.end()) if m else None


def _matches(fact: Fact, facts: list[Fact]) -> list[Fact]:
    """The other prints of the same amount (in yuan, within both roundings)."""
    slack = half_unit(fact.value) * MONEY_UNITS.get(fact.unit or "", Decimal(1))
    return [
        g for g in facts
        if g is not fact and g.kind == "money" and g.yuan is not None
        and abs(g.yuan - fact.yuan) <= slack + half_unit(g.value) * MONEY_UNITS.get(g.unit or "", Decimal(1))  # type: ignore[operator]
        and (g.page, g.start, g.table_id, g.row, g.col) != (fact.page, fact.start, fact.table_id, fact.row, fact.col)
    ]  # fmt: skip


def _elsewhere(fact: Fact, facts: list[Fact]) -> bool:
    """The same amount (in yuan, within the figure's rounding) is printed somewhere else in the report."""
    return bool(_matches(fact, facts))


def _agrees(a: Fact, b: Fact) -> bool:
    """Two prints of one amount as a report may print them: the same, or the coarser the finer one rounded or
    truncated (audit.common says which)."""
    if same_amount(a, b):
        return True
    coarse, fine = sorted((a, b), key=yuan_tolerance, reverse=True)
    return yuan_tolerance(a) != yuan_tolerance(b) and rounded_off(coarse, fine)


def _hidden_amount(fact: Fact, after: str, facts: list[Fact]) -> bool:
    """The edited narrative amount still agrees with every other print of the original (1,062,593元 → 1,062,594元
    beside 106.26万元), or the only other prints are zeros: no check can see the edit."""
    value = parse_decimal(after)
    if value is None:
        return False
    edited = fact.model_copy(
        update={"value": value, "yuan": value * MONEY_UNITS.get(fact.unit or "", Decimal(1)), "printed": after}
    )
    others = [g for g in _matches(fact, facts) if g.yuan]  # "0万元" is no print of 2,480元, only within its rounding
    return all(_agrees(edited, g) for g in others)


def _rate_ranges(amounts: list[Fact]) -> list[tuple[Decimal, Decimal]]:
    """Every percentage a/b and |a−b|/b of two amounts can be, each amount anywhere within its printed rounding."""
    out = []
    for a in amounts:
        for b in amounts:
            if a is b or not a.yuan or not b.yuan or abs(b.yuan) <= yuan_tolerance(b):
                continue
            ta, tb = yuan_tolerance(a), yuan_tolerance(b)
            lo, hi = (abs(a.yuan) - ta) / (abs(b.yuan) + tb), (abs(a.yuan) + ta) / (abs(b.yuan) - tb)
            out.append((lo * 100, hi * 100))
            change = sorted((abs(lo - 1), abs(hi - 1)))
            out.append((Decimal(0) if lo <= 1 <= hi else change[0] * 100, change[1] * 100))
    return out


def _hidden_rate(before: str, after: str, amounts: list[Fact]) -> bool:
    """The edited percentage is still within one unit of its last digit of a rate that the sentence's figures
    (within their rounding) give, the one that reproduced the original too: the slack real reports need (they
    round, truncate or compute from unrounded figures), so no check may accuse it. "277.22%" → "277.21%" for
    227.88 vs 60.41 (277.18–277.26%)."""
    old, new = parse_decimal(before), parse_decimal(after)
    if old is None or new is None:
        return False

    def near(lo: Decimal, hi: Decimal, p: Decimal) -> bool:
        unit = 2 * half_unit(p)
        return lo - unit <= abs(p) <= hi + unit

    return any(near(lo, hi, old) and near(lo, hi, new) for lo, hi in _rate_ranges(amounts))


def _sentence_amounts(fact: Fact, facts: list[Fact]) -> list[Fact]:
    return [
        g
        for g in facts
        if g is not fact and g.source == "text" and g.page == fact.page and g.quote == fact.quote and g.kind == "money"
    ]


def _reproduced(percent: Decimal, amounts: list[Fact]) -> bool:
    """Two amounts of the sentence give this percentage (a/b or |a−b|/b) within its printed rounding."""
    values = [abs(a.yuan) for a in amounts if a.yuan]  # type: ignore[arg-type]
    for a in values:
        for b in values:
            if a is b or not b:
                continue
            for ratio in (a / b * 100, abs(a - b) / b * 100):
                if abs(ratio - abs(percent)) <= half_unit(percent) * 2:
                    return True
    return False


def _determined(change: Fact, amounts: list[Fact]) -> bool:
    """Two other amounts of the sentence differ by this change (or give it as a rate)."""
    if change.kind == "percent":
        return _reproduced(change.value, amounts)
    values = [abs(a.yuan) for a in amounts if a.yuan is not None]  # type: ignore[arg-type]
    target = abs(change.yuan or 0)
    slack = 2 * half_unit(change.value) * MONEY_UNITS.get(change.unit or "", Decimal(1))
    return bool(target) and any(abs(abs(a - b) - target) <= slack for a in values for b in values if a != b)


def sites(doc: Document, facts: list[Fact], kind: str, rng: random.Random) -> list[Edit]:
    """Every place an edit of this kind may go in this report."""
    text = [f for f in facts if f.source == "text" and f.start is not None]
    out: list[Edit] = []
    if kind == "cell":
        schema = load_schema()
        classes = classify_tables(doc, schema)
        cells = {(c.row, c.col, t.id): c for t in doc.tables for row in t.body_rows for c in row}
        for f in facts:
            statement = schema.statements.get(classes[f.table_id].statement or "") if f.table_id in classes else None
            cell = cells.get((f.row, f.col, f.table_id))
            if statement is None or not statement.standard or cell is None or f.kind != "money" or not f.value:
                continue
            after = _digit_swap(cell.text, rng)
            if after:
                out.append(Edit("cell", cell.page, cell.text, after, f.table_id, cell.row, cell.col))
    elif kind in ("narrative", "unit"):
        for f in text:
            if f.kind != "money" or not f.yuan or f.approx or f.measure in ("增减额",):
                continue
            if len(re.sub(r"\D", "", f"{f.value.normalize():f}").strip("0")) < 3 or not _elsewhere(f, facts):
                continue
            span = _number_span(f)
            if span is None:
                continue
            if kind == "narrative":
                before = doc.pages[f.page - 1].text[span[0] : span[1]]
                after = _visible_swap(before, rng, lambda edited, f=f: _hidden_amount(f, edited, facts))
                if after:
                    out.append(Edit("narrative", f.page, before, after, start=span[0], end=span[1]))
            else:
                page_text = doc.pages[f.page - 1].text
                unit_at = page_text.find(f.unit or "", span[1], (f.end or span[1]) + 1)
                if f.unit in ("万元", "元") and unit_at >= 0:
                    other = "元" if f.unit == "万元" else "万元"
                    out.append(Edit("unit", f.page, f.unit, other, start=unit_at, end=unit_at + len(f.unit)))
    elif kind == "percent":
        for f in text:
            if f.kind == "percent" and f.value and _reproduced(f.value, _sentence_amounts(f, facts)):
                span = _number_span(f)
                if span is None:
                    continue
                before = doc.pages[f.page - 1].text[span[0] : span[1]]
                amounts = _sentence_amounts(f, facts)
                after = _visible_swap(before, rng, lambda edited, b=before, a=amounts: _hidden_rate(b, edited, a))
                if after:
                    out.append(Edit("percent", f.page, before, after, start=span[0], end=span[1]))
    elif kind == "word":
        for f in text:
            if f.kind not in ("money", "percent") or f.start is None:
                continue
            page_text = doc.pages[f.page - 1].text
            lead = page_text[max(0, f.start - 3) : f.start]
            m = next((m for m in _WORD.finditer(lead) if m.end() >= len(lead) - 1), None)
            if m is None or not _determined(f, _sentence_amounts(f, facts)):
                continue
            at = f.start - len(lead) + m.start()
            out.append(Edit("word", f.page, m.group(), OPPOSITE[m.group()], start=at, end=at + len(m.group())))
    elif kind == "year" and doc.year:
        for table in doc.tables:
            m = next((m for m in _TITLE_YEAR.finditer(table.title) if int(m.group()) == doc.year), None)
            if m:
                after = str(doc.year + rng.choice((-1, 1)))
                out.append(
                    Edit(
                        "year",
                        table.pages[0],
                        table.title,
                        table.title[: m.start()] + after + table.title[m.end() :],
                        table=table.id,
                    )
                )
        for page in doc.pages:
            for m in _BASE_YEAR.finditer(page.text):
                year = m.group(1)
                after = str(int(year) + rng.choice((-1, 1)))
                out.append(Edit("year", page.number, year, after, start=m.start(1), end=m.end(1)))
    return out


# -- making an edit -------------------------------------------------------------------------------------------


def apply(doc: Document, edit: Edit) -> Document:
    """A copy of the document with the edit made in the parsed model."""
    copy = doc.model_copy(deep=True)
    if edit.kind == "cell":
        table = next(t for t in copy.tables if t.id == edit.table)
        cell = next(c for row in table.body_rows for c in row if (c.row, c.col) == (edit.row, edit.col))
        cell.text = edit.after
    elif edit.kind == "year" and edit.table is not None:
        table = next(t for t in copy.tables if t.id == edit.table)
        table.title = edit.after
    else:
        _replace(copy.pages[edit.page - 1], edit.start or 0, edit.end or 0, edit.after)
    return copy


def _replace(page: Page, start: int, end: int, new: str) -> None:
    """Replace page.text[start:end] and keep every paragraph's span and text in step with it."""
    delta = len(new) - (end - start)
    page.text = page.text[:start] + new + page.text[end:]
    for para in page.paragraphs:
        if para.start <= start < para.end:
            para.text = page.text[para.start : para.end + delta]
            para.end += delta
        elif para.start >= end:
            para.start += delta
            para.end += delta


# -- running ---------------------------------------------------------------------------------------------------


def _key(f: Finding) -> tuple:
    return (f.rule, f.kind, f.message)


def run_report(args: tuple[Path, int, tuple[str, ...]]) -> dict:
    """Audit one report as it is and after each sampled edit."""
    path, per_kind, kinds = args
    doc = load_document(path)
    facts = document_facts(doc)
    t0 = time.perf_counter()
    original = audit_document(doc, facts)
    seconds = time.perf_counter() - t0
    known = {_key(f) for f in original}
    outcome: dict = {"name": path.name, "pages": len(doc.pages), "alarms": at_least(original, "warning"), "edits": []}
    outcome["seconds"] = seconds
    for kind in kinds:
        rng = random.Random(zlib.crc32(f"{path.name}:{kind}".encode()))
        candidates = sites(doc, facts, kind, rng)
        for edit in rng.sample(candidates, min(per_kind, len(candidates))):
            edited = apply(doc, edit)
            findings = at_least(audit_document(edited, document_facts(edited)), "warning")
            new = [f for f in findings if _key(f) not in known and any(e.page == edit.page for e in f.evidence)]
            outcome["edits"].append((edit, new))
    return outcome


def heldout() -> set[str]:
    """File names of the held-out reports: their misses are never listed, so nobody tunes the rules on them."""
    lines = (ROOT / "bench" / "heldout" / "audit_reports.txt").read_text(encoding="utf-8").splitlines()
    return {Path(line.strip()).name for line in lines if line.strip() and not line.startswith("#")}


def seed_examples() -> list[tuple[str, bool]]:
    """Each fixed seed example and whether the audit of the seed finds it (at warning or above)."""
    doc = load_document(SEED)
    findings = at_least(audit_document(doc, document_facts(doc)), "warning")
    out = []
    for line in SEED_EXAMPLES.read_text(encoding="utf-8").splitlines():
        example = json.loads(line)
        quote = example["quote"]
        hit = any(quote in (f.found or "") or any(quote in e.quote for e in f.evidence) for f in findings)
        out.append((example["id"], hit))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--per-kind", type=int, default=4, help="edits of each kind per report")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kind", choices=KINDS, help="make edits of this kind only")
    parser.add_argument("--show-missed", choices=KINDS, help="list the missed edits of this kind (not the held-out)")
    args = parser.parse_args()
    files = [*chinese_pdfs(args.corpus), SEED]
    start = time.perf_counter()
    with Pool(args.workers) as pool:
        kinds = (args.kind,) if args.kind else KINDS
        outcomes = pool.map(run_report, [(f, args.per_kind, kinds) for f in files], chunksize=1)
    wall = time.perf_counter() - start

    tally: dict[str, Counter[bool]] = defaultdict(Counter)  # per kind: found → edits
    held_out = heldout()
    for outcome in outcomes:
        for edit, new in outcome["edits"]:
            tally[edit.kind][bool(new)] += 1
            if args.show_missed == edit.kind and outcome["name"] not in held_out and not new:
                print(f"missed {outcome['name']}: {edit.describe()}")
    print(f"{'kind':<10} {'edits':>6} {'found':>6} {'share':>7}")
    total: Counter[bool] = Counter()
    for kind in [*KINDS, "all"]:
        t = total if kind == "all" else tally[kind]
        n = sum(t.values())
        print(f"{kind:<10} {n:6d} {t[True]:6d} {t[True] / n if n else 0:7.1%}")
        if kind != "all":
            total.update(t)

    pages = sum(o["pages"] for o in outcomes)
    alarms = [(o["name"], f) for o in outcomes for f in o["alarms"]]
    errors = sum(1 for _, f in alarms if f.severity == "error")
    print(
        f"\nunedited reports: {len(outcomes)} files, {pages} pages, {len(alarms)} findings at warning+ "
        f"({errors} error), {len(alarms) / pages * 10:.2f} per 10 pages; "
        f"audit {sum(o['seconds'] for o in outcomes):.2f} s"
    )
    for example, hit in seed_examples():
        print(f"seed example {example}: {'found' if hit else 'MISSED'}")
    print(f"wall {wall:.0f} s on {args.workers} workers")


if __name__ == "__main__":
    main()
