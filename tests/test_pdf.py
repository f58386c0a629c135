"""The PDF reader on the bundled samples: tables, headers, continuations, narrative, and bad files."""

from __future__ import annotations

import io
import re
import zlib
from itertools import pairwise
from pathlib import Path

import pytest
from PIL import Image

from corpus.errors import DqaError
from corpus.model import Document, Table
from corpus.reader import read_document

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PUTUO = "上海市普陀区财政局2024年度部门决算.pdf"
JIANGSU_TABLES = "江苏省人大常委会办公厅2019年部门预算公开表.pdf"
SWU = "28_swu_2024_final_accounts__download.jsp.pdf"


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {}


def _doc(docs: dict[str, Document], name: str) -> Document:
    if name not in docs:
        docs[name] = read_document(SAMPLES / name)
    return docs[name]


def _table_on(doc: Document, page: int, title: str) -> Table:
    return next(t for t in doc.pages[page - 1].tables if title in t.title)


def _texts(row) -> list[str]:
    return [c.text for c in row]


def test_two_page_summary_table_is_one_table(docs):
    table = _table_on(_doc(docs, PUTUO), 6, "收入支出决算总表")
    assert table.pages == [6, 7]
    assert table.unit == "万元"
    assert table.header_path(1) == ["收入", "决算数"]
    first = _texts(table.body_rows[0])
    assert first[:2] == ["一、一般公共预算财政拨款收入", "2,940.05"]
    carried = next(r for r in table.body_rows if r[0].text == "年初结转和结余")
    assert [c.text for c in carried][:2] == ["年初结转和结余", "49.14"]
    assert {c.page for c in carried} == {7}
    assert table.body_rows[-1][0].text == "总计"


def test_three_level_sangong_header(docs):
    table = _table_on(_doc(docs, PUTUO), 18, "三公")
    assert "财政拨款“三公”经费支出决算表" in table.title
    assert table.n_cols == 12
    paths = [table.header_path(c) for c in range(12)]
    run = next(p for p in paths if "公务用车运行费" in p and p[-1] == "决算数")
    assert "公务用车购置及运行费" in run
    assert not any(all(not c.text for c in row) for row in table.header_rows)
    assert table.body_rows[0][0].text == "0.95"


def test_merged_cells_are_one_cell_with_a_span(docs):
    table = _table_on(_doc(docs, PUTUO), 18, "三公")
    band = table.header_rows[0][0]
    assert band.colspan == 12 and band.rowspan == 1
    cols = [(c.col, c.colspan) for c in table.header_rows[1]]
    assert cols == sorted(cols) and all(a + w <= b for (a, w), (b, _) in pairwise(cols))


def test_jiangsu_title_and_unit_from_first_cell(docs):
    table = _doc(docs, JIANGSU_TABLES).pages[0].tables[0]
    assert table.title == "收支预算总表"
    assert table.unit == "万元"
    assert not any("公开表" in c.text for row in table.header_rows for c in row)
    assert _texts(table.body_rows[0])[:2] == ["一、财政拨款", "18,330.37"]


def test_fused_total_row_is_split(docs):
    table = _table_on(_doc(docs, SWU), 14, "财政拨款支出决算表")
    assert ["类", "款", "项"] == _texts(table.header_rows[-1])[:3]
    total = _texts(table.body_rows[0])
    assert total[0] == "合计" and "266,783.56" in total
    assert table.body_rows[0][0].colspan == 4


def test_narrative_keeps_numbers_set_below_the_baseline_on_their_line(docs):
    doc = _doc(docs, PUTUO)
    text = "\n".join(p.text for p in doc.pages[20:23])
    assert "本年收入合计2946.25万元" in text
    assert "本年支出合计2940.05万元" in text


def test_narrative_excludes_table_cells_and_page_numbers(docs):
    doc = _doc(docs, PUTUO)
    assert "2,106.66" not in doc.pages[5].text
    for name in (PUTUO, SWU, "江苏省人大常委会2019年度部门预算公开.pdf"):
        for page in _doc(docs, name).pages:
            assert not any(re.fullmatch(r"\d{1,3}", p.text) for p in page.paragraphs), (name, page.number)


