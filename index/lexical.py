"""BM25 over the chunks with tantivy, fed our own tokens.

Tokens: Chinese runs as overlapping character bigrams ("公务用车" → 公务 务用 用车; a lone character as itself),
lower-case English words, and numbers kept whole ("54.39", "40480") so a number in the question can hit the
number in the text. tantivy keeps them space-joined (its whitespace tokenizer splits them back exactly) in
`<index>/text/`, one entry per chunk with the chunk's id and its document's id, and ranks with its BM25.

Why these (bench/lexical_engines.py, docs/BENCHMARKS.md): bigrams need no dictionary, where jieba took 0.75 s to
load in every process and ten times longer to cut a chunk, and they put the answer first more often. tantivy
answered a question over 1,000 reports in ~7 ms where SQLite's FTS5 took ~0.8 s and the postings we kept by hand
in SQLite ~4 s, at a tenth of FTS5's size, ranking as well as ours.

SQLite stays the record of what is indexed: a document's row says whether its chunks are in the text index yet
(`text_indexed`); `Store` adds them after writing the document and marks them once tantivy has committed, so a
crash in between is mended by adding that document's chunks again. An entry left behind by a deleted chunk is
harmless: chunk ids are never reused and search drops ids that are not in SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

TEXT_DIR = "text"
WRITER_HEAP = 64_000_000  # bytes tantivy buffers before it writes a segment by itself
_TOKEN = re.compile(r"(?P<num>\d+(?:[.,]\d+)*)|(?P<word>[a-zA-Z]+)|(?P<cjk>[\u3400-\u9fff]+)")
_STOP = frozenset(
    "的 了 和 与 及 是 在 为 其中 等 中 对 年 元 万元 多少 什么 如何".split()
    + "the of a an and in on to for was is what how much".split()
)


def tokenize(text: str, cjk: Callable[[str], Iterable[str]] | None = None) -> list[str]:
    """Search tokens of a text, in order, stop words dropped. A CJK run becomes character bigrams (a lone character
    itself), or the words `cjk` cuts it into (bench/lexical_engines.py measures jieba's against them)."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        if m.group("num"):
            out.append(m.group("num").replace(",", ""))
        elif m.group("word"):
            out.append(m.group("word").lower())
        elif cjk is not None:
            out.extend(cjk(m.group("cjk")))
        else:
            run = m.group("cjk")
            out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return [t for t in out if t not in _STOP]


def terms(text: str) -> str:
    """A chunk's tokens as tantivy is given them (its whitespace tokenizer splits them back)."""
    return " ".join(tokenize(text))


class TextIndex:
    """The tantivy index of one index directory's chunks. Readers open it cheaply; the first change opens the
    (single) writer, which `commit` publishes and `close` releases."""

    def __init__(self, root: Path) -> None:
        import tantivy

        self._t = tantivy
        folder = root / TEXT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field("doc", tokenizer_name="raw", index_option="basic")
        builder.add_unsigned_field("chunk", fast=True)
        self._schema = builder.build()
        self._index = tantivy.Index(self._schema, path=str(folder), reuse=True)
        self._writer = None

    def add(self, doc_id: str, chunks: Iterable[tuple[int, str]]) -> None:
        """Index (chunk id, `terms(text)`) pairs of one document; published at the next `commit`."""
        writer = self._writing()
        for chunk_id, chunk_terms in chunks:
            entry = self._t.Document()
            entry.add_text("terms", chunk_terms)
            entry.add_text("doc", doc_id)
            entry.add_unsigned("chunk", chunk_id)
            writer.add_document(entry)

    def remove(self, doc_id: str) -> None:
        """Drop a document's chunks (at the next `commit`)."""
        self._writing().delete_documents_by_term("doc", doc_id)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()

    def close(self) -> None:
        """Commit, let merges finish, and release the writer."""
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None

    def search(self, query: str, limit: int, doc_ids: list[str] | None = None) -> list[tuple[int, float]]:
        """Top `limit` (chunk id, score) for the query, best first; `doc_ids` restricts the documents."""
        t = self._t
        terms = list(dict.fromkeys(tokenize(query)))
        if not terms or doc_ids == []:
            return []
        query_ = t.Query.boolean_query(
            [(t.Occur.Should, t.Query.term_query(self._schema, "terms", term)) for term in terms]
        )
        if doc_ids is not None:
            only = t.Query.term_set_query(self._schema, "doc", doc_ids)
            query_ = t.Query.boolean_query(
                [(t.Occur.Must, query_), (t.Occur.Must, t.Query.const_score_query(only, 0.0))]
            )
        self._index.reload()
        searcher = self._index.searcher()
        hits = searcher.search(query_, limit, count=False).hits
        ids = searcher.fast_field_values("chunk", [address for _, address in hits])
        return [(int(i), float(score)) for i, (score, _) in zip(ids, hits, strict=True)]

    def _writing(self):  # type: ignore[no-untyped-def]
        if self._writer is None:
            self._writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
        return self._writer
