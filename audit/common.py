"""Pieces every rule shares: citations of facts, rounding slack, the look of a slip, results, sentences."""

from __future__ import annotations

import re
from decimal import Decimal

from audit.finding import Evidence, Result, Severity, Status, material
from corpus.model import Fact
from corpus.numbers import MONEY_UNITS, half_unit, yuan_tolerance

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


def evidence(fact: Fact, title: str = "") -> Evidence:
    """A fact's citation: its page, its sentence (or the table title and row) and its cell."""
    if fact.source == "text":
        around = fact.quote.find(fact.printed) if fact.printed in fact.quote else None
        return Evidence(page=fact.page, quote=clip(fact.quote, around), value=fact.printed)
    quote = clip(f"{title}: {fact.quote}" if title else fact.quote, width=200)
    return Evidence(page=fact.page, quote=quote, table=fact.table_id, row=fact.row, col=fact.col, value=fact.printed)


def result(
    rule: str,
    status: Status,
    zh: str,
    en: str,
    facts: list[Fact],
    *,
    kind: str = "difference",
    severity: Severity = "info",
    expected: object = None,
    found: object = None,
    difference: object = None,
    titles: dict[str, str] | None = None,
    extra: list[Evidence] | None = None,
) -> Result:
    """A rule's verdict: the passage it read (extra) and the citation of every figure it compared, each once."""
    titles = titles or {}
    ev = (extra or []) + ([evidence(f, titles.get(f.table_id or "", "")) for f in facts] if status != "holds" else [])
    unique = list({(e.page, e.quote, e.table, e.row, e.col): e for e in ev}.values())  # a holding result cites facts
    return Result(
        rule=rule,
        status=status,
        kind=kind,
        severity=severity if status == "broken" else "info",
        message=f"{zh} / {en}",
        expected=None if expected is None else str(expected),
        found=None if found is None else str(found),
        difference=None if difference is None else str(difference),
        facts=facts,
        evidence=unique,
    )


def tolerance(fact: Fact) -> Decimal:
    """Half a unit of the last printed digit, in yuan for money (in the printed value otherwise)."""
    return yuan_tolerance(fact) if fact.yuan is not None else half_unit(fact.value)


def places(f: Fact) -> int:
    """Decimals as printed (the parsed value keeps them: "15.00" has two)."""
    exponent = f.value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def same_amount(a: Fact, b: Fact) -> bool:
    """Printed to the same digits, one line shows the same number (326.71 vs 326.72 is a slip); in another unit or
    to fewer digits ("22,118,861" beside 22,118,861.34), the same amount within the rounding of the coarser."""
    if a.unit == b.unit and places(a) == places(b):
        return a.value == b.value
    return abs(a.yuan - b.yuan) <= max(tolerance(a), tolerance(b))  # type: ignore[operator]


def rounded_off(coarse: Fact, fine: Fact) -> bool:
    """The coarser figure is the finer one rounded twice (26,845.39元 as 2.69万元: 2.6845 → 2.685 → 2.69) or
    truncated (877,080元 as 87.70万元): what reports do, short of a slip. Anything else, even one unit of the last
    digit (334.09万元 for 3,340,800元), is no rounding of that figure."""
    unit = 2 * tolerance(coarse)
    over = abs(coarse.yuan) - abs(fine.yuan)  # type: ignore[arg-type]
    return -unit - tolerance(fine) < over <= unit / 2 + unit / 20 + tolerance(fine)


def amount(fact: Fact) -> Decimal:
    """What a fact is worth for arithmetic: yuan for money, the printed value for anything else."""
    return fact.yuan if fact.yuan is not None else fact.value


def in_unit(yuan: Decimal, unit: str | None) -> str:
    """A yuan amount shown in a fact's unit with two decimals: 1583293300 元 in 万元 → 158329.33万元."""
    value = yuan / MONEY_UNITS.get(unit or "元", Decimal(1))
    return f"{value.quantize(Decimal('0.01')):f}{unit or ''}"


def graded(excess: Decimal, unit: Decimal, difference: Decimal, base: Decimal, sure: bool) -> Severity:
    """Severity by how sure and how material: within two units of the last printed digit beyond rounding is
    info (truncation, rounded inputs); a sure, material difference is an error; anything else a warning."""
    if excess <= 4 * unit:
        return "info"
    return "error" if sure and material(difference, base) else "warning"


def digits(printed: str) -> str:
    return re.sub(r"\D", "", printed)


def transposed(a: str, b: str) -> bool:
    """Same digits in a different order (148.28 vs 148.82), long enough not to be chance."""
    da, db = digits(a), digits(b)
    return len(da) >= 4 and da != db and sorted(da) == sorted(db) and len(a) == len(b)


_TENS = {Decimal(10) ** k for k in (1, 2, 3, 4, 8)} | {Decimal(10) ** -k for k in (1, 2, 3, 4, 8)}


def slip(found: Decimal, expected: Decimal, printed: str = "", should: str = "") -> str:
    """What a wrong figure looks like next to the right one: a decimal point or unit slipped (factor_of_ten),
    digits swapped (transposed_digits), one digit wrong (one_digit), or just a difference."""
    if expected and found and found / expected in _TENS:
        return "factor_of_ten"
    if printed and should and transposed(printed, should):
        return "transposed_digits"
    diff = abs(found - expected)
    if diff and len(digits(f"{diff.normalize():f}").strip("0")) == 1:
        return "one_digit"
    return "difference"
