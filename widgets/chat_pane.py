"""The chat: transcript, scope line, question box."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Static

from widgets.exchange import Exchange
from widgets.history_input import HistoryInput


class ChatPane(Vertical):
    """The transcript, the scope line and the question box. Digits 1–9 (outside the question box) jump to
    that answer; `move_answer` steps to the previous or next one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding(str(n), f"go({n})", show=False) for n in range(1, 10)]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._pinned: tuple[Widget, int] | None = None

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
        # the new question at the top, as when its answer arrives (the same place: no race between the two)
        self.call_after_refresh(transcript.scroll_to_widget, exchange, animate=False, top=True)

    @property
    def exchanges(self) -> list[Exchange]:
        return list(self.query(Exchange))

    def show_exchange(self, exchange: Exchange) -> None:
        """Focus an answer and scroll its question to the top of the transcript."""
        exchange.focus_answer()
        transcript = self.query_one("#transcript", VerticalScroll)
        self.call_after_refresh(transcript.scroll_to_widget, exchange, animate=False, top=True)

    def move_answer(self, delta: int, focused: Widget | None) -> None:
        """To the answer `delta` away from the one holding `focused` (from the question box: the last answer
        is -1); past the last answer, back to the question box."""
        exchanges = self.exchanges
        here = next((e for e in exchanges if focused is not None and (focused is e or e in focused.ancestors)), None)
        at = exchanges.index(here) if here is not None else len(exchanges)
        target = max(0, at + delta)
        if target >= len(exchanges):
            self.query_one("#question", HistoryInput).focus()
        else:
            self.show_exchange(exchanges[target])

    def action_go(self, number: int) -> None:
        exchanges = self.exchanges
        if 1 <= number <= len(exchanges):
            self.show_exchange(exchanges[number - 1])

    # -- the transcript stays where it was when the source pane opens beside it (or over it) and closes

    def pin(self, widget: Widget | None) -> None:
        """Remember where `widget` (a citation being opened) sits in the transcript's viewport."""
        transcript = self.query_one("#transcript", VerticalScroll)
        if widget is None or transcript not in widget.ancestors or not transcript.region:
            return
        self._pinned = (widget, _top(widget, transcript) - round(transcript.scroll_y))

    def restore(self) -> None:
        """After a relayout (the transcript narrowed, widened or came back), put the pinned widget back
        at the same height in the viewport."""
        if self._pinned is None:
            return
        widget, offset = self._pinned
        transcript = self.query_one("#transcript", VerticalScroll)
        if not widget.is_attached or not transcript.region:
            return
        transcript.scroll_to(y=max(0, _top(widget, transcript) - offset), animate=False, immediate=True)


def _top(widget: Widget, container: Widget) -> int:
    """`widget`'s top in `container`'s scrolled content (virtual regions are relative to each parent)."""
    y = 0
    node: Widget | None = widget
    while node is not None and node is not container:
        y += node.virtual_region.y
        node = node.parent if isinstance(node.parent, Widget) else None
    return y
