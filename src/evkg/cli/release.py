"""``evkg release VERSION``: a versioned release in ``dist/VERSION/`` and its ``CHANGELOG.md`` entry.

    evkg release 0.2.0                       # version set in a copy of the bundled data
    evkg release 0.2.0 --data ~/evkg-work    # version set in that working copy's ontology/evkg.ttl
    evkg release 0.2.0 --previous dist/0.1.0 --date 2026-12-01

See :mod:`evkg.publish.releases` for what the release holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evkg.cli.common import DataOpt
from evkg.data.layout import display_path


def release_command(
    version: Annotated[str, typer.Argument(metavar="VERSION", help="The new version, MAJOR.MINOR.PATCH.")],
    data: DataOpt = None,
    dist: Annotated[Path, typer.Option("--dist", metavar="DIR", help="Where releases go.")] = Path("dist"),
    changelog: Annotated[Path, typer.Option("--changelog", metavar="FILE", help="The changelog to update.")] = Path(
        "CHANGELOG.md"
    ),
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous", metavar="PATH", help="Compare with this release or data; default: latest in --dist."
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="Release date; default: today.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing dist/VERSION.")] = False,
    no_docs: Annotated[bool, typer.Option("--no-docs", help="Leave the documentation site out.")] = False,
) -> None:
    """Release the graph: set its version, build every artefact with checksums and VoID/DCAT, update CHANGELOG.md."""
    # lazy: the builder and the docs site load only for evkg release
    from evkg.publish.releases import release

    result = release(
        version,
        data=data,
        dist=dist,
        changelog=changelog,
        previous=previous,
        issued=date,
        force=force,
        docs=not no_docs,
    )
    for warning in result.docs_warnings:
        typer.echo(f"evkg release: docs warning: {warning}", err=True)
    where = display_path(result.out)
    typer.echo(f"evkg release {result.version} ({result.version_iri}), issued {result.issued}: {where}/")
    top = [f for f in result.files if "/" not in f.name]
    for f in top:
        typer.echo(f"  {where}/{f.name:<18} {f.size:>10,} bytes  sha256 {f.sha256[:16]}…")
    if len(result.files) > len(top):
        typer.echo(f"  {where}/docs/  ({len(result.files) - len(top)} files)")
    if result.previous:
        c = result.changes
        counts = f"+{c.get('added', 0)} -{c.get('removed', 0)} ~{c.get('changed', 0)}"
        typer.echo(f"changes since {result.previous}: {counts} statements")
    else:
        typer.echo("first release (no earlier release to compare with)")
    typer.echo(f"changelog: {display_path(result.changelog) if result.changelog else '-'}")


def register(parent: typer.Typer) -> None:
    """Add ``evkg release`` to the ``evkg`` command."""
    parent.command("release")(release_command)


__all__ = ["register", "release_command"]
