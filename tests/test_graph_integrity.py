"""Whole-graph checks of the curated data (every file, every term, every instance: no samples).

- every RDF file parses with rdflib and with pyoxigraph;
- every named graph describes its own provenance;
- every own ontology term is bilingual, defined, and linked to the vocabulary it extends;
- every instance in our id/ namespace has a label in English and in Japanese;
- every source graph keeps an archived copy of its source (graph/_sources/), with where, when and its SHA-256;
- every quote is the exact wording of its archived source; every translation says what it translates;
- every identifier is well formed and printed in its archived source (never invented); no owl:sameAs anywhere;
- no source graph cites a site root or an IRI of our own as its source.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from evkg.data import identifiers

REPO = Path(__file__).resolve().parents[1]
GRAPH_DIR = REPO / "graph"
ONTOLOGY = REPO / "ontology" / "evkg.ttl"

EVKG = Namespace("https://w3id.org/evkg/ontology/")
ID = "https://w3id.org/evkg/id/"
GRAPH_NS = "https://w3id.org/evkg/graph/"
OA = Namespace("http://www.w3.org/ns/oa#")

GRAPH_FILES = sorted(p for p in GRAPH_DIR.rglob("*.ttl") if not p.name.startswith("_"))
RDF_FILES = sorted([*REPO.joinpath("ontology").rglob("*.ttl"), *GRAPH_FILES])


def graph_iri(path: Path) -> URIRef:
    return URIRef(GRAPH_NS + path.relative_to(GRAPH_DIR).with_suffix("").as_posix())


@functools.cache
def parse(path: Path) -> rdflib.Graph:
    """The file's triples (cached: tests only read them)."""
    g = rdflib.Graph(bind_namespaces="none")
    g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def union() -> rdflib.Graph:
    g = rdflib.Graph(bind_namespaces="none")
    for path in GRAPH_FILES:
        g += parse(path)
    return g


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return parse(ONTOLOGY)


def test_there_is_a_graph_to_check():
    assert len(GRAPH_FILES) >= 10


