"""`dqa ask`, `dqa batch` and `dqa chat`: answers with citations and cross-checks."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import qa
from cli import cli
from cli.output import check_out, plain, say
from cli.progress import open_library
from qa.batch import OUTPUTS, SYMBOL, Writer, read_questions
from qa.library import default_index_dir
from qa.question import Question
from qa.record import Record

_corpus = click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(exists=True),
    help="Report file or directory (repeatable); indexed first if new or changed.",
)
_index = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False),
    help="Index directory (default: $DQA_INDEX, else .dqa inside the corpus directory).",
)
_model = click.option("--model", help="Embedding model for a new index (default: offline multilingual USE).")


def print_record(record: Record, console: Console) -> None:
    """Answer, numbered citations, alternatives and checks, as plain readable lines (never markup)."""

    def line(text: str, style: str = "") -> None:
        console.print(plain(text, style), highlight=False)

    if record.status == "error":
        line(f"Error: {record.error}", "red")
        return
    line(record.answer.text if record.answer else "")
    for row in record.table:
        where = f"  ({row.doc}, page {row.citation.page})" if row.citation else ""
        line(f"  {row.label}: {row.shown()}{where}")
    for n, cite in enumerate(record.citations, start=1):
        where = f"{cite.doc}, page {cite.page}" + (f", table {cite.table} row {cite.row}" if cite.table else "")
        line(f"  [{n}] {where}: “{cite.quote}”")
    for alt in record.alternatives:
        cite = alt.citations[0] if alt.citations else None
        line(f"  alternative: {alt.text}" + (f" (page {cite.page})" if cite else ""))
    for check in record.checks:
        line(f"  {SYMBOL[check.status]} {check.status} ({check.kind}): {check.detail}")


@cli.command()
@click.argument("question")
@_corpus
@_index
@_model
@click.option("--doc", help="Only this file (name) of the corpus.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON record (the batch format).")
def ask(
    question: str, corpus: tuple[str, ...], index_dir: str | None, model: str | None, doc: str | None, as_json: bool
) -> None:
    """Answer one question with the exact figure, citations and cross-checks.

    Example: dqa ask "how much was spent on official vehicles" --corpus samples
    """
    library = open_library(corpus, index_dir, model)
    record, _ = qa.ask(library, question, "1", doc)
    if as_json:
        click.echo(record.model_dump_json())
    else:
        print_record(record, Console(soft_wrap=True))
    if record.status == "error" or library.skipped:
        sys.exit(1)


@cli.command()
@click.argument("questions", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(exists=True),
    required=True,
    help="Report file or directory (repeatable).",
)
@_index
@_model
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Results file: .jsonl (default), .csv, .xlsx or .md.",
)
def batch(questions: Path, corpus: tuple[str, ...], index_dir: str | None, model: str | None, out: Path | None) -> None:
    """Answer every question of a file (.jsonl, .csv, .txt, .xlsx), writing results as they come.

    Exits 1 when any question ended in an error (or a report could not be read), else 0; not found is no error.

    Example: dqa batch questions.jsonl --corpus samples --out results.csv
    """
    items = list(read_questions(questions))
    out = out or questions.with_name(questions.stem + ".results.jsonl")
    check_out(out, OUTPUTS, [questions, *corpus], Path(index_dir) if index_dir else default_index_dir(corpus))
    library = open_library(corpus, index_dir, model)
    writer = Writer(out)
    counts = {"answered": 0, "not_found": 0, "error": 0}
    progress = Progress(
        TextColumn("answering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True)
    )
    try:
        with progress:
            task = progress.add_task("answering", total=len(items))
            for item in items:
                if item.error:
                    record = Record(id=item.id, question=item.question, status="error", error=item.error)
                else:
                    try:
                        record, _ = qa.ask(library, item.question, item.id, item.doc)
                    except Exception as exc:  # one bad question must not stop an audit run
                        record = Record(
                            id=item.id, question=item.question, status="error", error=f"{exc.__class__.__name__}: {exc}"
                        )
                writer.write(record)
                counts[record.status] += 1
                progress.advance(task)
    except KeyboardInterrupt:
        writer.close()
        say(f"Interrupted: {len(writer.records)} result(s) kept in {out}")
        sys.exit(130)
    writer.close()
    say(
        f"{len(items)} question(s): {counts['answered']} answered, {counts['not_found']} not found, "
        f"{counts['error']} error(s) → {out}"
    )
    if library.skipped or counts["error"]:
        sys.exit(1)


@cli.command()
@_corpus
@_index
@_model
@click.option("--doc", help="Only this file (name) of the corpus.")
def chat(corpus: tuple[str, ...], index_dir: str | None, model: str | None, doc: str | None) -> None:
    """A plain-terminal conversation; follow-ups ("and in 2018?", "那预算数呢？") reuse the last question.

    Type a question per line; an empty line or Ctrl-D ends.
    """
    library = open_library(corpus, index_dir, model)
    console = Console(soft_wrap=True)
    previous: Question | None = None
    n = 0
    while True:
        try:
            line = input("? ") if sys.stdin.isatty() else sys.stdin.readline()
        except EOFError:
            break
        if not line or not line.strip():
            break
        n += 1
        record, previous = qa.ask(library, line.strip(), str(n), doc, previous)
        print_record(record, console)
    if library.skipped:
        sys.exit(1)
