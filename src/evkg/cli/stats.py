"""``evkg stats``: how big the graph is, overall and per named graph."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, StoreOpt, load_graph, user_errors
from evkg.errors import UsageError


def stats_command(
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table or json.")] = "table",
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Count triples (all graphs and each named graph), subjects and instances per class."""
    with user_errors():
        if fmt not in ("table", "json"):
            raise UsageError(f"unknown stats format {fmt!r} (choose table or json)")
        kg = load_graph(data, store)
        stats = kg.stats()
    if fmt == "json":
        typer.echo(json.dumps(stats.to_dict(), indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"graph {stats.ontology_version or 'unversioned'}: {stats.triples} triples "
        f"({stats.quads} statements in {len(stats.graphs)} named graphs), {stats.subjects} subjects"
    )
    graphs = Table("named graph", "triples")
    for iri, count in stats.graphs.items():
        graphs.add_row(kg.prefixes.curie(iri) or iri, str(count))
    console.print(graphs)
    classes = Table("class", "instances")
    for cls, count in stats.classes.items():
        classes.add_row(cls, str(count))
    console.print(classes)


def register(parent: typer.Typer) -> None:
    parent.command("stats")(stats_command)
