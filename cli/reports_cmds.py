"""`dqa reports`: which report each document is (body, year, kind, scope, part) and where each field was read."""

from __future__ import annotations

import json

import click

from cli import cli
from cli.output import echo
from cli.progress import open_library
from qa.reports import reports

FIELDS = ("body", "year", "kind", "scope", "level", "region", "body_type", "part")


@cli.command(name="reports")
@click.argument("corpus", nargs=-1, type=click.Path(exists=True))
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help="Index directory (default as for ask).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document, with the evidence per field.")
def reports_command(corpus: tuple[str, ...], index_dir: str | None, as_json: bool) -> None:
    """List the reports of a corpus: publishing body, year, kind (预算/决算), scope (部门/单位), level, part.

    Each field says where it was read (cover, title line, table header, text). Documents of one body, year,
    kind and scope are one report (a narrative PDF and its tables PDF). To correct a misread report, add it to
    dqa-reports.toml beside the corpus:

    \b
        [[report]]
        file = "2017年度部门预算公开表.pdf"
        body = "江苏省政协办公厅"
        year = 2017
    """
    library = open_library(corpus, index_dir)
    for report in reports(library):
        if as_json:
            for doc_id in report.doc_ids:
                doc = library.documents[doc_id]
                echo(
                    json.dumps(
                        {"file": doc.path, "report": report.label(), **library.identity(doc_id).model_dump()},
                        ensure_ascii=False,
                    )
                )
            continue
        i = report.identity
        echo(f"{report.label()}  ({i.level or '?'}, {i.body_type or '?'}{', template' if i.template else ''})")
        echo(f"  English: {i.english}   short: {', '.join(i.short[:4])}")
        for doc_id in report.doc_ids:
            doc = library.documents[doc_id]
            identity = library.identity(doc_id)
            echo(f"  {doc.name}  [{identity.part}]")
            for name in FIELDS:
                if name in identity.evidence:
                    echo(f"      {name}: {getattr(identity, name)}  ← {identity.evidence[name]}")
