"""The TUI, driven by Pilot over real sample reports (no index: Library.from_documents), plus SVG snapshots
and one run of the real program in a pseudo-terminal."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from corpus.cache import load_document
from qa.library import Library
from tests.conftest import ROOT, SAMPLES, SEED
from tui import DqaApp
from widgets import AuditPane, CitationLink, CompareTable, Exchange, HistoryInput, PathPrompt, SourcePane
from widgets.format import shorten
from widgets.messages import ScopeChosen

PUTUO = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"
VEHICLES = "how much was spent on official vehicles"
RECEPTION = "上海市普陀区财政局2024年公务接待费预算数"
BUDGET_2026 = SAMPLES / "shpt_sfj_2026_budget.pdf"
RANK_RECEPTION = "公务接待费哪个部门最多"  # a ranking over both reports: a table cell and a page sentence
RANK_VEHICLES = "各部门公务用车运行维护费"  # the 2024 report does not state it: a "not stated" row


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def seed_library() -> Library:
    return Library.from_documents([load_document(SEED)])


@pytest.fixture
def two_reports() -> Library:
    return Library.from_documents([load_document(SEED), load_document(PUTUO)])


@pytest.fixture
def putuo_two_years() -> Library:
    return Library.from_documents([load_document(PUTUO), load_document(BUDGET_2026)])


async def wait_for_workers(pilot: Pilot) -> None:
    """Instead of sleeping: let every worker finish and the messages it posted be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def ask(pilot: Pilot, question: str) -> Exchange:
    await pilot.pause()  # under snap_compare the pilot starts before the first screen is ready
    await pilot.click("#question")
    pilot.app.query_one("#question", HistoryInput).value = question
    await pilot.press("enter")
    await wait_for_workers(pilot)
    return pilot.app.query(Exchange).last()


def answer_text(exchange: Exchange) -> str:
    return str(exchange.answer.content)


async def open_link(pilot: Pilot, link: CitationLink) -> SourcePane:
    link.focus()
    await pilot.press("enter")
    await pilot.pause()
    return pilot.app.query_one("#source", SourcePane)


# ---------------------------------------------------------------------------------------------- chat


@pytest.mark.anyio
async def test_question_to_answer_with_conflict_badge(seed_library: Library) -> None:
    messages: list[Message] = []
    app = DqaApp(library=seed_library)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        exchange = await ask(pilot, VEHICLES)
        text = answer_text(exchange)
        assert "54.39万元" in text
        assert text.startswith(" ⚠ conflict ")  # the report also prints 54.39元
        content = exchange.answer.content
        assert not content.style and [(s.start, s.end, str(s.style)) for s in content.spans] == [
            (0, len(" ⚠ conflict "), "bold reverse")
        ]  # the badge alone is marked, not the whole answer
        answered = [m for m in messages if type(m).__name__ == "Answered"]
        assert len(answered) == 1 and answered[0].record.answer.value == "54.39"
        links = exchange.query(CitationLink)
        cite = exchange.record.citations[0]  # which sentence states it is qa's choice; the label shows it whole
        assert str(links.first().content) == f"[1] 000_4730eaab2517dbc6.txt p.1 · 54.39万元 “{shorten(cite.quote)}”"
        assert "54.39万元" in cite.quote
        assert app.records[0].status == "answered"


@pytest.mark.anyio
async def test_citation_opens_page_with_number_and_quote_highlighted(seed_library: Library) -> None:
    app = DqaApp(library=seed_library)
    async with app.run_test(size=(120, 40)) as pilot:
        exchange = await ask(pilot, VEHICLES)
        source = await open_link(pilot, exchange.query(CitationLink).first())
        assert app.query_one("#main").has_class("source-open") and source.display
        assert source.highlighted == "54.39万元"
        cited = source.cited_text
        assert cited is not None
        styled = {str(span.style): cited.plain[span.start : span.end] for span in cited.spans}
        assert styled["bold reverse"] == "54.39万元"
        assert styled["underline"] == exchange.record.citations[0].quote and "54.39万元" in styled["underline"]
        assert "page 1" in str(app.query_one("#source-title").content)


