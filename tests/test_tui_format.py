"""The TUI's pure text helpers (widgets.format): importable without Textual, exact strings."""

from __future__ import annotations

import subprocess
import sys

from audit import Evidence, Finding
from corpus.model import Document
from qa.record import Check, Citation, ComparisonRow, Record
from tests.conftest import ROOT
from widgets.format import (
    badge,
    check_badge,
    citation_label,
    cited_span,
    finding_citations,
    finding_label,
    split_page,
    table_cells,
    yuan_text,
)


def test_format_imports_no_textual() -> None:
    code = "import sys, widgets.format; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_badge_and_check_words() -> None:
    cite = Citation(doc="a.pdf", page=3, quote="公务接待费0.83万元", value="0.83万元")
    record = Record(id="1", question="q", status="answered", citations=[cite])
    assert badge(record) == "✓ answered"
    record.checks = [Check(status="conflict", kind="unit", detail="d")]
    assert badge(record) == "⚠ conflict"
    assert badge(Record(id="2", question="q", status="not_found")) == "? not found"
    assert check_badge("agree") == "✓ consistent" and check_badge(None) == "—"
    assert citation_label(1, cite) == "[1] a.pdf p.3 · 0.83万元 “公务接待费0.83万元”"


def test_comparison_cells_never_show_zero_for_not_stated() -> None:
    stated = ComparisonRow(
        label="司法局 2026", doc="a.pdf", status="stated", value="0.83", unit="万元", yuan="8300", n=1
    )
    missing = ComparisonRow(label="财政局 2024", doc="b.pdf", kind="决算")
    assert table_cells(stated) == ("[1]", "司法局 2026", "0.83万元", "8,300 元", "", "—")
    assert table_cells(missing) == ("", "财政局 2024", "not stated", "", "决算", "—")
    assert yuan_text(None) == "" and yuan_text("1234567.5") == "1,234,567.5 元"


def test_cited_span_and_page_split() -> None:
    text = "第一行\n2019年公务用车运行维护费54.39万元，主要用于……\n第三行"
    cite = Citation(doc="d", page=1, quote="2019年公务用车运行维护费54.39万元", value="54.39万元")
    quote, number = cited_span(text, cite)
    assert quote is not None and number is not None
    assert text[number[0] : number[1]] == "54.39万元"
    start, end = split_page(text, [quote, number])
    assert text[start:end] == "2019年公务用车运行维护费54.39万元，主要用于……"


def test_finding_label_and_evidence() -> None:
    finding = Finding(
        doc="x.pdf",
        rule="sum",
        kind="sum",
        severity="warning",
        message="合计不等于各项之和",
        evidence=[
            Evidence(page=5, quote="合计 10", table="t5", row=3, col=2, value="10"),
            Evidence(page=4, quote="小计 3"),
        ],
    )
    assert finding_label(finding) == "⚠ warning sum: 合计不等于各项之和 (p.4, 5)"
    doc = Document(id="x", path="x.pdf", name="x.pdf", pages=[])
    assert [(c.doc, c.page, c.quote, c.table, c.row, c.value) for c in finding_citations(doc, finding)] == [
        ("x.pdf", 5, "合计 10", "t5", 3, "10"),
        ("x.pdf", 4, "小计 3", None, None, None),
    ]
