"""Many named graphs on the SPARQL servers: the helpers that read named graphs give the embedded rows.

At 1 M synthetic triples (1 642 named graphs) Virtuoso answered every query with ``GRAPH`` by an
answer header that repeats each graph the request named (``X-SPARQL-Named-Graph``), ~100 kB, more
than an HTTP client reads ("Receive buffer too long"): the bundled graph (~40 graphs) never shows
it. Here a data folder of a few hundred small source graphs, with long names (the header grows with
the total length of the graph IRIs, so fewer graphs reach the size, and the test stays cheap), is
published on the test run's Virtuoso (bulk loader) and on a fresh Oxigraph server, and every helper
whose query reads named graphs must give the rows of the embedded store. The data has rows for
them: a source that gives two dates, sources that disagree, member counts.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import httpx
import pytest

import evkg
from evkg.query.helpers import discover
from evkg.query.lexer import keywords

REPO = Path(__file__).resolve().parents[1]
TEST_NS = "https://example.org/evkg-test/graph/"  # not evkg's namespace: the shared servers keep those graphs
GRAPHS = 700
#: each graph's name: long, so that their list passes 100 kB with a few hundred graphs
NAME = "a-source-graph-with-a-long-name-as-archived-web-pages-and-registry-snapshots-have-{:04d}" + "-x" * 20
ISEV = "https://w3id.org/evkg/id/organization/isev"
SPECS = [s for s in discover(REPO) if "GRAPH" in keywords(s.text)]

SOURCE = """@prefix evkg: <https://w3id.org/evkg/ontology/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
{describe}<https://example.org/evkg-test/id/paper-{paper}> dcterms:issued "{issued}"^^xsd:date{slip} .
"""


def _source(i: int) -> str:
    graph = TEST_NS + NAME.format(i)
    describe = "" if i % 9 == 0 else f'<{graph}> a evkg:SourceGraph ; rdfs:label "Source {i}"@en .\n'
    paper = i % 60
    year = 2020 if paper % 4 else 2020 + (i // 60) % 2  # every fourth paper: sources disagree on the year
    slip = ' , "2019-01-01"^^xsd:date' if i % 97 == 0 else ""  # one source gives two dates
    text = SOURCE.format(describe=describe, paper=paper, issued=f"{year}-05-01", slip=slip)
    if i % 50 == 0:
        count = f"https://example.org/evkg-test/id/count-{i}"
        text += f"<{ISEV}> evkg:memberCount <{count}> .\n<{count}> schema:value {i} .\n"
    return text


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A data folder of GRAPHS source graphs in TEST_NS, loaded into an embedded store."""
    root = tmp_path_factory.mktemp("many") / "data"
    shutil.copytree(REPO / "tests" / "fixtures" / "data", root)
    for draft in root.glob("graph/**/*.ttl"):
        draft.unlink()
    shutil.rmtree(root / "queries")
    shutil.copytree(REPO / "queries", root / "queries")
    prefixes = (REPO / "ontology" / "prefixes.ttl").read_text(encoding="utf-8")
    (root / "ontology" / "prefixes.ttl").write_text(
        prefixes.replace('"https://w3id.org/evkg/graph/"', f'"{TEST_NS}"'), encoding="utf-8"
    )
    for i in range(GRAPHS):
        (root / "graph" / (NAME.format(i) + ".ttl")).write_text(_source(i), encoding="utf-8")
    kg = evkg.load(root)
    assert len([g for g in kg.named_graphs() if g.startswith(TEST_NS + NAME[:20])]) == GRAPHS
    assert sum(len(g) + 2 for g in kg.named_graphs()) > 100_000  # the size of the list Virtuoso echoed
    return kg


def _same_rows(kg, remote) -> None:
    for spec in SPECS:
        params = spec.example_bindings()
        embedded = kg.queries[spec.name](**params)
        served = remote.queries[spec.name](**params)
        assert served.vars == embedded.vars, spec.name
        assert Counter(served.canonical()) == Counter(embedded.canonical()), spec.name


def test_helpers_that_read_named_graphs_answer_on_virtuoso_with_hundreds_of_graphs(many, virtuoso):
    """With hundreds of named graphs on Virtuoso, does every helper that reads them give the embedded rows?"""
    from evkg.publish.servers import Credentials, publish

    credentials = Credentials("dba", virtuoso.password)
    rows = {spec.name: len(many.queries[spec.name](**spec.example_bindings())) for spec in SPECS}
    assert rows["unrecorded_conflict_violation"]  # (undescribed_graph_violation looks at evkg's namespace only)
    assert rows["multiple_values_per_source_violation"] and rows["membership_counts"] and rows["source_graphs"]
    try:
        publish(many, virtuoso.endpoint, credentials=credentials, bulk_dir=virtuoso.folder / "load")
        remote = evkg.connect(virtuoso.endpoint, data_dir=many.data.root)
        try:
            assert remote.engine.flavour.name == "virtuoso"
            assert remote.named_graphs() == many.named_graphs()
            _same_rows(many, remote)
        finally:
            remote.engine.close()
    finally:
        _drop(virtuoso, credentials)


def _drop(virtuoso, credentials) -> None:
    import httpx

    with httpx.Client(auth=credentials.auth(), timeout=120) as http:
        http.post(
            virtuoso.endpoint + "-auth",
            data={
                "query": "define sql:log-enable 3 DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(STRSTARTS(STR(?g), "{TEST_NS}")) }}'
            },
        ).raise_for_status()


def test_helpers_that_read_named_graphs_answer_on_the_oxigraph_server_with_hundreds_of_graphs(many, tmp_path):
    """With hundreds of named graphs on the Oxigraph server, does each helper reading them give the embedded rows?"""
    from oxigraph_server import running_server

    from evkg.publish.servers import publish

    with running_server(tmp_path / "oxigraph") as endpoint:
        stale = f'INSERT DATA {{ GRAPH <{TEST_NS}> {{ <{ISEV}> <https://schema.org/name> "old union" }} }}'
        httpx.post(endpoint.replace("/query", "/update"), data={"update": stale}).raise_for_status()
        publish(many, endpoint)  # the union goes to the server's default graph; an earlier evkg's named one goes
        remote = evkg.connect(endpoint, data_dir=many.data.root)
        try:
            assert remote.engine.flavour.name == "oxigraph"
            assert not bool(remote.sparql(f"ASK {{ GRAPH <{TEST_NS}> {{ ?s ?p ?o }} }}"))
            assert remote.named_graphs() == many.named_graphs()
            _same_rows(many, remote)
        finally:
            remote.engine.close()
