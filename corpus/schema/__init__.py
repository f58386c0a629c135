"""The disclosure schema: the statements, lines, columns and narrative items a 部门预算/部门决算 report is made of.

These reports are filled-in mandated templates, so what a figure *is* (which statement, which line, which column,
which fund scope) is a matter of looking it up, not of guessing from free text. The lookup tables are reviewed
data files beside this module (each says where its content came from):

- statements.toml: the mandated statements of each family (部门决算, 部门预算, Jiangsu 公开01–12表, universities);
- function_codes.tsv / economic_codes.tsv: the 政府收支分类科目 (function 类/款/项, economic 类/款);
- lines.tsv: the fixed income/expenditure/三公 lines of the summary statements, with their arithmetic;
- columns.tsv: measures, breakdowns and fund scopes a column header can name;
- narrative.tsv: items only the narrative states (people, vehicles, procurement, performance scores);
- bodies.tsv: kinds of publishing body, regions and named bodies, with short forms and English names.

`load_schema()` reads and validates them once. Names are matched after `normalize` (full-width/half-width,
quote marks, spaces) and `label_key` (also the printed numbering "一、", "1.", "（三）" and "其中："), so the data
lists each wording once, as printed.
"""

from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, PrivateAttr

DATA = Path(__file__).parent
SCOPES = ("all", "fiscal", "gp", "gf", "soc", "carry")

_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞＂＇]")
_SPACE = re.compile(r"\s+")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]、?|\d{1,2}(?:[.、．]|\s)(?!\d)|[①-⑳]|[a-zA-Z][.、])"
)
_OF_WHICH = re.compile(r"^(?:其中|含|包括)[:：]?")


def normalize(text: str) -> str:
    """Full-width forms to half-width (NFKC), no quote marks, no spaces, lower-case Latin letters.

    "“三公”经费" and "三公经费", "因公出国（境）费" and "因公出国(境)费" become the same key.
    """
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub("", _QUOTES.sub("", text)).lower()


def label_key(text: str) -> str:
    """A row label without its printed numbering or "其中：" ("二、政府性基金预算" → "政府性基金预算")."""
    key = normalize(text)
    for _ in range(3):
        stripped = _OF_WHICH.sub("", _NUMBERING.sub("", key))
        if stripped == key:
            break
        key = stripped
    return key


def _split(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split("|") if x.strip()]


class Statement(BaseModel):
    """One mandated statement (报表) of a family, e.g. 部门决算's 收入支出决算总表."""

    id: str
    family: str
    kind: str  # 决算, 预算 or any
    title: str
    aliases: list[str]
    english: str
    scope: str
    # function, economic, summary_lines, income_lines, expense_lines, sangong, procurement, performance, units
    rows: str
    line_from: str = "row"  # row: each body row is a line; header: the column header names the line
    total_line: str = ""
    expense_total_line: str = ""
    numbers: list[str] = Field(default_factory=list)
    equivalent: str = ""
    signature: list[str] = Field(default_factory=list)

    @property
    def standard(self) -> bool:
        """A financial statement whose every row should map to a line (the coverage target counts these)."""
        return self.rows in ("function", "economic", "summary_lines", "income_lines", "expense_lines", "sangong")


class Line(BaseModel):
    """A line a figure can be: a fixed statement line (lines.tsv) or a classification code (f<code>, e<code>)."""

    id: str
    name: str
    classification: str  # line, function, economic
    kind: str = ""
    code: str | None = None
    level: str = ""  # 类, 款, 项 for codes
    parent: str | None = None
    sum_of: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    english: str = ""
    english_aliases: list[str] = Field(default_factory=list)
    scope: str | None = None
    prefer: list[str] = Field(default_factory=list)
    narrower: list[str] = Field(default_factory=list)
    system: str = ""  # department or government (economic codes)
    until: int | None = None  # last year this meaning of the code held; None = current
    source: str = ""
    note: str = ""

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class Column(BaseModel):
    """What a column header names: a measure, a breakdown, a fund scope, or just the row-label columns."""

    id: str
    dimension: str  # measure, breakdown, scope, label
    name: str
    aliases: list[str]
    english: str
    line: str | None = None
    note: str = ""


