"""Everything an index keeps on disk, under one directory.

`index.db` is plain SQLite (Datasette opens it): documents with their identity and JSON, pages, chunks and facts
(amounts as decimal TEXT, never REAL), grown by numbered migrations recorded in `_migrations`. `text/` is the
chunks' BM25 index (tantivy, index/lexical.py); `vectors.faiss` holds their vectors by chunk id (above
HNSW_THRESHOLD a `vectors.hnsw` graph beside it). Documents are written first and answer at once; `repair()`
computes vectors afterwards and reconciles the parts after a crash (chunk ids are never reused; each document is
one SQLite transaction, marked `text_indexed` once tantivy committed it; vector files are written and renamed).
Health: an open checks the database (header always, quick_check when it changed since the last clean close, in
`health.json`) and the vectors (readable, same dimension, one per chunk); damage is rebuilt and told in `notes`.
`writer_lock` makes a second writer wait.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from corpus.errors import DqaError
from corpus.model import Document, Fact
from corpus.reader import display_name
from index.chunks import Chunk
from index.lexical import TEXT_DIR, TextIndex, terms
from index.rows import (
    CHUNK_COLUMNS,
    DOCUMENT_COLUMNS,
    FACT_COLUMNS,
    SCHEMA_COLUMNS,
    DocumentRows,
    row_to_chunk,
    row_to_fact,
)

if TYPE_CHECKING:  # faiss and numpy load with the first vector used: answering from facts and text needs neither
    import faiss
    import numpy as np

DB_FILE = "index.db"
VECTORS_FILE = "vectors.faiss"
HNSW_FILE = "vectors.hnsw"
VECTORS_STATE_FILE = "vectors.state.json"  # what the chunks and the vector file were when `repair` last finished
HEALTH_FILE = "health.json"
LOCK_FILE = "writer.lock"
LOCK_WAIT_S = 600.0
HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_SEARCH = 128
# bench/retrieval.py: with table rows embedded too, hybrid search found the answer in the top 5 for 0.95 of the
# sample questions; with narrative chunks only, 1.00 (and five times fewer vectors to compute and keep)
VECTOR_SOURCES = ("text",)
VECTOR_BATCH = 512  # chunks embedded at a time by `repair`, between progress reports
VECTOR_SAVE_EVERY_S = 30.0  # while `repair` embeds, the vectors so far are saved this often


def m001_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), model TEXT NOT NULL, dim INTEGER NOT NULL,
            created TEXT NOT NULL);
        CREATE TABLE documents (id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
            title TEXT, department TEXT, year INTEGER, kind TEXT, n_pages INTEGER, mtime REAL, size INTEGER);
        CREATE TABLE document_json (doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            json TEXT NOT NULL);
        CREATE TABLE pages (doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            number INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (doc_id, number));
        CREATE TABLE chunks (id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, page INTEGER NOT NULL,
            source TEXT NOT NULL, text TEXT NOT NULL, table_id TEXT, "row" INTEGER, start INTEGER,
            "end" INTEGER, fact_ids TEXT NOT NULL, n_tokens INTEGER NOT NULL);
        CREATE INDEX chunks_doc ON chunks (doc_id);
        CREATE TABLE facts (doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL, label TEXT, label_path TEXT, subject TEXT, code TEXT, period INTEGER,
            measure TEXT, value TEXT NOT NULL, printed TEXT, unit TEXT, kind TEXT, approx INTEGER, yuan TEXT,
            page INTEGER, source TEXT, quote TEXT, table_id TEXT, "row" INTEGER, col INTEGER, start INTEGER,
            "end" INTEGER, PRIMARY KEY (doc_id, idx));
        CREATE TABLE postings (term TEXT NOT NULL, chunk_id INTEGER NOT NULL REFERENCES chunks(id)
            ON DELETE CASCADE, tf INTEGER NOT NULL, PRIMARY KEY (term, chunk_id)) WITHOUT ROWID;
        CREATE INDEX postings_chunk ON postings (chunk_id);
        """,
    )


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Statement by statement: `executescript` would commit the migration's transaction early."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def m002_parser_version(db: sqlite3.Connection) -> None:
    """Which version of the reader parsed each document: a newer reader re-parses it."""
    db.execute("ALTER TABLE documents ADD COLUMN parser TEXT")


def m003_fact_schema(db: sqlite3.Connection) -> None:
    """Where each fact sits in the disclosure schema (corpus/schema), and an index to fetch a report's facts."""
    for column in SCHEMA_COLUMNS:
        db.execute(f'ALTER TABLE facts ADD COLUMN "{column}" TEXT')
    db.execute("CREATE INDEX IF NOT EXISTS facts_line ON facts (line)")


