"""`dqa serve`: the terminal app in a web browser (textual-serve), for colleagues who do not live in a terminal."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from cli import cli


@cli.command()
@click.argument("corpus", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False),
    help="Index directory (default: $DQA_INDEX, else .dqa inside the corpus directory).",
)
@click.option(
    "--host", default="localhost", show_default=True, help="Address to listen on (localhost: this machine only)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
def serve(corpus: tuple[str, ...], index_dir: str | None, host: str, port: int) -> None:
    """The terminal app in a browser: open http://HOST:PORT/ (each browser tab gets its own app).

    Same corpus and index as `dqa tui`; the default host serves this machine only.

    Example: dqa serve samples --port 8000
    """
    from textual_serve.server import Server

    command = [sys.executable, "-m", "tui", *(str(Path(p).resolve()) for p in corpus)]
    if index_dir:
        command += ["--index", str(Path(index_dir).resolve())]
    click.echo(f"Serving the dqa app on http://{host}:{port}/ (Ctrl+C stops)", err=True)
    Server(shlex.join(command), host=host, port=port, title="dqa").serve()