class NarrativeItem(BaseModel):
    """A figure only the narrative states (编制数, vehicles, procurement …), with the kind of number it is."""

    id: str
    name: str
    aliases: list[str]
    english: str
    english_aliases: list[str] = Field(default_factory=list)
    unit_kind: str  # money, count, percent, score
    parent: str | None = None
    note: str = ""


class SchemaError(ValueError):
    """The schema data contradicts itself (duplicate id, missing parent, code and level disagree …)."""


class Schema(BaseModel):
    statements: dict[str, Statement]
    lines: dict[str, Line]
    columns: dict[str, Column]
    narrative: dict[str, NarrativeItem]
    _by_code: dict[tuple[str, str], list[Line]] = PrivateAttr(default_factory=dict)
    _by_name: dict[str, list[str]] = PrivateAttr(default_factory=dict)
    _narrative_by_name: dict[str, list[str]] = PrivateAttr(default_factory=dict)
    _columns_by_name: dict[str, list[str]] = PrivateAttr(default_factory=dict)
    _titles: list[tuple[str, str]] = PrivateAttr(default_factory=list)
    _name_keys: list[tuple[str, list[Line]]] = PrivateAttr(default_factory=list)

    def model_post_init(self, _context: object) -> None:
        for line in self.lines.values():
            if line.code:
                self._by_code.setdefault((line.classification, line.code), []).append(line)
            for name in line.names:
                ids = self._by_name.setdefault(label_key(name), [])
                if line.id not in ids:
                    ids.append(line.id)
        for item in self.narrative.values():
            for name in [item.name, *item.aliases]:
                self._narrative_by_name.setdefault(label_key(name), []).append(item.id)
        for column in self.columns.values():
            for name in [column.name, *column.aliases]:
                ids = self._columns_by_name.setdefault(normalize(name), [])
                if column.id not in ids:
                    ids.append(column.id)
        titles = {(normalize(a), s.id) for s in self.statements.values() for a in [s.title, *s.aliases]}
        self._titles = sorted(titles, key=lambda t: -len(t[0]))

    # -- lookups -----------------------------------------------------------------------------------------------

    def by_code(self, code: str, year: int | None = None, name: str = "") -> Line | None:
        """The line a printed classification code stands for (2xx function, 3xx/5xx economic).

        A code whose meaning changed (economic 30311 was 住房公积金 until 2017) resolves by the printed name, else
        by the report's year."""
        code = code.replace(" ", "")
        classification = "function" if code.startswith("2") else "economic"
        editions = self._by_code.get((classification, code), [])
        if len(editions) <= 1:
            return editions[0] if editions else None
        key = label_key(name) if name else ""
        for line in editions:
            if key and key in {label_key(n) for n in line.names}:
                return line
        if year is not None:
            old = [e for e in editions if e.until is not None and year <= e.until]
            if old:
                return min(old, key=lambda e: e.until or 0)
        return next((e for e in editions if e.until is None), editions[0])

    def lines_named(self, text: str) -> list[Line]:
        """Every line whose name or alias is this label (after `label_key`); several when a name is shared."""
        return [self.lines[i] for i in self._by_name.get(label_key(text), [])]

    def name_keys(self) -> list[tuple[str, list[Line]]]:
        """Every normalised line name with its lines (for prefix matching of wrapped labels)."""
        if not self._name_keys:
            self._name_keys = [(k, [self.lines[i] for i in ids]) for k, ids in self._by_name.items()]
        return self._name_keys

    def narrative_named(self, text: str) -> list[NarrativeItem]:
        return [self.narrative[i] for i in self._narrative_by_name.get(label_key(text), [])]

    def columns_named(self, text: str) -> list[Column]:
        return [self.columns[i] for i in self._columns_by_name.get(normalize(text), [])]

    def statements_titled(self, title: str) -> list[Statement]:
        """Statements whose title or alias is contained in this printed title, longest match first; ties all kept.

        Containment rather than equality so that "2025年部门“三公”经费和机关运行经费预算表" and
        "公开 09 表：一般公共预算“三公”经费、会议费、培训费支出预算表" find their statement without listing every
        prefix."""
        text = normalize(title)
        best = 0
        found: list[Statement] = []
        for alias, sid in self._titles:
            if len(alias) < best:
                break
            if alias and alias in text:
                best = len(alias)
                if self.statements[sid] not in found:
                    found.append(self.statements[sid])
        return found

    def item(self, item_id: str) -> Line | NarrativeItem | None:
        """A line or a narrative item by id."""
        return self.lines.get(item_id) or self.narrative.get(item_id)


