"""`dqa parse --schema`: how a report was placed in the disclosure schema, and what did not map.

Per table: the statement it was classified as (or `other` with the reason), how many of its amount rows map to a
schema line, the labels that do not, and its columns. Then the narrative: how many amounts name a line or item,
and the first that do not. Text from the document is printed as text, never as markup.
"""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console

from cli.output import plain
from corpus.classify import classify_tables
from corpus.model import Document, Fact
from corpus.schema import load_schema

SHOWN = 12  # unmapped labels listed per table, and unplaced narrative amounts


def show_schema(doc: Document, facts: list[Fact], console: Console) -> None:
    schema = load_schema()
    tables = classify_tables(doc, schema)
    by_table: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.source == "table" and fact.table_id:
            by_table[fact.table_id].append(fact)
    console.print(plain(f"{doc.name}: {len(doc.tables)} table(s)", style="bold"))
    for table in doc.tables:
        placed = tables[table.id]
        statement = schema.statements.get(placed.statement or "")
        where = f"p{'-'.join(map(str, sorted({table.pages[0], table.pages[-1]})))} {table.id}"
        what = f"{statement.id} ({statement.title})" if statement else f"other: {placed.reason}"
        console.print(plain(f"  {where} “{table.title or '(untitled)'}” → {what}"))
        cells = by_table.get(table.id, [])
        rows = {(f.row, f.label_path[0] if f.label_path else f.subject): f.line for f in cells}
        unmapped = sorted({label for (_, label), line in rows.items() if line is None})
        console.print(plain(f"    rows: {sum(1 for v in rows.values() if v)} mapped, {len(unmapped)} not mapped"))
        for label in unmapped[:SHOWN]:
            console.print(plain(f"      not mapped: {label}"))
        columns = sorted({f.column for f in cells if f.column})
        if columns:
            console.print(plain(f"    columns: {', '.join(columns)}"))
    text = [f for f in facts if f.source == "text" and f.kind in ("money", "count")]
    unplaced = [f for f in text if f.line is None]
    console.print(plain(f"  narrative: {len(text) - len(unplaced)} of {len(text)} amounts name a line or item"))
    for fact in unplaced[:SHOWN]:
        console.print(plain(f"    not placed: p{fact.page} {fact.printed}: “{fact.quote[:60]}”"))
