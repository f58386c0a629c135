"""One error type for everything a user can cause; the CLI prints it without a traceback."""

from __future__ import annotations

from pathlib import Path


class DqaError(Exception):
    """An error shown to the user as one line: what file, what went wrong."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{path}: {message}" if path is not None else message)
