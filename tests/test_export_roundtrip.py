"""Does every export give back exactly the graph we loaded, and the same bytes every time?

Each export is parsed back by two independent parsers: rdflib (compared with the rdflib view of the
store by ``rdflib.compare.isomorphic``, printing a graph_diff on failure) and pyoxigraph (compared
as RDFC-1.0 canonical quads). Both must hold the same number of triples as the source, so a silent
drop cannot pass (rdflib #2017). The network is blocked (conftest), so a remote JSON-LD context
would fail the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import evkg
from evkg.rdf.formats import FORMATS
from evkg.rdf.serialization import canonical_quads

RDFLIB_FORMAT = {"turtle": "turtle", "json-ld": "json-ld", "nt": "nt", "xml": "xml", "trig": "trig", "nquads": "nquads"}
OX_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


@pytest.fixture(scope="module", params=["fixture", "bundled"])
def any_kg(request: pytest.FixtureRequest, fixture_kg, kg):
    """The fixture data (every tricky term on purpose) and the real bundled graph."""
    return fixture_kg if request.param == "fixture" else kg


@pytest.fixture(scope="module")
def exports(any_kg) -> dict[str, bytes]:
    return {name: any_kg.export(name) for name in FORMATS}


@pytest.fixture
def exact_literals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse literals as written: rdflib would otherwise turn '...Z' into '...+00:00' while parsing."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)


def _diff(expected: Graph, actual: Graph) -> str:
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {line}" for line in sorted(only_expected.serialize(format="nt").splitlines())[:20]]
    lines += [f"+ {line}" for line in sorted(only_actual.serialize(format="nt").splitlines())[:20]]
    return "\n".join(lines)


@pytest.mark.usefixtures("exact_literals")
@pytest.mark.parametrize("fmt", [f for f, spec in FORMATS.items() if not spec.dataset])
def test_union_exports_reparse_with_rdflib_to_the_same_graph(any_kg, exports: dict[str, bytes], fmt: str) -> None:
    """Does the Turtle/JSON-LD/N-Triples/RDF-XML export, read by rdflib, equal the union of all graphs?"""
    expected = any_kg.rdflib_graph()
    parsed = Graph().parse(data=exports[fmt], format=RDFLIB_FORMAT[fmt])
    assert len(parsed) == any_kg.stats().triples == len(expected)
    assert isomorphic(expected, parsed), _diff(expected, parsed)


@pytest.mark.usefixtures("exact_literals")
@pytest.mark.parametrize("fmt", [f for f, spec in FORMATS.items() if spec.dataset])
def test_dataset_exports_keep_every_named_graph(any_kg, exports: dict[str, bytes], fmt: str) -> None:
    """Does TriG/N-Quads, read by rdflib, keep each source's triples in its own named graph?"""
    expected = any_kg.rdflib_dataset()
    parsed = Dataset().parse(data=exports[fmt], format=RDFLIB_FORMAT[fmt])
    stats = any_kg.stats()
    parsed_graphs = {str(g.identifier): g for g in parsed.graphs() if len(g)}
    assert set(parsed_graphs) == {g for g, n in stats.graphs.items() if n}
    assert sum(len(g) for g in parsed_graphs.values()) == stats.quads
    for graph in expected.graphs():
        if len(graph):
            actual = parsed_graphs[str(graph.identifier)]
            assert isomorphic(graph, actual), f"{graph.identifier}\n{_diff(graph, actual)}"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_reparses_with_pyoxigraph_to_the_same_canonical_dataset(
    any_kg, exports: dict[str, bytes], fmt: str
) -> None:
    """Read by pyoxigraph, is every export the same dataset (RDFC-1.0), term for term?"""
    spec = FORMATS[fmt]
    parsed = ox.Dataset(ox.parse(input=exports[fmt], format=OX_FORMAT[fmt]))
    parsed.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    expected = canonical_quads(any_kg.engine, union=not spec.dataset)
    missing = sorted(str(q) for q in set(expected) - set(parsed))
    extra = sorted(str(q) for q in set(parsed) - set(expected))
    assert (missing, extra) == ([], []), f"missing {missing[:5]} extra {extra[:5]}"
    assert len(parsed) == (any_kg.stats().quads if spec.dataset else any_kg.stats().triples)


def test_exports_are_byte_for_byte_reproducible(any_kg, exports: dict[str, bytes]) -> None:
    """Does loading the same data again (new blank node ids) give identical files, so git diffs mean something?"""
    again = evkg.load(data_dir=any_kg.data_dir)
    for name in FORMATS:
        assert again.export(name) == exports[name], name


def test_n_triples_and_n_quads_are_sorted_lines(exports: dict[str, bytes]) -> None:
    """Are N-Triples and N-Quads one statement per line, sorted, with canonical blank node labels?"""
    for name in ("nt", "nquads"):
        lines = exports[name].decode("utf-8").splitlines()
        assert lines == sorted(lines) and len(lines) == len(set(lines))
        labels = set(re.findall(r"_:(\S+)", exports[name].decode("utf-8")))
        assert all(label.startswith("c14n") for label in labels)


def test_turtle_uses_only_registry_prefixes(any_kg, exports: dict[str, bytes]) -> None:
    """Does the Turtle export declare only our registry's prefixes (no rdflib defaults, no ns1:)?"""
    registry = any_kg.prefixes.as_dict()
    for name in ("turtle", "trig"):
        declared = dict(re.findall(r"^(?:@prefix|PREFIX) ([A-Za-z0-9_.-]*): <([^>]*)>", exports[name].decode(), re.M))
        assert declared, name
        assert {p: registry.get(p) for p in declared} == declared, name
        assert list(declared) == sorted(declared), name


def test_json_ld_is_compacted_with_our_local_context(any_kg, exports: dict[str, bytes]) -> None:
    """Is the JSON-LD compact, with an inline context from our registry and language maps for labels?"""
    doc = json.loads(exports["json-ld"])
    context = doc["@context"]
    assert isinstance(context, dict), "the context must be inline, never a remote URL"
    assert {k: v for k, v in context.items() if isinstance(v, str)} == any_kg.prefixes.as_dict()
    assert context["skos:prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}
    nodes = {n["@id"]: n for n in doc["@graph"]}
    isev = nodes["organization:isev"]
    assert isev["skos:prefLabel"]["en"] == "International Society for Extracellular Vesicles"
    assert "org:FormalOrganization" in isev["@type"]


def test_json_ld_nests_blank_nodes_used_once(fixture_kg) -> None:
    """Is a term's definition (a blank node used once) written inside the term, as Turtle's [ ] would?"""
    doc = json.loads(fixture_kg.export("json-ld"))
    nodes = {n["@id"]: n for n in doc["@graph"]}
    definition = nodes["term:extracellular-vesicle"]["skos:definition"]
    assert definition["dcterms:source"] == {"@id": "publication:misev2023"}
    assert not any(i.startswith("_:") for i in nodes)


def test_language_maps_only_where_every_value_has_a_language(tmp_path: Path, fixture_data_dir: Path) -> None:
    """If one rdfs:label has no language tag, is rdfs:label written in full form rather than a language map?"""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data)
    (data / "graph" / "plain.ttl").write_text(
        'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n<https://w3id.org/evkg/id/term/x> rdfs:label "x" .\n',
        encoding="utf-8",
    )
    doc = json.loads(evkg.load(data_dir=data).export("json-ld"))
    assert "rdfs:label" not in doc["@context"]
    assert "skos:prefLabel" in doc["@context"]
