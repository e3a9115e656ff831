"""Which facts does OWL 2 RL reasoning add, and do the owlrl reference and the fast engine agree?

Rule-named tests (OWL-RL style) for the entailments evkg relies on, run on both engines, and a
differential test: the filtered closures of owlrl and of the fast SPARQL engine are equal on the
bundled graph and on a test graph that exercises many rules.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import owl2rl_suite
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from evkg.data.prefixes import registry
from evkg.quality import owl2rl
from evkg.rdf.terms import to_rdflib

P = registry()
EVKG = P.namespace("evkg")
ORG = P.namespace("org")
ENGINES = ["fast", "owlrl"]

TEST_GRAPH = """
PREFIX evkg: <https://w3id.org/evkg/ontology/>
PREFIX ex: <https://example.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
evkg:signatory owl:inverseOf evkg:signed ; rdfs:subPropertyOf ex:party ;
    rdfs:domain evkg:Agreement ; rdfs:range org:Organization .
evkg:MemorandumOfUnderstanding rdfs:subClassOf evkg:Agreement . evkg:Agreement rdfs:subClassOf ex:Document .
org:subOrganizationOf a owl:TransitiveProperty .
ex:knows a owl:SymmetricProperty .
ex:sameName owl:equivalentProperty ex:alias .
ex:Society owl:equivalentClass ex:LearnedSociety .
ex:memberOfSociety owl:propertyChainAxiom ( ex:memberOf ex:partOf ) .
ex:BigSociety owl:intersectionOf ( ex:Society ex:Big ) .
ex:HasPresident owl:onProperty ex:president ; owl:someValuesFrom owl:Thing .
ex:Signed owl:onProperty ex:status ; owl:hasValue ex:signedStatus .
ex:mou a evkg:MemorandumOfUnderstanding ; evkg:signatory ex:jsrm , ex:isev ; ex:status ex:signedStatus .
ex:unit org:subOrganizationOf ex:dept . ex:dept org:subOrganizationOf ex:jsrm .
ex:jsrm ex:knows ex:isev ; ex:sameName "JSRM" ; a ex:Society , ex:Big ; ex:president ex:nishida .
ex:pat ex:memberOf ex:unit . ex:unit ex:partOf ex:dept .
"""


@cache
def closure_of(text: str, engine: str) -> owl2rl.Closure:
    g = Graph().parse(data=text, format="turtle")
    triples = set(g)
    return owl2rl.owlrl_closure(triples) if engine == "owlrl" else owl2rl_suite.closure_of(triples)


def ex(name: str) -> URIRef:
    return URIRef(f"https://example.org/{name}")


@pytest.fixture(params=ENGINES)
def inferred(request: pytest.FixtureRequest) -> set:
    return closure_of(TEST_GRAPH, request.param).triples


def test_prp_inv1_signatory_signed(inferred: set) -> None:
    """Which agreements has JSRM signed? (evkg:signed is inferred from evkg:signatory)"""
    assert (ex("jsrm"), EVKG.signed, ex("mou")) in inferred


def test_prp_spo1_signatory_is_a_party(inferred: set) -> None:
    assert (ex("mou"), ex("party"), ex("isev")) in inferred


def test_prp_dom_and_prp_rng_type_agreements_and_organisations(inferred: set) -> None:
    assert (ex("isev"), RDF.type, ORG.Organization) in inferred


def test_cax_sco_an_mou_is_an_agreement_and_a_document(inferred: set) -> None:
    assert (ex("mou"), RDF.type, EVKG.Agreement) in inferred
    assert (ex("mou"), RDF.type, ex("Document")) in inferred


def test_prp_trp_sub_organization_of(inferred: set) -> None:
    assert (ex("unit"), ORG.subOrganizationOf, ex("jsrm")) in inferred


def test_prp_symp_knows(inferred: set) -> None:
    assert (ex("isev"), ex("knows"), ex("jsrm")) in inferred


def test_prp_eqp1_equivalent_properties(inferred: set) -> None:
    assert (ex("jsrm"), ex("alias"), Literal("JSRM")) in inferred


def test_cax_eqc1_equivalent_classes(inferred: set) -> None:
    assert (ex("jsrm"), RDF.type, ex("LearnedSociety")) in inferred


def test_prp_spo2_property_chain(inferred: set) -> None:
    assert (ex("pat"), ex("memberOfSociety"), ex("dept")) in inferred


def test_cls_int1_intersection(inferred: set) -> None:
    assert (ex("jsrm"), RDF.type, ex("BigSociety")) in inferred


def test_cls_svf2_some_values_from_thing(inferred: set) -> None:
    assert (ex("jsrm"), RDF.type, ex("HasPresident")) in inferred


def test_cls_hv2_has_value(inferred: set) -> None:
    assert (ex("mou"), RDF.type, ex("Signed")) in inferred


def test_scm_sco_subclass_transitivity(inferred: set) -> None:
    assert (EVKG.MemorandumOfUnderstanding, RDFS.subClassOf, ex("Document")) in inferred


@pytest.mark.parametrize("engine", ENGINES)
def test_the_closure_keeps_no_literal_subjects_error_triples_or_axiomatic_noise(engine: str) -> None:
    """Is the closure free of literal subjects, owlrl error triples and reflexive/owl:Thing noise?"""
    result = closure_of(TEST_GRAPH, engine)
    for s, p, o in result.triples:
        assert not isinstance(s, Literal)
        assert not owl2rl.is_axiomatic((s, p, o))
        assert not (p in (OWL.sameAs, RDFS.subClassOf) and s == o)


def test_owlrl_and_the_fast_engine_agree_on_a_test_graph() -> None:
    """Do both engines entail exactly the same triples (modulo axiomatic ones) on the rule test graph?"""
    fast, ref = closure_of(TEST_GRAPH, "fast"), closure_of(TEST_GRAPH, "owlrl")
    assert fast.triples == ref.triples
    assert len(fast.triples) > 20


def test_owlrl_and_the_fast_engine_agree_on_the_bundled_graph(kg) -> None:
    """Do both engines entail exactly the same triples on the bundled graph?"""
    fast = owl2rl.closure(kg.store, kg.prefixes, engine="fast")
    ref = owl2rl.closure(kg.store, kg.prefixes, engine="owlrl")
    assert fast.triples == ref.triples, (sorted(fast.triples - ref.triples)[:5], sorted(ref.triples - fast.triples)[:5])
    assert fast.consistent and ref.consistent


RDFS_GRAPH = Path(__file__).resolve().parent / "fixtures" / "reasoning" / "rdfs.ttl"


def _owlrl_rdfs(triples: set) -> set:
    """What pySHACL's ``inference="rdfs"`` adds: owlrl with pyshacl.inference.CustomRDFSSemantics."""
    import owlrl
    from pyshacl.inference import CustomRDFSSemantics

    g = Graph()
    for triple in triples:
        g.add(triple)
    owlrl.DeductiveClosure(CustomRDFSSemantics).expand(g)
    return set(g) - triples


