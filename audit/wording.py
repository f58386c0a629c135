"""Wording that contradicts the report's own numbers.

- "决算数大于预算数" (高于/超过/多于/超出) where the stated actual is below the stated budget, and
  "小于/低于/少于" where it is above. The figures come from the same sentence, or, for the usual
  "年初预算为X万元，支出决算为Y万元。决算数小于预算数的主要原因：…", from the sentence just before.
- "比Y增加/增长/上升" where this year's figure is below the base Y, and "减少/下降/降低" where it is
  above, for the change words that follow the comparison directly ("比Y，减少Z，下降R%").

Both stay silent when a figure is ambiguous: every candidate pair of figures must contradict the
wording, and differences within the printed rounding are no contradiction. Template alternatives
("增加（减少）", "大于（小于）") are reported by `placeholders` and never match here; a comparison
whose arithmetic `stated_arithmetic` already flags is not reported twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from audit.changes import CLAUSE, NOT_A_PART, VERSUS, cell_sentences, changes, comparable
from audit.common import BASE_MEASURES, clip, in_unit, item_key, sentences, text_facts_by_page, tolerance
from audit.finding import Evidence, Finding
from corpus.labels import similar_subjects
from corpus.model import Document, Fact

_VS_BUDGET = re.compile(
    r"(?:决算|支出|执行|实际)(?:支出)?数?(?:均|都|略|明显|远)?(?P<word>大于|高于|超过|多于|超出|小于|低于|少于)了?"
    r"(?P<which>年初|全年|调整后?)?预算(?!单位)"
)
_MORE = ("大于", "高于", "超过", "多于", "超出")
_ACTUAL = ("决算数", "执行数")


def _all_sentences(doc: Document, facts: list[Fact]) -> Iterator[tuple[int, str, int, list[Fact], list[Fact]]]:
    """(page, sentence, offset, its facts, the facts of the sentence before it in the paragraph)."""
    by_page = text_facts_by_page(facts)
    for page in doc.pages:
        page_facts = sorted(by_page.get(page.number, []), key=lambda f: f.start or 0)
        for para in page.paragraphs:
            prev: list[Fact] = []
            for m in re.finditer(r"[^。！？]+[。！？]?", para.text):
                lo, hi = para.start + m.start(), para.start + m.end()
                inside = [f for f in page_facts if lo <= (f.start or 0) < hi]
                yield page.number, m.group(), lo, inside, prev
                prev = inside


def _clause_before(fact: Fact, text: str, offset: int) -> str:
    return CLAUSE.split(text[: (fact.start or 0) - offset])[-1] if fact.start is not None else ""


def budget_wording(doc: Document, facts: list[Fact]) -> list[Finding]:
    """ "决算数大于预算数" must agree with the actual and budget figures stated with it."""
    if not doc.year:
        return []
    out = []
    for page, text, _offset, inside, prev in _all_sentences(doc, facts):
        m = _VS_BUDGET.search(text)
        if not m:
            continue
        which = m.group("which") or ""
        actual, budget = _actual_budget(doc, inside, which)
        if not actual or not budget:
            if any(f.kind == "money" for f in inside):
                continue  # the sentence has figures of its own, just not both sides
            actual, budget = _actual_budget(doc, prev, which)
        if not actual or not budget or len(actual) > 3 or len(budget) > 3:
            continue
        more = m.group("word") in _MORE
        pairs = [(a, b) for a in actual for b in budget]
        if not all(_contradicts(a, b, more) for a, b in pairs):
            continue
        a, b = pairs[0]
        word = m.group("word")
        truth = "小于" if more else "大于"
        out.append(
            Finding(
                doc=doc.name,
                kind="budget_wording",
                severity="warning",
                message=f"文中称决算数{word}预算数，但所列决算数{a.printed}{truth}预算数{b.printed} / "
                f"the text says the "
                f"actual is {'above' if more else 'below'} budget, but its actual {a.printed} is "
                f"{'below' if more else 'above'} the budget {b.printed}",
                expected=f"决算数{truth}预算数",
                found=m.group(),
                evidence=_unique(
                    [
                        Evidence(page=page, quote=clip(text, m.start())),
                        Evidence(page=a.page, quote=clip(a.quote, a.quote.find(a.printed))),
                        Evidence(page=b.page, quote=clip(b.quote, b.quote.find(b.printed))),
                    ]
                ),
            )
        )
    return out


def _actual_budget(doc: Document, facts: list[Fact], which: str) -> tuple[list[Fact], list[Fact]]:
    money = [f for f in facts if f.kind == "money" and f.yuan is not None and f.period == doc.year]
    actual = [f for f in money if f.measure in _ACTUAL and not _share_base(f)]
    wanted = {
        "": ("预算数",),
        "年初": ("预算数",),
        "全年": ("预算数", "调整预算数"),
        "调整": ("调整预算数",),
        "调整后": ("调整预算数",),
    }[which]
    budget = [f for f in money if f.measure in wanted]
    return actual, budget


def _share_base(fact: Fact) -> bool:
    """ "占一般公共预算财政拨款支出决算数1113.88万元的7.34%": the base of a share, another item's figure."""
    before = fact.quote[: fact.quote.find(fact.printed)] if fact.printed in fact.quote else ""
    return CLAUSE.split(before)[-1].lstrip().startswith("占")


