"""One numbered citation in the chat or the source pane."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from qa.record import Citation
from widgets.messages import CitationChosen


class Rover(Protocol):
    """What holds items that share one Tab stop (an answer): the item Tab lands on; ↑/↓ move inside."""

    def tab_stop(self) -> Widget | None: ...


class CitationLink(Static, can_focus=True):
    """One numbered citation; Enter or a click opens it in the source browser."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Open source")]

    def __init__(
        self, label: str, citation: Citation, related: Sequence[tuple[str, Citation]] = (), **kwargs: Any
    ) -> None:
        super().__init__(label, markup=False, **kwargs)
        self.citation = citation
        self.related = related
        self.rover: Rover | None = None  # set by the answer holding the link: Tab stops at its current item only

    def allow_focus(self) -> bool:
        return super().allow_focus() and (self.rover is None or self.rover.tab_stop() is self)

    def action_open(self) -> None:
        self.post_message(CitationChosen(self.citation, self.related))

    def on_click(self) -> None:
        self.action_open()
