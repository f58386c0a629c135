"""The `dqa` command line. One module per command group; each command is parse → library call → print.

Stdout carries results only; errors go to stderr as one line and exit with code 2.
"""

from __future__ import annotations

import sys

import click

from corpus.errors import DqaError


class _Group(click.Group):
    """Turns a DqaError into one clear line on stderr instead of a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except DqaError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=_Group)
@click.version_option(package_name="dqa")
def cli() -> None:
    """dqa: ask a public-finance disclosure report a question and get the exact, cited number."""


def main() -> None:
    # importing a command module registers its commands on `cli`
    from cli import audit_cmds, corpus_cmds, export_cmds, index_cmds, qa_cmds, tui_cmds  # noqa: F401

    cli()
