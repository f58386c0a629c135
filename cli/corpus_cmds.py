"""`dqa facts` and `dqa parse`: what the reader sees in a report."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import click
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from cli import cli
from cli.output import plain, say
from cli.schema_view import show_schema
from corpus.cache import load_document
from corpus.errors import DqaError, visible
from corpus.facts import document_facts
from corpus.files import corpus_files
from corpus.model import Document, Fact, Table


def for_each_document(paths: tuple[str, ...], work: Callable[[Document], None]) -> None:
    """Run `work` on every report of the paths. A file that fails, to read or in `work`, is named on stderr
    in one line and the rest go on; the run then ends with the list of failures and exit code 1."""
    found = corpus_files(paths)
    failures = [f"{path}: {reason}" for path, reason in found.refused]
    for line in failures:
        say(f"Error: {line}")
    for path in found.files:
        failure = _attempt(path, work)
        if failure:
            say(f"Error: {failure}")
            failures.append(failure)
    if failures:
        say(f"{len(failures)} file(s) failed:")
        for failure in failures:
            say(f"  {failure}")
        sys.exit(1)


def _attempt(path: str, work: Callable[[Document], None]) -> str | None:
    """None when `work` ran on the report; else the line saying why not."""
    try:
        doc = load_document(path)
        for warning in doc.warnings:
            say(f"Warning: {path}: {warning}")
        work(doc)
    except DqaError as exc:
        return str(exc)
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug on one report must not hide the others
        return f"{path}: unexpected {type(exc).__name__}: {exc}"
    return None


def fact_record(doc: Document, fact: Fact) -> dict:
    return {
        "doc": doc.name,
        "label": fact.label,
        "period": fact.period,
        "measure": fact.measure,
        "value": fact.printed,
        "amount": str(fact.value),
        "unit": fact.unit,
        "yuan": None if fact.yuan is None else str(fact.yuan),
        "approx": fact.approx,
        "page": fact.page,
        "source": fact.source,
        "quote": fact.quote,
        "table": fact.table_id,
        "row": fact.row,
        "col": fact.col,
        "start": fact.start,
        "end": fact.end,
        "statement": fact.statement,
        "line": fact.line,
        "column": fact.column,
        "scope": fact.scope,
    }


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per fact (JSONL).")
def facts(paths: tuple[str, ...], as_json: bool) -> None:
    """Print every amount in the report(s): label, period, measure, value, unit, yuan, page.

    Example: dqa facts samples/000_4730eaab2517dbc6.txt --json
    """
    console = Console(soft_wrap=True)

    def show(doc: Document) -> None:
        found = document_facts(doc)
        if as_json:
            for fact in found:
                click.echo(json.dumps(fact_record(doc, fact), ensure_ascii=False))
            return
        grid = RichTable(title=plain(f"{doc.name} — {doc.title} ({len(found)} facts)"), expand=False)
        for name in ("page", "label", "period", "measure", "value", "unit", "yuan", "line", "scope"):
            grid.add_column(name, overflow="fold")
        for f in found:
            cells = (
                f.page,
                f.label,
                f.period or "",
                f.measure,
                f.printed,
                f.unit or "",
                "" if f.yuan is None else f.yuan,
                f.line or "",
                f.scope or "",
            )
            grid.add_row(*(plain(c) for c in cells))
        console.print(grid)

    for_each_document(paths, show)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--schema", "schema", is_flag=True, help="How each table, row and narrative amount was placed in the "
              "disclosure schema, and what did not map.")  # fmt: skip
def parse(paths: tuple[str, ...], schema: bool) -> None:
    """Print pages, paragraphs (with section path) and tables (as aligned grids).

    Example: dqa parse samples/shpt_sfj_2026_budget.pdf --schema
    """
    console = Console(soft_wrap=True)

    def show(doc: Document) -> None:
        if schema:
            show_schema(doc, document_facts(doc), console)
            return
        head = plain(doc.name, style="bold")
        head.append(
            visible(
                f"  title={doc.title!r} department={doc.department!r} year={doc.year} kind={doc.kind} "
                f"pages={len(doc.pages)}"
            )
        )
        console.print(head, highlight=False)
        for page in doc.pages:
            console.rule(f"page {page.number}")
            for block in page.blocks:
                if isinstance(block, Table):
                    console.print(_grid(block))
                    continue
                path = " › ".join(block.heading_path)
                line = plain(path + "\n", style="dim") if path else Text()
                line.append(visible(block.text))
                console.print(line, highlight=False)

    for_each_document(paths, show)


def _grid(table: Table) -> RichTable:
    title = plain(f"{table.id}: {table.title or '(untitled)'}  [单位：{table.unit or '?'}]  pages {table.pages}")
    grid = RichTable(title=title, show_header=False, show_lines=True)
    for _ in range(table.n_cols):
        grid.add_column(overflow="fold")
    for i, row in enumerate(table.grid()):
        grid.add_row(*(plain(cell) for cell in row), style="bold" if i < len(table.header_rows) else None)
    return grid
