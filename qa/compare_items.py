"""Finding one item's figure in a report by the names it prints, when the schema did not place the fact on a line.

qa.compare takes each report's fact for the item's schema line first; a table the classifier did not recognise (a
variant title) leaves its facts without a line, and they are found here by name: the 三公 items through a small
family of patterns (公务用车购置及运行费 / 公务用车购置及运行维护费 / 公务用车运行费 + 购置费, in 元 or 万元), other
items through the single-report ranking of qa.rank. A fact the schema placed on another line is never taken, and a
report whose facts do not name the item gives None: "not stated", never zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from corpus.labels import coverage
from corpus.model import Document, Fact
from qa.library import Library
from qa.question import Question
from qa.rank import rank

MIN_ITEM = 0.75  # stricter than a single answer: a wrong cell in a table is easily missed


@dataclass(frozen=True)
class Family:
    """A 三公 item: how reports name it, how questions ask for it, its parts."""

    name: str
    pattern: str
    asked: str
    parts: tuple[str, ...] = ()


FAMILIES = (
    Family("“三公”经费", r"^(财政拨款)?“?三公”?经费(合计|小计|总额|支出|预算数?|决算数?|财政拨款|年初)*$", r"三公"),
    Family("因公出国（境）费", r"因公出国[（(]境[)）](费|经费)", r"因公出国|出国"),
    Family(
        "公务用车购置及运行费",
        r"公务用?车购置及运行(维护|维修)?费",
        r"^公务用车$|公务用车购置及运行|车辆",
        parts=("公务用车购置费", "公务用车运行费"),
    ),
    Family("公务用车购置费", r"^公务用?车购置(费)?(支出)?$|^购置费$", r"公务用车购置(费)?$|车辆购置"),
    Family(
        "公务用车运行费", r"^公务用?车(用车)?运行(维护|维修)?费(支出)?$|^运行(维护)?费$", r"公务用车运行|运行维护费"
    ),
    Family("公务接待费", r"公务接待费", r"公务接待|接待"),
)
_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十0-9]+[)）.．、]\s*")
_BARE = ("购置费", "运行费", "运行维护费")


@dataclass
class Found:
    """One report's figure for an item: the facts it comes from (two when summed from parts)."""

    facts: list[Fact]
    doc: Document
    yuan: Decimal


def family_for(terms: list[list[str]]) -> Family | None:
    """The 三公 family a question's item terms ask for, if any."""
    words = [t for group in terms for t in group]
    for family in FAMILIES:
        if any(re.search(family.asked, w) for w in words):
            if family.name == "“三公”经费" and any(re.search(f.asked, w) for f in FAMILIES[1:] for w in words):
                continue  # "三公 receptions" asks for receptions
            return family
    return None


def _clean(label: str) -> str:
    return _ORDINAL.sub("", label.strip()).strip('“”" ')


def family_path_item(fact: Fact) -> str | None:
    """The 三公 item a fact states: the deepest name in its label path that a family pattern
    matches (a table's title is skipped). Bare 购置费 / 运行费 count only under the vehicle item."""
    found = None
    for name in (_clean(x) for x in fact.label_path[1:] or [fact.subject]):
        for family in FAMILIES:
            if re.search(family.pattern, name) and (found == "公务用车购置及运行费" or not name.startswith(_BARE)):
                found = family.name
                break
    return found


def _priority(fact: Fact) -> int:
    """三公 tables and the 三公 narrative first; economic-classification rows (302xx, basic
    expenditure only) last, as they may leave out project spending."""
    if fact.source == "table" and "三公" in (fact.label_path or [""])[0]:
        return 0
    if fact.source == "text":
        return 1
    return 2


def find_family(
    family: Family,
    docs: list[Document],
    library: Library,
    measure: str,
    period_of: dict[str, set[int]],
    lines: list[str],
) -> Found | None:
    """The item's figure in these reports (one body, year and kind), or None. Facts the schema placed on
    another line than `lines` are never taken."""
    hits: list[tuple[int, Fact, Document]] = []
    parts: dict[str, list[tuple[int, Fact, Document]]] = {}
    for doc in docs:
        for fact in library.facts[doc.id]:
            if fact.kind != "money" or fact.measure != measure or fact.period not in period_of[doc.id]:
                continue
            if fact.line and fact.line not in lines:
                continue
            item = family_path_item(fact)
            if item == family.name:
                hits.append((_priority(fact), fact, doc))
            elif item in family.parts:
                parts.setdefault(item, []).append((_priority(fact), fact, doc))
    if hits:
        return _consensus(hits)
    if family.parts and all(p in parts for p in family.parts):
        chosen = [_consensus(parts[p]) for p in family.parts]
        return Found([f for c in chosen for f in c.facts], chosen[0].doc, sum((c.yuan for c in chosen), Decimal(0)))
    return None


def _consensus(hits: list[tuple[int, Fact, Document]]) -> Found:
    """Best-priority statements; among them the value stated most often, then the first printed."""
    top = min(p for p, _, _ in hits)
    best = [(f, d) for p, f, d in hits if p == top and f.yuan is not None]
    counts: dict[Decimal, int] = {}
    for fact, _ in best:
        counts[fact.yuan] = counts.get(fact.yuan, 0) + 1  # type: ignore[index]
    fact, doc = max(best, key=lambda fd: counts[fd[0].yuan])  # type: ignore[index]
    return Found([fact], doc, fact.yuan)  # type: ignore[arg-type]


def find_generic(
    question: Question,
    docs: list[Document],
    library: Library,
    measure: str,
    period_of: dict[str, set[int]],
    lines: list[str],
) -> Found | None:
    """Any other item: qa.rank's ranking, held to the asked measure and a stricter item match; facts the schema
    placed on another line than `lines` are never taken."""
    best: tuple[float, Fact, Document] | None = None
    for doc in docs:
        for year in sorted(period_of[doc.id]):
            q = question.model_copy(
                update={"year": year, "relative_year": 0, "measure": measure, "number_kind": "money"}
            )
            for c in rank(library, q, [doc.id], []):
                if (
                    c.fact.measure == measure
                    and (not c.fact.line or c.fact.line in lines)
                    and c.item >= MIN_ITEM
                    and c.fact.yuan is not None
                    and not _only_in_title(question, c.fact)
                ):
                    if best is None or c.score > best[0]:
                        best = (c.score, c.fact, c.doc)
                    break
    return Found([best[1]], best[2], best[1].yuan) if best else None  # type: ignore[arg-type]


def _only_in_title(question: Question, fact: Fact) -> bool:
    """A table cell whose item words are only in the table's title (every cell of
    "“三公”经费和机关运行经费预算表" names 机关运行经费) does not state that item."""
    if fact.source != "table" or not fact.label_path or fact.subject != fact.label_path[0]:
        return False
    cells = " ".join(fact.label_path[1:])
    return not any(coverage(t, cells) >= 0.9 for group in question.terms for t in group)
