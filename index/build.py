"""Bring an index up to date with files on disk: add new and changed, drop deleted.

Two phases. Documents first: a pool of PARSE_WORKERS processes reads files while
the main process writes each document with its facts, chunks and text index; from
then on questions are answered. Vectors second (`vectors=False` leaves them for
later, e.g. a TUI worker): the chunks without one are embedded in batches; dense
retrieval uses them as they are saved. Unchanged files are skipped on mtime+size,
then on the content hash. One bad file is reported and the rest go on; a file
that no longer reads loses its old content from the index. One writer at a time
(`writer_lock`); the workers die with the main process (PR_SET_PDEATHSIG) and
report their pages as they read them, so a large file shows progress.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.cache import CACHE_VERSION as PARSER_VERSION
from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.files import corpus_files
from corpus.model import Document, Fact
from corpus.reader import content_id, read_document
from index.chunks import document_chunks
from index.embed import Embedder, load_embedder
from index.rows import DocumentRows, document_rows
from index.store import Store, writer_lock

PARSE_WORKERS = 2
PROGRESS_EVERY_S = 0.5
PUBLISH_EVERY_S = 5.0  # how often the text index publishes the documents written since


class BuildReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = Field(default_factory=list)
    failed: list[tuple[str, str]] = Field(default_factory=list)
    repaired: tuple[int, int] = (0, 0)
    links: list[tuple[str, str]] = Field(default_factory=list)  # (link, target) of reports linked from outside
    notes: list[str] = Field(default_factory=list)  # what the health check found and did


class FileIndexed(BaseModel):
    """Progress of a build: `done` of the `total` files that needed parsing are done. The event is about `path`:
    it was indexed (with `warnings`), or failed with `error`; or, while it is still being read or embedded,
    `step` ("reading" or "embedding") is at `part` of `parts` (pages, passages). A `note` is a line for the
    user (a wait for another writer, a repair)."""

    done: int
    total: int
    path: str
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    step: str | None = None
    part: int = 0
    parts: int = 0
    note: str | None = None


def index_paths(
    paths: list[str | Path], index_dir: str | Path, model: str | None = None,
    on_file: Callable[[FileIndexed], None] | None = None, vectors: bool = True,
) -> BuildReport:  # fmt: skip
    """Index files and directories into `index_dir`; raises DqaError only for a model mismatch or a lock held
    too long.

    `on_file` hears about each file that needed parsing as it is done, and of progress within large files and
    of the vector phase (step "embedding", `path` the index), so a caller can draw progress. `vectors=False`
    stops after the documents (see `embed_vectors`).
    """
    report = BuildReport()
    tell = on_file or (lambda event: None)
    with writer_lock(index_dir, lambda note: tell(FileIndexed(done=0, total=0, path=str(index_dir), note=note))):
        store = Store(index_dir, rebuild=True)
        try:
            _build(store, paths, model, report, tell, vectors)
        except KeyboardInterrupt:
            store.save_vectors()  # documents indexed so far are kept
            raise
        finally:
            report.notes = store.notes
            store.close()
    for note in report.notes:
        tell(FileIndexed(done=len(report.added), total=len(report.added), path=str(index_dir), note=note))
    return report


def embed_vectors(index_dir: str | Path, on_file: Callable[[FileIndexed], None] | None = None) -> tuple[int, int]:
    """The vector phase alone, for an index whose documents are written: (embedded, removed) counts. What the
    vector file's check found is told to `on_file` as notes."""
    tell = on_file or (lambda event: None)
    with writer_lock(index_dir, lambda note: tell(FileIndexed(done=0, total=0, path=str(index_dir), note=note))):
        store = Store(index_dir)
        try:
            return _vectors(store, _embedder(store, None), tell)
        except KeyboardInterrupt:
            store.save_vectors()  # the vectors computed so far are kept
            raise
        finally:
            store.close()
            for note in store.notes:
                tell(FileIndexed(done=0, total=0, path=str(index_dir), note=note))


def _embedder(store: Store, model: str | None) -> Embedder:
    """The index's model (recorded for a new index); refuses another one for an existing index."""
    recorded = store.model()
    embedder = load_embedder(model or (recorded[0] if recorded else None))
    store.check_model(embedder.name, embedder.dim)
    return embedder


def _vectors(store: Store, embedder: Embedder, tell: Callable[[FileIndexed], None]) -> tuple[int, int]:
    root = str(store.root)

    def batch(done: int, total: int) -> None:
        tell(FileIndexed(done=done, total=total, path=root, step="embedding", part=done, parts=total))

    return store.repair(embedder.encode, batch)


