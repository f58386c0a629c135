"""The source browser: the cited page or table beside the chat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Label, Static

from corpus.model import Document, Page, Table
from qa.record import Citation
from widgets.citation_link import CitationLink
from widgets.format import citation_label, cited_span, doc_line, split_page
from widgets.page_image import ImageMode, PageImage
from widgets.page_render import box_fraction, cited_box, printed_page, render_page


class SourcePane(Vertical):
    """The cited page (quote and number highlighted) or table (cursor on the cited cell); `toggle_image` shows
    the page as printed instead, the cited number boxed."""

    def __init__(self, image_mode: ImageMode = "auto", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.image_mode = image_mode
        self.doc: Document | None = None
        self.page_number = 0
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
        yield PageImage(self.image_mode, id="image-view")
        yield Label("Other statements", id="related-title")
        yield VerticalScroll(id="related")

    def show_page(self, doc: Document, page: Page, cite: Citation) -> None:
        self.table = None
        self.citation = cite
        self.doc, self.page_number = doc, page.number
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
        self.doc, self.page_number = doc, cite.page
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

    # -- the page as printed

    @property
    def showing_image(self) -> bool:
        return self.has_class("image-mode")

    def toggle_image(self) -> None:
        """Between the extracted text (or table) and the printed page."""
        self.set_class(not self.showing_image, "image-mode")
        if self.showing_image:
            self.refresh_image()

    def refresh_image(self) -> None:
        """Render the shown citation's page (in a thread worker) when the printed page is on."""
        if not self.showing_image or self.doc is None or self.citation is None:
            return
        pdf = printed_page(self.doc)
        view = self.query_one("#image-view", PageImage)
        if pdf is None:
            view.show(None, f"{self.doc.name} has no printed page to show (not a PDF, or moved). p: back to the text")
            return
        view.show(view.image, f"rendering page {self.page_number}…")
        self._draw_page(pdf, self.page_number, self.citation, self.table)

    @work(thread=True, exclusive=True, exit_on_error=False, group="page-image")
    def _draw_page(self, pdf: Any, page: int, cite: Citation, table: Table | None) -> None:
        box = cited_box(pdf, page, cite, table)
        image = render_page(pdf, page, box)
        where = "the cited number is boxed in red" if box else "the number's place was not found on the page"
        note = f"page {page} as printed; {where} · p: back to the text"
        self.app.call_from_thread(self.query_one("#image-view", PageImage).show, image, note, box_fraction(image, box))

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
