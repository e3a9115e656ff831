"""The ``evkg`` command line (typer).

Adding a command
----------------
One module per command or command group in this package, with a ``register`` function::

    # src/evkg/cli/mycommand.py
    def mycommand_command(data: DataOpt = None) -> None:
        \"\"\"One line that ``evkg --help`` shows.\"\"\"
        kg = load_graph(data)         # an EvkgError raised here: "evkg: <message>" on stderr, its exit code
        ...

    def register(parent: typer.Typer) -> None:
        parent.command("mycommand")(mycommand_command)   # or parent.add_typer(group, name=...)

then add ONE import line below (the modules are registered in the order imported). What ``import evkg``
loads anyway (rdflib, pyoxigraph, the query layer, :mod:`evkg.data`, :mod:`evkg.rdf`) is imported at the top;
what only some commands need (the quality checks with pySHACL and owlrl, link with httpx, the docs
builder, the server, publishing) is imported inside the command function, so ``evkg --help`` and the
other commands never load it.
Shared options and helpers (``DataOpt``, ``StoreOpt``, ``load_graph``) are in :mod:`evkg.cli.common`.

Errors
------
:func:`main` is the console-script entry point and the ONE error path of the command line (the
command modules have no entry points of their own). A command raises an
:class:`~evkg.errors.EvkgError` (the library modules translate pyoxigraph's, rdflib's, pySHACL's and httpx's
exceptions into one where they call them); :func:`main` prints it as ONE line on stderr, ``evkg:
<message>``, with no traceback, and returns its exit code (2 for usage and parse errors, 1 for others). A
usage error of click (unknown option, bad value) is one line with exit code 2; an interrupt is 130. An
exception that no boundary translated is a bug of evkg's: still one line (``evkg: internal error: …``),
exit code 70, and its traceback only with ``EVKG_DEBUG=1``.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import warnings
from typing import Any, TypeAlias

import click
import typer

from evkg.data.layout import resolve
from evkg.errors import EvkgError
from evkg.query.knowledge_graph import version_of
from evkg.version import __version__

app = typer.Typer(
    name="evkg",
    help="evkg: the extracellular-vesicle and secretome knowledge graph. Query and export it locally.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if not value:
        return

    data = resolve()
    try:
        graph = version_of() or "unknown"
    except EvkgError as exc:
        graph = f"unreadable ({exc})"
    typer.echo(f"evkg {__version__}, graph {graph} (owl:versionInfo of the ontology; data: {data.root})")
    raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print evkg's and the graph's version."
    ),
) -> None:
    """evkg: the extracellular-vesicle and secretome knowledge graph. Query and export it locally."""


# --- command modules: one import line each (see the module docstring) --------------------------------
# isort: off
from evkg.cli import build  # noqa: E402, F401
from evkg.cli import export  # noqa: E402, F401
from evkg.cli import stats  # noqa: E402, F401
from evkg.cli import sparql  # noqa: E402, F401
from evkg.cli import cite  # noqa: E402, F401
from evkg.cli import link  # noqa: E402, F401
from evkg.cli import query  # noqa: E402, F401
from evkg.cli import load  # noqa: E402, F401
from evkg.cli import validate  # noqa: E402, F401
from evkg.cli import sources  # noqa: E402, F401
from evkg.cli import reason  # noqa: E402, F401
from evkg.cli import check  # noqa: E402, F401
from evkg.cli import docs  # noqa: E402, F401
from evkg.cli import diff  # noqa: E402, F401
from evkg.cli import release  # noqa: E402, F401
from evkg.cli import serve  # noqa: E402, F401
# isort: on


def _register_all() -> None:
    """Call ``register(app)`` on every command module imported above, in import order."""
    for name, module in list(sys.modules.items()):
        if name.startswith(f"{__name__}.") and name.count(".") == 2 and hasattr(module, "register"):
            module.register(app)


_register_all()


def _exception_types() -> tuple[tuple[type[BaseException], ...], ...]:
    """(exit, usage error, abort) classes of click and of the click that typer >= 0.22 vendors."""
    exits: list[type[BaseException]] = [typer.Exit, click.exceptions.Exit]
    usage: list[type[BaseException]] = [click.ClickException]
    aborts: list[type[BaseException]] = [typer.Abort, click.exceptions.Abort]
    try:
        from typer._click import exceptions as vendored  # typer >= 0.22 ships its own click
    except ImportError:
        pass
    else:
        usage.append(vendored.ClickException)
    return tuple(exits), tuple(usage), tuple(aborts)


_EXITS, _USAGE, _ABORTS = _exception_types()

#: The exit code of an exception no boundary translated (EX_SOFTWARE of sysexits.h: a bug of evkg's).
INTERNAL_ERROR = 70


#: A click command: click's own, or the copy of click that typer >= 0.22 vendors (``typer._click``), whose
#: classes are other types to mypy; evkg supports both (``typer>=0.12``).
ClickCommand: TypeAlias = Any


def readable_help(command: ClickCommand, parent: Any = None) -> ClickCommand:
    """Make ``--help`` show metavars (``FORMAT``, ``DIR``, ``FILES``), never Python type names.

    typer prints each parameter's Python type (``<str>``, ``<list[str]>``, ``<bool>``, ``<int range>``)
    next to its metavar. Here every parameter of ``command`` and its subcommands (the ``--help`` option
    included) shows its metavar only: the one the option declares, else its name in capitals; a flag
    shows nothing. Ranges are written in the help text and checked by the command, not shown as
    ``[0<=x<=65535]``. tests/test_cli_help.py walks every command's help to keep it so.
    """
    # the context a real run gives the command (a subcommand inherits -h from evkg's context settings)
    ctx = command.context_class(command, info_name=command.name, parent=parent, **(command.context_settings or {}))
    params = list(command.params)
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        params.append(help_option)
    for param in params:
        is_flag = bool(getattr(param, "is_flag", False)) or bool(getattr(param, "count", False))
        metavar = "" if is_flag else (param.metavar or (param.name or "value").upper())
        if not is_flag:
            param.metavar = metavar
        # typer >= 0.22 prints a type column: the metavar for an option, nothing for a flag or an
        # argument (whose metavar is already its name there)
        shown = None if is_flag or param.param_type_name == "argument" else metavar
        if hasattr(param, "display_type_rich"):
            param.display_type_rich = lambda ctx, shown=shown: shown
    for sub in getattr(command, "commands", {}).values():
        readable_help(sub, ctx)
    return command


def command() -> ClickCommand:
    """The ``evkg`` click command (typer's), with readable help: what :func:`main` runs."""
    return readable_help(typer.main.get_command(app))


@functools.lru_cache(maxsize=1)
def _main_command() -> ClickCommand:
    """:func:`command`, built once per process (typer builds it from every command's signature, 0.1 s a
    call, which in-process callers such as the W3C suites' tests paid per case)."""
    return command()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the app, report errors as one line, return the exit code."""
    # rdflib logs a traceback for every ill-typed literal it meets ("none"^^xsd:boolean), and warns about
    # it too: such data is evkg's to report (sh:datatype), not a crash or a Python warning to print
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", category=UserWarning, module="rdflib")
    try:
        result = _main_command().main(args=argv, prog_name="evkg", standalone_mode=False)
    except _EXITS as exc:  # typer.Exit raised outside a command
        return int(getattr(exc, "exit_code", 0) or 0)
    except _USAGE as exc:  # usage errors: unknown option, missing argument, bad value
        if type(exc).__name__ == "NoArgsIsHelpError":  # `evkg` alone: the help, as click prints it
            message = exc.format_message()  # type: ignore[attr-defined]
            if message.strip():
                typer.echo(message, err=True)
            return 2
        typer.echo(f"evkg: {' '.join(exc.format_message().split())}", err=True)  # type: ignore[attr-defined]
        return int(getattr(exc, "exit_code", 2))
    except _ABORTS:
        typer.echo("evkg: aborted", err=True)
        return 130
    except EvkgError as exc:
        typer.echo(f"evkg: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:  # `evkg export | head`: the reader left; not an error
        _silence_stdout()
        return 0
    except Exception as exc:  # an exception no boundary translated: a bug, but never a traceback for a user
        if os.environ.get("EVKG_DEBUG"):
            raise
        what = " ".join(str(exc).split())[:300]
        typer.echo(
            f"evkg: internal error: {type(exc).__name__}{': ' + what if what else ''} "
            "(a bug in evkg: please report it; EVKG_DEBUG=1 shows where it happened)",
            err=True,
        )
        return INTERNAL_ERROR
    return result if isinstance(result, int) else 0


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


__all__ = ["INTERNAL_ERROR", "app", "command", "main"]
