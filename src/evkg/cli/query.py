"""``evkg query``: list the query helpers, or run one with parameters.

    evkg query --list                      # grouped by subject: organization, agreement, term, …
    evkg query --list term                 # one group
    evkg query organization_profile --param org=organization:jsrm --lang ja
    evkg query label_search -p text=小胞 --format csv
    evkg query agreements_of_organization -p org=organization:isev --endpoint http://localhost:7878/query
    evkg query label_search -p text=小胞 --endpoint http://localhost:8890/sparql   # Virtuoso (flavour asked of it)

IRI parameters take a full IRI or a CURIE of the prefix registry (``organization:jsrm``). Unknown
queries or parameters, missing required ones and ill-typed values end with one line on stderr that
lists what is valid, and exit code 2.

Register on the main app with ``query.register(app)``.
"""

from __future__ import annotations

import csv
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rdflib import Literal, URIRef

import evkg
from evkg.cli.common import DataOpt, StoreOpt, WideOpt
from evkg.cli.sparql import RESULT_FORMATS
from evkg.cli.tables import console, print_table
from evkg.data.prefixes import registry
from evkg.errors import UsageError, did_you_mean
from evkg.query.knowledge_graph import connect
from evkg.wording import count

if TYPE_CHECKING:
    from evkg.data.prefixes import Prefixes

#: The result formats of ``evkg query``: the same as ``evkg sparql`` gives for SELECT and ASK.
FORMATS = RESULT_FORMATS


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--param {pair!r}: write it as NAME=VALUE")
        if key in params:
            raise UsageError(f"--param {key} is given twice")
        params[key] = value
    return params


def group_of(spec: Any) -> str:
    """The group a query is listed under: its first tag (organization, agreement, term, qc, …)."""
    return spec.tags[0] if spec.tags else (spec.area or "other")


def _list(specs: list[Any], fmt: str, group: str | None) -> None:
    groups: dict[str, list[Any]] = {}
    for s in specs:
        groups.setdefault(group_of(s), []).append(s)
    if group is not None:
        if group not in groups:
            raise UsageError(
                f"no query group {group!r}{did_you_mean(group, groups)}; groups: {', '.join(sorted(groups))}"
            )
        groups = {group: groups[group]}
        specs = groups[group]
    if fmt == "json":
        doc = [
            {
                "name": s.name,
                "group": group_of(s),
                "file": f"queries/{s.area + '/' if s.area else ''}{s.path.name}",
                "kind": s.kind,
                "cq": s.cq,
                "question": s.question,
                "summary": s.summary,
                "params": [
                    {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "example": p.example}
                    for p in s.params
                ],
                "returns": list(s.returns),
            }
            for s in specs
        ]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt in ("csv", "tsv"):
        writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(["name", "group", "kind", "cq", "params", "summary"])
        for s in specs:
            writer.writerow([s.name, group_of(s), s.kind, s.cq, s.param_list(), s.summary])
        return
    if fmt == "xml":
        raise UsageError("--list --format xml: the list is not a query result; use table, json, csv or tsv")
    _list_text(groups, len(specs))


def _list_text(groups: dict[str, list[Any]], total: int) -> None:
    """One block per group (each fits a screen): the name and parameters, then the question."""
    # lazy: rich loads only when a table is printed
    from rich.markup import escape


    out = console()
    width = min(out.width, 100)
    for group in sorted(groups, key=lambda g: (g == "qc", g)):
        specs = sorted(groups[group], key=lambda s: s.name)
        out.print(f"[bold]{escape(group)}[/bold] ({count(len(specs), 'query', 'queries')})", crop=False)
        for s in specs:
            params = " ".join(f"{p.name}=…" if p.required else f"[{p.name}=…]" for p in s.params)
            out.print(f"  [bold]{escape(s.name)}[/bold] {escape(params)}".rstrip(), crop=False)
            text = s.question or s.summary
            if len(text) > width - 6 and out.is_terminal:
                text = text[: width - 7].rstrip() + "…"
            out.print(f"      {escape(text)}", crop=False, soft_wrap=not out.is_terminal)
        out.print("")
    out.print(
        f"{count(total, 'query', 'queries')}: evkg query NAME -p PARAM=VALUE; "
        "the cookbook (docs/queries.md) explains each one",
        crop=False,
    )


