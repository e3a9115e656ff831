"""Do N-Triples, N-Quads, TriG, RDF/XML and Turtle written from the store's own lines give the same bytes?

``evkg.rdf.serialization`` writes these formats from pyoxigraph's dump of each graph, sorted as bytes, with
only the blank-node statements canonicalised, and Turtle by rdflib's ``longturtle`` reading those
lines instead of a graph in memory (it keeps a million-triple export under 0.5 GB); JSON-LD's
rdflib graph is built from the lines.
The reference is the earlier path: every quad canonicalised and sorted as a Python object
(``canonical_quads``), taken when the engine offers no store. Both must give the same bytes, on the
fixture data, on the bundled graph, and on a store made to hit the corner cases.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib

from evkg.rdf.serialization import export, write_canonical_lines

FAST_FORMATS = ("nt", "nquads", "trig", "xml", "turtle", "json-ld")
EX = "http://example.org/"
RDF = str(rdflib.RDF)


class QuadsOnly:
    """An engine that offers only its quads: export takes the reference path."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)


class WithStore(QuadsOnly):
    def __init__(self, store: ox.Store) -> None:
        super().__init__(store)
        self.store = store


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


def _corner_store(*, line_separator: bool = False) -> ox.Store:
    """Blank nodes shared by two graphs, a triple stated in two graphs, the default graph, an empty
    graph, a blank node chain, an RDF list, literals of every kind; optionally a literal holding U+2028."""
    store = ox.Store()
    g1, g2, p, q = _n("g1"), _n("g2"), _n("p"), _n("q")
    b1, b2, b3, l1, l2 = (ox.BlankNode() for _ in range(5))
    first, rest = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest")
    quads = [
        ox.Quad(_n("s"), p, b1, g1),
        ox.Quad(_n("s"), p, b1, g2),  # the same blank node in another graph
        ox.Quad(b1, q, ox.Literal("one", language="en"), g1),
        ox.Quad(b1, q, b2, g1),
        ox.Quad(b2, q, b3, g1),
        ox.Quad(b3, q, ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), g1),
        ox.Quad(_n("s"), q, ox.Literal('quote " back \\ tab \t nl \n é 日本'), g1),
        ox.Quad(_n("s"), q, ox.Literal('quote " back \\ tab \t nl \n é 日本'), g2),  # union: written once
        ox.Quad(_n("s"), q, ox.Literal("abc"), ox.DefaultGraph()),
        ox.Quad(_n("s"), q, ox.Literal("abc", language="ja"), g2),
        ox.Quad(_n("t"), p, _n("s"), g2),
        ox.Quad(_n("t"), q, l1, g2),
        ox.Quad(l1, first, ox.Literal("a"), g2),
        ox.Quad(l1, rest, l2, g2),
        ox.Quad(l2, first, _n("s"), g2),
        ox.Quad(l2, rest, ox.NamedNode(RDF + "nil"), g2),
    ]
    if line_separator:
        quads.append(ox.Quad(_n("u"), q, ox.Literal("line\u2028separator"), g1))
    store.extend(quads)
    store.add_graph(_n("empty"))
    return store


@pytest.mark.parametrize("fmt", FAST_FORMATS)
def test_are_the_exports_of_the_fixture_and_bundled_graphs_the_reference_bytes(fixture_kg, kg, fmt: str) -> None:
    """Does every store-backed export equal, byte for byte, the export of the reference path?"""
    for graph in (fixture_kg, kg):
        store = graph.engine.store
        assert write_canonical_lines(store, io.BytesIO(), union=fmt not in ("nquads", "trig"))  # the fast path applies
        reference = QuadsOnly(store)
        reference.quads = graph.engine.quads  # type: ignore[method-assign]  # the named graphs (not their union)
        assert export(graph.engine, fmt, graph.prefixes) == export(reference, fmt, graph.prefixes)


@pytest.mark.parametrize("fmt", FAST_FORMATS)
def test_do_blank_nodes_shared_between_graphs_and_repeated_triples_export_as_before(kg, fmt: str) -> None:
    """Shared blank nodes, repeated triples, the default graph and an empty graph: same bytes?"""
    store = _corner_store()
    fast = export(WithStore(store), fmt, kg.prefixes)
    assert fast == export(QuadsOnly(store), fmt, kg.prefixes)
    assert fmt in ("turtle", "json-ld") or b"c14n0" in fast  # canonical labels (Turtle, JSON-LD nest them)


def test_is_a_triple_stated_in_two_graphs_written_once_in_ntriples(kg) -> None:
    """The union (N-Triples) has one line per distinct triple; N-Quads one per quad."""
    store = _corner_store()
    nt = export(WithStore(store), "nt", kg.prefixes).splitlines()
    nq = export(WithStore(store), "nquads", kg.prefixes).splitlines()
    assert len(nt) == len(set(nt)) == len({(q.subject, q.predicate, q.object) for q in store})
    assert len(nq) == len(store)
    assert nt == sorted(nt) and nq == sorted(nq)


def test_does_a_literal_with_a_line_separator_take_the_reference_path(kg) -> None:
    """U+2028 is a line break for ``str.splitlines``: the fast path declines, the bytes stay the same."""
    store = _corner_store(line_separator=True)
    assert not write_canonical_lines(store, io.BytesIO(), union=True)
    for fmt in FAST_FORMATS:
        assert export(WithStore(store), fmt, kg.prefixes) == export(QuadsOnly(store), fmt, kg.prefixes)


def test_is_an_empty_store_exported_as_nothing(kg) -> None:
    """No statements: empty N-Triples and N-Quads, as before."""
    store = ox.Store()
    for fmt in FAST_FORMATS:
        assert export(WithStore(store), fmt, kg.prefixes) == export(QuadsOnly(store), fmt, kg.prefixes)
    assert export(WithStore(store), "nt", kg.prefixes) == b""
