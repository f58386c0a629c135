"""Crash safety: `dqa index` killed with SIGKILL mid-run, then rerun, leaves a consistent index."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import SEED

from index.store import Store

# The child registers a deterministic embedder (plumbing only), then runs the real CLI.
RUNNER = """
import sys, hashlib
import numpy as np
from index.embed import register_embedder

class HashEmbedder:
    name, dim = "test-hash", 32
    def encode(self, texts):
        out = np.full((len(texts), 32), 1e-3, dtype=np.float32)
        for i, t in enumerate(texts):
            for a, b in zip(t, t[1:]):
                out[i, hashlib.md5((a + b).encode()).digest()[0] % 32] += 1
        return out / np.linalg.norm(out, axis=1, keepdims=True)

register_embedder("test-hash", HashEmbedder)
import cli.index_cmds
sys.exit(cli.cli())
"""
N_FILES = 24


def _committed(db_path: Path) -> int:
    try:
        return sqlite3.connect(db_path, timeout=1).execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _index_command(tmp_path: Path) -> tuple[list[str], Path]:
    """N_FILES distinct copies of the seed and the `dqa index` command line for them."""
    folder = tmp_path / "reports"
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for i in range(N_FILES):
        (folder / f"report_{i:02d}.txt").write_text(text + f"\n附注：副本{i}。\n", encoding="utf-8")
    index_dir = tmp_path / "ix"
    return [
        sys.executable,
        "-c",
        RUNNER,
        "index",
        str(folder),
        "--index",
        str(index_dir),
        "--model",
        "test-hash",
    ], index_dir


def test_kill_9_mid_index_then_rerun(tmp_path: Path) -> None:
    args, index_dir = _index_command(tmp_path)
    child = subprocess.Popen(args, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while _committed(index_dir / "index.db") < 2 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)  # the CLI and its parse workers, like a power cut
    child.wait()
    killed_at = _committed(index_dir / "index.db")
    assert 2 <= killed_at < N_FILES, "the kill did not land mid-index"

    rerun = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr

    store = Store(index_dir)
    assert store.db.execute("SELECT count(*) FROM documents").fetchone()[0] == N_FILES
    per_doc = {r[0] for r in store.db.execute("SELECT count(*) FROM chunks GROUP BY doc_id")}
    assert len(per_doc) == 1  # same report, same chunk count: nothing duplicated or half-written
    assert store.vector_chunk_ids() == store.vector_ids()
    store.close()

    found = subprocess.run(
        [sys.executable, "-c", RUNNER, "search", "公务用车", "--index", str(index_dir), "--json", "--k", "3"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert len(found.stdout.splitlines()) == 3


def test_ctrl_c_mid_index_keeps_what_was_indexed(tmp_path: Path) -> None:
    """SIGINT to the whole process group (a terminal's Ctrl-C): one clear line, no traceback,
    the documents indexed so far stay, and a rerun only does the rest."""
    args, index_dir = _index_command(tmp_path)
    child = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while _committed(index_dir / "index.db") < 2 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGINT)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == 130
    assert "Interrupted." in stderr and "Traceback" not in stderr
    kept = _committed(index_dir / "index.db")
    assert 2 <= kept < N_FILES

    rerun = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{kept} unchanged" in rerun.stderr
    store = Store(index_dir)
    assert store.vector_chunk_ids() == store.vector_ids()
    store.close()
