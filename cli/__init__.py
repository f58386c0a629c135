"""The `dqa` command line. One module per command group; each command is parse → library call → print.

Stdout carries results only; errors go to stderr as one line and exit with code 2 (1 when some files or
questions failed and the rest were done). No input makes a command print a traceback: whatever escapes a
command becomes one line naming what went wrong.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import traceback

import click

from cli.output import say
from corpus.errors import DqaError


class _Group(click.Group):
    """Turns every error into one clear line on stderr instead of a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except DqaError as exc:
            say(f"Error: {exc}")
        except KeyboardInterrupt:
            say("Interrupted.")
            sys.exit(130)
        except sqlite3.OperationalError as exc:  # disk full, an I/O error, locked for too long
            say(f"Error: the index database could not be read or written ({exc})")
        except sqlite3.DatabaseError as exc:  # damage the checks on open missed: the next open checks in full
            from index.store import forget_clean_closes

            forget_clean_closes()
            say(f"Error: an index database is damaged ({exc}); run `dqa index PATH --index DIR` to rebuild it")
        except OSError as exc:
            say(f"Error: {exc.filename or 'a file'}: {exc.strerror or exc}")
        except Exception as exc:  # a bug: still one line, with where it happened, for the report
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{os.path.basename(frame.filename)}:{frame.lineno}"
            say(f"Error: unexpected {type(exc).__name__} at {where}: {exc} (a bug in dqa; please report it)")
        sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="dqa")
def cli() -> None:
    """dqa: ask a public-finance disclosure report a question and get the exact, cited number."""


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM ends a run like Ctrl-C: workers stopped and reaped, what was done kept."""
    raise KeyboardInterrupt


def _unraisable(hook: sys.UnraisableHookArgs) -> None:
    """An error while cleaning up after a failure already reported (a writer's generator collected late) is a
    line, not a traceback."""
    say(f"Warning: {hook.exc_type.__name__} while cleaning up: {hook.exc_value}")


def main() -> None:
    # importing a command module registers its commands on `cli`
    from cli import audit_cmds, corpus_cmds, export_cmds, index_cmds, qa_cmds, reports_cmds, tui_cmds  # noqa: F401

    signal.signal(signal.SIGTERM, _terminated)
    sys.unraisablehook = _unraisable
    cli()  # click itself ends quietly on a broken pipe (`dqa facts … | head`)
