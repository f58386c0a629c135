"""dqa's terminal UI: ask the reports, read the cited page or table, audit a report.

Run `python tui.py [CORPUS]` or `dqa tui [CORPUS]`; the bundled `samples/` opens by default.
Data flows down as attributes and method calls and up as messages; retrieval and indexing
run in thread workers and post their results back as messages (one `Worker.StateChanged`
handler turns failures into something the user can read).
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterable, Sequence
from contextlib import redirect_stderr
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from corpus.model import Document, Page, Table
from qa.batch import CSV_COLUMNS, SYMBOL, csv_row, markdown, table_value
from qa.library import Library
from qa.question import Question
from qa.record import Citation, Record

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / "samples"
QUOTE_WIDTH = 60
SEVERITY_SYMBOL = {"error": "✗", "warning": "⚠", "info": "•"}

# ---------------------------------------------------------------------------------------------- messages


class Answered(Message):
    """A question's record is ready (posted by the ask worker)."""

    def __init__(self, exchange: Exchange, record: Record, question: Question) -> None:
        super().__init__()
        self.exchange = exchange
        self.record = record
        self.question = question


class CitationChosen(Message):
    """Open a citation in the source browser; `related` are the statements listed beside it."""

    def __init__(self, citation: Citation, related: Sequence[tuple[str, Citation]] = ()) -> None:
        super().__init__()
        self.citation = citation
        self.related = related


class StatusNote(Message):
    """A line for the status bar (e.g. why a comparison row has nothing to open)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ScopeChosen(Message):
    """Ask within one report (`doc_id`) or across all (None)."""

    def __init__(self, doc_id: str | None) -> None:
        super().__init__()
        self.doc_id = doc_id


class IndexProgress(Message):
    """One more new or changed file parsed and indexed."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class LibraryReady(Message):
    def __init__(self, library: Library, label: str) -> None:
        super().__init__()
        self.library = library
        self.label = label


class AuditDone(Message):
    def __init__(self, doc_id: str, findings: list[Any] | None) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.findings = findings  # None: the audit module is not available


# ---------------------------------------------------------------------------------------------- helpers


def badge(record: Record) -> str:
    """The answer's one-glance state, as a symbol plus a word (never colour alone)."""
    if record.status == "error":
        return "✗ error"
    if record.status == "not_found":
        return "? not found"
    states = {c.status for c in record.checks} | {row.get("check") for row in record.table if row.get("check")}
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


CHECK_WORD = {"agree": "consistent", "holds": "holds", "conflict": "conflict", "broken": "broken",
              "unverified": "unverified"}


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


def table_cells(row: dict) -> tuple[str, ...]:
    """One comparison row as shown in the chat: [n], report, value as printed, yuan, kind, check."""
    stated = row.get("status") == "stated"
    return (f"[{row['n']}]" if stated and row.get("n") else "",
            str(row.get("label") or ""),
            table_value(row),
            yuan_text(row.get("yuan")) if stated else "",
            str(row.get("kind") or ""),
            check_badge(row.get("check")) if stated else "—")


def table_citation(row: dict) -> Citation | None:
    cite = row.get("citation")
    if row.get("status") != "stated" or not cite:
        return None
    return cite if isinstance(cite, Citation) else Citation.model_validate(cite)


def table_csv_rows(record: Record) -> list[list[Any]]:
    """A comparison's rows in the batch CSV columns, one line each, id '<answer id>.<row>'; a row that
    is not stated has an empty value (never 0) and status not_found."""
    out = []
    for k, row in enumerate(record.table, start=1):
        cite = table_citation(row)
        stated = row.get("status") == "stated"
        out.append([
            f"{record.id}.{k}", record.question, "answered" if stated else "not_found",
            f"{row.get('label') or ''}: {table_value(row)}" + (f" ({row['kind']})" if row.get("kind") else ""),
            row.get("value") or "" if stated else "", row.get("unit") or "" if stated else "",
            row.get("yuan") or "" if stated else "",
            cite.doc if cite else row.get("doc") or "", cite.page if cite else "", cite.quote if cite else "",
            (cite.table or "") if cite else "", "" if not cite or cite.row is None else cite.row,
            "" if not cite or cite.col is None else cite.col,
            f"{row['check']}" if stated and row.get("check") else "", "", "",
        ])
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


