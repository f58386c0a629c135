"""`dqa index` and `dqa search`: build an index of reports, and look chunks up in it."""

from __future__ import annotations

import json
import sys

import click

from cli import cli
from cli.output import echo, say

INDEX_OPTION = click.option(
    "--index", "index_dir", default=".dqa", envvar="DQA_INDEX", show_default=True,
    type=click.Path(file_okay=False), help="Index directory (or set DQA_INDEX).",
)  # fmt: skip


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@INDEX_OPTION
@click.option("--model", default=None, help="Embedding model: sentence-transformers name or path. "
              "Default: the index's model, else the packaged USE multilingual model.")  # fmt: skip
def index(paths: tuple[str, ...], index_dir: str, model: str | None) -> None:
    """Index report files and folders: new and changed files are added, deleted ones dropped.

    Example: dqa index samples/ --index .dqa
    """
    from cli.progress import build_index

    report = build_index(paths, index_dir, model)
    say(
        f"{len(report.added)} indexed, {report.unchanged} unchanged, {len(report.removed)} removed, "
        f"{len(report.failed)} failed ({index_dir})"
    )
    for link, target in report.links:
        say(f"  linked from outside the corpus: {link} → {target}")
    if report.failed:
        say(f"{len(report.failed)} file(s) could not be indexed:")
        for path, reason in report.failed:
            say(f"  {path}: {reason}")
        sys.exit(1)


@cli.command()
@click.argument("query")
@INDEX_OPTION
@click.option("--doc", default=None, help="Only this document (file name).")
@click.option("--department", default=None, help="Only departments whose name contains this.")
@click.option("--year", type=int, default=None, help="Only reports for this year.")
@click.option("--kind", type=click.Choice(["决算", "预算", "other"]), default=None, help="Only this kind.")
@click.option("--k", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="How many chunks.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line: doc, page, text, score, source.")
def search(
    query: str, index_dir: str, doc: str | None, department: str | None, year: int | None, kind: str | None,
    k: int, as_json: bool,
) -> None:  # fmt: skip
    """Rank indexed chunks for a question (hybrid dense + BM25).

    Example: dqa search "how much was spent on official vehicles" --doc 000_4730eaab2517dbc6.txt
    """
    from cli.progress import file_progress
    from index.build import embed_vectors
    from index.search import Filters, Searcher

    searcher = Searcher(index_dir)
    with file_progress() as on_file:
        embed_vectors(index_dir, on_file)  # dense ranking wants every passage's vector: any missing are computed
    try:
        hits = searcher.search(query, k, Filters(doc=doc, department=department, year=year, kind=kind))
    finally:
        searcher.close()
    for note in searcher.store.notes:
        say(f"Note: {note}")
    for rank, hit in enumerate(hits, start=1):
        if as_json:
            record = {"doc": hit.doc_name, "page": hit.page, "text": hit.chunk.text, "score": round(hit.score, 6),
                      "source": hit.chunk.source}  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            echo(f"{rank}. {hit.doc_name} p.{hit.page} [{hit.chunk.source}]\n   {hit.chunk.text}\n")


if __name__ == "__main__":  # `python -m cli.index_cmds …` works without the other command groups
    sys.exit(cli())
