"""Do the streaming Turtle and JSON-LD writers give, byte for byte, what rdflib gave?

``evkg.rdf.turtle.write_turtle`` (issue 18) replaced rdflib's serialiser on the export path: it lays the
document out as ``LongTurtleSerializer`` does and asks rdflib only for prefixed names, literal labels and the
order of terms. The oracle is the writer it replaced (``tests/turtle_oracle.py``: rdflib's serialiser reading
the same sorted lines), and, where the two agreed before, rdflib's serialiser over the canonical statements
in memory (the path an engine without a store takes). Compared on synthetic data (``benchmarks.synth``) and
on seeded random graphs mixing registry and foreign IRIs, awkward local names, blank nodes used once, twice
or in a cycle, lists (valid or not), members of ``rdfs:Class`` and literals of every kind. (The bundled and
fixture graphs: ``tests/test_export_lowmem.py``.)

JSON-LD: ``evkg.rdf.jsonld.write_jsonld`` runs rdflib's converter over the lines (no rdflib graph, no whole
document in memory); its oracle is the reference path (rdflib's graph in memory), which the previous store path
matched (the document is sorted, so the order rdflib read the statements in never showed).

The two rdflib Turtle paths did not always agree with each other: with predicates of namespaces the registry does
not know, rdflib generates ``ns1``, ``ns2`` … in the order it meets them, which differs between its graph in
memory and the lines; the store path (today's bytes) is what evkg exports, and what is kept.
"""

from __future__ import annotations

import random
import tempfile

import pyoxigraph as ox
import pytest
from test_export_lowmem import QuadsOnly, WithStore
from turtle_oracle import longturtle_from_lines

