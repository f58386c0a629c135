"""Tables, columns, rows and narrative amounts → the disclosure schema (corpus/schema).

Every Fact gets `statement` (which mandated table it is printed in), `line` (the schema line or narrative item it
is: "f2080505", "e30217", "sg_reception", "staffing" …), `column` (the header's column ids: breakdown then
measure, e.g. "basic/final") and `scope` (all, fiscal, gp, gf, soc).

A table's statement comes from its title (aliases, longest first), else its printed number ("公开05表", "表五"),
else a title printed inside its header, else — for an untitled table right after another — the previous table's
statement (a continuation), else its header shape (each statement's signature words); otherwise `other`, with the
reason. A row's line comes from its code first (类/款/项 split across cells or whole, economic codes), checked
against the printed name, then from the name. Narrative amounts are placed by corpus.narrative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from corpus.model import Document, Fact, Table
from corpus.narrative import SCOPE_WORDS, classify_narrative
from corpus.numbers import is_missing, parse_cell
from corpus.schema import Line, Schema, Statement, label_key, load_schema, normalize

_FUNC_CODE = re.compile(r"2\d{2}(?:\d{2}){0,2}")
_ECON_CODE = re.compile(r"[35]\d{2}(?:\d{2})?")
_ANY_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_CODE_DASH_NAME = re.compile(r"(\d{3}(?:\d{2}){0,2})[-－—]([\u4e00-\u9fff].*)")
_PART = re.compile(r"\d{2}")
_TOTAL_WORDS = {"合计", "总计", "小计", "合计数", "总合计"}
_MEASURE_TAIL = re.compile(r"(?:预算数|决算数|执行数|预算|决算|支出|经费)$")
_YEAR_PREFIX = re.compile(r"^(?:20\d{2}|\d{2})年(?:度)?")
_UNIT_TAIL = re.compile(r"[(（](?:万元|元|%|％)[)）]$")
_NUMBER = re.compile(r"公开(\d{1,2})表|^表(\d{1,2})|^表([一二三四五六七八九十]{1,3})(?![\u4e00-\u9fff])")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_LAST_NUMBERED = re.compile(r"[一二三四五六七八九十]+、([^一二三四五六七八九十、]+)$")


@dataclass
class TableClass:
    """How one table was classified: its statement (None = other) and why."""

    table_id: str
    statement: str | None
    reason: str
    title: str = ""


@dataclass
class RowLine:
    """The line of one label segment of a body row (a two-sided row has one per side)."""

    line: str | None
    scope: str | None = None
    label: str = ""
    code: str = ""
    reason: str = ""


@dataclass
class DocumentClass:
    """A whole report's classification: per table, its statement; per (table, row, col), the row's line."""

    tables: dict[str, TableClass] = field(default_factory=dict)
    rows: dict[tuple[str, int, int], RowLine] = field(default_factory=dict)


# -- numbers and cells --------------------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return text.replace(" ", "").replace("\u3000", "")


def _is_number(text: str) -> bool:
    t = _compact(text)
    return bool(t) and not is_missing(t) and not _ANY_CODE.fullmatch(t) and parse_cell(t) is not None


@lru_cache(maxsize=65536)
def _kind(text: str) -> str:
    """'code', 'part' (a 2-digit 款/项 part), 'number', 'empty' or 'label'."""
    t = _compact(text)
    if not t or is_missing(t):
        return "empty"
    if _ANY_CODE.fullmatch(t):
        return "code"
    if _PART.fullmatch(t):
        return "part"
    if parse_cell(t) is not None:
        return "number"
    return "label"


# -- tables → statements ------------------------------------------------------------------------------------------


def _features(table: Table) -> tuple[bool, bool, str]:
    """(has function codes, has economic codes, header text) of a table."""
    func = econ = False
    for row in table.body_rows[:60]:
        for cell in row:
            t = _compact(cell.text)
            if _FUNC_CODE.fullmatch(t):
                func = True
            elif _ECON_CODE.fullmatch(t):
                econ = True
    header = " ".join(c.text for r in table.header_rows for c in r if c.text)
    return func, econ, normalize(header)


def _fits_shape(statement: Statement, func: bool, econ: bool) -> bool:
    if statement.rows == "function":
        return not econ or func
    if statement.rows == "economic":
        return not func or econ
    if statement.rows in ("summary_lines", "income_lines", "expense_lines", "sangong"):
        return not func and not econ
    return True


def _number(title: str) -> str | None:
    """The printed statement number in a family's own form: "公开05表", "表五", "表1"."""
    m = _NUMBER.search(normalize(title))
    if not m:
        return None
    if m.group(1):
        return f"公开{int(m.group(1)):02d}表"
    if m.group(2):
        return f"表{int(m.group(2))}"
    return f"表{m.group(3)}"


