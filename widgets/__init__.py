"""The TUI's widgets and screens, one per module; the app itself is `tui.DqaApp`.

Data goes down as attributes and method calls; widgets post the messages in `widgets.messages` up.
Pure text helpers are in `widgets.format`, which imports no Textual: the widgets below are loaded only
when first named, so `import widgets.format` works without a terminal library. The styles are
`widgets/tui.tcss` (`TCSS`).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

TCSS = Path(__file__).resolve().parent / "tui.tcss"

_MODULES = {
    "AuditPane": "audit_pane",
    "ChatPane": "chat_pane",
    "CitationLink": "citation_link",
    "CompareTable": "compare_table",
    "Exchange": "exchange",
    "HistoryInput": "history_input",
    "KeysScreen": "keys_screen",
    "PathPrompt": "path_prompt",
    "ReportList": "report_list",
    "SourcePane": "source_pane",
}

__all__ = [
    "TCSS",
    "AuditPane",
    "ChatPane",
    "CitationLink",
    "CompareTable",
    "Exchange",
    "HistoryInput",
    "KeysScreen",
    "PathPrompt",
    "ReportList",
    "SourcePane",
]

if TYPE_CHECKING:
    from widgets.audit_pane import AuditPane
    from widgets.chat_pane import ChatPane
    from widgets.citation_link import CitationLink
    from widgets.compare_table import CompareTable
    from widgets.exchange import Exchange
    from widgets.history_input import HistoryInput
    from widgets.keys_screen import KeysScreen
    from widgets.path_prompt import PathPrompt
    from widgets.report_list import ReportList
    from widgets.source_pane import SourcePane


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(import_module(f"widgets.{_MODULES[name]}"), name)
    raise AttributeError(f"module 'widgets' has no attribute {name!r}")
