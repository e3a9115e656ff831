"""The query engine: an embedded pyoxigraph store, in memory or persisted to a folder.

:class:`Engine` is what the rest of evkg needs from a query engine: run a SPARQL query with
parameters bound as RDF terms, and list every quad. :class:`OxigraphEngine` is the embedded one.
Another engine (a remote SPARQL 1.1 endpoint, or rdflib) fits behind the same protocol: results
are pyoxigraph's result objects, which :func:`pyoxigraph.parse_query_results` also produces from a
remote endpoint's SPARQL JSON/XML answer.

A persisted store is a folder::

    <store_dir>/manifest.json   what it was built from (see evkg.Manifest)
    <store_dir>/oxigraph/       the pyoxigraph (RocksDB) store

:func:`open_store` reopens it without parsing when the manifest matches the sources, and rebuilds
it (into a new folder, then renamed into place) when it is stale.

Queries never leave the machine: ``SERVICE`` is refused before evaluation (pyoxigraph would send
an HTTP request), and the store is only read through ``query`` (no ``LOAD``, no update).
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeAlias, runtime_checkable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from evkg.atomic import replace_dir
from evkg.errors import EvkgError, OutputError, QuerySyntaxError, UsageError, explain_sparql
from evkg.load import Manifest, bulk_load_files, load_files, source_files
from evkg.prefixes import Prefixes
from evkg.sources import DataDir, display_path

log = logging.getLogger(__name__)

OxTerm: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
QueryResult: TypeAlias = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Binding: TypeAlias = OxTerm | Identifier

MANIFEST = "manifest.json"
OXIGRAPH_DIR = "oxigraph"


# --- the engine protocol --------------------------------------------------------------------------
@runtime_checkable
class Engine(Protocol):
    """A SPARQL engine over evkg's dataset of named graphs (default graph = union of all graphs)."""

    name: str

    def query(self, query: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryResult:
        """Evaluate a SPARQL 1.1 query with ``bindings`` substituted as RDF terms (SEP-0007)."""
        ...

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the dataset."""
        ...

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        ...


class OxigraphEngine:
    """The embedded engine: a :class:`pyoxigraph.Store` queried with the union as default graph."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, prefixes: Prefixes | None = None) -> None:
        self.store = store
        self.prefixes = prefixes
        self._prefix_map = prefixes.as_dict() if prefixes else None  # built once, not per query
        # query texts already checked for SERVICE → whether they need the registry's prefixes (a text
        # that declares its own parses without them, and handing pyoxigraph the map costs ~40 µs a call)
        self._checked: dict[str, bool] = {}
        self._variables: dict[str, ox.Variable] = {}

    def query(self, query: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryResult:
        needs_prefixes = self._checked.get(query)
        if needs_prefixes is None:
            check_query(query)
            needs_prefixes = False  # first try the text alone
        substitutions = {self._variable(k): v for k, v in bindings.items()} if bindings else None
        started = time.perf_counter()
        try:
            try:
                result = self.store.query(
                    query,
                    use_default_graph_as_union=True,
                    substitutions=substitutions,
                    prefixes=self._prefix_map if needs_prefixes else None,
                )
            except SyntaxError:
                if needs_prefixes or self._prefix_map is None:
                    raise
                needs_prefixes = True  # a prefix of the registry that the text does not declare
                result = self.store.query(
                    query, use_default_graph_as_union=True, substitutions=substitutions, prefixes=self._prefix_map
                )
        except SyntaxError as exc:
            raise query_syntax_error(exc, query, self._prefix_map or ()) from None
        except RuntimeError as exc:
            missing = _UNPROJECTED.search(str(exc))
            if missing:  # pyoxigraph binds (SEP-0007) only variables that a SELECT projects
                name = missing.group(1)
                raise UsageError(
                    f"cannot bind ?{name}: it is not in the SELECT clause (add ?{name} to it, or use SELECT *)"
                ) from None
            raise EvkgError(f"SPARQL query failed: {exc}") from None
        if query not in self._checked and len(self._checked) < 4096:
            self._checked[query] = needs_prefixes
        if log.isEnabledFor(logging.DEBUG):
            log.debug("query %.1f ms bindings=%s", (time.perf_counter() - started) * 1000, dict(bindings or {}))
        return result

    def _variable(self, name: str) -> ox.Variable:
        variable = self._variables.get(name)
        if variable is None:
            variable = self._variables[name] = ox.Variable(name)
        return variable

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self.store)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))


