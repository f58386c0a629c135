"""BM25 over jieba tokens, with postings kept in SQLite.

Tokens: jieba's search-mode words for Chinese (overlapping sub-words, so "公务用车"
also matches "公务"/"用车"), lower-case English words, and numbers kept whole
("54.39", "40480") so a number in the question can hit the number in the text.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections import Counter
from functools import cache

import numpy as np

K1 = 1.2
B = 0.75
_TOKEN = re.compile(r"(?P<num>\d+(?:[.,]\d+)*)|(?P<word>[a-zA-Z]+)|(?P<cjk>[\u3400-\u9fff]+)")
_STOP = frozenset(
    "的 了 和 与 及 是 在 为 其中 等 中 对 年 元 万元 多少 什么 如何".split()
    + "the of a an and in on to for was is what how much".split()
)


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    """Search tokens of a text, in order, stop words dropped."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        if m.group("num"):
            out.append(m.group("num").replace(",", ""))
        elif m.group("word"):
            out.append(m.group("word").lower())
        else:
            out.extend(_jieba().cut_for_search(m.group("cjk")))
    return [t for t in out if t not in _STOP]


def term_counts(text: str) -> Counter[str]:
    return Counter(tokenize(text))


def bm25(db: sqlite3.Connection, query: str, limit: int, allowed: set[int] | None = None) -> list[tuple[int, float]]:
    """Top `limit` (chunk id, score) for the query; `allowed` restricts the chunk ids."""
    terms = list(dict.fromkeys(tokenize(query)))
    n_docs, avg_len = db.execute("SELECT count(*), avg(n_tokens) FROM chunks").fetchone()
    if not terms or not n_docs:
        return []
    scores: dict[int, float] = {}
    for term in terms:
        rows = db.execute(
            "SELECT p.chunk_id, p.tf, c.n_tokens FROM postings p JOIN chunks c ON c.id = p.chunk_id WHERE p.term = ?",
            (term,),
        ).fetchall()
        if not rows:
            continue
        ids, tf, length = (np.array(col, dtype=np.float64) for col in zip(*rows, strict=True))
        idf = np.log(1 + (n_docs - len(rows) + 0.5) / (len(rows) + 0.5))
        part = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg_len))
        for chunk_id, score in zip(ids.astype(np.int64).tolist(), part.tolist(), strict=True):
            if allowed is None or chunk_id in allowed:
                scores[chunk_id] = scores.get(chunk_id, 0.0) + score
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return ranked[:limit]
