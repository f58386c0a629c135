"""What a question asks: the item, the period, the measure and the kind of number.

Questions come in Chinese or English. English item words are mapped to the
reports' Chinese terms through the reviewed glossary (index/glossary.tsv); the
glossary only widens matching, it never supplies a number. Follow-ups ("and in
2018?", "那预算数呢？", "what about receptions?") reuse what the previous question
asked and change only what the follow-up says.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from typing import Literal

from pydantic import BaseModel, Field

from index.glossary import load_glossary

Lang = Literal["zh", "en"]
NumberKind = Literal["money", "count", "percent"] | None

_CJK = re.compile(r"[\u3400-\u9fff]")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
# "last year's figure"; not the carry-over from last year, which is a line of this year's report (上年结转)
_LAST_YEAR_EN = re.compile(
    r"(?<!carried over from )(?<!carried forward from )(?<!carry-over from )(?<!brought forward from )"
    r"\b(?:(?:last|previous|prior) year|the year before)\b(?!['’]s (?:balance|carry-over|surplus))",
    re.I,
)
_LAST_YEAR_ZH = re.compile(r"(?:上年|去年|上一年|上年度)(?!(?:财政拨款)?(?:结转|结余))")

# money a body is to spend or receive: a budget's figure ("How much will X spend on …", "plans to spend")
PLANNED_EN = re.compile(
    r"\bwill\b[^?.]{0,80}?\b(?:spend|receive|get|allocate)\b|\b(?:plans?|intends?) to(?: spend| receive| get)?\b", re.I
)
# measure words, most specific first: (pattern, measure)
_MEASURES_EN: list[tuple[str, str | None]] = [
    (r"\b(unspent|left over|left|remaining|not spent|unused)\b", None),
    (r"\b(percent(age)? change|growth rate|rate of (change|increase|decrease)|by what percent(age)?)\b", "增减率"),
    (
        r"\bby how much\b|\bhow much\b.*\b(increase|decrease|rise|fall|grow|drop|change)d?\b|"
        r"\b(how much (did it|has it) (change|increase|decrease|fall|rise|grow)|change from|increase from|"
        r"decrease from|difference from last year|year[- ]on[- ]year change|how much (more|less))\b|"
        r"\b(cut|cuts|reduced?|lowered?|trimmed?|raised?)\b[^?]*\b(compared (with|to)|than|from)\b",
        "增减额",
    ),
    (r"\b(share|proportion|percent(age)? of( the)? total)\b", "占比"),
    (r"\b(completion rate|percent(age)? of( the)? budget|execution rate)\b", "完成率"),
    (r"\badjusted budget\b", "调整预算数"),
    (rf"\b(budget(ed)?|planned|allocated|appropriated for)\b|{PLANNED_EN.pattern}", "预算数"),
    (r"\b(executed|execution)\b", "执行数"),
    (r"\b(spent|spend|actual|final accounts?|paid|went to)\b", "决算数"),  # "basic expenditure" names a line
]
_MEASURES_ZH: list[tuple[str, str | None]] = [
    (r"未完成|未实现|未支出|结余|剩余", None),
    (r"增减率|增长率|增幅|降幅|下降.*%|增长了?多少%|变动率|增长了?百分之", "增减率"),
    (
        r"增减额|(?:增加|减少|增长|下降|降低|上升|提高|压减|节约)了?多少|比[^，。？?]{0,30}?(?:多|少)了?多少|增减|"
        r"变化了?多少|差额",
        "增减额",
    ),
    (r"占比|比重|占.*比例|占.*百分之", "占比"),
    (r"完成率|执行率|完成预算", "完成率"),
    (r"调整预算", "调整预算数"),
    (r"(?<!公共)(?<!基金)(?<!经营)预算(?!财政|拨款)", "预算数"),
    (r"执行数", "执行数"),
    (r"决算|实际|支出了?多少|花了?多少", "决算数"),
]
# what a percentage question asks: a change rate, a completion rate or a share
_PERCENT_MEASURES = [
    (
        r"增长|增加|下降|减少|降低|上升|变动|"
        r"\b(grow|grew|growth|increase|decrease|rise|rose|fall|fell|drop|change)",
        "增减率",
    ),
    (r"完成|执行|of (the )?budget|budget execution", "完成率"),
    (r"占|\bof\b|\bshare\b|\bproportion\b", "占比"),
]
_COUNT_EN = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.I)
_COUNT_ZH = re.compile(r"多少(辆|人|名|个|台|次|批次|份|件|条|套|家|户)|几(辆|人|名|个|台|次)|人数|数量")
_PERCENT_EN = re.compile(r"\bpercent|\brate\b|%|\bshare\b|\bproportion\b", re.I)
_PERCENT_ZH = re.compile(r"百分之|%|率|比例|比重|占比")
_WHY_EN = re.compile(
    r"^\s*why\b|\bwhat (explains|caused|drove|accounts for)\b|\breasons?\b|\bwhat .*(used|spent) "
    r"(for|on)\b|\bwhat for\b|\bexplain",
    re.I,
)
_WHY_ZH = re.compile(r"为什么|为何|原因|主要用于|用于什么|用在|用途|怎么回事|何故")

# words that carry no item meaning, removed before matching the item
_STOP_ZH = re.compile(
    r"是多少|为多少|有多少|多少钱|多少|是什么|什么|哪些|怎么样|如何|为什么|为何|原因|主要用于|用于|吗|呢|啊|么|请问|"
    r"那么|那|的|了|年度|年|总共|一共|数额|金额|情况|具体|本单位|该单位|今年|去年|上年"
)
_STOP_EN = re.compile(
    r"\b(how|much|many|what|was|were|is|are|the|a|an|in|on|of|for|to|did|does|do|by|at|its|it|this|that|"
    r"and|about|with|total|amount|spent|spend|spending|actual|budget(ed)?|planned|year|last|previous|prior|"
    r"report|department|office|itself|value|figure|number|money|yuan|cost|costs|went|go|which|there|be|been|"
    r"and in|what about|how about|then|so|also|why|explain|reason|reasons|change|changed)\b",
    re.I,
)
_BASE_YEAR = re.compile(
    r"(?:compared (?:with|to)|than|from|over|比|较|与|相比|同比)\s*(?:the\s+)?(?:year\s+)?(?:fy\s*)?(20\d{2})", re.I
)
# the day a stock is counted on ("截至2025年底共有车辆37台", "as of October 2025"): a budget of 2026 counts it at
# the end of 2025, so that year is no report's
_AS_OF = re.compile(
    r"\b(?:at|by) the end of (?:\w+ )?(20\d\d)\b|\b(?:as of|as at) (?:[\w,]+ ){0,3}?(20\d\d)\b"
    r"|截至\s*(20\d\d)|(20\d\d)\s*年\s*(?:年?底|年?末)",
    re.I,
)
_CODE = re.compile(r"(?<!\d)(\d{7}|\d{5})(?!\d)")
# words that separate item names in a Chinese question: measures, comparisons, question words
_ITEM_BREAK_ZH = re.compile(
    r"预算数|决算数|执行数|调整预算|年初预算|预算安排|(?<!公共)(?<!基金)(?<!经营)预算|决算|增减额|增减率|完成率|占比|比例|比重|百分之几|百分比|"
    r"合计|总计|总额|小计|完成|增长|增加|减少|下降|降低|上升|相比|比|较|占|与|为|是|\d+"
)
_MEASURE_WORDS = {
    "增加",
    "上升",
    "增长",
    "减少",
    "下降",
    "降低",
    "上年",
    "上年度",
    "去年",
    "年末",
    "年终",
    "预算",
    "决算",
    "预算数",
    "决算数",
    "执行数",
    "年初预算",
    "年初预算数",
    "全年预算",
    "调整预算",
    "预算安排",
    "预算执行数",
    "决算支出",
}
_MODIFIERS = {"合计", "总计", "总额", "小计"}
# words a follow-up may say that name no item ("and the final accounts?")
_NOT_AN_ITEM_EN = re.compile(r"\b(final|accounts?|actuals?|budgets?|figures?|numbers?|instead|one|please|ones)\b", re.I)
_FOLLOW_UP_EN = re.compile(r"^\s*(and|what about|how about|and what about|then|what of)\b", re.I)
_FOLLOW_UP_ZH = re.compile(r"^\s*(那|那么|还有|再看|以及)|呢[？?]?\s*$")


class Question(BaseModel):
    text: str
    lang: Lang
    item: str = Field(description="the item words as asked, stop words removed")
    terms: list[list[str]] = Field(
        default_factory=list, description="Chinese terms to match facts against; each group lists alternatives"
    )
    year: int | None = None
    relative_year: int = Field(0, description="-1 for 'last year' relative to the report's year")
    measure: str | None = None
    number_kind: NumberKind = None
    why: bool = False
    total: bool = Field(False, description="asks for the inclusive figure (total / 合计 / 总)")
    follow_up: bool = False
    codes: list[str] = Field(default_factory=list, description="function codes named, e.g. 2050205")
    bodies: list[str] = Field(default_factory=list, description="the bodies it was asked of (set by qa.reports)")
    report_kind: str | None = Field(None, description="预算 or 决算 when it named the kind of report (qa.reports)")


def detect_lang(text: str) -> Lang:
    """The language of the first word: "How much went to 行政运行?" is English."""
    first = re.search(r"[\u3400-\u9fff]|[A-Za-z]", text)
    return "zh" if first and _CJK.match(first.group()) else "en"


_CAPITALISED = r"[A-Z][\w'’.-]*"
# an English name of a body as a journalist writes it: capitalised words up to a kind of body, and its "of …"
# ("the Fuzhou Municipal Bureau of Commerce", "Quanzhou Public Security Bureau", "Wuxi Development and Reform
# Commission"); no item of the schema is written so
ENGLISH_BODY = re.compile(
    rf"(?:{_CAPITALISED}\s+(?:(?:and|of|for|on)\s+)?)+"
    r"(?:Bureau|Commission|Office|Department|Committee|Administration|Court|Procuratorate|Congress|University"
    r"|Cent(?:er|re)|Agency|Authority|Institute)"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_CAPITALISED}(?:\s+(?:and\s+)?{_CAPITALISED})*)?(?:['’]s)?"
)


class Phrase:
    """An English phrase as whole words (`tail` may follow it: a plural s, a possessive). The glossary, the
    schema's English names and the bodies' are thousands of phrases and a text holds few of them: the pattern is
    compiled only for a text that holds the phrase at all, since compiling them all was most of a question's time."""

    def __init__(self, phrase: str, tail: str, edge: str) -> None:
        self.lowered = phrase.lower()
        self.source = rf"(?<![{edge}]){re.escape(phrase)}{tail}(?![{edge}])"

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source, re.I)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.lowered in text.lower() else None

    def sub(self, replacement: str, text: str) -> str:
        return self.pattern.sub(replacement, text) if self.lowered in text.lower() else text


