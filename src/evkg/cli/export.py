"""``evkg export --format FORMAT [-o FILE]``: the graph in one format, on stdout or in a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, StoreOpt, load_graph
from evkg.rdf.formats import get_format

_NAMES = "turtle, json-ld, nt, trig, nquads, xml"


def export_command(
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help=f"One of: {_NAMES} (trig and nquads keep named graphs)."),
    ] = "turtle",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (atomically); default: stdout.")
    ] = None,
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Export the graph: Turtle, JSON-LD, N-Triples, TriG, N-Quads or RDF/XML (deterministic output)."""
    spec = get_format(fmt)  # an unknown format fails before anything is loaded
    kg = load_graph(data, store)
    payload = kg.export(spec.name, path=output)
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()


def register(parent: typer.Typer) -> None:
    """Add ``evkg export`` to the ``evkg`` command."""
    parent.command("export")(export_command)


__all__ = ["export_command", "register"]