def _cell(term: Any, prefixes: Prefixes) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return prefixes.curie(str(term)) or str(term)
    return str(term)


def _print(result: Any, fmt: str, prefixes: Prefixes, wide: bool) -> None:
    if fmt != "table":
        sys.stdout.write(result.serialize(fmt))
        return
    if result.boolean is not None:
        typer.echo("true" if result.boolean else "false")
        return

    rows = [[_cell(t, prefixes) for t in row] for row in result]
    print_table(result.vars, rows, wide=wide, footer=count(len(rows), "row"))


def _check_entities(kg: Any, spec: Any, bound: dict[str, Any], prefixes: Prefixes) -> None:
    """An empty answer because an IRI parameter names nothing in the graph is an error, not 0 rows."""

    for name, term in bound.items():
        if not isinstance(term, URIRef) or spec.param(name).type != "iri":
            continue
        if bool(kg.sparql("ASK { { ?x ?p ?o } UNION { ?s ?p ?x } }", x=term)):
            continue
        shown = prefixes.curie(str(term)) or str(term)
        namespace = str(term)[: len(str(term)) - len(shown.partition(":")[2])] if ":" in shown else None
        near = ""
        if namespace and namespace != str(term):
            rows = kg.sparql(
                "SELECT DISTINCT ?s ?ns WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?ns)) }",
                ns=Literal(namespace),
            )
            iris = [str(getattr(r[0], "value", r[0])) for r in rows]
            known = [prefixes.curie(iri) or iri for iri in iris]
            near = did_you_mean(shown, known)
        raise UsageError(f"{spec.name}: {name}={shown}: no entity with this IRI in the graph{near}")


def query_command(
    name: Annotated[
        str | None, typer.Argument(metavar="NAME", help="The query to run (with --list: a group to list).")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the queries, grouped by subject.")] = False,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", metavar="NAME=VALUE", help="A parameter (repeatable); IRIs as CURIEs or full."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", metavar="LANG", help="Language of labels (sets the lang parameter).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help=f"{', '.join(FORMATS)}.")] = "table",
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the embedded store."
        ),
    ] = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    wide: WideOpt = False,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for a remote endpoint.")
    ] = 30.0,
    flavour: Annotated[
        str,
        typer.Option(
            "--flavour",
            metavar="NAME",
            help="Dialect of the --endpoint server: auto (asked of it), sparql11, oxigraph or virtuoso.",
        ),
    ] = "auto",
) -> None:
    """Answer a competency question, e.g. `evkg query organization_profile -p org=organization:jsrm --lang ja`."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown result format {fmt!r} (choose one of: {', '.join(FORMATS)})")
    # lazy: the helpers' YAML headers are read only for evkg query
    from evkg.query.helpers import QueryHelpers, discover

    specs = discover(data)
    prefixes = registry(data)
    if list_:
        _list(list(specs), fmt, name)
        return
    if name is None:
        raise UsageError("name a query to run, or list them with evkg query --list")
    spec = QueryHelpers(None, specs, prefixes).spec(name)  # unknown name: fails before loading the graph
    params = _parse_params(param or [])
    if lang is not None:
        if "lang" not in {p.name for p in spec.params}:
            raise UsageError(f"{spec.name} has no lang parameter; valid: {spec.param_list()}")
        if "lang" in params:
            raise UsageError("give the language once: --lang or --param lang=…")
        params["lang"] = lang
    bound = spec.bind(params, prefixes)  # bad parameters fail before loading the graph
    if endpoint:
        kg = connect(endpoint, timeout=timeout, data_dir=data, flavour=flavour)
    else:
        kg = evkg.load(data_dir=data, store_dir=store)
    result = kg.queries[spec.name](**params)
    if result.boolean is None and len(result) == 0:
        _check_entities(kg, spec, bound, prefixes)
    _print(result, fmt, prefixes, wide)


def register(parent: typer.Typer) -> None:
    """Add ``query`` to the main ``evkg`` app."""
    parent.command("query")(query_command)


__all__ = ["FORMATS", "query_command", "register"]
