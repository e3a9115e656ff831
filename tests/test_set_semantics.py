"""A triple is one row however many sources state it: the default graph is the union of the named
graphs as a set, in the Python API, the CLI and the SPARQL endpoint; ``GRAPH ?g`` still shows each
source's statements.

The question a user asks: "How many statements does evkg hold?" - ``SELECT (COUNT(*) ...)`` must
answer what ``evkg stats`` says, and a person's family name stated by four sources is one row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: a statement made by more than one source (found, not hard-coded: see _repeated)
REPEATED = """
SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?sources) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }
GROUP BY ?s ?p ?o HAVING (COUNT(DISTINCT ?g) > 2) ORDER BY DESC(?sources) ?s ?p ?o LIMIT 1
"""


def _repeated(kg) -> tuple[str, str, int]:
    (row,) = list(kg.sparql(REPEATED))
    return row["s"].value, row["p"].value, int(row["sources"].value)


def test_a_statement_made_by_several_sources_is_one_row(kg) -> None:
    subject, predicate, sources = _repeated(kg)
    assert sources > 2
    rows = list(kg.sparql(f"SELECT ?o WHERE {{ <{subject}> <{predicate}> ?o }}"))
    per_source = list(kg.sparql(f"SELECT ?g ?o WHERE {{ GRAPH ?g {{ <{subject}> <{predicate}> ?o }} }}"))
    assert len(per_source) >= sources  # the per-source view stays
    assert len(rows) == len({r["o"] for r in per_source})  # ... and the union is a set


def test_count_star_equals_evkg_stats(kg) -> None:
    (row,) = list(kg.sparql(COUNT))
    stats = kg.stats()
    assert int(row["n"].value) == stats.triples < stats.quads


def test_a_persisted_store_holds_the_same_set(data_dir: Path, tmp_path: Path, kg) -> None:
    import evkg

    persisted = evkg.load(data_dir=data_dir, store_dir=tmp_path / "store")
    (row,) = list(persisted.sparql(COUNT))
    assert int(row["n"].value) == kg.stats().triples
    # the export has the named graphs' statements and nothing in a default graph
    nquads = persisted.export("nquads").decode("utf-8").splitlines()
    assert len(nquads) == kg.stats().quads and all(line.rstrip(" .").endswith(">") for line in nquads)


def test_the_cli_counts_what_stats_says(run_evkg, kg) -> None:
    done = run_evkg("sparql", COUNT, "--format", "csv")
    assert done.returncode == 0, done.stderr
    (row,) = list(csv.DictReader(io.StringIO(done.stdout)))
    assert int(row["n"]) == kg.stats().triples
    stats = run_evkg("stats")
    assert f"{kg.stats().triples} triples" in stats.stdout.replace(",", "")


def test_the_endpoint_answers_with_set_semantics(serve_client, kg) -> None:
    subject, predicate, _ = _repeated(kg)
    count = serve_client.get("/sparql", params={"query": COUNT}).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == kg.stats().triples
    rows = serve_client.get("/sparql", params={"query": f"SELECT ?o WHERE {{ <{subject}> <{predicate}> ?o }}"})
    graphs = serve_client.get(
        "/sparql", params={"query": f"SELECT ?g WHERE {{ GRAPH ?g {{ <{subject}> <{predicate}> ?o }} }}"}
    )
    assert len(rows.json()["results"]["bindings"]) < len(graphs.json()["results"]["bindings"])


@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_an_iri_description_keeps_its_sources_and_adds_no_default_graph(serve_client, kg, fmt: str) -> None:
    import pyoxigraph as ox

    subject, _, _ = _repeated(kg)
    path = "/" + subject.split("https://w3id.org/evkg/", 1)[1]
    r = serve_client.get(path, params={"format": fmt})
    assert r.status_code == 200
    parsed = list(ox.parse(r.content, format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS))
    assert parsed and not any(isinstance(q.graph_name, ox.DefaultGraph) for q in parsed)
