"""Questions across reports: rank bodies by an item, follow one body over the years, set several items side by side,
or set one body's 部门 and 单位 reports side by side.

The answer is a table plus one summary sentence in the asker's language. Rows are reports (qa.reports: the narrative
and tables PDFs of one body and year are one report); every report in scope gets a row. A cell is the report's fact
for the item's line in the disclosure schema (qa.target → Fact.line), with the report's own measure (预算数 in a
budget, 决算数 in a final account), and one line and one fund scope for the whole table where the reports allow it.
A report without a fact on that line is searched once more by the item's printed names (a table under a variant
title is still the table) and only then is "not stated", never zero. Budget and final-account reports, and
財政拨款 and all-funds figures, are never mixed silently: each row carries its kind and fund scope and the summary
says when they mix.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from corpus.model import OWN_MEASURE, Document, Fact
from corpus.schema import load_schema
from qa.checks import cross_check
from qa.compare_items import Found, family_for, find_family, find_generic
from qa.library import Library
from qa.question import Question, as_of_years, detect_lang, parse_question
from qa.record import AnswerValue, ComparisonRow, Record, cite
from qa.render import format_yuan, shown
from qa.reports import Report, asked, departments_first, region_names, reports, without_bodies
from qa.target import item_kind, resolve

Mode = Literal["rank", "trend", "items", "scopes"]

_RANK_EN = re.compile(
    r"\bwhich (department|unit|office|agency|bureau|report|body|bodies)s?\b|"
    r"\bacross (departments|reports|units|bodies)\b|"
    r"\b(list|rank|compare)\b.*\b(departments|units|offices|reports|bodies)\b|\bby department\b",
    re.I,
)
_RANK_ZH = re.compile(r"哪个部门|哪些部门|哪个单位|哪些单位|哪家|各部门|各单位|所有部门|部门间|排名|排序|列出各")
_TREND_EN = re.compile(
    r"\bfrom (20\d\d) to (20\d\d)\b|\bbetween (20\d\d) and (20\d\d)\b|\bover the years\b|"
    r"\beach year\b|\byear by year\b|\btrend\b|\bover time\b",
    re.I,
)
_TREND_ZH = re.compile(r"(20\d\d)年?(?:到|至|—|-|~|－)(20\d\d)|历年|逐年|各年|每年|变化趋势|趋势")
_ITEMS_EN = re.compile(r"\b(compare|side by side|versus|vs\.?)\b", re.I)
_ITEMS_ZH = re.compile(r"比较|对比|分别")
# a body's department report and unit report side by side
_SCOPES = re.compile(
    r"部门.{0,6}单位|单位.{0,6}部门|\bdepartment(al)?\b.{0,40}\bunit\b|\bunit\b.{0,40}\bdepartment", re.I
)
_SCOPE_WORDS = re.compile(
    r"部门预算|单位预算|部门决算|单位决算|\b(department(al)?|unit)(-level)?( budgets?| final accounts?)?\b", re.I
)
_MOST = re.compile(r"\b(most|highest|largest|biggest|top|more)\b|最多|最高|最大|最贵", re.I)
_LEAST = re.compile(r"\b(least|lowest|smallest|fewest)\b|最少|最低|最小", re.I)
_NOISE_EN = re.compile(
    r"\b(which|what|who|department|departments|unit|units|office|offices|agency|report|reports|body|bodies|did|does|"
    r"do|the|most|least|highest|lowest|largest|smallest|biggest|top|more|on|for|in|of|at|by|from|to|between|over|"
    r"years?|each|trend|time|change|changed|how|list|rank|compare|across|all|its|their|s|"
    r"budget(ed|s)?|spent|spend|spending|actual|final|accounts?|side|versus|vs|had|has|have|was|were|is|are)\b",
    re.I,
)
_NOISE_ZH = re.compile(
    r"哪个部门|哪些部门|哪个单位|哪些单位|哪家|各部门|各单位|所有部门|部门|单位|排名|排序|列出|"
    r"比较|对比|分别|历年|逐年|各年|每年|变化趋势|趋势|变化|情况|如何|怎样|最多|最高|最大|最少|最低|"
    r"最小|预算数|决算数|预算|决算|是|的|了|到|至|从|哪|个|谁|怎么|多少|各"
)
_COMPOUNDS = ("结转和结余", "社会保障和就业", "文化旅游体育与传媒", "规划和自然资源", "住房和城乡建设", "收入和支出")
_SPLIT = re.compile(r"\s*(?:、|，|,|;|；|\band\b|和|与|以及|\bvs\.?\b|\bversus\b)\s*", re.I)
_FISCAL = {"fiscal", "gp"}  # 财政拨款 and its general-public-budget part: one family of fund scope
_COLUMN_MEASURE = {"预算数": "budget", "决算数": "final"}  # corpus/schema columns.tsv measure ids
_FUNDS_ZH = {"all": "全部资金", "fiscal": "财政拨款", "gp": "一般公共预算", "gf": "政府性基金", "soc": "国有资本经营"}


@dataclass
class Item:
    """One item a comparison asks for: the parsed words, and what the schema makes of them (looked up once)."""

    question: Question
    lines: list[str]  # the schema lines (money) it names, best first; "三公" names the 三公 total
    narrower: list[str]  # narrower lines, used only when a report states nothing broader
    scope: str | None  # the fund scope it names ("财政拨款安排的…")
    name: str

    @classmethod
    def of(cls, q: Question) -> Item:
        target = resolve(q)
        lines = [i for i in target.items if item_kind(i) == "money"]
        family = family_for(q.terms)
        if not lines and family:
            lines = [line.id for line in load_schema().lines_named(family.name)]
        entry = load_schema().item(lines[0]) if lines else None
        name = entry.name if entry else family.name if family else (q.terms[0][0] if q.terms else q.item)
        narrower = [n for n in target.narrower if item_kind(n) == "money"]
        return cls(q, lines, narrower, target.scope, name)


@dataclass
class Comparison:
    """What a comparison question asks."""

    mode: Mode
    items: list[Item]
    lang: str
    order: Literal["most", "least"] | None = None
    years: tuple[int, int] | None = None
    bodies: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    kind: str | None = None
    scope: str | None = None


@dataclass
class Row:
    label: str
    report: Report | None
    item: Item
    found: Found | None = None
    funds: str | None = None


def parse_comparison(text: str, catalogue: list[Report]) -> Comparison | None:
    """A comparison or trend question over these reports, or None for a single-report question."""
    lang = detect_lang(text)
    rank_ = (_RANK_EN if lang == "en" else _RANK_ZH).search(text)
    trend = (_TREND_EN if lang == "en" else _TREND_ZH).search(text)
    want = asked(text, catalogue)
    if rank_ and rank_.group() == "各单位" and len(want.bodies) == 1:
        rank_ = None  # "湖州市卫生健康委员会…各单位培训费": the body's units together, one report's figure
    years = want.years
    order = "least" if _LEAST.search(text) else "most" if _MOST.search(text) else None
    items = _items(text, lang, catalogue)
    if not items:
        return None
    common = dict(
        items=items, lang=lang, order=order, bodies=want.bodies, regions=region_names(text), kind=want.kind,
        scope=want.scope,
    )  # fmt: skip
    if want.bodies and _SCOPES.search(text) and not trend:
        return Comparison(mode="scopes", years=(years[-1], years[-1]) if years else None, **{**common, "scope": None})
    stated_change = parse_question(text).measure in ("增减额", "增减率")  # "cut … compared with 2025": one figure
    # years without a trend word are a trend of one body; a year a stock is counted at is no report's ("held at the
    # end of 2025, according to its 2026 budget"), and bodies that tie are no body's trend
    at = as_of_years(text)
    implied = len([y for y in years if y not in at]) >= 2 and len(want.bodies) == 1
    if (trend and len(years) != 1) or (implied and not rank_ and not stated_change):
        span = (years[0], years[-1]) if len(years) >= 2 else None
        return Comparison(mode="trend", years=span, **common)
    if rank_ or (order and not want.bodies):
        span = (years[-1], years[-1]) if years else None
        return Comparison(mode="rank", years=span, **common)
    if len(items) > 1 and (_ITEMS_EN if lang == "en" else _ITEMS_ZH).search(text):
        span = (years[-1], years[-1]) if years else None
        return Comparison(mode="items", years=span, **common)
    return None


def _items(text: str, lang: str, catalogue: list[Report]) -> list[Item]:
    """The item (or items, split on commas and 'and') the question compares, as parsed questions."""
    rest = _SCOPE_WORDS.sub(" ", without_bodies(re.sub(r"(?<!\d)20\d\d年?(度)?", " ", text), catalogue))
    rest = (_NOISE_EN if lang == "en" else _NOISE_ZH).sub(" ", rest)
    rest = re.sub(r"[?？!！。.:：'’]+", " ", rest)
    for name in _COMPOUNDS:  # one item whose name contains 和/与
        rest = rest.replace(name, name.replace("和", "\0").replace("与", "\1"))
    out = []
    for part in (p.replace("\0", "和").replace("\1", "与") for p in _SPLIT.split(rest)):
        if not part.strip():
            continue
        q = parse_question(part.strip())
        q.terms = [g for g in q.terms if any(len(t) >= 2 for t in g)]
        if q.terms:
            out.append(Item.of(q.model_copy(update={"lang": lang})))
    return out


def compare(library: Library, c: Comparison, text: str, qid: str = "", doc_ids: list[str] | None = None) -> Record:
    """Build the table and the summary for a parsed comparison."""
    catalogue = [r for r in reports(library, doc_ids) if not r.identity.template or r.identity.body in c.bodies]
    rows = _rows(c, _in_scope(c, catalogue))
    for row in rows:
        row.found, row.funds = _find(library, row, None)
    _one_fund_scope(library, rows, c)
    if c.mode == "rank":
        rows = _ranked(rows, c.order)
    return _record(library, c, rows, text, qid)


def _in_scope(c: Comparison, catalogue: list[Report]) -> list[Report]:
    """The reports the question is about: its regions, bodies, years and kind; a body's 部门 report stands for it
    when the same year and kind also has a 单位 report, unless the question asks for units or both."""
    chosen = [r for r in catalogue if all(region in r.identity.region for region in c.regions)]
    if c.bodies:
        named = [r for r in chosen if r.identity.body in c.bodies]
        chosen = named if (named or c.mode != "rank") else chosen
    if c.years:
        chosen = [r for r in chosen if r.identity.year is not None and c.years[0] <= r.identity.year <= c.years[1]]
    if c.kind:
        chosen = [r for r in chosen if r.identity.kind == c.kind]
    if c.scope:
        return [r for r in chosen if r.identity.scope == c.scope]
    return chosen if c.mode == "scopes" else departments_first(chosen)


def _rows(c: Comparison, chosen: list[Report]) -> list[Row]:
    """One row per report (rank, trend, scopes), or one per item of the body's latest report (items)."""
    chosen = sorted(chosen, key=lambda r: (r.identity.year or 0, r.identity.kind, r.identity.scope, r.identity.body))
    item = c.items[0]
    if c.mode == "items":
        latest = max(chosen, key=lambda r: (r.identity.year or 0, r.identity.kind == "决算"), default=None)
        return [Row(item.name, latest, item) for item in c.items]
    if c.mode == "scopes":
        return [Row(f"{r.identity.scope}{r.identity.kind}", r, item) for r in chosen]
    if c.mode == "trend":
        counts = Counter(r.identity.year for r in chosen)
        return [
            Row(f"{r.identity.year}" + (f" {r.identity.kind}" if counts[r.identity.year] > 1 else ""), r, item)
            for r in chosen
        ]
    years = {r.identity.year for r in chosen}
    return [
        Row(r.identity.body if len(years) == 1 else f"{r.identity.body} {r.identity.year}", r, item) for r in chosen
    ]


