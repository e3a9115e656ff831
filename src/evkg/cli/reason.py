"""``evkg reason``: compute the OWL 2 RL closure of the graph into its own named graph.

The closure (new triples only, filtered: see :func:`evkg.quality.pipeline.reason`) is written to ``-o FILE`` (Turtle,
N-Triples or TriG by suffix or ``--format``) or to standard output; a summary goes to standard
error. Exit status: 0 consistent, 1 OWL RL inconsistencies found, 2 usage or parse error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from evkg.atomic import write_bytes
from evkg.cli.common import DataOpt, StoreOpt
from evkg.data.prefixes import registry
from evkg.wording import count


def reason_command(
    engine: Annotated[
        str, typer.Option("--engine", metavar="ENGINE", help="fast (rules as SPARQL on pyoxigraph) or owlrl.")
    ] = "fast",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the closure here (default: stdout).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", metavar="FORMAT", help="turtle, ntriples or trig.")
    ] = None,
    axiomatic: Annotated[
        bool,
        typer.Option(
            "--axiomatic",
            help="Also write the axiomatic triples the closure leaves out (x owl:sameAs x, c rdfs:subClassOf c, "
            "datatype and annotation-property typing, ...): the whole OWL 2 RL closure, e.g. to check a test suite.",
        ),
    ] = False,
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Compute the OWL 2 RL closure (never written back into graph/) and report inconsistencies."""
    # lazy: the checks (pySHACL, owlrl) load only for the commands that run them
    from evkg.quality import pipeline

    chosen = pipeline.closure_format(output, fmt)
    result = pipeline.reason(data, engine=engine, store_dir=store, axiomatic=axiomatic)
    body = pipeline.serialize_closure(result, chosen, registry(data))
    if output is not None:
        write_bytes(output, body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()

    dropped = ", ".join(f"{k} {v}" for k, v in result.dropped.items() if v)
    typer.echo(
        f"evkg reason ({result.engine}): {count(result.count(), 'triple')} inferred in {result.seconds:.2f} s"
        + (f"; dropped {dropped}" if dropped else ""),
        err=True,
    )
    for inc in result.inconsistencies:
        typer.echo(f"inconsistent [{inc.rule}]: {inc.message}", err=True)
    raise typer.Exit(0 if result.consistent else 1)


def register(parent: typer.Typer) -> None:
    """Add ``evkg reason`` to the ``evkg`` command."""
    parent.command("reason")(reason_command)


__all__ = ["reason_command", "register"]
