"""``evkg stats``: how big the graph is, overall and per named graph."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, StoreOpt, WideOpt, load_graph
from evkg.cli.tables import print_table
from evkg.errors import UsageError
from evkg.wording import count


def stats_command(
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table or json.")] = "table",
    data: DataOpt = None,
    store: StoreOpt = None,
    wide: WideOpt = False,
) -> None:
    """Count triples (distinct, all graphs), statements per named graph, subjects and instances per class."""
    if fmt not in ("table", "json"):
        raise UsageError(f"unknown stats format {fmt!r} (choose table or json)")
    kg = load_graph(data, store)
    stats = kg.stats()
    if fmt == "json":
        typer.echo(json.dumps(stats.to_dict(), indent=2, ensure_ascii=False))
        return

    typer.echo(
        f"graph {stats.ontology_version or 'unversioned'}: {count(stats.triples, 'triple')} "
        f"({count(stats.quads, 'statement')} in {count(len(stats.graphs), 'named graph')}), "
        f"{count(stats.subjects, 'subject')}"
    )
    rows = [[kg.prefixes.curie(iri) or iri, f"{n:,}"] for iri, n in stats.graphs.items()]
    print_table(["named graph", "statements"], rows, wide=wide)
    print_table(["class", "instances"], [[cls, f"{n:,}"] for cls, n in stats.classes.items()], wide=wide)


def register(parent: typer.Typer) -> None:
    """Add ``evkg stats`` to the ``evkg`` command."""
    parent.command("stats")(stats_command)


__all__ = ["register", "stats_command"]
