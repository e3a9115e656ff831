"""``evkg link …``: enrich publications from registries, import references, write link tables.

Register on the main app with ``link.register(app)`` (adds the ``link`` command group).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from evkg.atomic import write_bytes
from evkg.link import config as link_config
from evkg.link import table

app = typer.Typer(
    name="link",
    help="Links to external bibliographic data: registry enrichment, reference import, identifier tables.",
    no_args_is_help=True,
    add_completion=False,
)

DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Data folder (a working copy with ontology/ and graph/); default: this checkout."),
]


@app.command("enrich")
def enrich_command(
    doi: Annotated[list[str] | None, typer.Option("--doi", help="Enrich this DOI (repeatable).")] = None,
    pmid: Annotated[list[str] | None, typer.Option("--pmid", help="Enrich this PMID (repeatable).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Enrich every publication with a DOI or PMID.")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Replay cached answers; no network.")] = False,
    registry: Annotated[
        list[str] | None,
        typer.Option(
            "--registry", help="crossref, doi, pubmed or pubmed-efetch (repeatable; default crossref+pubmed)."
        ),
    ] = None,
    candidates: Annotated[
        bool, typer.Option("--candidates", help="Check graph/_candidates.tsv against the registries instead.")
    ] = False,
    data: DataOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar (it is drawn on a terminal only).")
    ] = False,
) -> None:
    """Fetch registry records (Crossref, DOI content negotiation, PubMed) into graph/external/."""
    # lazy: httpx loads only for the commands that reach a registry
    from evkg.link import candidates as cand
    from evkg.link import enrichment as link_enrich

    cfg = link_config.from_env()
    if candidates:
        results = cand.check(data, config=cfg, offline=offline)
        for r in results:
            typer.echo(r.line())
        if any(r.status == "error" for r in results):
            raise typer.Exit(1)
        return
    report = link_enrich.enrich(
        data,
        dois=doi or (),
        pmids=pmid or (),
        every=every,
        offline=offline,
        registries=registry,
        config=cfg,
        quiet=quiet,
    )
    for outcome in report.outcomes:
        if outcome.status in ("failed", "missing"):
            typer.echo(f"evkg: {outcome.line()}", err=True)
        else:
            typer.echo(outcome.line())
    if report.failed:
        raise typer.Exit(1)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A .bib (BibTeX), .ris (RIS) or .json (CSL-JSON) file.")],
    data: DataOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
) -> None:
    """Import references; publications already in the graph (same DOI/PMID, or title+year) are matched."""
    # lazy: bibtexparser and rispy load only for evkg link import
    from evkg.link import importers

    result = importers.import_file(file, data, dry_run=dry_run)
    for line in result.lines():
        typer.echo(line)


@app.command("table")
def table_command(
    data: DataOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    sssom: Annotated[
        bool, typer.Option("--sssom", help="Term mappings as SSSOM TSV instead of the identifier CSV.")
    ] = False,
) -> None:
    """All external identifiers of every entity as CSV (or the term mappings as SSSOM TSV)."""
    text = table.sssom_tsv(data) if sssom else table.identifiers_csv(data)
    if out is None:
        sys.stdout.write(text)
    else:
        write_bytes(out, text.encode("utf-8"))


def register(parent: typer.Typer) -> None:
    """Add the ``link`` command group to the main ``evkg`` app."""
    parent.add_typer(app, name="link")


__all__ = ["enrich_command", "import_command", "register", "table_command"]
