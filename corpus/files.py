"""The files of a corpus: report files under folders and as given, and which links are followed.

A linked report works like a copy of it (it keeps the link's name and place). A link leading out of the corpus
is followed only to a regular file that is a report by its content, so a link named x.txt to /etc/passwd is not
read; linked folders are not entered, and FIFOs and devices are never opened (a read would block or never end).
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.errors import DqaError
from corpus.limits import MAX_TEXT_BYTES
from corpus.reader import SUPPORTED


class CorpusFiles(BaseModel):
    """The report files under some paths: absolute paths, links kept under their own name (a linked report
    works like a copy of it)."""

    files: list[str] = Field(default_factory=list)
    folders: list[str] = Field(default_factory=list)  # the folders walked
    links: list[tuple[str, str]] = Field(default_factory=list)  # (link, target) of reports linked from outside
    refused: list[tuple[str, str]] = Field(default_factory=list)  # (path, reason): missing, or a link not followed


def corpus_files(paths: Iterable[str | Path]) -> CorpusFiles:
    """Files as given and the supported files under folders, in a stable order, without duplicates.

    Hidden folders (.dqa, .git) are skipped and linked folders are not entered. A file that is a link whose
    target lies outside its folder is followed only when the target is a regular file and a report by its
    content (`_check_linked_report`); otherwise it is refused with the reason.
    """
    found = CorpusFiles()
    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir():
            found.folders.append(str(path))
            candidates = [(file, path, link) for file, link in _walk(str(path))]
        elif path.is_file() or (path.is_symlink() and not path.exists()):
            candidates = [(str(path), path.parent, path.is_symlink())]
        else:
            found.refused.append((str(path), "not a regular file" if path.exists() else "no such file or directory"))
            continue
        for file, root, link in candidates:
            if link:
                try:
                    outside = _check_link(Path(file), root)
                except DqaError as exc:
                    found.refused.append((file, exc.reason))
                    continue
                if outside:
                    found.links.append((file, str(Path(file).resolve())))
            found.files.append(file)
    found.files = list(dict.fromkeys(found.files))
    return found


def _walk(folder: str) -> list[tuple[str, bool]]:
    """Supported files under a folder, each with whether it is a link (for `corpus_files` to check), in path order:
    hidden files and folders skipped, linked folders not entered, no FIFOs or devices (reading one would block or
    never end). The directory entries' types say all this, so a folder of 10,000 reports costs no stat per file."""
    out = []
    pending = [folder]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue  # a folder that cannot be listed is skipped, as os.walk skips it
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    if not entry.is_symlink():
                        pending.append(entry.path)
                elif os.path.splitext(entry.name)[1].lower() in SUPPORTED and (entry.is_file() or entry.is_symlink()):
                    out.append((entry.path, entry.is_symlink()))
    return sorted(out, key=lambda found: found[0].replace(os.sep, "\0"))  # as paths sort: part by part


def _check_link(link: Path, root: Path) -> bool:
    """Whether the link leads outside `root`; a DqaError if it is not to be followed. A broken link is let
    through for the reader to name."""
    target = link.resolve()
    if not target.is_relative_to(root.resolve()):
        _check_linked_report(link, target)
        return True
    if target.exists() and not target.is_file():
        raise DqaError(f"links to {target}, which is not a regular file; not followed", link)
    return False


def _check_linked_report(link: Path, target: Path) -> None:
    """A link out of the corpus is read only if it leads to a regular file that is a report of the link's type
    by its content: a PDF header, an OOXML package of the right kind, or text that decodes and names a 预算/决算."""
    reason = f"links to {target}, outside the corpus"
    try:
        info = target.stat()
    except OSError:
        raise DqaError(f"{reason}, which does not exist; not followed", link) from None
    if not stat.S_ISREG(info.st_mode):
        raise DqaError(f"{reason}, which is not a regular file; not followed", link)
    suffix = link.suffix.lower()
    if suffix == ".pdf":
        with target.open("rb") as fh:
            ok = b"%PDF-" in fh.read(1024)
    elif suffix in (".docx", ".xlsx"):
        ok = _is_package(target, "word/document.xml" if suffix == ".docx" else "xl/workbook.xml")
    else:
        ok = _is_report_text(target, info.st_size)
    if not ok:
        raise DqaError(f"{reason}, which is not a {suffix} report by its content; not followed", link)


def _is_package(path: Path, part: str) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and part in names


def _is_report_text(path: Path, size: int) -> bool:
    from corpus.text import decode

    if size > MAX_TEXT_BYTES:
        return False
    try:
        text, _ = decode(path.read_bytes(), path)
    except (DqaError, OSError):
        return False
    return "预算" in text or "决算" in text
