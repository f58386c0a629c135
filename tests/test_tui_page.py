"""The printed page (issue 16): the cited PDF page rendered (pypdfium2) with the cited number boxed, toggled with the
text view by `p`; snapshot-tested in half-block cells."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from textual.pilot import Pilot

from corpus.cache import load_document
from qa.library import Library
from qa.record import Citation
from tests.conftest import SAMPLES, SEED
from tui import DqaApp
from widgets import Exchange, HistoryInput, SourcePane
from widgets.format import find_table
from widgets.page_image import PageImage
from widgets.page_render import SCALE, cited_box, printed_page, render_page

PUTUO = SAMPLES / "上海市普陀区财政局2024年度部门决算.pdf"
RECEPTION = "上海市普陀区财政局2024年公务接待费预算数"
pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata is deprecated:DeprecationWarning")  # textual-image


@pytest.fixture(scope="module")
def putuo():  # type: ignore[no-untyped-def]
    return load_document(PUTUO)


def printed_in(pdf, page: int, box) -> str:  # type: ignore[no-untyped-def]
    """The text pdfium finds inside a box given in points from the top left."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        p = document[page - 1]
        height = p.get_height()
        return p.get_textpage().get_text_bounded(box.x0, height - box.bottom, box.x1, height - box.top).strip()
    finally:
        document.close()


def test_a_table_citation_boxes_its_cell(putuo) -> None:  # type: ignore[no-untyped-def]
    cite = Citation(doc=putuo.name, page=18, quote="0.95 | 0.95", table="p18t1", row=4, col=10, value="0.95")
    box = cited_box(printed_page(putuo), 18, cite, find_table(putuo, "p18t1"))
    assert box is not None and printed_in(printed_page(putuo), 18, box) == "0.95"


def test_a_sentence_citation_boxes_the_number_inside_its_quote(putuo) -> None:  # type: ignore[no-untyped-def]
    quote = "公务接待费支出决算为0.00万元，完成预算的0%。"  # 0.00万元 is printed five times on the page
    cite = Citation(doc=putuo.name, page=23, quote=quote, value="0.00万元")
    pdf = printed_page(putuo)
    box = cited_box(pdf, 23, cite, None)
    assert box is not None and printed_in(pdf, 23, box) == "0.00万元"
    wider = type(box)(x0=box.x0 - 110, top=box.top, x1=box.x1, bottom=box.bottom)
    assert printed_in(pdf, 23, wider).endswith("公务接待费支出决算为0.00万元")  # the one after 公务接待费
    image = render_page(pdf, 23, box)
    x, y = round((box.x0 + box.x1) / 2 * SCALE), round(box.bottom * SCALE + 4)
    red, green, _ = image.getpixel((x, y))
    assert red > 180 and green < 80  # the box's line is drawn there


def test_text_reports_have_no_printed_page() -> None:
    assert printed_page(load_document(SEED)) is None


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def ask(pilot: Pilot, question: str) -> Exchange:
    await pilot.pause()
    pilot.app.query_one("#question", HistoryInput).value = question
    pilot.app.query_one("#question").focus()
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.query(Exchange).last()


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.mark.anyio
async def test_p_toggles_the_printed_page(putuo) -> None:  # type: ignore[no-untyped-def]
    app = DqaApp(library=Library.from_documents([putuo]), image_mode="halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, RECEPTION)
        await pilot.press("ctrl+up", "enter", "p")
        await settle(pilot)
        source = app.query_one("#source", SourcePane)
        view = source.query_one("#image-view", PageImage)
        assert source.showing_image and view.display and not source.query_one("#table-view").display
        assert view.image is not None and view.image.size == (round(842 * SCALE), round(595 * SCALE))
        assert "boxed in red" in str(view.query_one("#image-note").content)
        await pilot.press("p")
        assert not source.showing_image and source.query_one("#table-view").display


@pytest.mark.anyio
async def test_the_printed_page_follows_the_next_citation_and_says_when_there_is_none(putuo) -> None:  # type: ignore[no-untyped-def]
    app = DqaApp(library=Library.from_documents([putuo, load_document(SEED)]), image_mode="halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, RECEPTION)
        await ask(pilot, "how much did 资阳市雁江区人民政府办公室 spend on official vehicles")
        await pilot.press("ctrl+up", "ctrl+up", "enter", "p")
        await settle(pilot)
        source = app.query_one("#source", SourcePane)
        assert source.page_number == 18
        await pilot.press("ctrl+down", "enter")  # the seed report is plain text
        await settle(pilot)
        assert source.showing_image and "no printed page" in str(source.query_one("#image-note").content)


async def _printed(pilot: Pilot) -> None:
    pilot.app.query_one("#question", HistoryInput).cursor_blink = False  # the snapshot must not catch a blink
    await ask(pilot, RECEPTION)
    await pilot.press("ctrl+up", "enter", "p")
    await settle(pilot)
    for _ in range(4):  # the image sizes after it is set; the scroll to the box follows the layouts
        await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_printed_page(snap_compare, putuo, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = DqaApp(library=Library.from_documents([putuo]), image_mode="halfcell")
    assert snap_compare(app, terminal_size=size, run_before=_printed)