@pytest.mark.anyio
async def test_cross_check_statement_opens_the_same_way(seed_library: Library) -> None:
    app = DqaApp(library=seed_library)
    async with app.run_test(size=(120, 40)) as pilot:
        exchange = await ask(pilot, VEHICLES)
        source = await open_link(pilot, exchange.query(CitationLink).first())
        related = source.query(CitationLink)
        assert any("54.39元" in link.citation.quote for link in related)
        other = next(link for link in related if link.citation.value == "54.39元")
        await open_link(pilot, other)
        assert source.highlighted == "54.39元"


@pytest.mark.anyio
async def test_table_citation_puts_the_cursor_on_the_cited_cell() -> None:
    app = DqaApp(library=Library.from_documents([load_document(PUTUO)]))
    async with app.run_test(size=(120, 40)) as pilot:
        exchange = await ask(pilot, RECEPTION)
        cite = exchange.record.citations[0]
        assert cite.table and (cite.row, cite.col) == (4, 10)
        source = await open_link(pilot, exchange.query(CitationLink).first())
        assert source.has_class("table-mode")
        table = source.query_one("#source-table", DataTable)
        assert tuple(table.cursor_coordinate) == (4, 10)  # grid row 4 (below 4 header rows), column 10
        assert source.highlighted == "0.95"
        title = str(source.query_one("#source-title").content)
        assert "财政拨款“三公”经费支出决算表" in title and "unit: 万元" in title
        assert "公务接待费 / 预算数" in str(source.query_one("#cell-caption").content)


@pytest.mark.anyio
async def test_follow_up_reuses_the_last_question(seed_library: Library) -> None:
    app = DqaApp(library=seed_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, VEHICLES)
        follow = await ask(pilot, "and in 2018?")
        assert "62.16万元" in answer_text(follow)
        assert [r.answer.value for r in app.records] == ["54.39", "62.16"]


@pytest.mark.anyio
async def test_up_recalls_earlier_questions(seed_library: Library) -> None:
    app = DqaApp(library=seed_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, VEHICLES)
        await ask(pilot, "and in 2018?")
        box = app.query_one("#question", HistoryInput)
        box.focus()
        await pilot.press("up")
        assert box.value == "and in 2018?"
        await pilot.press("up")
        assert box.value == VEHICLES
        await pilot.press("down", "down")
        assert box.value == ""