import evkg
from benchmarks import synth
from evkg.rdf.serialization import export, write_canonical_lines

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
IRIS = [
    "https://w3id.org/evkg/id/organization/jsrm",
    "https://w3id.org/evkg/id/organization/2024-report",
    "https://w3id.org/evkg/id/person/a.b.",  # a local name ending with "." is no prefixed name
    "https://w3id.org/evkg/id/term/x(y)",
    "https://w3id.org/evkg/id/term/50%25",
    "https://w3id.org/evkg/graph/synth/core",
    "https://w3id.org/evkg/ontology/",  # a namespace itself
    "https://doi.org/10.5555/abc.123",
    "http://purl.obolibrary.org/obo/GO_1903561",
    "http://example.org/",
    "http://example.org/a/b#c",
    "http://example.org/123",
    "urn:isbn:0451450523",
    "http://www.w3.org/2000/01/rdf-schema#Class",
    "http://www.w3.org/2000/01/rdf-schema#label",
    RDF + "type",
    RDF + "nil",
    "http://schema.org/name",
    "https://schema.org/name",
]
PREDICATES = [
    RDF + "type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://w3id.org/evkg/ontology/authorPosition",
    "http://purl.org/dc/terms/title",
    "http://example.org/p",
    "http://example.org/vocab#q",
    "https://w3id.org/evkg/id/term/odd",
]
LITERALS = [
    ox.Literal("exosome", language="en"),
    ox.Literal("エクソソーム", language="ja"),
    ox.Literal("Exosome", language="en-gb"),
    ox.Literal("plain"),
    ox.Literal('quote " back \\ tab \t nl \n end"'),
    ox.Literal('ends with a quote"\nsecond line'),
    ox.Literal('three """ quotes\nx'),
    ox.Literal("cr \r only"),
    ox.Literal(""),
    ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("-5", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("1.0", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("1.5E0", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("2025-07-20", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("2026-11-29T12:00:00Z", datatype=ox.NamedNode(XSD + "dateTime")),
    ox.Literal("7", datatype=ox.NamedNode(XSD + "positiveInteger")),
    ox.Literal("x", datatype=ox.NamedNode("http://example.org/dt")),
    ox.Literal("y", datatype=ox.NamedNode("https://w3id.org/evkg/ontology/code")),
]


def _same_turtle(store: ox.Store, prefixes) -> bytes:
    fast = export(WithStore(store), "turtle", prefixes)
    with tempfile.TemporaryFile() as lines:
        assert write_canonical_lines(store, lines, union=True)
        assert fast == longturtle_from_lines(lines, prefixes)
    if b"PREFIX ns1:" not in fast:  # no generated prefix: the in-memory path gave these bytes too
        assert fast == export(QuadsOnly(store), "turtle", prefixes)
    return fast


def _random_store(seed: int) -> ox.Store:
    rnd = random.Random(seed)
    g = ox.NamedNode(f"https://w3id.org/evkg/graph/g{seed % 3}")
    blanks = [ox.BlankNode() for _ in range(rnd.randint(0, 8))]
    nodes: list = [ox.NamedNode(i) for i in IRIS] + blanks
    quads = []
    for _ in range(rnd.randint(1, 60)):
        s = rnd.choice(nodes)
        p = ox.NamedNode(rnd.choice(PREDICATES))
        o = rnd.choice(nodes + LITERALS + LITERALS)
        quads.append(ox.Quad(s, p, o, g))
    if rnd.random() < 0.5:  # a list, maybe with an extra statement on one of its nodes
        cells = [ox.BlankNode() for _ in range(rnd.randint(1, 4))]
        for i, cell in enumerate(cells):
            quads.append(ox.Quad(cell, ox.NamedNode(RDF + "first"), rnd.choice(LITERALS + nodes[:5]), g))
            rest = cells[i + 1] if i + 1 < len(cells) else ox.NamedNode(RDF + "nil")
            quads.append(ox.Quad(cell, ox.NamedNode(RDF + "rest"), rest, g))
        if rnd.random() < 0.3:
            quads.append(ox.Quad(rnd.choice(cells), ox.NamedNode("http://example.org/p"), LITERALS[0], g))
        quads.append(ox.Quad(rnd.choice(nodes[:5]), ox.NamedNode("http://example.org/p"), cells[0], g))
    if blanks and rnd.random() < 0.5:  # a cycle of blank nodes
        quads.append(ox.Quad(blanks[0], ox.NamedNode("http://example.org/p"), blanks[-1], g))
        quads.append(ox.Quad(blanks[-1], ox.NamedNode("http://example.org/p"), blanks[0], g))
    store = ox.Store()
    store.extend(quads)
    return store


def test_is_the_turtle_of_random_graphs_the_bytes_of_rdflib():
    prefixes = evkg.load().prefixes
    for seed in range(150):
        _same_turtle(_random_store(seed), prefixes)


def test_is_the_json_ld_of_random_graphs_the_bytes_of_rdflib():
    prefixes = evkg.load().prefixes
    for seed in range(150):
        store = _random_store(seed)
        assert export(WithStore(store), "json-ld", prefixes) == export(QuadsOnly(store), "json-ld", prefixes), seed


def test_are_classes_lists_and_shared_blank_nodes_laid_out_as_rdflib_does():
    prefixes = evkg.load().prefixes
    store = _random_store(7)
    cls, b = ox.NamedNode("https://w3id.org/evkg/ontology/Thing"), ox.BlankNode()
    store.extend(
        [
            ox.Quad(cls, ox.NamedNode(RDF + "type"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#Class")),
            ox.Quad(b, ox.NamedNode(RDF + "type"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#Class")),
            ox.Quad(b, ox.NamedNode("http://example.org/p"), cls),
        ]
    )
    text = _same_turtle(store, prefixes).decode()
    statements = text.split("\n\n", 1)[1].split("\n.\n")
    # members of rdfs:Class first (rdflib's order: blank nodes before IRIs), then the other subjects
    assert statements[0].startswith("[]    a rdfs:Class") and statements[1].startswith("\nevkg:Thing\n")


@pytest.mark.parametrize("size", [10_000])
def test_are_turtle_and_json_ld_of_synthetic_data_the_bytes_of_rdflib(tmp_path, size):
    synth.generate(tmp_path, size)
    kg = evkg.load(tmp_path)
    fast = export(kg.engine, "turtle", kg.prefixes)
    with tempfile.TemporaryFile() as lines:
        assert write_canonical_lines(kg.store, lines, union=True, literals=kg.literals)
        assert fast == longturtle_from_lines(lines, kg.prefixes)
    reference = QuadsOnly(kg.store)
    reference.quads = kg.engine.quads  # type: ignore[method-assign]  # the named graphs (not their union)
    assert fast == export(reference, "turtle", kg.prefixes)
    assert export(kg.engine, "json-ld", kg.prefixes) == export(reference, "json-ld", kg.prefixes)


def test_is_a_json_ld_of_one_node_written_as_before():
    """rdflib's converter gives a lone node without @graph: the streaming writer hands it back."""
    prefixes = evkg.load().prefixes
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/evkg/id/term/x"), ox.NamedNode(RDF + "type"), ox.NamedNode(RDF + "Property")
        )
    )
    text = export(WithStore(store), "json-ld", prefixes)
    assert text == export(QuadsOnly(store), "json-ld", prefixes) and b'"@graph"' not in text