def m004_text_index(db: sqlite3.Connection) -> None:
    """The chunks' BM25 moves from postings kept by hand to tantivy (index/lexical.py): each document says whether
    its chunks are in it yet (none are: the next build adds them); each document row keeps its identity (JSON),
    so opening a library reads no document's JSON."""
    db.execute("DROP TABLE postings")
    db.execute("ALTER TABLE chunks DROP COLUMN n_tokens")
    db.execute("ALTER TABLE documents ADD COLUMN text_indexed INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE documents ADD COLUMN identity TEXT")
    db.execute(
        "UPDATE documents SET identity = (SELECT json_extract(j.json, '$.identity') FROM document_json j"
        " WHERE j.doc_id = documents.id)"
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial, m002_parser_version, m003_fact_schema, m004_text_index,
]  # fmt: skip


def migrate(db: sqlite3.Connection) -> None:
    """Apply every migration not yet recorded in `_migrations`, each in its own transaction."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    for step in MIGRATIONS:
        if step.__name__ in done:
            continue
        with db:
            db.execute("BEGIN")
            step(db)
            db.execute("INSERT INTO _migrations VALUES (?, ?)", (step.__name__, time.strftime("%Y-%m-%dT%H:%M:%S")))


def _sqlite_header_problem(path: Path) -> str | None:
    """What the file's first bytes already show to be wrong: not SQLite at all, or cut short."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        header = fh.read(100)
    if size == 0:
        return None  # SQLite's own empty database; `_check` decides whether that is a loss
    if not header.startswith(b"SQLite format 3\x00") or len(header) < 100:
        return "index.db is not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]  # the page count is trusted only if written with the counter
    if header_valid and size < pages * page_size:
        return f"index.db is truncated ({size:,} of {pages * page_size:,} bytes)"
    return None


class Health(BaseModel):
    """index.db (and its WAL) as they were at the last clean close: unchanged files need no full check."""

    size: int
    mtime_ns: int
    wal_size: int

    @classmethod
    def of(cls, root: Path) -> Health:
        db = (root / DB_FILE).stat()
        wal = root / f"{DB_FILE}-wal"
        return cls(size=db.st_size, mtime_ns=db.st_mtime_ns, wal_size=wal.stat().st_size if wal.exists() else 0)


