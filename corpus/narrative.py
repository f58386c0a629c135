"""Narrative amounts → the disclosure schema: the line or item a sentence names right before each amount.

"公务接待费支出决算数为1.43万元" is the 三公 line 公务接待费; "编制65名" the staffing count. Only filler words
(决算数为, 支出, 共 …) may stand between the name and its amount; a change, rate or share with no name of its own
belongs to the item named before it in the sentence; a fund's own total printed after an item's name gives that
item's scope.
"""

from __future__ import annotations

import re

from corpus.model import Document, Fact
from corpus.schema import Line, Schema, label_key, load_schema, normalize

SCOPE_WORDS = (
    ("一般公共预算财政拨款", "gp"), ("政府性基金预算财政拨款", "gf"), ("国有资本经营预算财政拨款", "soc"),
    ("一般公共预算", "gp"), ("政府性基金预算", "gf"), ("政府性基金", "gf"), ("国有资本经营预算", "soc"),
    ("财政拨款", "fiscal"),
)  # fmt: skip
_MEASURES = {
    "决算数": "final", "预算数": "budget", "调整预算数": "adjusted", "执行数": "executed", "上年数": "prior",
    "增减额": "change", "增减率": "change_rate", "占比": "share", "完成率": "completion", "比率": "share",
}  # fmt: skip
_FUNCTION_PATH = re.compile(
    r"([^()“”\"，,。；;：:、.\d]+?)\(\d{0,3}类\)(?:支出)?(?:([^()]+?)\(\d{0,2}款\))?(?:([^()]+?)\(\d{0,2}项\))?"
)
# "行政事业单位离退休（款）机关事业单位基本养老保险费（项）": a path that starts at its 款
_KUAN_PATH = re.compile(r"([^()“”\"，,。；;：:、.\d]+?)\(\d{0,2}款\)(?:([^()]+?)\(\d{0,2}项\))?")
_CODE_NAME = re.compile(r"(2\d{4}(?:\d{2})?)([\u4e00-\u9fff（）()]{2,30})$")
# "实验室及相关设施（2060204），2024年度决算数为": a name with its code after it
_NAME_CODE = re.compile(r"([\u4e00-\u9fff]{2,30})\((2\d{4}(?:\d{2})?)\)[,，]?[^,，。；;]{0,16}$")
# "“一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目": 类-款-项 joined by dashes
_DASH_PATH = re.compile(
    r"([\u4e00-\u9fff()]{2,20}?)-([\u4e00-\u9fff()]{2,30}?)(?:-([\u4e00-\u9fff()]{2,30}?))?(?:科目|$)"
)
_CLAUSE_END = re.compile(r"[。；;！？\n]")
# what may stand between an item and its amount: "公务接待费|决算支出数为|1.43万元", "编制|65名"
_FILLER = re.compile(
    r"(?:支出|经费|费用|决算|预算|执行|安排|拨款|财政拨款|一般公共预算|合计|总计|共计|小计|金额|总额|数额|数|额|\((?:类|款|项)\)"
    r"|年初|全年|当年|本年|为|是|达到|达|约|计|共|的|了|有|:|\(万元\)|\(元\))*"
)
_LEVEL_MARK = re.compile(r"\((类|款|项)\)")
_SHORT_GAP = ("", "为", "是", "共", "达", "数为", ":")
# a figure about the item named before it; a level with no item of its own is not that item
# ("（二）公用经费X万元，商品和服务支出（类）Y万元，办公费（款）支出Z万元": Z is no 公用经费)
_CHANGE_MEASURES = {"增减额", "增减率", "占比", "完成率", "比率"}
_LEAD_END = re.compile(r"[\s”\"]*(?:支出)?[\s”\"]*(?:[\d,.]+\s*万?元)?")
_CODE_PART = re.compile(r"0\d(?:项|款|类)")
# "信息化建设（13项）", "公共安全支出（204类）": a code's part in brackets, whatever its digits
_BRACKETED_CODE = re.compile(r"\d{1,3}(?:项|款|类)")
# a line break is a clause end only after punctuation or before a numbered item ("⏎2．行政事业单位离退休（款）…");
# otherwise the PDF wrapped a sentence, often inside a name ("基本养老保险⏎费（项）", "决算数为⏎626.86万元")
_NUMBERED = r"\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|第[一二三四五六七八九十])"
_WRAP = re.compile(rf"(?<![。；;！？：:，,、\s])[ \t]*\n(?!{_NUMBERED})")
# a report's own total, opening its sentence with no item named: "上海市普陀区司法局收入预算8695.94万元",
# "我校2021年支出预算490,808.40万元", "2021年本年预算收入390,140.45万元"
_SIDE_TOTAL = re.compile(  # from the clause's start, or its year ("…收支总体情况2026年某局部门预算收入")
    r"(?:^|[,，:：]|(?<!\d)(?=20\d\d年))[^,，:：]{0,30}?(?P<this>本年|当年)?(?:(?:预算|决算)(?P<side>收入|支出)|(?P<side2>收入|支出)(?:预算|决算))"
    r"(?:数|总额)?(?:为|是)?$"
)
_SIDE_LINES = {("收入", False): "inc_grand_total", ("支出", False): "exp_grand_total",
               ("收入", True): "inc_this_year", ("支出", True): "exp_this_year"}  # fmt: skip
