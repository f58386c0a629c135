"""The inspector's checklist: every rule by name, with the one line docs/AUDIT.md gives it.

`evaluate` runs them all on one report and returns every `Result` (holding, broken or in doubt); `audit_document`
keeps what is not holding, as `Finding`s, most severe first. Both `dqa audit` and each answer's cross-check
(qa/checks.py) go through `evaluate`, so every check is written once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from audit import changes, formulas, narrative, shares, statements, tables, template
from audit.finding import SEVERITY_RANK, Finding, Result
from audit.report import Report
from corpus.model import Document, Fact


@dataclass(frozen=True)
class Rule:
    name: str
    description: str


RULES: tuple[Rule, ...] = (
    # inside one statement (audit/tables.py)
    Rule(
        "balanced_totals", "收入总计 = 支出总计 in every two-sided summary statement, and as the narrative states them"
    ),
    Rule("year_totals", "the income or expenditure lines (or 类) of a column add up to 本年收入合计 / 本年支出合计"),
    Rule(
        "grand_totals",
        "总计 = 本年合计 + 使用结余 + 年初结转和结余 (收入); = 本年支出 + 结余分配 + 年末结转和结余 (支出)",
    ),
    Rule("code_sums", "类 = Σ款 and 款 = Σ项 by function or economic code, column by column"),
    Rule("line_sums", "any other line the schema composes of printed lines (财政拨款 = 一般公共预算 + 政府性基金 + …)"),
    Rule(
        "row_totals", "a row's 合计 = its breakdown columns (基本支出 + 项目支出, the income sources) or fund columns"
    ),
    Rule("basic_split", "人员经费 + 公用经费 = 基本支出, each the sum of its economic classes (tables and narrative)"),
    Rule("sangong_sum", "三公 合计 = 因公出国 + 公务用车 (购置 + 运行) + 公务接待, per measure (tables and narrative)"),
    # across statements (audit/statements.py)
    Rule(
        "same_line",
        "the same line shows the same amount in every statement that prints it, within the printed precision",
    ),
    Rule("statements_present", "every mandated statement of the report's family is printed, under any of its titles"),
    Rule("empty_statement", "a statement without figures carries its “本表无数据” note"),
    Rule("title_years", "statement titles and headings name the report's own year"),
    # the narrative (audit/narrative.py, audit/changes.py, audit/shares.py, audit/formulas.py, audit/template.py)
    Rule("narrative_lines", "a narrative figure equals its line as the statements print it (unit and rounding aware)"),
    Rule("restated", "an item stated twice in the narrative has one value (no unit slip, no swapped digits)"),
    Rule("procurement_sum", "政府采购 = 货物 + 工程 + 服务 as the narrative states them"),
    Rule("parts_within_total", "amounts listed after 其中/包括/主要用于 do not exceed the amount before it"),
    Rule("stated_change", "a stated change and rate follow from the two figures the sentence compares"),
    Rule("stated_shares", "a stated share (占…的P%) or completion rate follows from the figures it names"),
    Rule("comparison_words", "增加/减少/持平 and 大于/小于/等于预算 agree with the figures they describe"),
    Rule("base_years", "a comparison is made against the year before (or, in final accounts, the year's own budget)"),
    Rule("printed_formulas", "a printed formula gives its printed result, from figures the report states"),
    Rule("template_leftovers", "no template placeholder (XX, ××) and no unchosen alternative (增加（减少）) is left"),
)

Check = Callable[[Report], list[Result]]
_CHECKS: tuple[Check, ...] = (
    tables.table_sums,
    tables.balanced_totals,
    statements.same_line,
    statements.statements_present,
    statements.title_years,
    narrative.narrative_lines,
    narrative.restated,
    narrative.narrative_sums,
    narrative.narrative_balance,
    narrative.parts_within_total,
    changes.stated_changes,
    shares.stated_shares,
    changes.comparison_words,
    changes.base_years,
    formulas.printed_formulas,
    template.leftovers,
)


def evaluate(doc: Document, facts: list[Fact]) -> list[Result]:
    """Every rule applied everywhere it applies in this report."""
    report = Report.of(doc, facts)
    return [r for check in _CHECKS for r in check(report)]


def audit_document(doc: Document, facts: list[Fact]) -> list[Finding]:
    """The report's inconsistencies (and our parse doubts, at info), most severe first, each place once."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for r in evaluate(doc, facts):
        if r.status == "holds":
            continue
        place = (r.evidence[0].page, r.evidence[0].quote) if r.evidence else None
        key = (r.rule, r.found, r.message, place)  # one finding per place: a slip repeated on five pages is five
        if key in seen:
            continue
        seen.add(key)
        findings.append(
            Finding(
                doc=doc.name, rule=r.rule, kind=r.kind, severity=r.severity, message=r.message, expected=r.expected,
                found=r.found, difference=r.difference, evidence=r.evidence,
            )
        )  # fmt: skip
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], min((e.page for e in f.evidence), default=0)))
    return findings
