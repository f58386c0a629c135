"""The keys, in one list (F1)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

KEYS = [
    ("Enter", "ask the question typed (in the question box)"),
    ("↑ / ↓", "earlier / later questions (in the question box)"),
    ("Tab / Shift+Tab", "move between the question box, the answers (one stop each) and panes"),
    ("Ctrl+↑ / Ctrl+↓, [ / ]", "previous / next answer (from the question box: the last answer)"),
    ("1 … 9", "jump to that answer (outside the question box)"),
    ("↑ / ↓", "move between an answer's table rows and citations"),
    ("Enter or click", "open the focused citation, statement, comparison row or finding beside the chat"),
    ("c", "copy the citation in focus (body, report, page, table cell, quote, value) to the clipboard"),
    ("p", "the cited page as printed (the number boxed) or back to its text or table (source open)"),
    ("Esc", "cancel the question being answered; else close the source"),
    ("F2 / F3", "Chat / Reports"),
    ("F4", "audit the report in view (highlighted in Reports, or of the citation in focus) and list the findings"),
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
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for key, does in KEYS:
            table.add_row(key, does)
        with VerticalScroll(id="keys-box"):
            yield Label("Keys — Esc or F1 closes", classes="dim")
            yield Static(table, id="keys")
