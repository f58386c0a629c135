"""The object model every later stage shares: Document → Page → blocks, and Facts.

Amounts are `Decimal` end to end. Geometry (bbox) is in PDF points and is the
only place floats appear; it never feeds arithmetic on amounts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

Kind = Literal["决算", "预算", "other"]
# what a report states when a figure names no measure: a final account its actuals, a budget its budget
OWN_MEASURE: dict[str, str] = {"决算": "决算数", "预算": "预算数"}
Source = Literal["table", "text"]


class BBox(BaseModel):
    x0: float
    top: float
    x1: float
    bottom: float


class Cell(BaseModel):
    """One grid cell. `text` is as printed (whitespace inside CJK runs removed)."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    page: int
    bbox: BBox | None = None


class Table(BaseModel):
    kind: Literal["table"] = "table"
    id: str
    title: str = ""
    unit: str | None = None
    pages: list[int]
    header_rows: list[list[Cell]] = Field(default_factory=list)
    body_rows: list[list[Cell]] = Field(default_factory=list)
    note: str = ""
    caption: str = Field("", description="lines printed with the title inside the grid's top cell (部门：…, 单位：…)")
    section_rows: list[int] = Field(
        default_factory=list,
        description="indices of body rows printed as the column heads of the rows below them (form-like tables: "
        "预算执行情况 | 项目 | 预算额 … then its figures, 预算结构 | 项目 | 合计 … then its own)",
    )

    @property
    def n_cols(self) -> int:
        """Grid width: merged cells count for every column they cover."""
        return max((c.col + c.colspan for r in self.header_rows + self.body_rows for c in r), default=0)

    def header_path(self, col: int) -> list[str]:
        """Column name as a path across header levels, merged cells repeated, duplicates dropped."""
        path: list[str] = []
        for row in self.header_rows:
            for cell in row:
                if cell.col <= col < cell.col + cell.colspan and cell.text and cell.text not in path:
                    path.append(cell.text)
        return path

    def column_path(self, row: int, col: int) -> list[str]:
        """What the cell of body row `row` in column `col` measures: the header path, else the column's text in the
        nearest section row above it. The one place a body cell's column name is looked up (facts and chunks)."""
        path = self.header_path(col)
        if path:
            return path
        heads = [r for r in self.section_rows if r < row]
        if not heads:
            return []
        cell = next((c for c in self.body_rows[heads[-1]] if c.col == col and c.text), None)
        return [cell.text] if cell else []

    def grid(self) -> list[list[str]]:
        """Header and body rows as plain strings, merged areas left blank."""
        width = self.n_cols
        out = []
        for row in self.header_rows + self.body_rows:
            line = [""] * width
            for cell in row:
                if cell.col < width:
                    line[cell.col] = cell.text
            out.append(line)
        return out


class Paragraph(BaseModel):
    kind: Literal["paragraph"] = "paragraph"
    text: str
    heading_path: list[str] = Field(default_factory=list)
    start: int
    end: int


Block = Annotated[Paragraph | Table, Field(discriminator="kind")]


class Page(BaseModel):
    number: int
    text: str
    blocks: list[Block] = Field(default_factory=list)
    has_text_layer: bool = True

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


class ReportIdentity(BaseModel):
    """Which report a document is, as the document itself says: who publishes it, for which year, what kind.

    Read from the cover, title lines and table headers (corpus.identity), never from the file name when the body
    says otherwise; `evidence` says where each field was read ("p1: 预算主管部门：上海市普陀区司法局")."""

    body: str = Field("", description="the publishing body's full Chinese name")
    short: list[str] = Field(default_factory=list, description="short forms people use for it")
    english: str = ""
    body_type: str = ""
    region: str = Field("", description="the place it belongs to: 上海市普陀区, 江苏省")
    level: str = Field("", description="省, 市, 区县, or 中央")
    scope: Literal["部门", "单位"] = "部门"
    kind: Kind = "other"
    year: int | None = None
    part: Literal["narrative", "tables", "both"] = "both"
    template: bool = Field(False, description="a blank template (上海市XX局), not a real body's report")
    evidence: dict[str, str] = Field(default_factory=dict)


class Document(BaseModel):
    id: str
    path: str
    name: str
    title: str = ""
    department: str = ""
    year: int | None = None
    kind: Kind = "other"
    identity: ReportIdentity | None = None
    pages: list[Page]
    warnings: list[str] = Field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [t for p in self.pages for t in p.tables]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [para for p in self.pages for para in p.paragraphs]


class Amount(BaseModel):
    """A number as printed plus what it means: unit, kind, and its value in yuan for money."""

    value: Decimal
    printed: str
    unit: str | None = None
    kind: Literal["money", "percent", "count", "number"] = "number"
    approx: bool = False
    yuan: Decimal | None = None


class Fact(Amount):
    """An amount with what it measures (label path, period, measure) and where it is printed."""

    doc_id: str
    label: str
    label_path: list[str]
    subject: str = ""
    code: str | None = None
    period: int | None = None
    measure: str = ""
    page: int
    source: Source
    quote: str
    table_id: str | None = None
    row: int | None = None
    col: int | None = None
    start: int | None = None
    end: int | None = None
    # where the figure sits in the disclosure schema (corpus/schema, set by corpus.classify): the statement id
    # ("other" for an unclassified table, None in the narrative), the line or narrative item id ("f2080505",
    # "e30217", "sg_reception", "staffing"), the column ids ("basic/final") and the fund scope (all, fiscal, gp …)
    statement: str | None = None
    line: str | None = None
    column: str | None = None
    scope: str | None = None
