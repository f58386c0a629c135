"""Read any supported file into a Document: pick the reader by extension, then detect metadata."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from corpus.errors import DqaError
from corpus.identity import read_identity
from corpus.model import Document, Page

SUPPORTED = (".pdf", ".txt", ".text", ".docx", ".xlsx")

_TITLE = re.compile(r"^(.{2,60}?(?:决算|预算)(?:公开)?)")


def supported_files(folder: Path) -> list[Path]:
    """Readable report files under a folder, in a stable order; hidden folders (.dqa, .git) skipped."""
    return sorted(
        f
        for f in folder.rglob("*")
        if f.is_file()
        and f.suffix.lower() in SUPPORTED
        and not any(part.startswith(".") for part in f.relative_to(folder).parts)
    )


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def read_document(path: str | Path) -> Document:
    """Read one file. Raises DqaError (naming the file and the reason) for anything unreadable."""
    path = Path(path)
    if not path.is_file():
        raise DqaError("no such file", path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DqaError(f"unsupported format '{suffix or '(none)'}' (supported: {', '.join(SUPPORTED)})", path)
    data = path.read_bytes()
    if not data:
        raise DqaError("the file is empty", path)
    pages = _read_pages(path, suffix, data)
    doc = Document(id=content_id(data), path=str(path), name=path.name, pages=pages)
    doc.warnings = [
        f"page {p.number} has no text layer; OCR is not supported" for p in pages if not p.has_text_layer
    ] + [
        f"page {p.number}: text uses a font without a Unicode map ((cid:x) or unreadable glyphs); "
        "its numbers may be missing"
        for p in pages
        if _garbled(p.text)
    ]
    if not any(p.has_text_layer for p in pages):
        raise DqaError("no page has a text layer (scanned?); OCR is not supported", path)
    _detect_metadata(doc)
    return doc


_GARBLED = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff]")


def _garbled(text: str) -> bool:
    """More than 5% of a page's characters are (cid:x) placeholders or unmappable glyphs."""
    bad = sum(len(m) for m in _GARBLED.findall(text))
    return bad > 20 and bad > 0.05 * len(text)


def _read_pages(path: Path, suffix: str, data: bytes) -> list[Page]:
    if suffix == ".pdf":
        from corpus.pdf import pdf_to_pages

        return pdf_to_pages(path)
    if suffix == ".docx":
        from corpus.office import docx_to_pages

        return docx_to_pages(path)
    if suffix == ".xlsx":
        from corpus.office import xlsx_to_pages

        return xlsx_to_pages(path)
    from corpus.text import decode, text_to_pages

    return text_to_pages(decode(data, path))


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