@cache
def phrase_pattern(phrase: str, tail: str = "", edge: str = "a-z") -> Phrase:
    return Phrase(phrase, tail, edge)


def glossary_terms(text: str) -> list[list[str]]:
    """For every English glossary phrase in the text (longest first), its Chinese alternatives."""
    glossary = load_glossary()
    lowered = f" {text.lower()} "
    out: list[list[str]] = []
    for phrase in sorted(glossary, key=len, reverse=True):
        pattern = phrase_pattern(phrase, "s?")
        if pattern.search(lowered):
            out.append(list(glossary[phrase]))
            lowered = pattern.sub(" ", lowered)
    return out


def parse_question(text: str, previous: Question | None = None) -> Question:
    lang = detect_lang(text)
    years = _asked_years(text)
    relative = -1 if (_LAST_YEAR_EN.search(text) if lang == "en" else _LAST_YEAR_ZH.search(text)) else 0
    measure = _measure(text, lang)
    number_kind = _number_kind(text, lang, measure)
    why = bool((_WHY_EN if lang == "en" else _WHY_ZH).search(text))
    if lang == "zh":
        item = _STOP_ZH.sub(" ", re.sub(r"20\d{2}", " ", text))
        item = re.sub(r"[^\u3400-\u9fffA-Za-z]+", " ", item).strip()
        item = _ITEM_BREAK_ZH.sub(" ", item).strip()
        terms = [[t] for t in item.split() if len(t) >= 2]
    else:
        english = re.sub(r"[\u3400-\u9fff（）()]+", " ", text)
        item = re.sub(r"\s+", " ", _STOP_EN.sub(" ", re.sub(r"[^\w\s]", " ", english))).strip()
        terms = glossary_terms(english) + [[t] for t in re.findall(r"[\u3400-\u9fff]{2,}", text)]
    total = bool(re.search(r"\btotal\b|\boverall\b|合计|总计|总额|总共", text, re.I))
    terms = [g for g in terms if not set(g) <= _MEASURE_WORDS]  # "increase" is a measure, not an item
    if any(not set(g) <= _MODIFIERS for g in terms):
        terms = [g for g in terms if not set(g) <= _MODIFIERS]  # "total X" asks for X
    follow_up = bool((_FOLLOW_UP_EN if lang == "en" else _FOLLOW_UP_ZH).search(text)) and previous is not None
    q = Question(
        text=text,
        lang=lang,
        item=item,
        terms=terms,
        year=years[-1] if years else None,
        relative_year=relative,
        measure=measure,
        number_kind=number_kind,
        why=why,
        total=total,
        follow_up=follow_up,
        codes=_CODE.findall(text),
    )
    if previous is not None and (follow_up or not _own_item(q)):
        q = _inherit(q, previous)
    return q


