"""``evkg sources``: every source graph, where it was read from, its archived copy, and what was verified.

One row per named graph that describes itself (source and translation graphs): its page, its archived
copy (``graph/_sources/``), the date it was read, its evidence grade, and how many of its quotes,
identifiers, dates and numbers were found in the archived text (verified / total). ``--format json``
gives every field (licence and rights, where the copy was retrieved, its extent). Exit status 1 when
any graph has a problem (the findings of ``evkg validate``'s truth checks), else 0.
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import unquote

import typer

from evkg.cli.common import DataOpt, WideOpt, load_graph
from evkg.cli.tables import print_table
from evkg.errors import UsageError
from evkg.wording import count


def _tally(pair: list[int]) -> str:
    verified, total = pair
    return f"{verified}/{total}" if total else "–"


def sources_command(
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table or json.")] = "table",
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels: en or ja.")] = "en",
    data: DataOpt = None,
    wide: WideOpt = False,
) -> None:
    """List the source graphs with their pages, archived copies and what was verified against them."""
    if fmt not in ("table", "json"):
        raise UsageError(f"unknown sources format {fmt!r} (choose table or json)")
    if lang not in ("en", "ja"):
        raise UsageError(f"unknown language {lang!r} (choose en or ja)")
    kg = load_graph(data)
    # lazy: the checks (pySHACL, owlrl) load only for the commands that run them
    from evkg.quality.pipeline import audit_sources

    audits = audit_sources(kg)
    rows = [a.summary(kg.data.root) for a in audits]
    failing = sum(1 for r in rows if r["problems"])
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        raise typer.Exit(1 if failing else 0)

    curie = kg.prefixes.curie
    table = [
        [
            curie(r["graph"]) or r["graph"],
            unquote(r["page"]) if r["page"] else "–",
            (r["archive"] or "–").removeprefix("graph/_sources/"),
            r["retrievedOn"] or "–",
            (curie(r["grade"]) or r["grade"] or "–").removeprefix("evkg:"),
            _tally(r["quotes"]),
            _tally(r["identifiers"]),
            _tally(r["datesAndNumbers"]),
        ]
        for r in rows
    ]
    columns = ["graph", "page", "archived copy", "read on", "grade", "quotes", "identifiers", "dates"]
    print_table(columns, table, wide=wide)
    verdict = (
        "every quote, identifier, date and number found" if not failing else f"{count(failing, 'graph')} with problems"
    )
    typer.echo(f"{count(len(rows), 'named graph')}: {verdict} (archived copies in graph/_sources/)")
    raise typer.Exit(1 if failing else 0)


def register(parent: typer.Typer) -> None:
    """Add ``evkg sources`` to the ``evkg`` command."""
    parent.command("sources")(sources_command)


__all__ = ["register", "sources_command"]