@pytest.mark.parametrize("path", RDF_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_rdf_file_parses_with_rdflib_and_pyoxigraph_to_the_same_triples(path):
    g = parse(path)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(g) > 0
    assert len(store) == len(g)


@pytest.mark.parametrize("path", GRAPH_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_named_graph_says_where_it_comes_from(path):
    g = parse(path)
    me = graph_iri(path)
    assert (me, RDF.type, EVKG.SourceGraph) in g or (me, RDF.type, EVKG.TranslationGraph) in g, f"{me} is not described"
    for prop in (PROV.wasDerivedFrom, PROV.generatedAtTime, PROV.wasAttributedTo, DCTERMS.license, EVKG.evidenceGrade):
        assert g.value(me, prop) is not None, f"{path.name}: {me} has no {prop}"
    assert {lit.language for lit in g.objects(me, RDFS.label)} >= {"en", "ja"}


def test_every_translation_graph_names_the_graph_it_translates(union):
    for g in union.subjects(RDF.type, EVKG.TranslationGraph):
        assert (union.value(g, EVKG.translationOfGraph), RDF.type, EVKG.SourceGraph) in union


def _own_terms(ontology: rdflib.Graph) -> list[URIRef]:
    return sorted(
        {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(EVKG)) and s != URIRef(str(EVKG))}
    )


def test_every_own_term_is_bilingual_defined_and_linked_to_what_it_extends(ontology):
    problems = []
    for term in _own_terms(ontology):
        labels = {lit.language for lit in ontology.objects(term, RDFS.label)}
        defs = {lit.language for lit in ontology.objects(term, SKOS.definition)}
        if not {"en", "ja"} <= labels:
            problems.append(f"{term}: labels {labels}")
        if not {"en", "ja"} <= defs:
            problems.append(f"{term}: definitions {defs}")
        if ontology.value(term, RDFS.isDefinedBy) != URIRef(str(EVKG)):
            problems.append(f"{term}: rdfs:isDefinedBy")
        types = set(ontology.objects(term, RDF.type))
        if OWL.Class in types and ontology.value(term, RDFS.subClassOf) is None:
            problems.append(f"{term}: no rdfs:subClassOf")
        if types & {OWL.ObjectProperty, OWL.DatatypeProperty} and ontology.value(term, RDFS.subPropertyOf) is None:
            problems.append(f"{term}: no rdfs:subPropertyOf")
    assert not problems, "\n".join(problems)


def test_every_own_term_used_in_the_graph_is_declared(union, ontology):
    declared = set(_own_terms(ontology))
    used = {t for triple in union for t in triple if isinstance(t, URIRef) and t.startswith(str(EVKG))}
    assert used - declared == set()


def test_the_ontology_header_has_version_licence_and_namespace(ontology):
    onto = URIRef(str(EVKG))
    for prop in (
        OWL.versionIRI,
        OWL.versionInfo,
        DCTERMS.license,
        DCTERMS.created,
        DCTERMS.modified,
        URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"),
    ):
        assert ontology.value(onto, prop) is not None, prop


def _instances(g: rdflib.Graph) -> set[URIRef]:
    """Things of ours: https://w3id.org/evkg/id/{kind}/{slug} (structural sub-nodes excluded)."""
    out = set()
    for triple in g:
        for t in (triple[0], triple[2]):
            if isinstance(t, URIRef) and t.startswith(ID):
                rest = t[len(ID) :]
                if rest.count("/") == 1 and "#" not in rest:
                    out.add(t)
    return out


#: Things whose label is a proper name: a name that is the same in both languages is written once, in the
#: language of the source that prints it (decision 0004): a Latin-script name needs no @ja label of its own.
NAMED = {
    URIRef("http://xmlns.com/foaf/0.1/Person"),
    URIRef("https://schema.org/Person"),
    URIRef("http://www.w3.org/ns/org#FormalOrganization"),
    URIRef("https://schema.org/Organization"),
    URIRef("http://purl.org/spar/fabio/Journal"),
    URIRef("https://schema.org/Periodical"),
}


def test_every_instance_has_a_label_in_english_and_in_japanese(union):
    """Both languages; a person's, organisation's or journal's name that is the same in both: in English only; a
    term no Japanese source names (evkg:EnglishOnlyTerm): in English only, never with a Japanese name of ours."""
    missing = []
    english_only = URIRef("https://w3id.org/evkg/ontology/EnglishOnlyTerm")
    for thing in sorted(_instances(union)):
        langs = {lit.language for lit in union.objects(thing, RDFS.label)}
        types = set(union.objects(thing, RDF.type))
        named = bool(types & NAMED)
        if english_only in types:
            if langs != {"en"}:
                missing.append(f"{thing} {sorted(x or '-' for x in langs)} (English only)")
        elif not ({"en", "ja"} <= langs or (named and "en" in langs)):
            missing.append(f"{thing} {sorted(x or '-' for x in langs)}")
    assert not missing, "\n".join(missing)


def test_every_instance_is_typed(union):
    untyped = [t for t in _instances(union) if union.value(t, RDF.type) is None]
    assert not untyped


def test_every_concept_has_one_preferred_label_per_language(union):
    problems = []
    for c in set(union.subjects(RDF.type, SKOS.Concept)):
        if not str(c).startswith(ID):
            continue
        langs = [lit.language for lit in union.objects(c, SKOS.prefLabel)]
        english_only = (c, RDF.type, URIRef("https://w3id.org/evkg/ontology/EnglishOnlyTerm")) in union
        wanted = {"en"} if english_only else {"en", "ja"}
        if sorted(set(langs)) != sorted(langs) or not wanted <= set(langs) or (english_only and "ja" in langs):
            problems.append(f"{c}: {langs}")
    assert not problems, "\n".join(problems)


def _fold(text: str) -> str:
    """The only differences a quote may have from its archived text: Unicode NFKC and runs of whitespace."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _archive_of(path: Path) -> tuple[rdflib.Graph, URIRef, Path | None]:
    g = parse(path)
    me = graph_iri(path)
    copy = g.value(me, EVKG.archivedCopy)
    name = g.value(copy, EVKG.archiveFile) if copy is not None else None
    return g, me, (GRAPH_DIR / "_sources" / str(name)) if name is not None else None


SOURCE_GRAPHS = [p for p in GRAPH_FILES if (graph_iri(p), EVKG.evidenceGrade, EVKG.curatorsWork) not in parse(p)]


@pytest.mark.parametrize("path", SOURCE_GRAPHS, ids=lambda p: p.stem)
def test_every_source_graph_keeps_the_text_its_curator_read_with_where_when_and_its_hash(path):
    g, me, archive = _archive_of(path)
    assert archive is not None and archive.is_file(), f"{path.name}: no archived copy under graph/_sources/"
    assert archive.name.startswith(path.stem + "."), f"{archive.name} is not named after its graph"
    copy = g.value(me, EVKG.archivedCopy)
    pav = Namespace("http://purl.org/pav/")
    spdx = Namespace("http://spdx.org/rdf/terms#")
    assert g.value(copy, pav.retrievedFrom) is not None and g.value(copy, pav.retrievedOn) is not None
    assert g.value(copy, DCTERMS.license) is not None or g.value(copy, DCTERMS.rights) is not None
    digest = str(g.value(g.value(copy, spdx.checksum), spdx.checksumValue))
    assert digest == hashlib.sha256(archive.read_bytes()).hexdigest(), f"{archive.name} changed since it was recorded"


@pytest.mark.parametrize("path", SOURCE_GRAPHS, ids=lambda p: p.stem)
def test_every_quote_is_the_exact_wording_of_its_archived_source(path):
    g, me, archive = _archive_of(path)
    assert archive is not None
    text = _fold(archive.read_text(encoding="utf-8"))
    quotes = [str(o) for o in g.objects(None, OA.exact)] + [str(o) for o in g.objects(None, EVKG.nameAsPrinted)]
    assert [q for q in quotes if _fold(q) not in text] == []


def test_the_press_release_is_quoted_at_least_fifteen_times(union):
    release = URIRef(ID + "document/jsrm-press-release-2025-08-28")
    assert len(list(union.objects(None, OA.hasSource))) >= 20
    assert len([t for t in union.subjects(OA.hasSource, release)]) >= 15


def test_no_source_graph_cites_a_site_root_or_an_iri_of_our_own():
    bad = []
    for path in GRAPH_FILES:
        for source in parse(path).objects(graph_iri(path), PROV.wasDerivedFrom):
            url = urlsplit(str(source))
            segments = [s for s in url.path.split("/") if s]
            if (
                str(source).startswith("https://w3id.org/evkg/")
                or not segments
                or (url.netloc == "github.com" and len(segments) <= 2)
            ):
                bad.append(f"{path.name}: {source}")
    assert not bad, "\n".join(bad)


def test_every_evidence_has_a_statement_a_source_and_an_exact_quote(union):
    for e in union.subjects(RDF.type, EVKG.Evidence):
        bodies = list(union.objects(e, OA.hasBody))
        assert bodies, e
        for b in bodies:
            assert union.value(b, RDF.subject) is not None and union.value(b, RDF.predicate) is not None, e
        target = union.value(e, OA.hasTarget)
        assert union.value(target, OA.hasSource) is not None, e
        assert str(union.value(union.value(target, OA.hasSelector), OA.exact) or ""), e


def test_every_quoted_statement_is_asserted_in_the_graph(union):
    """A quote backs a statement that the graph makes (not a statement nobody asserts)."""
    unasserted = []
    for e in union.subjects(RDF.type, EVKG.Evidence):
        for b in union.objects(e, OA.hasBody):
            s, p, o = union.value(b, RDF.subject), union.value(b, RDF.predicate), union.value(b, RDF.object)
            if (s, p, o) not in union:
                unasserted.append(f"{e}: {s} {p} {o}")
    assert not unasserted, "\n".join(unasserted)


def test_every_translation_says_what_it_translates_and_who_translated_it(union):
    problems = []
    for t in union.subjects(RDF.type, EVKG.Translation):
        if union.value(t, EVKG.isTranslationOf) is None or union.value(t, EVKG.translator) is None:
            problems.append(str(t))
        if union.value(t, RDF.value) is None:
            problems.append(f"{t}: no text")
    assert not problems, "\n".join(problems)


def test_every_text_in_a_translation_graph_is_marked_as_a_translation():
    for path in GRAPH_FILES:
        g = parse(path)
        if (graph_iri(path), RDF.type, EVKG.TranslationGraph) not in g:
            continue
        for text in g.subjects(RDF.value, None):
            assert (text, RDF.type, EVKG.Translation) in g, f"{path.name}: {text} is not marked as a translation"


def test_every_text_and_definition_has_a_language_tag(union):
    untagged = [
        (s, p)
        for s, p, o in union.triples((None, None, None))
        if p in (RDF.value, SKOS.definition, SKOS.prefLabel, RDFS.label, DCTERMS.title)
        and isinstance(o, Literal)
        and not o.language
    ]
    assert not untagged


IDENTIFIER_PROPERTIES = {
    EVKG.doi: identifiers.normalize_doi,
    EVKG.pmid: identifiers.normalize_pmid,
    EVKG.pmcid: identifiers.normalize_pmcid,
    EVKG.orcid: identifiers.normalize_orcid,
    URIRef("http://prismstandard.org/namespaces/basic/2.0/issn"): identifiers.normalize_issn,
    URIRef("http://prismstandard.org/namespaces/basic/2.0/eIssn"): identifiers.normalize_issn,
}


def test_every_identifier_is_well_formed_and_normalised(union):
    seen = 0
    for prop, normalize in IDENTIFIER_PROPERTIES.items():
        for value in union.objects(None, prop):
            assert normalize(str(value)) == str(value), f"{prop} {value!r} is not in normalised form"
            seen += 1
    assert seen >= 15


@pytest.mark.parametrize("path", SOURCE_GRAPHS, ids=lambda p: p.stem)
def test_no_identifier_is_invented_every_one_is_printed_in_its_archived_source(path):
    """Each identifier literal is in the graph's archived text, or keys the registry address it was read from."""
    g, me, archive = _archive_of(path)
    assert archive is not None
    text = _fold(archive.read_text(encoding="utf-8")).lower()
    retrieved = str(g.value(g.value(me, EVKG.archivedCopy), URIRef("http://purl.org/pav/retrievedFrom"))).lower()
    missing = []
    for prop in IDENTIFIER_PROPERTIES:
        for value in g.objects(None, prop):
            v = str(value).lower()
            if v not in text and not re.search(rf"/{re.escape(v)}(/|$)", retrieved):
                missing.append(f"{prop} {value}")
    assert not missing, "\n".join(missing)


def test_no_owl_same_as_anywhere(union):
    assert not list(union.triples((None, OWL.sameAs, None)))


def test_no_blank_node_has_identity_that_users_need(union):
    """Agreements, organisations, people, documents and terms are IRIs, never blank nodes."""
    for cls in (
        EVKG.Agreement,
        EVKG.MemorandumOfUnderstanding,
        URIRef("http://www.w3.org/ns/org#FormalOrganization"),
        URIRef("http://xmlns.com/foaf/0.1/Person"),
        SKOS.Concept,
        EVKG.GuidanceDocument,
        EVKG.Definition,
    ):
        assert all(isinstance(s, URIRef) for s in union.subjects(RDF.type, cls)), cls
