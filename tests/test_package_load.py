"""Which file becomes which named graph, and what does loading keep, merge or ignore?"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

import evkg
from evkg.data.layout import resolve
from evkg.data.prefixes import registry
from evkg.rdf.parse import source_files

GRAPH = "https://w3id.org/evkg/graph/"


def test_each_graph_file_becomes_the_named_graph_of_its_path(fixture_kg, fixture_data_dir: Path) -> None:
    """Is graph/external/crossref/misev2023.ttl loaded as graph:external/crossref/misev2023?"""
    assert fixture_kg.named_graphs() == [
        GRAPH + "external/crossref/misev2023",
        GRAPH + "jsrm-press-release-2025-08-28",
        GRAPH + "ontology",
        GRAPH + "ontology/vocab/ev-terms",
    ]
    files = {f.relpath: f.graph for f in source_files(resolve(fixture_data_dir), registry(fixture_data_dir))}
    assert files["graph/external/crossref/misev2023.ttl"] == GRAPH + "external/crossref/misev2023"
    assert files["ontology/evkg.ttl"] == GRAPH + "ontology"
    assert files["ontology/vocab/ev-terms.ttl"] == GRAPH + "ontology/vocab/ev-terms"


def test_drafts_shapes_and_the_registry_are_not_data(fixture_kg) -> None:
    """Are graph/_draft.ttl, the SHACL shapes and prefixes.ttl kept out of the dataset?"""
    assert not any("_draft" in g for g in fixture_kg.named_graphs())
    assert not bool(fixture_kg.sparql("ASK { ?s a sh:NodeShape }"))
    assert not bool(fixture_kg.sparql("ASK { ?s vann:preferredNamespacePrefix ?p }"))


def test_a_triple_stated_in_two_files_is_one_triple_of_the_union(fixture_kg) -> None:
    """Does the union count the English label of 'extracellular vesicle' once, though two graphs state it?"""
    rows = list(
        fixture_kg.sparql(
            'SELECT ?g WHERE { GRAPH ?g { term:extracellular-vesicle skos:prefLabel "extracellular vesicle"@en } }'
        )
    )
    assert len(rows) == 2
    stats = fixture_kg.stats()
    assert stats.quads == sum(stats.graphs.values())
    assert stats.triples == stats.quads - 1  # exactly that one duplicate


def test_blank_nodes_of_different_files_stay_different(tmp_path: Path, fixture_data_dir: Path) -> None:
    """Do two files that both write _:b1 describe two different nodes?"""
    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data)
    for name, label in (("a", "first"), ("b", "second")):
        (data / "graph" / f"{name}.ttl").write_text(
            f'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n_:b1 rdfs:label "{label}" .\n', encoding="utf-8"
        )
    kg = evkg.load(data_dir=data)
    (row,) = kg.sparql('SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b rdfs:label ?l FILTER(?l IN ("first", "second")) }')
    assert int(row["n"].value) == 2


def test_a_graph_file_can_name_itself_with_an_empty_relative_iri(tmp_path: Path, fixture_data_dir: Path) -> None:
    """Is <> in graph/self.ttl the file's own named graph IRI (the base IRI is the graph IRI)?"""
    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data)
    (data / "graph" / "self.ttl").write_text(
        "PREFIX evkg: <https://w3id.org/evkg/ontology/>\n<> a evkg:SourceGraph .\n", encoding="utf-8"
    )
    kg = evkg.load(data_dir=data)
    assert bool(kg.sparql("ASK { GRAPH graph:self { graph:self a evkg:SourceGraph } }"))


def test_an_empty_graph_file_is_an_empty_named_graph(tmp_path: Path, fixture_data_dir: Path) -> None:
    """Does a new, still empty source file show up as a named graph with 0 triples?"""
    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data)
    (data / "graph" / "empty.ttl").write_text("# nothing yet\n", encoding="utf-8")
    kg = evkg.load(data_dir=data)
    assert kg.stats().graphs[GRAPH + "empty"] == 0


def test_graph_version_is_the_ontology_version_info(fixture_kg, kg) -> None:
    """Which version of the graph is loaded (owl:versionInfo of the ontology)?"""
    assert fixture_kg.ontology_version() == "0.0.1-fixture"
    assert kg.ontology_version() == evkg.query.knowledge_graph.version_of(kg.data_dir)
    assert kg.ontology_version()


def test_the_bundled_graph_loads_every_source_file(kg, data_dir: Path) -> None:
    """Is every graph/*.ttl of the repository (but the drafts) a named graph of the bundled dataset?"""
    expected = {
        GRAPH + p.relative_to(data_dir / "graph").with_suffix("").as_posix()
        for p in (data_dir / "graph").rglob("*.ttl")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(data_dir / "graph").parts)
    }
    assert expected, "the repository has no graph files"
    assert expected | {GRAPH + "ontology"} <= set(kg.named_graphs())
    assert all(n > 0 for g, n in kg.stats().graphs.items() if g in expected)


def test_rdflib_views_hold_the_same_statements(fixture_kg) -> None:
    """Do owlrl and pyshacl see the same graphs and triples as the SPARQL engine?"""
    stats = fixture_kg.stats()
    dataset = fixture_kg.rdflib_dataset()
    named = {str(g.identifier): len(g) for g in dataset.graphs() if str(g.identifier).startswith(GRAPH)}
    assert named == stats.graphs
    union = fixture_kg.rdflib_graph()
    assert len(union) == stats.triples
    jsrm = URIRef("https://w3id.org/evkg/id/organization/jsrm")
    assert {str(o) for o in union.objects(jsrm, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))} == {"JSRM"}
    # literals keep their lexical form (rdflib would normalise 'Z' to '+00:00')
    assert "2026-11-20T09:00:00Z" in {str(o) for o in union.objects()}
    # no rdflib default prefix leaks into the views
    assert dict(union.namespaces()).get("schema") == URIRef("https://schema.org/")
    assert "brick" not in dict(union.namespaces())


def test_the_store_is_a_real_pyoxigraph_store(fixture_kg) -> None:
    """Can a user reach the embedded pyoxigraph Store directly?"""
    assert isinstance(fixture_kg.store, ox.Store)
    stats = fixture_kg.stats()
    # the named graphs' statements, plus their union (a set) as the default graph
    assert len(fixture_kg.store) == stats.quads + stats.triples
    assert sum(1 for _ in fixture_kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == stats.triples


@pytest.mark.parametrize("name", ["ontology.ttl"])
def test_two_files_cannot_share_a_named_graph(tmp_path: Path, fixture_data_dir: Path, name: str) -> None:
    """Is graph/ontology.ttl refused, since graph:ontology is the ontology's graph?"""
    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data)
    (data / "graph" / name).write_text("", encoding="utf-8")
    with pytest.raises(evkg.EvkgError, match=r"graph/ontology.ttl: named graph <https://w3id.org/evkg/graph/ontology>"):
        evkg.load(data_dir=data)
