"""Which department a report belongs to, whatever its title calls it.

Reports of one department name it differently from year to year (江苏省人大常委会办公厅 /
江苏省人大办公厅 / 省人大办公厅), and a trend question must line them up. The aliases
below are a small, reviewed list: every entry was read in the corpus reports, and two
departments that merely look alike (上海市财政局 vs 上海市普陀区财政局) are never merged.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus.model import Document

# canonical name → other names reports use for it (reviewed against the reports' covers)
ALIASES: dict[str, tuple[str, ...]] = {
    "江苏省人大常委会办公厅": (
        "江苏省人大常委会",
        "江苏省人大办公厅",
        "省人大常委会办公厅",
        "省人大办公厅",
        "省人大常委会",
    ),
    "江苏省人民检察院": ("省人民检察院", "江苏省检察院", "省检察院"),
    "中共江苏省委办公厅": ("江苏省委办公厅", "省委办公厅"),
    "江苏省政协办公厅": ("政协江苏省委员会办公厅", "省政协办公厅"),
    "江苏省高级人民法院": ("省高级人民法院", "省高院"),
    "上海市普陀区人民政府办公室": ("普陀区人民政府办公室", "区人民政府办公室", "普陀区政府办公室", "区政府办公室"),
    "上海市普陀区商务委员会": ("普陀区商务委员会", "区商务委员会", "区商务委"),
    "上海市普陀区财政局": ("普陀区财政局", "区财政局"),
    "上海市普陀区司法局": ("普陀区司法局", "区司法局"),
    "上海市普陀区人民政府万里街道办事处": ("普陀区万里街道办事处", "万里街道办事处", "万里街道"),
    "上海市普陀区规划和自然资源局": ("普陀区规划和自然资源局", "区规划和自然资源局"),
    "中共上海市普陀区委社会工作部": ("普陀区委社会工作部", "区委社会工作部"),
    "上海市普陀区社会福利院": ("普陀区社会福利院", "区社会福利院"),
    "西南大学": ("Southwest University", "SWU"),
}

# English and short Chinese names of the places reports belong to, for "Putuo departments"
REGIONS: dict[str, tuple[str, ...]] = {
    "普陀": ("putuo", "普陀"),
    "江苏": ("jiangsu", "江苏"),
    "西南大学": ("southwest university", "swu", "西南大学"),
    "上海": ("shanghai", "上海"),
}

_SPACE = re.compile(r"\s+")
_BY_ALIAS = sorted(
    ((alias, canon) for canon, names in ALIASES.items() for alias in (canon, *names)),
    key=lambda pair: -len(pair[0]),
)


def canonical(name: str) -> str:
    """The reviewed canonical name when `name` is (or starts with) a known alias; else the name itself."""
    text = _SPACE.sub("", name)
    for alias, canon in _BY_ALIAS:
        if text == alias or text.startswith(alias):
            return canon
    return text


def department_of(doc: Document) -> str:
    """A report's department, canonical: its own department line, else its title, else its folder."""
    for source in (doc.department, doc.title, Path(doc.path).parent.name):
        name = canonical(source) if source else ""
        if name in ALIASES:
            return name
    return canonical(doc.department or doc.title or Path(doc.name).stem)


def report_year(doc: Document) -> int | None:
    """The year a report is for, as its title prints it (上海市普陀区2025年区级部门预算); the
    reader's year otherwise. Titles are the surer source: a 2025 budget mentions 2024 first."""
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", doc.title)
    return int(years[0]) if years else doc.year


def mentioned(text: str) -> list[str]:
    """Canonical departments the text names (longest alias wins, each counted once)."""
    found: list[str] = []
    rest = text
    for alias, canon in _BY_ALIAS:
        pattern = re.escape(alias) if re.search(r"[\u3400-\u9fff]", alias) else rf"(?i)\b{re.escape(alias)}\b"
        if re.search(pattern, rest):
            rest = re.sub(pattern, " ", rest)
            if canon not in found:
                found.append(canon)
    return found


def strip_names(text: str) -> str:
    """The text without any department alias in it, so the item words are left."""
    for alias, _ in _BY_ALIAS:
        pattern = re.escape(alias) if re.search(r"[\u3400-\u9fff]", alias) else rf"(?i)\b{re.escape(alias)}\b"
        text = re.sub(pattern, " ", text)
    return text


def regions(text: str) -> list[str]:
    """Regions a question restricts itself to ("Putuo departments", "江苏各部门")."""
    lowered = text.lower()
    return [
        region
        for region, words in REGIONS.items()
        if any((w in lowered) if re.search(r"[\u3400-\u9fff]", w) else re.search(rf"\b{w}\b", lowered) for w in words)
    ]


def in_region(doc: Document, region: str) -> bool:
    """Whether a report belongs to a region: by department, title or file path."""
    text = f"{department_of(doc)} {doc.title} {doc.path}"
    return region in text