@contextmanager
def writer_lock(root: str | Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's writer lock. A second writer waits (told once through `on_wait`) and gives up with a
    clear error after LOCK_WAIT_S; the lock dies with its process, so a killed run never leaves it stale."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK_FILE).open("a+", encoding="utf-8") as fh:
        deadline = time.monotonic() + LOCK_WAIT_S
        told = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "?"
                if time.monotonic() > deadline:
                    raise DqaError(
                        f"another dqa process (pid {holder}) has been writing the index at {root} for over "
                        f"{LOCK_WAIT_S / 60:.0f} minutes; wait for it to finish or use another --index"
                    ) from None
                if on_wait and not told:
                    on_wait(f"waiting for dqa process {holder}, which is writing the index at {root}")
                    told = True
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


_OPENED: set[Path] = set()  # the index directories this process opened


def forget_clean_closes() -> None:
    """SQLite found damage that the checks on open missed: every index this process opened gets the full check
    next time (their record of a clean close is dropped)."""
    for root in _OPENED:
        (root / HEALTH_FILE).unlink(missing_ok=True)


class Store:
    """One index directory: the SQLite database plus the vectors of its chunks."""

    def __init__(self, root: str | Path, rebuild: bool = False) -> None:
        """Open or create the index. A damaged database is refused with the way out, or, when `rebuild` (the
        caller indexes the documents next), moved aside for a fresh one."""
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        _OPENED.add(self.root)
        self.notes: list[str] = []
        problem = self._check()
        if problem and not rebuild:
            raise DqaError(
                f"the index at {self.root} is damaged ({problem}); run `dqa index PATH --index {self.root}` "
                "to rebuild it"
            )
        if problem:
            self._set_aside(problem)
        if not (self.root / DB_FILE).exists():
            self._drop_derived()  # left from an index.db that is gone: their chunk ids would name new chunks
        self.db = self._connect()
        migrate(self.db)
        self._vectors: faiss.IndexIDMap2 | None = None
        self._hnsw: faiss.IndexIDMap2 | None = None
        self._text: TextIndex | None = None
        self._unpublished: list[str] = []  # documents whose chunks tantivy has not committed yet

    def _connect(self) -> sqlite3.Connection:
        # one connection may serve a library's threads (the TUI answers in worker threads); callers serialise use
        db = sqlite3.connect(self.root / DB_FILE, isolation_level=None, timeout=30, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent after a crash; no fsync per document
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def _check(self) -> str | None:
        """What is wrong with index.db, or None; SQLite's quick_check only when the file changed unseen."""
        path = self.root / DB_FILE
        if not path.exists():
            return None
        problem = _sqlite_header_problem(path)
        if problem:
            return problem
        if path.stat().st_size == 0:
            return "index.db is empty but vectors.faiss is not" if (self.root / VECTORS_FILE).exists() else None
        try:
            if Health.model_validate_json((self.root / HEALTH_FILE).read_text()) == Health.of(self.root):
                return None
        except (OSError, ValueError):
            pass  # no record of a clean close: check
        try:
            db = sqlite3.connect(path, timeout=30)
            try:
                result = [row[0] for row in db.execute("PRAGMA quick_check")]
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            return f"index.db: {exc}"
        return None if result == ["ok"] else f"index.db: {'; '.join(result[:3])}"

    def _set_aside(self, problem: str) -> None:
        """Keep the damaged database for inspection; drop the vectors, whose chunk ids meant rows of it."""
        damaged = self.root / f"{DB_FILE}.damaged"
        os.replace(self.root / DB_FILE, damaged)
        for name in (f"{DB_FILE}-wal", f"{DB_FILE}-shm", HEALTH_FILE):
            (self.root / name).unlink(missing_ok=True)
        self._drop_derived()
        self.notes.append(f"{problem}: moved to {damaged}; its documents are indexed again")

    def _drop_derived(self) -> None:
        """The vectors and the text index, which are keyed by chunk ids of one index.db."""
        for name in (VECTORS_FILE, HNSW_FILE, VECTORS_STATE_FILE):
            (self.root / name).unlink(missing_ok=True)
        shutil.rmtree(self.root / TEXT_DIR, ignore_errors=True)

    def close(self) -> None:
        """Publish the text index, close, and record index.db as cleanly closed (it was checked on open)."""
        if self._text is not None:
            self.commit_text()
            self._text.close()
        self.db.close()
        try:
            tmp = self.root / f"{HEALTH_FILE}.{os.getpid()}.tmp"
            tmp.write_text(Health.of(self.root).model_dump_json(), encoding="utf-8")
            os.replace(tmp, self.root / HEALTH_FILE)
        except OSError:
            pass  # a read-only index is checked again next time, nothing worse

    # -- model -------------------------------------------------------------------------------

    def model(self) -> tuple[str, int] | None:
        row = self.db.execute("SELECT model, dim FROM meta").fetchone()
        return (row["model"], row["dim"]) if row else None

    def check_model(self, name: str, dim: int) -> None:
        """Record the model of a new index; refuse a different one for an existing index."""
        recorded = self.model()
        if recorded is None:
            self.db.execute("INSERT INTO meta VALUES (1, ?, ?, ?)", (name, dim, time.strftime("%Y-%m-%dT%H:%M:%S")))
            import faiss

            self._vectors = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
            self.save_vectors()  # none yet: from now on a missing vector file means a lost one
        elif recorded != (name, dim):
            raise DqaError(
                f"index at {self.root} was built with model {recorded[0]} (dim {recorded[1]}); "
                f"re-index with --model {recorded[0]} or use a new --index"
            )

    # -- documents -----------------------------------------------------------------------------

    def documents(self, columns: Sequence[str] = ("*",), doc_ids: Sequence[str] | None = None) -> list[sqlite3.Row]:
        """Documents' rows (all, or those of `doc_ids`), in name order: these columns of them, without content."""
        what = ", ".join(c if c == "*" else f'"{c}"' for c in columns)
        if doc_ids is None:
            return self.db.execute(f"SELECT {what} FROM documents ORDER BY name").fetchall()
        rows: list[sqlite3.Row] = []
        for start in range(0, len(doc_ids), 500):
            part = list(doc_ids[start : start + 500])
            rows += self.db.execute(f"SELECT {what} FROM documents WHERE id IN ({_marks(len(part))})", part)
        return rows

    def load_document(self, doc_id: str) -> Document:
        row = self.db.execute("SELECT json FROM document_json WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise DqaError(f"document {doc_id} is not in the index at {self.root}")
        return Document.model_validate_json(row["json"])

    def facts(self, doc_id: str) -> list[Fact]:
        """A document's facts as extracted at index time, in extraction order (chunks' `fact_ids` index them)."""
        rows = self.db.execute("SELECT * FROM facts WHERE doc_id = ? ORDER BY idx", (doc_id,)).fetchall()
        return [row_to_fact(r) for r in rows]

    def touch(self, doc_id: str, path: str, mtime: float, size: int) -> None:
        """An unchanged file that moved or was touched: record where and when it is now."""
        self.db.execute(
            "UPDATE documents SET path = ?, name = ?, mtime = ?, size = ? WHERE id = ?",
            (path, display_name(path), mtime, size, doc_id),
        )

    def add_document(self, rows: DocumentRows, mtime: float, size: int) -> None:
        """Replace whatever the index had at this path (or with this content) in one transaction: the document,
        its facts and its chunks; then their text entries, published by `commit_text`. Vectors come later
        (`repair`)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            stale = [r["id"] for r in self.db.execute(
                "SELECT id FROM documents WHERE path = ? OR id = ?", (rows.path, rows.id)
            )]  # fmt: skip
            for doc_id in stale:
                self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            self._insert(rows, mtime, size)
            found = self.db.execute("SELECT id FROM chunks WHERE doc_id = ? ORDER BY id", (rows.id,))
            chunk_ids = [r[0] for r in found]
        for doc_id in stale:
            self.text.remove(doc_id)
        self.text.add(rows.id, zip(chunk_ids, rows.terms, strict=True))
        self._unpublished.append(rows.id)

    def remove_document(self, doc_id: str) -> None:
        """The document and everything of it; its text entries go at the next `commit_text`, its vectors at the
        next `repair`."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        self.text.remove(doc_id)

    # -- text index ----------------------------------------------------------------------------

    @property
    def text(self) -> TextIndex:
        if self._text is None:
            self._text = TextIndex(self.root)
        return self._text

    def commit_text(self) -> None:
        """Publish the text entries added so far and mark their documents as found by text search."""
        if self._text is None:
            return
        self._text.commit()
        for start in range(0, len(self._unpublished), 500):
            ids = self._unpublished[start : start + 500]
            self.db.execute(f"UPDATE documents SET text_indexed = 1 WHERE id IN ({', '.join('?' * len(ids))})", ids)
        self._unpublished.clear()

    def unpublished_text(self) -> list[str]:
        """Documents whose chunks the text index may lack (a crash before tantivy committed them)."""
        return [r[0] for r in self.db.execute("SELECT id FROM documents WHERE text_indexed = 0")]

    def mend_text(self) -> int:
        """Add again the text entries of documents not marked as committed; returns how many documents."""
        doc_ids = self.unpublished_text()
        for doc_id in doc_ids:
            self.text.remove(doc_id)
            rows = self.db.execute("SELECT id, text FROM chunks WHERE doc_id = ? ORDER BY id", (doc_id,))
            self.text.add(doc_id, ((r[0], terms(r[1])) for r in rows))
            self._unpublished.append(doc_id)
        self.commit_text()
        return len(doc_ids)

    def _insert(self, rows: DocumentRows, mtime: float, size: int) -> None:
        columns = ", ".join(f'"{c}"' for c in (*DOCUMENT_COLUMNS, "mtime", "size"))
        self.db.execute(f"INSERT INTO documents ({columns}) VALUES ({_marks(len(DOCUMENT_COLUMNS) + 2)})",
                        (*rows.document, mtime, size))  # fmt: skip
        self.db.execute("INSERT INTO document_json VALUES (?, ?)", (rows.id, rows.content))
        self.db.executemany("INSERT INTO pages VALUES (?, ?, ?)", [(rows.id, *page) for page in rows.pages])
        columns = ", ".join(f'"{c}"' for c in ("doc_id", "idx", *FACT_COLUMNS, *SCHEMA_COLUMNS))
        self.db.executemany(
            f"INSERT INTO facts ({columns}) VALUES ({_marks(len(FACT_COLUMNS) + len(SCHEMA_COLUMNS) + 2)})",
            [(rows.id, i, *fact) for i, fact in enumerate(rows.facts)],
        )
        columns = ", ".join(f'"{c}"' for c in CHUNK_COLUMNS)
        self.db.executemany(f"INSERT INTO chunks ({columns}) VALUES ({_marks(len(CHUNK_COLUMNS))})", rows.chunks)

    # -- chunks --------------------------------------------------------------------------------

    def chunks(self, ids: Iterable[int]) -> dict[int, Chunk]:
        ids = list(ids)
        marks = ", ".join("?" * len(ids))
        rows = self.db.execute(f"SELECT * FROM chunks WHERE id IN ({marks})", ids).fetchall()
        return {r["id"]: row_to_chunk(r) for r in rows}

    def vector_chunk_ids(self) -> set[int]:
        """Ids of the chunks that get a vector (VECTOR_SOURCES)."""
        marks = ", ".join("?" * len(VECTOR_SOURCES))
        return self.chunk_ids(f"c.source IN ({marks})", VECTOR_SOURCES)

    def chunk_ids(self, where: str = "", params: tuple = ()) -> set[int]:
        """Ids of the chunks whose document matches `where` (an SQL condition on documents d)."""
        sql = "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id"
        return {r[0] for r in self.db.execute(f"{sql} WHERE {where}" if where else sql, params)}

    def doc_ids(self, where: str, params: tuple = ()) -> list[str]:
        """Ids of the documents matching `where` (an SQL condition on documents d)."""
        return [r[0] for r in self.db.execute(f"SELECT d.id FROM documents d WHERE {where}", params)]

    # -- vectors -------------------------------------------------------------------------------

    @property
    def vectors(self) -> faiss.IndexIDMap2:
        if self._vectors is None:
            self._vectors = self._load_vectors()
        return self._vectors

    def _load_vectors(self) -> faiss.IndexIDMap2:
        """The vector file, or an empty index when it is missing or unusable (`repair` fills it from the chunks)."""
        import faiss

        recorded = self.model()
        if recorded is None:
            raise DqaError(f"no index at {self.root}; run `dqa index PATH --index {self.root}` first")
        empty = faiss.IndexIDMap2(faiss.IndexFlatIP(recorded[1]))
        path = self.root / VECTORS_FILE
        has_chunks = self.db.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is not None
        if not path.exists():
            if has_chunks:
                self.notes.append(f"{VECTORS_FILE} is missing: the passages' vectors are computed again")
            return empty
        try:
            loaded = faiss.read_index(str(path))
        except RuntimeError:
            self.notes.append(f"{VECTORS_FILE} is damaged (unreadable): the passages' vectors are computed again")
            return empty
        if not isinstance(loaded, faiss.IndexIDMap2) or loaded.d != recorded[1]:
            self.notes.append(
                f"{VECTORS_FILE} does not hold {recorded[1]}-dimensional vectors by chunk id: they are computed again"
            )
            return empty
        return loaded

    def vector_ids(self) -> set[int]:
        import faiss

        return set(faiss.vector_to_array(self.vectors.id_map).tolist())

    def forget_vectors(self) -> None:
        """Drop the loaded vectors: the next use reads the files again."""
        self._vectors = None
        self._hnsw = None

    def has_vectors(self) -> bool:
        """Whether any vector was saved (cheap: the file is not read)."""
        path = self.root / VECTORS_FILE
        return path.exists() and path.stat().st_size > 0 and self.vectors.ntotal > 0

    def _add_vectors(self, ids: list[int], vectors: np.ndarray) -> None:
        import numpy as np

        if ids:
            self.vectors.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.array(ids, dtype=np.int64))
            self._hnsw = None

    def _remove_vectors(self, ids: list[int]) -> None:
        import numpy as np

        if ids:
            self.vectors.remove_ids(np.array(ids, dtype=np.int64))
            self._hnsw = None

    def save_vectors(self) -> None:
        """Write the vectors atomically (a temp file, then rename over the old one), if they were loaded."""
        if self._vectors is None:
            return
        _write_atomic(self.vectors, self.root / VECTORS_FILE)
        hnsw_path = self.root / HNSW_FILE
        if self.vectors.ntotal >= HNSW_THRESHOLD:
            _write_atomic(self._search_index(), hnsw_path)
        elif hnsw_path.exists():
            hnsw_path.unlink()

    def dense(self, query: np.ndarray, limit: int, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        """Top `limit` (chunk id, cosine) for a normalised query vector."""
        import faiss
        import numpy as np

        if self.vectors.ntotal == 0 or (allowed is not None and not allowed):
            return []
        index = self._search_index()
        selector = faiss.IDSelectorBatch(np.array(sorted(allowed), dtype=np.int64)) if allowed is not None else None
        if isinstance(index.index, faiss.IndexHNSWFlat):
            params: faiss.SearchParameters = faiss.SearchParametersHNSW(sel=selector, efSearch=HNSW_EF_SEARCH)
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, ids = index.search(query.reshape(1, -1).astype(np.float32), limit, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _search_index(self) -> faiss.IndexIDMap2:
        """Exact search below HNSW_THRESHOLD vectors; an HNSW graph (built or loaded) above it."""
        import faiss

        flat = self.vectors
        if flat.ntotal < HNSW_THRESHOLD:
            return flat
        if self._hnsw is None:
            path = self.root / HNSW_FILE
            try:
                loaded = faiss.read_index(str(path)) if path.exists() else None
            except RuntimeError:
                loaded = None  # a damaged graph is built again from the exact index
            self._hnsw = loaded if loaded is not None and loaded.ntotal == flat.ntotal else build_hnsw(flat)
        return self._hnsw

    # -- consistency ---------------------------------------------------------------------------

    def repair(
        self, encode: Callable[[list[str]], np.ndarray], on_batch: Callable[[int, int], None] | None = None
    ) -> tuple[int, int]:
        """Make vectors and chunks agree: vectors of deleted chunks go, chunks that get one (VECTOR_SOURCES) and
        have none get it (new chunks, or after a crash or damage), VECTOR_BATCH at a time, telling `on_batch`
        (done, total) and saving every VECTOR_SAVE_EVERY_S; a text met again in the run takes the vector of its
        first chunk (template wording repeats across reports). Returns the (embedded, removed) counts.

        Nothing is read when no chunk was added or removed and the vector file is as the last repair left it: an
        unchanged re-index does not load the vectors."""
        if self._vector_state() == self._recorded_vector_state():
            return 0, 0
        chunk_ids = self.vector_chunk_ids()
        vector_ids = self.vector_ids()
        orphans = sorted(vector_ids - chunk_ids)
        missing = sorted(chunk_ids - vector_ids)
        self._remove_vectors(orphans)
        last_save = time.monotonic()
        embedded: dict[str, int] = {}  # text → a chunk of this run with that text and its vector: one encode each
        for start in range(0, len(missing), VECTOR_BATCH):
            ids = missing[start : start + VECTOR_BATCH]
            texts = {i: c.text for i, c in self.chunks(ids).items()}
            new = [i for i in ids if embedded.setdefault(texts[i], i) == i]
            self._add_vectors(new, encode([texts[i] for i in new]))
            again = [i for i in ids if embedded[texts[i]] != i]
            if again:
                self._add_vectors(again, self._vector_of([embedded[texts[i]] for i in again]))
            if on_batch:
                on_batch(start + len(ids), len(missing))
            if time.monotonic() - last_save > VECTOR_SAVE_EVERY_S:
                _write_atomic(self.vectors, self.root / VECTORS_FILE)  # the HNSW graph is built once, at the end
                last_save = time.monotonic()
        if orphans or missing:
            self.save_vectors()
        _write_text_atomic(self.root / VECTORS_STATE_FILE, json.dumps(self._vector_state()))
        return len(missing), len(orphans)

    def _vector_of(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of these chunk ids, in order."""
        import numpy as np

        return np.stack([self.vectors.reconstruct(i) for i in ids])

    def _vector_state(self) -> list[int]:
        """The last chunk id ever given, the number of documents, the vector file's size and mtime: any document
        written or removed, any vector saved or lost changes it."""
        seq = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'chunks'").fetchone()
        documents = self.db.execute("SELECT count(*) FROM documents").fetchone()[0]
        path = self.root / VECTORS_FILE
        stat = path.stat() if path.exists() else None
        return [seq[0] if seq else 0, documents, stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1]

    def _recorded_vector_state(self) -> list[int] | None:
        try:
            return json.loads((self.root / VECTORS_STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def build_hnsw(flat: faiss.IndexIDMap2) -> faiss.IndexIDMap2:
    """An HNSW inner-product graph over the same vectors and ids as the exact index."""
    import faiss
    import numpy as np

    ids = faiss.vector_to_array(flat.id_map).astype(np.int64)
    vectors = flat.index.reconstruct_n(0, flat.ntotal)
    graph = faiss.IndexHNSWFlat(flat.d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw = faiss.IndexIDMap2(graph)
    hnsw.add_with_ids(vectors, ids)
    return hnsw


def _write_atomic(index: faiss.Index, path: Path) -> None:
    import faiss

    tmp = path.with_suffix(path.suffix + ".tmp")
    faiss.write_index(index, str(tmp))
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
