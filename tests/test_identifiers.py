"""Is every external identifier normalised and checked the same way everywhere?

Vectors: tests/fixtures/identifiers/{valid,invalid}.txt (kind<TAB>input<TAB>expected).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from evkg.data import identifiers as ids

FIXTURES = Path(__file__).parent / "fixtures" / "identifiers"
ROOT = Path(__file__).parents[1]


def _vectors(name: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, value, expected = line.split("\t")
        rows.append((kind, value, expected))
    return rows


VALID = _vectors("valid.txt")
INVALID = _vectors("invalid.txt")


@pytest.mark.parametrize(("kind", "value", "expected"), VALID, ids=[f"{k}:{v.strip()}" for k, v, _ in VALID])
def test_what_is_the_normalised_form_of_a_valid_identifier(kind: str, value: str, expected: str) -> None:
    """Given an identifier as users write it, which literal does the graph store?"""
    assert ids.normalize(kind, value) == expected
    assert ids.is_valid(kind, value)
    # normalising is idempotent and the result matches the exported pattern
    assert ids.normalize(kind, expected) == expected
    assert re.fullmatch(ids.PATTERNS[kind], expected)


@pytest.mark.parametrize(("kind", "value", "phrase"), INVALID, ids=[f"{k}:{v}" for k, v, _ in INVALID])
def test_why_is_an_invalid_identifier_rejected(kind: str, value: str, phrase: str) -> None:
    """Given a malformed identifier, does the error say which kind, which value and what is wrong?"""
    with pytest.raises(ids.IdentifierError) as caught:
        ids.normalize(kind, value)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert phrase in message
    assert ids.LABELS[kind] in message
    assert repr(value) in message
    assert "\n" not in message
    assert not ids.is_valid(kind, value)


def test_every_kind_has_valid_and_invalid_vectors() -> None:
    """Are all identifier kinds covered by both fixture files?"""
    assert {k for k, _, _ in VALID} == set(ids.KINDS)
    assert {k for k, _, _ in INVALID} == set(ids.KINDS)


@pytest.mark.parametrize("kind", ids.KINDS)
def test_are_the_patterns_portable_to_sparql_and_shacl_engines(kind: str) -> None:
    """Does pyoxigraph's SPARQL REGEX (an XPath-style engine, not Python re) accept the same values?"""
    pattern = ids.PATTERNS[kind]
    assert pattern.startswith("^") and pattern.endswith("$")
    # \d \w \s mean Unicode classes in XPath, (?...) groups and \A \Z anchors do not exist there
    assert not re.search(r"\\[dwsAZ]|(?<!\\)\(\?", pattern), f"{kind}: Python-only syntax in {pattern}"
    samples = [expected for k, _, expected in VALID if k == kind]
    samples += [value for k, value, _ in INVALID if k == kind]
    store = pyoxigraph.Store()
    values = " ".join(str(pyoxigraph.Literal(s)) for s in samples)
    query = f"SELECT ?v ?p WHERE {{ VALUES ?v {{ {values} }} FILTER(REGEX(?v, ?p)) }}"
    matched = {
        row["v"].value
        for row in store.query(query, substitutions={pyoxigraph.Variable("p"): pyoxigraph.Literal(pattern)})
    }
    assert matched == {s for s in samples if re.fullmatch(pattern, s)}
    assert matched >= {expected for k, _, expected in VALID if k == kind}


@pytest.mark.parametrize(
    ("builder", "value", "expected"),
    [
        (ids.doi_iri, "DOI:10.1002/JEV2.12404", "https://doi.org/10.1002/jev2.12404"),
        (ids.pubmed_iri, "38326288", "https://pubmed.ncbi.nlm.nih.gov/38326288/"),
        (ids.pmc_iri, "pmc10850029", "https://pmc.ncbi.nlm.nih.gov/articles/PMC10850029/"),
        (ids.orcid_iri, "0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"),
        (ids.ror_iri, "04xfq0f34", "https://ror.org/04xfq0f34"),
        (ids.issn_iri, "2001-3078", "https://portal.issn.org/resource/ISSN/2001-3078"),
        (ids.wikidata_iri, "Q42", "http://www.wikidata.org/entity/Q42"),
        (ids.go_iri, "GO:1903561", "http://purl.obolibrary.org/obo/GO_1903561"),
        (ids.mesh_iri, "D055354", "http://id.nlm.nih.gov/mesh/D055354"),
        (ids.ncit_iri, "C12345", "http://purl.obolibrary.org/obo/NCIT_C12345"),
    ],
)
def test_which_resolvable_iri_does_an_identifier_link_to(builder, value: str, expected: str) -> None:
    """Which IRI does a user follow to reach the external record?"""
    assert builder(value) == URIRef(expected)


def test_iri_builders_refuse_malformed_identifiers() -> None:
    """Can a malformed identifier sneak into the graph as an IRI?"""
    with pytest.raises(ids.IdentifierError):
        ids.orcid_iri("0000-0003-1746-1278")
    with pytest.raises(ids.IdentifierError):
        ids.iri("pii", "S0167-7799(20)30118-9")


def test_resolver_bases_agree_with_the_prefix_registry() -> None:
    """Do the resolver bases that are also registered prefixes (wd, obo, mesh) use the registry's IRIs?"""
    registry = Graph().parse(ROOT / "ontology" / "prefixes.ttl")
    vann = Namespace("http://purl.org/vocab/vann/")
    prefixes = {
        str(registry.value(node, vann.preferredNamespacePrefix)): str(uri)
        for node, uri in registry.subject_objects(vann.preferredNamespaceUri)
    }
    shared = set(ids.RESOLVERS) & set(prefixes)
    assert shared >= {"wd", "obo", "mesh"}
    for prefix in shared:
        assert ids.RESOLVERS[prefix] == prefixes[prefix], prefix


def test_doi_slug_is_a_stable_lowercase_ascii_slug() -> None:
    """Which slug does a publication minted from a DOI get?"""
    assert ids.doi_slug("https://doi.org/10.1016/S0167-7799(20)30118-9") == "10-1016-s0167-7799-20-30118-9"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ids.doi_slug("10.3402/jev.v3.26913"))


# identifier properties of the ontology and the kind whose pattern their shapes must use
_PROPERTY_KIND = {
    "doi": "doi",
    "pmid": "pmid",
    "pmcid": "pmcid",
    "orcid": "orcid",
    "rorId": "ror",
    "wikidataId": "wikidata",
    "pii": "pii",
}


def test_shacl_shapes_use_the_same_identifier_patterns() -> None:
    """Do the SHACL shapes check identifiers with exactly the patterns this module exports?"""
    shape_files = sorted((ROOT / "ontology").glob("shapes*.ttl")) + sorted(
        (ROOT / "ontology" / "shapes").glob("**/*.ttl")
    )
    shapes = Graph()
    for path in shape_files:
        shapes.parse(path)
    evkg = Namespace("https://w3id.org/evkg/ontology/")
    prism = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
    kinds = {evkg[local]: kind for local, kind in _PROPERTY_KIND.items()}
    kinds[prism.issn] = kinds[prism.eIssn] = "issn"
    seen = 0
    for shape, path in shapes.subject_objects(SH.path):
        kind = kinds.get(path)
        pattern = shapes.value(shape, SH.pattern)
        if kind is None or pattern is None:
            continue
        seen += 1
        assert isinstance(pattern, Literal)
        assert str(pattern) == ids.PATTERNS[kind], f"{path}: shapes use {pattern}, identifiers.py {ids.PATTERNS[kind]}"
    if not seen:
        pytest.skip("no SHACL shape declares an identifier pattern yet")