# what a fund's income line names when its gap says 支出 ("一般公共预算拨款|支出预算|8695.94万元"): the fund's spending
_FUND_SPENDING = "exp_fiscal"
# a comparison's base, the item's own budget or last year's figure: "占预算数137万元", "比去年同期9.84万元"
_BASE = re.compile(
    r"(?:占|比|较|与|完成)(?:年初|全年|调整后?)?(?:预算数?|决算数?|上年|去年同期|上年同期|上年度)?[为的]?$"
)


# --------------------------------------------------------------------------


class _NarrativeClassifier:
    """The item named nearest before a narrative amount, from every name and alias of the schema."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        names: dict[str, str] = {}
        priority = [
            *(x for x in schema.lines.values() if x.classification == "line"),
            *schema.narrative.values(),
            *(x for x in schema.lines.values() if x.classification == "function"),
            *(x for x in schema.lines.values() if x.classification == "economic" and x.until is None),
        ]
        shared: set[str] = set()
        for item in priority:
            for name in [item.name, *item.aliases]:
                key = label_key(name)
                if len(key) < 2:
                    continue
                if key in names and names[key] != item.id:
                    if isinstance(item, Line) and item.classification == "function":
                        if self.schema.item(names[key]).classification == "function":  # type: ignore[union-attr]
                            shared.add(key)  # 行政运行 …: a 项 name many 款 share says nothing alone
                    continue
                names[key] = item.id
        for key in shared:
            names.pop(key, None)
        self.names = names
        self.shared = shared
        self.lengths = sorted({len(k) for k in names}, reverse=True)

    def item(self, window: str, kind: str, level: str = "") -> tuple[str | None, str | None]:
        """(item id, scope) named in the text just before an amount; a name function lines of several levels share
        (其他支出) is the line of `level` when the sentence lists lines of that level."""
        text = normalize(window)
        m = _FUNCTION_PATH.search(text)
        if m:
            line = self._function_path(m)
            if line:
                return line, scope_in(text)
        m = None if "类)" in text else _KUAN_PATH.search(text)
        if m:
            line = self._function_path(m, first=1)
            if line:
                return line, scope_in(text)
        m = _DASH_PATH.search(text)
        if m:
            line = self._function_path(m)
            if line:
                return line, scope_in(text)
        m = _CODE_NAME.search(text)
        if m:
            line = self.schema.by_code(m.group(1), name=m.group(2))
            if line is not None:
                return line.id, scope_in(text)
        m = _NAME_CODE.search(text)
        if m:
            line = self.schema.by_code(m.group(2), name=m.group(1))
            if line is not None and label_key(m.group(1)) in {label_key(n) for n in line.names}:
                return line.id, scope_in(text)
        for end in range(len(text), 1, -1):
            gap = text[end:]
            if not _FILLER.fullmatch(gap):
                continue  # "公务用车驾驶员备用金38,210元": the item must stand right before its amount
            for length in self.lengths:
                if length > end or (length < 3 and gap not in _SHORT_GAP):
                    continue
                name = text[end - length : end]
                item_id = self.names.get(name)
                marked = _LEVEL_MARK.search(gap)
                if marked and item_id:  # "公务接待费（款）支出16万元": the economic 款, not the 三公 line
                    item_id = self._at_level(name, item_id, marked.group(1))
                elif level and name in self.shared:  # "…住房保障支出7,624.66万元，占3.12%，其他支出109.50万元"
                    item_id = self._at_level(name, "", level)
                if item_id and kind == "money" and self._fund_total(item_id) and self._other_side(item_id, gap):
                    return _FUND_SPENDING, scope_in(text) or self.schema.lines[item_id].scope
                if item_id and self._fits(item_id, kind) and not self._other_side(item_id, gap):
                    if self._fund_total(
                        item_id
                    ):  # "“三公”经费|财政拨款支出|55.82万元": the item is 三公, 财政拨款 its scope
                        before, _ = self.item(text[: end - length], kind)  # text: the normalised window
                        if before is not None and not self._fund_total(before):
                            return before, scope_in(text)
                    return item_id, scope_in(text)
        return None, scope_in(text)

    def side_total(self, window: str) -> str | None:
        """The report's income or spending total a sentence opens with when it names no item."""
        m = _SIDE_TOTAL.search(normalize(window))
        if m is None:
            return None
        return _SIDE_LINES[(m.group("side") or m.group("side2"), bool(m.group("this")))]

    def lead(self, paragraph: str) -> str | None:
        """The item a numbered paragraph opens with, as a 类/款/项 path ("11、住房保障支出（类）住房改革支出（款）
        购房补贴（项）。主要用于：…。年初预算为258.50万元，支出决算为258.40万元。") or as the whole opening line
        ("（一）因公出国（境）费用。2026年预算数48.24万元"): the item of the figures its later sentences print bare."""
        head = normalize(re.split(r"[。：:，,；;]", paragraph, maxsplit=1)[0])
        m = _FUNCTION_PATH.search(head) if len(head) <= 80 else None
        if m is not None and _LEAD_END.fullmatch(head[m.end() :]):
            return self._function_path(m)  # the path must close the opening line ("…（款）事" is cut, not a 款)
        named = self.names.get(label_key(head)) if re.match(_NUMBERED, head) else None
        return named if named and self._fits(named, "money") else None

    def _fund_total(self, item_id: str) -> bool:
        """A line that is a fund's total (财政拨款收入/支出, 一般公共预算财政拨款收入 …): printed after an item's
        name it gives that item's fund scope, not another item."""
        line = self.schema.lines.get(item_id)
        return line is not None and line.classification == "line" and line.scope in ("fiscal", "gp", "gf", "soc")

    def _other_side(self, item_id: str, gap: str) -> bool:
        """ "财政拨款|支出1178.28万元" is spending, never the income line 财政拨款(收入), and the reverse."""
        line = self.schema.lines.get(item_id)
        if line is None:
            return False
        income = line.kind == "income" or item_id.startswith("inc_")
        return ("支出" in gap and income) or ("收入" in gap and not income and line.classification == "line")

    def _fits(self, item_id: str, kind: str) -> bool:
        narrative = self.schema.narrative.get(item_id)
        if narrative is not None:
            if kind == "count":
                return narrative.unit_kind == "count"
            if kind == "money":
                return narrative.unit_kind == "money"
            return narrative.unit_kind in ("percent", "score") or kind == "percent"
        return kind != "count"

    def _function_path(self, m: re.Match[str], first: int = 0) -> str | None:
        """The line of a 类/款/项 path (from its 款 when first=1): each level one line under the one before."""
        names = [label_key(g) for g in m.groups() if g]
        parent: str | None = None
        found: str | None = None
        for depth, name in enumerate(names, start=first):
            level = ("类", "款", "项")[depth]
            match = [
                x for x in self.schema.lines_named(name) + self.schema.lines_named(name + "支出")
                if x.classification == "function" and x.level == level and (parent is None or x.parent == parent)
            ]  # fmt: skip
            match = list({x.id: x for x in match}.values())
            if len(match) != 1:
                return self._only_line(names[-1], ("类", "款", "项")[first + len(names) - 1])
            found = parent = match[0].id
        return found

    def _at_level(self, name: str, named: str, level: str) -> str | None:
        """The line a name marked with its level (类/款/项) stands for: the one the name already says if it is of
        that level, else the one function line, or economic class of the departments' series (3xx), of that level
        and name."""
        line = self.schema.lines.get(named)
        if line is not None and line.level == level:
            return named
        match = [x for x in self.schema.lines_named(name) if x.level == level]
        function = [x.id for x in match if x.classification == "function"]
        economic = [x.id for x in match if x.classification == "economic" and (x.code or "").startswith("3")]
        return (function if len(function) == 1 else economic if len(economic) == 1 else [None])[0]

    def _only_line(self, name: str, level: str) -> str | None:
        """A path that does not hold together ("行政事业单位离退休（类）机关事业单位职业年金缴费支出（项）": a 款
        printed as 类) still names its last level, when one line of the schema alone bears that name at that level;
        a 项 the schema does not know, or one many 款 share (事业运行), is no line."""
        match = {
            x.id for x in self.schema.lines_named(name) + self.schema.lines_named(name + "支出")
            if x.classification == "function" and x.level == level
        }  # fmt: skip
        return match.pop() if len(match) == 1 else None


