"""The question box."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


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
