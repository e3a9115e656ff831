"""The SPARQL 1.1 Protocol endpoint of ``evkg serve``, in process: every request form, every
result format, every error status (the hostile cases are in test_serve_hostile.py)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from serve_support import TEST_MAX_RESULTS

EVKG = "https://w3id.org/evkg/"
MOU = EVKG + "id/agreement/jsrm-isev-mou-2025"
PRESS = EVKG + "graph/jsrm-press-release-2025-08-28"
SIGNATORIES = f"""PREFIX evkg: <{EVKG}ontology/>
SELECT ?party ?date WHERE {{ <{MOU}> evkg:signatory ?party ; evkg:signingDate ?date }} ORDER BY ?party"""
EXPECTED_PARTIES = [EVKG + "id/organization/isev", EVKG + "id/organization/jsrm"]
CONSTRUCT = (
    f"PREFIX evkg: <{EVKG}ontology/> CONSTRUCT {{ <{MOU}> evkg:signatory ?p }} WHERE {{ <{MOU}> evkg:signatory ?p }}"
)
SRJ = "application/sparql-results+json"


def parties_from_json(body: bytes) -> list[str]:
    doc = json.loads(body)
    return [b["party"]["value"] for b in doc["results"]["bindings"]]


def test_who_signed_the_mou_with_a_get_request_in_sparql_json(serve_client) -> None:
    """Which organisations signed the JSRM-ISEV MOU, and when? (GET, SPARQL JSON)"""
    r = serve_client.get("/sparql", params={"query": SIGNATORIES}, headers={"Accept": SRJ})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(SRJ)
    assert parties_from_json(r.content) == EXPECTED_PARTIES
    dates = {b["date"]["value"] for b in r.json()["results"]["bindings"]}
    assert dates == {"2025-07-20"}
    assert "Accept" in r.headers["vary"]


def test_the_same_question_by_post_urlencoded_and_by_post_sparql_query(serve_client) -> None:
    form = serve_client.post("/sparql", data={"query": SIGNATORIES}, headers={"Accept": SRJ})
    direct = serve_client.post(
        "/sparql",
        content=SIGNATORIES.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": SRJ},
    )
    assert form.status_code == direct.status_code == 200
    assert parties_from_json(form.content) == parties_from_json(direct.content) == EXPECTED_PARTIES


def test_select_results_as_xml(serve_client) -> None:
    r = serve_client.get("/sparql", params={"query": SIGNATORIES}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(r.content)
    assert [u.text for u in root.findall(".//r:binding[@name='party']/r:uri", ns)] == EXPECTED_PARTIES


def test_select_results_as_csv_and_tsv(serve_client) -> None:
    r = serve_client.get("/sparql", params={"query": SIGNATORIES}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["party"] for row in rows] == EXPECTED_PARTIES
    r = serve_client.get("/sparql", params={"query": SIGNATORIES}, headers={"Accept": "text/tab-separated-values"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/tab-separated-values")
    lines = r.text.strip().splitlines()
    assert lines[0].split("\t") == ["?party", "?date"]
    assert [line.split("\t")[0] for line in lines[1:]] == [f"<{p}>" for p in EXPECTED_PARTIES]


def test_results_keep_japanese_text_and_language_tags(serve_client) -> None:
    query = f"SELECT ?l WHERE {{ <{MOU}> <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = 'ja') }}"
    r = serve_client.get("/sparql", params={"query": query}, headers={"Accept": SRJ})
    (binding,) = r.json()["results"]["bindings"]
    assert binding["l"]["xml:lang"] == "ja"
    assert "覚書" in binding["l"]["value"]


@pytest.mark.parametrize("accept", [SRJ, "application/sparql-results+xml"])
def test_is_isev_a_signatory_ask(serve_client, accept: str) -> None:
    """Did ISEV sign the MOU? (ASK, JSON and XML)"""
    query = f"ASK {{ <{MOU}> <{EVKG}ontology/signatory> <{EVKG}id/organization/isev> }}"
    r = serve_client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    answer = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.from_media_type(accept))
    assert bool(answer) is True


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/trig", ox.RdfFormat.TRIG),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/ld+json", None),
    ],
)
def test_construct_results_in_every_rdf_format(serve_client, accept: str, fmt: ox.RdfFormat | None) -> None:
    r = serve_client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    if fmt is None:
        doc = r.json()
        assert "@context" in doc and isinstance(doc["@context"], dict)  # our local context, inline
        text = json.dumps(doc)
        assert "organization:isev" in text or EXPECTED_PARTIES[0] in text
        from rdflib import Graph

        graph = Graph().parse(data=r.text, format="json-ld")
        objects = sorted(str(o) for o in graph.objects())
    else:
        objects = sorted(q.object.value for q in ox.parse(r.content, format=fmt))
    assert objects == EXPECTED_PARTIES


def test_describe_gives_turtle_by_default(serve_client) -> None:
    r = serve_client.get("/sparql", params={"query": f"DESCRIBE <{MOU}>"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    subjects = {q.subject.value for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    assert MOU in subjects


def test_format_parameter_overrides_accept(serve_client) -> None:
    r = serve_client.get("/sparql", params={"query": SIGNATORIES, "format": "csv"}, headers={"Accept": SRJ})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    r = serve_client.get("/sparql", params={"query": SIGNATORIES, "format": "yaml"})
    assert r.status_code == 400 and "unknown format" in r.text


def test_registry_prefixes_need_no_prefix_lines(serve_client) -> None:
    r = serve_client.get(
        "/sparql", params={"query": "SELECT ?p WHERE { agreement:jsrm-isev-mou-2025 evkg:signatory ?p }"}
    )
    assert r.status_code == 200
    assert sorted(b["p"]["value"] for b in r.json()["results"]["bindings"]) == EXPECTED_PARTIES


def test_a_browser_gets_the_results_as_an_html_table_with_links(serve_client) -> None:
    r = serve_client.get("/sparql", params={"query": SIGNATORIES}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'href="/id/organization/jsrm"' in r.text and "2025-07-20" in r.text
    ask = serve_client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "html"})
    assert ask.status_code == 200 and "true" in ask.text
    graph = serve_client.get("/sparql", params={"query": CONSTRUCT, "format": "html", "lang": "ja"})
    assert graph.status_code == 200 and "国際細胞外小胞学会" in graph.text


def test_the_query_page_lists_the_example_queries_and_each_example_runs(serve_client) -> None:
    """Every example on the query page (queries/*.rq with their example values) answers 200."""
    page = serve_client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.text
    from serve_support import TEST_MAX_RESULTS  # noqa: F401  (the examples stay under the limit)

    from evkg.serve.sparql import examples

    site = serve_client.app.state.site
    found = examples(site)
    assert len(found) >= 10
    for example in found:
        assert f"example={example['name']}" in page.text
        r = serve_client.post(
            "/sparql", data={"query": example["query"]}, headers={"Accept": SRJ + ", text/turtle;q=0.5"}
        )
        assert r.status_code == 200, f"{example['name']}: {r.status_code} {r.text[:300]}"
    loaded = serve_client.get("/sparql", params={"example": found[0]["name"]}, headers={"Accept": "text/html"})
    assert "VALUES" in loaded.text or "SELECT" in loaded.text


def test_without_a_query_a_program_gets_the_service_description(serve_client) -> None:
    r = serve_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    quads = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE, base_iri="http://evkg.test/sparql"))
    predicates = {q.predicate.value for q in quads}
    assert "http://www.w3.org/ns/sparql-service-description#endpoint" in predicates


def test_dataset_parameters_choose_the_graphs(serve_client) -> None:
    """default-graph-uri restricts the default graph to one named graph of ours."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    everything = serve_client.get("/sparql", params={"query": count})
    one = serve_client.get("/sparql", params={"query": count, "default-graph-uri": PRESS})
    from_clause = serve_client.get(
        "/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{PRESS}> WHERE {{ ?s ?p ?o }}"}
    )
    n_all = int(everything.json()["results"]["bindings"][0]["n"]["value"])
    n_one = int(one.json()["results"]["bindings"][0]["n"]["value"])
    n_from = int(from_clause.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_one == n_from < n_all


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "syntax error"),
        ({"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "more than once"),
        ({"params": {"query": "SELECT * WHERE { ?s ?p ?o }"}, "headers": {"Accept": "image/png"}}, 406, "none of"),
        ({"params": {"query": "ASK { ?s ?p ?o }"}, "headers": {"Accept": "text/turtle"}}, 406, "ASK"),
        ({"params": {"query": "SELECT * WHERE { ?s ?p ?o }"}}, 422, str(TEST_MAX_RESULTS)),
    ],
)
def test_error_statuses_of_get(serve_client, kwargs: dict, status: int, words: str) -> None:
    r = serve_client.get("/sparql", **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert words in r.text and r.text.endswith("\n") and r.text.count("\n") == 1


def test_a_post_with_an_unsupported_body_type_is_415(serve_client) -> None:
    r = serve_client.post("/sparql", content=b'{"query": "ASK {}"}', headers={"Content-Type": "application/json"})
    assert r.status_code == 415 and "application/sparql-query" in r.text


def test_a_request_body_that_is_not_utf8_is_400(serve_client) -> None:
    r = serve_client.post(
        "/sparql", content=b"ASK { ?s ?p '\xff' }", headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 400 and "UTF-8" in r.text


def test_a_browser_sees_errors_on_the_query_page(serve_client) -> None:
    r = serve_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}, headers={"Accept": "text/html"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in r.text and "syntax error" in r.text