# -- loading ---------------------------------------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t")]


def _code_lines() -> list[Line]:
    lines = []
    for row in _rows("function_codes.tsv"):
        code = row["code"]
        lines.append(
            Line(
                id=f"f{code}", name=row["name"], classification="function", kind="function", code=code,
                level=row["level"], parent=f"f{row['parent']}" if row["parent"] else None, english=row["english"],
                aliases=_split(row["aliases"]), source=row["source"],
            )
        )  # fmt: skip
    for row in _rows("economic_codes.tsv"):
        code, until = row["code"], int(row["until"]) if row["until"] else None
        parent = row["parent"]
        lines.append(
            Line(
                id=f"e{code}" + (f"_{until}" if until else ""), name=row["name"], classification="economic",
                kind="economic", code=code, level=row["level"], parent=f"e{parent}" if parent else None,
                english=row["english"], aliases=_split(row["aliases"]), system=row["system"], until=until,
                source=row["source"],
            )
        )  # fmt: skip
    return lines


def _fixed_lines() -> list[Line]:
    return [
        Line(
            id=row["id"], name=row["name"], classification="line", kind=row["kind"], scope=row["scope"] or None,
            parent=row["parent"] or None, sum_of=[x for x in row["sum_of"].split("+") if x],
            aliases=_split(row["aliases"]), english=row["english"], english_aliases=_split(row["english_aliases"]),
            prefer=_split(row["prefer"]), narrower=_split(row["narrower"]), note=row["note"],
        )
        for row in _rows("lines.tsv")
    ]  # fmt: skip


def _unique(items: list, what: str) -> dict:
    out: dict = {}
    for item in items:
        if item.id in out:
            raise SchemaError(f"{what}: duplicate id {item.id!r}")
        out[item.id] = item
    return out


def build_schema() -> Schema:
    """Read every data file and validate it (uncached; `load_schema` is the cached door)."""
    with (DATA / "statements.toml").open("rb") as f:
        statements = _unique([Statement(**s) for s in tomllib.load(f)["statement"]], "statements.toml")
    lines = _unique(_code_lines() + _fixed_lines(), "lines")
    columns = _unique(
        [Column(id=r["id"], dimension=r["dimension"], name=r["name"], aliases=_split(r["aliases"]),
                english=r["english"], line=r["line"] or None, note=r["note"]) for r in _rows("columns.tsv")],
        "columns.tsv",
    )  # fmt: skip
    narrative = _unique(
        [NarrativeItem(id=r["id"], name=r["name"], aliases=_split(r["aliases"]), english=r["english"],
                       english_aliases=_split(r["english_aliases"]), unit_kind=r["unit_kind"],
                       parent=r["parent"] or None, note=r["note"]) for r in _rows("narrative.tsv")],
        "narrative.tsv",
    )  # fmt: skip
    schema = Schema(statements=statements, lines=lines, columns=columns, narrative=narrative)
    validate(schema)
    return schema


class BodyName(BaseModel):
    """A kind of body, a region or one named body (bodies.tsv): its Chinese short forms and English names."""

    what: str  # type, region or body
    name: str
    short: list[str]
    english: list[str]
    label: str  # type: the body type shown; region and body: the level
    region: str = ""
    note: str = ""


