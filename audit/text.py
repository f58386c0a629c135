"""The same figure stated differently, and formulas printed in the text.

Text and tables of one report may legitimately differ for the same row label
(all funds vs fiscal appropriations only), so a plain value difference is
raised only between two sentences about the same item. Unit slips (same digits,
other unit) and transposed digits are raised wherever they occur, because they
cannot be a difference of scope.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation

from audit.changes import minor
from audit.common import BASE_MEASURES, clip, digits, dominant_unit, finding, item_key, tolerance, transposed
from audit.finding import Evidence, Finding
from corpus.labels import similar_subjects
from corpus.model import Document, Fact
from corpus.numbers import half_unit

_GENERIC = {"合计", "总计", "支出", "收入", "小计", "本年收入", "本年支出", "其他", "项目支出", "基本支出"}


def _money(facts: list[Fact]) -> list[Fact]:
    return [f for f in facts if f.kind == "money" and f.yuan is not None and f.measure in BASE_MEASURES]


def _same_item(a: Fact, b: Fact, strict: bool) -> bool:
    if a.period != b.period:
        return False
    ka, kb = item_key(a.subject), item_key(b.subject)
    if ka in _GENERIC or kb in _GENERIC:
        return False
    if ka == kb:
        return len(ka) >= 3
    return not strict and min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka or similar_subjects(ka, kb) >= 0.8)


def restatements(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Unit slips, transposed digits, and two sentences giving one item two values."""
    money = _money(facts)
    main_unit = dominant_unit(facts)
    out: list[Finding] = []
    by_value: dict[Decimal, list[Fact]] = defaultdict(list)
    for f in money:
        by_value[f.value].append(f)
    for value, group in by_value.items():
        if len({f.unit for f in group}) > 1 and len(value.normalize().as_tuple().digits) >= 3:
            out.extend(_unit_slips(doc, group, main_unit))
    anagrams: dict[tuple, list[Fact]] = defaultdict(list)
    for f in money:
        anagrams[("".join(sorted(digits(f.printed))), f.unit, f.measure)].append(f)
    for group in anagrams.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (
                    "text" in (a.source, b.source)
                    and transposed(a.printed, b.printed)
                    and _same_item(a, b, strict=False)
                ):
                    out.append(_transposition(doc, a, b, money))
    out.extend(_sentence_conflicts(doc, [f for f in money if f.source == "text" and _named_in_quote(f)]))
    return out


def _sentence_conflicts(doc: Document, texts: list[Fact]) -> list[Finding]:
    """Two sentences naming the same item with two values; an item given more than two values is a
    generic label (预算安排, 该项目) rather than one figure, and stays silent."""
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in texts:
        key = item_key(f.subject)
        if len(key) >= 3 and key not in _GENERIC:
            groups[(key, f.period, f.measure)].append(f)
    out = []
    for (key, _, _), group in groups.items():
        values: dict[Decimal, Fact] = {}
        for f in group:
            if not any(abs(f.yuan - v.yuan) <= tolerance(f) + tolerance(v) for v in values.values()):  # type: ignore[operator]
                values[f.yuan] = f  # type: ignore[index]
        if len(values) != 2:
            continue
        a, b = values.values()
        if transposed(a.printed, b.printed) or a.value == b.value:
            continue  # reported as a transposition or a unit slip
        near = abs(a.yuan - b.yuan) < abs(a.yuan) / 1000 and digits(a.printed)[:-2] == digits(b.printed)[:-2]  # type: ignore[operator]
        out.append(
            finding(
                doc,
                "restatement",
                "warning" if near else "info",
                f"{key}：第{a.page}页写作{a.printed}，第{b.page}页写作{b.printed}",
                f"{key}: {a.printed} on page {a.page} but {b.printed} on page {b.page}",
                expected=a.printed,
                found=b.printed,
                facts=[a, b],
            )
        )
    return out


def _named_in_quote(fact: Fact) -> bool:
    """The item is named in the fact's own sentence (not inherited from a heading), and not as a share base."""
    key = item_key(fact.subject)
    at = fact.quote.find(key)
    return at >= 0 and "占" not in fact.quote[at - 2 : at] if at >= 2 else at >= 0


def _unit_slips(doc: Document, group: list[Fact], main_unit: str | None) -> list[Finding]:
    """Facts with the same digits but a minority unit, about the same item as the majority."""
    units = Counter(f.unit for f in group)
    out = []
    for slip in group:
        others = [f for f in group if f.unit != slip.unit and _same_item(slip, f, strict=False)]
        if not others or slip.source != "text":
            continue
        other_unit = others[0].unit
        minority = units[slip.unit] < units[other_unit] or (
            units[slip.unit] == units[other_unit] and slip.unit != main_unit
        )
        if not minority:
            continue
        name = item_key(slip.subject)
        out.append(
            finding(
                doc,
                "unit_slip",
                "error",
                f"{name}：第{slip.page}页写作{slip.printed}，其他处为{others[0].printed}",
                f"{name}: printed as {slip.printed} on page {slip.page}, {others[0].printed} elsewhere",
                expected=others[0].printed,
                found=slip.printed,
                facts=[slip, *others[:2]],
            )
        )
    return out


def _transposition(doc: Document, a: Fact, b: Fact, money: list[Fact]) -> Finding:
    """The rarer of the two spellings is the slip."""
    count = Counter(f.value for f in money if f.unit == a.unit)
    slip, right = (a, b) if count[a.value] < count[b.value] else (b, a)
    name = item_key(right.subject)
    return finding(
        doc,
        "transposed_digits",
        "error",
        f"{name}：第{slip.page}页写作{slip.printed}，第{right.page}页为{right.printed}（数字顺序颠倒）",
        f"{name}: {slip.printed} on page {slip.page} but {right.printed} on page {right.page} (digits transposed)",
        expected=right.printed,
        found=slip.printed,
        facts=[slip, right],
    )