@dataclass
class Evidence:
    """An audit finding's evidence, normalised from dict or object."""

    page: int
    quote: str


def finding_evidence(finding: Any) -> list[Evidence]:
    out = []
    for item in getattr(finding, "evidence", None) or []:
        get = item.get if isinstance(item, dict) else lambda k, item=item: getattr(item, k, None)
        if get("page") is not None:
            out.append(Evidence(int(get("page")), str(get("quote") or "")))
    return out


# ---------------------------------------------------------------------------------------------- chat


class HistoryInput(Input):
    """The question box: ↑/↓ walk through earlier questions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "older", "Earlier question", show=False),
        Binding("down", "newer", "Later question", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._cursor = 0

    def remember(self, text: str) -> None:
        if not self.history or self.history[-1] != text:
            self.history.append(text)
        self._cursor = len(self.history)

    def action_older(self) -> None:
        if self._cursor > 0:
            self._cursor -= 1
            self.value = self.history[self._cursor]
            self.cursor_position = len(self.value)

    def action_newer(self) -> None:
        if self._cursor < len(self.history):
            self._cursor += 1
            self.value = self.history[self._cursor] if self._cursor < len(self.history) else ""
            self.cursor_position = len(self.value)


class CitationLink(Static, can_focus=True):
    """One numbered citation; Enter or a click opens it in the source browser."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Open source")]

    def __init__(self, label: str, citation: Citation, related: Sequence[tuple[str, Citation]] = (),
                 **kwargs: Any) -> None:
        super().__init__(label, markup=False, **kwargs)
        self.citation = citation
        self.related = related

    def action_open(self) -> None:
        self.post_message(CitationChosen(self.citation, self.related))

    def on_click(self) -> None:
        self.action_open()


class CompareTable(DataTable):
    """A comparison answer's rows; Enter or a click opens the row's cited cell or page."""

    def __init__(self, rows: Sequence[dict], related: Sequence[tuple[str, Citation]] = (), **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_data = list(rows)
        self.related = related

    def on_mount(self) -> None:
        self.add_columns("#", "report", "value", "yuan", "kind", "check")
        for k, row in enumerate(self.rows_data):
            cells = table_cells(row)
            stated = row.get("status") == "stated"
            self.add_row(*[Text(c, style="" if stated else "italic") for c in cells], key=str(k))

    def on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row")
        if isinstance(row, int) and 0 <= row != self.cursor_row:  # DataTable only selects on a second click
            self.call_later(self.action_select_cursor)

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows_data[event.cursor_row]
        cite = table_citation(row)
        if cite is None:
            kind = f" ({row['kind']})" if row.get("kind") else ""
            self.post_message(StatusNote(f"{row.get('label')}{kind}: not stated in {row.get('doc') or 'any report'}"
                                         " — no citation to open"))
            return
        self.post_message(CitationChosen(cite, self.related))


class Exchange(Vertical):
    """One question and its answer: value, badge, numbered citations, checks, alternatives."""

    def __init__(self, number: int, question: str, scope: str) -> None:
        super().__init__(classes="exchange")
        self.number = number
        self.question = question
        self.scope = scope
        self.record: Record | None = None
        self.answer = Static("", classes="answer pending")

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble((f"Q{self.number} ", "bold"), self.question, (f"  ({self.scope})", "dim")),
                     classes="question")
        yield self.answer

    def show_waiting(self) -> None:
        self.answer.update("… waiting for the corpus to open")

    def show_working(self) -> None:
        self.answer.update("… answering (Esc cancels)")

    def show_record(self, record: Record) -> None:
        self.record = record
        answer = self.answer
        answer.remove_class("pending")
        answer.set_class(record.status != "answered", "missing")
        if record.status == "error":
            answer.update(Text(f"✗ error: {record.error}"))
            return
        answer.update(Text.assemble((f" {badge(record)} ", "bold reverse"), " ",
                                    record.answer.text if record.answer else ""))
        self.mount_all(list(self._details(record)))

    def _details(self, record: Record) -> Iterable[Widget]:
        related = record_citations(record)
        if record.table:
            yield CompareTable(record.table, related, classes="compare")
        for n, cite in enumerate(record.citations, start=1):
            yield CitationLink(citation_label(n, cite), cite, related, classes="cite")
        for check in record.checks:
            yield Static(Text(f"{SYMBOL[check.status]} {check.status} ({check.kind}): {check.detail}"),
                         classes=f"check {check.status}")
            for m, cite in enumerate(check.citations, start=1):
                yield CitationLink("  ↳ " + citation_label(f"{check.kind} {m}", cite), cite, related,
                                   classes="cite related")
        for alt in record.alternatives:
            cite = alt.citations[0] if alt.citations else None
            if cite:
                where = f"p.{cite.page}" if record.citations and cite.doc == record.citations[0].doc else \
                    f"{cite.doc} p.{cite.page}"
                yield CitationLink(f"alternative: {alt.text} ({where})", cite, related, classes="cite alt")
            else:
                yield Static(Text(f"alternative: {alt.text}"), classes="alt")

    def show_cancelled(self, why: str = "cancelled") -> None:
        if self.record is None:
            answer = self.answer
            answer.remove_class("pending")
            answer.add_class("missing")
            answer.update(f"✗ {why}")