class _TableClassifier:
    def __init__(self, schema: Schema, doc: Document) -> None:
        self.schema = schema
        self.doc = doc
        self.kinds = {doc.kind, "any"} if doc.kind in ("决算", "预算") else {"决算", "预算", "any"}
        self.by_number: dict[str, list[Statement]] = {}
        for s in schema.statements.values():
            for n in s.numbers:
                self.by_number.setdefault(n, []).append(s)

    def candidates(self, table: Table) -> tuple[list[Statement], str]:
        func, econ, header = _features(table)
        found = [s for s in self.schema.statements_titled(table.title) if s.kind in self.kinds]
        if found:
            return self._fit(found, func, econ), "title"
        number = _number(table.title)
        if number:
            found = [s for s in self.by_number.get(number, []) if s.kind in self.kinds]
            if found:
                return self._fit(found, func, econ), f"number {number}"
        inner = header + normalize(" ".join(c.text for r in table.body_rows[:3] for c in r if _kind(c.text) == "label"))
        found = [s for s in self.schema.statements_titled(inner) if s.kind in self.kinds]
        if found:
            return self._fit(found, func, econ), "title inside the header"
        return [], ""

    def shape(self, table: Table) -> list[Statement]:
        func, econ, header = _features(table)
        text = header + normalize(" ".join(c.text for r in table.body_rows[:2] for c in r))
        found = [
            s for s in self.schema.statements.values()
            if s.signature and s.kind in self.kinds and all(normalize(w) in text for w in s.signature)
        ]  # fmt: skip
        found = [s for s in found if _fits_shape(s, func, econ)]
        return sorted(found, key=lambda s: -len(s.signature))

    @staticmethod
    def _fit(found: list[Statement], func: bool, econ: bool) -> list[Statement]:
        fitting = [s for s in found if _fits_shape(s, func, econ)]
        return fitting or found


def classify_tables(doc: Document, schema: Schema | None = None) -> dict[str, TableClass]:
    """Every table of a report → its statement (or None) with the reason; see the module docstring."""
    schema = schema or load_schema()
    tc = _TableClassifier(schema, doc)
    tables = doc.tables
    chosen: dict[str, list[Statement]] = {}
    reasons: dict[str, str] = {}
    for table in tables:
        chosen[table.id], reasons[table.id] = tc.candidates(table)
    families: dict[str, int] = {}
    for found in chosen.values():
        if len({s.family for s in found}) == 1:
            families[found[0].family] = families.get(found[0].family, 0) + 1
    used = {found[0].id for found in chosen.values() if len(found) == 1}
    out: dict[str, TableClass] = {}
    previous: tuple[Table, TableClass] | None = None
    for table in tables:
        found, reason = chosen[table.id], reasons[table.id]
        if (
            not found
            and previous is not None
            and previous[1].statement
            and _continues(table, previous[0], schema.statements[previous[1].statement])
        ):
            result = TableClass(table.id, previous[1].statement, f"continues {previous[0].id}", table.title)
        else:
            if not found:
                found, reason = tc.shape(table), "header shape"
            if found:
                # ties: the family the report's other tables belong to, then a statement no other table is
                # (Jiangsu 06 and 08 look alike; the one not printed under its own title is the other)
                best = max(found, key=lambda s: (families.get(s.family, 0), s.id not in used))
                result = TableClass(table.id, best.id, reason, table.title)
                used.add(best.id)
            else:
                result = TableClass(table.id, None, _why_other(table), table.title)
        out[table.id] = result
        previous = (table, result)
    return out


