"""One error type for everything a user can cause, and the one rule for showing strings from outside.

The CLI prints a DqaError as one line without a traceback. A string that came from a file, a path or a
user is shown with its control characters made visible (`visible`), so an ESC sequence in a report
cannot recolour the terminal or set its title, and a newline in a file name cannot forge a line.
"""

from __future__ import annotations

import re
from pathlib import Path

# C0 and C1 controls, DEL, and the bidi overrides/isolates that reorder what is shown
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_IN_TEXT = re.compile(f"[{_CONTROLS}]")
_IN_LINE = re.compile(f"[\n\t{_CONTROLS}]")


def visible(text: str, one_line: bool = False) -> str:
    """`text` with control characters as escapes (ESC → \\x1b); newlines and tabs too when `one_line`."""
    pattern = _IN_LINE if one_line else _IN_TEXT
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class DqaError(Exception):
    """An error shown to the user as one line: what file, what went wrong."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.reason = visible(message)
        shown = visible(str(path), one_line=True) if path is not None else None
        super().__init__(f"{shown}: {self.reason}" if shown is not None else self.reason)
