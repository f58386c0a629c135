"""Indexing progress on stderr: a rich bar while files are parsed, one plain line per file that failed.

Library code reports progress through `FileIndexed` callbacks; this is where it is drawn: the bar names the
file being read or embedded and how far it is (pages, passages), and failures, warnings and notes (a wait
for another writer, a repair) are printed as they happen. File names and reasons are printed as text, never
as markup.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.output import plain
from corpus.errors import visible
from index.build import BuildReport, FileIndexed, index_paths
from qa.library import Library

STDERR = Console(stderr=True)


@contextmanager
def file_progress(failures: bool = True, console: Console = STDERR) -> Iterator:
    """A callback for `on_file` that advances a bar and prints each warning, note and (if `failures`) failure
    as it happens."""
    with Progress(
        TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("indexing", total=None)

        def show(line: str) -> None:
            progress.console.print(plain(line), highlight=False, soft_wrap=True)

        def on_file(event: FileIndexed) -> None:
            doing = "indexing"
            if event.step:
                doing = f"{event.step} {visible(Path(event.path).name, one_line=True)} {event.part}/{event.parts}"
            progress.update(task, total=event.total or None, completed=event.done, description=doing)
            if event.note:
                show(f"Note: {event.note}")
            if event.error and failures:
                show(f"failed {event.path}: {event.error}")
            for warning in event.warnings:
                show(f"Warning: {event.path}: {warning}")

        yield on_file


def open_library(corpus: Sequence[str], index_dir: str | None, model: str | None = None) -> Library:
    """Library.open with a progress bar; files that could not be read are named once, after it (the rest still
    answer)."""
    with file_progress(failures=False) as on_file:
        library = Library.open(list(corpus), index_dir, model, on_file)
    for path, reason in library.skipped:
        STDERR.print(plain(f"Warning: {path}: {reason} (skipped)"), highlight=False, soft_wrap=True)
    return library


def build_index(paths: Sequence[str | Path], index_dir: str | Path, model: str | None) -> BuildReport:
    """index_paths with a progress bar."""
    with file_progress() as on_file:
        return index_paths(list(paths), index_dir, model, on_file)
