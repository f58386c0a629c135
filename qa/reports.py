"""Which report(s) a question is about when it names no file: by the body, year, kind and scope it names.

A corpus folder holds many reports; the documents of one body, year, kind (预算/决算) and scope (部门/单位) are one
report (a narrative PDF and its companion tables PDF). A question names a body in Chinese (any short form of its
name: 省检察院, 普陀区财政局, 万里街道) or in English (its kind of body, region and name from corpus/schema/bodies.tsv:
"the Jiangsu CPPCC General Office", "Putuo District Finance Bureau"); the longest, most specific naming wins.

What comes out is never a guess: a question naming a body or year the corpus does not hold is answered "not found"
with what the corpus does hold; a question that several reports fit equally gets one row per report; only a question
that names no body at all is answered from whichever report states the item, and the answer says whose it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from pydantic import BaseModel, Field

from corpus.identity import body_parts, report_key, short_forms
from corpus.model import ReportIdentity
from corpus.schema import BodyName, load_bodies
from qa.library import Library
from qa.question import ENGLISH_BODY, PLANNED_EN, Question, as_of_years, detect_lang, phrase_pattern

_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_REPORT_YEAR = re.compile(
    r"(?<!\d)(20\d{2})(?=\s*年度?\s*(?:部门|单位)?\s*(?:预算|决算))"
    r"|(?<!\d)(?<=its |the )(20\d{2})(?=\s+(?:department(?:al)?\s+|unit\s+)?(?:budget|final accounts)\b)",
    re.I,
)
# what a question says about the report's kind; item names that contain 预算 (一般公共预算, 预算单位) do not count
_NOT_KIND = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算|预算单位|预算主管|预算内")
_BUDGET_EN = re.compile(r"\bbudget(s|ed|ary)?\b|\bplanned\b|\ballocat(ed|ion)\b", re.I)
_FINAL_EN = re.compile(r"\bfinal[- ]accounts?\b|\bactuals?\b|\bspent\b|\bspend\b|\bouttu?rn\b", re.I)
_UNIT = re.compile(r"单位预算|单位决算|\bunit(-level)? (budget|final accounts?)\b|\bunit's\b", re.I)
_DEPARTMENT = re.compile(r"部门预算|部门决算|\bdepartment(al)? (budget|final accounts?)\b", re.I)
_LEVEL_EN = {"省": r"\bprovinc(e|ial)\b", "市": r"\bmunicipal(ity)?\b|\bcity\b", "区县": r"\bdistrict\b|\bcounty\b"}
# Chinese words that end a body's name: a question naming one of these names a body
_BODY_WORD = re.compile(
    r"[\u4e00-\u9fff]{2,12}?(?:局|厅|委员会|办公室|办公厅|检察院|法院|大学|学院|街道办事处|街道|政协|人大|福利院|工作部)"
)


class Report(BaseModel):
    """One report: the documents of one body, year, kind and scope, with their shared identity."""

    identity: ReportIdentity
    doc_ids: list[str]
    names: list[str] = Field(description="the documents' file names")

    def label(self, lang: str = "zh") -> str:
        i = self.identity
        scope = "单位" if i.scope == "单位" else "部门"
        if lang == "zh":
            return f"{i.body} {i.year or ''}年{scope}{i.kind}".strip()
        kind = {"预算": "budget", "决算": "final accounts"}.get(i.kind, i.kind)
        return f"{i.body} {i.year or ''} {'unit ' if i.scope == '单位' else ''}{kind}".strip()


class Asked(BaseModel):
    """What a question says about its report: the bodies it names (as report bodies), year, kind and scope."""

    bodies: list[str] = Field(default_factory=list)
    unknown: str = Field("", description="a body the question names that no report is by")
    years: list[int] = Field(default_factory=list)
    kind: str | None = None
    scope: str | None = None


class Resolution(BaseModel):
    """The reports a question is asked of, or why there are none (`missing`, a sentence for the answer)."""

    reports: list[Report] = Field(default_factory=list)
    asked: Asked = Field(default_factory=Asked)
    missing: str = ""

    @property
    def doc_ids(self) -> list[str]:
        return [i for r in self.reports for i in r.doc_ids]


def reports(library: Library, doc_ids: Iterable[str] | None = None) -> list[Report]:
    """The library's documents grouped into reports (narrative + tables PDFs of one body and year are one). The
    whole library's catalogue is grouped once per open: each question reads it."""
    if doc_ids is None:
        if "reports" not in library.derived:
            library.derived["reports"] = _grouped(library, library.documents)
        return library.derived["reports"]
    return _grouped(library, doc_ids)


