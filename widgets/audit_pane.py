"""The audit of one report: its findings, each opening its evidence."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from audit import Finding
from corpus.model import Document
from widgets.format import finding_citations, finding_label
from widgets.messages import CitationChosen


class AuditPane(Vertical):
    """Findings of the audit of one report; each opens its evidence page."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._findings: tuple[Document | None, list[Finding]] = (None, [])

    def compose(self) -> ComposeResult:
        yield Static(
            "Choose a report in Reports, then run the audit (ctrl+p → Run audit, or the button).", id="audit-status"
        )
        yield Button("Run audit", id="run-audit")
        yield OptionList(id="findings")

    def show_status(self, text: str) -> None:
        self.query_one("#audit-status", Static).update(text)

    def show_findings(self, doc: Document, findings: list[Finding]) -> None:
        self.show_status(f"{doc.name}: {len(findings)} finding(s)" + ("" if findings else " — nothing to report"))
        options = [Option(Text(finding_label(finding)), id=str(i)) for i, finding in enumerate(findings)]
        self.query_one("#findings", OptionList).set_options(options)
        self._findings = (doc, findings)

    @on(OptionList.OptionSelected, "#findings")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        doc, findings = self._findings
        if doc is None:
            return
        cites = finding_citations(doc, findings[int(event.option_id or 0)])
        if cites:
            self.post_message(CitationChosen(cites[0], [(f"evidence {n}", c) for n, c in enumerate(cites, 1)]))
