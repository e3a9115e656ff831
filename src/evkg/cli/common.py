"""Options and helpers shared by the ``evkg`` commands.

A command raises :class:`~evkg.errors.EvkgError` (or lets one through); :func:`evkg.cli.main` is the one
place that turns it into ``evkg: <one line>`` on stderr and its exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from evkg.errors import UsageError
from evkg.query.knowledge_graph import load

if TYPE_CHECKING:
    from evkg.query.knowledge_graph import KnowledgeGraph

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="DIR",
        help="Data folder with the repository's layout (ontology/, graph/, queries/); default: the bundled data.",
    ),
]
ReportLangOpt = Annotated[
    str, typer.Option("--lang", metavar="LANG", help="Language of messages and labels: en or ja.")
]
WideOpt = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Print tables as plain lines, however wide (the default when the output is not a terminal).",
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        metavar="DIR",
        help="Keep the parsed store in DIR and reuse it while the sources are unchanged; default: in memory.",
    ),
]


def check_report_options(fmt: str, formats: tuple[str, ...], lang: str) -> None:
    """Refuse an unknown report format or language (a validation report: ``evkg validate``, ``evkg check``)."""
    if fmt not in formats:
        raise UsageError(f"unknown report format {fmt!r} (choose {', '.join(formats)})")
    if lang not in ("en", "ja"):
        raise UsageError(f"unknown language {lang!r} (choose en or ja)")


def check_range(option: str, value: float, low: float, high: float | None = None) -> None:
    """Refuse ``--option VALUE`` outside [low, high] with one line that says the range."""
    if value < low or (high is not None and value > high):
        allowed = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
        raise UsageError(f"{option} {value:g}: choose a value {allowed}")


def load_graph(data: Path | None, store: Path | None = None) -> KnowledgeGraph:
    """Load the data folder (default: bundled), persisting the store in ``store`` if given."""
    return load(data_dir=data, store_dir=store)


__all__ = ["DataOpt", "ReportLangOpt", "StoreOpt", "WideOpt", "check_range", "check_report_options", "load_graph"]