class ChatPane(Vertical):
    """The transcript, the scope line and the question box."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="transcript"):
            yield Static("Ask about the reports in Chinese or English, e.g. “how much was spent on official "
                         "vehicles” or “公务接待费预算数”. Follow-ups like “and in 2018?” reuse the last question.",
                         id="welcome")
        yield Label("Asking: all reports", id="scope")
        yield HistoryInput(placeholder="Ask a question (↑ earlier questions, Esc cancels)", id="question")

    def add_exchange(self, exchange: Exchange) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.mount(exchange)
        transcript.scroll_end(animate=False)


# ---------------------------------------------------------------------------------------------- source browser


class SourcePane(Vertical):
    """The cited page (quote and number highlighted) or table (cursor on the cited cell)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.highlighted = ""  # the cited number as it is printed on the page (for tests and screen readers)
        self.cited_text: Text | None = None
        self.table: Table | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="source-title")
        with VerticalScroll(id="page-view"):
            yield Static("", id="page-before")
            yield Static("", id="page-cited")
            yield Static("", id="page-after")
        with Vertical(id="table-view"):
            yield Static("", id="cell-caption")
            yield DataTable(id="source-table", cursor_type="cell", zebra_stripes=True, show_header=False)
        yield Label("Other statements", id="related-title")
        yield VerticalScroll(id="related")

    def show_page(self, doc: Document, page: Page, cite: Citation) -> None:
        self.table = None
        self.set_class(False, "table-mode")
        self.query_one("#source-title", Static).update(
            Text.assemble((f"{doc.name} · page {page.number}", "bold"), (f"\n{doc_line(doc)}", "dim")))
        text = page.text
        quote, number = cited_span(text, cite)
        start, end = split_page(text, [quote, number])
        cited = Text(text[start:end])
        if quote:
            cited.stylize("underline", quote[0] - start, quote[1] - start)
        if number:
            cited.stylize("bold reverse", number[0] - start, number[1] - start)
        self.highlighted = text[number[0]:number[1]] if number else ""
        self.cited_text = cited
        self.query_one("#page-before", Static).update(Text(text[:start]))
        cited_widget = self.query_one("#page-cited", Static)
        cited_widget.update(cited)
        cited_widget.set_class(end > start, "cited")
        self.query_one("#page-after", Static).update(Text(text[end:]))
        view = self.query_one("#page-view", VerticalScroll)
        view.scroll_home(animate=False)
        if end > start:  # twice: the first layout after showing the pane may still have the old width
            self.call_after_refresh(self._scroll_to_cited, again=True)

    def _scroll_to_cited(self, again: bool = False) -> None:
        cited = self.query_one("#page-cited", Static)
        self.query_one("#page-view", VerticalScroll).scroll_to(y=max(0, cited.virtual_region.y - 2), animate=False,
                                                               immediate=True)
        if again:
            self.call_after_refresh(self._scroll_to_cited)

    def show_table(self, doc: Document, table: Table, cite: Citation) -> None:
        self.table = table
        self.cited_text = None
        self.set_class(True, "table-mode")
        unit = f" · unit: {table.unit}" if table.unit else ""
        pages = ", ".join(map(str, table.pages))
        self.query_one("#source-title", Static).update(
            Text.assemble((table.title or table.id, "bold"), (f"{unit}\n{doc.name} · page(s) {pages}", "dim")))
        grid = self._fill(table)
        rows = [r[0].row if r else -1 for r in table.header_rows + table.body_rows]
        row = rows.index(cite.row) if cite.row in rows else 0
        col = cite.col if cite.col is not None and cite.col < table.n_cols else 0
        self.highlighted = grid[row][col] if grid else ""
        self.query_one("#source-table", DataTable).move_cursor(row=row, column=col, animate=False)

    def _fill(self, table: Table) -> list[list[str]]:
        data = self.query_one("#source-table", DataTable)
        data.clear(columns=True)
        grid = table.grid()
        data.add_columns(*[str(c + 1) for c in range(table.n_cols)])
        header_count = len(table.header_rows)
        for i, line in enumerate(grid):
            style = "bold" if i < header_count else ""
            data.add_row(*[Text(cell, style=style) for cell in line])
        data.fixed_rows = header_count
        data.fixed_columns = 1 if table.n_cols > 2 else 0
        return grid

    def show_related(self, current: Citation, related: Sequence[tuple[str, Citation]]) -> None:
        box = self.query_one("#related", VerticalScroll)
        box.remove_children()
        links = []
        seen = {current.model_dump_json()}
        for label, cite in related:
            key = cite.model_dump_json()
            if key not in seen:
                seen.add(key)
                links.append(CitationLink(citation_label(label, cite), cite, related, classes="cite"))
        if not links:
            links.append(Static("(none)", classes="dim"))
        box.mount_all(links)

    @on(DataTable.CellHighlighted, "#source-table")
    def _caption(self, event: DataTable.CellHighlighted) -> None:
        if self.table is None:
            return
        row, col = event.coordinate
        grid = self.table.grid()
        label = next((c for c in grid[row] if c), "") if row < len(grid) else ""
        path = " / ".join(self.table.header_path(col)) or f"column {col + 1}"
        value = grid[row][col] if row < len(grid) and col < len(grid[row]) else ""
        self.query_one("#cell-caption", Static).update(
            Text.assemble(f"{shorten(label, 24)} · {shorten(path, 40)}: ", (value or "(blank)", "bold")))