def _continues(table: Table, prev: Table, statement: Statement) -> bool:
    """An untitled table on the page after (or the page of) the previous one, with no header of its own (or the
    same header repeated; 绩效 tables split anywhere) and rows of the same kind, continues it."""
    if table.title or not table.pages or not prev.pages or table.pages[0] - prev.pages[-1] not in (0, 1):
        return False
    header = [[c.text for c in r] for r in table.header_rows]
    if header and statement.standard and header != [[c.text for c in r] for r in prev.header_rows]:
        return False
    func, econ, _ = _features(table)
    return _fits_shape(statement, func, econ)


def _why_other(table: Table) -> str:
    header = normalize(" ".join(c.text for r in table.header_rows for c in r if c.text))
    if header in ("目录", "目 录"):
        return "table of contents"
    if not table.body_rows:
        return "no body rows"
    if header and len(header) > 40:
        return "prose printed inside a frame"
    return (
        f"no title; header “{header[:30]}” matches no statement"
        if not table.title
        else (f"title “{table.title[:30]}” matches no statement")
    )


# -- header paths → columns ---------------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    key = normalize(text)
    key = _YEAR_PREFIX.sub("", key)
    return _UNIT_TAIL.sub("", key)


@dataclass
class ColumnClass:
    column: str | None  # "/"-joined column ids, breakdown before measure
    scope: str | None
    line: str | None  # the line a header names (三公 tables, one-row statements)
    side: str = ""  # income or expense, in two-sided summaries


def _measure_suffix(schema: Schema, key: str) -> tuple[str | None, str]:
    """ "“三公”经费预算数" → ("budget", "三公经费"): a measure word at the end of a header naming an item."""
    for alias, column in _measure_aliases(schema):
        if key.endswith(alias) and len(key) > len(alias):
            return column, key[: -len(alias)]
    return None, key


_MEASURE_ALIASES: dict[int, list[tuple[str, str]]] = {}


def _measure_aliases(schema: Schema) -> list[tuple[str, str]]:
    """Every measure wording (2 characters or more), longest first."""
    if id(schema) not in _MEASURE_ALIASES:
        pairs = {(normalize(a), c.id) for c in schema.columns.values() if c.dimension == "measure" for a in c.aliases}
        _MEASURE_ALIASES[id(schema)] = sorted((p for p in pairs if len(p[0]) >= 2), key=lambda p: -len(p[0]))
    return _MEASURE_ALIASES[id(schema)]


def classify_column(schema: Schema, statement: Statement | None, path: list[str], kind: str) -> ColumnClass:
    """A header path (top level first) → column ids, scope, and the line it names when the header names one."""
    breakdowns: list[str] = []
    measure: str | None = None
    scope: str | None = None
    named: list[str | None] = []
    side = ""
    summary = statement is not None and statement.rows == "summary_lines"
    for text in path:
        key = _header_key(text)
        if "支出" in key and not side:
            side = "expense" if not key.startswith("收入") else ""
        if key.startswith("收入") or key in ("本年收入",):
            side = side or "income"
        columns = schema.columns_named(key)
        if not columns:
            m, rest = _measure_suffix(schema, key)
            if m:
                measure = measure or m
                columns = schema.columns_named(rest)
                key = rest
        for c in columns:
            if c.dimension == "measure":
                measure = measure or c.id
            elif c.dimension == "scope":
                scope = c.id
            elif c.dimension == "breakdown" and not summary and c.id not in breakdowns:
                breakdowns.append(c.id)
        if statement is not None and statement.line_from == "header":
            named.append(_header_line(schema, key))
    if measure in (None, "amount"):
        measure = {"决算": "final", "预算": "budget"}.get(kind, measure)
    ids = [*breakdowns, *([measure] if measure else [])]
    line = None
    if statement is not None and statement.line_from == "header":
        line = _pick_header_line(statement, path, named)
        if line is None and len(path) > 1:  # a header word split over two lines: "公务接" + "待费"
            joined = [_header_line(schema, _header_key(a + b)) for a, b in pairwise(path)]
            line = next((x for x in reversed(joined) if x and x != "TOTAL"), None)
    return ColumnClass("/".join(ids) or None, scope, line, side)


