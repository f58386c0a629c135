"""Amounts in narrative sentences → Facts with subject, period and measure.

"公务接待费决算支出数1.43万元，比去年同期9.84万元，减少8.41万元，下降85.47%"
gives four facts: 1.43万元 (this year, 决算数), 9.84万元 (last year), −8.41万元
(增减额) and −85.47% (增减率), all about 公务接待费.
"""

from __future__ import annotations

import re
from decimal import Decimal

from corpus.model import OWN_MEASURE, Amount, Document, Fact, Paragraph
from corpus.numbers import find_amounts

_SENTENCE = re.compile(r"[^。；;！？]+[。；;！？]?")
_CLAUSE_BREAK = re.compile(r"[，,：:]")
_YEAR = re.compile(r"(20\d{2})\s*年(?:度)?")
_LAST_YEAR = re.compile(r"(上年|去年|上一年|上年度)(同期)?(?!结转|结余|末)")
_DOWN = ("减少", "下降", "降低", "减", "下降了", "节约")
_UP = ("增加", "增长", "上升", "提高", "增")
_SUBJECT_TAIL = re.compile(
    r"(?:(?:支出)?(?:决算|预算|执行)(?:支出)?数?|支出数|总额|金额)?"
    r"(?:为|是|达到?|共计|合计|总计|约|计)?$"
)
_SUBJECT_HEAD = re.compile(
    r"^(?:[（(]\d{1,2}[)）]|其中|包括|主要用于|截至|截止|全年|共计|共|合计|另外|此外|[一二三四五六七八九十]+是|本部门|本单位|我单位"
    r"|比|与|较|同比|上年同期|去年同期|上年度|上年|去年)+"
)
# 预算 as a measure, not as part of a fund's name (一般公共预算, 政府性基金预算, 国有资本经营预算)
_BUDGET = re.compile(r"(?:年初|调整)?(?<!公共)(?<!基金)(?<!经营)预算(?:数|安排|额)?(?!单位|财政|拨款|支出|收入)")
# what is left of a clause like "当年", "相比增加", "决算数增长", "六、年度预算安排": no item
_NOT_A_SUBJECT = re.compile(
    r"(?:[一二三四五六七八九十]+、)?(?:当年|本年|上年|去年|全年|年度|相比|同比|决算数|预算数|执行数|预算安排|增加|增长|减少|"
    r"下降|降低|上升|其中|共|合计|总计|分别|主要|尚有|为|是|了|的|\s)*"
)
_CHANGE_WORD = re.compile(r"^(?:减少|下降|降低|增加|增长|上升|提高|持平)了?$")


def paragraph_facts(doc: Document, page: int, para: Paragraph) -> list[Fact]:
    facts: list[Fact] = []
    heading = para.heading_path[-1] if para.heading_path else ""
    subject = ""
    for sm in _SENTENCE.finditer(para.text):
        sentence = sm.group()
        last_end = 0
        for start, end, amount in find_amounts(sentence):
            before = sentence[last_end:start]
            clause = _CLAUSE_BREAK.split(sentence[:start])[-1]
            piece = _CLAUSE_BREAK.split(before)[-1].strip()
            own = _subject(piece, doc.department) or _before_colon(before, doc.department)
            comparison = piece.startswith(("比", "与", "较"))
            base = _share_base(piece, doc.department) if amount.kind == "money" else ""
            if own and not own.startswith("占") and not _CHANGE_WORD.match(own) and (not comparison or len(own) >= 4):
                subject = own
            period, measure, value = _reading(sentence[:start], before, clause, amount, doc)
            this_subject = base or subject or heading  # "占行政事业单位离退休80.01万元的" is another item
            label_path = [x for x in [*para.heading_path[-2:], this_subject] if x]
            facts.append(
                Fact(
                    doc_id=doc.id,
                    label=" › ".join(label_path),
                    label_path=label_path,
                    subject=this_subject,
                    period=period,
                    measure=measure,
                    value=value,
                    printed=amount.printed,
                    unit=amount.unit,
                    kind=amount.kind,
                    approx=amount.approx,
                    yuan=_signed_yuan(amount, value),
                    page=page,
                    source="text",
                    quote=sentence.strip(),
                    start=para.start + sm.start() + start,
                    end=para.start + sm.start() + end,
                )
            )
            last_end = end
    return facts


