"""The standard SPARQL clients work against the real ``evkg serve``, as their users call them.

- SPARQLWrapper: every return format it offers, for SELECT, ASK and CONSTRUCT, by GET, by POST of a
  form and by POST of the query itself (it sends ``format=``/``output=``/``results=`` beside ``Accept``);
- rdflib: ``SPARQLStore`` (a Graph over the endpoint) and ``SPARQLConnector``;
- curl: the three forms of the SPARQL 1.1 Protocol (GET ``query=``, POST form, POST
  ``application/sparql-query``).

YASGUI, the browser client, is driven in Chromium by tests/test_browser.py.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import warnings

import pytest
import rdflib
from serve_support import shared_server

SELECT = """PREFIX evkg: <https://w3id.org/evkg/ontology/>
SELECT ?party WHERE { <https://w3id.org/evkg/id/agreement/jsrm-isev-mou-2025> evkg:signatory ?party } ORDER BY ?party"""
ASK = "ASK { <https://w3id.org/evkg/id/agreement/jsrm-isev-mou-2025> ?p ?o }"
CONSTRUCT = """CONSTRUCT { <https://w3id.org/evkg/id/organization/isev> ?p ?o }
WHERE { <https://w3id.org/evkg/id/organization/isev> ?p ?o }"""
PARTIES = {"https://w3id.org/evkg/id/organization/isev", "https://w3id.org/evkg/id/organization/jsrm"}
ISEV = rdflib.URIRef("https://w3id.org/evkg/id/organization/isev")


@pytest.fixture(scope="module")
def endpoint(evkg_exe: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    return shared_server(evkg_exe, tmp_path_factory.getbasetemp() / "shared-serve-store").url + "/sparql"


def _wrapper(endpoint: str, query: str, fmt: str, how: str):
    from SPARQLWrapper import GET, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(GET if how == "GET" else POST)
    if how != "GET":
        client.setRequestMethod(POSTDIRECTLY if how == "POST-direct" else URLENCODED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper warns on some format/form pairs it allows
        return client.query()


def _parties_of(fmt: str, converted) -> set[str]:
    if fmt == "json":
        return {b["party"]["value"] for b in converted["results"]["bindings"]}
    if fmt == "xml":  # an xml.dom document of SPARQL XML results
        return {u.firstChild.data for u in converted.getElementsByTagName("uri")}
    text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
    rows = list(csv.reader(io.StringIO(text), delimiter="\t" if fmt == "tsv" else ","))
    return {r[0].strip("<>") for r in rows[1:] if r}


HOWS = ["GET", "POST-form", "POST-direct"]


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_selects_in_every_results_format(endpoint: str, fmt: str, how: str) -> None:
    result = _wrapper(endpoint, SELECT, fmt, how)
    assert result.response.status == 200
    assert _parties_of(fmt, result.convert()) == PARTIES


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_asks_in_every_results_format(endpoint: str, fmt: str, how: str) -> None:
    result = _wrapper(endpoint, ASK, fmt, how)
    converted = result.convert()
    if fmt == "json":
        assert converted["boolean"] is True
    elif fmt == "xml":
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert (converted.decode() if isinstance(converted, bytes) else converted).strip().endswith("true")


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("fmt", ["turtle", "n3", "xml", "rdf+xml", "json-ld"])
def test_sparqlwrapper_constructs_in_every_rdf_format(endpoint: str, fmt: str, how: str) -> None:
    result = _wrapper(endpoint, CONSTRUCT, fmt, how)
    converted = result.convert()
    if isinstance(converted, bytes):  # Turtle / N3 come back as text
        converted = rdflib.Graph().parse(data=converted, format="turtle")
    assert isinstance(converted, rdflib.Graph)
    assert len(converted) > 5 and (ISEV, None, None) in converted


def test_rdflib_sparqlstore_reads_the_endpoint_as_a_graph(endpoint: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(endpoint, method="POST_FORM"))
    rows = list(graph.query(SELECT))
    assert {str(r[0]) for r in rows} == PARTIES
    assert graph.query(ASK).askAnswer is True
    assert (ISEV, None, None) in graph
    get_graph = rdflib.Graph(store=SPARQLStore(endpoint, method="GET", returnFormat="csv"))
    assert {str(r[0]) for r in get_graph.query(SELECT)} == PARTIES


def test_rdflib_sparqlconnector_queries_by_get_and_post(endpoint: str) -> None:
    from rdflib.plugins.stores.sparqlconnector import SPARQLConnector

    for method in ("GET", "POST", "POST_FORM"):
        connector = SPARQLConnector(query_endpoint=endpoint, method=method)
        assert {str(r[0]) for r in connector.query(SELECT)} == PARTIES, method


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize(
    "form",
    [
        ["-G", "--data-urlencode", f"query={SELECT}"],  # GET ?query=
        ["--data-urlencode", f"query={SELECT}"],  # POST application/x-www-form-urlencoded
        ["-H", "Content-Type: application/sparql-query", "--data-binary", SELECT],  # POST the query itself
    ],
    ids=["get", "post-form", "post-query"],
)
def test_curl_speaks_the_three_protocol_forms(endpoint: str, form: list[str]) -> None:
    done = subprocess.run(
        ["curl", "-sS", "--fail", "-H", "Accept: application/sparql-results+json", *form, endpoint],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert {b["party"]["value"] for b in json.loads(done.stdout)["results"]["bindings"]} == PARTIES
