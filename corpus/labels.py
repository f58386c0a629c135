"""How alike two printed labels are, by character bigrams.

Chinese item names vary in wording (公务用车购置及运行维护费 / 公务用车运行维护费), so
labels are compared on character bigrams, punctuation, digits and spaces ignored.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOISE = re.compile(r"[\s“”\"'‘’《》（）()、，,：:。;；\-—_|›>0-9.%]+")


@lru_cache(maxsize=100_000)
def bigrams(text: str) -> frozenset[str]:
    s = _NOISE.sub("", text)
    if len(s) < 2:
        return frozenset([s]) if s else frozenset()
    return frozenset(s[i : i + 2] for i in range(len(s) - 1))


def coverage(term: str, text: str) -> float:
    """Share of the term's bigrams found in the text (1.0 when the term is contained)."""
    if term and term in text:
        return 1.0
    grams = bigrams(term)
    return len(grams & bigrams(text)) / len(grams) if grams else 0.0


def similar_subjects(a: str, b: str) -> float:
    """Symmetric bigram overlap (Dice) of two subjects."""
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0
