"""How the CLI shows outside strings and where it may write.

The one rule for output: a string that came from a file, a path or a user is printed as text, never as
markup (`say`, `echo`, or a rich `Text` from `plain`), with control characters made visible (corpus.errors
`visible`). A results path is checked before any work is done (`check_out`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import click
from rich.text import Text

from corpus.errors import DqaError, visible
from corpus.reader import SUPPORTED


def say(message: str) -> None:
    """A line for the user on stderr."""
    click.echo(visible(message), err=True)


def echo(message: str) -> None:
    """A result line on stdout."""
    click.echo(visible(message))


def plain(value: object, style: str = "") -> Text:
    """A rich renderable for an outside string: never parsed as markup or emoji codes."""
    return Text(visible(str(value)), style=style)


def check_out(out: Path, formats: Iterable[str], inputs: Iterable[str | Path], index_dir: Path | None) -> None:
    """Refuse a results path before any work: an unknown format, a folder that is missing or read-only, a
    directory, one of the inputs, a file in the index, or a report-type file inside a corpus folder (it would
    be read as a report next time)."""
    formats = tuple(formats)
    suffix = out.suffix.lower()
    if suffix not in formats:
        raise DqaError(f"unsupported output format {suffix or '(none)'} (use {', '.join(formats)})", out)
    target = Path(os.path.abspath(out))
    if target.is_dir():
        raise DqaError("is a directory, not a file", out)
    if not target.parent.is_dir():
        raise DqaError(f"the folder {target.parent} does not exist", out)
    if not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise DqaError("cannot be written (permission denied)", out)
    real = target.resolve()
    if index_dir is not None and real.is_relative_to(Path(index_dir).resolve()):
        raise DqaError(f"is inside the index {index_dir}; write results elsewhere", out)
    for given in inputs:
        source = Path(given).resolve()
        if real == source:
            raise DqaError("is one of the inputs; writing it would overwrite it", out)
        if source.is_dir() and real.is_relative_to(source) and suffix in SUPPORTED:
            raise DqaError(f"is inside the corpus {given} and would be read as a report next time", out)