def _before_colon(before: str, department: str) -> str:
    """ "（1）一般公共服务支出：2019年度支出决算数为985.31万元": the item stands before the colon."""
    pieces = re.split(r"[：:]", before)
    if len(pieces) < 2 or _CLAUSE_BREAK.split(pieces[-1].strip())[-1] != pieces[-1].strip():
        return ""
    head = re.split(r"[，,。；;]", pieces[-2])[-1]
    return _subject(head, department) if len(head) <= 30 else ""


def _share_base(piece: str, department: str) -> str:
    """In "占行政事业单位离退休80.01万元的70.47%" the amount is the base item's own figure."""
    if not piece.startswith("占"):
        return ""
    base = _subject(piece[1:], department)
    return "" if not base or _BUDGET.fullmatch(base) or base in ("年初", "全年", "本年") else base


def _subject(clause: str, department: str) -> str:
    """The item phrase before an amount, minus the department, the year and the verb."""
    text = clause.strip()
    if department:  # as the identity spells it (中共江苏省委办公厅) and as narratives often print it (江苏省委办公厅)
        text = text.replace(department, "").replace(department.removeprefix("中共"), "")
    text = _YEAR.sub("", text)
    text = re.sub(r"^(?:\d{1,2}月(?:\d{1,2}日)?(?:底|末)?)", "", text)
    text = _SUBJECT_HEAD.sub("", text)
    for _ in range(2):
        text = _SUBJECT_TAIL.sub("", text).strip()
    text = text.strip('、 的"')
    if _NOT_A_SUBJECT.fullmatch(text):
        return ""
    if text.startswith("“") and "”" not in text:
        text = text[1:]
    if text.endswith("“") or (text.endswith("”") and "“" not in text):
        text = text[:-1]
    return text if len(text) >= 2 else ""


def _reading(prefix: str, before: str, clause: str, amount: Amount, doc: Document) -> tuple[int | None, str, Decimal]:
    """Period, measure and signed value of one amount from the words just before it."""
    year = doc.year
    value = amount.value
    window = clause.rstrip()[-12:]  # "增加 46,722.70 万元": a space may stand before the amount
    years = _YEAR.findall(clause)
    if years:
        period: int | None = int(years[-1])
    elif _LAST_YEAR.search(clause) and year:
        period = year - 1
    else:
        period = year
    default = OWN_MEASURE.get(doc.kind, "")
    if amount.kind == "percent":
        if any(w in before for w in _DOWN + _UP) and "占" not in clause:
            measure = "增减率"
            value = -value if any(w in before for w in _DOWN) and value > 0 else value
        elif ("占" in clause and "预算" in clause) or "完成" in clause:
            measure = "完成率"
        elif "占" in clause:
            measure = "占比"
        else:
            measure = "比率"
        return year, measure, value
    if amount.kind == "count":
        return period, "数量", value
    if any(window.endswith(w) or window.rstrip("了").endswith(w) for w in _DOWN):
        return year, "增减额", -value if value > 0 else value
    if any(window.endswith(w) for w in _UP):
        return year, "增减额", value
    if "调整预算" in clause or "调整数" in clause:
        return period, "调整预算数", value
    if "年初预算" in clause or (_BUDGET.search(clause) and "决算" not in clause):
        return period, "预算数", value
    if "执行数" in clause or "执行" in window:
        return period, "执行数", value
    if period != year and period is not None:
        return period, default or "上年数", value
    return period, default, value


def _signed_yuan(amount: Amount, value: Decimal) -> Decimal | None:
    if amount.yuan is None:
        return None
    return -amount.yuan if value < 0 < amount.value else amount.yuan
