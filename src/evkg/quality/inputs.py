"""What the checks read: the shapes and ontology of a data folder, and the data (curator files added).

:func:`shapes_graph` and :func:`ontology_graph` parse the data folder's ``ontology/``;
:func:`add_files` loads a curator's files into a store, each as the named graph it stands for
(:func:`curator_graph_iri`); :func:`union_graph` is the union of a store's named graphs as one rdflib
graph (what pySHACL validates).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from evkg.data import layout
from evkg.data.prefixes import Prefixes
from evkg.errors import EvkgError, UsageError
from evkg.rdf.literals import WrittenLiterals
from evkg.rdf.parse import (
    SourceFile,
    fill_union,
    holds_union,
    load_file,
    syntax_error,
)  # evkg.load is also a function: import names
from evkg.rdf.terms import to_rdflib


# --- inputs ---------------------------------------------------------------------------------------------
def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse a Turtle file into ``graph`` (rdflib); a syntax error becomes ``FILE:LINE:COL: message``."""
    graph = graph if graph is not None else Graph(bind_namespaces="none")
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())

        for q in quads:
            graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None
    except OSError as exc:
        raise EvkgError(f"{layout.display_path(path)}: cannot read ({exc.strerror or exc})") from None
    return graph


def shapes_graph(data: layout.DataDir) -> Graph:
    """All SHACL shapes of a data folder as one rdflib graph (files are never loaded as data)."""
    files = data.shapes_files()
    if not files:
        raise UsageError(f"{layout.display_path(data.ontology_dir)}: no SHACL shapes (ontology/shapes/*.ttl)")
    graph = Graph(bind_namespaces="none")
    for path in files:
        parse_turtle(path, graph)
    return graph


def ontology_graph(data: layout.DataDir) -> Graph:
    """``ontology/evkg.ttl`` as an rdflib graph (empty if the data folder has none)."""
    graph = Graph(bind_namespaces="none")
    if data.ontology_file.is_file():
        parse_turtle(data.ontology_file, graph)
    return graph


# --- the data to validate ----------------------------------------------------------------------------------
def curator_graph_iri(data: layout.DataDir, prefixes: Prefixes, path: Path) -> str:
    """The named graph a curator's file is validated as.

    A file inside the data folder's ``graph/`` keeps its graph IRI (``graph/x/y.ttl`` → ``graph:x/y``);
    any other file ``NAME.ttl`` is validated as if it were ``graph/NAME.ttl`` (replacing the bundled
    graph of that name, if any: a curator validates an edited copy of a source file that way).
    """
    ns = prefixes.namespace("graph")
    resolved = path.resolve()
    try:
        name = resolved.relative_to(data.graph_dir).with_suffix("").as_posix()
    except ValueError:
        name = resolved.stem
    return str(ns[name])


def add_files(
    store: ox.Store,
    data: layout.DataDir,
    prefixes: Prefixes,
    files: Sequence[Path],
    literals: WrittenLiterals | None = None,
) -> list[str]:
    """Load curator files into ``store``, each into its named graph (replacing what was there); a
    default graph holding the union of the named graphs (:func:`evkg.rdf.parse.fill_union`) is rebuilt.

    ``literals``: the store's table of rewritten literals (``kg.literals``), updated to match."""
    union = holds_union(store)
    graphs = []
    for path in files:
        if not path.is_file():
            raise UsageError(f"{layout.display_path(path)}: no such file")
        iri = curator_graph_iri(data, prefixes, path)
        # parse first (into a scratch store) so that a syntax error leaves the dataset as it was
        scratch = ox.Store()
        table = load_file(scratch, SourceFile(path, layout.display_path(path), iri, "graph"))
        target = ox.NamedNode(iri)
        store.clear_graph(target)
        store.extend(scratch.quads_for_pattern(None, None, None, target))
        store.add_graph(target)
        if literals is not None:
            literals.drop_graph(target)
            literals.update(table)
        graphs.append(iri)
    if union and graphs:
        fill_union(store, rebuild=True)
        if literals is not None:
            literals.refresh_union(store)
    return graphs