def body_header_path(table: Table, row: int, col: int) -> list[str]:
    """A header printed inside the body (Word-built Jiangsu tables): the label-only rows above a data row.

    Bottom-up, a row gives the cell at this column; once one did, rows above may give the nearest cell to the
    left (a band spanning several columns). When no cell sits at the column, the k-th amount takes the k-th header
    of the lowest row with as many headers as the data row has cells."""
    above = [r for r in table.body_rows if r and r[0].row < row]
    data = next((r for r in table.body_rows if r and r[0].row == row), [])
    labels = [r for r in above if all(_kind(c.text) in ("label", "empty") for c in r)]
    labels = [r for r in labels if not any("：" in c.text or ":" in c.text for c in r)]
    path: list[str] = []
    anchored = False
    for r in reversed(labels):
        exact = next((c.text for c in r if c.col == col and c.text), None)
        left = max((c for c in r if c.col <= col and c.text), key=lambda c: c.col, default=None)
        if exact:
            path.insert(0, exact)
            anchored = True
        elif anchored and left is not None:
            path.insert(0, left.text)
    if path:
        return path
    cells = sorted(data, key=lambda c: c.col)
    index = next((i for i, c in enumerate(cells) if c.col == col), None)
    for r in reversed(labels):
        texts = [c.text for c in sorted(r, key=lambda c: c.col) if c.text]
        if index is not None and len(texts) == len(cells):
            return [texts[index]]
    return []


def _header_line(schema: Schema, key: str) -> str | None:
    if key in _TOTAL_WORDS:
        return "TOTAL"
    for candidate in (key, _strip_scope(key)[0]):
        lines = [x for x in schema.lines_named(candidate) if x.classification == "line"]
        if lines:
            return lines[0].id
    return None


def _pick_header_line(statement: Statement, path: list[str], named: list[str | None]) -> str | None:
    """The most specific line named along a header path; a trailing 小计/合计 stands for its parent."""
    last = None
    for i, line in enumerate(named):
        if line == "TOTAL":
            last = next((x for x in reversed(named[:i]) if x and x != "TOTAL"), None) or statement.total_line
        elif line:
            last = line
    return last


def _strip_scope(key: str) -> tuple[str, str | None]:
    for word, scope in SCOPE_WORDS:
        if word in key and key != word:
            return key.replace(word, "", 1), scope
    return key, None


# -- body rows → lines --------------------------------------------------------------------------------------------


