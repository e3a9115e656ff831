"""Do the quality-control queries catch what they describe, and stay silent on the bundled graph?

Every ``queries/qc/NAME-violation.rq`` has a small bad example, ``tests/fixtures/qc/NAME-violation.trig``
(named graphs, since some checks are per source graph), whose ``#! ENTITY PROPERTY VALUE`` lines are the
exact rows the query must return (CURIEs, ``<IRI>``s or Turtle literals). On the bundled graph every
query returns no row. ``author-name-per-source.trig`` shows that an author's name printed differently
by two sources, one name per source graph, is not flagged by any of them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.term import Node

import evkg
from evkg.data.prefixes import registry
from evkg.quality import qc
from evkg.query import helpers
from evkg.query.engine import OxigraphEngine

HERE = Path(__file__).resolve().parent
CASES = HERE / "fixtures" / "qc"
ROOT = HERE.parent
P = registry(ROOT)
NAMES = sorted(p.stem for p in (ROOT / "queries" / "qc").glob("*-violation.rq"))

Row = tuple[str, str, str]


@cache
def checks() -> dict[str, qc.Check]:
    return {check.spec.path.stem: check for check in qc.checks(evkg.load(ROOT))}


def _show(node: Node | None) -> str:
    """A row cell as the fixtures write it: CURIE, <IRI> or Turtle literal with a prefixed datatype."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        curie = P.curie(str(node))
        return curie if curie and "/" not in curie.split(":", 1)[1] else f"<{node}>"
    return node.n3(namespace_manager=_namespaces().namespace_manager)


@cache
def _namespaces() -> Graph:
    return P.graph()


def _rows_on(path: Path, check: qc.Check) -> set[Row]:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TRIG)
    result = helpers.run(OxigraphEngine(store, P), check.spec, {})
    return {(_show(r.entity), _show(r.property), _show(r.value)) for r in result}


_TOKEN = re.compile(r'<[^>]*>|"[^"]*"(?:@[\w-]+|\^\^\S+)?|\S+')


def _expected(path: Path) -> set[Row]:
    rows = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#! "):
            entity, prop, value = _TOKEN.findall(line[3:])
            rows.add((entity, prop, value))
    return rows


def test_every_qc_query_has_a_bad_example() -> None:
    """Is there a bad example for each QC query, and no example without its query?"""
    assert NAMES and set(checks()) == set(NAMES)
    examples = {p.stem for p in CASES.glob("*-violation.trig")}
    assert examples == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_qc_query_finds_exactly_the_mistakes_of_its_bad_example(name: str) -> None:
    """Does each QC query return exactly the (entity, property, value) rows its bad example expects?"""
    example = CASES / f"{name}.trig"
    expected = _expected(example)
    assert expected, f"{example.name}: no '#! entity property value' line"
    assert _rows_on(example, checks()[name]) == expected


@pytest.mark.parametrize("name", NAMES)
def test_a_qc_query_finds_nothing_in_the_bundled_graph(kg, name: str) -> None:
    """Is the bundled graph free of every QC violation (and warning)?"""
    assert [(r.entity, r.property, r.value) for r in qc.run(kg, only=[checks()[name]])] == []


@pytest.mark.parametrize("name", NAMES)
def test_an_author_name_printed_differently_by_two_sources_is_not_flagged(name: str) -> None:
    """ "Daneshmandi L" in the release and "Leila Daneshmandi" in the bibliographic record, on the same
    authorship (publication and position): one name per source graph, so does no QC query complain?"""
    assert _rows_on(CASES / "author-name-per-source.trig", checks()[name]) == set()


def test_every_qc_query_explains_itself_in_english_and_japanese() -> None:
    """Does each QC query carry the description a curator reads, in both languages, and a severity?"""
    for name, check in checks().items():
        assert check.message("en") and check.messages.get("ja"), name
        assert check.message("en") != check.message("ja"), name
        assert check.severity in ("Violation", "Warning"), name


def _kg_of(store: ox.Store) -> evkg.KnowledgeGraph:
    """The bundled data folder's QC queries over ``store`` (instead of the bundled graph)."""
    bundled = evkg.load(ROOT)
    return evkg.KnowledgeGraph(OxigraphEngine(store, P), bundled.data, bundled.prefixes)


def test_a_graph_file_with_no_statement_is_reported_as_undescribed() -> None:
    """An empty file under graph/ is a named graph that says nothing about its source: is it flagged?"""
    store = ox.Store()
    store.load(path=str(CASES / "undescribed_graph-violation.trig"), format=ox.RdfFormat.TRIG)
    empty = ox.NamedNode("https://w3id.org/evkg/graph/empty-file")
    store.add_graph(empty)
    rows = qc.run(_kg_of(store), only=[checks()["undescribed_graph-violation"]])
    assert (URIRef(empty.value), URIRef(P["rdf"] + "type"), URIRef(P["evkg"] + "SourceGraph")) in {
        (r.entity, r.property, r.value) for r in rows
    }


def test_qc_queries_run_side_by_side_give_the_rows_of_one_at_a_time() -> None:
    """Every bad example in one store: do two threads find the same rows, in the same order, as one?"""
    store = ox.Store()
    for i, example in enumerate(sorted(CASES.glob("*-violation.trig"))):
        for q in ox.parse(path=str(example), format=ox.RdfFormat.TRIG):
            graph = q.graph_name if isinstance(q.graph_name, ox.NamedNode) else ox.NamedNode(f"urn:example:{i}")
            store.add(ox.Quad(q.subject, q.predicate, q.object, graph))
    kg = _kg_of(store)
    one = [(r.check.name, r.entity, r.property, r.value) for r in qc.run(kg, workers=1)]
    two = [(r.check.name, r.entity, r.property, r.value) for r in qc.run(kg, workers=2)]
    assert len({name for name, *_ in one}) > 5  # most checks find something here
    assert two == one
