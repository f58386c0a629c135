"""Questions across reports: rank departments by an item, follow one department over the
years, or set several items side by side.

The answer is a table (one row per department, year or item) plus one summary sentence
in the asker's language. Each cell comes from one report's own fact, in yuan, with its
citation and that report's cross-check; a report that does not state the item is a
"not stated" row, never a zero. Budget (预算) and final-account (决算) figures are never
mixed silently: every row carries its report's kind and the summary says when they mix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from corpus.model import OWN_MEASURE, Document
from qa.checks import cross_check
from qa.compare_items import Found, family_for, find_family, find_generic
from qa.departments import department_of, in_region, mentioned, regions, report_year, strip_names
from qa.library import Library
from qa.question import Question, parse_question
from qa.record import AnswerValue, ComparisonRow, Record, cite
from qa.render import format_yuan, shown

Mode = Literal["rank", "trend", "items"]

_RANK_EN = re.compile(
    r"\bwhich (department|unit|office|agency|bureau|report)s?\b|"
    r"\bacross (departments|reports|units)\b|"
    r"\b(list|rank|compare)\b.*\b(departments|units|offices|reports)\b|\bby department\b",
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
_MOST = re.compile(r"\b(most|highest|largest|biggest|top|more)\b|最多|最高|最大|最贵", re.I)
_LEAST = re.compile(r"\b(least|lowest|smallest|fewest)\b|最少|最低|最小", re.I)
_BUDGET = re.compile(r"\bbudget(ed|s)?\b|\bplanned\b|\ballocated\b|预算", re.I)
_ACTUAL = re.compile(r"\b(spent|spend|spending|actual|final accounts?|outturn)\b|决算|实际|花了", re.I)
_NOISE_EN = re.compile(
    r"\b(which|what|who|department|departments|unit|units|office|offices|agency|report|reports|did|does|do|the|"
    r"most|least|highest|lowest|largest|smallest|biggest|top|more|on|for|in|of|at|by|from|to|between|over|"
    r"years?|each|trend|time|change|changed|how|list|rank|compare|across|all|its|s|putuo|jiangsu|shanghai|"
    r"budget(ed|s)?|spent|spend|spending|actual|final|accounts?|side|versus|vs)\b",
    re.I,
)
_NOISE_ZH = re.compile(
    r"哪个部门|哪些部门|哪个单位|哪些单位|哪家|各部门|各单位|所有部门|部门|单位|排名|排序|列出|"
    r"比较|对比|分别|历年|逐年|各年|每年|变化趋势|趋势|变化|情况|如何|怎样|最多|最高|最大|最少|最低|"
    r"最小|预算数|决算数|预算|决算|支出|普陀区?|江苏省?|上海市?|到|至|从|的|是|了|哪|个|谁"
)
_COMPOUNDS = ("结转和结余", "社会保障和就业", "文化旅游体育与传媒", "规划和自然资源", "住房和城乡建设", "收入和支出")
_SPLIT = re.compile(r"\s*(?:、|，|,|;|；|\band\b|和|与|以及|\bvs\.?\b|\bversus\b)\s*", re.I)


@dataclass
class Comparison:
    """What a comparison question asks."""

    mode: Mode
    items: list[Question]
    lang: str
    order: Literal["most", "least"] | None = None
    years: tuple[int, int] | None = None
    departments: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    measure: str | None = None


@dataclass
class Row:
    label: str
    docs: list[Document]
    year: int | None
    kind: str
    item: Question
    found: Found | None = None


def parse_comparison(text: str) -> Comparison | None:
    """A comparison or trend question, or None for a single-report question."""
    lang = "zh" if re.search(r"[\u3400-\u9fff]", text) and not re.match(r"\s*[A-Za-z]", text) else "en"
    rank_ = (_RANK_EN if lang == "en" else _RANK_ZH).search(text)
    trend = (_TREND_EN if lang == "en" else _TREND_ZH).search(text)
    depts = mentioned(text)
    years = sorted({int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text)})
    order = "least" if _LEAST.search(text) else "most" if _MOST.search(text) else None
    measure = "预算数" if _BUDGET.search(text) else "决算数" if _ACTUAL.search(text) else None
    items = _items(text, lang)
    if not items:
        return None
    common = dict(items=items, lang=lang, order=order, departments=depts, regions=regions(text), measure=measure)
    if (trend and len(years) != 1) or (len(years) >= 2 and depts and not rank_):
        span = (years[0], years[-1]) if len(years) >= 2 else None
        return Comparison(mode="trend", years=span, **common)
    if rank_ or (order and not depts):
        span = (years[-1], years[-1]) if years else None
        return Comparison(mode="rank", years=span, **common)
    if len(items) > 1 and (_ITEMS_EN if lang == "en" else _ITEMS_ZH).search(text):
        span = (years[-1], years[-1]) if years else None
        return Comparison(mode="items", years=span, **common)
    return None


def _items(text: str, lang: str) -> list[Question]:
    """The item (or items, split on commas and 'and') the question compares, as parsed questions."""
    rest = strip_names(re.sub(r"(?<!\d)20\d\d年?(度)?", " ", text))
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
            out.append(q.model_copy(update={"lang": lang}))
    return out


def compare(library: Library, c: Comparison, text: str, qid: str = "", doc_ids: list[str] | None = None) -> Record:
    """Build the table and the summary for a parsed comparison."""
    docs = [library.documents[i] for i in (doc_ids or library.documents)]
    docs = [d for d in docs if all(in_region(d, r) for r in c.regions)] if c.regions else docs
    if c.departments and c.mode != "rank":
        docs = [d for d in docs if department_of(d) in c.departments]
    elif c.departments:
        docs = [d for d in docs if department_of(d) in c.departments] or docs
    if c.years:
        docs = [d for d in docs if (y := report_year(d)) is not None and c.years[0] <= y <= c.years[1]]
    if c.measure:
        docs = [d for d in docs if d.kind == {"预算数": "预算", "决算数": "决算"}[c.measure]]
    rows = _rows(c, docs)
    for row in rows:
        row.found = _find(library, row)
    if c.mode == "rank":
        rows = _ranked(rows, c.order)
    return _record(library, c, rows, text, qid)


def _rows(c: Comparison, docs: list[Document]) -> list[Row]:
    """One row per report group (department, year, kind) — or per item in items mode.
    A department's 部门 report is preferred to its 单位 report of the same year."""
    groups: dict[tuple[str, int | None, str], list[Document]] = {}
    for d in sorted(docs, key=lambda d: (report_year(d) or 0, d.name)):
        groups.setdefault((department_of(d), report_year(d), d.kind), []).append(d)
    for key, members in groups.items():
        whole = [d for d in members if not _unit_level(d)]
        groups[key] = whole or members
    if c.mode == "items":
        latest = max(groups, key=lambda k: (k[1] or 0, k[2] == "决算"), default=None)
        if latest is None:
            return [Row(q.item, [], None, "", q) for q in c.items]
        return [Row(_item_name(q), groups[latest], latest[1], latest[2], q) for q in c.items]
    item = c.items[0]
    if c.mode == "trend":
        return [
            Row(str(year) if year else "?", members, year, kind, item)
            for (dept, year, kind), members in sorted(groups.items(), key=lambda kv: (kv[0][1] or 0, kv[0][2]))
        ]
    years = {k[1] for k in groups}
    return [
        Row(dept if len(years) == 1 else f"{dept} {year}", members, year, kind, item)
        for (dept, year, kind), members in groups.items()
    ]


