"""Which report a document is: the publishing body, its region and level, 部门 or 单位, 预算 or 决算, the fiscal year,
and whether it holds the narrative, the tables or both.

Everything is read from what the document prints, most trusted first: the labels of its cover and table headers
("预算主管部门：…", "部门：…", "编制单位：…"), its title line ("上海市普陀区财政局2024年度部门决算"), its table titles,
its text. The file name is the last resort: for the year and kind ("2017年度部门预算公开表.pdf" is 江苏省政协
办公厅's, as every one of its tables says), and for the body only when the document prints none. Each field
keeps its evidence, so `dqa reports` can show where it was read.

Body names are split into region + name with the reviewed list in corpus/schema/bodies.tsv (region names, kinds of
body, a few named bodies), which also gives the short forms and English names questions use. A user corrects a
misread report in `dqa-reports.toml` beside the corpus (`corrected`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corpus.errors import DqaError
from corpus.model import Document, Kind, ReportIdentity
from corpus.schema import BodyName, load_bodies

OVERRIDES_FILE = "dqa-reports.toml"

_CJK = r"\u4e00-\u9fff"
_SPACE = re.compile(r"\s+")
# "预算主管部门：上海市普陀区司法局", "部 门:中共江苏省委办公厅", "编制单位：…", "单位名称：西南大学"
_LABEL = re.compile(
    rf"(预算主管部门|主管部门|预算单位|编制单位|编制部门|部门名称|单位名称|部门)[:：]([{_CJK}（）()]{{2,40}})"
)
_LABEL_TAIL = re.compile(rf"(?:金额)?单位$|[{_CJK}]{{2,12}}(?:印制|编制)$")
# a title line: "<body or region>2024年度(区级)部门决算"
_TITLE = re.compile(r"(20\d{2})年度?(省级|市级|区级|县级)?(部门|单位)?(?:综合)?(预算|决算)")  # 西安: 部门综合预算
_TITLE_PREFIX = re.compile(
    rf"[{_CJK}（）()XＸ]{{0,40}}"
)  # a body or a region (or a template's 上海市XX局), never a sentence
_YEAR = re.compile(r"(?<!\d)(20\d{2})年")
_ORG_END = re.compile(r"(办公室|办公厅|委员会|常委会|局|厅|检察院|法院|部|中心|办事处|大学|学院|学校|福利院|政协|委)$")
_ORG = re.compile(
    rf"(?:中共)?[{_CJK}]{{2,8}}?(?:省|市)[{_CJK}]{{0,8}}?(?:区|县|市)?[{_CJK}（）]{{1,20}}?"
    r"(?:办公室|办公厅|委员会|常委会|局|检察院|法院|部|厅|中心|街道办事处|大学|学校|福利院)"
)
_GENERIC_REGION = re.compile(rf"^(?:[{_CJK}]{{2,4}}?(?:省|自治区)|[{_CJK}]{{2,4}}?市|[{_CJK}]{{1,4}}?[区县])")
_PARTY = re.compile(rf"^[{_CJK}]{{2,}}?(省|市|区|县)委")
_CPPCC = re.compile(rf"^政协([{_CJK}]{{2,8}}?)委员会办公厅$")
_LEVEL_WORDS = {"省级": "省", "市级": "市", "区级": "区县", "县级": "区县"}
_PROSE = 30  # a paragraph this long is narrative, not a table-of-contents line or a caption
_NARRATIVE_CHARS = 800  # a document with less narrative than this is tables only


class BodyParts(BaseModel):
    """A body name split for matching: its regions (outermost first), the name after them, its kind of body."""

    regions: list[BodyName]
    region_names: list[str]  # as printed, for regions bodies.tsv does not list
    rest: str
    type: BodyName | None = None
    named: list[BodyName] = Field(default_factory=list)
    party: bool = False


def read_identity(doc: Document) -> ReportIdentity:
    """The document's identity, each field with its evidence."""
    identity = ReportIdentity()
    evidence = identity.evidence
    title = _title_line(doc)
    identity.body = _body(doc, title, evidence)
    if title:
        page, line, m = title
        identity.year = int(m.group(1))
        identity.kind = m.group(4)  # type: ignore[assignment]
        evidence["year"] = evidence["kind"] = f"p{page}: {line}"
        if m.group(3) == "单位":
            identity.scope = "单位"
            evidence["scope"] = f"p{page}: {line}"
        if m.group(2):
            identity.level = _LEVEL_WORDS[m.group(2)]
            evidence["level"] = f"p{page}: {line}"
    if identity.scope == "部门" and "scope" not in evidence:
        unit_label = next((e for e in _labels(doc) if e[1] == "预算单位"), None)
        if unit_label:
            identity.scope = "单位"
            evidence["scope"] = f"p{unit_label[0]}: 预算单位：{unit_label[2]}"
    if identity.year is None:
        identity.year = _year_elsewhere(doc, evidence)
    if identity.kind == "other":
        identity.kind = _kind_elsewhere(doc, evidence)
    identity.part = _part(doc, evidence)
    describe(identity)
    return identity


