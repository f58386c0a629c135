"""Lines of reading text → paragraphs with their section-heading path.

Every reader (text, PDF, Word) hands its lines here, so headings and spans work
the same way everywhere. A page's text is rebuilt as the paragraphs joined by
newlines, so `page.text[p.start:p.end] == p.text` holds exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.model import Page, Paragraph, Table

# Heading levels as these reports number them: 第一部分 > 一、 > （一） > 1．
_LEVELS = [
    re.compile(r"^第[一二三四五六七八九十]+部分"),
    re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]"),
    re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]"),
    re.compile(r"^\d{1,2}[．.、](?!\d)"),
]
_SENTENCE_END = ("。", "！", "？", "：", ":", "；")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff“”（）])[ \u3000]+(?=[\u3400-\u9fff“”（）])")


def clean_line(line: str) -> str:
    """Drop letter-spacing between CJK characters ("公 务 用 车") and outer blanks."""
    line = line.replace("\u3000", " ").replace("\xa0", " ").strip()
    return _CJK_SPACE.sub("", line)


def heading_level(line: str) -> int | None:
    """The heading level of a short numbered line, or None for body text."""
    if len(line) > 60 or line.endswith("。"):
        return None
    for level, pattern in enumerate(_LEVELS):
        if pattern.match(line):
            # "1．因公出国（境）经费：2019年…" is a numbered paragraph, not a heading
            return level if not re.search(r"\d+(\.\d+)?\s*(万元|元|%)", line) else None
    return None


@dataclass
class HeadingTracker:
    """The current section path; carried from page to page of one document."""

    path: list[tuple[int, str]] = field(default_factory=list)

    def enter(self, level: int, line: str) -> None:
        self.path = [(lvl, text) for lvl, text in self.path if lvl < level]
        self.path.append((level, line))

    @property
    def names(self) -> list[str]:
        return [text for _, text in self.path]


def lines_to_paragraphs(
    lines: list[str], headings: HeadingTracker, join_wrapped: bool = False
) -> tuple[str, list[Paragraph]]:
    """Group lines into paragraphs; returns the rebuilt page text and the paragraphs.

    `join_wrapped` joins lines that a PDF wrapped mid-sentence: a line that does not
    end a sentence continues on the next, unless the next one is a heading.
    """
    groups: list[tuple[list[str], list[str]]] = []  # (heading path, lines)
    current: list[str] = []

    def flush() -> None:
        if current:
            groups.append((headings.names, list(current)))
            current.clear()

    for raw in lines:
        line = clean_line(raw)
        if not line:
            flush()
            continue
        level = heading_level(line)
        if level is not None:
            flush()
            groups.append((headings.names, [line]))
            headings.enter(level, line)
            continue
        current.append(line)
        if not join_wrapped or line.endswith(_SENTENCE_END):
            flush()
    flush()

    text_parts: list[str] = []
    paragraphs: list[Paragraph] = []
    offset = 0
    for path, group in groups:
        text = "".join(group)
        paragraphs.append(Paragraph(text=text, heading_path=path, start=offset, end=offset + len(text)))
        text_parts.append(text)
        offset += len(text) + 1
    return "\n".join(text_parts), paragraphs


@dataclass
class PageBuilder:
    """Collects prose lines and tables in reading order into one Page (text files, Word).

    Prose between tables becomes paragraphs whose spans index the page text built here.
    """

    number: int = 1
    headings: HeadingTracker = field(default_factory=HeadingTracker)
    prose: list[str] = field(default_factory=list)
    blocks: list[Paragraph | Table] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    offset: int = 0

    def add_table(self, table: Table) -> None:
        self.flush()
        self.blocks.append(table)

    def flush(self) -> None:
        if not self.prose:
            return
        text, paragraphs = lines_to_paragraphs(self.prose, self.headings)
        for p in paragraphs:
            p.start, p.end = p.start + self.offset, p.end + self.offset
        self.blocks.extend(paragraphs)
        if text:
            self.parts.append(text)
            self.offset += len(text) + 1
        self.prose.clear()

    def page(self) -> Page:
        self.flush()
        return Page(number=self.number, text="\n".join(self.parts), blocks=self.blocks)
