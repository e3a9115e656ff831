"""``evkg load --endpoint URL``: publish every named graph on a SPARQL server, then check it there.

    evkg load --endpoint http://localhost:7878/query                 # Oxigraph server
    evkg load --endpoint http://localhost:3030/evkg/sparql           # Fuseki (graph store: /evkg/data)
    EVKG_PASSWORD=… evkg load --endpoint http://localhost:8890/sparql --user dba   # Virtuoso (GSP, digest)
    evkg load --endpoint http://localhost:8890/sparql --user dba --password-prompt --bulk-dir /data/load
    evkg load --endpoint URL --graph-store URL                       # anything else

Each named graph is sent with ``PUT <graph-store>?graph=<IRI>`` as N-Triples (so uploading again
replaces, never duplicates), or, with ``--bulk-dir``, written as N-Quads into a folder Virtuoso's
bulk loader reads (``DirsAllowed``). Graphs of evkg's namespace that the data no longer has are
deleted. On Virtuoso the union of the named graphs is stored as the dataset's default graph (see
:mod:`evkg.query.flavours`). Then the server is asked how many triples each graph and the union hold and
which typed literals it holds; the command fails if anything differs from the local store. The
helpers then run there with ``evkg query NAME --endpoint URL`` or ``evkg.connect(URL)``.

The password is read from an environment variable (``--password-env``, default ``EVKG_PASSWORD``)
or asked for (``--password-prompt``, not echoed); it is never printed.

Register on the main app with ``load.register(app)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import evkg
from evkg.cli.common import DataOpt
from evkg.errors import UsageError
from evkg.progress import bar
from evkg.wording import count

PASSWORD_ENV = "EVKG_PASSWORD"


def load_command(
    endpoint: Annotated[
        str, typer.Option("--endpoint", metavar="URL", help="The SPARQL 1.1 query endpoint of the server.")
    ],
    graph_store: Annotated[
        str | None,
        typer.Option(
            "--graph-store", metavar="URL", help="Graph Store Protocol URL; default: guessed from --endpoint."
        ),
    ] = None,
    update: Annotated[
        str | None,
        typer.Option(
            "--update",
            metavar="URL",
            help="SPARQL Update URL; default: guessed from --endpoint (Virtuoso: /sparql-auth).",
        ),
    ] = None,
    flavour: Annotated[
        str,
        typer.Option(
            "--flavour",
            metavar="NAME",
            help="The server's dialect: auto (asked of the server), sparql11, oxigraph or virtuoso.",
        ),
    ] = "auto",
    user: Annotated[
        str | None, typer.Option("--user", metavar="NAME", help="User allowed to write (Virtuoso: e.g. dba).")
    ] = None,
    password_env: Annotated[
        str, typer.Option("--password-env", metavar="VAR", help="Environment variable holding the password.")
    ] = PASSWORD_ENV,
    password_prompt: Annotated[
        bool, typer.Option("--password-prompt", help="Ask for the password (not echoed) instead.")
    ] = False,
    auth: Annotated[
        str, typer.Option("--auth", metavar="SCHEME", help="HTTP authentication: digest (Virtuoso) or basic.")
    ] = "digest",
    bulk_dir: Annotated[
        Path | None,
        typer.Option(
            "--bulk-dir",
            metavar="DIR",
            help="Virtuoso bulk load: write N-Quads into DIR (in the server's DirsAllowed) for its loader to read.",
        ),
    ] = None,
    server_dir: Annotated[
        str | None,
        typer.Option("--server-dir", metavar="PATH", help="--bulk-dir as the server sees it (default: the same)."),
    ] = None,
    allow_rewritten: Annotated[
        bool,
        typer.Option(
            "--allow-rewritten-literals",
            help="Publish even if the server keeps some typed literals otherwise than written (by value).",
        ),
    ] = False,
    data: DataOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for each request.")
    ] = 60.0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar (it is drawn on a terminal only).")
    ] = False,
) -> None:
    """Publish the named graphs on a SPARQL server (Graph Store Protocol, or Virtuoso's bulk loader)."""
    # lazy: httpx loads only for the commands that reach a server
    from evkg.publish.servers import Credentials, check_access, password_from_env, publish

    credentials = None
    if user is not None:
        if password_prompt:
            password = typer.prompt(f"password of {user}", hide_input=True)
        else:
            password = password_from_env(password_env)
        credentials = Credentials(user, password, auth)
    elif password_prompt:
        raise UsageError("--password-prompt needs --user")
    if server_dir is not None and bulk_dir is None:
        raise UsageError("--server-dir goes with --bulk-dir")
    # the server first (a wrong password fails in a second, not after parsing the data)
    server = check_access(
        endpoint, flavour=flavour, graph_store=graph_store, credentials=credentials, timeout=timeout
    )
    kg = evkg.load(data_dir=data)

    with bar("evkg load", total=len(kg.named_graphs()), quiet=quiet) as step:
        done = publish(
            kg,
            endpoint,
            flavour=server,
            graph_store=graph_store,
            update=update,
            credentials=credentials,
            bulk_dir=bulk_dir,
            server_dir=server_dir,
            timeout=timeout,
            progress=step,
            rewritten_literals_ok=allow_rewritten,
        )

    how, where = ("bulk-loaded", "from") if done.method == "bulk" else ("uploaded", "to")
    typer.echo(
        f"{how} {count(len(done.graphs), 'named graph')} ({count(done.statements, 'statement')}) {where} {done.target}"
    )
    removed = f"; removed {count(len(done.removed), 'graph')} the data no longer has" if done.removed else ""
    if done.rewritten:
        removed += f"; the server holds {count(done.rewritten, 'typed literal')} otherwise than written"
    typer.echo(
        f"checked on {done.endpoint} ({done.flavour}): each graph's statements, the default graph's "
        f"{count(done.union, 'triple')} and {count(done.literals, 'typed literal')}{removed}",
        err=True,
    )


def register(parent: typer.Typer) -> None:
    """Add ``load`` to the main ``evkg`` app."""
    parent.command("load")(load_command)


__all__ = ["load_command", "register"]