def describe(identity: ReportIdentity) -> None:
    """Fill what follows from the body's name: region, level, body type, short forms, English name, template."""
    parts = body_parts(identity.body)
    named = parts.named[0] if parts.named else None
    identity.region = "".join(parts.region_names) or (named.region if named else "")
    if not identity.level:
        if named:
            identity.level = named.label
        elif parts.regions and parts.regions[-1].name == parts.region_names[-1]:
            identity.level = parts.regions[-1].label
        elif parts.region_names:
            last = parts.region_names[-1]
            identity.level = "省" if last.endswith(("省", "自治区")) else "市" if last.endswith("市") else "区县"
    identity.body_type = parts.type.label if parts.type else _org_end(parts.rest)
    identity.short = list(short_forms(identity.body))
    identity.english = _english(parts)
    identity.template = bool(re.search(r"[XＸ]{2}", identity.body))
    if identity.template:
        identity.body_type = "模板"


def canonical_body(name: str) -> str:
    """One spelling per body: no spaces; a CPC committee's office with its 中共 (江苏省委办公厅 → 中共江苏省委办公厅);
    政协江苏省委员会办公厅 as it prints itself, 江苏省政协办公厅; no year's 年 left before it (2026 年烟台市统计局), no
    （本级） after it."""
    name = _SPACE.sub("", name)
    name = re.sub(r"^(?:\d{4})?年度?(?=[\u4e00-\u9fff]{3})", "", name)
    name = re.sub(r"[（(]本级[）)]$", "", name)  # 无锡市教育局（本级）: the body's own unit, the scope says so
    m = _CPPCC.match(name)
    if m:
        return f"{m.group(1)}政协办公厅"
    if _PARTY.match(name) and not name.startswith("中共"):
        return "中共" + name
    return name


def report_key(identity: ReportIdentity) -> tuple[str, int | None, str, str]:
    """Documents with one key are one report: a narrative PDF and its companion tables PDF are the same
    body's report for the same year, kind and scope."""
    return (identity.body, identity.year, identity.kind, identity.scope)


@cache
def body_parts(body: str) -> BodyParts:
    """Split a body name into regions, the rest and its kind of body (bodies.tsv), for matching and naming."""
    rest = body.removeprefix("中共")
    party = rest != body
    regions: list[BodyName] = []
    names: list[str] = []
    while True:
        known = next((r for r in _regions_by_first().get(rest[:1], []) if rest.startswith(r.name)), None)
        if known:
            regions.append(known)
            names.append(known.name)
            rest = rest[len(known.name) :]
            continue
        m = _GENERIC_REGION.match(rest)
        if m and len(rest) > len(m.group()) + 1 and not _types_at(m.group()):
            names.append(m.group())
            rest = rest[len(m.group()) :]
            continue
        break
    kind = next((t for t in _entries("type") if rest.endswith(t.name)), None)
    named = [b for b in _entries("body") if b.name in body]
    return BodyParts(regions=regions, region_names=names, rest=rest, type=kind, named=named, party=party)


