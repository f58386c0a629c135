"""One question and its answer in the chat."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from qa.batch import SYMBOL
from qa.record import Record
from widgets.citation_link import CitationLink
from widgets.compare_table import CompareTable
from widgets.format import badge, chart_data, citation_label, record_citations
from widgets.trend_chart import TrendChart


class Exchange(Vertical):
    """One question and its answer: value, badge, numbered citations, checks, alternatives.

    The answer is one Tab stop: Tab lands on its current item (comparison table or citation), ↑/↓ move
    between its items. An answer with nothing to open is itself the stop."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "step(-1)", "Previous citation", show=False),
        Binding("down", "step(1)", "Next citation", show=False),
    ]

    def __init__(self, number: int, question: str, scope: str) -> None:
        super().__init__(classes="exchange")
        self.number = number
        self.question = question
        self.scope = scope
        self.record: Record | None = None
        self.answer = Static("", classes="answer pending")
        self.items: list[CitationLink | CompareTable] = []
        self.table: CompareTable | None = None  # a comparison answer's rows
        self.current = 0

    def tab_stop(self) -> Widget | None:
        return self.items[self.current] if self.items else None

    def allow_focus(self) -> bool:
        return self.record is not None and not self.items

    def focus_answer(self) -> None:
        """Focus the answer's current item (or the answer itself when it has none)."""
        target = self.tab_stop()
        (target or self).focus(scroll_visible=False)

    def action_step(self, delta: int) -> None:
        if not self.items:
            raise SkipAction()  # nothing to move between: the transcript scrolls
        self.current = max(0, min(len(self.items) - 1, self.current + delta))
        item = self.items[self.current]
        if isinstance(item, CompareTable):  # entering a table from below starts on its last row
            item.move_cursor(row=0 if delta > 0 else item.row_count - 1, animate=False)
        item.focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget in self.items:
            self.current = self.items.index(event.widget)  # type: ignore[arg-type]

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble((f"Q{self.number} ", "bold"), self.question, (f"  ({self.scope})", "dim")), classes="question"
        )
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
        answer.update(
            Text.assemble((f" {badge(record)} ", "bold reverse"), " ", record.answer.text if record.answer else "")
        )
        details = list(self._details(record))
        links = [w for w in details if isinstance(w, CitationLink)]
        self.items = [self.table, *links] if self.table is not None else links
        for item in self.items:
            item.rover = self
        self.mount_all(details)

    def _details(self, record: Record) -> Iterable[Widget]:
        related = record_citations(record)
        if record.table:
            table = self.table = CompareTable(record.table, related, classes="compare")
            chart = chart_data(record)
            yield Horizontal(table, TrendChart(chart, classes="chart"), classes="compare-box") if chart else table
        for n, cite in enumerate(record.citations, start=1):
            yield CitationLink(citation_label(n, cite), cite, related, classes="cite")
        for check in record.checks:
            yield Static(
                Text(f"{SYMBOL[check.status]} {check.status} ({check.kind}): {check.detail}"),
                classes=f"check {check.status}",
            )
            for m, cite in enumerate(check.citations, start=1):
                yield CitationLink(
                    "  ↳ " + citation_label(f"{check.kind} {m}", cite), cite, related, classes="cite related"
                )
        for alt in record.alternatives:
            cite = alt.citations[0] if alt.citations else None
            if cite:
                where = (
                    f"p.{cite.page}"
                    if record.citations and cite.doc == record.citations[0].doc
                    else f"{cite.doc} p.{cite.page}"
                )
                yield CitationLink(f"alternative: {alt.text} ({where})", cite, related, classes="cite alt")
            else:
                yield Static(Text(f"alternative: {alt.text}"), classes="alt")

    def show_cancelled(self, why: str = "cancelled") -> None:
        if self.record is None:
            answer = self.answer
            answer.remove_class("pending")
            answer.add_class("missing")
            answer.update(f"✗ {why}")