def _find(library: Library, row: Row, funds: str | None) -> tuple[Found | None, str | None]:
    """The report's figure for the item: its fact on the item's first schema line it states (in `funds` when
    given), else the item found by its printed names (qa.compare_items)."""
    if row.report is None:
        return None, None
    measure = OWN_MEASURE.get(row.report.identity.kind, "预算数")
    year = row.report.identity.year
    docs = [library.documents[i] for i in row.report.doc_ids]
    facts = [
        (f, d) for d in docs for f in library.facts[d.id]
        if f.kind == "money" and f.yuan is not None and f.period == year and f.line and _measured(f, measure)
    ]  # fmt: skip
    for line in [*row.item.lines, *row.item.narrower]:  # a narrower line only when the report states nothing broader
        found = _on_line(facts, line, funds)
        if found:
            return found
    period_of = {d.id: {year} if year else set() for d in docs}
    family = family_for(row.item.question.terms)
    if family:
        return find_family(family, docs, library, measure, period_of, row.item.lines), None
    return find_generic(row.item.question, docs, library, measure, period_of, row.item.lines), None


def _on_line(facts: list[tuple[Fact, Document]], line: str, funds: str | None) -> tuple[Found, str | None] | None:
    """The report's figure on this line, or the sum of its parts (corpus/schema sum_of) when each part is stated
    and the line itself is not (公务用车购置及运行费 = 购置费 + 运行费)."""
    hits = [(f, d) for f, d in facts if f.line == line and (funds is None or _fits(_funds(f), funds))]
    if hits:
        return _best(hits, line), _scope_of(hits)
    parts = [_on_line(facts, part, funds) for part in getattr(load_schema().item(line), "sum_of", [])]
    if parts and all(parts):
        founds = [p[0] for p in parts if p]
        total = sum((f.yuan for f in founds), Decimal(0))
        return Found([x for f in founds for x in f.facts], founds[0].doc, total), _scope_of(
            [(x, f.doc) for f in founds for x in f.facts]
        )
    return None