# ---------------------------------------------------------------------------------------------- reports, audit


class ReportList(Vertical):
    """The corpus's reports; type to filter; Enter asks within that report, `o` opens it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("o", "open_report", "Open report")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.documents: dict[str, Document] = {}

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter reports (department, year, kind, name)", id="doc-filter")
        yield OptionList(id="docs")

    def set_documents(self, documents: dict[str, Document]) -> None:
        self.documents = documents
        self._refill(self.query_one("#doc-filter", Input).value)

    def _refill(self, query: str) -> None:
        words = query.lower().split()
        options = [Option(Text("★ All reports", style="bold"), id="*")]
        for doc_id, doc in sorted(self.documents.items(), key=lambda kv: (kv[1].department, kv[1].year or 0)):
            hay = f"{doc.name} {doc.title} {doc_line(doc)}".lower()
            if all(w in hay for w in words):
                options.append(Option(Text.assemble(doc_line(doc), (f"\n  {doc.name}", "dim")), id=doc_id))
        self.query_one("#docs", OptionList).set_options(options).highlighted = 0

    @on(Input.Changed, "#doc-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._refill(event.value)

    @on(Input.Submitted, "#doc-filter")
    def _to_list(self) -> None:
        docs = self.query_one("#docs", OptionList)
        docs.highlighted = 1 if docs.option_count > 1 else 0  # the first matching report
        docs.focus()

    @on(OptionList.OptionSelected, "#docs")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(ScopeChosen(None if event.option_id == "*" else event.option_id))

    def action_open_report(self) -> None:
        docs = self.query_one("#docs", OptionList)
        option = docs.highlighted_option
        if option and option.id in self.documents:
            doc = self.documents[option.id]
            self.post_message(CitationChosen(Citation(doc=doc.name, page=doc.pages[0].number, quote="")))


class AuditPane(Vertical):
    """Findings of the audit of one report; each opens its evidence page."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._findings: tuple[Document | None, list[Any]] = (None, [])

    def compose(self) -> ComposeResult:
        yield Static("Choose a report in Reports, then run the audit (ctrl+p → Run audit, or the button).",
                     id="audit-status")
        yield Button("Run audit", id="run-audit")
        yield OptionList(id="findings")

    def show_status(self, text: str) -> None:
        self.query_one("#audit-status", Static).update(text)

    def show_findings(self, doc: Document, findings: list[Any]) -> None:
        self.show_status(f"{doc.name}: {len(findings)} finding(s)" + ("" if findings else " — nothing to report"))
        options = []
        for i, finding in enumerate(findings):
            severity = str(getattr(finding, "severity", "") or "")
            symbol = SEVERITY_SYMBOL.get(severity, "•")
            pages = sorted({e.page for e in finding_evidence(finding)})
            where = f" (p.{', '.join(map(str, pages))})" if pages else ""
            options.append(Option(Text(f"{symbol} {severity} {getattr(finding, 'kind', '')}: "
                                       f"{getattr(finding, 'message', '')}{where}"), id=str(i)))
        findings_list = self.query_one("#findings", OptionList)
        findings_list.set_options(options)
        self._findings = (doc, findings)

    @on(OptionList.OptionSelected, "#findings")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        doc, findings = self._findings
        if doc is None:
            return
        cites = [Citation(doc=doc.name, page=e.page, quote=e.quote)
                 for e in finding_evidence(findings[int(event.option_id or 0)])]
        if cites:
            self.post_message(CitationChosen(cites[0], [(f"evidence {n}", c) for n, c in enumerate(cites, 1)]))