@pytest.mark.anyio
async def test_escape_cancels_a_slow_question_and_the_ui_stays_responsive() -> None:
    def slow(query: str, k: int, doc_ids: object) -> list:
        time.sleep(1.5)
        return []

    library = Library.from_documents([load_document(SEED)], retriever=slow)
    app = DqaApp(library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#question")
        app.query_one("#question", HistoryInput).value = VEHICLES
        await pilot.press("enter")
        await pilot.pause()
        exchange = app.query(Exchange).last()
        assert "answering" in answer_text(exchange)
        await pilot.press("f3")  # the UI answers keys while the worker runs
        assert app.query_one("#left").active == "reports"
        await pilot.press("escape")
        await wait_for_workers(pilot)
        assert "cancelled" in answer_text(exchange)
        assert app.records == []


# ---------------------------------------------------------------------------------------------- comparison tables


def table_rows(table: CompareTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def tab_to(pilot: Pilot, kind: type) -> None:
    """Keyboard only: Tab from the question box until a widget of `kind` has focus."""
    pilot.app.query_one("#question").focus()
    for _ in range(12):
        await pilot.press("tab")
        if isinstance(pilot.app.focused, kind):
            return
    raise AssertionError(f"Tab never reached a {kind.__name__} (focus: {pilot.app.focused!r})")


@pytest.mark.anyio
async def test_comparison_table_rows_open_their_cited_cell_or_page(putuo_two_years: Library) -> None:
    app = DqaApp(library=putuo_two_years)
    async with app.run_test(size=(120, 40)) as pilot:
        exchange = await ask(pilot, RANK_RECEPTION)
        assert "0.83万元[1]" in answer_text(exchange)  # the summary sentence stays above the table
        table = exchange.query_one(CompareTable)
        assert [str(c.label) for c in table.ordered_columns] == ["#", "report", "value", "yuan", "kind", "check"]
        rows = table_rows(table)
        assert [r[:5] for r in rows] == [
            ["[1]", "上海市普陀区司法局 2026", "0.83万元", "8,300 元", "预算"],
            ["[2]", "上海市普陀区财政局 2024", "0.00万元", "0 元", "决算"],
        ]
        assert all(r[5][0] in "✓⚠?" for r in rows)  # the check badge carries a symbol, not colour alone
        await tab_to(pilot, CompareTable)
        await pilot.press("enter")  # row 1: a budget-table cell
        await pilot.pause()
        source = app.query_one("#source", SourcePane)
        assert app.query_one("#main").has_class("source-open") and source.has_class("table-mode")
        cite = exchange.record.citations[0]
        grid = source.query_one("#source-table", DataTable)
        assert source.highlighted == "0.83" and cite.table and cite.col is not None
        assert grid.cursor_coordinate.column == cite.col
        assert grid.get_cell_at(grid.cursor_coordinate).plain == "0.83"
        assert "公务接待费" in str(source.query_one("#cell-caption").content)
        await pilot.press("escape")  # back to the table, then row 2: a sentence on a page
        assert app.focused is table
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not source.has_class("table-mode") and source.highlighted == "0.00万元"
        assert "page 23" in str(source.query_one("#source-title").content)


@pytest.mark.anyio
async def test_comparison_row_that_is_not_stated_opens_nothing_and_says_so(putuo_two_years: Library) -> None:
    app = DqaApp(library=putuo_two_years)
    async with app.run_test(size=(80, 24)) as pilot:
        exchange = await ask(pilot, RANK_VEHICLES)
        rows = table_rows(exchange.query_one(CompareTable))
        missing = [r for r in rows if r[1].startswith("上海市普陀区财政局")]
        assert missing == [["", "上海市普陀区财政局 2024", "not stated", "", "决算", "—"]]  # never 0
        await tab_to(pilot, CompareTable)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not app.query_one("#main").has_class("source-open")
        assert "not stated" in str(app.query_one("#status").content)
        await pilot.press("up", "enter")  # the stated row opens; the remark gives way to the usual status
        await pilot.pause()
        assert app.query_one("#main").has_class("source-open")
        assert "not stated" not in str(app.query_one("#status").content)


@pytest.mark.anyio
async def test_comparison_row_opens_on_a_single_click(putuo_two_years: Library) -> None:
    app = DqaApp(library=putuo_two_years)
    async with app.run_test(size=(120, 40)) as pilot:
        exchange = await ask(pilot, RANK_RECEPTION)
        table = exchange.query_one(CompareTable)
        await pilot.click(table, offset=(8, 2))  # the second body row (row 0 is the header)
        await pilot.pause()
        assert app.query_one("#source", SourcePane).highlighted == "0.00万元"


@pytest.mark.anyio
async def test_export_includes_comparison_rows(putuo_two_years: Library, tmp_path: Path) -> None:
    app = DqaApp(library=putuo_two_years, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, RANK_VEHICLES)
        app.write_markdown(tmp_path / "c.md")
        text = (tmp_path / "c.md").read_text(encoding="utf-8")
        assert "| 上海市普陀区司法局 2026 | 9.98万元 |" in text
        assert "| 上海市普陀区财政局 2024 | not stated |" in text
        app.write_csv(tmp_path / "c.csv")
        import csv

        with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert [r["id"] for r in rows] == ["1", "1.1", "1.2"]
        assert rows[1]["value"] == "9.98" and rows[1]["unit"] == "万元" and rows[1]["table"]
        assert rows[2]["status"] == "not_found" and rows[2]["value"] == "" and "not stated" in rows[2]["answer"]


# ---------------------------------------------------------------------------------------------- reports, audit, export


@pytest.mark.anyio
async def test_reports_filter_and_scope(two_reports: Library) -> None:
    app = DqaApp(library=two_reports)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await pilot.press(*"普陀")
        options = app.query_one("#docs", OptionList)
        assert options.option_count == 2  # "All reports" and the Putuo report
        await pilot.press("enter", "enter")  # Enter in the filter moves to the first matching report
        assert app.scope == two_reports.find(PUTUO.name)[0]
        assert "上海市普陀区财政局 2024 决算" in str(app.query_one("#scope").content)
        exchange = await ask(pilot, "公务接待费预算数")
        assert exchange.record.citations[0].doc == PUTUO.name


@pytest.mark.anyio
async def test_audit_lists_findings_that_open_their_evidence(two_reports: Library) -> None:
    app = DqaApp(library=two_reports)
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(ScopeChosen(two_reports.find(PUTUO.name)[0]))
        await pilot.pause()
        app.action_run_audit()
        await wait_for_workers(pilot)
        status = str(app.query_one("#audit-status").content)
        assert "finding(s)" in status
        findings = app.query_one("#findings", OptionList)
        if findings.option_count:
            findings.focus()
            findings.highlighted = 0
            await pilot.press("enter")
            await pilot.pause()
            assert app.query_one("#main").has_class("source-open")
        assert isinstance(app.query_one("#audit-pane"), AuditPane)


@pytest.mark.anyio
async def test_export_markdown_and_csv(seed_library: Library, tmp_path: Path) -> None:
    app = DqaApp(library=seed_library, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, VEHICLES)
        app.action_export_markdown()
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        await pilot.press("enter")
        await pilot.pause()
        text = (tmp_path / "dqa-conversation.md").read_text(encoding="utf-8")
        assert "## 1. how much was spent on official vehicles" in text
        assert "54.39万元" in text and "⚠ unit" in text
        app.action_export_csv()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        rows = (tmp_path / "dqa-answers.csv").read_text(encoding="utf-8-sig").splitlines()
        assert rows[0].startswith("id,question,status") and "54.39" in rows[1]


@pytest.mark.anyio
async def test_palette_lists_the_commands(seed_library: Library) -> None:
    app = DqaApp(library=seed_library)
    async with app.run_test(size=(120, 40)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in (
            "Export conversation as Markdown",
            "Export answers as CSV",
            "Open document",
            "Run audit",
            "Change corpus",
            "Open report: 000_4730eaab2517dbc6.txt",
        ):
            assert wanted in titles


# ---------------------------------------------------------------------------------------------- snapshots


async def _answer_and_open(pilot: Pilot) -> None:
    await ask(pilot, VEHICLES)
    await open_link(pilot, pilot.app.query(CitationLink).first())
    await pilot.pause()


async def _table(pilot: Pilot) -> None:
    await ask(pilot, RECEPTION)
    await open_link(pilot, pilot.app.query(CitationLink).first())
    await pilot.pause()


def test_snapshot_start_80x24(snap_compare, two_reports: Library) -> None:
    assert snap_compare(DqaApp(library=two_reports), terminal_size=(80, 24))


def test_snapshot_answer_and_page_120x40(snap_compare, seed_library: Library) -> None:
    assert snap_compare(DqaApp(library=seed_library), terminal_size=(120, 40), run_before=_answer_and_open)


def test_snapshot_answer_and_page_80x24(snap_compare, seed_library: Library) -> None:
    assert snap_compare(DqaApp(library=seed_library), terminal_size=(80, 24), run_before=_answer_and_open)


def test_snapshot_table_120x40(snap_compare) -> None:
    app = DqaApp(library=Library.from_documents([load_document(PUTUO)]))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_table)


async def _comparison(pilot: Pilot) -> None:
    await ask(pilot, RANK_RECEPTION)
    await tab_to(pilot, CompareTable)
    await pilot.pause()


def test_snapshot_comparison_120x40(snap_compare, putuo_two_years: Library) -> None:
    assert snap_compare(DqaApp(library=putuo_two_years), terminal_size=(120, 40), run_before=_comparison)


async def _reports(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.press("f3")
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def test_snapshot_reports_80x24(snap_compare, two_reports: Library) -> None:
    assert snap_compare(DqaApp(library=two_reports), terminal_size=(80, 24), run_before=_reports)


# ---------------------------------------------------------------------------------------------- the real program


def _screen_text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]", "", text)


def test_real_app_in_a_pseudo_terminal(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
        "DQA_INDEX": str(tmp_path / "index"),
    }
    proc = subprocess.Popen(
        [sys.executable, "tui.py", str(SEED.relative_to(ROOT))],
        cwd=ROOT,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""

    def read_until(pattern: str, timeout: float) -> bool:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    return False
                if re.search(pattern, _screen_text(seen)):
                    return True
        return False

    try:
        assert read_until(r"Ask a question", 120), _screen_text(seen)[-2000:]
        time.sleep(0.5)
        os.write(master, VEHICLES.encode() + b"\r")
        assert read_until(r"54\.39万元", 300), _screen_text(seen)[-3000:]
        assert read_until(r"⚠ conflict", 30), _screen_text(seen)[-3000:]
        os.write(master, b"\x11")  # ctrl+q quits
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_snapshot_keys_80x24(snap_compare, seed_library: Library) -> None:
    assert snap_compare(DqaApp(library=seed_library), terminal_size=(80, 24), press=["f1"])
