"""The messages widgets and workers post up to the app (attributes go down, messages come up)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

from audit import Finding
from index.build import FileIndexed
from qa import Citation, Library, Question, Record

if TYPE_CHECKING:
    from widgets.exchange import Exchange


class Answered(Message):
    """A question's record is ready (posted by the ask worker)."""

    def __init__(self, exchange: Exchange, record: Record, question: Question) -> None:
        super().__init__()
        self.exchange = exchange
        self.record = record
        self.question = question


class CitationChosen(Message):
    """Open a citation in the source browser; `related` are the statements listed beside it."""

    def __init__(self, citation: Citation, related: Sequence[tuple[str, Citation]] = ()) -> None:
        super().__init__()
        self.citation = citation
        self.related = related


class StatusNote(Message):
    """A line for the status bar (e.g. why a comparison row has nothing to open)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ScopeChosen(Message):
    """Ask within one report (`doc_id`) or across all (None)."""

    def __init__(self, doc_id: str | None) -> None:
        super().__init__()
        self.doc_id = doc_id


class IndexProgress(Message):
    """One more new or changed file parsed and indexed (or failed: `event.error`)."""

    def __init__(self, event: FileIndexed) -> None:
        super().__init__()
        self.event = event


class LibraryReady(Message):
    """The corpus is open (posted by the corpus worker)."""

    def __init__(self, library: Library, label: str) -> None:
        super().__init__()
        self.library = library
        self.label = label


class AuditDone(Message):
    """One report's audit findings (posted by the audit worker)."""

    def __init__(self, doc_id: str, findings: list[Finding]) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.findings = findings
