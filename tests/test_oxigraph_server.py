"""The same helpers on a real SPARQL server: `oxigraph serve` (PyPI `oxigraph`), over HTTP.

The graph is uploaded with the real `evkg load --endpoint` (SPARQL 1.1 Graph Store Protocol),
then every helper runs through `evkg.connect(url)` and must give exactly the rows (and order) of
the embedded store. The server is started without `--union-default-graph`: the client states the
dataset (every named graph) in each request, as any SPARQL 1.1 endpoint understands.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import evkg
from evkg.query.helpers import discover
from evkg.query.results import result_from_json

REPO = Path(__file__).resolve().parents[1]
SPECS = discover(REPO)


@pytest.fixture(scope="module")
def endpoint(oxigraph):
    """The test run's oxigraph server (docs/deploy.md) holding the bundled graph, uploaded with `evkg load`."""
    done = oxigraph.load
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("uploaded ")
    return oxigraph.endpoint


@pytest.fixture(scope="module")
def remote(endpoint):
    kg = evkg.connect(endpoint)
    yield kg
    kg.engine.close()


def test_the_server_holds_every_named_graph_with_the_same_triples(kg, remote):
    """After `evkg load --endpoint`, does the server hold every named graph with the same triple count?"""
    from evkg.query.engine import count_per_graph

    assert remote.named_graphs() == [g for g, n in count_per_graph(kg.engine).items() if n]
    assert count_per_graph(remote.engine) == {g: n for g, n in count_per_graph(kg.engine).items() if n}


def test_uploading_twice_replaces_and_never_duplicates(endpoint, run_evkg, kg):
    """Does a second upload replace the graphs instead of adding a second copy?"""
    from evkg.query.engine import count_union
    from evkg.query.engines import RemoteEngine

    done = run_evkg("load", "--endpoint", endpoint, "--allow-rewritten-literals")
    assert done.returncode == 0, done.stderr
    engine = RemoteEngine(endpoint)
    try:
        assert count_union(engine) == count_union(kg.engine)
    finally:
        engine.close()


def test_publishing_warns_that_the_server_keeps_numbers_by_value(endpoint, run_evkg):
    """Does `evkg load` refuse, in one line, to publish on a server that would change the bundled graph's
    typed literals ("1"^^xsd:positiveInteger kept as xsd:integer), before it writes anything, unless told to?"""
    done = run_evkg("load", "--endpoint", endpoint)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert '"1"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>' in done.stderr
    assert "--allow-rewritten-literals" in done.stderr
    assert "Oxigraph keeps numbers" in done.stderr  # said before the upload, from the store's own table


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_same_question_gets_the_same_answer_over_http(spec, kg, remote):
    """Does this helper give the same rows, in the same order, on the server as on the embedded store?"""
    params = spec.example_bindings()
    embedded = kg.queries[spec.name](**params)
    served = remote.queries[spec.name](**params)
    assert served.boolean == embedded.boolean
    assert served.vars == embedded.vars
    if spec.ordered:
        assert served.canonical() == embedded.canonical()
    else:
        assert Counter(served.canonical()) == Counter(embedded.canonical())


def test_evkg_query_endpoint_answers_like_the_embedded_store(endpoint, run_evkg):
    """Does `evkg query NAME --endpoint URL` print the same JSON as without --endpoint?"""
    args = ("query", "organization_profile", "-p", "org=organization:isev", "--lang", "ja", "--format", "json")
    local, served = run_evkg(*args), run_evkg(*args, "--endpoint", endpoint)
    assert local.returncode == 0 and served.returncode == 0, local.stderr + served.stderr
    assert (
        result_from_json(json.loads(served.stdout)).canonical()
        == result_from_json(json.loads(local.stdout)).canonical()
    )


def test_an_unreachable_endpoint_is_one_clear_line(run_evkg):
    """Does a query to a server that is not running fail with one line naming the URL?"""
    from oxigraph_server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    done = run_evkg("query", "label_search", "-p", "text=EV", "--endpoint", url, "--timeout", "5")
    assert done.returncode != 0
    assert url in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
