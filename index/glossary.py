"""English → Chinese terms for the lexical side of search.

The reports are Chinese; an English question shares no tokens with them, so BM25
gets the Chinese terms a reviewer paired with each English phrase. Dense search
sees the question as asked (the multilingual model bridges languages itself).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

GLOSSARY_FILE = "glossary.tsv"


@cache
def load_glossary() -> dict[str, list[str]]:
    """English phrase (lower case) → Chinese terms, from the packaged TSV."""
    text = files("index").joinpath(GLOSSARY_FILE).read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese = line.split("\t")
        out.setdefault(english.strip().lower(), []).extend(t for t in chinese.split("|") if t)
    return out


@cache
def _pattern() -> re.Pattern[str]:
    phrases = sorted(load_glossary(), key=len, reverse=True)
    alternatives = "|".join(re.escape(p) + "s?" for p in phrases)
    return re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")


def expand_query(query: str) -> str:
    """The query plus the Chinese terms of every English phrase in it (longest phrase wins)."""
    glossary = load_glossary()
    extra: list[str] = []
    for m in _pattern().finditer(query.lower()):
        phrase = m.group(0)
        terms = glossary.get(phrase) or glossary.get(phrase[:-1], [])
        extra.extend(t for t in terms if t not in extra)
    return " ".join([query, *extra]) if extra else query