class _RowClassifier:
    def __init__(self, schema: Schema, doc: Document) -> None:
        self.schema = schema
        self.year = doc.year
        self._similar: dict[tuple[str, str], bool] = {}

    def table_rows(self, table: Table, statement: Statement | None) -> dict[tuple[int, int], RowLine]:
        """(row, col) of every amount cell → the line of the label segment it belongs to."""
        out: dict[tuple[int, int], RowLine] = {}
        sections: dict[int, tuple[str, int]] = {}  # label column → (carry line, row) fund rows split it by scope
        for row in table.body_rows:
            cells = sorted((c for c in row if c.text), key=lambda c: c.col)
            kinds = [_kind(c.text) for c in cells]
            if not any(k == "number" for k in kinds):
                continue
            last: RowLine | None = None
            segment: list[int] = []
            for i, k in enumerate(kinds):
                if k in ("code", "part", "label"):
                    segment.append(i)
                    continue
                if k != "number":
                    continue
                if segment:  # the labels since the previous amount name this one
                    last = self._segment(table, statement, [cells[j] for j in segment], sections)
                    segment = []
                elif last is None:  # an amount before any label (a total fused with the header row)
                    last = RowLine(None, reason="no label")
                out[(cells[i].row, cells[i].col)] = last  # further amounts share the nearest labels
        return out

    def _segment(self, table: Table, statement: Statement | None, cells: list, sections: dict) -> RowLine:
        codes, labels = [], []
        for cell in cells:
            t = _compact(cell.text)
            k = _kind(t)
            joined = _CODE_DASH_NAME.fullmatch(t)
            if joined:  # "2040601-行政运行": the code and the name in one cell
                codes.append(joined.group(1))
                labels.append(joined.group(2))
            elif k == "code" or (k == "part" and codes):
                codes.append(t)
            elif k == "label":
                labels.append(t)
        if labels and label_key(labels[-1]) in _TOTAL_WORDS and len(labels) > 1:
            labels = labels[:-1]
        label = labels[-1] if labels else ""
        code = "".join(codes)
        col = cells[-1].col
        result = self.resolve(statement, label, code, header_side(table, col))
        carry = sections.get(col)
        if result.line in ("carry_in", "carry_out"):
            sections[col] = (result.line, 0)
        elif carry and result.line in ("inc_gp", "inc_gf", "inc_soc", "inc_fiscal"):
            result = RowLine(carry[0], self.schema.lines[result.line].scope, label, code, "fund row under carry-over")
        elif result.line is not None:
            sections.pop(col, None)
        return result

    def resolve(self, statement: Statement | None, label: str, code: str, side: str = "") -> RowLine:
        """A printed code and/or label → a line; see the module docstring for the order."""
        if code and len(code) in (3, 5, 7):
            line = self.schema.by_code(code, self.year, label)
            if line is not None:
                if not label or self._agrees(line, label):
                    return RowLine(line.id, None, label, code, "code")
                other = self._by_name(statement, label, line.classification)
                if other is not None:
                    return RowLine(other.id, other.scope, label, code, f"name (code {code} is {line.name})")
                return RowLine(None, None, label, code, f"code {code} is {line.name}, printed “{label}”")
        if not label:
            return RowLine(None, None, label, code, f"unknown code {code}" if code else "no label")
        key = label_key(label)
        if key in _TOTAL_WORDS and statement is not None:
            total = statement.expense_total_line if side == "expense" and statement.expense_total_line else ""
            return RowLine(total or statement.total_line or None, None, label, code, "total")
        line = self._by_name(statement, label)
        if line is not None:
            return RowLine(line.id, line.scope, label, code, "name")
        stripped, scope = _strip_scope(key)
        if scope:
            line = self._by_name(statement, stripped)
            if line is not None:
                return RowLine(line.id, scope, label, code, "name without its scope words")
        line = self._wrapped(statement, key) if statement is not None and statement.standard else None
        if line is not None:
            return RowLine(line.id, line.scope, label, code, "name wrapped across cells")
        return RowLine(None, None, label, code, "unknown name")

    def _wrapped(self, statement: Statement | None, key: str) -> Line | None:
        """A label that picked up the end of the line above ("出八、社会保障和就业支出") or lost its end to the line
        below ("八、社会保障和就"): the last numbered part, or the one 类/fixed line the text begins."""
        m = _LAST_NUMBERED.search(key)
        if m and m.start() > 0:
            line = self._by_name(statement, m.group(1))
            if line is not None:
                return line
        key = label_key(m.group(1)) if m else key
        if len(key) < 4:
            return None
        found = {
            x.id for k, ids in self.schema.name_keys() if k.startswith(key) and k != key for x in ids
            if x.classification == "line" or x.level == "类"
        }  # fmt: skip
        return self.schema.lines[found.pop()] if len(found) == 1 else None

    def _by_name(self, statement: Statement | None, label: str, only: str | None = None) -> Line | None:
        found = self.schema.lines_named(label)
        if not found:
            return None
        rows = statement.rows if statement else ""
        order = {"function": ("function", "line", "economic"), "economic": ("economic", "line", "function")}.get(
            rows, ("line", "function", "economic")
        )
        for classification in order:
            if only and classification != only:
                continue
            group = [x for x in found if x.classification == classification]
            if classification == "economic":
                group = self._economic_edition(group)
            if classification == "function" and len(group) > 1:
                group = [x for x in group if x.level == "类"] or group  # 其他支出: the 类 of a summary
            if len(group) == 1 or (group and classification == "line"):
                return group[0]
        return None

    def _economic_edition(self, group: list[Line]) -> list[Line]:
        group = [x for x in group if x.system == "department"] or group
        if len(group) > 1 and self.year is not None:
            fitting = [x for x in group if (x.until is None) == (self.year > 2017)]
            group = fitting or group
        return group

    def _agrees(self, line: Line, label: str) -> bool:
        key = label_key(label)
        names = [label_key(n) for n in line.names]
        if key in names or any(n in key or key in n for n in names):
            return True
        pair = (line.id, key)
        if pair not in self._similar:
            self._similar[pair] = max(SequenceMatcher(None, key, n).ratio() for n in names) >= 0.6
        return self._similar[pair]


