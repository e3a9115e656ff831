"""``evkg query``: list the query helpers, or run one with parameters.

    evkg query --list
    evkg query organization_profile --param org=organization:jsrm --lang ja
    evkg query label_search -p text=小胞 --format csv
    evkg query agreements_of_organization -p org=organization:isev --endpoint http://localhost:7878/query

IRI parameters take a full IRI or a CURIE of the prefix registry (``organization:jsrm``). Unknown
queries or parameters, missing required ones and ill-typed values end with one line on stderr that
lists what is valid, and exit code 2.

Register on the main app with ``query.register(app)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from evkg.errors import EvkgError, UsageError

FORMATS = ("table", "json", "csv", "tsv")


def _fail(exc: EvkgError) -> typer.Exit:
    typer.echo(f"evkg: {exc}", err=True)
    return typer.Exit(getattr(exc, "exit_code", 1))


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


def _list(helpers: Any, fmt: str) -> None:
    specs = helpers.specs()
    if fmt == "json":
        doc = [
            {
                "name": s.name,
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
        sep = "," if fmt == "csv" else "\t"
        import csv

        writer = csv.writer(sys.stdout, delimiter=sep, lineterminator="\n")
        writer.writerow(["name", "kind", "cq", "params", "summary"])
        for s in specs:
            writer.writerow([s.name, s.kind, s.cq, s.param_list(), s.summary])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(specs)} queries (evkg query NAME --param k=v …)", show_lines=False)
    for col in ("name", "kind", "cq", "params", "summary"):
        table.add_column(col, overflow="fold")
    for s in specs:
        params = ", ".join(f"{p.name}{'' if p.required else '?'}:{p.type}" for p in s.params)
        table.add_row(s.name, s.kind, s.cq, params, s.summary)
    Console().print(table)


def _cell(term: Any, prefixes: Any) -> str:
    from rdflib import URIRef

    if term is None:
        return ""
    if isinstance(term, URIRef):
        return prefixes.curie(str(term)) or str(term)
    return str(term)


def _print(result: Any, fmt: str, prefixes: Any) -> None:
    if fmt != "table":
        sys.stdout.write(result.serialize(fmt))
        return
    if result.boolean is not None:
        typer.echo("true" if result.boolean else "false")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(caption=f"{len(result)} rows")
    for var in result.vars:
        table.add_column(var, overflow="fold")
    for row in result:
        table.add_row(*(_cell(t, prefixes) for t in row))
    Console().print(table)


def query_command(
    name: Annotated[str | None, typer.Argument(help="The query to run (see --list).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the queries with their parameters.")] = False,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A parameter as NAME=VALUE (repeatable).")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of labels (sets the lang parameter).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or tsv.")] = "table",
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
    ] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Data folder; default: the bundled data.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a remote endpoint.")] = 30.0,
) -> None:
    """Answer a competency question, e.g. `evkg query organization_profile -p org=organization:jsrm --lang ja`."""
    try:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")
        from evkg.prefixes import registry
        from evkg.queries import QueryHelpers, discover

        specs = discover(data)
        prefixes = registry(data)
        if list_:
            _list(QueryHelpers(None, specs, prefixes), fmt)
            return
        if name is None:
            raise UsageError(f"name a query to run, or --list; valid: {', '.join(sorted(s.name for s in specs))}")
        spec = QueryHelpers(None, specs, prefixes).spec(name)  # unknown name: fails before loading the graph
        params = _parse_params(param or [])
        if lang is not None:
            if "lang" not in {p.name for p in spec.params}:
                raise UsageError(f"{spec.name} has no lang parameter; valid: {spec.param_list()}")
            if "lang" in params:
                raise UsageError("give the language once: --lang or --param lang=…")
            params["lang"] = lang
        spec.bind(params, prefixes)  # bad parameters fail before loading the graph
        if endpoint:
            from evkg.kg import connect

            kg = connect(endpoint, timeout=timeout, data_dir=data)
        else:
            import evkg

            kg = evkg.load(data_dir=data)
        result = kg.queries[spec.name](**params)
        _print(result, fmt, prefixes)
    except EvkgError as exc:
        raise _fail(exc) from None


def register(parent: typer.Typer) -> None:
    """Add ``query`` to the main ``evkg`` app."""
    parent.command("query")(query_command)


def main() -> None:  # python -m evkg.cli.query
    typer.run(query_command)


if __name__ == "__main__":
    main()
