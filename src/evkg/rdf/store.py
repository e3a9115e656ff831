"""The on-disk store: a data folder parsed into a pyoxigraph store, in memory or persisted to a folder.

A persisted store is a folder::

    <store_dir>/manifest.json   what it was built from (see evkg.rdf.parse.Manifest)
    <store_dir>/oxigraph/       the pyoxigraph (RocksDB) store
    <store_dir>/literals.nq     the statements whose literal the store rewrote, as written
                                (evkg.rdf.literals; empty for most data)

:func:`open_store` reopens it without parsing when the manifest matches the sources, and rebuilds
it (into a new folder, then renamed into place) when it is stale. The query engine over a store is
:class:`evkg.query.engine.OxigraphEngine`; terms convert to and from rdflib in :mod:`evkg.rdf.terms`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from evkg.atomic import replace_dir
from evkg.data.layout import DataDir, display_path
from evkg.data.prefixes import Prefixes
from evkg.errors import OutputError
from evkg.rdf import literals as written_literals
from evkg.rdf.literals import WrittenLiterals
from evkg.rdf.parse import Manifest, bulk_load_files, source_files

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
OXIGRAPH_DIR = "oxigraph"


# --- building and reopening stores --------------------------------------------------------------------
@dataclass
class OpenedStore:
    """A store ready to query, with what it was built from and whether it was parsed just now, and
    the statements whose literal the store rewrote (:mod:`evkg.rdf.literals`)."""

    store: ox.Store
    manifest: Manifest
    parsed: bool
    path: Path | None = None
    literals: WrittenLiterals = field(default_factory=WrittenLiterals)


def open_oxigraph(store_dir: Path, *, writable: bool = False) -> ox.Store:
    """The pyoxigraph store of the persisted store ``store_dir`` (its ``oxigraph/`` folder), read-only unless
    ``writable``: the one place evkg opens a store on disk.

    Raises:
        OutputError: the store is locked by another process (a writer: ``evkg validate --store`` or a
            rebuild), or RocksDB finds it damaged; one line naming the folder.
    """
    path = Path(store_dir) / OXIGRAPH_DIR
    try:
        return ox.Store(str(path)) if writable else ox.Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:  # a lock held elsewhere: OSError; a damaged store: RuntimeError
        why = " ".join(str(exc).split())
        hint = "" if isinstance(exc, OSError) else "; delete the folder and evkg rebuilds it"
        raise OutputError(f"{display_path(Path(store_dir))}: cannot open the store ({why}){hint}") from None


def build_memory_store(data: DataDir, prefixes: Prefixes) -> OpenedStore:
    """Parse the data folder into a new in-memory store."""
    files = source_files(data, prefixes)
    manifest = Manifest.of(data, files)
    store = ox.Store()
    literals = bulk_load_files(store, files)  # a new store (the union too): on a syntax error it is dropped whole
    return OpenedStore(store, manifest, parsed=True, literals=literals)


def read_literals(store_dir: str | Path) -> WrittenLiterals:
    """The table of rewritten literals of a persisted store folder (empty if it has none)."""
    path = Path(store_dir) / written_literals.FILE
    return WrittenLiterals.read(path) if path.is_file() and path.stat().st_size else WrittenLiterals()


def open_store(store_dir: str | Path, data: DataDir, prefixes: Prefixes, *, rebuild: bool = False) -> OpenedStore:
    """Reopen the persisted store in ``store_dir``, or (re)build it there if missing or stale.

    A rebuild parses into a new folder next to ``store_dir`` and renames it into place, so a
    syntax error leaves the old store as it was.
    """
    root = Path(store_dir)
    files = source_files(data, prefixes)
    current = Manifest.of(data, files)
    manifest_path, ox_path = root / MANIFEST, root / OXIGRAPH_DIR
    literals_path = root / written_literals.FILE
    if not rebuild and manifest_path.is_file() and ox_path.is_dir() and literals_path.is_file():
        try:
            previous = Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, OSError):
            previous = None
        stale = previous.differences(current) if previous else ["unreadable manifest"]
        if not stale:
            try:
                literals = read_literals(root)
            except (OSError, SyntaxError) as exc:
                raise OutputError(f"{display_path(root)}: cannot read {written_literals.FILE} ({exc})") from None
            return OpenedStore(open_oxigraph(root), current, parsed=False, path=root, literals=literals)
        log.info("store %s is stale (%s): rebuilding", root, "; ".join(stale[:5]))
    if root.exists() and not root.is_dir():
        raise OutputError(f"{display_path(root)}: exists and is not a folder")
    if root.is_dir() and any(root.iterdir()) and not manifest_path.is_file():
        raise OutputError(f"{display_path(root)}: folder is not empty and is not an evkg store; choose another")
    with replace_dir(root) as tmp:
        store = ox.Store(str(tmp / OXIGRAPH_DIR))
        literals = bulk_load_files(store, files)  # a new folder: one bulk insertion (not atomic, the folder is)
        store.flush()
        store.optimize()
        del store  # release the RocksDB lock before the folder moves
        literals.save(tmp / written_literals.FILE)
        (tmp / MANIFEST).write_text(current.to_json(), encoding="utf-8")
    return OpenedStore(open_oxigraph(root), current, parsed=True, path=root, literals=literals)


__all__ = [
    "MANIFEST",
    "OXIGRAPH_DIR",
    "OpenedStore",
    "build_memory_store",
    "open_oxigraph",
    "open_store",
    "read_literals",
]