@cache
def short_forms(body: str) -> tuple[str, ...]:
    """Chinese short forms of a body name: without its outer regions (普陀区司法局, 区司法局), with the short forms
    of its kind of body (省检察院, 省人大办公厅, 省委办公厅), most specific first; none shorter than 3 characters."""
    parts = body_parts(body)
    rest = parts.rest
    cores = [rest]
    if parts.type:
        stem = rest[: -len(parts.type.name)]
        for short in parts.type.short:
            cores.append(stem + short)
        if stem.startswith("人民政府") and len(stem) > len("人民政府"):  # 人民政府万里街道办事处 → 万里街道办事处
            cores += [stem.removeprefix("人民政府") + s for s in (parts.type.name, *parts.type.short)]
    names = parts.region_names
    prefixes = ["".join(names[i:]) for i in range(len(names))]
    for region in parts.regions[-1:]:
        prefixes += [s for s in region.short if len(s) >= 2]
    if names:
        last = names[-1]
        prefixes.append("省" if last.endswith("省") else "市" if last.endswith("市") else last[-1])
    prefixes.append("")
    party = "中共" if parts.party else ""
    out: list[str] = []
    for prefix in prefixes:
        for core in cores:
            for form in (party + prefix + core, prefix + core):
                if core.startswith("委") and not re.search(r"[省市区县]$", prefix):
                    continue  # 省委办公厅, 普陀区委社会工作部; never 委办公厅 alone
                if form != body and len(form) >= 3 and form not in out:
                    out.append(form)
    out += [n for b in parts.named for n in [b.name, *b.short] if n != body and n not in out]
    return tuple(out)


# -- overrides ----------------------------------------------------------------------------------------------------


class Override(BaseModel):
    """One correction in dqa-reports.toml: the file it is for (relative to the toml's folder, or a bare file name)
    and the fields to set."""

    model_config = ConfigDict(extra="forbid")

    file: str
    body: str | None = None
    year: int | None = None
    kind: Kind | None = None
    scope: str | None = None
    part: str | None = None


class Overrides(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report: list[Override] = Field(default_factory=list)


Corrections = dict[str, tuple[str, tuple[Path, Overrides] | None]]  # folder → its real path and nearest corrections


def corrected(identity: ReportIdentity, path: str, name: str, folders: Corrections) -> ReportIdentity:
    """The identity with the corrections of the nearest dqa-reports.toml (the file's folder or one above it; a
    linked report's, its target's) applied; the same object when none applies. Raises DqaError for a malformed
    file. `folders` keeps one open's lookups: thousands of reports sit in a few folders, so a folder's real path
    and its corrections are found once."""
    if os.path.islink(path):
        path = os.path.realpath(path)
    folder = os.path.dirname(path)
    if folder not in folders:
        real = os.path.realpath(folder)
        folders[folder] = (real, _overrides_for(Path(real)))
    real, found = folders[folder]
    if found is None:
        return identity
    root, overrides = found
    relative = (Path(real) / os.path.basename(path)).relative_to(root).as_posix()
    for entry in overrides.report:
        if entry.file not in (relative, name):
            continue
        changes = entry.model_dump(exclude={"file"}, exclude_none=True)
        if "body" in changes:
            changes["body"] = canonical_body(changes["body"])
        try:
            identity = ReportIdentity.model_validate({**identity.model_dump(), **changes})
        except ValidationError as exc:
            message = exc.errors()[0]["msg"]
            raise DqaError(f"the correction for {entry.file}: {message}", root / OVERRIDES_FILE) from None
        for field_name in changes:
            identity.evidence[field_name] = f"{OVERRIDES_FILE}: {field_name} = {changes[field_name]}"
        describe(identity)
    return identity


def _overrides_for(folder: Path) -> tuple[Path, Overrides] | None:
    for candidate in (folder, *folder.parents):
        path = candidate / OVERRIDES_FILE
        if path.is_file():
            return candidate, _load_overrides(path, path.stat().st_mtime_ns)
    return None


@cache
def _load_overrides(path: Path, _mtime: int) -> Overrides:
    """The corrections file, read once per version of it (the mtime is part of the cache key)."""
    try:
        return Overrides.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DqaError(f"not a valid TOML file ({exc})", path) from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(x) for x in error["loc"])
        raise DqaError(
            f"{where}: {error['msg']} (expected [[report]] tables with file = … and body/year/kind/scope/part)", path
        ) from None


