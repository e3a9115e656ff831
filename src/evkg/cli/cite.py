"""``evkg cite ID``: a publication of the graph as a formatted reference, BibTeX, RIS or CSL-JSON.

Register on the main app with ``cite.register(app)``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, StoreOpt, load_graph
from evkg.link.rdfmap import Lookup


def cite_command(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Our IRI, its slug (misev2023) or a DOI/PMID.")],
    style: Annotated[
        str, typer.Option("--style", metavar="STYLE", help="vancouver (short form), nlm or apa.")
    ] = "vancouver",
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text, bibtex, ris or csl-json.")
    ] = "text",
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Cite a publication, e.g. `evkg cite misev2023 --style vancouver`."""
    # lazy: the citation machinery loads only for evkg cite
    from evkg.link import citation

    citation.check_options(style, fmt)  # an unknown style or format fails before anything is loaded
    kg = load_graph(data, store)
    sys.stdout.write(citation.cite(Lookup.of_graph(kg), kg.prefixes, ident, style=style, fmt=fmt))


def register(parent: typer.Typer) -> None:
    """Add ``cite`` to the main ``evkg`` app."""
    parent.command("cite")(cite_command)


__all__ = ["cite_command", "register"]