def _own_item(q: Question) -> bool:
    """Whether the question names an item of its own, even one that maps to nothing ("how many dragons?")."""
    words = q.item if q.lang == "zh" else _NOT_AN_ITEM_EN.sub(" ", q.item)
    return bool(q.terms) or bool(re.sub(r"\d+", " ", words).strip())


def _asked_years(text: str) -> list[int]:
    """Years the question asks about; the base year of a comparison ("compared with 2023",
    "比2023年", "from 2023") is not the period asked for."""
    base = {m.group(1) for m in _BASE_YEAR.finditer(text)}
    return [int(y) for y in _YEAR.findall(text) if y not in base]


def as_of_years(text: str) -> set[int]:
    """The years the text dates a count at."""
    return {int(y) for m in _AS_OF.finditer(text) for y in m.groups() if y}


def _inherit(q: Question, previous: Question) -> Question:
    """A follow-up keeps what it leaves out of the previous question: the item (only when it names none, not even
    one that maps to nothing), the period, the measure and the bodies and kind of report it was asked of."""
    update: dict = {"follow_up": True, "bodies": previous.bodies, "report_kind": previous.report_kind}
    if not _own_item(q):
        update.update(item=previous.item, terms=previous.terms)
    if q.year is None and q.relative_year == 0:
        update.update(year=previous.year, relative_year=previous.relative_year)
    if q.measure is None:
        update["measure"] = previous.measure
    if q.number_kind is None:
        update["number_kind"] = previous.number_kind
    return q.model_copy(update=update)


