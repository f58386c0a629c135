"""`dqa tui`: the terminal UI (Textual is imported only when the command runs)."""

from __future__ import annotations

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

    DqaApp(list(corpus) or None, index_dir).run()
