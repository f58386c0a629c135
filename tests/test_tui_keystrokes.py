"""The journalist's desk, counted: the keystrokes a user needs for each task (docs/BENCHMARKS.md, "The journalist's
desk"). Pilot drives the app as a user would: 5 questions, back 4 answers, open a citation, copy it, audit the report
in view, open a finding. Run with `-s` to print the table.

Typing a question's text is not counted; every other key press is."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from corpus.cache import load_document
from qa.library import Library
from tests.conftest import SAMPLES, SEED
from tui import DqaApp
from widgets import CitationLink, CompareTable, Exchange, HistoryInput

PUTUO = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"
QUESTIONS = [
    "上海市普陀区财政局2024年公务接待费预算数",
    "how much was spent on official vehicles",
    "and in 2018?",
    "会议费决算数",
    "培训费预算数是多少",
]
TARGETS = {"earlier answer": 3, "audit": 1}  # the targets: any earlier answer in ≤ 3 keys, an audit in 1


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Keys:
    """Presses keys through Pilot and counts them per task."""

    def __init__(self, pilot: Pilot) -> None:
        self.pilot = pilot
        self.counts: dict[str, int] = {}

    async def press(self, task: str, *keys: str) -> None:
        self.counts[task] = self.counts.get(task, 0) + len(keys)
        await self.pilot.press(*keys)
        await self.pilot.pause()


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def holder(app: DqaApp) -> Exchange | None:
    focused = app.focused
    return next((a for a in focused.ancestors_with_self if isinstance(a, Exchange)), None) if focused else None


@pytest.mark.anyio
async def test_keystrokes_per_task() -> None:
    library = Library.from_documents([load_document(SEED), load_document(PUTUO)])
    app = DqaApp(library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        box = app.query_one("#question", HistoryInput)
        for question in QUESTIONS:  # typing is not counted; Enter is
            box.value = question
            await keys.press("ask a question", "enter")
            await settle(pilot)
        keys.counts["ask a question"] //= len(QUESTIONS)
        exchanges = list(app.query(Exchange))
        assert [e.record is not None and e.record.status for e in exchanges] == ["answered"] * 5
        # what Tab alone would take to reach the first answer's first citation (one stop per citation and table)
        tab_stops_before = sum(len(e.query(CitationLink)) + len(e.query(CompareTable)) for e in exchanges[1:]) + 1

        await keys.press("earlier answer", "ctrl+up", "1")  # back 4 answers from the 5th: to Q1
        assert holder(app) is exchanges[0]
        await keys.press("open citation", "enter")
        assert app.query_one("#main").has_class("source-open")
        await keys.press("copy citation", "c")
        assert app.clipboard.startswith("上海市普陀区财政局, 上海市普陀区财政局2024年度部门决算.pdf")
        await keys.press("audit", "f4")
        await settle(pilot)
        assert str(app.query_one("#audit-status").content).startswith(PUTUO.name)
        await keys.press("open finding", "enter")
        source = app.query_one("#source")
        assert source.citation is not None and source.citation.quote  # the finding's evidence

    table = "\n".join(f"| {task} | {n} |" for task, n in keys.counts.items())
    print(f"\n| task | keys |\n|---|---|\n{table}\n(Tab alone to Q1's citation: {tab_stops_before})")
    assert keys.counts["earlier answer"] <= TARGETS["earlier answer"]
    assert keys.counts["audit"] <= TARGETS["audit"]
    assert keys.counts == {
        "ask a question": 1,
        "earlier answer": 2,
        "open citation": 1,
        "copy citation": 1,
        "audit": 1,
        "open finding": 1,
    }
    assert tab_stops_before > 2 * keys.counts["earlier answer"]  # the shortcut beats tabbing there
