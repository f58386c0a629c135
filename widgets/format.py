"""Pure text helpers of the TUI: badges, citation labels, comparison cells, page spans, audit evidence.

No Textual import here: everything is plain strings and tuples, importable and testable without a terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from audit import Finding
from corpus.model import Document, Page, Table
from corpus.numbers import MONEY_UNITS
from qa.batch import SYMBOL
from qa.record import Citation, ComparisonRow, Record

QUOTE_WIDTH = 60
SEVERITY_SYMBOL = {"error": "✗", "warning": "⚠", "info": "•"}
CHECK_WORD = {
    "agree": "consistent",
    "holds": "holds",
    "conflict": "conflict",
    "broken": "broken",
    "unverified": "unverified",
}


def badge(record: Record) -> str:
    """The answer's one-glance state, as a symbol plus a word (never colour alone)."""
    if record.status == "error":
        return "✗ error"
    if record.status == "not_found":
        return "? not found"
    states = {c.status for c in record.checks} | {row.check for row in record.table if row.check}
    if states & {"conflict", "broken"}:
        return "⚠ conflict"
    if states & {"agree", "holds"}:
        return "✓ consistent"
    return "? unverified" if states else "✓ answered"


def shorten(text: str, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def citation_label(n: int | str, cite: Citation) -> str:
    where = f"p.{cite.page}"
    if cite.table:
        where += f" table {cite.table} r{cite.row} c{cite.col}"
    if cite.value:
        where += f" · {cite.value}"
    quote = shorten(cite.quote) if cite.quote else ""
    return f"[{n}] {cite.doc} {where}" + (f" “{quote}”" if quote else "")


def record_citations(record: Record) -> list[tuple[str, Citation]]:
    """Every statement a record cites, labelled as in the chat: answer, checks, alternatives."""
    cites = [(str(n), c) for n, c in enumerate(record.citations, 1)]
    cites += [(f"{k.kind} {m}", c) for k in record.checks for m, c in enumerate(k.citations, 1)]
    cites += [("alt", c) for a in record.alternatives for c in a.citations[:1]]
    return cites


def check_badge(check: str | None) -> str:
    """A comparison row's cross-check as symbol plus word; '—' when the row states nothing to check."""
    if not check:
        return "—"
    return f"{SYMBOL.get(check, '•')} {CHECK_WORD.get(check, check)}"


def yuan_text(yuan: Any) -> str:
    """An amount in yuan with thousands separators ('8,300 元'); blank when unknown (never 0)."""
    if yuan in (None, ""):
        return ""
    try:
        return f"{Decimal(str(yuan)):,} 元"
    except (InvalidOperation, ValueError):
        return f"{yuan} 元"


def table_cells(row: ComparisonRow) -> tuple[str, ...]:
    """One comparison row as shown in the chat: [n], report, value as printed, yuan, kind, check."""
    stated = row.status == "stated"
    return (
        f"[{row.n}]" if stated and row.n else "",
        row.label,
        row.shown(),
        yuan_text(row.yuan) if stated else "",
        row.kind or "",
        check_badge(row.check) if stated else "—",
    )


def table_csv_rows(record: Record) -> list[list[Any]]:
    """A comparison's rows in the batch CSV columns, one line each, id '<answer id>.<row>'; a row that
    is not stated has an empty value (never 0) and status not_found."""
    out = []
    for k, row in enumerate(record.table, start=1):
        cite = row.citation if row.status == "stated" else None
        stated = row.status == "stated"
        out.append(
            [
                f"{record.id}.{k}",
                record.question,
                "answered" if stated else "not_found",
                f"{row.label}: {row.shown()}" + (f" ({row.kind})" if row.kind else ""),
                row.value or "" if stated else "",
                row.unit or "" if stated else "",
                row.yuan or "" if stated else "",
                cite.doc if cite else row.doc,
                cite.page if cite else "",
                cite.quote if cite else "",
                (cite.table or "") if cite else "",
                "" if not cite or cite.row is None else cite.row,
                "" if not cite or cite.col is None else cite.col,
                row.check or "" if stated else "",
                "",
                "",
            ]
        )
    return out


def doc_line(doc: Document) -> str:
    who = doc.department or doc.title or doc.name
    return f"{who} · {doc.year or '—'} · {doc.kind} · {len(doc.pages)} p"


def find_page(doc: Document, number: int) -> Page | None:
    return next((p for p in doc.pages if p.number == number), None)


def find_table(doc: Document, table_id: str) -> Table | None:
    return next((t for t in doc.tables if t.id == table_id), None)


def cited_span(page_text: str, cite: Citation) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(quote span, number span) in the page text; either may be None when not printed there."""
    number = None
    if cite.start is not None and cite.end is not None and 0 <= cite.start < cite.end <= len(page_text):
        number = (cite.start, cite.end)
    quote = None
    if cite.quote:
        anchor = number[0] if number else 0
        at = page_text.rfind(cite.quote, 0, anchor + len(cite.quote))
        if at < 0 or (number and at + len(cite.quote) < number[1]):
            at = page_text.find(cite.quote)
        if at >= 0:
            quote = (at, at + len(cite.quote))
    if number is None and quote and cite.value:
        at = page_text.find(cite.value, *quote)
        if at >= 0:
            number = (at, at + len(cite.value))
    return quote, number


def split_page(page_text: str, spans: Sequence[tuple[int, int] | None]) -> tuple[int, int]:
    """Line-aligned bounds around the cited spans (the part shown as the cited passage)."""
    found = [s for s in spans if s]
    if not found:
        return 0, 0
    lo, hi = min(s[0] for s in found), max(s[1] for s in found)
    start = page_text.rfind("\n", 0, lo) + 1
    end = page_text.find("\n", hi)
    return start, len(page_text) if end < 0 else end


def finding_label(finding: Finding) -> str:
    """One audit finding as listed: severity symbol and word, kind, message, the pages of its evidence."""
    pages = sorted({e.page for e in finding.evidence})
    where = f" (p.{', '.join(map(str, pages))})" if pages else ""
    symbol = SEVERITY_SYMBOL.get(finding.severity, "•")
    return f"{symbol} {finding.severity} {finding.kind}: {finding.message}{where}"


def finding_citations(doc: Document, finding: Finding) -> list[Citation]:
    """A finding's evidence as citations of `doc` (page, quote, and the cell or figure when known), in order."""
    return [
        Citation(doc=doc.name, page=e.page, quote=e.quote, table=e.table, row=e.row, col=e.col, value=e.value)
        for e in finding.evidence
    ]


def citation_line(doc: Document | None, cite: Citation, table: Table | None = None) -> str:
    """A citation as one line for a draft: body, report, page, table/row/column, quote, value (with the
    report's unit when the cell prints the bare number)."""
    parts = [(doc.department or doc.title) if doc is not None else ""]
    year = f" ({doc.year} {doc.kind})" if doc is not None and doc.year and doc.kind != "other" else ""
    parts += [cite.doc + year, f"p. {cite.page}"]
    if cite.table:
        where = f"table “{table.title}”" if table is not None and table.title else f"table {cite.table}"
        where += f" row {cite.row} column {cite.col}"
        path = table.header_path(cite.col) if table is not None and cite.col is not None else []
        parts.append(where + (f" ({' / '.join(path)})" if path else ""))
    if cite.quote:
        parts.append(f"“{' '.join(cite.quote.split())}”")
    value = cite.value or ""
    if value and value[-1].isdigit() and table is not None and table.unit:
        value += table.unit
    parts.append(value)
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Chart:
    """A comparison answer as a chart: a line over years (a trend) or bars (a ranking), in one unit."""

    kind: Literal["line", "bar"]
    labels: list[str]  # years, or the table's "[n]" numbers
    values: list[Decimal]
    unit: str  # the unit most rows print (the report's unit); other money rows are converted to it


def chart_data(record: Record) -> Chart | None:
    """The chart of a comparison answer, or None (fewer than two stated rows, or units that do not convert).
    One body over distinct years is a trend (a line, oldest first); anything else a ranking (bars, table order)."""
    stated = [r for r in record.table if r.status == "stated" and r.value]
    if len(stated) < 2:
        return None
    unit = Counter(r.unit or "" for r in stated).most_common(1)[0][0]
    values = []
    for row in stated:
        if (row.unit or "") == unit:
            values.append(Decimal(row.value or "0"))
        elif row.yuan and unit in MONEY_UNITS:
            values.append(Decimal(row.yuan) / MONEY_UNITS[unit])
        else:
            return None
    years = [r.year for r in stated]
    if None not in years and len(set(years)) == len(years) and len({r.body or r.doc for r in stated}) == 1:
        order = sorted(range(len(stated)), key=lambda i: years[i])  # type: ignore[arg-type, return-value]
        return Chart("line", [str(years[i]) for i in order], [values[i] for i in order], unit)
    labels = [f"[{r.n}]" if r.n else shorten(r.label, 8) for r in stated]
    return Chart("bar", labels, values, unit)


UNIT_WORDS = {"元": "yuan", "百元": "100 yuan", "千元": "1,000 yuan", "万元": "10,000 yuan", "亿元": "100 million yuan"}
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", "PingFang SC")


def chart_png(chart: Chart, path: Path, title: str = "") -> Path:
    """The chart as a PNG (matplotlib, no display needed). Chinese text is drawn only when a CJK font is
    installed; otherwise the unit is named in English and the title left out (never boxes instead of glyphs)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [name for name in CJK_FONTS if name in installed]
    unit = chart.unit if cjk or chart.unit.isascii() else UNIT_WORDS.get(chart.unit, "")
    style = {"font.sans-serif": [*cjk, "DejaVu Sans"], "axes.unicode_minus": False}
    with plt.rc_context(style):
        figure, axes = plt.subplots(figsize=(6, 3), dpi=100)
        values = [float(v) for v in chart.values]
        if chart.kind == "line":
            axes.plot(chart.labels, values, marker="o")
        else:
            axes.bar(chart.labels, values, width=0.6)
        axes.set_ylabel(unit)
        if title and (cjk or title.isascii()):
            axes.set_title(title)
        axes.set_ylim(bottom=min(0.0, *values))
        figure.tight_layout()
        figure.savefig(path, format="png")
        plt.close(figure)
    return path


def with_image(markdown: str, image: str) -> str:
    """Markdown with an image line right after its table, or at the end when there is none."""
    lines = markdown.rstrip("\n").split("\n")
    rows = [i for i, line in enumerate(lines) if line.startswith("|")]
    at = rows[-1] + 1 if rows else len(lines)
    return "\n".join([*lines[:at], "", image, *lines[at:]]) + "\n"
