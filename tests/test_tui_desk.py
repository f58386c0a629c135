"""The journalist's desk (issue 16): moving through answers and citations by key, the chat staying where it was,
copying a citation, auditing the report in view with one key, findings that open their evidence.

Driven by Pilot over real sample reports (Library.from_documents, no index)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from corpus.cache import load_document
from qa.library import Library
from tests.conftest import SAMPLES, SEED
from tui import DqaApp
from widgets import CitationLink, CompareTable, Exchange, HistoryInput, SourcePane

PUTUO = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"
BUDGET_2026 = SAMPLES / "shpt_sfj_2026_budget.pdf"
VEHICLES = "how much was spent on official vehicles"
RECEPTION = "上海市普陀区财政局2024年公务接待费预算数"
QUESTIONS = [VEHICLES, "and in 2018?", "公务接待费", "会议费", "培训费"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def seed_docs() -> list:
    return [load_document(SEED)]


@pytest.fixture(scope="module")
def putuo_docs() -> list:
    return [load_document(SEED), load_document(PUTUO)]


async def wait_for_workers(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def ask(pilot: Pilot, question: str) -> Exchange:
    await pilot.pause()
    pilot.app.query_one("#question", HistoryInput).focus()
    pilot.app.query_one("#question", HistoryInput).value = question
    await pilot.press("enter")
    await wait_for_workers(pilot)
    return pilot.app.query(Exchange).last()


def holder(pilot: Pilot) -> Exchange | None:
    """The answer holding the focus."""
    focused = pilot.app.focused
    return next((a for a in focused.ancestors_with_self if isinstance(a, Exchange)), None) if focused else None


@pytest.mark.anyio
async def test_each_answer_is_one_tab_stop(seed_docs: list) -> None:
    app = DqaApp(library=Library.from_documents(seed_docs))
    async with app.run_test(size=(120, 40)) as pilot:
        for q in QUESTIONS[:3]:
            await ask(pilot, q)
        exchanges = list(app.query(Exchange))
        assert sum(len(e.query(CitationLink)) for e in exchanges) > 6  # many citations …
        in_chat = [w for w in app.screen.focus_chain if any(isinstance(a, Exchange) for a in w.ancestors_with_self)]
        assert len(in_chat) == len(exchanges)  # … but one Tab stop per answer
        app.query_one("#question").focus()
        await pilot.press("shift+tab")  # back from the question box: the last answer's current item
        assert holder(pilot) is exchanges[-1]


@pytest.mark.anyio
async def test_arrows_move_between_an_answers_citations(seed_docs: list) -> None:
    app = DqaApp(library=Library.from_documents(seed_docs))
    async with app.run_test(size=(120, 40)) as pilot:
        exchange = await ask(pilot, VEHICLES)
        links = list(exchange.query(CitationLink))
        assert len(links) >= 3
        await pilot.press("ctrl+up")
        assert app.focused is links[0]
        await pilot.press("down", "down")
        assert app.focused is links[2]
        await pilot.press("up")
        assert app.focused is links[1]
        await pilot.press("ctrl+down")  # past the last answer: the question box
        assert app.focused is app.query_one("#question")
        await pilot.press("shift+tab")  # Tab comes back to the item left last
        assert app.focused is links[1]


@pytest.mark.anyio
async def test_keys_jump_between_answers(seed_docs: list) -> None:
    app = DqaApp(library=Library.from_documents(seed_docs))
    async with app.run_test(size=(120, 40)) as pilot:
        for q in QUESTIONS:
            await ask(pilot, q)
        exchanges = list(app.query(Exchange))
        await pilot.press("ctrl+up")
        assert holder(pilot) is exchanges[4]
        await pilot.press("ctrl+up", "[")
        assert holder(pilot) is exchanges[2]
        await pilot.press("1")  # a digit jumps to that answer
        assert holder(pilot) is exchanges[0]
        await pilot.pause()
        transcript = app.query_one("#transcript")
        assert exchanges[0].region.y == transcript.region.y  # its question at the top of the transcript
        await pilot.press("]", "ctrl+down")
        assert holder(pilot) is exchanges[2]
        await pilot.press("5", "ctrl+down")
        assert app.focused is app.query_one("#question")
        await pilot.press("[")  # typed in the question box, not a jump
        assert app.query_one("#question", HistoryInput).value == "["


async def _screen_y(pilot: Pilot, widget: CitationLink) -> int:
    await pilot.pause()
    await pilot.pause()
    return widget.region.y


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_opening_a_citation_keeps_the_chat_where_it_was(seed_docs: list, size: tuple[int, int]) -> None:
    app = DqaApp(library=Library.from_documents(seed_docs))
    async with app.run_test(size=size) as pilot:
        for q in QUESTIONS[:4]:
            await ask(pilot, q)
        await pilot.press("ctrl+up", "ctrl+up", "down")  # a citation of the third answer, mid-transcript
        link = app.focused
        assert isinstance(link, CitationLink)
        before = await _screen_y(pilot, link)
        await pilot.press("enter")
        assert app.query_one("#main").has_class("source-open")
        if size[0] >= 100:  # the chat narrows beside the source; the citation stays on its line
            assert await _screen_y(pilot, link) == before
        await pilot.press("escape")
        assert app.focused is link and await _screen_y(pilot, link) == before


@pytest.mark.anyio
async def test_copy_citation_puts_one_line_on_the_clipboard(putuo_docs: list) -> None:
    app = DqaApp(library=Library.from_documents(putuo_docs))
    async with app.run_test(size=(120, 40)) as pilot:
        exchange = await ask(pilot, RECEPTION)
        await pilot.press("ctrl+up", "c")
        cite = exchange.record.citations[0]
        assert (cite.table, cite.row, cite.col, cite.value) == ("p18t1", 4, 10, "0.95")
        assert app.clipboard == (
            "上海市普陀区财政局, 上海市普陀区财政局2024年度部门决算.pdf (2024 决算), p. 18, "
            "table “财政拨款“三公”经费支出决算表” row 4 column 10 (财政拨款“三公”经费 / 公务接待费 / 预算数), "
            "“0.95 | 0.95”, 0.95万元"
        )
        await pilot.press("enter", "c")  # from the source pane as well
        assert "p. 18" in app.clipboard and "\n" not in app.clipboard


@pytest.mark.anyio
async def test_f4_audits_the_report_in_view_and_findings_open_their_evidence(putuo_docs: list) -> None:
    app = DqaApp(library=Library.from_documents(putuo_docs))
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, RECEPTION)
        await pilot.press("ctrl+up")
        await pilot.press("f4")  # one key: the report of the citation in focus
        await wait_for_workers(pilot)
        assert app.query_one("#left").active == "audit"
        status = str(app.query_one("#audit-status").content)
        assert status.startswith(f"{PUTUO.name}: ") and "finding(s)" in status
        findings = app.query_one("#findings", OptionList)
        assert app.focused is findings and findings.option_count >= 1
        await pilot.press("end", "enter")  # the last finding's evidence
        await pilot.pause()
        finding = app.query_one("#audit-pane")._findings[1][-1]
        source = app.query_one("#source", SourcePane)
        assert app.query_one("#main").has_class("source-open")
        assert source.citation is not None and source.citation.page == finding.evidence[0].page


@pytest.mark.anyio
async def test_f4_on_a_highlighted_report(putuo_docs: list) -> None:
    library = Library.from_documents(putuo_docs)
    app = DqaApp(library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3", *"普陀", "enter")  # highlighted, not chosen as the scope
        assert app.scope is None
        await pilot.press("f4")
        await wait_for_workers(pilot)
        assert str(app.query_one("#audit-status").content).startswith(PUTUO.name)


@pytest.mark.anyio
async def test_comparison_table_is_part_of_its_answers_stop() -> None:
    library = Library.from_documents([load_document(PUTUO), load_document(BUDGET_2026)])
    app = DqaApp(library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        exchange = await ask(pilot, "公务接待费哪个部门最多")
        table = exchange.query_one(CompareTable)
        links = list(exchange.query(CitationLink))
        await pilot.press("ctrl+up")
        assert app.focused is table and table.cursor_row == 0
        await pilot.press("down")  # inside the table first …
        assert app.focused is table and table.cursor_row == 1
        await pilot.press("down")  # … then on to the citations below it
        assert app.focused is links[0]
        await pilot.press("up")  # back into the table, on its last row
        assert app.focused is table and table.cursor_row == table.row_count - 1
        await pilot.press("c")
        assert app.clipboard.startswith("上海市普陀区财政局, 上海市普陀区财政局2024年度部门决算.pdf")


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_table_view_shows_whole_headers(size: tuple[int, int]) -> None:
    """Every header cell fits its column, and the caption names the cursor's full column path, uncut."""
    from rich.cells import cell_len
    from textual.widgets import DataTable

    doc = load_document(PUTUO)
    app = DqaApp(library=Library.from_documents([doc]))
    async with app.run_test(size=size) as pilot:
        await ask(pilot, RECEPTION)
        await pilot.press("ctrl+up", "enter")
        await pilot.pause()
        source = app.query_one("#source", SourcePane)
        table = source.table
        assert table is not None
        grid = source.query_one("#source-table", DataTable)
        widths = [column.get_render_width(grid) - 2 * grid.cell_padding for column in grid.ordered_columns]
        for line in table.grid()[: len(table.header_rows)]:
            assert all(cell_len(text) <= widths[c] for c, text in enumerate(line))
        for col in range(table.n_cols):
            grid.move_cursor(row=len(table.header_rows), column=col)
            await pilot.pause()
            caption = str(source.query_one("#cell-caption").content)
            assert " / ".join(table.header_path(col)) in caption and "…" not in caption


