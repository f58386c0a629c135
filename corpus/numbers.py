"""Exact amounts: parse what is printed into `Decimal` values with unit and yuan.

Blank, "—", "-" and "无" are *missing*, never zero. Function codes (类/款/项)
are recognised so that "2080506" or "208 05 06" is never read as an amount.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from corpus.model import Amount

MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "百元": Decimal(100),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "百万元": Decimal(1000000),
    "亿元": Decimal(100000000),
}
COUNT_WORDS = (
    "批次",
    "人次",
    "件次",
    "台（套）",
    "台(套)",
    "辆",
    "人",
    "名",
    "个",
    "台",
    "次",
    "份",
    "件",
    "条",
    "套",
    "篇",
    "项",
    "家",
    "户",
    "所",
    "处",
)
MISSING = {"", "-", "—", "--", "——", "－", "/", "无", "…", "...", "——————"}

_MULTIPLIER = {"万": Decimal(10000), "亿": Decimal(100000000)}
_PLAIN = r"\d+(?:\.\d+)?"
_GROUPED = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_CELL_NUMBER = re.compile(rf"^(?P<neg>[-−])?(?P<num>{_GROUPED}|{_PLAIN})$")
_CODE = re.compile(r"^(?:\d{3}|\d{3} ?\d{2}|\d{3} ?\d{2} ?\d{2}|\d{5}|\d{7})$")
_UNIT_CAPTION = re.compile(r"单位\s*[:：]\s*(百万元|千元|万元|亿元|百元|元|万\s*元)")
_UNIT_PAREN = re.compile(r"[（(]\s*(百万元|千元|万元|亿元|百元|元|百)\s*[)）]")

_LETTER_SPACED = re.compile(r"\d [\d.](?: [\d.])* ?$")  # digits one space apart, right before a number
_money = "|".join(sorted(MONEY_UNITS, key=len, reverse=True))
_counts = "|".join(re.escape(w) for w in sorted(COUNT_WORDS, key=len, reverse=True))
# A number in running text, with its unit. Units are required: a bare number is a
# year, an item number or a code, not an amount.
_TEXT_AMOUNT = re.compile(
    rf"(?P<cmp>[≥≤><]|不低于|不少于|约|近|超过)?"
    rf"(?<![\d.,\ufffd])(?P<neg>[-−])?(?P<num>{_GROUPED}|{_PLAIN})(?![\d\ufffd])"  # U+FFFD: an unreadable byte
    rf"\s*(?P<approx1>余|多)?(?P<mult>万|亿)?(?P<approx2>余|多)?\s*"
    rf"(?P<unit>{_money}|%|{_counts})"
)


def normalize(text: str) -> str:
    """Fold full-width digits and punctuation to ASCII so numbers parse the same way."""
    out = unicodedata.normalize("NFKC", text)
    return out.replace("−", "-").replace("，", ",")


def is_missing(text: str) -> bool:
    return normalize(text).strip() in MISSING


def is_code(text: str) -> bool:
    """True for function/economic classification codes (208, 20805, 2080506, '208 05 06')."""
    return bool(_CODE.match(normalize(text).strip()))


def is_amount(text: str) -> bool:
    """A table cell that holds an amount: a number, not a classification code, not "—"."""
    return bool(text) and not is_missing(text) and not is_code(text) and parse_cell(text) is not None


def parse_decimal(text: str) -> Decimal | None:
    """Parse a bare printed number ("1,603,345.54", "(12.00)", "-16.95"); None if it is not one."""
    s = normalize(text).strip().replace(" ", "")
    negative = False
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        s, negative = s[1:-1], True
    m = _CELL_NUMBER.match(s)
    if not m:
        return None
    try:
        value = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    if m.group("neg"):
        negative = not negative
    return -value if negative else value


def unit_in(text: str) -> str | None:
    """The money unit a caption or header names: "单位：万元", "金额（元）", "预算额（百）"."""
    s = normalize(text)
    found = _UNIT_CAPTION.findall(s)
    if found:
        return found[-1].replace(" ", "")
    m = _UNIT_PAREN.search(s)
    if m:
        return "百元" if m.group(1) == "百" else m.group(1)
    return None


def to_yuan(value: Decimal, unit: str | None) -> Decimal | None:
    if unit not in MONEY_UNITS:
        return None
    return plain(value * MONEY_UNITS[unit])


def plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without scientific notation: 14300.00 → 14300, 1.50 → 1.5."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def classify(unit: str | None) -> str:
    if unit in MONEY_UNITS:
        return "money"
    if unit == "%":
        return "percent"
    if unit:
        return "count"
    return "number"


def make_amount(value: Decimal, printed: str, unit: str | None, approx: bool = False) -> Amount:
    return Amount(
        value=value, printed=printed, unit=unit, kind=classify(unit), approx=approx, yuan=to_yuan(value, unit)
    )


def parse_cell(text: str, unit: str | None = None) -> Amount | None:
    """A table cell as an amount. `unit` is the column's or table's unit; a unit in the cell wins."""
    s = normalize(text).strip()
    value = parse_decimal(s)
    if value is not None:
        return make_amount(value, text.strip(), unit)
    m = _TEXT_AMOUNT.fullmatch(s.replace(" ", ""))
    if m:
        return _amount_from_match(m, text.strip())
    return None


def find_amounts(text: str) -> list[tuple[int, int, Amount]]:
    """Every amount with a unit in running text, with its character span in `text`.

    NFKC keeps string length for the characters we fold, so spans index the original.
    """
    s = normalize(text)
    if len(s) != len(text):  # rare compatibility characters: fall back to exact text
        s = text
    out = []
    for m in _TEXT_AMOUNT.finditer(s):
        if len(m.group("num")) == 1 and _LETTER_SPACED.search(s, 0, m.start("num")):
            continue  # "1 8 1 . 2 9万元": a letter-spaced number whose last digit alone would read as 9万元
        start = m.start("neg") if m.group("neg") else m.start("num")
        if m.group("cmp"):
            start = m.start("cmp")
        out.append((start, m.end(), _amount_from_match(m, text[start : m.end()])))
    return out


def _amount_from_match(m: re.Match[str], printed: str) -> Amount:
    value = Decimal(m.group("num").replace(",", ""))
    if m.group("neg"):
        value = -value
    unit = m.group("unit").replace("％", "%")
    mult = m.group("mult")
    if mult and unit == "元":
        unit = mult + unit  # "54.39万元": the value stays as printed, in 万元
    elif mult:
        value = plain(value * _MULTIPLIER[mult])  # "1.8万余条" is about 18000 条
    approx = bool(m.group("approx1") or m.group("approx2") or m.group("cmp"))
    return make_amount(value, printed, unit, approx)


def half_unit(printed_value: Decimal) -> Decimal:
    """Half a unit in the last printed digit: 54.39 → 0.005, 72 → 0.5."""
    exponent = printed_value.as_tuple().exponent
    return Decimal(5).scaleb(exponent - 1) if isinstance(exponent, int) else Decimal(0)


def yuan_tolerance(fact: Amount) -> Decimal:
    """Rounding slack of a money fact, in yuan."""
    return half_unit(fact.value) * MONEY_UNITS.get(fact.unit or "", Decimal(1))
