"""What a question asks for in the disclosure schema: which lines or narrative items, and which fund scope.

The schema (corpus/schema) lists every line's official name, the wordings reports print, and English names a
journalist would use. A question names an item when one of those names stands in it: the longest names win
(公务用车运行维护费 over 运行维护费), and a name inside a longer one does not count again. A line that the
schema marks as the narrower figure of another (the 30217 公务接待费 line of the basic-expenditure table is only
the basic-expenditure part of the 三公 公务接待费) is not asked for when the broader line is: it is offered beside
the answer, never silently as the answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from pydantic import BaseModel, Field

from corpus.schema import Schema, label_key, load_bodies, load_schema
from qa.question import ENGLISH_BODY, Question, glossary_terms, phrase_pattern

# fund scope words a question can add to an item ("财政拨款安排的公务接待费"), as ids of corpus/schema SCOPES
_SCOPE_ZH = (("一般公共预算", "gp"), ("政府性基金", "gf"), ("国有资本经营", "soc"), ("财政拨款", "fiscal"))
_SCOPE_EN = (
    (r"general public budget", "gp"),
    (r"government(al)? funds?", "gf"),
    (r"state[- ]owned capital|state capital", "soc"),
    (r"fiscal appropriations?|appropriat(ed|ions?) funds?|from appropriations", "fiscal"),
)
_SCOPE_WORDS = {"财政拨款", "一般公共预算", "政府性基金", "国有资本经营", "财政拨款资金"}
_SCORE = re.compile(r"得分|评分|分数|\bscore|\brating", re.I)
_MONEY = re.compile(r"元|钱|经费|金额|费用|资金|\bhow much\b|\byuan\b|\bspent\b|\bcost", re.I)
_YEAR = re.compile(r"20\d{2}(?:年度|年(?![初末终底])|(?!年))")  # "2024年末结转和结余" keeps its 年末
_MIN_NAME = 3
_ECONOMIC_WHOLES = {
    "exp_basic",
    "personnel",
    "public_expense",
}
# words that make one named item a part of another ("基本支出中的差旅费", "hospitality within the 三公 budget") or,
# the other way, say what a total includes ("including carry-overs")
_PART_OF = re.compile(r"中的|中|其中|里|\b(?:within|in|of|under|out of)\b", re.I)
_EXCLUDED = re.compile(
    r"(?:不含|不包括|扣除|除去|除了|而不是|不是)[^，,。；;)）]*"
    r"|\b(?:excluding|leaving out|not including|without|except(?: for)?)\b[^,.;)]*",
    re.I,
)
_INCLUDING = re.compile(
    r"包括|含|including|inclusive|together with", re.I
)  # a shorter Chinese name (货物, 工程, 车辆) names an item only when it is the whole question item
# words that may stand around an item's name without naming more than the item: measures, statements, particles
_AROUND_NAMES = re.compile(
    r"支出|费用|经费|资金|费|项目|方面|部分|的|类|款|项|总额|金额|合计|总计|预算|决算|数|采购|经济分类|功能分类|分类|"
    r"安排|用于|之中|中|里|内|是多少|为多少|有多少|多少|共计|一共|总共"
)
# a note in brackets on which statement or column is meant ("（“三公”经费、会议费、培训费表的口径）",
# "(the 三公 statement, not the 30216 line)"): it says where to read the item, it names no item
_STATEMENT_NOTE = re.compile(r"[（(][^（()）]*(?:口径|表|\b(?:statement|table|line|column)s?\b)[^（()）]*[)）]", re.I)
GLOSS = re.compile(r"[（(]\s*([\u4e00-\u9fff]{2,40})\s*[)）]")  # a Chinese name in brackets: "(公务用车购置费)"
_A_TABLE = re.compile(r"^.*表(?:[中里内]的?|的)?")  # "收支总表中", "…总表中的基本支出": where it is printed
_TABLE_NAMED = re.compile(r"[\u4e00-\u9fff“”\"]{2,24}?表(?=[中里内的，,]|$)")  # "部门支出总体情况表"
_GENERIC = {"合计", "总计", "小计", "支出", "收入", "其他", "项目", "服务", "工程", "货物"}


def what_is_asked(term: str, text: str) -> str:
    """The part of a question's word that names the item: without the table it says to read it in ("部门支出总体
    情况表中的基本支出" → "基本支出", "收支总表中" → ""); nothing of a note on which statement is meant ("（按表中
    所列数字）")."""
    where = [*_STATEMENT_NOTE.findall(text), *_TABLE_NAMED.findall(text)]
    if any(term in span for span in where):
        return ""
    return _A_TABLE.sub("", term)


