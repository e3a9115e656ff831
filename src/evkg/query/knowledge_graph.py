"""The Python API: :func:`load` a data folder and get a :class:`KnowledgeGraph`.

>>> import evkg
>>> kg = evkg.load()
>>> kg.named_graphs()[0].startswith("https://w3id.org/evkg/graph/")
True
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from evkg.atomic import write_bytes
from evkg.data.layout import DataDir, resolve
from evkg.data.prefixes import Prefixes, registry
from evkg.errors import EvkgError
from evkg.query.engine import Engine, OxigraphEngine, QueryResult, count_per_graph, count_union, solutions
from evkg.rdf.formats import get_format
from evkg.rdf.literals import WrittenLiterals
from evkg.rdf.parse import Manifest, ontology_version, source_files
from evkg.rdf.serialization import export as _export
from evkg.rdf.serialization import to_rdflib_graph
from evkg.rdf.store import build_memory_store, open_store
from evkg.rdf.terms import Binding, to_oxigraph, to_rdflib

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stats:
    """Size of the dataset."""

    triples: int  # distinct triples over all named graphs
    quads: int  # statements counted once per named graph
    graphs: dict[str, int]  # named graph IRI -> triples
    subjects: int  # distinct subjects
    classes: dict[str, int] = field(default_factory=dict)  # class (CURIE if possible) -> instances
    ontology_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class KnowledgeGraph:
    """evkg's dataset of named graphs behind a query engine (embedded pyoxigraph by default).

    Attributes:
        data: the data folder it was loaded from (``data.root`` is also ``data_dir``).
        prefixes: the prefix registry of that data folder.
        engine: the query engine (:class:`evkg.query.engine.Engine`).
        manifest: the source files (with SHA-256) the store was built from.
    """

    def __init__(
        self,
        engine: Engine,
        data: DataDir,
        prefixes: Prefixes,
        manifest: Manifest | None = None,
        store_path: Path | None = None,
    ) -> None:
        self.engine = engine
        self.data = data
        self.prefixes = prefixes
        self.manifest = manifest
        self.store_path = store_path

    def __repr__(self) -> str:
        return f"<KnowledgeGraph data={self.data.root} engine={self.engine.name} graphs={len(self.named_graphs())}>"

    @property
    def data_dir(self) -> Path:
        return self.data.root

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph :class:`~pyoxigraph.Store` (embedded engine only)."""
        if not isinstance(self.engine, OxigraphEngine):
            raise EvkgError(f"the {self.engine.name} engine has no embedded pyoxigraph store")
        return self.engine.store

    @property
    def literals(self) -> WrittenLiterals:
        """The statements whose literal the store rewrote, with the literals as written
        (:mod:`evkg.rdf.literals`; empty for most data and for engines without a store)."""
        return getattr(self.engine, "literals", None) or WrittenLiterals()

    # --- querying -----------------------------------------------------------------------------------
    def sparql(self, query: str, bindings: Mapping[str, Binding] | None = None, **kw: Binding) -> QueryResult:
        """Run a SPARQL 1.1 query; the default graph is the union of all named graphs.

        Parameters are bound as RDF terms (never pasted into the text), by keyword or mapping. A
        SELECT must project the variables it binds (``SELECT ?org ?name`` or ``SELECT *``)::

            kg.sparql("SELECT ?org ?name WHERE { ?org skos:prefLabel ?name }", org=URIRef(...))

        Prefixes of the registry may be used without ``PREFIX`` lines. Returns pyoxigraph's
        results: iterate over solutions (``row["name"].value``), ``bool()`` an ASK, or iterate
        triples of a CONSTRUCT; ``.serialize(format=QueryResultsFormat.JSON)`` writes SPARQL JSON.

        Literals: CONSTRUCT and DESCRIBE triples carry them as written in the data; SELECT rows and
        FILTERs see the store's form, a value (``"01"^^xsd:integer`` comes back as ``"1"``, ``"5"^^xsd:int``
        as ``"5"^^xsd:integer``; :mod:`evkg.rdf.literals`).

        Raises:
            QuerySyntaxError: the query does not parse, or uses SERVICE.
        """
        merged = {**(bindings or {}), **kw}
        return self.engine.query(query, {k: to_oxigraph(v) for k, v in merged.items()})

    @functools.cached_property
    def queries(self) -> Any:
        """Query helpers, one per ``queries/**/*.rq`` file: ``kg.queries.<name>(**params)``.

        (Hook for :mod:`evkg.query.helpers`, which owns the helpers; see that module.)
        """
        # lazy: the helpers (YAML headers) load on first use of kg.queries
        from evkg.query.helpers import QueryHelpers, discover

        return QueryHelpers(self.engine, discover(self.data.root), self.prefixes)

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs (one per source file), sorted."""
        return self.engine.named_graphs()

    def ontology_version(self) -> str | None:
        """``owl:versionInfo`` of the ontology, the version of the graph."""
        # owl: comes from the registry (the engine parses queries with the registry's prefixes)
        query = "SELECT ?v WHERE { ?o a owl:Ontology ; owl:versionInfo ?v } ORDER BY ?o ?v LIMIT 1"
        rows = solutions(self.sparql(query))
        for row in rows:
            return str(row["v"].value)
        return None

    def stats(self) -> Stats:
        """Triple counts (union and per named graph), subjects, instances per class, version."""
        per_graph = count_per_graph(self.engine)
        (row,) = solutions(self.sparql("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"))
        classes: dict[str, int] = {}
        query = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"
        for c in solutions(self.sparql(query)):
            iri = str(c["c"].value)
            classes[self.prefixes.curie(iri) or iri] = int(c["n"].value)
        return Stats(
            triples=count_union(self.engine),
            quads=sum(per_graph.values()),
            graphs=per_graph,
            subjects=int(row["n"].value),
            classes=classes,
            ontology_version=self.ontology_version(),
        )

    # --- export ---------------------------------------------------------------------------------------
    def export(self, format: str = "turtle", path: str | os.PathLike[str] | None = None) -> bytes:
        """Serialise the graph (see :mod:`evkg.rdf.serialization` for the formats); write it to ``path`` if given.

        The file is written atomically (temporary file, then rename). Returns the bytes.
        """
        data = _export(self.engine, get_format(format), self.prefixes)
        if path is not None:
            write_bytes(path, data)
        return data

    def in_memory(self) -> KnowledgeGraph:
        """This graph in a new in-memory store (self if it is one already): a copy that checks may add to.

        A persisted store (``--store DIR``) is reopened read-only; the copy is made from its quads
        (no Turtle is parsed again).
        """
        if self.store_path is None:
            return self
        copy = ox.Store()
        copy.bulk_extend(self.store)  # the stored forms: the table of literals as written applies as it is
        engine = OxigraphEngine(copy, self.prefixes, self.literals.copy())
        return KnowledgeGraph(engine, self.data, self.prefixes, self.manifest, None)

    # --- rdflib views (for owlrl and pyshacl) -------------------------------------------------------------
    @functools.cached_property
    def _rdflib_dataset(self) -> Dataset:
        ds = self.prefixes.dataset()
        graphs: dict[str, Graph] = {}
        for q in self.engine.quads():
            name = q.graph_name
            key = name.value if isinstance(name, ox.NamedNode) else ""
            if key not in graphs:
                graphs[key] = ds.graph(URIRef(key)) if key else ds.default_graph
            graphs[key].add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        for iri in self.named_graphs():  # empty named graphs too
            if iri not in graphs:
                ds.graph(URIRef(iri))
        return ds

    def rdflib_dataset(self) -> Dataset:
        """The dataset as an rdflib :class:`~rdflib.Dataset`, one graph per named graph.

        Built once on first use and cached: a snapshot for owlrl and pyshacl, not a live view.
        Do not modify it (reasoners write into a separate graph, see docs/decisions/0010-owl-rl-fast-engine.md).
        """
        return self._rdflib_dataset

    @functools.cached_property
    def _rdflib_graph(self) -> Graph:
        return to_rdflib_graph(self.engine.quads(), self.prefixes)

    def rdflib_graph(self) -> Graph:
        """The union of all named graphs as one rdflib :class:`~rdflib.Graph` (cached snapshot)."""
        return self._rdflib_graph

    # --- freshness -------------------------------------------------------------------------------------
    def stale(self) -> list[str]:
        """Why the loaded data differs from the files now on disk (empty list: up to date)."""
        if self.manifest is None:
            return []
        current = Manifest.of(self.data, source_files(self.data, self.prefixes))
        return self.manifest.differences(current)


def load(
    data_dir: str | os.PathLike[str] | None = None,
    store_dir: str | os.PathLike[str] | None = None,
    *,
    rebuild: bool = False,
) -> KnowledgeGraph:
    """Load evkg into an embedded pyoxigraph store.

    Args:
        data_dir: a folder with the repository's layout (``ontology/``, ``graph/``, ``queries/``);
            default: the data shipped with the package.
        store_dir: persist the store in this folder. If it already holds a store built from the
            same files (same SHA-256), it is reopened read-only without parsing; if the files
            changed, it is rebuilt. Default: a new in-memory store.
        rebuild: rebuild the persisted store even if it is up to date.

    Raises:
        SourceSyntaxError: a Turtle file does not parse (``FILE:LINE:COL: message``).
        DataDirError: ``data_dir`` does not have the expected layout.
    """
    data = resolve(data_dir)
    prefixes = registry(data.root)
    if store_dir is None:
        opened = build_memory_store(data, prefixes)
    else:
        opened = open_store(Path(store_dir), data, prefixes, rebuild=rebuild)
    log.info("loaded %s (%s)", data.root, "parsed" if opened.parsed else "reopened")
    engine = OxigraphEngine(opened.store, prefixes, opened.literals, read_only=opened.path is not None)
    return KnowledgeGraph(engine, data, prefixes, opened.manifest, opened.path)


def version_of(data_dir: str | os.PathLike[str] | None = None) -> str | None:
    """The graph's version (``owl:versionInfo`` of ``ontology/evkg.ttl``) without loading the graph."""
    return ontology_version(resolve(data_dir))


