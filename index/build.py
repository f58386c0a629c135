"""Bring an index up to date with files on disk: add new and changed, drop deleted.

Parsing is the slow part, so it runs in a pool of PARSE_WORKERS processes while
the main process embeds and writes. Unchanged files are skipped on mtime+size,
then on the content hash. One bad file is reported and the rest go on.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.cache import CACHE_VERSION as PARSER_VERSION
from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.model import Document, Fact
from corpus.reader import content_id, read_document, supported_files
from index.chunks import Chunk, document_chunks
from index.embed import load_embedder
from index.store import Store

PARSE_WORKERS = 2
SAVE_EVERY_S = 30.0


class BuildReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = Field(default_factory=list)
    failed: list[tuple[str, str]] = Field(default_factory=list)
    repaired: tuple[int, int] = (0, 0)


class Parsed(BaseModel):
    """What a worker hands back: JSON across the process boundary, validated on arrival."""

    doc: Document
    facts: list[Fact]
    chunks: list[Chunk]


class FileIndexed(BaseModel):
    """Progress of a build: one more of the files that needed parsing is done (indexed, or failed with `error`)."""

    done: int
    total: int
    path: str
    error: str | None = None


def index_paths(
    paths: list[str | Path], index_dir: str | Path, model: str | None = None,
    on_file: Callable[[FileIndexed], None] | None = None,
) -> BuildReport:  # fmt: skip
    """Index files and directories into `index_dir`; raises DqaError only for a model mismatch.

    `on_file` hears about each file that needed parsing as it is done, so a caller can draw progress.
    """
    report = BuildReport()
    store = Store(index_dir)
    try:
        recorded = store.model()
        embedder = load_embedder(model or (recorded[0] if recorded else None))
        store.check_model(embedder.name, embedder.dim)
        report.repaired = store.repair(embedder.encode)
        files, roots = _collect(paths, report)
        _drop_deleted(store, roots, files, report)
        todo = [f for f in files if _needs_parse(store, f, report, set(files))]
        last_save = time.monotonic()
        parsing = _parse_all(todo)
        try:
            for done, (path, parsed, error) in enumerate(parsing, start=1):
                if parsed is None:
                    report.failed.append((path, error or "unknown error"))
                else:
                    stat = os.stat(path)
                    vectors = embedder.encode([c.text for c in parsed.chunks])
                    store.add_document(parsed.doc, parsed.chunks, parsed.facts, vectors, stat.st_mtime, stat.st_size)
                    report.added.append(path)
                    if time.monotonic() - last_save > SAVE_EVERY_S:
                        store.save_vectors()
                        last_save = time.monotonic()
                if on_file:
                    on_file(FileIndexed(done=done, total=len(todo), path=path, error=error if parsed is None else None))
        finally:
            parsing.close()  # stops the workers at once, also on Ctrl-C
        if todo or report.removed:
            store.save_vectors()
    except KeyboardInterrupt:
        store.save_vectors()  # documents indexed so far are kept
        raise
    finally:
        store.close()
    return report


def _collect(paths: list[str | Path], report: BuildReport) -> tuple[list[str], list[str]]:
    """Supported files under the given paths (hidden folders skipped) and the folders walked."""
    files: list[str] = []
    roots: list[str] = []
    for given in paths:
        path = Path(given).resolve()
        if path.is_dir():
            roots.append(str(path))
            files += [str(p) for p in supported_files(path)]
        elif path.is_file():
            files.append(str(path))
        else:
            report.failed.append((str(given), "no such file or directory"))
    return list(dict.fromkeys(files)), roots


def _drop_deleted(store: Store, roots: list[str], files: list[str], report: BuildReport) -> None:
    """Documents whose file was under an indexed folder and is gone now."""
    present = set(files)
    for row in store.documents():
        inside = any(row["path"].startswith(root + os.sep) for root in roots)
        if inside and row["path"] not in present and not os.path.exists(row["path"]):
            store.remove_document(row["id"])
            report.removed.append(row["path"])


def _needs_parse(store: Store, path: str, report: BuildReport, files: set[str]) -> bool:
    """False for a file the index already has, parsed by this reader: same mtime and size, or else
    the same content (then the file was touched, moved, or its folder copied with the index in it).
    Two files of this run with one content are indexed once; the second is reported."""
    stat = os.stat(path)
    row = store.db.execute("SELECT id, mtime, size, parser FROM documents WHERE path = ?", (path,)).fetchone()
    if row is not None and row["parser"] != PARSER_VERSION:
        return True  # the reader changed since: parse again
    if row is not None and row["mtime"] == stat.st_mtime and row["size"] == stat.st_size:
        report.unchanged += 1
        return False
    digest = content_id(Path(path).read_bytes())
    same = store.db.execute("SELECT path, parser FROM documents WHERE id = ?", (digest,)).fetchone()
    if same is not None and same["parser"] != PARSER_VERSION and same["path"] == path:
        return True
    if same is not None and (same["path"] == path or same["path"] not in files):
        store.touch(digest, path, stat.st_mtime, stat.st_size)  # touched, moved or copied with its index
        report.unchanged += 1
        return False
    if same is not None:
        report.failed.append((path, f"same content as {same['path']}, which is indexed already"))
        return False
    return True


def _parse_all(paths: list[str]):  # type: ignore[no-untyped-def]
    """Yield (path, Parsed | None, error) as the workers finish, in completion order."""
    if not paths:
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process holding BLAS/torch threads
    with context.Pool(min(PARSE_WORKERS, len(paths)), initializer=_ignore_sigint) as pool:
        for path, payload, error in pool.imap_unordered(parse_file, paths):
            yield path, (Parsed.model_validate_json(payload) if payload else None), error


def _ignore_sigint() -> None:
    """Ctrl-C is the main process's to handle: it stops the pool and keeps what was indexed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def parse_file(path: str) -> tuple[str, str | None, str | None]:
    """Worker: read, extract facts and chunk one file; returns (path, Parsed JSON, error)."""
    try:
        doc = read_document(path)
        facts = _facts(doc)
        return path, Parsed(doc=doc, facts=facts, chunks=document_chunks(doc, facts)).model_dump_json(), None
    except DqaError as exc:
        return path, None, str(exc).removeprefix(f"{path}: ")
    except Exception as exc:  # a reader bug on one file must not stop the other files
        return path, None, f"unexpected {type(exc).__name__}: {exc}"


def _facts(doc: Document) -> list[Fact]:
    """The document's facts; a warning if extraction fails, since the text and tables are still worth indexing."""
    try:
        return document_facts(doc)
    except Exception as exc:
        doc.warnings.append(f"facts not extracted: {type(exc).__name__}: {exc}")
        return []