def _measured(fact: Fact, measure: str) -> bool:
    """The fact is the report's own measure: by its measure, or, when the reader named none, by its schema column
    (a 收支预算总表 amount under 金额 is the budget)."""
    if fact.measure == measure:
        return True
    return fact.measure in ("", "数量") and _COLUMN_MEASURE.get(measure, "-") in (fact.column or "").split("/")


def _fits(scope: str | None, funds: str) -> bool:
    return scope is None or scope == funds or {scope, funds} <= _FISCAL


def _funds(fact: Fact) -> str | None:
    """A figure's fund scope: its own, else its statement's (a 支出决算表 is all funds); None in the narrative."""
    statement = load_schema().statements.get(fact.statement or "")
    return fact.scope or (statement.scope if statement else None)


def _scope_of(hits: list[tuple[Fact, Document]]) -> str | None:
    scopes = {_funds(f) for f, _ in hits if _funds(f)}
    return (
        "fiscal" if scopes and scopes <= _FISCAL and len(scopes) > 1 else (scopes.pop() if len(scopes) == 1 else None)
    )


def _best(hits: list[tuple[Fact, Document]], line: str) -> Found:
    """The line's statement the schema prefers (e.g. the 三公 table before the narrative), tables before text,
    then the value the report states most often."""
    item = load_schema().item(line)
    prefer = list(getattr(item, "prefer", []) or [])

    def rank(fact: Fact) -> tuple[int, int]:
        where = "narrative" if fact.source == "text" else (fact.statement or "")
        return (prefer.index(where) if where in prefer else len(prefer), 0 if fact.source == "table" else 1)

    top = min(rank(f) for f, _ in hits)
    best = [(f, d) for f, d in hits if rank(f) == top]
    counts = Counter(f.yuan for f, _ in best)
    fact, doc = max(best, key=lambda fd: counts[fd[0].yuan])
    return Found([fact], doc, fact.yuan)  # type: ignore[arg-type]