# -- reading ------------------------------------------------------------------------------------------------------


def _lines(doc: Document, pages: int) -> list[tuple[int, str]]:
    """Text lines of the first pages, spaces removed, with the captions and titles of their tables."""
    out: list[tuple[int, str]] = []
    for page in doc.pages[:pages]:
        out += [(page.number, _SPACE.sub("", line)) for line in page.text.split("\n") if line.strip()]
        for table in page.tables:
            out += [(page.number, _SPACE.sub("", t)) for t in (table.title, table.caption) if t.strip()]
    return out


def _title_line(doc: Document) -> tuple[int, str, re.Match[str]] | None:
    for page, line in _lines(doc, 2):
        m = _TITLE.search(line)
        if m and _TITLE_PREFIX.fullmatch(line[: m.start()]) and not line.startswith(("第", "目录")):
            return page, line[: m.end()], m
    return None


def _labels(doc: Document) -> list[tuple[int, str, str]]:
    """(page, label, body) for every body label printed in the text or a table caption."""
    out = []
    for page in doc.pages:
        texts = [page.text, *(t.caption for t in page.tables)]
        for text in texts:
            for m in _LABEL.finditer(_SPACE.sub("", text)):
                value = _LABEL_TAIL.sub("", m.group(2))
                if len(value) >= 3 and (_ORG_END.search(value) or body_parts(value).type):
                    out.append((page.number, m.group(1), canonical_body(value)))
    return out


def _body(doc: Document, title: tuple[int, str, re.Match[str]] | None, evidence: dict[str, str]) -> str:
    """Cover and table-header labels (the most printed, the cover's counting thrice); else the title line's words
    before its year when they name a body; else the body the first pages name most often."""
    labels = _labels(doc)
    if labels:
        votes: Counter[str] = Counter()
        for page, _, value in labels:
            votes[value] += 3 if page == 1 else 1
        best = max(votes, key=lambda v: (votes[v], len(v)))
        page, label, _ = next(x for x in labels if x[2] == best)
        evidence["body"] = f"p{page}: {label}：{best}" + (f" (+{len(labels) - 1} more)" if len(labels) > 1 else "")
        return best
    if title:
        page, line, m = title
        prefix = line[: m.start()]
        if prefix and (_ORG_END.search(prefix) or body_parts(canonical_body(prefix)).type):
            evidence["body"] = f"p{page}: {line}"
            return canonical_body(prefix)
    head = "\n".join(p.text for p in doc.pages[:3])
    orgs = [canonical_body(o) for o in _ORG.findall(_SPACE.sub("", head))]
    if orgs:
        # the body most named, counting the longer spans that contain it ("部分名词解释无锡市教育局" is a heading
        # run into the name); of equals, the first named
        named = {o: sum(o in other for other in orgs) for o in dict.fromkeys(orgs)}
        best = max(named, key=lambda o: named[o])
        evidence["body"] = f"text: {best} (named {named[best]}× on the first pages)"
        return best
    # a tables-only PDF may print no body at all (北京: "预算01表 收支总表"): the file name's, when it names a body of
    # a known region and kind ("附件2：北京市司法局2026年度部门预算报表.pdf"), links it to its narrative
    stem = _SPACE.sub("", os.path.splitext(doc.name)[0])
    named = [o for o in map(canonical_body, _ORG.findall(stem)) if body_parts(o).regions and body_parts(o).type]
    if named:
        evidence["body"] = f"file name: {doc.name}"
        return max(named, key=len)
    evidence["body"] = "not printed"
    return ""


