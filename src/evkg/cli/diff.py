"""``evkg diff OLD NEW``: added, removed and changed statements per entity and per named graph.

    evkg diff dist/0.1.0 .                   # the last release against this checkout
    evkg diff old-data/ new-data/ --summary  # counts only
    evkg diff a.nq b.nq --format json

OLD and NEW are data folders, build or release folders (their evkg.nq), or dataset files (.nq,
.trig, .nt, .ttl). Blank nodes are canonicalised per named graph, so rewriting a file without
changing what it says shows no change. Exit code 0 either way (use --exit-code for 1 on changes).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from evkg.data.prefixes import registry
from evkg.errors import UsageError

FORMATS = ("text", "markdown", "json")


def diff_command(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="Data folder, release folder or dataset file.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="Data folder, release folder or dataset file.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, markdown or json.")] = "text",
    summary: Annotated[bool, typer.Option("--summary", help="Counts per named graph and entity only.")] = False,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit with 1 if there are changes.")] = False,
) -> None:
    """Compare two versions of the graph: changes per entity and per named graph (blank nodes canonicalised)."""
    # lazy: loaded only for evkg diff
    from evkg.publish import changes as diffing

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")
    prefixes = registry()
    result = diffing.diff(old, new, prefixes)
    if fmt == "json":
        text = diffing.render_json(result)
    elif fmt == "markdown":
        text = diffing.render_markdown(result, prefixes, max_lines=3 if summary else 10**9)
    else:
        text = diffing.render_text(result, prefixes, summary=summary)
    sys.stdout.write(text)
    if exit_code and not result.empty:
        raise typer.Exit(1)


def register(parent: typer.Typer) -> None:
    """Add ``evkg diff`` to the ``evkg`` command."""
    parent.command("diff")(diff_command)


__all__ = ["diff_command", "register"]
