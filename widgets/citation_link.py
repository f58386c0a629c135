"""One numbered citation in the chat or the source pane."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Static

from qa.record import Citation
from widgets.messages import CitationChosen


class CitationLink(Static, can_focus=True):
    """One numbered citation; Enter or a click opens it in the source browser."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Open source")]

    def __init__(
        self, label: str, citation: Citation, related: Sequence[tuple[str, Citation]] = (), **kwargs: Any
    ) -> None:
        super().__init__(label, markup=False, **kwargs)
        self.citation = citation
        self.related = related

    def action_open(self) -> None:
        self.post_message(CitationChosen(self.citation, self.related))

    def on_click(self) -> None:
        self.action_open()
