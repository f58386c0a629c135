"""Read any supported file into a Document: pick the reader by extension, then detect metadata.

Every failure to read a file is a DqaError naming the file and the reason, whatever the reader raised, so a
caller can report it in one line and go on with the other files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from corpus.errors import DqaError, visible
from corpus.identity import read_identity
from corpus.limits import MAX_FILE_BYTES, MB
from corpus.model import Document, Page

SUPPORTED = (".pdf", ".txt", ".text", ".docx", ".xlsx")
PageProgress = Callable[[int, int], None]  # (pages read, pages in the file)

_TITLE = re.compile(r"^(.{2,60}?(?:决算|预算)(?:公开)?)")


def display_name(path: str | Path) -> str:
    """A document's name as shown everywhere: the file name, control characters made visible."""
    return visible(Path(path).name, one_line=True)


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def read_document(path: str | Path, on_page: PageProgress | None = None) -> Document:
    """Read one file. Raises DqaError (naming the file and the reason) for anything unreadable.

    `on_page` hears of each page read, for progress within a large file.
    """
    path = Path(path)
    try:
        return _read(path, on_page)
    except DqaError:
        raise
    except OSError as exc:
        raise DqaError(f"cannot be read ({exc.strerror or exc})", path) from None
    except MemoryError:
        raise DqaError("too large to read in the memory available", path) from None
    except Exception as exc:  # whatever a reader library raises on a damaged file, it is one line about that file
        raise DqaError(f"cannot be read ({type(exc).__name__}: {exc})", path) from exc


def _read(path: Path, on_page: PageProgress | None) -> Document:
    if not path.exists():
        raise DqaError("no such file", path)
    if not path.is_file():
        raise DqaError("not a regular file", path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DqaError(f"unsupported format '{suffix or '(none)'}' (supported: {', '.join(SUPPORTED)})", path)
    size = path.stat().st_size
    if size == 0:
        raise DqaError("the file is empty", path)
    if size > MAX_FILE_BYTES:
        raise DqaError(f"{size / MB:.0f} MB is over the {MAX_FILE_BYTES // MB} MB limit for one file", path)
    data = path.read_bytes()
    pages, warnings = _read_pages(path, suffix, data, on_page)
    doc = Document(id=content_id(data), path=str(path), name=display_name(path), pages=pages)
    doc.warnings = (
        warnings
        + [f"page {p.number} has no text layer; OCR is not supported" for p in pages if not p.has_text_layer]
        + [
            f"page {p.number}: text uses a font without a Unicode map ((cid:x) or unreadable glyphs); "
            "its numbers may be missing"
            for p in pages
            if _garbled(p.text)
        ]
    )
    if not any(p.has_text_layer for p in pages):
        raise DqaError("no page has a text layer (scanned?); OCR is not supported", path)
    _detect_metadata(doc)
    return doc


_GARBLED = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff]")


def _garbled(text: str) -> bool:
    """More than 5% of a page's characters are (cid:x) placeholders or unmappable glyphs."""
    bad = sum(len(m) for m in _GARBLED.findall(text))
    return bad > 20 and bad > 0.05 * len(text)


def _read_pages(path: Path, suffix: str, data: bytes, on_page: PageProgress | None) -> tuple[list[Page], list[str]]:
    """The pages and the reader's warnings."""
    if suffix == ".pdf":
        from corpus.pdf import pdf_to_pages

        return pdf_to_pages(path, on_page), []
    if suffix == ".docx":
        from corpus.office import docx_to_pages

        return docx_to_pages(path), []
    if suffix == ".xlsx":
        from corpus.office import xlsx_to_pages

        return xlsx_to_pages(path)
    from corpus.text import decode, text_to_pages

    text, warnings = decode(data, path)
    return text_to_pages(text), warnings


def _detect_metadata(doc: Document) -> None:
    """The title line, and the report's identity (corpus.identity): its body, year and kind come from there."""
    head = "\n".join(p.text for p in doc.pages)[:6000]
    doc.title = _title(head)
    doc.identity = read_identity(doc)
    doc.department, doc.year, doc.kind = doc.identity.body, doc.identity.year, doc.identity.kind
    if not doc.title:
        doc.title = "".join(x for x in (doc.department, f"{doc.year}年度" if doc.year else "", f"部门{doc.kind}") if x)


def _title(head: str) -> str:
    """The first short line naming a 决算/预算, cut after that word ("…部门决算2025 年 8 月" → "…部门决算")."""
    for line in head.split("\n")[:20]:
        line = line.strip()
        m = _TITLE.match(line)
        if m and "表" not in line and len(line) < 80:
            return m.group(1).strip()
    return ""
