"""Parsed documents cached by content hash, so an unchanged file is never parsed twice.

The cache holds pydantic JSON only, nothing executable: `<cache>/<content id>.json`.
A damaged or outdated cache file is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import ValidationError

from corpus.model import Document
from corpus.reader import content_id, display_name, read_document


def _parser_version() -> str:
    """A hash of the reader's own source and the schema data it classifies with: a changed parser or schema
    never serves stale documents or facts."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for source in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".tsv", ".toml")):
        digest.update(str(source.relative_to(root)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


CACHE_VERSION = _parser_version()


def cache_dir() -> Path:
    """$DQA_CACHE, else ~/.cache/dqa/documents."""
    return Path(os.environ.get("DQA_CACHE") or Path.home() / ".cache" / "dqa" / "documents")


def load_document(path: str | Path, cache: Path | None = None) -> Document:
    path = Path(path)
    cache = cache or cache_dir()
    try:
        if not path.is_file():
            raise OSError  # a FIFO or device would block the read below
        key = content_id(path.read_bytes())
    except OSError:
        return read_document(path)  # let the reader name the problem
    cached = cache / f"{key}.v{CACHE_VERSION}.json"
    if cached.is_file():
        try:
            doc = Document.model_validate_json(cached.read_text(encoding="utf-8"))
            return doc.model_copy(update={"path": str(path), "name": display_name(path)})
        except (ValidationError, OSError, UnicodeDecodeError):
            pass
    doc = read_document(path)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(doc.model_dump_json(), encoding="utf-8")
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only cache only costs speed
    return doc
