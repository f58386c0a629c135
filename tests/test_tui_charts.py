"""Charts of comparison answers (issue 16): a line for a trend, bars for a ranking, in the report's unit; beside the
table in the app (below it when narrow), a PNG after the table in the Markdown export."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from textual.pilot import Pilot

from corpus.cache import load_document
from qa.library import Library
from qa.record import ComparisonRow, Record
from tests.conftest import SAMPLES
from tui import DqaApp
from widgets import CompareTable, Exchange, HistoryInput
from widgets.format import chart_data, chart_png, with_image
from widgets.trend_chart import TrendChart

PUTUO = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"
BUDGET_2026 = SAMPLES / "shpt_sfj_2026_budget.pdf"
RANK_RECEPTION = "公务接待费哪个部门最多"


def row(label: str, year: int, value: str | None, unit: str = "万元", yuan: str | None = None, **kw) -> ComparisonRow:  # type: ignore[no-untyped-def]
    stated = "stated" if value is not None else "not_stated"
    return ComparisonRow(
        label=label, doc=f"{label}.pdf", year=year, status=stated, value=value, unit=unit, yuan=yuan, **kw
    )


def test_trend_is_a_line_over_years_in_the_reports_unit() -> None:
    record = Record(
        id="1",
        question="历年三公经费",
        status="answered",
        table=[
            row("局 2024", 2024, "12.5", yuan="125000", body="局", n=1),
            row("局 2022", 2022, "9.8", yuan="98000", body="局", n=2),
            row("局 2023", 2023, "110000", unit="元", yuan="110000", body="局", n=3),  # printed in 元: converted
            row("局 2021", 2021, None, body="局"),  # not stated: no point, never 0
        ],
    )
    chart = chart_data(record)
    assert chart is not None and chart.kind == "line" and chart.unit == "万元"
    assert chart.labels == ["2022", "2023", "2024"]
    assert chart.values == [Decimal("9.8"), Decimal("11"), Decimal("12.5")]


def test_ranking_is_bars_labelled_like_the_table() -> None:
    record = Record(
        id="2",
        question="q",
        status="answered",
        table=[row("甲 2024", 2024, "3", body="甲", n=1), row("乙 2024", 2024, "5", body="乙", n=2)],
    )
    chart = chart_data(record)
    assert chart is not None and (chart.kind, chart.labels, chart.values) == ("bar", ["[1]", "[2]"], [3, 5])
    assert chart_data(Record(id="3", question="q", status="answered", table=record.table[:1])) is None


def test_png_and_its_place_after_the_table(tmp_path: Path) -> None:
    record = Record(
        id="2", question="q", status="answered", table=[row("甲", 2024, "3", n=1), row("乙", 2024, "5", n=2)]
    )
    png = chart_png(chart_data(record), tmp_path / "c.png", "公务接待费")  # type: ignore[arg-type]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = with_image("## 1. q\n\n| a |\n|---|\n| 1 |\n\n- [1] cite\n", "![chart](c.png)")
    assert text == "## 1. q\n\n| a |\n|---|\n| 1 |\n\n![chart](c.png)\n\n- [1] cite\n"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def two_years() -> list:
    return [load_document(PUTUO), load_document(BUDGET_2026)]


async def ask(pilot: Pilot, question: str) -> Exchange:
    await pilot.pause()
    pilot.app.query_one("#question", HistoryInput).value = question
    pilot.app.query_one("#question").focus()
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    return pilot.app.query(Exchange).last()


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_ranking_answer_shows_a_chart_beside_its_table(two_years: list, size: tuple[int, int]) -> None:
    app = DqaApp(library=Library.from_documents(two_years))
    async with app.run_test(size=size) as pilot:
        exchange = await ask(pilot, RANK_RECEPTION)
        table, chart = exchange.query_one(CompareTable), exchange.query_one(TrendChart)
        assert chart.chart.kind == "bar" and chart.chart.unit == "万元"
        assert chart.chart.values == [Decimal("0.83"), Decimal("0.00")]
        if size[0] >= 100:
            assert chart.region.x >= table.region.right and chart.region.y == table.region.y  # beside
        else:
            assert chart.region.y >= table.region.bottom  # below, on a narrow screen
        assert chart.region.width >= 24 and chart.region.height == 12


@pytest.mark.anyio
async def test_markdown_export_has_the_chart_png(two_years: list, tmp_path: Path) -> None:
    app = DqaApp(library=Library.from_documents(two_years), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, RANK_RECEPTION)
        app.write_markdown(tmp_path / "c.md")
    text = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert f"![chart: {RANK_RECEPTION}](c-1.png)" in text
    lines = text.splitlines()
    at = lines.index(f"![chart: {RANK_RECEPTION}](c-1.png)")
    assert lines[at - 2].startswith("| ") and (tmp_path / "c-1.png").read_bytes()[:4] == b"\x89PNG"


async def _ranking(pilot: Pilot) -> None:
    pilot.app.query_one("#question", HistoryInput).cursor_blink = False  # the snapshot must not catch a blink
    await ask(pilot, RANK_RECEPTION)
    for _ in range(4):  # the scroll to the answer's question runs after the layouts that size the chart
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_chart(snap_compare, two_years: list, size: tuple[int, int]) -> None:
    assert snap_compare(DqaApp(library=Library.from_documents(two_years)), terminal_size=size, run_before=_ranking)
