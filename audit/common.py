"""Shared pieces of the audit checks: evidence quotes, tolerances, item names, sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from audit.finding import Evidence, Finding, Severity
from corpus.model import Document, Fact
from corpus.numbers import MONEY_UNITS, yuan_tolerance

BASE_MEASURES = {"决算数", "预算数", "执行数", "调整预算数", "上年数", ""}
_QUOTES = re.compile(r"[“”\"'‘’\s]")
_ENUM = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、.．])")
_TAIL = re.compile(r"(?:财政拨款)?(?:支出)?(?:决算数?|预算数?|执行数)?$")


def item_key(subject: str) -> str:
    """An item name stripped of quotes, numbering and measure words: “三公”经费支出决算 → 三公经费."""
    s = _ENUM.sub("", _QUOTES.sub("", subject))
    stem = _TAIL.sub("", s)
    return stem if len(stem) >= 2 else s


def clip(text: str, around: int | None = None, width: int = 160) -> str:
    """A quote short enough to read, centred on the cited position when known."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    if around is None:
        return text[: width - 1] + "…"
    lo = max(0, min(around - width // 2, len(text) - width))
    return ("…" if lo else "") + text[lo : lo + width] + ("…" if lo + width < len(text) else "")


def evidence(fact: Fact) -> Evidence:
    around = None
    if fact.source == "text" and fact.printed in fact.quote:
        around = fact.quote.index(fact.printed)
    return Evidence(page=fact.page, quote=clip(fact.quote, around))


def finding(
    doc: Document,
    kind: str,
    severity: Severity,
    zh: str,
    en: str,
    expected: object = None,
    found: object = None,
    facts: list[Fact] | None = None,
    extra: list[Evidence] | None = None,
) -> Finding:
    ev = [evidence(f) for f in facts or []] + (extra or [])
    unique = list({(e.page, e.quote): e for e in ev}.values())
    return Finding(
        doc=doc.name,
        kind=kind,
        severity=severity,
        message=f"{zh} / {en}",
        expected=None if expected is None else str(expected),
        found=None if found is None else str(found),
        evidence=unique,
    )


def tolerance(fact: Fact) -> Decimal:
    return yuan_tolerance(fact)


def in_unit(yuan: Decimal, unit: str | None) -> str:
    """A yuan amount shown in a fact's unit with two decimals: 1583293300 元 in 万元 → 158329.33."""
    value = yuan / MONEY_UNITS.get(unit or "元", Decimal(1))
    return f"{value.quantize(Decimal('0.01')):f}{unit or ''}"


def digits(printed: str) -> str:
    return re.sub(r"\D", "", printed)


def transposed(a: str, b: str) -> bool:
    """Same digits in a different order (148.28 vs 148.82), long enough not to be chance."""
    da, db = digits(a), digits(b)
    return len(da) >= 4 and da != db and sorted(da) == sorted(db) and len(a) == len(b)


def dominant_unit(facts: list[Fact]) -> str | None:
    """The money unit the narrative mostly uses."""
    counts: dict[str, int] = {}
    for f in facts:
        if f.source == "text" and f.kind == "money" and f.unit:
            counts[f.unit] = counts.get(f.unit, 0) + 1
    return max(counts, key=lambda u: counts[u]) if counts else None


def text_facts_by_page(facts: list[Fact]) -> dict[int, list[Fact]]:
    """Narrative facts grouped by page (facts with a character span only)."""
    by_page: dict[int, list[Fact]] = {}
    for f in facts:
        if f.source == "text" and f.start is not None:
            by_page.setdefault(f.page, []).append(f)
    return by_page


def sentences(doc: Document, facts: list[Fact]) -> Iterator[tuple[int, str, int, list[Fact]]]:
    """(page, sentence, offset in page text, facts inside it) for every full sentence (up to 。)."""
    by_page = text_facts_by_page(facts)
    for page in doc.pages:
        page_facts = sorted(by_page.get(page.number, []), key=lambda f: f.start or 0)
        if not page_facts:
            continue
        for para in page.paragraphs:
            for m in re.finditer(r"[^。！？]+[。！？]?", para.text):
                lo, hi = para.start + m.start(), para.start + m.end()
                inside = [f for f in page_facts if lo <= (f.start or 0) < hi]
                if inside:
                    yield page.number, m.group(), lo, inside