def shapes_files_graph(paths: Sequence[Path]) -> Graph:
    """SHACL shapes from any Turtle files (``evkg validate --shapes FILE``), as one rdflib graph."""
    graph = Graph(bind_namespaces="none")
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{layout.display_path(path)}: no such shapes file")
        parse_turtle(path, graph)
    return graph


@dataclass
class DataFiles:
    """Data files loaded into a store (each file its own named graph, named by its file IRI)."""

    store: ox.Store
    paths: list[Path]
    rewritten: frozenset[str]  # predicates of the literals whose lexical form or datatype the store changed

    def triples(self) -> Iterator[tuple[Node, Node, Node]]:
        """The files' triples as written (parsed again: nothing rewritten), as rdflib terms."""
        for path in self.paths:
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
                yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))


def load_data_files(paths: Sequence[Path]) -> DataFiles:
    """Parse any Turtle files into a new store (``evkg validate FILE... --shapes ...``).

    Relative IRIs resolve against each file's location. The store rewrites some literals
    (``"5"^^xsd:int`` -> ``"5"^^xsd:integer``); whether it did is recorded, so that checks reading
    literals as written can use :meth:`DataFiles.triples` instead.
    """
    store = ox.Store()
    typed: dict[ox.Literal, set[str]] = {}
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{layout.display_path(path)}: no such file")
        graph = ox.NamedNode(path.resolve().as_uri())

        def quads(path: Path = path, graph: ox.NamedNode = graph) -> Iterator[ox.Quad]:
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
                if isinstance(q.object, ox.Literal) and not q.object.language and q.object.datatype.value != _STRING:
                    typed.setdefault(q.object, set()).add(q.predicate.value)
                yield ox.Quad(q.subject, q.predicate, q.object, graph)

        try:
            store.extend(quads())
        except SyntaxError as exc:
            raise syntax_error(path, exc) from None
        except OSError as exc:
            raise EvkgError(f"{layout.display_path(path)}: cannot read ({exc.strerror or exc})") from None
    rewritten = _rewritten(set(typed))
    return DataFiles(store, list(paths), frozenset(p for lit in rewritten for p in typed[lit]))


_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _rewritten(literals: set[ox.Literal]) -> set[ox.Literal]:
    """Those of ``literals`` a store reads back otherwise (one bulk round trip)."""
    if not literals:
        return set()
    scratch = ox.Store()
    p = ox.NamedNode("urn:evkg:literal")
    ordered = list(literals)
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:evkg:{i}"), p, lit) for i, lit in enumerate(ordered))
    stored = scratch.quads_for_pattern(None, p, None)
    back = {q.subject.value: q.object for q in stored if isinstance(q.subject, ox.NamedNode)}
    return {lit for i, lit in enumerate(ordered) if back.get(f"urn:evkg:{i}") != lit}


def union_triples(store: ox.Store, literals: WrittenLiterals | None = None) -> Iterator[tuple[Node, Node, Node]]:
    """Every triple of every named graph of ``store`` as rdflib terms (repeats across graphs included),
    literals as written (``literals``: the store's table, :mod:`evkg.rdf.literals`)."""
    table = literals if literals is not None else WrittenLiterals()
    for graph in store.named_graphs():
        for q in table.restore(store.quads_for_pattern(None, None, None, graph)):
            yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))


def union_graph(
    store: ox.Store,
    prefixes: Prefixes,
    extra: Iterable[Iterable[Node]] = (),
    literals: WrittenLiterals | None = None,
) -> Graph:
    """The union of every named graph of ``store`` (plus ``extra`` triples) as one rdflib graph."""
    graph = prefixes.graph()
    for triple in union_triples(store, literals):
        graph.add(triple)
    for extra_triple in extra:
        s, p, o = extra_triple
        graph.add((s, p, o))
    return graph


__all__ = [
    "DataFiles",
    "add_files",
    "load_data_files",
    "shapes_files_graph",
    "curator_graph_iri",
    "ontology_graph",
    "parse_turtle",
    "shapes_graph",
    "union_graph",
    "union_triples",
]