def _measure(text: str, lang: Lang) -> str | None:
    percent = re.search(r"百分之|百分比|比例|比重|%|\bpercent(age)?\b|\bshare\b|\bproportion\b", text, re.I)
    if percent:
        for words, measure in _PERCENT_MEASURES:
            if re.search(words, text, re.I):
                return measure
    for pattern, measure in _MEASURES_EN if lang == "en" else _MEASURES_ZH:
        if re.search(pattern, text, re.I):
            return measure
    return None


def _number_kind(text: str, lang: Lang, measure: str | None) -> NumberKind:
    if (_COUNT_EN if lang == "en" else _COUNT_ZH).search(text):
        return "count"
    if re.search(r"百分之|百分比|比例|比重|%|\bpercent(age)?\b|\bwhat share\b|\bproportion\b", text, re.I):
        return "percent"
    if measure in ("增减率", "占比", "完成率"):
        return "percent"
    if measure == "增减额" and lang == "zh" and not re.search(r"元|钱|金额|数额", text):
        return None  # "比上年增长了多少": the change the report states, as an amount or as a rate
    if measure is None and (_PERCENT_EN if lang == "en" else _PERCENT_ZH).search(text):
        return "percent"
    return "money" if measure or re.search(r"how much|多少|金额|费|经费|支出|收入", text, re.I) else None
