"""``evkg validate``: check the graph (and curator files) against the SHACL shapes and the QC queries;
or any RDF files against any SHACL shapes files (``evkg validate DATA.ttl --shapes SHAPES.ttl``).

Exit status: 0 no violations (warnings and infos allowed), 1 there are violations, 2 usage or parse
error, or shapes evkg will not run (malformed, or SPARQL that would reach the network). The Turtle
report is a standard ``sh:ValidationReport`` whose ``sh:conforms`` is SHACL's (false on any result).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, ReportLangOpt, StoreOpt, check_report_options
from evkg.data.prefixes import registry

FORMATS = ("text", "json", "turtle")


def validate_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILES",
            help="Turtle files: curator files validated together with the graph (each as the named graph of its "
            "name); with --shapes and no --data, the data to validate (any RDF in Turtle).",
        ),
    ] = None,
    shapes: Annotated[
        list[Path] | None,
        typer.Option(
            "--shapes",
            metavar="FILE",
            help="SHACL shapes (Turtle) to validate against instead of the data folder's; repeat for more files.",
        ),
    ] = None,
    inference: Annotated[
        str | None,
        typer.Option(
            "--inference",
            metavar="none|rdfs",
            help="RDFS entailment before validating (default: rdfs for the data folder's shapes, none for --shapes).",
        ),
    ] = None,
    qc: Annotated[
        bool, typer.Option("--qc/--no-qc", help="Also run the data folder's QC queries (not for files without --data).")
    ] = True,
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
            help="SHACL engine: fast (the shapes compiled to SPARQL on the store; what it does not compile goes to "
            "pySHACL shape by shape) or pyshacl (the reference).",
        ),
    ] = "fast",
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Validate with SHACL (and the QC queries); report problems grouped by entity, or as a SHACL report."""
    check_report_options(fmt, FORMATS, lang)
    # lazy: the checks (pySHACL, owlrl) load only for the commands that run them
    from evkg.quality import pipeline as validation

    report = validation.validate(
        data,
        files or [],
        shapes=shapes or None,
        inference=inference,
        lang=lang,
        reasoner="fast" if reason else None,
        qc=qc,
        engine=engine,
        store_dir=store,
    )
    if fmt == "json":
        out = validation.format_json(report)
    elif fmt == "turtle":
        out = validation.format_turtle(report, registry(data))
    else:
        out = validation.format_text(report)
    typer.echo(out, nl=False)
    raise typer.Exit(0 if report.conforms else 1)


def register(parent: typer.Typer) -> None:
    """Add ``evkg validate`` to the ``evkg`` command."""
    parent.command("validate")(validate_command)


__all__ = ["register", "validate_command"]
