"""dqa's terminal UI: ask the reports, read the cited page or table, audit a report.

Run `python tui.py [CORPUS]` or `dqa tui [CORPUS]`; the bundled samples open by default.
This module is the app and its entry point; its widgets, screens and messages are in `widgets/`.
Data flows down as attributes and method calls and up as messages; retrieval, indexing and the audit
run in thread workers and post their results back as messages (one `Worker.StateChanged` handler
turns failures into something the user can read).
"""

from __future__ import annotations

import csv
import os
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text as RichText
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, ProgressBar, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

import qa
from audit import audit_document
from corpus.errors import visible
from corpus.model import Document
from qa import Citation, Library, Question, Record
from qa.batch import CSV_COLUMNS, csv_row, markdown
from widgets import (
    TCSS,
    AuditPane,
    ChatPane,
    CitationLink,
    CompareTable,
    Exchange,
    HistoryInput,
    KeysScreen,
    PathPrompt,
    ReportList,
    SourcePane,
)
from widgets.format import (
    chart_data,
    chart_png,
    citation_line,
    doc_line,
    find_page,
    find_table,
    table_csv_rows,
    with_image,
)
from widgets.messages import (
    Answered,
    AuditDone,
    CitationChosen,
    IndexProgress,
    LibraryReady,
    ScopeChosen,
    StatusNote,
)
from widgets.page_image import ImageMode

SAMPLES = "samples"


def default_corpus() -> Path:
    """The bundled sample reports: `samples/` beside this file in a checkout, else where the install put
    them (`<prefix>/share/dqa/samples`, for a venv, a system or a --user install)."""
    candidates = [Path(__file__).resolve().parent / SAMPLES]
    schemes = [None, f"{os.name}_user"]
    for scheme in schemes:
        try:
            data = sysconfig.get_path("data", scheme) if scheme else sysconfig.get_path("data")
        except KeyError:
            continue
        candidates.append(Path(data) / "share" / "dqa" / SAMPLES)
    return next((c for c in candidates if c.is_dir()), candidates[0])


def samples_index_dir(samples: Path) -> str | None:
    """Where the bundled samples' index goes: the usual `.dqa` inside them when that folder is writable
    (a checkout, a venv), else the user's cache (a system-wide install); $DQA_INDEX wins as always."""
    if os.environ.get("DQA_INDEX") or os.access(samples, os.W_OK):
        return None
    cache = Path(os.environ.get("DQA_CACHE") or Path.home() / ".cache" / "dqa")
    return str(cache / "samples-index")