def _grouped(library: Library, doc_ids: Iterable[str]) -> list[Report]:
    groups: dict[tuple, list[ReportIdentity]] = {}
    ids: dict[tuple, list[str]] = {}
    doc_ids = list(doc_ids)
    for doc_id, identity in zip(doc_ids, library.identities(doc_ids), strict=True):
        key = report_key(identity)
        groups.setdefault(key, []).append(identity)
        ids.setdefault(key, []).append(doc_id)
    out = []
    for key, identities in groups.items():
        parts = {i.part for i in identities}
        part = "both" if len(parts) > 1 or "both" in parts else identities[0].part
        merged = identities[0].model_copy(update={"part": part})
        out.append(Report(identity=merged, doc_ids=ids[key], names=[library.name(i) for i in ids[key]]))
    return sorted(out, key=lambda r: (r.identity.body, r.identity.year or 0, r.identity.kind, r.identity.scope))


def asked(text: str, catalogue: list[Report], question: Question | None = None) -> Asked:
    """What the text says about its report; a follow-up that names no body, kind or scope keeps the previous
    question's (`question.bodies`, carried by the caller)."""
    years = sorted({int(y) for y in _YEAR.findall(text)})
    bodies, unknown = _named_bodies(text, {r.identity.body for r in catalogue if not r.identity.template})
    out = Asked(bodies=bodies, unknown=unknown, years=years, kind=_kind(text), scope=_scope(text))
    if question is not None and question.follow_up:
        out.bodies = out.bodies or list(question.bodies)
        out.kind = out.kind or question.report_kind
    return out


def resolve(library: Library, text: str, question: Question) -> Resolution:
    """The report(s) a question without a file is asked of."""
    catalogue = reports(library)
    want = asked(text, catalogue, question)
    # the year asked, not a base year ("compared with 2023"); of several, the one naming the report ("as of July 2025,
    # according to its 2026 budget")
    want.years = [question.year] if question.year else sorted({int(y) for y in _REPORT_YEAR.findall(text) if y})
    counted = as_of_years(text)
    if want.years and set(want.years) <= counted:
        want.years = sorted({*want.years, *(y + 1 for y in want.years)})  # a budget counts at the year before's end
    held = [r for r in catalogue if not r.identity.template or r.identity.body in want.bodies]
    if want.unknown and not want.bodies:
        return Resolution(asked=want, missing=_not_held(want.unknown, catalogue, question.lang))
    chosen = [r for r in held if r.identity.body in want.bodies] if want.bodies else held
    if want.scope:
        chosen = [r for r in chosen if r.identity.scope == want.scope] or chosen
    if want.years:
        in_year = [r for r in chosen if r.identity.year in want.years]
        if not in_year and want.bodies:
            return Resolution(asked=want, missing=_not_held_year(want, chosen, question.lang))
        chosen = in_year or chosen
    if want.kind == "决算" or (want.kind == "预算" and want.bodies):
        # a budget states no actuals of its own year; a final account prints the year's budget, so a budget figure
        # of a body comes from its budget report, else from its final account, and with no body named from either
        of_kind = [r for r in chosen if r.identity.kind == want.kind]
        if want.kind == "预算" and not of_kind:
            of_kind = [r for r in chosen if r.identity.kind == "决算"]
        if not of_kind and want.bodies:
            return Resolution(asked=want, missing=_not_held_year(want, chosen, question.lang))
        chosen = of_kind or chosen
    if want.bodies and not want.scope:
        chosen = departments_first(chosen)
    return Resolution(reports=chosen, asked=want)


