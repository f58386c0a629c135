"""One question and its answer in the chat."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from qa.batch import SYMBOL
from qa.record import Record
from widgets.citation_link import CitationLink
from widgets.compare_table import CompareTable
from widgets.format import badge, citation_label, record_citations


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
        self.mount_all(list(self._details(record)))

    def _details(self, record: Record) -> Iterable[Widget]:
        related = record_citations(record)
        if record.table:
            yield CompareTable(record.table, related, classes="compare")
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
