"""One report as the rules see it: its facts by statement and table, and the tables whose parse we do not trust.

A rule accuses the report only where our own reading of it is complete. A table is in doubt when some of its
figures sit on rows we could not place in the schema (the reader shifted or lost cells, or the row is one the
schema does not know): a rule that fails there says `parse doubt` at info, never an error of the report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from audit.common import item_key
from corpus.classify import TableClass, classify_tables
from corpus.model import Document, Fact, Paragraph, Table
from corpus.numbers import is_missing, parse_decimal
from corpus.schema import Schema, Statement, load_schema
from corpus.sentences import paragraph_facts

Sentence = tuple[int, str, int, list[Fact]]


@dataclass
class Report:
    doc: Document
    facts: list[Fact]
    schema: Schema
    classes: dict[str, TableClass]
    tables: dict[str, Table]
    # table id → the id of the first table of its statement (a continuation on the next page points back)
    instance: dict[str, str] = field(default_factory=dict)
    by_instance: dict[str, list[Fact]] = field(default_factory=dict)
    doubts: dict[str, str] = field(default_factory=dict)  # instance id → why its parse is not trusted
    # instance id → cells whose number we did not read or cannot trust: "237" read as a code in a 三公 table, or
    # "3,660.3" | "8" in a table that prints two decimals everywhere (2018年省检察院 公开01表: 3,660.38 split)
    unread: dict[str, list[tuple[str, int, int]]] = field(default_factory=lambda: defaultdict(list))
    _sentences: list[Sentence] | None = None
    _cell_sentences: list[Sentence] | None = None
    _breakdowns: dict[tuple, set[str]] | None = None

    @classmethod
    def of(cls, doc: Document, facts: list[Fact]) -> Report:
        schema = load_schema()
        report = cls(doc, facts, schema, classify_tables(doc, schema), {t.id: t for t in doc.tables})
        for table in doc.tables:
            reason = report.classes[table.id].reason
            previous = reason.removeprefix("continues ") if reason.startswith("continues ") else None
            report.instance[table.id] = report.instance.get(previous, table.id) if previous else table.id
        grouped: dict[str, list[Fact]] = defaultdict(list)
        for f in facts:
            if f.source == "table" and f.table_id in report.instance:
                grouped[report.instance[f.table_id]].append(f)
        report.by_instance = dict(grouped)
        read = {(f.table_id, f.row, f.col) for f in facts if f.source == "table"}
        for table in doc.tables:
            keeps_zeros = any(_TWO_PLACES_ZERO.fullmatch(c.text.strip()) for row in table.body_rows for c in row)
            for row in table.body_rows:
                cells = sorted((c for c in row if c.text.strip()), key=lambda c: c.col)
                for cell in cells[1:]:
                    if (table.id, cell.row, cell.col) not in read and _unread(table, cell.col, cell.text):
                        report.unread[report.instance[table.id]].append((table.id, cell.row, cell.col))
                for a, b in pairwise(cells):  # "3,660.3" | "8": one amount split over two cells
                    if keeps_zeros and _ONE_PLACE.fullmatch(a.text.strip()) and _DIGIT.fullmatch(b.text.strip()):
                        report.unread[report.instance[table.id]] += [(table.id, c.row, c.col) for c in (a, b)]
        for key, table_facts in grouped.items():
            lost = [f for f in table_facts if f.kind in ("money", "number") and f.line is None]
            if lost:
                f = lost[0]
                report.doubts[key] = (
                    f"{len(lost)} figure(s) on rows we could not place, e.g. {f.printed} on page {f.page} / "
                    f"{len(lost)}个数字无法对应到表内行次（如第{f.page}页{f.printed}）"
                )
        return report

    def statement(self, table_id: str | None) -> Statement | None:
        """The statement a table (or its first page) is printed as; None for tables that are no statement."""
        if table_id is None:
            return None
        return self.schema.statements.get(self.classes[table_id].statement or "") if table_id in self.classes else None

    def instances(self) -> list[tuple[Statement, Table, list[Fact]]]:
        """Every printed statement with its first table and all its table facts (continuations included)."""
        out = []
        for key, facts in self.by_instance.items():
            statement = self.statement(key)
            if statement is not None:
                out.append((statement, self.tables[key], facts))
        return out

    def sentences(self) -> list[Sentence]:
        """(page, sentence, offset in the page text, its facts) for every sentence (up to 。), computed once."""
        if self._sentences is None:
            by_page: dict[int, list[Fact]] = defaultdict(list)
            for f in self.facts:
                if f.source == "text" and f.start is not None:
                    by_page[f.page].append(f)
            self._sentences = []
            for page in self.doc.pages:
                page_facts = sorted(by_page.get(page.number, []), key=lambda f: f.start or 0)
                for para in page.paragraphs:
                    for m in re.finditer(r"[^。！？]+[。！？]?", para.text):
                        lo, hi = para.start + m.start(), para.start + m.end()
                        inside = [f for f in page_facts if lo <= (f.start or 0) < hi]
                        self._sentences.append((page.number, m.group(), lo, inside))
        return self._sentences

    def cell_sentences(self) -> list[Sentence]:
        """Sentences written inside table cells (绩效 tables), with their facts, computed once."""
        if self._cell_sentences is None:
            self._cell_sentences = []
            for table in self.doc.tables:
                for cell in (c for row in table.body_rows for c in row if len(c.text) >= 15 and "比" in c.text):
                    para = Paragraph(text=cell.text, start=0, end=len(cell.text))
                    inside = paragraph_facts(self.doc, cell.page, para)
                    if inside:
                        self._cell_sentences.append((cell.page, cell.text, 0, inside))
        return self._cell_sentences

    def label(self, f: Fact) -> str:
        """A figure's item as a reader knows it: the schema's name (with its code), else the subject as printed."""
        line = self.schema.item(f.line or "")
        if line is None:
            return item_key(f.subject)
        code = getattr(line, "code", None)
        return f"{code} {line.name}" if code else line.name

    def row_breakdowns(self, f: Fact) -> set[str]:
        """The breakdown columns (基本支出, 上年结转 …) that the row of a table figure prints."""
        if self._breakdowns is None:
            self._breakdowns = defaultdict(set)
            for g in self.facts:
                if g.source == "table" and g.column:
                    self._breakdowns[(g.table_id, g.row)].update(g.column.split("/")[:-1])
        return self._breakdowns.get((f.table_id, f.row), set())

    def untrusted(self, f: Fact) -> bool:
        """A table figure whose cell we did not read whole (an amount split over two cells)."""
        return f.source == "table" and (f.table_id, f.row, f.col) in self.unread.get(
            self.instance.get(f.table_id or "", ""), []
        )

    def near_unread(self, instance: str, facts: list[Fact]) -> bool:
        """Some cell in the row or column of these facts holds a number we did not read."""
        spots = {(f.table_id, "row", f.row) for f in facts} | {(f.table_id, "col", f.col) for f in facts}
        return any((t, "row", r) in spots or (t, "col", c) in spots for t, r, c in self.unread.get(instance, []))

    @property
    def text(self) -> list[Fact]:
        return [f for f in self.facts if f.source == "text"]


_CODE_HEADER = ("类", "款", "项", "编码", "代码", "科目")
_TWO_PLACES_ZERO = re.compile(r"[\d,]*\.\d0")  # a table that prints 5,573.00 keeps its trailing zeros
_ONE_PLACE = re.compile(r"[\d,]+\.\d")
_DIGIT = re.compile(r"\d")


def _unread(table: Table, col: int, text: str) -> bool:
    """A cell that prints a number outside the code columns (codes are never amounts, but "237" in an amount
    column of a 三公 table is one)."""
    value = parse_decimal(text)
    if value is None or is_missing(text) or not value:
        return False
    if re.fullmatch(r"\d{2}", text.strip()):
        return False  # a 款/项 part of a split code
    return not any(w in h for h in table.header_path(col) for w in _CODE_HEADER)