def departments_first(chosen: list[Report]) -> list[Report]:
    """A body's 部门 report answers for it when the same year and kind also has a 单位 report (the department
    report covers the unit's), unless the question asks for the unit's."""
    whole = {(r.identity.body, r.identity.year, r.identity.kind) for r in chosen if r.identity.scope == "部门"}
    return [
        r
        for r in chosen
        if r.identity.scope == "部门" or (r.identity.body, r.identity.year, r.identity.kind) not in whole
    ]


def _kind(text: str) -> str | None:
    plain = PLANNED_EN.sub(" budgeted ", _NOT_KIND.sub(" ", text))  # "will spend" is a budget's, not an outturn
    budget = "预算" in plain or _BUDGET_EN.search(plain)
    final = re.search("决算|实际|花了", plain) or _FINAL_EN.search(plain)
    if budget and not final:
        return "预算"
    if final and not budget:
        return "决算"
    return None


def _scope(text: str) -> str | None:
    if _UNIT.search(text):
        return "单位"
    return "部门" if _DEPARTMENT.search(text) else None


# -- naming a body --------------------------------------------------------------------------------------------------


def _named_bodies(text: str, bodies: set[str]) -> tuple[list[str], str]:
    """The report bodies the text names best (several when they tie), and, when it names none of them, the body-like
    words it does name (so the answer can say that body is not in the corpus)."""
    flat = _SPACE.sub("", text)
    scores = {b: s for b in bodies if (s := _score(text, flat, b)) > 0}
    if not scores:
        return [], _unknown_body(text, flat)
    best = max(scores.values())
    return sorted(b for b, s in scores.items() if s == best), ""


def _score(text: str, flat: str, body: str) -> float:
    """How specifically the text names this body: the longest Chinese name of it that stands in the text (two
    points a character), or its kind of body, name and regions in English; 0 when the text names another place or
    another level of government."""
    if _contradicts(text, flat, body):
        return 0
    chinese = max((len(n) for n in (body, *short_forms(body)) if n in flat), default=0) * 2
    return max(chinese, _english_score(text, body))


def _english_score(text: str, body: str) -> float:
    if detect_lang(text) == "zh":
        return 0
    lowered = f" {text.lower()} "
    parts = body_parts(body)
    score = 0.0
    named = [b for b in parts.named if b.what == "body"]
    if any(_says(lowered, e) for b in named for e in b.english):
        score += 6
    if parts.type and any(_says(lowered, e) for e in parts.type.english):
        score += 4 + max(len(e) for e in parts.type.english if _says(lowered, e)) / 100  # the longer name fits better
    if not score:
        return 0
    return score + sum(1 for r in parts.regions if any(_says(lowered, e) for e in r.english))


def _contradicts(text: str, flat: str, body: str) -> bool:
    """The text names a region the body is not in, or a level of government it is not at."""
    parts = body_parts(body)
    own = {r.name for r in parts.regions} | {b.region for b in parts.named}
    own_english = {e for r in parts.regions for e in r.english}  # "Suzhou" is 苏州 and 宿州: it names either
    for region, in_chinese, english in _named_regions(text, flat):
        if region.name in own or any(region.name in o for o in own):
            continue
        if in_chinese or any(e not in own_english for e in english):
            return True
    level = _level_of(body)
    return any(re.search(pattern, text.lower()) for lv, pattern in _LEVEL_EN.items() if lv != level and level)


@lru_cache(maxsize=16)
def _named_regions(text: str, flat: str) -> list[tuple[BodyName, bool, list[str]]]:
    """The regions the text names: whether in Chinese, and by which English names. Found once per question, not
    once for every body of the corpus that it is scored against."""
    lowered = f" {text.lower()} "
    out = []
    for region in _regions():
        in_chinese = any(n in flat for n in (region.name, *(s for s in region.short if len(s) >= 2)))
        english = [e for e in region.english if _says(lowered, e)]
        if in_chinese or english:
            out.append((region, in_chinese, english))
    return out


