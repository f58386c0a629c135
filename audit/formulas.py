"""Formulas the report prints ("公用经费控制率=148.82/148.82×100%=100%"), recomputed exactly, and their operands
checked against the report's own figures.

Printed expressions are evaluated by a small parser of numbers, + − × ÷ and brackets: nothing from a document is
ever handed to eval.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from audit.common import clip, graded, item_key, result, transposed
from audit.finding import Evidence, Result
from audit.report import Report
from corpus.numbers import half_unit

# "公用经费控制率=148.82/148.82×100%=100%", "结转结余率=64.40/1178.28×100%=5.46%", "控制率为54/65=0.83"
_FORMULA = re.compile(
    r"(?P<name>[\u4e00-\u9fff“”\"]{2,24}?率)\s*(?:=|＝|为)\s*"
    r"(?P<expr>[\d.,\s()（）/÷×*+\-－]*\d[\d.,\s()（）/÷×*+\-－]*?)"
    r"\s*(?P<pct>[×*xX]\s*100\s*[%％])?\s*[。.]?\s*(?:=|＝)\s*(?P<res>-?\d+(?:\.\d+)?)\s*(?P<rpct>[%％])?"
)
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_RATE_SUFFIX = re.compile(r"(?:控制率|执行率|完成率|变动率|安排率|调整率|利用率|结余率|率)$")


def printed_formulas(report: Report) -> list[Result]:
    """Every printed "X率=a/b×100%=r": the result follows from the operands, and each operand is a figure the
    report gives (an operand that is a digit permutation of the named item's figure is a slip)."""
    out: list[Result] = []
    for page, text in _texts(report):
        for m in _FORMULA.finditer(text):
            if "/" in m.group("expr") or "÷" in m.group("expr"):
                out.extend(_formula(report, m, Evidence(page=page, quote=clip(text, m.start()), value=m.group("res"))))
    return out


def _texts(report: Report) -> list[tuple[int, str]]:
    doc = report.doc
    out = [(p.number, para.text) for p in doc.pages for para in p.paragraphs]
    for table in doc.tables:
        out.extend((c.page, c.text) for row in table.body_rows for c in row if "率" in c.text and "/" in c.text)
    return out


def _formula(report: Report, m: re.Match[str], quote: Evidence) -> list[Result]:
    expr = m.group("expr").strip(" ,")
    operands = [Decimal(n.replace(",", "")) for n in _NUMBER.findall(expr)]
    computed = evaluate(expr)
    if computed is None or not operands:
        return []
    stated = Decimal(m.group("res"))
    if m.group("pct") or (m.group("rpct") and abs(stated) > 2):
        computed *= 100
    slack = half_unit(stated) + abs(computed) * sum((half_unit(op) / op for op in operands if op), Decimal(0))
    name = m.group("name").strip('“”"')
    off = abs(computed - stated)
    if off <= slack:
        out = [result("printed_formulas", "holds", f"{name}：{expr}={stated}", f"{name}: {expr} = {stated}", [],
                      kind="formula", extra=[quote])]  # fmt: skip
    else:
        out = [
            result(
                "printed_formulas",
                "broken",
                f"{name}：算式{expr}的结果应为{computed:.2f}，文中写作{stated}",
                f"{name}: {expr} gives {computed:.2f}, the report prints {stated}",
                [],
                kind="formula",
                severity=graded(off - slack, half_unit(stated), off, computed, sure=False),
                expected=f"{computed:.2f}",
                found=str(stated),
                difference=f"{stated - computed:.2f}",
                extra=[quote],
            )
        ]
    return out + _operands(report, name, operands, quote)


def _operands(report: Report, name: str, operands: list[Decimal], quote: Evidence) -> list[Result]:
    """An operand no figure of the report supports, but a digit permutation of the named item's figure."""
    item = _RATE_SUFFIX.sub("", name)
    money = [f for f in report.facts if f.kind == "money"]
    known = {f.value for f in money}
    named = [f for f in money if len(item) >= 2 and item in item_key(f.subject)]
    out = []
    for op in dict.fromkeys(operands):
        if op in known:
            continue
        for f in named:
            if transposed(f"{op:f}", f"{f.value:f}"):
                out.append(
                    result(
                        "printed_formulas",
                        "broken",
                        f"{name}的算式使用{op}，但{item}在报告其他处为{f.printed}",
                        f"{name} is computed from {op}, but {item} is {f.printed} elsewhere in the report",
                        [f],
                        kind="transposed_digits",
                        severity="error",
                        expected=f"{f.value:f}",
                        found=f"{op:f}",
                        extra=[quote],
                    )
                )
                break
    return out


def evaluate(expr: str) -> Decimal | None:
    """Exact arithmetic on a printed expression (numbers, + − × ÷ and brackets); None if it is anything else."""
    s = expr.replace("（", "(").replace("）", ")").replace("×", "*").replace("÷", "/").replace("－", "-")
    s = s.replace(",", "").replace(" ", "")
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