class DqaApp(App[None]):
    """Ask the reports; browse citations; audit a report."""

    TITLE = "dqa"
    CSS_PATH = TCSS
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "keys", "Keys"),
        Binding("escape", "escape", "Cancel/close"),
        Binding("f2", "tab('chat')", "Chat"),
        Binding("f3", "tab('reports')", "Reports"),
        Binding("f4", "run_audit", "Audit"),
        Binding("ctrl+up", "answer(-1)", "Previous answer", show=False, priority=True),
        Binding("ctrl+down", "answer(1)", "Next answer", show=False, priority=True),
        Binding("[", "answer(-1)", "Previous answer", show=False),
        Binding("]", "answer(1)", "Next answer", show=False),
        Binding("c", "copy_citation", "Copy citation", show=False),
        Binding("p", "toggle_page", "Printed page", show=False),
        Binding("ctrl+s", "export_markdown", "Export .md", show=False),
    ]

    def __init__(
        self,
        corpus: str | Sequence[str] | None = None,
        index_dir: str | None = None,
        library: Library | None = None,
        export_dir: str | Path | None = None,
        image_mode: ImageMode = "auto",
    ) -> None:
        """`image_mode`: how the printed page is drawn, "auto" (Kitty, Sixel or half-block cells, whatever the
        terminal has) or "halfcell" (always half-block cells: the snapshots)."""
        super().__init__()
        self.image_mode: ImageMode = image_mode
        if isinstance(corpus, str | Path):
            corpus = [str(corpus)]
        self.corpus = [str(p) for p in corpus] if corpus else [str(default_corpus())]
        self.index_dir = index_dir or (None if corpus else samples_index_dir(Path(self.corpus[0])))
        self.library = library
        self.export_dir = Path(export_dir) if export_dir else Path.cwd()
        self.scope: str | None = None
        self.previous: Question | None = None
        self.records: list[Record] = []
        self.waiting: list[Exchange] = []  # questions typed before the corpus finished opening
        self._asked = 0
        self._asks: dict[Worker[Any], Exchange] = {}
        self._opener: Widget | None = None  # focused when the source browser opened; refocused on close
        self._status_note = ""  # the status a StatusNote replaced

    # -- layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with TabbedContent(id="left", initial="chat"):
                with TabPane("Chat", id="chat"):
                    yield ChatPane(id="chat-pane")
                with TabPane("Reports", id="reports"):
                    yield ReportList(id="report-list")
                with TabPane("Audit", id="audit"):
                    yield AuditPane(id="audit-pane")
            yield SourcePane(self.image_mode, id="source")
        with Horizontal(id="statusbar"):
            yield Label("", id="status")
            yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#question", HistoryInput).focus()
        if self.library is not None:
            self._library_ready(self.library, self._corpus_label())
        else:
            self.open_corpus(self.corpus)

    def _corpus_label(self) -> str:
        return ", ".join(Path(p).name for p in self.corpus)

    def set_status(self, text: str, note: bool = False) -> None:
        """`note`: a passing remark, replaced by the previous status when the next citation opens. Statuses
        carry file names and errors: shown as text (never markup), control characters visible."""
        label = self.query_one("#status", Label)
        if note and not self._status_note:
            self._status_note = str(label.content)
        elif not note:
            self._status_note = ""
        label.update(RichText(visible(text)))

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:  # type: ignore[override]
        """Notifications carry file names and reasons: shown as text, control characters visible."""
        super().notify(visible(message), markup=markup, **kwargs)

    def _clear_note(self) -> None:
        if self._status_note:
            self.set_status(self._status_note)

    # -- corpus

    def open_corpus(self, paths: list[str]) -> None:
        self.corpus = paths
        self.library = None
        self.set_status(f"Opening {self._corpus_label()}…")
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("-active")
        self._load_corpus(paths, self.index_dir)

    @work(thread=True, exclusive=True, exit_on_error=False, group="corpus")
    def _load_corpus(self, paths: list[str], index_dir: str | None) -> None:
        worker = get_current_worker()
        # Library prints nothing, but index/ parses in spawned processes and multiprocessing hands them
        # sys.stderr.fileno(); Textual's capture has no real fd ("bad value(s) in fds_to_keep") → /dev/null.
        with open(os.devnull, "w") as devnull, redirect_stderr(devnull):
            library = Library.open(paths, index_dir, on_file=lambda event: self.post_message(IndexProgress(event)))
        if not worker.is_cancelled:
            self.post_message(LibraryReady(library, ", ".join(Path(p).name for p in paths)))

    def on_index_progress(self, message: IndexProgress) -> None:
        event = message.event
        self.query_one("#progress", ProgressBar).update(total=event.total, progress=event.done)
        self.set_status(f"Indexing: {event.done} of {event.total} new or changed file(s)…")

    def on_library_ready(self, message: LibraryReady) -> None:
        self._library_ready(message.library, message.label)

    def _library_ready(self, library: Library, label: str) -> None:
        self.library = library
        self.scope = None
        self.previous = None
        self.query_one("#progress", ProgressBar).remove_class("-active")
        self.sub_title = label
        self.query_one("#report-list", ReportList).set_documents(library.documents)
        self._show_scope()
        self.set_status(f"{len(library.documents)} report(s) · {label}")
        for path, reason in library.skipped:
            self.notify(f"{Path(path).name}: {reason}", title="Skipped", severity="warning")
        waiting, self.waiting = self.waiting, []
        for exchange in waiting:
            self.ask(exchange)

    # -- asking

    @on(Input.Submitted, "#question")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        box = self.query_one("#question", HistoryInput)
        box.remember(text)
        box.value = ""
        exchange = Exchange(self._asked + 1, text, self._scope_name())
        self._asked += 1
        self.query_one("#chat-pane", ChatPane).add_exchange(exchange)
        if self.library is None:
            exchange.show_waiting()
            self.waiting.append(exchange)
            return
        self.ask(exchange)

    def ask(self, exchange: Exchange) -> None:
        assert self.library is not None
        text = exchange.question
        exchange.show_working()
        doc = self.library.documents[self.scope].name if self.scope else None
        worker = self._answer(self.library, text, doc, self.previous, exchange)
        self._asks[worker] = exchange

    @work(thread=True, exclusive=True, exit_on_error=False, group="ask")
    def _answer(
        self, library: Library, text: str, doc: str | None, previous: Question | None, exchange: Exchange
    ) -> None:
        record, question = qa.ask(library, text, str(exchange.number), doc, previous)
        if not get_current_worker().is_cancelled:
            self.post_message(Answered(exchange, record, question))

    def on_answered(self, message: Answered) -> None:
        self._asks = {w: e for w, e in self._asks.items() if e is not message.exchange}
        self.records.append(message.record)
        self.previous = message.question
        message.exchange.show_record(message.record)
        self._scroll_to_question(message.exchange, again=True)

    def _scroll_to_question(self, exchange: Exchange, again: bool = False) -> None:
        """The answer's first line stays in view; once more after the next layout (a chart or table sizes late)."""
        transcript = self.query_one("#transcript", VerticalScroll)
        self.call_after_refresh(transcript.scroll_to_widget, exchange, animate=False, top=True)
        if again:
            self.call_after_refresh(self._scroll_to_question, exchange)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures and cancellations reach the user."""
        worker, state = event.worker, event.state
        if state not in (WorkerState.ERROR, WorkerState.CANCELLED):
            return
        error = f"{worker.error.__class__.__name__}: {worker.error}" if state == WorkerState.ERROR else ""
        if worker.group == "ask" and worker in self._asks:
            self._asks.pop(worker).show_cancelled(f"error: {error}" if error else "cancelled")
        elif worker.group == "corpus" and error:
            self.query_one("#progress", ProgressBar).remove_class("-active")
            self.set_status(f"Could not open {self._corpus_label()}: {error}")
            self.notify(error, title="Could not open the corpus", severity="error")
        elif worker.group == "page-image" and error:
            self.notify(error, title="Could not draw the page", severity="warning")
        elif worker.group == "audit" and error:
            self.query_one("#audit-pane", AuditPane).show_status(f"✗ audit failed: {error}")

    def action_escape(self) -> None:
        if self._asks or self.waiting:
            for worker in list(self._asks):
                worker.cancel()
            for exchange in self.waiting:
                exchange.show_cancelled()
            self.waiting = []
            return
        if self.query_one("#main").has_class("source-open"):
            self.close_source()

    def close_source(self) -> None:
        """Close the source pane; focus goes back where it was and the chat stays where it was."""
        chat = self.query_one("#chat-pane", ChatPane)
        chat.pin(self._opener)
        self.query_one("#main").remove_class("source-open")
        opener, self._opener = self._opener, None
        (opener if opener is not None and opener.is_attached else self.query_one("#question")).focus(
            scroll_visible=False
        )
        self.call_after_refresh(chat.restore)

    # -- moving through the answers

    def action_answer(self, delta: int) -> None:
        """The previous (-1) or next (+1) answer; from the question box, -1 is the last answer."""
        if self.screen.has_class("-narrow") and self.query_one("#main").has_class("source-open"):
            self.close_source()
        left = self.query_one("#left", TabbedContent)
        if left.active != "chat":
            left.active = "chat"
        self.query_one("#chat-pane", ChatPane).move_answer(delta, self.focused)

    def focused_citation(self) -> Citation | None:
        """The citation the user is on: the focused link or comparison row, else the one open in the source."""
        focused = self.focused
        if isinstance(focused, CitationLink):
            return focused.citation
        if isinstance(focused, CompareTable):
            return focused.cited
        pane = self.query_one("#source", SourcePane)
        return pane.citation if self.query_one("#main").has_class("source-open") else None

    def action_toggle_page(self) -> None:
        """The source pane's printed page on or off (p)."""
        if not self.query_one("#main").has_class("source-open"):
            self.notify("Open a citation first (Enter on it); p then shows its page as printed.", severity="warning")
            return
        self.query_one("#source", SourcePane).toggle_image()

    def action_copy_citation(self) -> None:
        cite = self.focused_citation()
        if cite is None:
            self.notify("Move to a citation first (Tab, ↑/↓, Ctrl+↑/↓).", severity="warning")
            return
        doc = self._document(cite.doc)
        table = find_table(doc, cite.table) if doc is not None and cite.table else None
        line = citation_line(doc, cite, table)
        self.copy_to_clipboard(line)
        self.notify(line, title="Citation copied")

    # -- scope

    def _scope_name(self) -> str:
        if self.library is None or self.scope is None:
            return "all reports"
        doc = self.library.documents[self.scope]
        return f"{doc.department or doc.name} {doc.year or ''} {doc.kind}".strip()

    def _show_scope(self) -> None:
        self.query_one("#scope", Label).update(f"Asking: {self._scope_name()}")

    def on_scope_chosen(self, message: ScopeChosen) -> None:
        self.scope = message.doc_id
        self.previous = None
        self._show_scope()
        self.action_tab("chat")

    # -- citations

    def on_status_note(self, message: StatusNote) -> None:
        self.set_status(message.text, note=True)

    def on_citation_chosen(self, message: CitationChosen) -> None:
        self.open_citation(message.citation, message.related)

    def open_citation(self, cite: Citation, related: Sequence[tuple[str, Citation]] = ()) -> None:
        doc = self._document(cite.doc)
        if doc is None:
            self.notify(f"{cite.doc} is not in the open corpus", severity="warning")
            return
        pane = self.query_one("#source", SourcePane)
        table = find_table(doc, cite.table) if cite.table else None
        page = find_page(doc, cite.page)
        if table is not None:
            pane.show_table(doc, table, cite)
        elif page is not None:
            pane.show_page(doc, page, cite)
        else:
            self.notify(f"page {cite.page} is not in {doc.name}", severity="warning")
            return
        pane.show_related(cite, related)
        pane.refresh_image()
        self._clear_note()
        main = self.query_one("#main")
        if not main.has_class("source-open"):
            self._opener = self.focused
            chat = self.query_one("#chat-pane", ChatPane)
            chat.pin(self.focused)
            main.add_class("source-open")
            self.call_after_refresh(chat.restore)  # the chat narrows (or is covered): it stays where it was
        if self.screen.has_class("-narrow"):  # the source covers the chat: read it with the keys
            pane.query_one("#source-table" if table is not None else "#page-view").focus()

    def _document(self, name_or_id: str) -> Document | None:
        if self.library is None:
            return None
        if name_or_id in self.library.documents:
            return self.library.documents[name_or_id]
        ids = self.library.find(name_or_id)
        return self.library.documents[ids[0]] if ids else None

    # -- audit

    def report_in_view(self) -> str | None:
        """The report the user is looking at: highlighted in Reports, else that of the citation in focus or
        open in the source, else the scope, else that of the last answer, else the only one."""
        if self.library is None:
            return None
        documents = self.library.documents
        if self.query_one("#left", TabbedContent).active == "reports":
            option = self.query_one("#docs", OptionList).highlighted_option
            if option is not None and option.id in documents:
                return option.id
        cite = self.focused_citation()
        doc = self._document(cite.doc) if cite is not None else None
        if doc is not None:
            return doc.id
        if self.scope:
            return self.scope
        for exchange in reversed(self.query(Exchange)):
            record = exchange.record
            doc = self._document(record.citations[0].doc) if record and record.citations else None
            if doc is not None:
                return doc.id
        return next(iter(documents)) if len(documents) == 1 else None

    @on(Button.Pressed, "#run-audit")
    def action_run_audit(self) -> None:
        """Audit the report in view (F4: one key)."""
        doc_id = self.report_in_view()
        pane = self.query_one("#audit-pane", AuditPane)
        self.action_tab("audit")
        if self.library is None:
            pane.show_status("The reports are still opening (see the status line); F4 again when they are listed.")
            return
        if doc_id is None:
            pane.show_status("Choose a report in Reports (F3) or open a citation first; the audit runs on one report.")
            return
        pane.show_status(f"Auditing {self.library.documents[doc_id].name}…")
        self._audit(self.library, doc_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def _audit(self, library: Library, doc_id: str) -> None:
        findings = audit_document(library.documents[doc_id], library.facts.get(doc_id, []))
        self.post_message(AuditDone(doc_id, list(findings)))

    def on_audit_done(self, message: AuditDone) -> None:
        pane = self.query_one("#audit-pane", AuditPane)
        if self.library is not None:
            pane.show_findings(self.library.documents[message.doc_id], message.findings)
            if self.query_one("#left", TabbedContent).active == "audit":
                pane.query_one("#findings", OptionList).focus()  # Enter opens the first finding's evidence

    # -- commands

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Export conversation as Markdown",
            "Write questions, answers and citations to a .md file",
            self.action_export_markdown,
        )
        yield SystemCommand(
            "Export answers as CSV", "One row per answer and comparison row (batch CSV columns)", self.action_export_csv
        )
        yield SystemCommand("Open document", "Choose a report in the Reports list", self.action_open_document)
        yield SystemCommand("Run audit", "Audit the selected report", self.action_run_audit)
        yield SystemCommand("Change corpus", "Open another file or folder of reports", self.action_change_corpus)
        for doc in self.library.documents.values() if self.library else []:
            yield SystemCommand(
                f"Open report: {doc.name}",
                doc_line(doc),
                lambda doc=doc: self.open_citation(Citation(doc=doc.name, page=doc.pages[0].number, quote="")),
            )

    def action_keys(self) -> None:
        self.push_screen(KeysScreen())

    def action_tab(self, name: str) -> None:
        self.query_one("#left", TabbedContent).active = name
        target = {"chat": "#question", "reports": "#doc-filter", "audit": "#run-audit"}[name]
        self.query_one(target).focus()

    def action_open_document(self) -> None:
        self.action_tab("reports")

    def action_change_corpus(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                if not Path(path).expanduser().exists():
                    self.notify(f"{path} does not exist", severity="error")
                    return
                self.open_corpus([str(Path(path).expanduser())])

        self.push_screen(PathPrompt("Open corpus (file or folder):", self.corpus[0]), chosen)

    def action_export_markdown(self) -> None:
        self._export("dqa-conversation.md", self.write_markdown)

    def action_export_csv(self) -> None:
        self._export("dqa-answers.csv", self.write_csv)

    def _export(self, name: str, write: Any) -> None:
        def chosen(path: str | None) -> None:
            if path:
                try:
                    write(Path(path).expanduser())
                except OSError as exc:
                    self.notify(str(exc), title="Export failed", severity="error")
                else:
                    self.notify(f"Wrote {len(self.records)} answer(s) to {path}", title="Exported")

        self.push_screen(PathPrompt("Export to:", str(self.export_dir / name)), chosen)

    def write_markdown(self, path: Path) -> None:
        """The conversation as Markdown; a comparison's chart as a PNG beside the file, shown after its table."""
        parts = [f"# dqa conversation — {self._corpus_label()}\n"]
        for record in self.records:
            text = markdown(record)
            chart = chart_data(record)
            if chart is not None:
                png = chart_png(chart, path.with_name(f"{path.stem}-{record.id}.png"), record.question)
                text = with_image(text, f"![chart: {record.question}]({png.name})")
            parts.append(text)
        path.write_text("\n".join(parts), encoding="utf-8")

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            for record in self.records:
                writer.writerow(csv_row(record))
                writer.writerows(table_csv_rows(record))


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    index_dir = None
    if "--index" in args:
        at = args.index("--index")
        index_dir = args[at + 1]
        del args[at : at + 2]
    DqaApp(args or None, index_dir).run()


if __name__ == "__main__":
    main()