def _year_elsewhere(doc: Document, evidence: dict[str, str]) -> int | None:
    """The year most table titles print ("2019年政府采购预算表"), else the first pages' most printed year, else the
    file name's."""
    titled = [(t.pages[0], int(y), t.title) for t in doc.tables for y in _YEAR.findall(_SPACE.sub("", t.title))]
    if titled:
        counts = Counter(y for _, y, _ in titled)
        year = max(counts, key=lambda y: (counts[y], y))
        page, _, title = next(x for x in titled if x[1] == year)
        evidence["year"] = f"p{page}: {title}"
        return year
    head = [int(y) for _, line in _lines(doc, 2) for y in _YEAR.findall(line)]
    if head:
        year = max(set(head), key=lambda y: (head.count(y), y))
        evidence["year"] = f"text: {year}年 (first pages)"
        return year
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", doc.name)
    if m:
        evidence["year"] = f"file name: {doc.name}"
        return int(m.group(1))
    return None


def _kind_elsewhere(doc: Document, evidence: dict[str, str]) -> Kind:
    """Whichever of 预算/决算 the table titles, else the text, name more often; else the file name's."""
    for source, texts in (("table titles", [t.title for t in doc.tables]), ("text", [p.text for p in doc.pages])):
        counts = {k: sum(t.count(k) for t in texts) for k in ("预算", "决算")}
        if any(counts.values()):
            kind = max(counts, key=lambda k: counts[k])
            evidence["kind"] = f"{source}: {kind} ×{counts[kind]}"
            return kind  # type: ignore[return-value]
    for kind in ("预算", "决算"):
        if kind in doc.name:
            evidence["kind"] = f"file name: {doc.name}"
            return kind  # type: ignore[return-value]
    return "other"


def _part(doc: Document, evidence: dict[str, str]) -> str:
    prose = sum(len(p.text) for p in doc.paragraphs if len(p.text) >= _PROSE)
    tables = len(doc.tables)
    evidence["part"] = f"{tables} tables, {prose} characters of narrative"
    if not tables:
        return "narrative"
    return "tables" if prose < _NARRATIVE_CHARS else "both"


# -- names --------------------------------------------------------------------------------------------------------


@cache
def _entries(what: str) -> list[BodyName]:
    return [b for b in load_bodies() if b.what == what]


@cache
def _regions_by_first() -> dict[str, list[BodyName]]:
    """The regions by their first character, in bodies.tsv's order (longest first): a body name is matched
    against the few that can start it, not all of them."""
    out: dict[str, list[BodyName]] = {}
    for region in _entries("region"):
        out.setdefault(region.name[:1], []).append(region)
    return out


def _types_at(text: str) -> bool:
    return any(text.endswith(t.name) for t in _entries("type"))


def _org_end(rest: str) -> str:
    m = _ORG_END.search(rest)
    return m.group() if m else ""


def _english(parts: BodyParts) -> str:
    named = next((b for b in parts.named if b.what == "body"), None)
    if named and not parts.type:
        return _title_case(named.english[0])
    words = [_title_case(named.english[0])] if named else []
    if parts.type and not (named and parts.type.english[0] in named.english[0]):
        words.append(_title_case(parts.type.english[0]))
    places = [_title_case(r.english[0]) for r in reversed(parts.regions)]
    return ", ".join(filter(None, [" ".join(words), *places]))


def _title_case(text: str) -> str:
    return " ".join(w.upper() if w in ("cppcc", "cpc", "npc", "swu") else w.capitalize() for w in text.split())
