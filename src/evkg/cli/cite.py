"""``evkg cite ID``: a publication of the graph as a formatted reference, BibTeX, RIS or CSL-JSON.

Register on the main app with ``cite.register(app)``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from evkg.errors import EvkgError


def cite_command(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Our IRI, its slug (misev2023) or a DOI/PMID.")],
    style: Annotated[str, typer.Option("--style", help="vancouver (short form), nlm or apa.")] = "vancouver",
    fmt: Annotated[str, typer.Option("--format", help="text, bibtex, ris or csl-json.")] = "text",
    data: Annotated[Path | None, typer.Option("--data", help="Data folder; default: the bundled data.")] = None,
) -> None:
    """Cite a publication, e.g. `evkg cite misev2023 --style vancouver`."""
    from evkg import prefixes, sources
    from evkg.link import cite
    from evkg.link.rdfmap import Lookup

    try:
        folder = sources.resolve(data)
        registry = prefixes.read(folder.prefixes_file)
        lookup = Lookup.load(folder, registry)
        sys.stdout.write(cite.cite(lookup, registry, ident, style=style, fmt=fmt))
    except EvkgError as exc:
        typer.echo(f"evkg: {exc}", err=True)
        raise typer.Exit(getattr(exc, "exit_code", 1)) from None


def register(parent: typer.Typer) -> None:
    """Add ``cite`` to the main ``evkg`` app."""
    parent.command("cite")(cite_command)


def main() -> None:  # python -m evkg.cli.cite
    typer.run(cite_command)


if __name__ == "__main__":
    main()