def header_side(table: Table, col: int) -> str:
    """ "income" or "expense" for a column of a two-sided summary (its header path says 收入 or 支出)."""
    for text in table.header_path(col):
        key = normalize(text)
        if "支出" in key and not key.startswith("收入"):
            return "expense"
        if "收入" in key:
            return "income"
    return ""


def classify_document(doc: Document, schema: Schema | None = None) -> DocumentClass:
    """Tables → statements and every amount cell → its row's line (for facts, benches and `dqa parse --schema`)."""
    schema = schema or load_schema()
    result = DocumentClass(tables=classify_tables(doc, schema))
    rows = _RowClassifier(schema, doc)
    for table in doc.tables:
        statement = schema.statements.get(result.tables[table.id].statement or "")
        for (row, col), line in rows.table_rows(table, statement).items():
            result.rows[(table.id, row, col)] = line
    return result


def classify_facts(doc: Document, facts: list[Fact], schema: Schema | None = None) -> None:
    """Set statement, line, column and scope on every fact of a report, in place."""
    schema = schema or load_schema()
    result = classify_document(doc, schema)
    tables = {t.id: t for t in doc.tables}
    columns: dict[tuple[str, int], ColumnClass] = {}
    text_facts: list[Fact] = []
    for fact in facts:
        if fact.source == "table" and fact.table_id in tables:
            table = tables[fact.table_id]
            tc = result.tables[table.id]
            statement = schema.statements.get(tc.statement or "")
            fact.statement = tc.statement or "other"
            key = (table.id, fact.col or 0)
            if key not in columns:
                path = table.header_path(fact.col or 0)
                if not path and statement is not None and statement.line_from == "header":
                    path = body_header_path(table, fact.row or 0, fact.col or 0)
                columns[key] = classify_column(schema, statement, path, doc.kind)
            cc = columns[key]
            row = result.rows.get((table.id, fact.row or 0, fact.col or 0))
            fact.line = cc.line or (row.line if row else None)
            fact.column = cc.column
            line = schema.lines.get(fact.line or "")
            fact.scope = (
                (row.scope if row else None)
                or cc.scope
                or (line.scope if line else None)
                or (statement.scope if statement else None)
            )
        elif fact.source == "text":
            text_facts.append(fact)
    classify_narrative(doc, text_facts, schema)