# "公用经费控制率=148.82/148.82×100%=100%", "结转结余率=64.40/1178.28×100%=5.46%", "控制率为54/65=0.83"
_FORMULA = re.compile(
    r"(?P<name>[\u4e00-\u9fff“”\"]{2,24}?率)\s*(?:=|＝|为)\s*"
    r"(?P<expr>[\d.,\s()（）/÷×*+\-－]*\d[\d.,\s()（）/÷×*+\-－]*?)"
    r"\s*(?P<pct>[×*xX]\s*100\s*[%％])?\s*[。.]?\s*(?:=|＝)\s*(?P<res>-?\d+(?:\.\d+)?)\s*(?P<rpct>[%％])?"
)
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_RATE_SUFFIX = re.compile(r"(?:控制率|执行率|完成率|变动率|安排率|调整率|利用率|结余率|率)$")


def printed_formulas(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Recompute every printed "X率=a/b×100%=r" and check each operand against the report's figures."""
    out: list[Finding] = []
    for page, text in _texts(doc):
        for m in _FORMULA.finditer(text):
            if "/" not in m.group("expr") and "÷" not in m.group("expr"):
                continue
            quote = clip(text, m.start())
            out.extend(_formula_findings(doc, facts, m, page, quote))
    return out


def _texts(doc: Document) -> list[tuple[int, str]]:
    out = [(p.number, para.text) for p in doc.pages for para in p.paragraphs]
    for table in doc.tables:
        out.extend((c.page, c.text) for row in table.body_rows for c in row if "率" in c.text and "/" in c.text)
    return out


def _formula_findings(doc: Document, facts: list[Fact], m: re.Match[str], page: int, quote: str) -> list[Finding]:
    expr = m.group("expr").strip(" ,")
    operands = [Decimal(n.replace(",", "")) for n in _NUMBER.findall(expr)]
    computed = _evaluate(expr)
    if computed is None or not operands:
        return []
    stated = Decimal(m.group("res"))
    if m.group("pct") or (m.group("rpct") and abs(stated) > 2):
        computed *= 100
    slack = half_unit(stated) + abs(computed) * sum((half_unit(op) / op for op in operands if op), Decimal(0))
    name = m.group("name").strip('“”"')
    ev = [Evidence(page=page, quote=quote)]
    out = []
    if abs(computed - stated) > slack:
        out.append(
            Finding(
                doc=doc.name,
                kind="formula",
                severity=minor(abs(computed - stated) - slack, stated),
                message=f"{name}：算式{expr}的结果应为{computed:.2f}，文中写作{stated} / "
                f"{name}: {expr} gives {computed:.2f}, the report prints {stated}",
                expected=f"{computed:.2f}",
                found=str(stated),
                evidence=ev,
            )
        )
    out.extend(_operand_findings(doc, facts, name, operands, ev))
    return out


def _operand_findings(
    doc: Document, facts: list[Fact], name: str, operands: list[Decimal], ev: list[Evidence]
) -> list[Finding]:
    """An operand no figure of the report supports, but a digit permutation of the named item's figure."""
    item = _RATE_SUFFIX.sub("", name)
    known = {f.value for f in facts if f.kind == "money"}
    item_facts = [f for f in facts if f.kind == "money" and len(item) >= 2 and item in item_key(f.subject)]
    out = []
    for op in dict.fromkeys(operands):
        if op in known:
            continue
        for f in item_facts:
            if transposed(f"{op:f}", f"{f.value:f}"):
                out.append(
                    Finding(
                        doc=doc.name,
                        kind="formula_operand",
                        severity="error",
                        message=f"{name}的算式使用{op}，但{item}在报告其他处为{f.printed} / "
                        f"{name} is computed from {op}, but {item} is {f.printed} elsewhere in the report",
                        expected=f"{f.value:f}",
                        found=f"{op:f}",
                        evidence=[*ev, Evidence(page=f.page, quote=clip(f.quote, f.quote.find(f.printed)))],
                    )
                )
                break
    return out


def _evaluate(expr: str) -> Decimal | None:
    """Exact arithmetic on a printed expression (numbers, + − × ÷ and brackets); None if it is anything else."""
    s = (
        expr.replace("（", "(")
        .replace("）", ")")
        .replace("×", "*")
        .replace("÷", "/")
        .replace("－", "-")
        .replace(",", "")
        .replace(" ", "")
    )
    tokens = re.findall(r"\d+(?:\.\d+)?|[()+\-*/]", s)
    if "".join(tokens) != s:
        return None
    try:
        value, rest = _sum(tokens)
    except (IndexError, ZeroDivisionError, InvalidOperation, ValueError):
        return None
    return value if not rest else None


def _sum(tokens: list[str]) -> tuple[Decimal, list[str]]:
    value, tokens = _product(tokens)
    while tokens and tokens[0] in "+-":
        op, (right, tokens) = tokens[0], _product(tokens[1:])
        value = value + right if op == "+" else value - right
    return value, tokens


def _product(tokens: list[str]) -> tuple[Decimal, list[str]]:
    value, tokens = _atom(tokens)
    while tokens and tokens[0] in "*/":
        op, (right, tokens) = tokens[0], _atom(tokens[1:])
        value = value * right if op == "*" else value / right
    return value, tokens


def _atom(tokens: list[str]) -> tuple[Decimal, list[str]]:
    if tokens[0] == "-":
        value, rest = _atom(tokens[1:])
        return -value, rest
    if tokens[0] == "(":
        value, rest = _sum(tokens[1:])
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced")
        return value, rest[1:]
    return Decimal(tokens[0]), tokens[1:]
