"""``evkg sparql QUERY|FILE``: run a SPARQL 1.1 query on the local graph.

    evkg sparql 'SELECT ?org ?name WHERE { ?org a org:FormalOrganization ; skos:prefLabel ?name }'
    evkg sparql queries/cq/cq01_agreements_of_organization.rq --format json
    evkg sparql 'CONSTRUCT WHERE { ?s a skos:Concept ; skos:prefLabel ?l }' --format turtle

The default graph is the union of all named graphs (``GRAPH ?g { ... }`` still reaches each one),
and the registry's prefixes may be used without ``PREFIX`` lines. Results: SPARQL 1.1 JSON, XML,
CSV or TSV (pyoxigraph's serialisers), a table, or Turtle/N-Triples for CONSTRUCT and DESCRIBE.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pyoxigraph as ox
import typer

from evkg.cli.common import DataOpt, StoreOpt, WideOpt, load_graph
from evkg.cli.tables import print_table
from evkg.errors import QuerySyntaxError, UsageError
from evkg.rdf.formats import NAMES, RESULTS_FORMATS
from evkg.rdf.literals import RestoredTriples
from evkg.rdf.serialization import serialize_triples
from evkg.wording import count

if TYPE_CHECKING:
    import pyoxigraph as ox

    from evkg.data.prefixes import Prefixes

RESULT_FORMATS = ("table", "json", "csv", "tsv", "xml")
GRAPH_FORMATS = ("turtle", "ntriples")


def _chosen(fmt: str | None) -> str | None:
    """The --format value as one of RESULT_FORMATS + GRAPH_FORMATS; any name :mod:`evkg.rdf.formats` knows
    for these formats is accepted (``srj``, ``ttl``, ``nt``, ``n-triples``...)."""
    if fmt is None:
        return None
    key = fmt.strip().lower()
    if key in RESULT_FORMATS:
        return key
    for results in RESULTS_FORMATS.values():
        if key in results.aliases:
            return results.name
    graph = NAMES.get(key)
    if graph is not None and graph.name in ("turtle", "nt"):
        return "turtle" if graph.name == "turtle" else "ntriples"
    raise UsageError(f"unknown result format {fmt!r} (choose one of: {', '.join(RESULT_FORMATS + GRAPH_FORMATS)})")


def read_query(query: str) -> tuple[str, str | None]:
    """The query text and the file it came from: QUERY is a file path, ``-`` (stdin), or the text."""
    if query == "-":
        return sys.stdin.read(), "<stdin>"
    looks_like_path = "\n" not in query and "{" not in query and len(query) < 4096
    if looks_like_path:
        path = Path(query)
        if path.is_file():
            try:
                return path.read_text(encoding="utf-8"), query
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"{query}: cannot read the query ({exc})") from None
        if path.suffix in (".rq", ".sparql", ".txt"):
            raise UsageError(f"{query}: no such query file")
    return query, None


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | None, prefixes: Prefixes) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return prefixes.curie(term.value) or term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if term.language:
        return f"{term.value} @{term.language}"
    return term.value


def _table(result: ox.QuerySolutions, prefixes: Prefixes, wide: bool = False) -> None:
    names = [v.value for v in result.variables]
    rows = [[_term(row[name], prefixes) for name in names] for row in result]
    print_table(names, rows, wide=wide, footer=count(len(rows), "row"))


def sparql_command(
    query: Annotated[str, typer.Argument(metavar="QUERY|FILE", help="SPARQL text, a .rq file, or - for stdin.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table, json, csv, tsv, xml (SELECT/ASK; default table); turtle, ntriples (CONSTRUCT/DESCRIBE).",
        ),
    ] = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    wide: WideOpt = False,
) -> None:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the local graph."""

    chosen = _chosen(fmt)
    text, source = read_query(query)
    kg = load_graph(data, store)
    try:
        result = kg.sparql(text)
    except QuerySyntaxError as exc:
        raise (exc.in_file(source) if source else exc) from None
    if isinstance(result, ox.QueryTriples | RestoredTriples):  # RestoredTriples: literals as written
        chosen = chosen or "turtle"
        if chosen not in GRAPH_FORMATS:
            raise UsageError(f"--format {fmt}: a CONSTRUCT/DESCRIBE query gives triples; use turtle or ntriples")

        sys.stdout.buffer.write(serialize_triples(result, chosen == "turtle", kg.prefixes))
        return
    chosen = chosen or "table"
    if chosen in GRAPH_FORMATS:
        raise UsageError(
            f"--format {fmt}: only CONSTRUCT and DESCRIBE give triples; use {', '.join(RESULT_FORMATS)}"
        )
    if chosen == "table":
        if isinstance(result, ox.QueryBoolean):
            typer.echo("true" if bool(result) else "false")
        else:
            _table(result, kg.prefixes, wide)
        return
    results_format = RESULTS_FORMATS[chosen].oxigraph
    try:
        payload = result.serialize(format=results_format) or b""  # bytes: no output file was given
    except ValueError as exc:  # e.g. an ASK answer in CSV
        raise UsageError(f"--format {chosen}: {exc}") from None
    sys.stdout.buffer.write(payload if payload.endswith(b"\n") else payload + b"\n")


def register(parent: typer.Typer) -> None:
    """Add ``evkg sparql`` to the ``evkg`` command."""
    parent.command("sparql")(sparql_command)


__all__ = ["RESULT_FORMATS", "register", "sparql_command"]
