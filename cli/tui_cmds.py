"""`dqa tui`: the terminal UI (Textual is imported only when the command runs)."""

from __future__ import annotations

import sys

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
def tui(corpus: tuple[str, ...], index_dir: str | None) -> None:
    """Ask, browse citations and audit reports in a terminal UI (default corpus: the bundled samples).

    Example: dqa tui samples --index /tmp/dqa-index
    """
    from tui import DqaApp

    app = DqaApp(list(corpus) or None, index_dir)
    app.run()
    if app.library is not None and app.library.skipped:
        sys.exit(1)  # some reports could not be read: the app listed them; the exit code says so too


from cli import serve_cmds  # noqa: E402, F401  `dqa serve` (the same app in a browser) comes with `dqa tui`
