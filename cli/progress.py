"""Indexing progress on stderr: a rich bar while files are parsed, one plain line per file that failed.

Library code reports progress through `FileIndexed` callbacks; this is where it is drawn. File names and
reasons are printed as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from index.build import BuildReport, FileIndexed, index_paths
from qa.library import Library

STDERR = Console(stderr=True)


@contextmanager
def file_progress(console: Console = STDERR) -> Iterator:
    """A callback for `on_file` that advances a bar and prints each failure as it happens."""
    with Progress(
        TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("indexing", total=None)

        def on_file(event: FileIndexed) -> None:
            progress.update(task, total=event.total, completed=event.done)
            if event.error:
                progress.console.print(Text(f"failed {event.path}: {event.error}"), highlight=False, soft_wrap=True)

        yield on_file


def open_library(corpus: Sequence[str], index_dir: str | None, model: str | None = None) -> Library:
    """Library.open with a progress bar; files that could not be read are named (the rest still answer)."""
    with file_progress() as on_file:
        library = Library.open(list(corpus), index_dir, model, on_file)
    for path, reason in library.skipped:
        STDERR.print(Text(f"Warning: {path}: {reason} (skipped)"), highlight=False, soft_wrap=True)
    return library


def build_index(paths: Sequence[str | Path], index_dir: str | Path, model: str | None) -> BuildReport:
    """index_paths with a progress bar."""
    with file_progress() as on_file:
        return index_paths(list(paths), index_dir, model, on_file)
