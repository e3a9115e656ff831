"""``evkg validate``: check the graph (and curator files) against the SHACL shapes and the QC queries.

Exit status: 0 the data conforms (warnings allowed), 1 there are violations, 2 usage or parse error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, ReportLangOpt, StoreOpt, check_report_options, user_errors

FORMATS = ("text", "json", "turtle")


def validate_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILES",
            help="Curator Turtle files to validate together with the graph (each as the named graph of its name).",
        ),
    ] = None,
    lang: ReportLangOpt = "en",
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text, json or turtle.")] = "text",
    reason: Annotated[
        bool, typer.Option("--reason", help="Validate against the OWL 2 RL closure (fast engine) as well.")
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            metavar="ENGINE",
            help="SHACL engine: fast (the shapes compiled to SPARQL on the store) or pyshacl (the reference).",
        ),
    ] = "fast",
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Validate the graph with SHACL and the QC queries; report problems grouped by entity."""
    with user_errors():
        check_report_options(fmt, FORMATS, lang)
        from evkg.quality import pipeline as validation

        report = validation.validate(
            data, files or [], lang=lang, reasoner="fast" if reason else None, engine=engine, store_dir=store
        )
        if fmt == "json":
            out = validation.format_json(report)
        elif fmt == "turtle":
            from evkg.data.prefixes import registry

            out = validation.format_turtle(report, registry(data))
        else:
            out = validation.format_text(report)
    typer.echo(out, nl=False)
    raise typer.Exit(0 if report.conforms else 1)


def register(parent: typer.Typer) -> None:
    parent.command("validate")(validate_command)