class Target(BaseModel):
    """The schema items a question names, best first, and the fund scope it restricts them to."""

    items: list[str] = Field(default_factory=list, description="line or narrative item ids")
    codes: list[str] = Field(default_factory=list, description="lines the question names by code (2080505)")
    narrower: list[str] = Field(default_factory=list, description="narrower lines, offered only as alternatives")
    scope: str | None = None
    names: list[str] = Field(default_factory=list, description="the names as they stood in the question")
    within: str | None = Field(None, description="the 类/款 whose 项 of a shared name is asked (its 行政运行)")


def resolve(question: Question) -> Target:
    """The lines and narrative items the question names (none: the question is outside the schema)."""
    schema = load_schema()

    def fitting(ids: list[str]) -> list[str]:
        return [i for i in ids if _kind_fits(schema, i, question)]

    noted = _STATEMENT_NOTE.sub(" ", question.text)  # a note on where to read the item names none
    text = _EXCLUDED.sub(" ", noted)  # "（不含上年结转和结余）", "leaving out meetings": not asked
    if question.lang == "en":
        text = ENGLISH_BODY.sub(" ", text)  # the Bureau of Commerce is no 商业服务业 line
    names = _chinese_names(text, fitting)  # Chinese words in an English question are the most exact
    if question.lang == "en":
        # an item glossed in Chinese ("'running cost of the organ' (机关运行经费)") is that item: the English words
        # then only say it again, or name a broader line ("running cost": 基本支出)
        glossed = any(n not in _SCOPE_WORDS for n, _ in names)
        english = [] if glossed else _english_names(text, fitting)
        names = _glosses(text, fitting) + names + english
    if question.lang == "en" or not names:  # the glossary's Chinese for English words; a follow-up's inherited item
        rest = _without_bodies(text)  # a body is no 自然资源 line; a name found is not also its words' glosses
        for name, _ in english if question.lang == "en" else []:
            rest = phrase_pattern(name, "s?", "a-z-").sub(" ", rest)
        own = glossary_terms(rest) if question.lang == "en" else []
        inherited = question.lang != "en" or (question.follow_up and not own)  # "and in 2018?" keeps its item
        for group in question.terms if inherited else own:
            found = next((found for term in group if (found := _chinese_names(term, fitting))), [])
            names += [(n, ids) for n, ids in found if n not in _SCOPE_WORDS]  # "non-appropriation" names no fund
    excluded = {i for span in _EXCLUDED.findall(noted) for _, ids in _all_names(span, fitting) for i in ids}
    items: list[str] = []
    for _, ids in names:
        items += [i for i in ids if i not in items and i not in excluded]
    scope_only = {i for name, ids in names if name in _SCOPE_WORDS or all(_fund_total(schema, i) for i in ids)
                  for i in ids}  # fmt: skip
    fund_scope = None
    if any(i not in scope_only for i in items):  # "财政拨款安排的公务接待费", "财政拨款支出中项目支出": a fund's scope
        fund_scope = next((schema.lines[i].scope for i in items if i in scope_only and i in schema.lines), None)
        items = [i for i in items if i not in scope_only]
    if _PART_OF.search(question.text) and not _INCLUDING.search(question.text):
        items = [i for i in items if not any(_contains(schema, i, j) for j in items if j != i)]
    if question.lang == "en":  # "how much of the procurement budget is for services": the part it names
        items = list(dict.fromkeys(_named_part(schema, i, text) or i for i in items))  # a body's words name no part
    within = _function_within(schema, names)
    if within is not None:
        items = [i for i in items if _contains(schema, within, i)]
    if not items and within is None:
        items = _side_total(question)
    narrower = [n for i in items for n in _narrower(schema, i, items)]
    codes = [c for c in _codes(question) if schema.lines[c].code in text]  # not a code a note rules out
    return Target(
        items=codes + [i for i in items if i not in narrower and i not in codes],
        narrower=[n for n in narrower if n not in codes],
        codes=codes,
        within=within,
        scope=_scope(question, [n for n, _ in names if n not in _SCOPE_WORDS]) or fund_scope,
        names=[n for n, _ in names],
    )