def test_rdfs_closure_adds_what_pyshacl_rdfs_inference_adds_on_a_test_graph() -> None:
    """Does evkg's RDFS closure add exactly the triples pySHACL's RDFS inference (owlrl) adds, literal
    subjects and schema grown from the data included?"""
    triples = set(Graph().parse(RDFS_GRAPH))
    ours, reference = owl2rl.rdfs_closure(triples), _owlrl_rdfs(triples)
    assert ours == reference, (sorted(ours - reference)[:5], sorted(reference - ours)[:5])
    assert (ex("jsev"), RDF.type, ex("Agent")) in ours  # ex:kind ⊑ rdf:type, Society ⊑ Organization ⊑ Agent
    assert (Literal("JSRM-ISEV MOU"), RDF.type, ex("Name")) in ours  # a literal typed by rdfs:range


def test_rdfs_closure_adds_what_pyshacl_rdfs_inference_adds_on_the_bundled_graph(kg) -> None:
    """The same on the bundled graph with the ontology (what evkg validate gives pySHACL)."""
    from evkg.data import layout
    from evkg.quality.inputs import ontology_graph, union_graph

    triples = set(union_graph(kg.store, kg.prefixes)) | set(ontology_graph(layout.resolve(kg.data.root)))
    ours = owl2rl.rdfs_closure(triples)
    assert ours == _owlrl_rdfs(triples)
    assert len(ours) > 1000


INCONSISTENT = """
PREFIX ex: <https://example.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
ex:Person owl:disjointWith ex:Organization .
ex:x a ex:Person , ex:Organization .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_cax_dw_an_inconsistency_is_reported_not_raised(engine: str) -> None:
    """Is a resource typed with two disjoint classes reported as an inconsistency (rule cax-dw)?"""
    result = closure_of(INCONSISTENT, engine)
    assert [i.rule for i in result.inconsistencies] == ["cax-dw"]
    assert not result.consistent


def test_the_closure_goes_to_its_own_named_graph(kg) -> None:
    """Is the closure kept out of the source graphs, in graph:_inferred?"""
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(kg.store.quads_for_pattern(None, None, None))
    before = {g.value for g in store.named_graphs()}
    result = owl2rl.closure(store, kg.prefixes, engine="fast")
    iri = owl2rl.materialize(store, result, kg.prefixes)
    assert iri == "https://w3id.org/evkg/graph/_inferred" and iri not in before
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))) == len(result.triples)


BLANKS = """
PREFIX ex: <https://example.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ex:quotes rdfs:domain ex:Document ; rdfs:range ex:Quote .
ex:release ex:quotes [ ex:exact "said _:b" ] , [ ex:exact "_:c" ] .
_:x ex:quotes ex:q1 .
ex:note rdfs:label "ends like a blank node _:z" .
"""


def test_the_store_engine_keeps_blank_nodes_and_literals_that_look_like_them() -> None:
    """Does the fast engine on a store infer about the store's own blank nodes (the very same ones),
    and leave a literal such as "said _:b" a literal? The same closure as owlrl's."""
    store = ox.Store()
    store.load(BLANKS.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/g"))
    fast = owl2rl.closure(store, engine="fast")
    reference = owl2rl.closure(store, engine="owlrl")
    assert fast.triples == reference.triples
    stored = {to_rdflib(q.object) for q in store.quads_for_pattern(None, ox.NamedNode(str(ex("quotes"))), None)}
    typed = {s for s, p, o in fast.triples if p == RDF.type and o == ex("Quote")}
    assert stored <= typed and sum(isinstance(n, BNode) for n in typed) == 2
    assert not any(isinstance(s, Literal) for s, _, _ in fast.triples)
