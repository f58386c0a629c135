"""Shared test setup: offline, caches and indexes in tmp dirs, the bundled sample corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "000_4730eaab2517dbc6.txt"

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's cache or index."""
    monkeypatch.setenv("DQA_CACHE", str(tmp_path_factory.getbasetemp() / "dqa-cache"))
    monkeypatch.setenv("DQA_INDEX", str(tmp_path_factory.getbasetemp() / "dqa-index-default"))


def run_dqa(
    *args: str, cwd: Path | None = None, input: str | None = None, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `dqa` console script in a subprocess."""
    exe = shutil.which("dqa", path=str(Path(sys.executable).parent)) or "dqa"
    return subprocess.run(
        [exe, *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