def _function_within(schema: Schema, names: list[tuple[str, list[str]]]) -> str | None:
    """The 类 or 款 a question names beside a 项 name many 款 share ("行政运行 under 民政管理事务"): the 项 of that
    款 is asked, never the 款's total nor another 款's 行政运行 (no such 项 in the schema: none is answered)."""
    shared = [ids for _, ids in names if len([i for i in ids if i in schema.lines]) > 1]
    if not shared:
        return None
    wholes = [
        i for _, ids in names if len(ids) == 1 and (line := schema.lines.get(ids[0])) is not None
        and line.classification == "function" and line.level in ("类", "款") for i in ids
    ]  # fmt: skip
    return wholes[0] if len(wholes) == 1 else None


_SIDE_BUDGET = re.compile(
    r"(?P<zh>收入|支出)预算|预算(?P<zh2>收入|支出)|\b(?P<en>income|revenue|spending|expenditure) budget\b"
    r"|\bbudget(?:ed)? (?P<en2>income|revenue|spending|expenditure)\b",
    re.I,
)
_SIDES = {"收入": "inc_grand_total", "income": "inc_grand_total", "revenue": "inc_grand_total",
          "支出": "exp_grand_total", "spending": "exp_grand_total", "expenditure": "exp_grand_total"}  # fmt: skip
# what else an English question about a side's budget may say ("By what percentage does … grow compared with …")
_SIDE_WORDS_EN = {
    "s", "budget", "budgeted", "total", "overall", "grow", "growth", "rise", "increase", "decrease", "fall", "change",
    "cut", "compared", "initial", "over", "previous", "last", "year", "percentage", "percent", "department",
}  # fmt: skip


def _side_total(question: Question) -> list[str]:
    """A question asking only for a side's budget ("2026年度收入预算比上年增加了多少", "the 2026 income budget … rise
    over the previous year") asks for that side's total, as the report's own sentence names it ("部门收入预算为
    15184.81万元"); with any other item word (a line the schema lacks) it names none."""
    m = _SIDE_BUDGET.search(question.text)
    if m is None:
        return []
    words = {t for group in question.terms for t in group}
    if question.lang == "zh" and not words <= {"收入", "支出", "本级"}:
        return []
    rest = set(re.findall(r"[a-z]+", question.item.lower())) - {m.group(g) for g in ("en", "en2") if m.group(g)}
    if question.lang == "en" and rest - _SIDE_WORDS_EN - set(_SIDES):
        return []
    return [_SIDES[next(g for g in m.groups() if g).lower()]]


_ENGLISH_FILLER = {"of", "to", "the", "and", "for", "by", "in", "on", "a", "an"}


def _english_words(texts: list[str]) -> set[str]:
    """Lower-case words, plurals as singulars ("services" → "service", "SMEs" → "sme")."""
    words = {w for t in texts for w in re.findall(r"[a-z]+", t.lower())}
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words} - _ENGLISH_FILLER


def _named_part(schema: Schema, item_id: str, text: str) -> str | None:
    """The one part of a narrative item (its schema children) that an English question names by the word that
    sets the part apart from the whole: "procurement … for services" is 政府采购服务, not the 政府采购 total."""
    whole = schema.narrative.get(item_id)
    if whole is None:
        return None
    own = _english_words([whole.english, *whole.english_aliases])
    asked = _english_words([text])
    parts = [
        c.id
        for c in schema.narrative.values()
        if c.parent == item_id and (_english_words([c.english, *c.english_aliases]) - own) & asked
    ]
    return parts[0] if len(parts) == 1 else None


def _all_names(text: str, fitting: Callable[[list[str]], list[str]]) -> list[tuple[str, list[str]]]:
    return _chinese_names(text, fitting) + _english_names(text, fitting)


