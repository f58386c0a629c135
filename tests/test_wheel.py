"""A non-editable install works: the wheel built from the checkout, installed into a fresh venv, runs
`dqa --help` and starts the terminal app (its styles and the bundled sample reports) from a directory
outside the checkout: on the default corpus until the six bundled reports are being indexed (the whole first
index takes minutes), and on one installed sample until its report is listed.

Offline and quick: the wheel is built with the test venv's setuptools (no build isolation) from a copy
of the sources, and the new venv sees the test venv's dependencies through a path entry (not its .pth
files, so the editable install of dqa stays out of it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

SKIP = shutil.ignore_patterns(".git", ".venv", ".dqa", "build", "dist", "*.egg-info", "__pycache__", ".*_cache")
SAMPLE_REPORTS = 6  # samples/: the .pdf and .txt reports


def run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the venv's bin directory, an environment for running it) with dqa installed from its wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "DQA_INDEX")}
    env["HOME"] = str(tmp / "home")  # the parse cache and anything else per-user starts empty
    run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist"],
        src, env, timeout=180)  # fmt: skip
    wheel = next((tmp / "dist").glob("dqa-*.whl"))
    target = tmp / "venv"
    venv.create(target, with_pip=False)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(target), "platbase": str(target)}))
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (purelib / "zz_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")  # path lines only: no .pth inside
    bin_dir = target / "bin"
    run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--no-deps", "-q", wheel], tmp, env)
    shutil.rmtree(src)  # nothing may come from the copied checkout
    return bin_dir, env


def test_wheel_installs_code_styles_and_samples(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    where = run(
        [bin_dir / "python", "-c", "import tui, widgets; print(tui.__file__, widgets.TCSS, tui.default_corpus())"],
        tmp_path,
        env,
    ).split()
    prefix = bin_dir.parent.resolve()
    assert all(Path(p).resolve().is_relative_to(prefix) for p in where), where  # none from the checkout
    assert Path(where[1]).is_file()
    samples = Path(where[2])
    assert samples == prefix / "share" / "dqa" / "samples"
    assert len([p for p in samples.iterdir() if p.suffix in (".pdf", ".txt")]) == SAMPLE_REPORTS


def test_dqa_help_outside_the_checkout(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    out = run([bin_dir / "dqa", "--help"], tmp_path, env)
    for command in ("tui", "ask", "batch", "audit", "export"):
        assert command in out


HEADLESS = textwrap.dedent(
    """
    import asyncio, os, sys, time
    from textual.widgets import OptionList
    from tui import DqaApp, default_corpus

    async def main(corpus):
        app = DqaApp(corpus)
        async with app.run_test(size=(120, 40)) as pilot:
            start = time.monotonic()
            while app.library is None and time.monotonic() - start < 100:
                status = str(app.query_one("#status").content)
                if corpus is None and " of 6 " in status:  # the six bundled reports found and being indexed
                    break
                await pilot.pause(0.2)
            print("STATUS", app.query_one("#status").content)
            print("STYLED", app.query_one("#source").styles.display)  # tui.tcss hides the source pane
            print("CORPUS", app.corpus)
            await pilot.press("f3")
            await pilot.pause()
            docs = app.query_one("#docs", OptionList)
            for i in range(docs.option_count):
                print("REPORT", str(docs.get_option_at_index(i).prompt).splitlines()[-1].strip())
        sys.stdout.flush()
        os._exit(0)  # not waiting for an index build still running in its thread

    if __name__ == "__main__":
        name = sys.argv[1] if len(sys.argv) > 1 else None
        asyncio.run(main([str(default_corpus() / name)] if name else None))
    """
)


def _start(installed: tuple[Path, dict[str, str]], tmp_path: Path, *args: str) -> list[str]:
    bin_dir, env = installed
    script = tmp_path / "start.py"
    script.write_text(HEADLESS)
    return run([bin_dir / "python", script, *args], tmp_path, env, timeout=150).splitlines()


def test_tui_starts_on_the_bundled_samples(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    lines = _start(installed, tmp_path)
    status = next(line for line in lines if line.startswith("STATUS"))
    assert " of 6 " in status or "6 report(s) · samples" in status, lines
    assert "STYLED none" in lines, lines
    assert any(line.startswith("CORPUS") and "share/dqa/samples" in line for line in lines), lines


def test_tui_lists_an_installed_sample_report(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    lines = _start(installed, tmp_path, "000_4730eaab2517dbc6.txt")
    assert "STATUS 1 report(s) · 000_4730eaab2517dbc6.txt" in lines, lines
    reports = [line.removeprefix("REPORT ") for line in lines if line.startswith("REPORT")]
    assert reports[1:] == ["000_4730eaab2517dbc6.txt"], lines  # after "All reports"
