"""``evkg load --endpoint URL``: upload every named graph to a SPARQL server (Graph Store Protocol).

    evkg load --endpoint http://localhost:7878/query                 # Oxigraph server
    evkg load --endpoint http://localhost:3030/evkg/sparql           # Fuseki (graph store: /evkg/data)
    evkg load --endpoint URL --graph-store URL                       # anything else

Each named graph is sent with ``PUT <graph-store>?graph=<IRI>`` as N-Triples (so uploading again
replaces, never duplicates), then the endpoint is asked how many triples each graph holds and the
command fails if any differs from the local store. The helpers then run there with
``evkg query NAME --endpoint URL`` or ``evkg.connect(URL)``.

Register on the main app with ``load.register(app)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evkg.errors import EvkgError


def _fail(exc: EvkgError) -> typer.Exit:
    typer.echo(f"evkg: {exc}", err=True)
    return typer.Exit(getattr(exc, "exit_code", 1))


def load_command(
    endpoint: Annotated[str, typer.Option("--endpoint", help="The SPARQL 1.1 query endpoint of the server.")],
    graph_store: Annotated[
        str | None,
        typer.Option("--graph-store", help="Graph Store Protocol URL; default: guessed from --endpoint."),
    ] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Data folder; default: the bundled data.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each request.")] = 60.0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar (it is drawn on a terminal only).")
    ] = False,
) -> None:
    """Upload the named graphs to a SPARQL server through the SPARQL 1.1 Graph Store Protocol."""
    import evkg
    from evkg.query.engine import count_per_graph
    from evkg.query.engines import EndpointError, RemoteEngine, graph_store_url, upload_graphs

    try:
        kg = evkg.load(data_dir=data)
        target = graph_store or graph_store_url(endpoint)
        local = count_per_graph(kg.engine)
        from evkg.progress import bar

        with bar("evkg load", total=len(local), quiet=quiet) as step:
            sent = upload_graphs(kg.store, target, list(local), timeout=timeout, progress=step)
        remote = RemoteEngine(endpoint, timeout=timeout, union=False)
        try:
            counts = {
                row["g"].value: int(row["n"].value)
                for row in remote.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            }
        finally:
            remote.close()
        wrong = [g for g, n in local.items() if n and counts.get(g, 0) != n]
        if wrong:
            g = wrong[0]
            raise EndpointError(
                f"{endpoint}: after upload <{g}> holds {counts.get(g, 0)} triples, expected {local[g]}"
                f"{f' (and {len(wrong) - 1} more graphs differ)' if len(wrong) > 1 else ''}"
            )
    except EvkgError as exc:
        raise _fail(exc) from None
    from evkg.wording import count

    typer.echo(f"uploaded {count(len(sent), 'named graph')} ({count(sum(sent.values()), 'statement')}) to {target}")


def register(parent: typer.Typer) -> None:
    """Add ``load`` to the main ``evkg`` app."""
    parent.command("load")(load_command)


def main() -> None:  # python -m evkg.cli.load
    typer.run(load_command)


if __name__ == "__main__":
    main()