def names_an_item(text: str) -> bool:
    """The text is schema names and the words around them (财政拨款基本支出中的差旅费, 公务接待费用): at most two
    characters are left once they are taken out. "突发公共卫生事件应急处理" only contains the 公共卫生 line's name."""
    key = label_key(text)
    rest = key
    for name, _ in _chinese_index():  # longest first
        if name in rest:
            rest = rest.replace(name, " ")
    return rest != key and len(_AROUND_NAMES.sub("", rest.replace(" ", ""))) <= 2


def item_kind(item_id: str) -> str:
    """The kind of number an item is: money for every line, the narrative item's own kind otherwise."""
    narrative = load_schema().narrative.get(item_id)
    return narrative.unit_kind if narrative else "money"


def _contains(schema: Schema, outer: str, inner: str) -> bool:
    """`outer` is a total the other named item is part of ("基本支出中的差旅费", "official hospitality within the
    三公 budget"): the part is asked, the total only says where it sits. Economic classes are parts of 基本支出."""
    line = schema.lines.get(inner)
    if line is not None and line.classification == "economic" and outer in _ECONOMIC_WHOLES:
        return True
    seen: set[str] = set()
    item = schema.item(inner)
    while item is not None and item.parent and item.parent not in seen:
        if item.parent == outer:
            return True
        seen.add(item.parent)
        item = schema.item(item.parent)
    return False


def _fund_total(schema: Schema, item_id: str) -> bool:
    """A fund's own total (财政拨款收入/支出, 一般公共预算财政拨款收入 …): beside another item, that item's scope."""
    line = schema.lines.get(item_id)
    return (
        line is not None
        and line.classification == "line"
        and line.scope in ("fiscal", "gp", "gf", "soc")
        and line.kind in ("income", "total")
    )


def _codes(question: Question) -> list[str]:
    """Function codes the question prints ("2080505"): the line of that code."""
    schema = load_schema()
    lines = [schema.by_code(code) for code in question.codes]
    return [line.id for line in lines if line is not None]


def _chinese_names(text: str, fitting: Callable[[list[str]], list[str]]) -> list[tuple[str, list[str]]]:
    """Schema names standing in the text, longest first, none inside another one found; a name whose items
    are all of the wrong kind (a money line in a count question) leaves its words to shorter names."""
    key = label_key(_bodies_zh().sub(" ", _YEAR.sub(" ", text)))
    found: list[tuple[str, list[str]]] = []
    taken: list[tuple[int, int]] = []
    for name, ids in _chinese_index():
        start = key.find(name)
        while start >= 0 and fitting(ids):
            span = (start, start + len(name))
            if not any(a < span[1] and span[0] < b for a, b in taken):
                taken.append(span)
                found.append((name, fitting(ids)))
                break
            start = key.find(name, start + 1)
    return found


def _english_names(text: str, fitting: Callable[[list[str]], list[str]]) -> list[tuple[str, list[str]]]:
    """English item names in the text, longest first. The publishing body's words ("the procuratorate", "the
    finance bureau") and years are taken out first: a body is not the 检察/财政事务 line of the budget."""
    lowered = f" {_without_bodies(text)} "
    found = []
    for name, ids in _english_index():
        pattern = phrase_pattern(name, "s?", "a-z-")
        if fitting(ids) and pattern.search(lowered):
            found.append((name, fitting(ids)))
            lowered = pattern.sub(" ", lowered)
    return found


@cache
def _bodies_zh() -> re.Pattern[str]:
    """A publishing body's name in Chinese ("普陀区社会福利院", "省检察院", "中共江苏省委办公厅"): a body is not the
    社会福利/检察 line of its own budget."""
    bodies = load_bodies()

    def alternatives(what: str) -> str:
        names = {n for b in bodies if b.what == what for n in (b.name, *b.short) if len(n) >= 2}
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    regions, types, named = alternatives("region"), alternatives("type"), alternatives("body")
    return re.compile(rf"(?:中共)?(?:{regions})+[省市区县]?[\u4e00-\u9fff]{{0,10}}?(?:{types})|(?:{named})|(?:{types})")


def _without_bodies(text: str) -> str:
    """The English text, normalised, without the publishing bodies' names and the years."""
    lowered = f" {_english_key(text)} "
    for phrase in _body_phrases():
        lowered = phrase_pattern(phrase, "(?:['’]s)?", "a-z-").sub(" ", lowered)
    lowered = re.sub(r"\b(?:fy)?20\d{2}(?:['’]s)?\b", " ", lowered)
    return re.sub(r"\s+", " ", lowered).strip()


