"""The cited page as printed: a PDF page rendered to an image (pypdfium2) with the cited number's box drawn on it.

No Textual here: a PIL image in, a PIL image out, testable without a terminal.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from corpus.model import BBox, Document, Table
from qa.record import Citation

SCALE = 2.0  # pixels per PDF point: sharp enough for Kitty/Sixel; half-block cells downscale it anyway
BOX_COLOUR = (220, 30, 30)
BOX_MARGIN = 3.0  # points around the number


def printed_page(doc: Document) -> Path | None:
    """The report's PDF when it still exists where it was read (text and Word reports have no printed page)."""
    path = Path(doc.path)
    return path if path.suffix.lower() == ".pdf" and path.is_file() else None


def cited_box(pdf: Path, page_number: int, cite: Citation, table: Table | None) -> BBox | None:
    """Where the cited number is printed, in points from the page's top left: the cited cell's box, else the
    number found on the page (inside the quote when it is printed more than once), else None."""
    if table is not None and cite.row is not None and cite.col is not None:
        for cell in (c for row in table.header_rows + table.body_rows for c in row):
            if cell.row == cite.row and cell.col <= cite.col < cell.col + cell.colspan and cell.bbox is not None:
                return cell.bbox
    if not cite.value:
        return None
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[page_number - 1]
        height = page.get_height()
        text = page.get_textpage()
        hits = _find_all(text, cite.value)
        if not hits:
            return None
        anchor = _find_all(text, " ".join(cite.quote.split())[:12]) if cite.quote else []
        start = anchor[0][0] if anchor else 0
        index, count = min(hits, key=lambda h: (h[0] < start, abs(h[0] - start)))
        boxes = [text.get_charbox(i) for i in range(index, index + count)]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
        return BBox(x0=left, top=height - top, x1=right, bottom=height - bottom)
    finally:
        document.close()


def _find_all(text, needle: str) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    if not needle:
        return []
    search = text.search(needle, match_case=True)
    hits = []
    while (hit := search.get_next()) is not None:
        hits.append(hit)
    return hits


def render_page(pdf: Path, page_number: int, box: BBox | None = None, scale: float = SCALE) -> Image.Image:
    """The page as an RGB image, the box (if any) drawn around the cited number."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[page_number - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    if box is not None:
        m = BOX_MARGIN
        corners = [(box.x0 - m) * scale, (box.top - m) * scale, (box.x1 + m) * scale, (box.bottom + m) * scale]
        tint = Image.new("RGBA", image.size, (0, 0, 0, 0))
        ImageDraw.Draw(tint).rectangle(corners, fill=(*BOX_COLOUR, 70))  # still visible when shrunk to cells
        image = Image.alpha_composite(image.convert("RGBA"), tint).convert("RGB")
        line = max(2, image.width // 150)  # thick enough to survive half-block cells
        ImageDraw.Draw(image).rectangle(corners, outline=BOX_COLOUR, width=line)
    return image


def box_fraction(image: Image.Image, box: BBox | None, scale: float = SCALE) -> float:
    """How far down the page the box is (0 top, 1 bottom), to scroll the image to it."""
    if box is None:
        return 0.0
    return min(1.0, max(0.0, box.top * scale / image.height))