def _one_fund_scope(library: Library, rows: list[Row], c: Comparison) -> None:
    """Where rows state the item in different fund scopes (财政拨款 in one report, all funds in another) and every
    such report also states it in one common scope, every row takes that scope."""
    asked_scope = next((item.scope for item in c.items if item.scope), None)
    stated = [r for r in rows if r.found]
    scopes = {r.funds for r in stated if r.funds}
    if not asked_scope and (len(scopes) <= 1 or scopes <= _FISCAL):
        return
    for funds in [asked_scope] if asked_scope else ["all", "fiscal"]:
        again = [_find(library, r, funds) for r in stated]
        if asked_scope or all(found for found, _ in again):
            for row, (found, scope) in zip(stated, again, strict=True):
                row.found, row.funds = found, scope or funds
            return


def _ranked(rows: list[Row], order: str | None) -> list[Row]:
    stated = [r for r in rows if r.found]
    stated.sort(key=lambda r: r.found.yuan, reverse=order != "least")  # type: ignore[union-attr]
    return stated + [r for r in rows if not r.found]


def _check(library: Library, found: Found) -> str:
    """One badge for a cell: conflict if the report contradicts the figure anywhere, else agree
    if it restates it, else unverified."""
    statuses = {c.status for f in found.facts for c in cross_check(f, library.facts[found.doc.id], found.doc)}
    if statuses & {"conflict", "broken"}:
        return "conflict"
    return "agree" if statuses & {"agree", "holds"} else "unverified"


def _record(library: Library, c: Comparison, rows: list[Row], text: str, qid: str) -> Record:
    table: list[ComparisonRow] = []
    citations = []
    for row in rows:
        i = row.report.identity if row.report else None
        cell = ComparisonRow(
            label=row.label, doc=", ".join(row.report.names) if row.report else "", body=i.body if i else None,
            year=i.year if i else None, kind=i.kind if i else None, scope=i.scope if i else None,
        )  # fmt: skip
        if row.found:
            facts = row.found.facts
            cites = [cite(f, row.found.doc.name) for f in facts]
            citations.extend(cites)
            one = facts[0] if len(facts) == 1 else None
            cell = cell.model_copy(
                update=dict(
                    doc=row.found.doc.name,
                    value=str(one.value) if one else format_yuan(row.found.yuan),
                    unit=one.unit if one else "元",
                    yuan=format_yuan(row.found.yuan),
                    status="stated",
                    citation=cites[0],
                    check=_check(library, row.found),
                    n=len(citations),
                    printed=" + ".join(shown(f) for f in facts),
                    funds=row.funds,
                )
            )
        table.append(cell)
    summary = _summary(c, rows, table)
    status = "answered" if any(r.found for r in rows) else "not_found"
    return Record(
        id=qid, question=text, status=status, citations=citations, answer=AnswerValue(text=summary), table=table
    )


