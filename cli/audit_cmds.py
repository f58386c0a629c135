"""`dqa audit`: every place a report disagrees with itself, as lines, JSONL, Markdown or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from audit import Finding, at_least, audit_document
from cli import cli
from cli.corpus_cmds import for_each_document
from cli.output import check_out, echo, say
from corpus.errors import DqaError
from corpus.facts import document_facts
from corpus.model import Document
from qa.batch import csv_cell, written_whole

FORMATS = (".jsonl", ".md", ".csv")
COLUMNS = ("doc", "rule", "kind", "severity", "message", "expected", "found", "difference", "pages", "quotes")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write findings to FILE (.jsonl, .md or .csv).")
@click.option(
    "--min-severity",
    type=click.Choice(["info", "warning", "error"]),
    default="info",
    show_default=True,
    help="Leave out findings below this severity.",
)
def audit(paths: tuple[str, ...], out: str | None, min_severity: str) -> None:
    """Check a report against itself, rule by rule: table sums, the same line across statements, narrative figures
    against their lines, stated changes and rates, wording, years, missing tables (docs/AUDIT.md lists the rules).

    Example: dqa audit samples/000_4730eaab2517dbc6.txt --min-severity warning --out findings.md
    """
    if out and Path(out).suffix.lower() not in FORMATS:
        raise DqaError(f"--out must end in {', '.join(FORMATS)}, not {Path(out).suffix or 'nothing'}: {out}")
    if out:
        check_out(Path(out), FORMATS, paths, None)
    findings: list[Finding] = []

    def audit_one(doc: Document) -> None:
        found = at_least(audit_document(doc, document_facts(doc)), min_severity)
        findings.extend(found)
        if not out:
            _print(doc.name, found)

    try:
        for_each_document(paths, audit_one)
    finally:
        if out:
            _write(Path(out), findings)
            say(f"{len(findings)} finding(s) written to {out}")


def _print(name: str, findings: list[Finding]) -> None:
    echo(f"{name}: {len(findings)} finding(s)")
    for f in findings:
        pages = ",".join(str(e.page) for e in f.evidence)
        echo(f"  [{f.severity}] {f.rule}/{f.kind} (p{pages or '-'}): {f.message}")
        for e in f.evidence:
            echo(f"      p{e.page}: {e.quote}")


def _write(path: Path, findings: list[Finding]) -> None:
    """The whole file or, if writing fails, the old one (written_whole)."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        text = "".join(json.dumps(f.model_dump(), ensure_ascii=False) + "\n" for f in findings)
        encoding = "utf-8"
    elif suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for f in findings:
            row = [
                f.doc,
                f.rule,
                f.kind,
                f.severity,
                f.message,
                f.expected or "",
                f.found or "",
                f.difference or "",
                ";".join(str(e.page) for e in f.evidence),
                " || ".join(e.quote for e in f.evidence),
            ]
            writer.writerow([csv_cell(v) for v in row])
        text, encoding = buffer.getvalue(), "utf-8-sig"  # BOM: Excel opens it as UTF-8
    else:
        text, encoding = _markdown(findings), "utf-8"
    with written_whole(path) as tmp:
        tmp.write_text(text, encoding=encoding)


def _markdown(findings: list[Finding]) -> str:
    lines = ["# Audit findings", ""]
    for doc in dict.fromkeys(f.doc for f in findings):
        lines += [
            f"## {doc}",
            "",
            "| severity | rule | kind | message | expected | found | difference | evidence |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for f in (x for x in findings if x.doc == doc):
            evidence = "<br>".join(f"p{e.page}: {e.quote}" for e in f.evidence)
            cells = [f.severity, f.rule, f.kind, f.message, f.expected or "", f.found or "", f.difference or ""]
            cells.append(evidence)
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        lines.append("")
    if not findings:
        lines.append("No findings.")
    return "\n".join(lines) + "\n"