def _unit_level(doc: Document) -> bool:
    return "单位预算" in doc.title or "单位预算" in doc.name or "单位25年" in doc.name or doc.name == "unit_budget.pdf"


def _item_name(q: Question) -> str:
    family = family_for(q.terms)
    return family.name if family else (q.terms[0][0] if q.terms else q.item)


def _find(library: Library, row: Row) -> Found | None:
    if not row.docs:
        return None
    measure = OWN_MEASURE.get(row.kind, "预算数")
    # the reader may date a report's table cells a year early (a 2025 budget that mentions 2024
    # first); the title's year and the reader's year are both accepted for the report's own figures
    period_of = {d.id: {y for y in (d.year, report_year(d)) if y is not None} for d in row.docs}
    family = family_for(row.item.terms)
    if family:
        return find_family(family, row.docs, library, measure, period_of)
    return find_generic(row.item, row.docs, library, measure, period_of)


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
        cell = ComparisonRow(label=row.label, doc=", ".join(d.name for d in row.docs), year=row.year, kind=row.kind)
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
    item = _item_name(c.items[0]) if c.mode != "items" else ""
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
            change = Decimal(last.yuan) - Decimal(first.yuan)
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
        where = rows[0].docs[0] if rows and rows[0].docs else None
        if where:
            text = (
                f"{department_of(where)} {rows[0].year}年{rows[0].kind}：{text}"
                if zh
                else f"{department_of(where)}, {rows[0].year} {rows[0].kind}: {text}"
            )
    kinds = sorted({t.kind for t in table if t.kind})
    if len(kinds) > 1:
        text += (
            "。注意：各行混合了预算和决算报告（每行注明类型）"
            if zh
            else ". Note: rows mix budget (预算) and final-account (决算) reports; the kind is shown per row"
        )
    return text + ("。" if zh else ".")


def _rate(first: ComparisonRow, change: Decimal, zh: bool) -> str:
    base = Decimal(first.yuan)
    if not base:
        return ""
    pct = (change / base * 100).quantize(Decimal("0.01"))
    return f"（{pct:+f}%）" if zh else f" ({pct:+f}%)"


def answer_comparison(library: Library, text: str, qid: str = "", doc_ids: list[str] | None = None) -> Record | None:
    """The comparison Record for a comparison or trend question; None for any other question."""
    c = parse_comparison(text)
    if c is None or (doc_ids is not None and len(doc_ids) < 2 and c.mode != "items"):
        return None
    return compare(library, c, text, qid, doc_ids)
