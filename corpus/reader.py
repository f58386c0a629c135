"""Read any supported file into a Document: pick the reader by extension, then detect metadata."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from corpus.errors import DqaError
from corpus.model import Document, Page

SUPPORTED = (".pdf", ".txt", ".text", ".docx", ".xlsx")

_YEAR = re.compile(r"(20\d{2})\s*年")
_ORG = re.compile(
    r"(?:中共)?[\u4e00-\u9fff]{2,8}?(?:省|市)[\u4e00-\u9fff]{0,8}?(?:区|县|市)?[\u4e00-\u9fff（）]{1,20}?"
    r"(?:办公室|办公厅|委员会|常委会|局|检察院|法院|部|厅|中心|街道办事处|大学|学校|福利院)"
)
_TITLE = re.compile(r"^(.{2,60}?(?:决算|预算)(?:公开)?)")
_DEPT_LABEL = re.compile(r"(?:预算主管部门|主管部门|部门名称|单位名称|部门)\s*[:：]\s*([\u4e00-\u9fff（）()]{2,30})")
_ORG_SUFFIX = re.compile(
    r"(?:办公室|办公厅|委员会|常委会|局|检察院|法院|部|厅|中心|街道办事处|大学|学校|福利院|委|会)$"
)
_KIND_WORDS = {
    "决算": ("部门决算", "单位决算", "决算公开", "决算情况说明", "年度决算"),
    "预算": ("部门预算", "单位预算", "预算公开", "预算情况说明", "年度预算", "区级部门预算"),
}


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
    """Title, department, year and kind from the text and the file name.

    The kind is whichever of 决算/预算 the report calls itself most.
    """
    text = "\n".join(p.text for p in doc.pages)
    head = text[:6000]
    counts = {kind: sum(text.count(w) + 5 * doc.name.count(w) for w in words) for kind, words in _KIND_WORDS.items()}
    doc.kind = max(counts, key=counts.get) if max(counts.values()) else "other"  # type: ignore[arg-type]
    doc.title = _title(head)
    years = _YEAR.findall(doc.title) or _YEAR.findall(doc.name) or _YEAR.findall(head)
    doc.year = (
        int(years[0])
        if _YEAR.findall(doc.title)
        else (int(max(set(years[:10]), key=years[:10].count)) if years else None)
    )
    doc.department = _department(head, doc.title, doc.name)
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


def _department(head: str, title: str, name: str) -> str:
    """The title's words before its year when they name an organisation; else a printed
    "主管部门：X" / "单位名称：X"; else the organisation named most often."""
    prefix = re.split(r"\s*20\d{2}\s*年", title)[0].strip() if title else ""
    if re.fullmatch(r"[\u4e00-\u9fff（）()]{2,30}", prefix) and _ORG_SUFFIX.search(prefix):
        return prefix
    for m in _DEPT_LABEL.finditer(head):
        label = re.sub(r"单位?$", "", m.group(1))
        if len(label) >= 4 and _ORG_SUFFIX.search(label):
            return label
    orgs = _ORG.findall(head) or _ORG.findall(name)
    return max(set(orgs), key=lambda o: (orgs.count(o), len(o))) if orgs else prefix
