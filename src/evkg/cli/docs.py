"""``evkg docs --out DIR``: the documentation site (pyLODE ontology page, bilingual term table,
glossaries, named graphs, query cookbook, diagrams), or with ``--diagrams-only`` just the pictures.

    evkg docs --out site                               # the whole site, then open site/index.html
    evkg docs --out site --strict                      # fail (exit 1) if anything is missing or broken
    evkg docs --diagrams-only --format svg --out docs/img   # refresh the pictures of the README

Warnings (a term without its Japanese definition, a broken link, a query example that answers
nothing, a message from pyLODE or Graphviz) are printed on stderr, one per line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, StoreOpt, load_graph
from evkg.data.layout import display_path
from evkg.errors import UsageError


def docs_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Folder to write (new, empty or a previous docs build).")
    ],
    data: DataOpt = None,
    store: StoreOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with 1 if the build found any warning.")] = False,
    diagrams_only: Annotated[
        bool, typer.Option("--diagrams-only", help="Write only the diagrams (DOT and images) into DIR.")
    ] = False,
    image_format: Annotated[
        list[str] | None,
        typer.Option("--format", help="Image format of the diagrams with --diagrams-only: svg, png (repeatable)."),
    ] = None,
) -> None:
    """Build the documentation site: ontology (pyLODE), terms in en/ja, glossaries, named graphs, cookbook, diagrams."""
    # lazy: Jinja, pyLODE and the docs builder load only for evkg docs
    from evkg.docs import build_docs, diagrams

    kg = load_graph(data, store)
    if diagrams_only:
        formats = image_format or list(diagrams.RENDER_FORMATS)
        for fmt in formats:
            if fmt not in diagrams.RENDER_FORMATS:
                raise UsageError(f"unknown image format {fmt!r}; valid: {', '.join(diagrams.RENDER_FORMATS)}")
        drawn = diagrams.write(diagrams.from_kg(kg), out, formats)
        files, warnings = [display_path(p) for p in drawn.files], drawn.warnings
        summary = f"evkg docs: {len(drawn.sources)} diagrams written to {display_path(Path(out))}/"
    else:
        result = build_docs(kg, out)
        files, warnings = [], result.warnings
        summary = (
            f"evkg docs: {len(result.pages)} pages and {len(result.images)} diagram files written to "
            f"{display_path(result.out)}/ in {result.seconds:.1f} s; open {display_path(result.out / 'index.html')}"
        )
    for name in files:
        typer.echo(f"  {name}")
    for warning in warnings:
        typer.echo(f"evkg docs: warning: {warning}", err=True)
    typer.echo(summary + (f" ({len(warnings)} warnings)" if warnings else ""))
    if strict and warnings:
        raise typer.Exit(1)


def register(parent: typer.Typer) -> None:
    """Add ``evkg docs`` to the ``evkg`` command."""
    parent.command("docs")(docs_command)


__all__ = ["docs_command", "register"]