@cache
def _body_phrases() -> list[str]:
    phrases = {e for body in load_bodies() for e in body.english} | {"general office", "people's government"}
    return sorted(phrases, key=len, reverse=True)


def _english_key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def _glosses(text: str, fitting: Callable[[list[str]], list[str]]) -> list[tuple[str, list[str]]]:
    """A Chinese gloss in brackets in an English question ("for works (工程)") is exactly the item, however short."""
    found = []
    for gloss in GLOSS.findall(text):
        ids = fitting(_all_chinese_names().get(label_key(gloss), []))
        if ids and label_key(gloss) in _GENERIC:
            found.append((gloss, ids))
    return found


@cache
def _all_chinese_names() -> dict[str, list[str]]:
    """Every Chinese line and narrative-item name (normalised) with the ids it names."""
    schema = load_schema()
    index: dict[str, list[str]] = {}
    for line in schema.lines.values():
        for name in line.names:
            _add(index, label_key(name), line.id)
    for item in schema.narrative.values():
        for name in (item.name, *item.aliases):
            _add(index, label_key(name), item.id)
    return index


@cache
def _chinese_index() -> list[tuple[str, list[str]]]:
    """The Chinese names a question is searched for, longest first: none shorter than three characters and no
    generic word (工程, 服务 …), which name an item only as a gloss."""
    index = _all_chinese_names()
    keys = [k for k in index if len(k) >= _MIN_NAME and k not in _GENERIC]
    return sorted(((k, index[k]) for k in keys), key=lambda kv: -len(kv[0]))


@cache
def _english_index() -> list[tuple[str, list[str]]]:
    schema = load_schema()
    index: dict[str, list[str]] = {}
    for entry in [*schema.lines.values(), *schema.narrative.values()]:
        for name in (entry.english, *entry.english_aliases):
            for key in {_english_key(name), re.sub(r"\s*\(.*?\)", "", _english_key(name)).strip()} - {""}:
                _add(index, key, entry.id)
                if key.endswith("s") and not key.endswith("ss"):
                    _add(index, key[:-1], entry.id)  # "official receptions" is asked as "official reception spending"
    return sorted(index.items(), key=lambda kv: -len(kv[0]))


def _add(index: dict[str, list[str]], key: str, item_id: str) -> None:
    ids = index.setdefault(key, [])
    if item_id not in ids:
        ids.append(item_id)


def _kind_fits(schema: Schema, item_id: str, question: Question) -> bool:
    """A count question asks for a count item; "多少" alone may ask for either; a score only when asked."""
    kind = item_kind(item_id)
    if kind == "score":
        return bool(_SCORE.search(question.text))
    if question.number_kind == "count":
        return kind == "count"
    if question.number_kind == "money" and kind == "count":
        return not _MONEY.search(question.text)
    return True


def _narrower(schema: Schema, item_id: str, named: list[str]) -> list[str]:
    """Lines narrower than this one: the schema's own list, and economic-code namesakes of a statement line
    (the basic-expenditure table's 公务接待费, 培训费 … are that table's part of the figure only)."""
    line = schema.lines.get(item_id)
    if line is None or line.classification != "line":
        return list(line.narrower) if line else []
    names = {label_key(n) for n in line.names}
    namesakes = [
        i for i in named
        if (other := schema.lines.get(i)) and other.classification == "economic"
        and names & {label_key(n) for n in other.names}
    ]  # fmt: skip
    return [*line.narrower, *(i for i in namesakes if i not in line.narrower)]


def _scope(question: Question, named: list[str]) -> str | None:
    """A fund scope the question adds outside the item's own name (财政拨款收入 names a line, not a scope)."""
    if question.lang == "en":
        text = question.text.lower()
        for name in named:
            text = text.replace(name, " ")
        return next((scope for pattern, scope in _SCOPE_EN if re.search(pattern, text)), None)
    key = label_key(question.text)
    for name in named:
        key = key.replace(name, " ")
    return next((scope for word, scope in _SCOPE_ZH if word in key), None)