def _unknown_body(text: str, flat: str) -> str:
    if detect_lang(text) == "zh":
        m = _BODY_WORD.search(re.sub(r"(?<!\d)20\d{2}年?度?", " ", flat))
        return m.group() if m else ""
    lowered = f" {text.lower()} "
    for entry in load_bodies():
        if entry.what == "type" and any(
            _says(lowered, e)
            for e in entry.english
            if len(e.split()) > 1 or e in ("procuratorate", "cppcc", "court", "university")
        ):
            return entry.english[0]
    m = ENGLISH_BODY.search(text)  # a body written the way no body of the corpus is: never another's report
    return re.sub(r"['’]s?$", "", m.group()) if m else ""


def _says(lowered: str, phrase: str) -> bool:
    return phrase_pattern(phrase).search(lowered) is not None


@cache
def _regions() -> list[BodyName]:
    return [b for b in load_bodies() if b.what == "region"]


@cache
def _level_of(body: str) -> str:
    parts = body_parts(body)
    named = next((b for b in parts.named if b.what == "body"), None)
    if named:
        return named.label
    return parts.regions[-1].label if parts.regions else ""


# -- saying what is held --------------------------------------------------------------------------------------------


def holdings(catalogue: list[Report], bodies: list[str] | None = None) -> str:
    """ "江苏省政协办公厅 (2017 预算); 西南大学 (2021 预算, 2023 决算 …)": the bodies and years the corpus holds."""
    by_body: dict[str, list[str]] = {}
    for r in catalogue:
        if r.identity.template or (bodies and r.identity.body not in bodies):
            continue
        scope = "单位" if r.identity.scope == "单位" else ""
        by_body.setdefault(r.identity.body, []).append(f"{r.identity.year or '?'} {scope}{r.identity.kind}")
    return "; ".join(f"{b} ({', '.join(dict.fromkeys(v))})" for b, v in sorted(by_body.items()))


def _not_held(named: str, catalogue: list[Report], lang: str) -> str:
    if lang == "zh":
        return f"语料中没有{named}的报告。语料包含：{holdings(catalogue)}。"
    return f"No report in the corpus is by {named}. The corpus holds: {holdings(catalogue)}."


def _not_held_year(want: Asked, chosen: list[Report], lang: str) -> str:
    years = "、".join(map(str, want.years)) if lang == "zh" else ", ".join(map(str, want.years))
    kind = want.kind or ""
    held = holdings(chosen, want.bodies)
    names = "、".join(want.bodies)
    if lang == "zh":
        return f"语料中没有{names}{years}年的{kind}报告；语料中它的报告：{held}。"
    kind_en = {"预算": " budget", "决算": " final accounts"}.get(kind, "")
    return f"The corpus has no {years}{kind_en} report of {', '.join(want.bodies)}; it holds: {held}."


def region_names(text: str) -> list[str]:
    """The regions (bodies.tsv) a question restricts itself to ("Putuo departments", "江苏各部门")."""
    lowered = f" {text.lower()} "
    return [
        r.name
        for r in _regions()
        if any(n in text for n in (r.name, *(s for s in r.short if len(s) >= 2)))
        or any(_says(lowered, e) for e in r.english)
    ]


def without_bodies(text: str, catalogue: list[Report]) -> str:
    """The question with the names of the corpus's bodies blanked out, so that only its item words are parsed as
    the item ("江苏省检察院2019年公务接待费" → "2019年公务接待费")."""
    names: set[str] = set()
    for body in {r.identity.body for r in catalogue}:
        names |= {body, *short_forms(body)}
    names |= {n for r in _regions() for n in (r.name, *r.short) if len(n) >= 2}
    for name in sorted((n for n in names if len(n) >= 2), key=len, reverse=True):
        text = text.replace(name, " ")
    if detect_lang(text) == "zh":
        return text
    phrases = {e for b in load_bodies() for e in b.english} | {"general office", "people's government"}
    for phrase in sorted(phrases, key=len, reverse=True):
        text = phrase_pattern(phrase, "(?:['’]s)?").sub(" ", text)
    for pattern in _LEVEL_EN.values():
        text = re.sub(pattern, " ", text, flags=re.I)
    return re.sub(r"\s+", " ", text)