def _contradicts(actual: Fact, budget: Fact, more: bool) -> bool:
    slack = tolerance(actual) + tolerance(budget)
    diff = actual.yuan - budget.yuan  # type: ignore[operator]
    return diff < -slack if more else diff > slack


_UP = ("增加", "增长", "上升", "提高")
_DOWN = ("减少", "下降", "降低")
_WORD = re.compile(r"^\s*(?:同比|分别|共|均|大幅度?|略有|有所|较大幅度)?(增加|增长|上升|提高|减少|下降|降低)(?![（(])")


def change_wording(doc: Document, facts: list[Fact]) -> list[Finding]:
    """ "比Y增加/减少": the direction words right after a comparison base agree with this year vs Y."""
    out: list[Finding] = []
    for page, text, offset, inside in [*sentences(doc, facts), *cell_sentences(doc)]:
        if changes(doc, text, offset, inside):
            continue  # stated_arithmetic already reports this comparison
        for i, base in enumerate(inside):
            piece = _clause_before(base, text, offset)
            if (
                base.kind != "money"
                or base.yuan is None
                or base.measure not in BASE_MEASURES
                or not VERSUS.match(piece)
                or NOT_A_PART.search(piece[1:])
            ):
                continue
            cur = _current(doc, text, offset, inside[:i], base)
            if cur is None:
                continue
            diff = cur.yuan - base.yuan  # type: ignore[operator]
            if abs(diff) <= tolerance(cur) + tolerance(base):
                continue
            for word, at in _direction_words(text, (base.end or 0) - offset):
                if (word in _UP) == (diff > 0):
                    continue
                name = item_key(cur.subject) or item_key(base.subject)
                truth = "增加" if diff > 0 else "减少"
                out.append(
                    Finding(
                        doc=doc.name,
                        kind="change_wording",
                        severity="warning",
                        message=f"{name}：由{base.printed}到{cur.printed}应为{truth}，文中写作“{word}” / {name}: from "
                        f"{base.printed} to {cur.printed} is {'an increase' if diff > 0 else 'a decrease'}, "
                        f"the text says “{word}”",
                        expected=f"{truth}{in_unit(abs(diff), base.unit)}",
                        found=word,
                        evidence=[Evidence(page=page, quote=clip(text, at))],
                    )
                )
                break
    return out


def _current(doc: Document, text: str, offset: int, before: list[Fact], base: Fact) -> Fact | None:
    """The figure compared with base: this year's (as stated_arithmetic picks it), most similar by subject."""
    options = [
        f
        for f in reversed(before)
        if comparable(doc, f, base)
        and f.measure not in ("增减额", "增减率")
        and "占" not in _clause_before(f, text, offset)
    ]
    if not options:
        return None
    best = max(options, key=lambda f: similar_subjects(item_key(f.subject), item_key(base.subject)))
    if similar_subjects(item_key(best.subject), item_key(base.subject)) >= 0.5:
        return best
    return options[0] if len(options) == 1 else None


def _direction_words(text: str, start: int) -> Iterator[tuple[str, int]]:
    """Change words that follow a base directly: in the rest of its clause, then at the head of each next
    clause while clauses keep starting with one ("，减少8.41万元，下降85.47%")."""
    rest = text[start:]
    clauses = re.split(r"([，,；;。])", rest)
    pos = start
    first = True
    for chunk in clauses:
        if chunk in ("，", ",", "；", ";", "。"):
            pos += len(chunk)
            if chunk in ("；", ";", "。"):
                return
            continue
        m = _WORD.match(chunk)
        if m:
            yield m.group(1), pos + m.start(1)
        elif not first:
            return
        first = False
        pos += len(chunk)


def _unique(evidence: list[Evidence]) -> list[Evidence]:
    return list({(e.page, e.quote): e for e in evidence}.values())
