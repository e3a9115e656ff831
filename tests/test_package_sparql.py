"""Can users ask SPARQL questions safely: parameters bound as RDF terms, and no remote calls?"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from evkg.errors import EvkgError, QuerySyntaxError, UsageError
from evkg.query.engine import check_query

ISEV = URIRef("https://w3id.org/evkg/id/organization/isev")


def test_which_organisations_signed_the_mou_with_isev(fixture_kg) -> None:
    """Which organisations signed an agreement with ISEV (ISEV bound as an rdflib IRI)?"""
    rows = fixture_kg.sparql(
        "SELECT ?org ?party WHERE { ?a evkg:signatory ?org , ?party FILTER(?party != ?org) } ORDER BY ?party",
        org=ISEV,
    )
    assert [r["party"].value for r in rows] == ["https://w3id.org/evkg/id/organization/jsrm"]


def test_a_literal_parameter_is_a_term_not_text(fixture_kg) -> None:
    """Is a bound label matched as a language-tagged literal, quotes and all, never pasted into the query?"""
    query = "SELECT ?org ?name WHERE { ?org skos:prefLabel ?name }"
    rows = list(fixture_kg.sparql(query, name=Literal("International Society for Extracellular Vesicles", lang="en")))
    assert [r["org"].value for r in rows] == [str(ISEV)]
    injected = Literal('x" } UNION { ?org ?p ?name } #', lang="en")
    assert list(fixture_kg.sparql(query, name=injected)) == []
    assert list(fixture_kg.sparql(query, bindings={"name": ox.Literal("国際細胞外小胞学会", language="ja")}))


def test_a_python_string_is_not_accepted_as_a_parameter(fixture_kg) -> None:
    """Does a plain str (which could be an IRI or a literal) get refused with a clear message?"""
    with pytest.raises(UsageError, match="pass an RDF term"):
        fixture_kg.sparql("SELECT ?org WHERE { ?org a org:FormalOrganization }", org="organization:isev")


def test_default_graph_is_the_union_and_graph_still_works(fixture_kg) -> None:
    """Does a query without GRAPH see every source, and GRAPH ?g tell which source says it?"""
    (row,) = fixture_kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s a skos:Concept }")
    assert int(row["n"].value) == 3
    rows = fixture_kg.sparql("SELECT ?g WHERE { GRAPH ?g { organization:isev a org:FormalOrganization } }")
    assert [r["g"].value for r in rows] == ["https://w3id.org/evkg/graph/jsrm-press-release-2025-08-28"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "SELECT * WHERE { # comment\n SERVICE ?endpoint { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_before_anything_is_sent(fixture_kg, query: str) -> None:
    """Is a federated query (SERVICE) refused, in every spelling, instead of calling another server?"""
    with pytest.raises(QuerySyntaxError, match="SERVICE is not allowed"):
        fixture_kg.sparql(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a <http://example.org/SERVICE> }",
        'SELECT * WHERE { ?s rdfs:comment "uses a SERVICE clause" }',
        "SELECT * WHERE { ?s ex:SERVICE ?o } # SERVICE in a comment",
        "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:x ?o }",
    ],
)
def test_the_word_service_elsewhere_is_fine(query: str) -> None:
    """Is 'service' as a variable, a name, a string or a comment left alone?"""
    check_query(query)


def test_a_syntax_error_is_one_clear_line(fixture_kg) -> None:
    """Does a broken query say where it breaks, in one line?"""
    with pytest.raises(QuerySyntaxError) as info:
        fixture_kg.sparql("SELECT * WHERE { ?s ?p }")
    message = str(info.value)
    assert message.startswith("SPARQL syntax error at 1:")
    assert "\n" not in message


def test_ask_and_construct_results(fixture_kg) -> None:
    """Do ASK and CONSTRUCT give a boolean and triples?"""
    assert bool(fixture_kg.sparql("ASK { organization:jsrm skos:altLabel 'JSRM'@ja }"))
    triples = list(
        fixture_kg.sparql("CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c a skos:Concept ; skos:prefLabel ?l }")
    )
    # 3 concepts x (en, ja); the English label stated in two graphs is one triple
    assert len(triples) == 6 and all(isinstance(t, ox.Triple) for t in triples)


def test_a_binding_the_query_does_not_project_is_an_error(fixture_kg) -> None:
    """Is a misspelt parameter name reported rather than silently ignored?"""
    with pytest.raises(EvkgError, match=r"cannot bind \?orgg: it is not in the SELECT clause"):
        fixture_kg.sparql("SELECT ?org WHERE { ?org a org:FormalOrganization }", orgg=ISEV)


def test_a_query_asked_again_still_gets_the_registry_prefixes_it_needs(fixture_kg) -> None:
    """Do a query relying on the registry's prefixes and one declaring its own both answer, every time?"""
    relying = "ASK { organization:jsrm skos:altLabel 'JSRM'@ja }"
    declaring = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "ASK { <https://w3id.org/evkg/id/organization/jsrm> skos:altLabel 'JSRM'@ja }"
    )
    for _ in range(2):  # the second time the engine remembers which texts need the registry
        assert bool(fixture_kg.sparql(relying)) and bool(fixture_kg.sparql(declaring))
    for _ in range(2):
        with pytest.raises(QuerySyntaxError, match="at 1:"):
            fixture_kg.sparql("SELECT * WHERE { ?s skos:prefLabel }")
