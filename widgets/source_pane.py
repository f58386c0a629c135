"""The source browser: the cited page or table beside the chat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Label, Static

from corpus.model import Document, Page, Table
from qa.record import Citation
from widgets.citation_link import CitationLink
from widgets.format import citation_label, cited_span, doc_line, split_page


class SourcePane(Vertical):
    """The cited page (quote and number highlighted) or table (cursor on the cited cell)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.highlighted = ""  # the cited number as it is printed on the page (for tests and screen readers)
        self.cited_text: Text | None = None
        self.table: Table | None = None
        self.citation: Citation | None = None  # the citation shown

    def compose(self) -> ComposeResult:
        yield Static("", id="source-title")
        with VerticalScroll(id="page-view"):
            yield Static("", id="page-before")
            yield Static("", id="page-cited")
            yield Static("", id="page-after")
        with Vertical(id="table-view"):
            yield Static("", id="cell-caption")
            yield DataTable(id="source-table", cursor_type="cell", zebra_stripes=True, show_header=False)
        yield Label("Other statements", id="related-title")
        yield VerticalScroll(id="related")

    def show_page(self, doc: Document, page: Page, cite: Citation) -> None:
        self.table = None
        self.citation = cite
        self.set_class(False, "table-mode")
        self.query_one("#source-title", Static).update(
            Text.assemble((f"{doc.name} · page {page.number}", "bold"), (f"\n{doc_line(doc)}", "dim"))
        )
        text = page.text
        quote, number = cited_span(text, cite)
        start, end = split_page(text, [quote, number])
        cited = Text(text[start:end])
        if quote:
            cited.stylize("underline", quote[0] - start, quote[1] - start)
        if number:
            cited.stylize("bold reverse", number[0] - start, number[1] - start)
        self.highlighted = text[number[0] : number[1]] if number else ""
        self.cited_text = cited
        self.query_one("#page-before", Static).update(Text(text[:start]))
        cited_widget = self.query_one("#page-cited", Static)
        cited_widget.update(cited)
        cited_widget.set_class(end > start, "cited")
        self.query_one("#page-after", Static).update(Text(text[end:]))
        view = self.query_one("#page-view", VerticalScroll)
        view.scroll_home(animate=False)
        if end > start:  # twice: the first layout after showing the pane may still have the old width
            self.call_after_refresh(self._scroll_to_cited, again=True)

    def _scroll_to_cited(self, again: bool = False) -> None:
        cited = self.query_one("#page-cited", Static)
        self.query_one("#page-view", VerticalScroll).scroll_to(
            y=max(0, cited.virtual_region.y - 2), animate=False, immediate=True
        )
        if again:
            self.call_after_refresh(self._scroll_to_cited)

    def show_table(self, doc: Document, table: Table, cite: Citation) -> None:
        self.table = table
        self.citation = cite
        self.cited_text = None
        self.set_class(True, "table-mode")
        unit = f" · unit: {table.unit}" if table.unit else ""
        pages = ", ".join(map(str, table.pages))
        self.query_one("#source-title", Static).update(
            Text.assemble((table.title or table.id, "bold"), (f"{unit}\n{doc.name} · page(s) {pages}", "dim"))
        )
        grid = self._fill(table)
        rows = [r[0].row if r else -1 for r in table.header_rows + table.body_rows]
        row = rows.index(cite.row) if cite.row in rows else 0
        col = cite.col if cite.col is not None and cite.col < table.n_cols else 0
        self.highlighted = grid[row][col] if grid else ""
        self.query_one("#source-table", DataTable).move_cursor(row=row, column=col, animate=False)

    def _fill(self, table: Table) -> list[list[str]]:
        data = self.query_one("#source-table", DataTable)
        data.clear(columns=True)
        grid = table.grid()
        data.add_columns(*[str(c + 1) for c in range(table.n_cols)])
        header_count = len(table.header_rows)
        for i, line in enumerate(grid):
            style = "bold" if i < header_count else ""
            data.add_row(*[Text(cell, style=style) for cell in line])
        data.fixed_rows = header_count
        data.fixed_columns = 1 if table.n_cols > 2 else 0
        return grid

    def show_related(self, current: Citation, related: Sequence[tuple[str, Citation]]) -> None:
        box = self.query_one("#related", VerticalScroll)
        box.remove_children()
        links = []
        seen = {current.model_dump_json()}
        for label, cite in related:
            key = cite.model_dump_json()
            if key not in seen:
                seen.add(key)
                links.append(CitationLink(citation_label(label, cite), cite, related, classes="cite"))
        if not links:
            links.append(Static("(none)", classes="dim"))
        box.mount_all(links)

    @on(DataTable.CellHighlighted, "#source-table")
    def _caption(self, event: DataTable.CellHighlighted) -> None:
        if self.table is None:
            return
        row, col = event.coordinate
        grid = self.table.grid()
        label = next((c for c in grid[row] if c), "") if row < len(grid) else ""
        path = " / ".join(self.table.header_path(col)) or f"column {col + 1}"
        value = grid[row][col] if row < len(grid) and col < len(grid[row]) else ""
        self.query_one("#cell-caption", Static).update(
            Text.assemble(f"{label} · {path}: ", (value or "(blank)", "bold"))  # wrapped, never cut
        )
