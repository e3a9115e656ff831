"""Is ontology/prefixes.ttl the one source of prefixes, and does everything agree with it?"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery

from evkg.data.prefixes import LANGUAGE_MAPPED, RegistryError, context_document, read, registry
from evkg.errors import SourceSyntaxError

ROOT = Path(__file__).resolve().parents[1]
DECLARATION = re.compile(r"(?im)^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*|)\s*:\s*<([^>]*)>")
CHECKED = ("ontology", "graph", "queries", "tests/fixtures")
SKIPPED = ("tests/fixtures/bad",)  # deliberately broken files


def _files() -> list[Path]:
    files = []
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if path.suffix in (".ttl", ".rq", ".trig") and path.name != "prefixes.ttl" and not rel.startswith(SKIPPED):
                files.append(path)
    return files


def test_the_registry_is_well_formed() -> None:
    """Does every prefix have one namespace ending in / or #, with evkg's own under https://w3id.org/evkg/?"""
    reg = registry(ROOT)
    assert len(reg) >= 30
    for prefix, ns in reg.mapping.items():
        assert ns.endswith(("/", "#")), prefix
    assert reg["evkg"] == "https://w3id.org/evkg/ontology/"
    assert reg["graph"] == "https://w3id.org/evkg/graph/"
    assert reg["schema"] == "https://schema.org/"  # the https form, everywhere (pitfall 8)


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_prefix_in_every_turtle_and_sparql_file_matches_the_registry(path: Path) -> None:
    """Does this file declare only registry prefixes, each bound to the registry's namespace?"""
    reg = registry(ROOT).as_dict()
    text = path.read_text(encoding="utf-8")
    wrong = [(p, ns) for p, ns in DECLARATION.findall(text) if reg.get(p) != ns]
    hints = [f"{p}: <{ns}> (registry: {reg.get(p, 'not declared')})" for p, ns in wrong]
    assert not wrong, f"{path.relative_to(ROOT)}: " + "; ".join(hints)


def test_there_are_files_to_check() -> None:
    """Does the prefix check actually see the ontology, the graph and the queries?"""
    seen = {p.relative_to(ROOT).parts[0] for p in _files()}
    assert {"ontology", "graph", "tests"} <= seen


def test_rdflib_graphs_get_exactly_the_registry_prefixes() -> None:
    """Does a graph made by the registry bind our prefixes and none of rdflib's defaults (schema1:, brick:)?"""
    reg = registry(ROOT)
    for made in (reg.graph(), reg.dataset()):
        assert {p: str(ns) for p, ns in made.namespaces()} == reg.as_dict()


def test_generated_prefix_blocks_parse_in_both_engines() -> None:
    """Do the generated Turtle and SPARQL prefix blocks work in pyoxigraph and rdflib?"""
    reg = registry(ROOT)
    turtle = reg.turtle_block() + "organization:jsrm skos:altLabel 'JSRM'@en .\n"
    (quad,) = ox.parse(input=turtle, format=ox.RdfFormat.TURTLE)
    assert quad.subject.value == "https://w3id.org/evkg/id/organization/jsrm"
    assert len(Graph().parse(data=turtle, format="turtle")) == 1
    query = reg.sparql_block(["skos", "org"]) + "SELECT ?o WHERE { ?o a org:FormalOrganization ; skos:altLabel ?l }"
    prepareQuery(query)
    ox.Store().query(query)


def test_curies_use_the_longest_namespace() -> None:
    """Is an IRI under https://w3id.org/evkg/graph/ written graph:x, not something shorter?"""
    reg = registry(ROOT)
    assert reg.curie("https://w3id.org/evkg/graph/jsrm-press-release-2025-08-28") == (
        "graph:jsrm-press-release-2025-08-28"
    )
    assert reg.curie("https://w3id.org/evkg/graph/external/crossref/x") is None  # '/' is not a local name
    assert reg.expand("skos:prefLabel") == URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")


def test_the_committed_json_ld_context_is_up_to_date() -> None:
    """Is ontology/context.jsonld what scripts/generate_context.py writes from the registry and ontology?"""
    ontology = Graph().parse(ROOT / "ontology" / "evkg.ttl", format="turtle")
    expected = context_document(registry(ROOT), ontology)
    actual = (ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8")
    assert actual == expected, "run: python scripts/generate_context.py"


def test_the_json_ld_context_reads_a_bilingual_label() -> None:
    """Does our context turn {"skos:prefLabel": {"en": ..., "ja": ...}} into two language-tagged labels?"""
    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert {"skos:prefLabel", "rdfs:label"} <= set(context)
    assert set(LANGUAGE_MAPPED) <= set(context)
    doc = {
        "@context": context,
        "@id": "term:extracellular-vesicle",
        "skos:prefLabel": {"en": "extracellular vesicle", "ja": "細胞外小胞"},
    }
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    labels = {(str(o), o.language) for o in graph.objects()}
    assert labels == {("extracellular vesicle", "en"), ("細胞外小胞", "ja")}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('reg:a vann:preferredNamespacePrefix "ex" ; vann:preferredNamespaceUri "http://example.org/ns" .', "must end"),
        (
            'reg:a vann:preferredNamespacePrefix "ex" ; vann:preferredNamespaceUri "http://example.org/a/" .\n'
            'reg:b vann:preferredNamespacePrefix "ex" ; vann:preferredNamespaceUri "http://example.org/b/" .',
            "declared twice",
        ),
        (
            'reg:a vann:preferredNamespacePrefix "1ex" ; vann:preferredNamespaceUri "http://example.org/" .',
            "not a valid",
        ),
        ('reg:a vann:preferredNamespacePrefix "ex" .', "exactly one prefix and one namespace"),
    ],
    ids=["no-trailing-slash", "duplicate-prefix", "bad-prefix", "missing-namespace"],
)
def test_a_broken_registry_is_refused_with_the_file_name(tmp_path: Path, body: str, message: str) -> None:
    """Is a mistake in the registry itself reported, naming prefixes.ttl?"""
    path = tmp_path / "prefixes.ttl"
    path.write_text(
        "PREFIX vann: <http://purl.org/vocab/vann/>\nPREFIX reg: <https://w3id.org/evkg/prefixes#>\n" + body + "\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match=message) as info:
        read(path)
    assert "prefixes.ttl" in str(info.value)


def test_a_registry_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    """Does a typo in prefixes.ttl give FILE:LINE:COL?"""
    path = tmp_path / "prefixes.ttl"
    path.write_text("PREFIX vann: <http://purl.org/vocab/vann/>\n\nreg:a vann:x 'y' .\n", encoding="utf-8")
    with pytest.raises(SourceSyntaxError, match=r"prefixes\.ttl:3:1: "):
        read(path)