# ---------------------------------------------------------------------------------------------- modal


class PathPrompt(ModalScreen[str | None]):
    """Ask for a path (export target, new corpus); Enter confirms, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, value: str) -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(self.title_text)
            yield Input(self.value, id="path")
            yield Label("Enter to confirm · Esc to cancel", classes="dim")

    @on(Input.Submitted, "#path")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


KEYS = [
    ("Enter", "ask the question typed (in the question box)"),
    ("↑ / ↓", "earlier / later questions (in the question box)"),
    ("Tab / Shift+Tab", "move between the question box, citations and panes"),
    ("Enter or click", "open the focused citation, statement, comparison row or finding beside the chat"),
    ("Esc", "cancel the question being answered; else close the source"),
    ("F2 / F3 / F4", "Chat / Reports / Audit"),
    ("type, then Enter", "filter the reports (Reports); Enter again asks within that report"),
    ("o", "open the highlighted report's first page (Reports)"),
    ("Ctrl+P", "commands: export Markdown or CSV, open document, run audit, change corpus"),
    ("Ctrl+S", "export the conversation as Markdown"),
    ("F1", "this list"),
    ("Ctrl+Q", "quit"),
]


class KeysScreen(ModalScreen[None]):
    """The keys, in one list (F1)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss(None)", "Close")]

    def compose(self) -> ComposeResult:
        from rich.table import Table as RichTable

        table = RichTable(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for key, does in KEYS:
            table.add_row(key, does)
        with VerticalScroll(id="keys-box"):
            yield Label("Keys — Esc or F1 closes", classes="dim")
            yield Static(table, id="keys")


# ---------------------------------------------------------------------------------------------- app


class DqaApp(App[None]):
    """Ask the reports; browse citations; audit a report."""

    TITLE = "dqa"
    CSS_PATH = "tui.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "keys", "Keys"),
        Binding("escape", "escape", "Cancel/close"),
        Binding("f2", "tab('chat')", "Chat"),
        Binding("f3", "tab('reports')", "Reports"),
        Binding("f4", "tab('audit')", "Audit"),
        Binding("ctrl+s", "export_markdown", "Export .md", show=False),
    ]

    def __init__(self, corpus: str | Sequence[str] | None = None, index_dir: str | None = None,
                 library: Library | None = None, export_dir: str | Path | None = None) -> None:
        super().__init__()
        if isinstance(corpus, str | Path):
            corpus = [str(corpus)]
        self.corpus = [str(p) for p in corpus] if corpus else [str(DEFAULT_CORPUS)]
        self.index_dir = index_dir
        self.library = library
        self.export_dir = Path(export_dir) if export_dir else Path.cwd()
        self.scope: str | None = None
        self.previous: Question | None = None
        self.records: list[Record] = []
        self.waiting: list[Exchange] = []  # questions typed before the corpus finished opening
        self._asked = 0
        self._asks: dict[Worker[Any], Exchange] = {}
        self._opener: Widget | None = None  # focused when the source browser opened; refocused on close
        self._status_note = ""  # the status a StatusNote replaced

    # -- layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with TabbedContent(id="left", initial="chat"):
                with TabPane("Chat", id="chat"):
                    yield ChatPane(id="chat-pane")
                with TabPane("Reports", id="reports"):
                    yield ReportList(id="report-list")
                with TabPane("Audit", id="audit"):
                    yield AuditPane(id="audit-pane")
            yield SourcePane(id="source")
        with Horizontal(id="statusbar"):
            yield Label("", id="status")
            yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#question", HistoryInput).focus()
        if self.library is not None:
            self._library_ready(self.library, self._corpus_label())
        else:
            self.open_corpus(self.corpus)

    def _corpus_label(self) -> str:
        return ", ".join(Path(p).name for p in self.corpus)

    def set_status(self, text: str, note: bool = False) -> None:
        """`note`: a passing remark, replaced by the previous status when the next citation opens."""
        label = self.query_one("#status", Label)
        if note and not self._status_note:
            self._status_note = str(label.content)
        elif not note:
            self._status_note = ""
        label.update(text)

    def _clear_note(self) -> None:
        if self._status_note:
            self.set_status(self._status_note)

    # -- corpus

    def open_corpus(self, paths: list[str]) -> None:
        self.corpus = paths
        self.library = None
        self.set_status(f"Opening {self._corpus_label()}…")
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("-active")
        self._load_corpus(paths, self.index_dir)

    @work(thread=True, exclusive=True, exit_on_error=False, group="corpus")
    def _load_corpus(self, paths: list[str], index_dir: str | None) -> None:
        worker = get_current_worker()
        # index/ parses in spawned processes, which need a real stderr fd; Textual's capture has none.
        with open(os.devnull, "w") as devnull, redirect_stderr(devnull):
            library = Library.open(
                paths, index_dir, progress=False,
                on_progress=lambda done, total: self.post_message(IndexProgress(done, total)),
            )
        if not worker.is_cancelled:
            self.post_message(LibraryReady(library, ", ".join(Path(p).name for p in paths)))

    def on_index_progress(self, message: IndexProgress) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)
        self.set_status(f"Indexing: {message.done} of {message.total} new or changed file(s)…")

    def on_library_ready(self, message: LibraryReady) -> None:
        self._library_ready(message.library, message.label)

    def _library_ready(self, library: Library, label: str) -> None:
        self.library = library
        self.scope = None
        self.previous = None
        self.query_one("#progress", ProgressBar).remove_class("-active")
        self.sub_title = label
        self.query_one("#report-list", ReportList).set_documents(library.documents)
        self._show_scope()
        self.set_status(f"{len(library.documents)} report(s) · {label}")
        waiting, self.waiting = self.waiting, []
        for exchange in waiting:
            self.ask(exchange)

    # -- asking

    @on(Input.Submitted, "#question")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        box = self.query_one("#question", HistoryInput)
        box.remember(text)
        box.value = ""
        exchange = Exchange(self._asked + 1, text, self._scope_name())
        self._asked += 1
        self.query_one("#chat-pane", ChatPane).add_exchange(exchange)
        if self.library is None:
            exchange.show_waiting()
            self.waiting.append(exchange)
            return
        self.ask(exchange)

    def ask(self, exchange: Exchange) -> None:
        assert self.library is not None
        text = exchange.question
        exchange.show_working()
        doc = self.library.documents[self.scope].name if self.scope else None
        worker = self._answer(self.library, text, doc, self.previous, exchange)
        self._asks[worker] = exchange

    @work(thread=True, exclusive=True, exit_on_error=False, group="ask")
    def _answer(self, library: Library, text: str, doc: str | None, previous: Question | None,
                exchange: Exchange) -> None:
        from qa.answer import answer

        record, question = answer(library, text, str(exchange.number), doc, previous)
        if not get_current_worker().is_cancelled:
            self.post_message(Answered(exchange, record, question))

    def on_answered(self, message: Answered) -> None:
        self._asks = {w: e for w, e in self._asks.items() if e is not message.exchange}
        self.records.append(message.record)
        self.previous = message.question
        message.exchange.show_record(message.record)
        transcript = self.query_one("#transcript", VerticalScroll)  # the answer's first line stays in view
        self.call_after_refresh(transcript.scroll_to_widget, message.exchange, animate=False, top=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures and cancellations reach the user."""
        worker, state = event.worker, event.state
        if state not in (WorkerState.ERROR, WorkerState.CANCELLED):
            return
        error = f"{worker.error.__class__.__name__}: {worker.error}" if state == WorkerState.ERROR else ""
        if worker.group == "ask" and worker in self._asks:
            self._asks.pop(worker).show_cancelled(f"error: {error}" if error else "cancelled")
        elif worker.group == "corpus" and error:
            self.query_one("#progress", ProgressBar).remove_class("-active")
            self.set_status(f"Could not open {self._corpus_label()}: {error}")
            self.notify(error, title="Could not open the corpus", severity="error")
        elif worker.group == "audit" and error:
            self.query_one("#audit-pane", AuditPane).show_status(f"✗ audit failed: {error}")

    def action_escape(self) -> None:
        if self._asks or self.waiting:
            for worker in list(self._asks):
                worker.cancel()
            for exchange in self.waiting:
                exchange.show_cancelled()
            self.waiting = []
            return
        if self.query_one("#main").has_class("source-open"):
            self.query_one("#main").remove_class("source-open")
            opener, self._opener = self._opener, None
            (opener if opener is not None and opener.is_attached else self.query_one("#question")).focus()

    # -- scope

    def _scope_name(self) -> str:
        if self.library is None or self.scope is None:
            return "all reports"
        doc = self.library.documents[self.scope]
        return f"{doc.department or doc.name} {doc.year or ''} {doc.kind}".strip()

    def _show_scope(self) -> None:
        self.query_one("#scope", Label).update(f"Asking: {self._scope_name()}")

    def on_scope_chosen(self, message: ScopeChosen) -> None:
        self.scope = message.doc_id
        self.previous = None
        self._show_scope()
        self.action_tab("chat")

    # -- citations

    def on_status_note(self, message: StatusNote) -> None:
        self.set_status(message.text, note=True)

    def on_citation_chosen(self, message: CitationChosen) -> None:
        self.open_citation(message.citation, message.related)

    def open_citation(self, cite: Citation, related: Sequence[tuple[str, Citation]] = ()) -> None:
        doc = self._document(cite.doc)
        if doc is None:
            self.notify(f"{cite.doc} is not in the open corpus", severity="warning")
            return
        pane = self.query_one("#source", SourcePane)
        table = find_table(doc, cite.table) if cite.table else None
        page = find_page(doc, cite.page)
        if table is not None:
            pane.show_table(doc, table, cite)
        elif page is not None:
            pane.show_page(doc, page, cite)
        else:
            self.notify(f"page {cite.page} is not in {doc.name}", severity="warning")
            return
        pane.show_related(cite, related)
        self._clear_note()
        main = self.query_one("#main")
        if not main.has_class("source-open"):
            self._opener = self.focused
        main.add_class("source-open")
        if self.screen.has_class("-narrow"):  # the source covers the chat: read it with the keys
            pane.query_one("#source-table" if table is not None else "#page-view").focus()

    def _document(self, name_or_id: str) -> Document | None:
        if self.library is None:
            return None
        if name_or_id in self.library.documents:
            return self.library.documents[name_or_id]
        ids = self.library.find(name_or_id)
        return self.library.documents[ids[0]] if ids else None

    # -- audit

    @on(Button.Pressed, "#run-audit")
    def action_run_audit(self) -> None:
        pane = self.query_one("#audit-pane", AuditPane)
        self.action_tab("audit")
        if self.library is None or self.scope is None:
            pane.show_status("Choose one report in Reports (F3) first; the audit runs on one report.")
            return
        pane.show_status(f"Auditing {self.library.documents[self.scope].name}…")
        self._audit(self.library, self.scope)

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def _audit(self, library: Library, doc_id: str) -> None:
        try:
            from audit import audit_document
        except ImportError:
            self.post_message(AuditDone(doc_id, None))
            return
        findings = audit_document(library.documents[doc_id], library.facts.get(doc_id, []))
        self.post_message(AuditDone(doc_id, list(findings)))

    def on_audit_done(self, message: AuditDone) -> None:
        pane = self.query_one("#audit-pane", AuditPane)
        if message.findings is None:
            pane.show_status("audit not available (the audit package is not installed in this build)")
        elif self.library is not None:
            pane.show_findings(self.library.documents[message.doc_id], message.findings)

    # -- commands

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Export conversation as Markdown", "Write questions, answers and citations to a .md file",
                            self.action_export_markdown)
        yield SystemCommand("Export answers as CSV", "One row per answer and comparison row (batch CSV columns)",
                            self.action_export_csv)
        yield SystemCommand("Open document", "Choose a report in the Reports list", self.action_open_document)
        yield SystemCommand("Run audit", "Audit the selected report", self.action_run_audit)
        yield SystemCommand("Change corpus", "Open another file or folder of reports", self.action_change_corpus)
        for doc in (self.library.documents.values() if self.library else []):
            yield SystemCommand(f"Open report: {doc.name}", doc_line(doc),
                                lambda doc=doc: self.open_citation(Citation(doc=doc.name, page=doc.pages[0].number,
                                                                            quote="")))

    def action_keys(self) -> None:
        self.push_screen(KeysScreen())

    def action_tab(self, name: str) -> None:
        self.query_one("#left", TabbedContent).active = name
        target = {"chat": "#question", "reports": "#doc-filter", "audit": "#run-audit"}[name]
        self.query_one(target).focus()

    def action_open_document(self) -> None:
        self.action_tab("reports")

    def action_change_corpus(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                if not Path(path).expanduser().exists():
                    self.notify(f"{path} does not exist", severity="error")
                    return
                self.open_corpus([str(Path(path).expanduser())])

        self.push_screen(PathPrompt("Open corpus (file or folder):", self.corpus[0]), chosen)

    def action_export_markdown(self) -> None:
        self._export("dqa-conversation.md", self.write_markdown)

    def action_export_csv(self) -> None:
        self._export("dqa-answers.csv", self.write_csv)

    def _export(self, name: str, write: Any) -> None:
        def chosen(path: str | None) -> None:
            if path:
                try:
                    write(Path(path).expanduser())
                except OSError as exc:
                    self.notify(str(exc), title="Export failed", severity="error")
                else:
                    self.notify(f"Wrote {len(self.records)} answer(s) to {path}", title="Exported")

        self.push_screen(PathPrompt("Export to:", str(self.export_dir / name)), chosen)

    def write_markdown(self, path: Path) -> None:
        head = f"# dqa conversation — {self._corpus_label()}\n\n"
        path.write_text(head + "\n".join(markdown(r) for r in self.records), encoding="utf-8")

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            for record in self.records:
                writer.writerow(csv_row(record))
                writer.writerows(table_csv_rows(record))


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    index_dir = None
    if "--index" in args:
        at = args.index("--index")
        index_dir = args[at + 1]
        del args[at:at + 2]
    DqaApp(args or None, index_dir).run()


if __name__ == "__main__":
    main()