# --- evkg.connect -------------------------------------------------------------------------------------
def connect(
    url: str,
    *,
    timeout: float = 30.0,
    union: bool = True,
    data_dir: str | Path | None = None,
    flavour: str = "auto",
) -> KnowledgeGraph:
    """Open a SPARQL 1.1 endpoint as a :class:`KnowledgeGraph` (``.sparql()``, ``.queries``).

    The query helpers and the prefix registry come from the bundled data (or ``data_dir``); the
    data itself stays on the server (upload it first with ``evkg load --endpoint URL``)::

        kg = evkg.connect("http://localhost:7878/query")
        kg.queries.organization_profile(org="organization:jsrm", lang="ja")

    ``flavour`` names the server's dialect (``"sparql11"``, ``"virtuoso"``); by default it is
    asked of the server (Virtuoso names itself in its answers). See :mod:`evkg.query.flavours`.
    """
    # lazy: httpx and SPARQLWrapper load only for a remote endpoint
    from evkg.query.engines import RemoteEngine  # httpx is imported when a remote graph is opened, not at start-up

    data = resolve(data_dir)
    prefixes = registry(data.root)
    engine = RemoteEngine(url, timeout=timeout, union=union, prefixes=prefixes, flavour=flavour)
    return KnowledgeGraph(engine, data, prefixes)


__all__ = ["KnowledgeGraph", "connect", "load", "version_of"]