def scope_in(text: str) -> str | None:
    for word, scope in SCOPE_WORDS:
        if word in text:
            return scope
    return None


# -- the one call -------------------------------------------------------------------------------------------------


def classify_narrative(doc: Document, facts: list[Fact], schema: Schema | None = None) -> None:
    """Set line, column and scope on the report's narrative facts, in place, in reading order."""
    schema = schema or load_schema()
    narrative = _narrative(schema)
    pages = {p.number: p for p in doc.pages}
    last_end: dict[int, int] = {}
    last_line: dict[tuple[int, str], str | None] = {}
    last_item: dict[int, str | None] = {}
    for fact in facts:
        page = pages.get(fact.page)
        if fact.start is None or page is None or _code_part(page.text, fact):
            continue  # "（01项）" is a code's part, not a count: it must not cut the item's name from its amount
        begin = max(last_end.get(fact.page, 0), fact.start - 60, 0)
        window = _WRAP.sub("", page.text[begin : fact.start])
        cut = max((m.end() for m in _CLAUSE_END.finditer(window)), default=0)
        window = window[cut:]
        sentence = (fact.page, fact.quote)
        before = last_line.get(sentence)
        if before is None and "。" not in page.text[last_end.get(fact.page, 0) : fact.start]:
            before = last_item.get(fact.page)  # a list goes on over "；"
        listed = schema.lines.get(before or "")
        item, scope = narrative.item(window, fact.kind, listed.level if listed and listed.code else "")
        if item is None and fact.kind == "money" and sentence not in last_line:
            item = narrative.side_total(window)  # the sentence's first figure
        if fact.kind == "percent" and "占" in window and last_line.get(sentence):
            item = last_line[sentence]  # "公用经费148.28万元，占基本支出的21.97%": a share of the item before
        if item is None and (fact.measure in _CHANGE_MEASURES or _BASE.search(window)):
            before = last_line.get(sentence)  # "减少16.18万元，下降22.47%": the change of the item named before
            item = before if before and narrative._fits(before, fact.kind) else None
        if item is None:  # "…；比去年同期3.96万元": the sentence's own subject, carried over by the extractor
            named = narrative.names.get(label_key(fact.subject))
            item = named if named and narrative._fits(named, fact.kind) else None
        if item is None and fact.kind == "money" and fact.measure not in _CHANGE_MEASURES:
            paras = page.paragraphs
            at = next((i for i, p in enumerate(paras) if p.start <= fact.start < p.end), None)
            if at is not None and not paras[at].text.startswith(fact.quote[:8]):
                item = narrative.lead(paras[at].text)
            if item is None and at and paras[at].heading_path and paras[at - 1].text == paras[at].heading_path[-1]:
                item = narrative.lead(paras[at - 1].text + paras[at].text)  # the reader took it for a heading
        last_line[sentence] = item
        last_item[fact.page] = item
        last_end[fact.page] = fact.end or fact.start
        fact.line = item
        fact.column = _MEASURES.get(fact.measure)
        line = schema.lines.get(item or "")
        fact.scope = scope or (line.scope if line else None)


def _code_part(text: str, fact: Fact) -> bool:
    """ "（01项）", "信息化建设（13项）": the bracketed part of a function code, no count."""
    if _CODE_PART.fullmatch(fact.printed):
        return True
    start, end = fact.start or 0, fact.end or 0
    return (
        bool(_BRACKETED_CODE.fullmatch(fact.printed))
        and text[start - 1 : start] in ("（", "(")
        and text[end : end + 1] in ("）", ")")
    )


_NARRATIVE: dict[int, _NarrativeClassifier] = {}


def _narrative(schema: Schema) -> _NarrativeClassifier:
    if id(schema) not in _NARRATIVE:
        _NARRATIVE[id(schema)] = _NarrativeClassifier(schema)
    return _NARRATIVE[id(schema)]
