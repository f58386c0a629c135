"""`dqa facts` and `dqa parse`: what the reader sees in a report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table as RichTable

from cli import cli
from corpus.cache import load_document
from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.model import Document, Fact, Table
from corpus.reader import supported_files


def expand_paths(paths: tuple[str, ...]) -> list[Path]:
    """Files as given; directories walked for supported files, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(supported_files(p))
        else:
            out.append(p)
    return out


def each_document(paths: tuple[str, ...]):
    """Yield parsed documents; report bad files on stderr and fail at the end, after the rest."""
    failures: list[str] = []
    for path in expand_paths(paths):
        try:
            doc = load_document(path)
        except DqaError as exc:
            click.echo(f"Error: {exc}", err=True)
            failures.append(str(exc))
            continue
        for warning in doc.warnings:
            click.echo(f"Warning: {path}: {warning}", err=True)
        yield doc
    if failures:
        click.echo(f"{len(failures)} file(s) failed:", err=True)
        for failure in failures:
            click.echo(f"  {failure}", err=True)
        sys.exit(1)


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
    }


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per fact (JSONL).")
def facts(paths: tuple[str, ...], as_json: bool) -> None:
    """Print every amount in the report(s): label, period, measure, value, unit, yuan, page.

    Example: dqa facts samples/000_4730eaab2517dbc6.txt --json
    """
    console = Console(soft_wrap=True)
    for doc in each_document(paths):
        found = document_facts(doc)
        if as_json:
            for fact in found:
                click.echo(json.dumps(fact_record(doc, fact), ensure_ascii=False))
            continue
        grid = RichTable(title=f"{doc.name} — {doc.title} ({len(found)} facts)", expand=False)
        for name in ("page", "label", "period", "measure", "value", "unit", "yuan"):
            grid.add_column(name, overflow="fold")
        for f in found:
            grid.add_row(
                str(f.page),
                f.label,
                str(f.period or ""),
                f.measure,
                f.printed,
                f.unit or "",
                "" if f.yuan is None else str(f.yuan),
            )
        console.print(grid)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
def parse(paths: tuple[str, ...]) -> None:
    """Print pages, paragraphs (with section path) and tables (as aligned grids).

    Example: dqa parse samples/shpt_sfj_2026_budget.pdf
    """
    console = Console(soft_wrap=True)
    for doc in each_document(paths):
        console.print(
            f"[bold]{doc.name}[/]  title={doc.title!r} department={doc.department!r} "
            f"year={doc.year} kind={doc.kind} pages={len(doc.pages)}",
            markup=True,
        )
        for page in doc.pages:
            console.rule(f"page {page.number}")
            for block in page.blocks:
                if isinstance(block, Table):
                    console.print(_grid(block))
                else:
                    path = " › ".join(block.heading_path)
                    console.print(f"[dim]{path}[/]\n{block.text}" if path else block.text, markup=True, highlight=False)


def _grid(table: Table) -> RichTable:
    title = f"{table.id}: {table.title or '(untitled)'}  [单位：{table.unit or '?'}]  pages {table.pages}"
    grid = RichTable(title=title, show_header=False, show_lines=True)
    for _ in range(table.n_cols):
        grid.add_column(overflow="fold")
    for i, row in enumerate(table.grid()):
        grid.add_row(*row, style="bold" if i < len(table.header_rows) else None)
    return grid