async def _audited(pilot: Pilot) -> None:
    pilot.app.query_one("#question", HistoryInput).cursor_blink = False
    await ask(pilot, RECEPTION)
    await pilot.press("ctrl+up", "f4")
    await wait_for_workers(pilot)
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_audit_pane(snap_compare, putuo_docs: list, size: tuple[int, int]) -> None:
    assert snap_compare(DqaApp(library=Library.from_documents(putuo_docs)), terminal_size=size, run_before=_audited)


@pytest.mark.anyio
async def test_f4_while_the_reports_are_still_opening_says_so() -> None:
    class StillOpening(DqaApp):
        def open_corpus(self, paths: list[str]) -> None:  # the corpus never finishes opening
            self.corpus = paths

    app = StillOpening([str(SEED)])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        assert "still opening" in str(app.query_one("#audit-status").content)


@pytest.mark.anyio
async def test_other_statements_belong_to_the_answer_opened(putuo_docs: list) -> None:
    app = DqaApp(library=Library.from_documents(putuo_docs))
    async with app.run_test(size=(120, 40)) as pilot:
        first = await ask(pilot, VEHICLES)
        second = await ask(pilot, RECEPTION)
        await pilot.press("ctrl+up", "ctrl+up", "enter")  # the first answer's citation
        source = app.query_one("#source", SourcePane)
        shown = {link.citation.doc for link in source.query("#related CitationLink")}
        assert shown <= {c.doc for _, c in first.query_one(CitationLink).related}
        await pilot.press("ctrl+down", "enter")  # then the second's: its own statements only
        await pilot.pause()
        related = [link.citation for link in source.query("#related CitationLink")]
        own = [c for _, c in second.query_one(CitationLink).related]
        assert related and all(c in own for c in related)
        assert not any(c.doc == SEED.name for c in related)
