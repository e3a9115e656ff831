"""``evkg build --out DIR``: every export format and a VoID/DCAT description, written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, StoreOpt, load_graph
from evkg.data.layout import display_path
from evkg.progress import bar
from evkg.publish.builder import build
from evkg.rdf.formats import FORMATS
from evkg.wording import count


def build_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Folder to write (new, empty or a previous build).")
    ],
    data: DataOpt = None,
    store: StoreOpt = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar (it is drawn on a terminal only).")
    ] = False,
) -> None:
    """Write the graph in every format (Turtle, JSON-LD, N-Triples, TriG, N-Quads, RDF/XML) and void.ttl."""
    with bar("evkg build", total=len(FORMATS) + 1, quiet=quiet) as step:
        kg = load_graph(data, store)
        step("loaded")
        result = build(kg, out, progress=step)
    where = display_path(result.out)

    typer.echo(
        f"evkg build: graph {result.version or 'unversioned'}, {count(result.triples, 'triple')} in "
        f"{count(result.graphs, 'named graph')}, written to {where}/"
    )
    for f in result.files:
        typer.echo(f"  {where}/{f.name:<12} {f.size:>10,} bytes  {f.seconds * 1000:7.0f} ms  {f.media_type}")


def register(parent: typer.Typer) -> None:
    """Add ``evkg build`` to the ``evkg`` command."""
    parent.command("build")(build_command)


__all__ = ["build_command", "register"]
