"""``evkg check``: build (or reopen) the store, then reason, validate and run the QC queries at once.

Exit status: 0 the data conforms and is consistent (warnings allowed), 1 violations or OWL RL
inconsistencies, 2 usage or parse error. The report goes to standard output (``--format``); one
summary line with the time of each step goes to standard error unless ``--quiet``.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, ReportLangOpt, StoreOpt, check_report_options, load_graph
from evkg.wording import count

FORMATS = ("text", "json")


def check_command(
    lang: ReportLangOpt = "en",
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")] = "text",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line on standard error.")] = False,
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Build the store and check it: OWL 2 RL reasoning, SHACL and QC side by side."""
    check_report_options(fmt, FORMATS, lang)
    # lazy: the checks (pySHACL, owlrl) load only for the commands that run them
    from evkg.quality import pipeline as validation

    started = time.perf_counter()
    kg = load_graph(data, store)
    loaded = time.perf_counter() - started
    result = validation.check(kg, lang=lang)
    out = validation.format_json(result.report) if fmt == "json" else validation.format_text(result.report)
    typer.echo(out, nl=False)
    if not quiet:
        s = result.seconds
        typer.echo(
            f"evkg check: {count(result.report.triples, 'triple')}; load {loaded:.1f} s, then side by side: "
            f"reason {s['reason']:.1f} s ({count(result.closure.count(), 'triple')} "
            f"inferred, {count(len(result.closure.inconsistencies), 'inconsistency', 'inconsistencies')}), "
            f"SHACL {s['shacl']:.1f} s, "
            f"QC {s['qc']:.1f} s; {loaded + s['total']:.1f} s in all",
            err=True,
        )
    raise typer.Exit(0 if result.report.conforms else 1)


def register(parent: typer.Typer) -> None:
    """Add ``evkg check`` to the ``evkg`` command."""
    parent.command("check")(check_command)


__all__ = ["check_command", "register"]