def test_paragraph_spans_index_page_text(docs):
    for page in _doc(docs, PUTUO).pages:
        for p in page.paragraphs:
            assert page.text[p.start : p.end] == p.text


def test_blocks_in_reading_order(docs):
    page = _doc(docs, PUTUO).pages[5]
    kinds = [b.kind for b in page.blocks]
    assert kinds.index("table") > 0 and "收入支出决算总表" in page.blocks[kinds.index("table") - 1].text


def test_wrapped_cell_text_joins_without_spaces(docs):
    table = _table_on(_doc(docs, PUTUO), 16, "基本支出决算表")
    labels = {c.text for row in table.body_rows for c in row}
    assert "机关事业单位基本养老保险缴费" in labels


# ---------------------------------------------------------------- bad files


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF file from object bodies (object 1 is the catalog), with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d " % len(data) + extra + b">>\nstream\n" + data + b"\nendstream"


def _text_and_image_pdf(with_text: bool) -> bytes:
    """Page 1 prints a line of text (if `with_text`); page 2 holds only an image, like a scan."""
    pixels = zlib.compress(Image.new("L", (8, 8), 128).tobytes())
    text = b"BT /F1 12 Tf 72 720 Td (Budget 2024: 100.00) Tj ET" if with_text else b""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
            b" /Resources << /Font << /F1 7 0 R >> >> >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R"
            b" /Resources << /XObject << /Im1 8 0 R >> >> >>",
            _stream(text),
            _stream(b"q 500 0 0 700 50 50 cm /Im1 Do Q"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            _stream(
                pixels,
                b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray"
                b" /BitsPerComponent 8 /Filter /FlateDecode ",
            ),
        ]
    )


def test_corrupt_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(DqaError, match="not a valid PDF"):
        read_document(path)


def test_encrypted_pdf_is_a_clear_error(tmp_path):
    """A standard-security /Encrypt dictionary whose user password is not empty."""
    path = tmp_path / "locked.pdf"
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <%s> /U <%s> >>" % (
        b"11" * 32,
        b"22" * 32,
    )
    data = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            encrypt,
        ],
        b"/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ",
    )
    path.write_bytes(data)
    with pytest.raises(DqaError, match=r"encrypted PDF \(password required\)"):
        read_document(path)


def test_pdf_without_pages_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    with pytest.raises(DqaError, match="no pages"):
        read_document(path)


def test_image_only_page_is_flagged(tmp_path):
    path = tmp_path / "mixed.pdf"
    path.write_bytes(_text_and_image_pdf(with_text=True))
    doc = read_document(path)
    assert [p.has_text_layer for p in doc.pages] == [True, False]
    assert doc.warnings == ["page 2 has no text layer; OCR is not supported"]
    assert "100.00" in doc.pages[0].text


def test_scanned_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (200, 300), "white").save(path, "PDF")
    with pytest.raises(DqaError, match="no page has a text layer"):
        read_document(path)


def test_a_table_reprinted_with_title_header_and_total_on_the_next_page_is_one_table(tmp_path: Path) -> None:
    """Some reports print every page of a long statement with its title, header and 合计 row again (佛山's
    收入决算表): one table, the repeated first row once. A sample page printed twice stands in for such a report."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(SAMPLES / "shpt_sfj_2026_budget.pdf")
    reprint = pdfium.PdfDocument.new()
    reprint.import_pages(source, [11, 11])
    reprint.save(tmp_path / "reprint.pdf")
    once = read_document(SAMPLES / "shpt_sfj_2026_budget.pdf").pages[11].tables[0]
    (table,) = [t for page in read_document(tmp_path / "reprint.pdf").pages for t in page.tables]
    assert table.pages == [1, 2]
    texts = [[c.text for c in row] for row in table.body_rows]
    assert texts.count([c.text for c in once.body_rows[0]]) == 1  # the repeated first row once
    on_the_page = sum(1 for row in once.body_rows if row[0].page == 12)
    assert len(table.body_rows) == 2 * on_the_page - 1
