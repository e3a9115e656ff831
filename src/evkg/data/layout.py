"""Where evkg's data lives: the bundled copy, or a curator's working copy (``--data DIR``).

A *data folder* has the repository's top-level layout::

    ontology/   prefixes.ttl (prefix registry), evkg.ttl (OWL), vocab/*.ttl (SKOS), shapes/*.ttl (SHACL)
    graph/      curated Turtle, one file per source document (files named ``_*`` are ignored)
    queries/    SPARQL, one query per ``.rq`` file

The default data folder is the copy shipped inside the installed wheel (``evkg/_data/``), or the
repository root when evkg runs from a source or editable checkout. This module only finds files;
it reads none of them (``evkg.rdf.parse`` and ``evkg.data.prefixes`` do).

>>> data = resolve()
>>> data.prefixes_file.name
'prefixes.ttl'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from evkg.errors import DataDirError

#: Sub-folders of a data folder; ``ontology/`` and ``graph/`` are required.
REQUIRED = ("ontology", "graph")
LAYOUT = ("ontology", "graph", "queries")

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # evkg/ (this module is evkg/data/layout.py)


def default_data_dir() -> Path:
    """The data shipped with evkg: ``evkg/_data`` in a wheel, else the source checkout's root."""
    bundled = PACKAGE_DIR / "_data"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = PACKAGE_DIR.parents[1]  # src/evkg -> repository root
    if (checkout / "ontology").is_dir():
        return checkout
    raise DataDirError(f"no bundled data found next to {PACKAGE_DIR} (reinstall evkg, or pass --data DIR)")


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, for one-line messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _visible(path: Path, root: Path) -> bool:
    """Ignore files and folders whose name starts with ``_`` or ``.`` (drafts, editor files)."""
    return not any(part.startswith(("_", ".")) for part in path.relative_to(root).parts)


@dataclass(frozen=True)
class DataDir:
    """A data folder with the repository's layout. Paths are absolute."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def prefixes_file(self) -> Path:
        """The prefix registry, ``ontology/prefixes.ttl``."""
        return self.ontology_dir / "prefixes.ttl"

    @property
    def ontology_file(self) -> Path:
        """The OWL ontology, ``ontology/evkg.ttl`` (it may not exist yet in a new data folder)."""
        return self.ontology_dir / "evkg.ttl"

    @property
    def context_file(self) -> Path:
        """The JSON-LD context generated from the registry, ``ontology/context.jsonld``."""
        return self.ontology_dir / "context.jsonld"

    def vocab_files(self) -> list[Path]:
        """SKOS vocabularies, ``ontology/vocab/*.ttl``, sorted."""
        return self._glob(self.ontology_dir / "vocab", "*.ttl")

    def shapes_files(self) -> list[Path]:
        """SHACL shapes: ``ontology/shapes/**/*.ttl`` and ``ontology/shapes.ttl``; not data."""
        single = [self.ontology_dir / "shapes.ttl"] if (self.ontology_dir / "shapes.ttl").is_file() else []
        return single + self._glob(self.ontology_dir / "shapes", "**/*.ttl")

    def graph_files(self) -> list[Path]:
        """Curated source graphs, ``graph/**/*.ttl``, sorted; names starting with ``_`` are ignored."""
        return self._glob(self.graph_dir, "**/*.ttl")

    def query_files(self) -> list[Path]:
        """SPARQL queries, ``queries/**/*.rq``, sorted."""
        return self._glob(self.queries_dir, "**/*.rq")

    def relative(self, path: Path) -> str:
        """``path`` relative to the data folder, POSIX style (``graph/external/crossref/x.ttl``)."""
        return path.relative_to(self.root).as_posix()

    def _glob(self, folder: Path, pattern: str) -> list[Path]:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob(pattern) if p.is_file() and _visible(p, folder))


def resolve(data_dir: str | os.PathLike[str] | None = None) -> DataDir:
    """The data folder to use: ``data_dir`` if given (checked), else the bundled data.

    Raises:
        DataDirError: ``data_dir`` is missing or lacks ``ontology/`` or ``graph/``.
    """
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    if not root.is_dir():
        raise DataDirError(f"{root}: data folder not found (expected a folder with ontology/, graph/, queries/)")
    missing = [name for name in REQUIRED if not (root / name).is_dir()]
    if missing:
        raise DataDirError(
            f"{root}: not an evkg data folder, missing {', '.join(m + '/' for m in missing)} "
            "(expected ontology/, graph/, queries/)"
        )
    return DataDir(root.resolve())


__all__ = ["DataDir", "LAYOUT", "PACKAGE_DIR", "default_data_dir", "display_path", "resolve"]
