"""The corpus's reports, filtered as you type."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from corpus.model import Document
from qa.record import Citation
from widgets.format import doc_line
from widgets.messages import CitationChosen, ScopeChosen


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
