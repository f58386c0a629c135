"""A comparison answer's rows (one per report, year or item) in the chat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import events, on
from textual.actions import SkipAction
from textual.widgets import DataTable

from qa.record import Citation, ComparisonRow
from widgets.citation_link import Rover
from widgets.format import table_cells
from widgets.messages import CitationChosen, StatusNote


class CompareTable(DataTable):
    """A comparison answer's rows; Enter or a click opens the row's cited cell or page."""

    def __init__(
        self, rows: Sequence[ComparisonRow], related: Sequence[tuple[str, Citation]] = (), **kwargs: Any
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_data = list(rows)
        self.related = related
        self.rover: Rover | None = None  # set by the answer holding the table (one Tab stop per answer)

    def allow_focus(self) -> bool:
        return super().allow_focus() and (self.rover is None or self.rover.tab_stop() is self)

    @property
    def cited(self) -> Citation | None:
        """The highlighted row's citation (None for a row that is not stated)."""
        if not 0 <= self.cursor_row < len(self.rows_data):
            return None
        row = self.rows_data[self.cursor_row]
        return row.citation if row.status == "stated" else None

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0:
            raise SkipAction()  # the answer's ↑ moves to the item above
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.cursor_row >= self.row_count - 1:
            raise SkipAction()
        super().action_cursor_down()

    def on_mount(self) -> None:
        self.add_columns("#", "report", "value", "yuan", "kind", "check")
        for k, row in enumerate(self.rows_data):
            cells = table_cells(row)
            stated = row.status == "stated"
            self.add_row(*[Text(c, style="" if stated else "italic") for c in cells], key=str(k))

    def on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row")
        if isinstance(row, int) and 0 <= row != self.cursor_row:  # DataTable only selects on a second click
            self.call_later(self.action_select_cursor)

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows_data[event.cursor_row]
        cite = self.cited
        if cite is None:
            kind = f" ({row.kind})" if row.kind else ""
            self.post_message(
                StatusNote(f"{row.label}{kind}: not stated in {row.doc or 'any report'} — no citation to open")
            )
            return
        self.post_message(CitationChosen(cite, self.related))