_UNPROJECTED = re.compile(r"does not contains? variable \?(\w+) in its SELECT projection")
_QUERY_LOCATION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def query_syntax_error(exc: SyntaxError, query: str = "", prefixes: Iterable[str] = ()) -> QuerySyntaxError:
    """pyoxigraph's query SyntaxError (``error at 2:22: expected ...``) as a QuerySyntaxError, in words
    (:func:`evkg.errors.explain_sparql`: an unknown prefix and the nearest registered one, a missing
    query form, the unexpected token)."""
    message = str(exc.msg or exc)
    match = _QUERY_LOCATION.match(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        detail = explain_sparql(match.group(3), line, column, query, prefixes) if query else match.group(3)
        return QuerySyntaxError(detail, line, column)
    return QuerySyntaxError(f"SPARQL syntax error: {message}")


# --- refusing SERVICE -------------------------------------------------------------------------------
def check_query(query: str) -> None:
    """Refuse queries evkg never runs: ``SERVICE`` (a request to another endpoint).

    The check works on the tokens of :mod:`evkg.query.lexer` (escapes such as ``\\u0053ERVICE`` decoded
    first; strings, IRIs and comments are tokens of their own), so a variable ``?service`` or a name
    ``ex:SERVICE`` passes.

    >>> check_query("SELECT ?service WHERE { ?service a <http://ex.org/SERVICE> }")
    >>> check_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    evkg.errors.QuerySyntaxError: SERVICE is not allowed: evkg queries only its own local store
    """
    from evkg.query.lexer import network_clauses

    if "SERVICE" in network_clauses(query):
        raise QuerySyntaxError("SERVICE is not allowed: evkg queries only its own local store")


# --- rdflib <-> pyoxigraph terms -----------------------------------------------------------------------
_XSD_STRING = str(XSD.string)


def to_rdflib(term: OxTerm) -> Identifier:
    """A pyoxigraph term as an rdflib term (blank nodes keep their label).

    Literals keep their lexical form (``normalize=False``): rdflib would otherwise rewrite
    ``"2026-11-21T10:30:00Z"^^xsd:dateTime`` as ``"...+00:00"``, a different RDF term.
    """
    if isinstance(term, ox.NamedNode):
        # pyoxigraph only holds valid IRIs: skip rdflib's IRI check (a third of the cost of a result cell)
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return _literal(term)
    raise EvkgError(f"cannot convert {term!r} to rdflib (RDF-star triple terms are not supported)")


@functools.lru_cache(maxsize=65536)
def _literal(term: ox.Literal) -> Literal:
    """rdflib Literal of a pyoxigraph one, memoised: rdflib parses the lexical form at every creation
    (10-35 µs), and result rows repeat the same labels, dates and numbers (both types are immutable)."""
    if term.language:
        return Literal(term.value, lang=term.language, normalize=False)
    if term.datatype.value == _XSD_STRING:  # rdflib spells xsd:string literals without datatype
        return Literal(term.value, normalize=False)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def to_oxigraph(term: Binding) -> OxTerm:
    """An rdflib (or pyoxigraph) term as a pyoxigraph term; anything else is refused."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = str(term.datatype) if term.datatype else _XSD_STRING
        return ox.Literal(str(term), datatype=ox.NamedNode(datatype))
    raise UsageError(f"cannot bind {term!r}: pass an RDF term (rdflib URIRef/Literal or pyoxigraph NamedNode/Literal)")


# --- building and reopening stores --------------------------------------------------------------------
@dataclass
class OpenedStore:
    """A store ready to query, with what it was built from and whether it was parsed just now."""

    store: ox.Store
    manifest: Manifest
    parsed: bool
    path: Path | None = None


def build_memory_store(data: DataDir, prefixes: Prefixes) -> OpenedStore:
    """Parse the data folder into a new in-memory store."""
    files = source_files(data, prefixes)
    manifest = Manifest.of(data, files)
    store = ox.Store()
    load_files(store, files)
    return OpenedStore(store, manifest, parsed=True)


def open_store(store_dir: str | Path, data: DataDir, prefixes: Prefixes, *, rebuild: bool = False) -> OpenedStore:
    """Reopen the persisted store in ``store_dir``, or (re)build it there if missing or stale.

    A rebuild parses into a new folder next to ``store_dir`` and renames it into place, so a
    syntax error leaves the old store as it was.
    """
    root = Path(store_dir)
    files = source_files(data, prefixes)
    current = Manifest.of(data, files)
    manifest_path, ox_path = root / MANIFEST, root / OXIGRAPH_DIR
    if not rebuild and manifest_path.is_file() and ox_path.is_dir():
        try:
            previous = Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, OSError):
            previous = None
        stale = previous.differences(current) if previous else ["unreadable manifest"]
        if not stale:
            try:
                return OpenedStore(ox.Store.read_only(str(ox_path)), current, parsed=False, path=root)
            except OSError as exc:
                raise OutputError(f"{display_path(root)}: cannot open the store ({exc})") from None
        log.info("store %s is stale (%s): rebuilding", root, "; ".join(stale[:5]))
    if root.exists() and not root.is_dir():
        raise OutputError(f"{display_path(root)}: exists and is not a folder")
    if root.is_dir() and any(root.iterdir()) and not manifest_path.is_file():
        raise OutputError(f"{display_path(root)}: folder is not empty and is not an evkg store; choose another")
    with replace_dir(root) as tmp:
        store = ox.Store(str(tmp / OXIGRAPH_DIR))
        bulk_load_files(store, files)  # a new folder: one bulk insertion (not atomic, the folder is)
        store.flush()
        store.optimize()
        del store  # release the RocksDB lock before the folder moves
        (tmp / MANIFEST).write_text(current.to_json(), encoding="utf-8")
    return OpenedStore(ox.Store.read_only(str(ox_path)), current, parsed=True, path=root)


# --- statistics --------------------------------------------------------------------------------------
def count_union(engine: Engine) -> int:
    """Distinct triples over all named graphs (a triple stated in two graphs counts once)."""
    (row,) = engine.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    return int(row["n"].value)


def count_per_graph(engine: Engine) -> dict[str, int]:
    """Triples per named graph (empty graphs included, with 0)."""
    counts = {g: 0 for g in engine.named_graphs()}
    for row in engine.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        counts[row["g"].value] = int(row["n"].value)
    return dict(sorted(counts.items()))