def _build(
    store: Store, paths: list[str | Path], model: str | None, report: BuildReport, tell: Callable[[FileIndexed], None],
    vectors: bool,
) -> None:  # fmt: skip
    recorded = store.model()
    embedder = _embedder(store, model) if model or recorded is None or vectors else None
    store.mend_text()  # documents a crash left out of the text index
    found = corpus_files(paths)
    report.failed += found.refused
    report.links = found.links
    for path, _ in found.refused:
        _forget(store, path, report)
    files = set(found.files)
    known = {row["path"]: row for row in store.db.execute("SELECT id, path, mtime, size, parser FROM documents")}
    _drop_deleted(store, found.folders, files, known, report)
    todo = [f for f in found.files if _needs_parse(store, f, known.get(f), report, files)]
    done = 0
    published = time.monotonic()

    def progress(path: str, step: str, part: int, parts: int) -> None:
        tell(FileIndexed(done=done, total=len(todo), path=path, step=step, part=part, parts=parts))

    parsing = _parse_all(todo, lambda path, part, parts: progress(path, "reading", part, parts))
    try:
        for path, parsed, error in parsing:
            done += 1
            stat = _stat(path) if parsed else None
            if parsed is None or stat is None:
                error = error or "the file vanished while it was read"
                report.failed.append((path, error))
                _forget(store, path, report)
            else:
                store.add_document(parsed, stat.st_mtime, stat.st_size)
                report.added.append(path)
                if time.monotonic() - published > PUBLISH_EVERY_S:
                    store.commit_text()
                    published = time.monotonic()
            warnings = parsed.warnings if parsed and stat else []
            tell(FileIndexed(done=done, total=len(todo), path=path, error=error, warnings=warnings))
    finally:
        parsing.close()  # stops the workers at once, also on Ctrl-C
    store.commit_text()
    if vectors and embedder is not None:
        report.repaired = _vectors(store, embedder, tell)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _forget(store: Store, path: str, report: BuildReport) -> None:
    """A file that no longer reads must not be answered from its old content."""
    row = store.db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
    if row is not None:
        store.remove_document(row["id"])
        report.removed.append(path)


def _drop_deleted(
    store: Store, roots: list[str], files: set[str], known: dict[str, sqlite3.Row], report: BuildReport
) -> None:  # fmt: skip
    """Documents whose file was under an indexed folder and is gone now (`known`: every document's row by path)."""
    for path in [p for p in known if p not in files]:
        if any(path.startswith(root + os.sep) for root in roots) and not os.path.exists(path):
            store.remove_document(known.pop(path)["id"])
            report.removed.append(path)


def _needs_parse(
    store: Store, path: str, row: sqlite3.Row | None, report: BuildReport, files: set[str]
) -> bool:  # fmt: skip
    """False for a file the index already has (`row`, its document row read with all the others at once), parsed
    by this reader: same mtime and size, or else the same content (then the file was touched, moved, or its folder
    copied with the index in it). Two files of this run with one content are indexed once; the second is reported."""
    try:
        stat = os.stat(path)
    except OSError:
        return True  # a broken link: the reader names the problem
    if row is not None and row["parser"] != PARSER_VERSION:
        return True  # the reader changed since: parse again
    if row is not None and row["mtime"] == stat.st_mtime and row["size"] == stat.st_size:
        report.unchanged += 1
        return False
    try:
        digest = content_id(Path(path).read_bytes())
    except OSError:
        return True  # unreadable: the reader names the problem
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


def _parse_all(
    paths: list[str], on_page: Callable[[str, int, int], None]
) -> Iterator[tuple[str, DocumentRows | None, str | None]]:
    """Yield (path, DocumentRows | None, error) as the workers finish, in completion order, telling `on_page` of the
    pages they read meanwhile."""
    if not paths:
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process holding BLAS/torch threads
    pages = context.Queue()
    workers = min(PARSE_WORKERS, len(paths))
    with context.Pool(workers, initializer=_worker_init, initargs=(pages, os.getpid())) as pool:
        results = pool.imap_unordered(parse_file, paths)
        while True:
            try:
                path, payload, error = results.next(timeout=PROGRESS_EVERY_S)
            except multiprocessing.TimeoutError:
                continue
            except StopIteration:
                break
            finally:
                _drain(pages, on_page)
            yield path, (DocumentRows.model_validate_json(payload) if payload else None), error


def _drain(pages: multiprocessing.Queue, on_page: Callable[[str, int, int], None]) -> None:  # type: ignore[type-arg]
    latest: dict[str, tuple[int, int]] = {}
    while True:
        try:
            path, part, parts = pages.get_nowait()
        except queue.Empty:
            break
        latest[path] = (part, parts)
    for path, (part, parts) in latest.items():
        on_page(path, part, parts)


_pages: multiprocessing.Queue | None = None  # type: ignore[type-arg]  # in a worker: where its pages are reported


def _worker_init(pages: multiprocessing.Queue, parent: int) -> None:  # type: ignore[type-arg]
    """Ctrl-C is the main process's to handle (it stops the pool and keeps what was indexed), and a worker
    dies with the main process, however that ends (Linux: PR_SET_PDEATHSIG), so none is left behind."""
    global _pages
    _pages = pages
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the main process died before the line above
            os._exit(1)


def _report_page(path: str) -> Callable[[int, int], None]:
    last = 0.0

    def report(part: int, parts: int) -> None:
        nonlocal last
        if _pages is not None and (part == parts or time.monotonic() - last > PROGRESS_EVERY_S):
            last = time.monotonic()
            _pages.put((path, part, parts))

    return report


def parse_file(path: str) -> tuple[str, str | None, str | None]:
    """Worker: read, extract facts, chunk and tokenize one file into the rows the store writes; returns (path,
    DocumentRows JSON, error)."""
    try:
        doc = read_document(path, _report_page(path))
        facts = _facts(doc)
        return path, document_rows(doc, facts, document_chunks(doc, facts)).model_dump_json(), None
    except DqaError as exc:
        return path, None, exc.reason
    except Exception as exc:  # a bug in facts or chunks on one file must not stop the other files
        return path, None, f"unexpected {type(exc).__name__}: {exc}"


def _facts(doc: Document) -> list[Fact]:
    """The document's facts; a warning if extraction fails, since the text and tables are still worth indexing."""
    try:
        return document_facts(doc)
    except Exception as exc:
        doc.warnings.append(f"facts not extracted: {type(exc).__name__}: {exc}")
        return []
