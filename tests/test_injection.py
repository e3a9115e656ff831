"""Hostile parameter values are rejected or bound harmlessly, on every engine.

A value is only ever an RDF term: an IRI is validated (no spaces, braces, quotes, newlines), a
string becomes one literal. So `} ; DROP ALL`, quotes, braces and newlines find nothing, add no
rows, and leave the store exactly as it was (checked by a fingerprint of every quad).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from evkg.data.prefixes import registry
from evkg.query.engines import RdflibEngine, inline_bindings
from evkg.query.helpers import QueryHelpers, QueryParameterError, discover

REPO = Path(__file__).resolve().parents[1]
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
}

HOSTILE_STRINGS = [
    '"',
    "'",
    '"} ; DROP ALL ; SELECT * WHERE { ?s ?p ?o',
    "} ; DROP ALL",
    '" ) } INSERT DATA { <urn:x> <urn:y> <urn:z> } #',
    'x"\n} \nDELETE WHERE { ?s ?p ?o }\n#',
    '\\" || true || \\"',
    "{ }",
    "line one\nline two\r\n",
    "' . ?s ?p ?o . FILTER('",
]
HOSTILE_IRIS = [
    "https://w3id.org/evkg/id/organization/jsrm> . ?s ?p ?o . <x:y",
    "https://w3id.org/evkg/id/organization/ js rm",
    "https://w3id.org/evkg/id/organization/{jsrm}",
    'https://w3id.org/evkg/id/organization/jsrm"',
    "https://w3id.org/evkg/id/organization/jsrm\n} DROP ALL",
    "organization:jsrm } ; DROP ALL",
    "not an iri",
]
HOSTILE_LANGS = ['en") } DROP ALL #', "en\n", "e n", "*", ""]


def fingerprint(engine) -> str:
    """SHA-256 over every quad of the dataset, sorted."""
    lines = sorted(f"{q.subject} {q.predicate} {q.object} {q.graph_name}" for q in engine.quads())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def labels_containing(engine, text: str) -> set[str]:
    """The oracle: resources with a label containing ``text`` (case-insensitive), found in Python."""
    needle = text.lower()
    return {
        q.subject.value
        for q in engine.quads()
        if q.predicate.value in LABELS and isinstance(q.object, ox.Literal) and needle in q.object.value.lower()
    }


@pytest.fixture(scope="module")
def engines(kg, data_dir, oxigraph, virtuoso):
    """The helpers on the embedded store, on rdflib, and on real servers (Oxigraph, Virtuoso) over HTTP."""
    import evkg

    specs, prefixes = discover(data_dir), registry(data_dir)
    rdf = QueryHelpers(RdflibEngine.from_data(data_dir), specs, prefixes)
    assert oxigraph.load.returncode == 0 and virtuoso.load.returncode == 0, oxigraph.load.stderr + virtuoso.load.stderr
    server, vt = evkg.connect(oxigraph.endpoint), evkg.connect(virtuoso.endpoint)
    yield {
        "pyoxigraph": (kg.queries, kg.engine),
        "rdflib": (rdf, rdf._engine),
        "server": (server.queries, server.engine),
        "virtuoso": (vt.queries, vt.engine),
    }
    server.engine.close()
    vt.engine.close()


@pytest.mark.parametrize("engine_name", ["pyoxigraph", "rdflib", "server", "virtuoso"])
def test_hostile_search_text_is_one_literal_and_changes_nothing(engines, engine_name, kg):
    """Does a search for quotes, braces, `} ; DROP ALL` or newlines find only real matches and change nothing?"""
    helpers, engine = engines[engine_name]
    before = fingerprint(engine)
    # rdflib takes seconds per label search: it gets the two most hostile values, the others all ten
    values = [HOSTILE_STRINGS[i] for i in (2, 5)] if engine_name == "rdflib" else HOSTILE_STRINGS
    for text in values:
        rows = helpers.label_search(text=text)
        assert {str(r.resource) for r in rows} == labels_containing(kg.engine, text), repr(text)
        assert all(text.lower() in str(r.matched).lower() for r in rows)
    assert fingerprint(engine) == before


@pytest.mark.parametrize("engine_name", ["pyoxigraph", "rdflib", "server"])
@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_an_iri_with_spaces_braces_or_quotes_is_rejected(engines, engine_name, value):
    """Is an IRI parameter with spaces, braces, quotes or newlines refused before anything runs?"""
    helpers, _ = engines[engine_name]
    with pytest.raises(QueryParameterError, match="parameter org="):
        helpers.organization_profile(org=value)


@pytest.mark.parametrize("value", HOSTILE_LANGS)
def test_a_hostile_language_tag_is_rejected(engines, value):
    """Is a lang value that is not a language tag refused?"""
    helpers, _ = engines["server"]
    with pytest.raises(QueryParameterError, match="language tag"):
        helpers.organization_profile(org="organization:jsrm", lang=value)


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_an_inlined_value_comes_back_intact_as_one_row(text):
    """Does a hostile value written into a VALUES block come back unchanged, as exactly one row?"""
    query = inline_bindings("SELECT ?t WHERE { }", {"t": ox.Literal(text)})
    rows = list(ox.Store().query(query))
    assert len(rows) == 1 and rows[0]["t"] == ox.Literal(text)


def test_a_string_parameter_is_never_pasted_into_the_query_text(kg):
    """Is the query text the same whatever the parameter value (bound, never formatted in)?"""
    seen = []

    class Spy:
        name = "spy"

        def query(self, query, bindings=None):
            seen.append((query, dict(bindings or {})))
            return kg.engine.query(query, bindings)

    helpers = QueryHelpers(Spy(), discover(REPO), registry(REPO))
    for text in HOSTILE_STRINGS[:3]:
        helpers.label_search(text=text)
    assert len({q for q, _ in seen}) == 1
    assert [b["text"] for _, b in seen] == [ox.Literal(t) for t in HOSTILE_STRINGS[:3]]
