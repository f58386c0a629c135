"""The chat: transcript, scope line, question box."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from widgets.exchange import Exchange
from widgets.history_input import HistoryInput


class ChatPane(Vertical):
    """The transcript, the scope line and the question box."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="transcript"):
            yield Static(
                "Ask about the reports in Chinese or English, e.g. “how much was spent on official "
                "vehicles” or “公务接待费预算数”. Follow-ups like “and in 2018?” reuse the last question.",
                id="welcome",
            )
        yield Label("Asking: all reports", id="scope")
        yield HistoryInput(placeholder="Ask a question (↑ earlier questions, Esc cancels)", id="question")

    def add_exchange(self, exchange: Exchange) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.mount(exchange)
        transcript.scroll_end(animate=False)