@lru_cache(maxsize=1)
def load_bodies() -> list[BodyName]:
    """bodies.tsv, read once; longest names first, so a longer type (高级人民法院) wins over a shorter (人民法院)."""
    rows = [
        BodyName(what=r["what"], name=r["name"], short=_split(r["short"]), english=_split(r["english"]),
                 label=r["label"], region=r["region"], note=r["note"])
        for r in _rows("bodies.tsv")
    ]  # fmt: skip
    bad = [r.name for r in rows if r.what not in ("type", "region", "body")]
    if bad:
        raise SchemaError(f"bodies.tsv: unknown 'what' for {bad}")
    return sorted(rows, key=lambda r: -len(r.name))


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """The schema, read and validated once per process."""
    return build_schema()


def validate(schema: Schema) -> None:
    """Raise SchemaError on the first contradiction: every reference resolves, every code fits its level."""
    lines, items = schema.lines, {**schema.lines, **schema.narrative}
    clash = set(schema.lines) & set(schema.narrative)
    if clash:
        raise SchemaError(f"ids used by both a line and a narrative item: {sorted(clash)}")
    digits = {"类": 3, "款": 5, "项": 7}
    for line in lines.values():
        if line.parent and line.parent not in lines:
            raise SchemaError(f"line {line.id}: parent {line.parent!r} does not exist")
        for ref in line.sum_of + line.narrower:
            if ref not in lines:
                raise SchemaError(f"line {line.id}: {ref!r} does not exist")
        for ref in line.prefer:
            if ref != "narrative" and ref not in schema.statements:
                raise SchemaError(f"line {line.id}: preferred statement {ref!r} does not exist")
        if line.scope and line.scope not in SCOPES:
            raise SchemaError(f"line {line.id}: unknown scope {line.scope!r}")
        if line.code:
            if not line.code.isdigit() or len(line.code) != digits.get(line.level, -1):
                raise SchemaError(f"{line.id}: code {line.code} does not fit level {line.level!r}")
            parent = lines.get(line.parent or "")
            if line.level != "类" and (parent is None or not line.code.startswith(parent.code or "-")):
                raise SchemaError(f"{line.id}: parent {line.parent} is not the code's prefix")
            if line.classification == "function" and not line.code.startswith("2"):
                raise SchemaError(f"{line.id}: function codes start with 2")
            if line.classification == "economic" and line.code[0] not in "35":
                raise SchemaError(f"{line.id}: economic codes start with 3 or 5")
    for s in schema.statements.values():
        for ref in (s.total_line, s.expense_total_line):
            if ref and ref not in items:
                raise SchemaError(f"statement {s.id}: total line {ref!r} does not exist")
        if s.equivalent and s.equivalent not in schema.statements:
            raise SchemaError(f"statement {s.id}: equivalent {s.equivalent!r} does not exist")
        if s.scope not in SCOPES or s.kind not in ("决算", "预算", "any") or s.line_from not in ("row", "header"):
            raise SchemaError(f"statement {s.id}: bad scope, kind or line_from")
    for c in schema.columns.values():
        if c.line and c.line not in lines:
            raise SchemaError(f"column {c.id}: line {c.line!r} does not exist")
        if c.dimension not in ("measure", "breakdown", "scope", "label"):
            raise SchemaError(f"column {c.id}: unknown dimension {c.dimension!r}")
        if c.dimension == "scope" and c.id not in SCOPES:
            raise SchemaError(f"column {c.id}: a scope column's id must be one of {SCOPES}")
    for n in schema.narrative.values():
        if n.parent and n.parent not in items:
            raise SchemaError(f"narrative item {n.id}: parent {n.parent!r} does not exist")
        if n.unit_kind not in ("money", "count", "percent", "score"):
            raise SchemaError(f"narrative item {n.id}: unknown unit kind {n.unit_kind!r}")