def _summary(c: Comparison, rows: list[Row], table: list[ComparisonRow]) -> str:
    """One sentence in the asker's language, numbered like the citations."""
    zh = c.lang == "zh"
    stated = [t for t in table if t.status == "stated"]
    item = c.items[0].name if c.mode != "items" else ""
    missing = len(table) - len(stated)
    if not table:
        return "没有符合条件的报告。" if zh else "No report matches the question."
    if not stated:
        return f"所有{len(table)}份报告均未列明{item}。" if zh else f"None of the {len(table)} report(s) state {item}."

    def cell(t: ComparisonRow) -> str:
        return f"{t.label}, {t.printed} [{t.n}]" if not zh else f"{t.label}，{t.printed}[{t.n}]"

    if c.mode == "rank":
        first = stated[0]
        if zh:
            text = f"{item}{'最低' if c.order == 'least' else '最高'}：{cell(first)}（{len(stated)}份报告列明"
            text += f"，{missing}份未列明）" if missing else "）"
        else:
            text = f"{'Lowest' if c.order == 'least' else 'Highest'} {item}: {cell(first)} "
            text += f"({len(stated)} of {len(table)} reports state it"
            text += f"; {missing} not stated)" if missing else ")"
    elif c.mode == "trend":
        first, last = stated[0], stated[-1]
        text = (f"{item}：" if zh else f"{item}: ") + " → ".join(
            f"{t.label}年 {t.printed}[{t.n}]" if zh else f"{t.label} {t.printed} [{t.n}]" for t in stated
        )
        if first is not last:
            change = Decimal(last.yuan) - Decimal(first.yuan)  # type: ignore[arg-type]
            text += (f"，变化{change:+f}元" if zh else f"; change {change:+f} yuan") + _rate(first, change, zh)
        if missing:
            text += f"；{missing}年未列明" if zh else f"; {missing} year(s) not stated"
    else:
        text = (
            "；".join(f"{t.label} {t.printed}[{t.n}]" if t.status == "stated" else f"{t.label} 未列明" for t in table)
            if zh
            else "; ".join(
                f"{t.label} {t.printed} [{t.n}]" if t.status == "stated" else f"{t.label} not stated" for t in table
            )
        )
        where = rows[0].report.identity if rows and rows[0].report else None
        if where and c.mode == "items":
            text = (
                f"{where.body} {where.year}年{where.kind}：{text}"
                if zh
                else f"{where.body}, {where.year} {where.kind}: {text}"
            )
        elif where:
            text = f"{where.body} {where.year}年{item}：{text}" if zh else f"{where.body}, {where.year} {item}: {text}"
    kinds = sorted({t.kind for t in table if t.kind})
    if len(kinds) > 1:
        text += (
            "。注意：各行混合了预算和决算报告（每行注明类型）"
            if zh
            else ". Note: rows mix budget (预算) and final-account (决算) reports; the kind is shown per row"
        )
    funds = {t.funds for t in stated if t.funds}
    if len(funds) > 1 and not funds <= _FISCAL:
        names = "、".join(_FUNDS_ZH.get(f, f) for f in sorted(funds))
        text += (
            f"。注意：各行的资金范围不同（{names}），每行注明"
            if zh
            else f". Note: rows state different fund scopes ({', '.join(sorted(funds))}); the scope is shown per row"
        )
    return text + ("。" if zh else ".")


def _rate(first: ComparisonRow, change: Decimal, zh: bool) -> str:
    base = Decimal(first.yuan)  # type: ignore[arg-type]
    if not base:
        return ""
    pct = (change / base * 100).quantize(Decimal("0.01"))
    return f"（{pct:+f}%）" if zh else f" ({pct:+f}%)"


def answer_comparison(library: Library, text: str, qid: str = "", doc_ids: list[str] | None = None) -> Record | None:
    """The comparison Record for a comparison or trend question; None for any other question."""
    c = parse_comparison(text, reports(library, doc_ids))
    if c is None or (doc_ids is not None and len(doc_ids) < 2 and c.mode not in ("items", "scopes")):
        return None
    return compare(library, c, text, qid, doc_ids)
