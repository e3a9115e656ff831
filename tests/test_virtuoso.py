"""evkg published on a real Virtuoso 7 (Debian's virtuoso-opensource-7-bin): the same answers.

The server is the test run's one Virtuoso (``virtuoso`` fixture, tests/sparql_servers.py), set up
from docs/deploy.md on free loopback ports with a temporary database, the graph published with the
real ``evkg load --endpoint URL --user dba`` (Graph Store Protocol, digest authentication). Then
every query helper and every QC query runs through ``evkg.connect(url)`` and must give exactly the
rows of the embedded store.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest

import evkg
from evkg.query.helpers import discover
from evkg.query.results import result_from_json

REPO = Path(__file__).resolve().parents[1]
SPECS = discover(REPO)
TEST_NS = "https://example.org/evkg-test/graph/"


@pytest.fixture(scope="module")
def remote(virtuoso):
    kg = evkg.connect(virtuoso.endpoint)
    yield kg
    kg.engine.close()


def _evkg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "evkg"
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=300)


def test_evkg_load_publishes_every_graph_and_says_so_without_the_password(virtuoso, kg):
    """Does `evkg load --user dba` upload every named graph to Virtuoso, and never print the password?"""
    done = virtuoso.load
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"uploaded {len(kg.named_graphs())} named graphs (")
    assert "/sparql-graph-crud-auth" in done.stdout
    assert "(virtuoso)" in done.stderr  # the flavour was recognised from the server's answers
    assert virtuoso.password not in done.stdout + done.stderr


def test_virtuoso_holds_every_named_graph_with_the_same_triples(kg, remote):
    """Does Virtuoso hold exactly evkg's named graphs (none of its own), each with the same triple count?"""
    from evkg.query.engine import count_per_graph

    assert remote.engine.flavour.name == "virtuoso"
    assert remote.named_graphs() == kg.named_graphs()
    assert count_per_graph(remote.engine) == count_per_graph(kg.engine)


def test_the_default_graph_is_the_union_with_each_triple_once(kg, remote):
    """Is a triple that two sources state counted once in Virtuoso's default graph, as in the embedded store?"""
    from evkg.query.engine import count_union

    assert count_union(remote.engine) == count_union(kg.engine)
    shared = kg.sparql(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } FILTER(STR(?g1) < STR(?g2)) "
        "FILTER(!isBLANK(?s) && !isBLANK(?o)) } LIMIT 1"
    )
    (row,) = list(shared)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    bound = {"s": row["s"], "p": row["p"], "o": row["o"]}
    assert int(next(iter(remote.sparql(query, **bound)))["n"].value) == 1


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_same_question_gets_the_same_answer_on_virtuoso(spec, kg, remote):
    """Does this helper (or QC query) give the same rows on Virtuoso as on the embedded store?"""
    params = spec.example_bindings()
    embedded = kg.queries[spec.name](**params)
    served = remote.queries[spec.name](**params)
    assert served.boolean == embedded.boolean
    assert served.vars == embedded.vars
    assert Counter(served.canonical()) == Counter(embedded.canonical())
    if spec.ordered and _order_is_defined(spec, embedded):
        assert served.canonical() == embedded.canonical()


def _order_is_defined(spec, result) -> bool:
    """Does SPARQL define the order of these rows? (Its ORDER BY leaves literals of two languages or
    two datatypes, e.g. "…"@en vs "…"@ja, to the engine: Virtuoso and Oxigraph then differ.)"""
    import re

    clause = spec.text[spec.text.upper().rindex("ORDER BY") :]
    for name in re.findall(r"(?<![(\w])\?(\w+)", clause):  # keys that are plain variables
        if name not in result.vars:
            return False
        kinds = {
            (type(t).__name__, getattr(t, "language", None), getattr(t, "datatype", None))
            for t in (getattr(row, name) for row in result)
            if t is not None
        }
        if len(kinds) > 1:
            return False
    return True


def test_evkg_query_endpoint_answers_like_the_embedded_store(virtuoso, run_evkg, kg):
    """Does `evkg query NAME --endpoint URL` print from Virtuoso the rows of the embedded store?"""
    args = ("query", "label_search", "-p", "text=小胞", "--lang", "ja", "--format", "json")
    served = run_evkg(*args, "--endpoint", virtuoso.endpoint)
    assert served.returncode == 0, served.stderr
    rows = result_from_json(json.loads(served.stdout))
    assert len(rows) > 0
    assert rows.canonical() == kg.queries.label_search(text="小胞", lang="ja").canonical()


def test_a_wrong_password_is_one_clear_line_that_does_not_show_it(virtuoso):
    """Does Virtuoso's refusal of a wrong password end in one line, exit 1, the password nowhere?"""
    env = {**virtuoso.setting.env, "EVKG_PASSWORD": "not-the-password-42"}
    done = _evkg("load", "--endpoint", virtuoso.endpoint, "--user", "dba", "-q", env=env)
    assert done.returncode == 1
    assert "HTTP 401" in done.stderr and "--password-env" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert "not-the-password-42" not in done.stdout + done.stderr


def _test_data(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    """A small data folder whose named graphs live in TEST_NS (not evkg's: the shared server keeps those)."""
    root = tmp_path / name
    shutil.copytree(REPO / "tests" / "fixtures" / "data", root)
    for draft in root.glob("graph/**/*.ttl"):
        draft.unlink()
    shutil.rmtree(root / "queries")
    shutil.copytree(REPO / "queries", root / "queries")  # the helpers themselves
    prefixes = (REPO / "ontology" / "prefixes.ttl").read_text(encoding="utf-8")
    (root / "ontology" / "prefixes.ttl").write_text(
        prefixes.replace('"https://w3id.org/evkg/graph/"', f'"{TEST_NS}"'), encoding="utf-8"
    )
    for rel, text in files.items():
        (root / "graph" / rel).write_text(text, encoding="utf-8")
    return root


def _drop_test_graphs(virtuoso) -> None:
    from evkg.publish.servers import Credentials

    auth = Credentials("dba", virtuoso.password).auth()
    update = virtuoso.endpoint + "-auth"
    with httpx.Client(auth=auth, timeout=60) as http:
        http.post(
            update,
            data={
                "query": "define sql:log-enable 3 DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(STRSTARTS(STR(?g), "{TEST_NS}")) }}'
            },
        ).raise_for_status()


PAPER = """@prefix schema: <https://schema.org/> .
<https://example.org/evkg-test/id/{name}> schema:name "{name}"@en ; schema:dateModified {when} .
"""


def test_bulk_load_replaces_and_graphs_the_data_no_longer_has_are_removed(virtuoso, tmp_path):
    """Does a bulk load replace the graphs, and does a graph removed from the data leave the server?"""
    from evkg.publish.servers import Credentials, publish

    when = '"2025-08-28T10:00:00+09:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    two = _test_data(tmp_path, "two", {n + ".ttl": PAPER.format(name=n, when=when) for n in ("a", "b")})
    one = _test_data(tmp_path, "one", {"a.ttl": PAPER.format(name="a", when=when)})
    credentials = Credentials("dba", virtuoso.password)
    bulk = virtuoso.folder / "load"
    try:
        first = publish(evkg.load(two), virtuoso.endpoint, credentials=credentials, bulk_dir=bulk)
        again = publish(evkg.load(two), virtuoso.endpoint, credentials=credentials, bulk_dir=bulk)
        assert first.method == again.method == "bulk" and first.graphs == again.graphs
        assert {TEST_NS + "a", TEST_NS + "b"} <= set(first.graphs) and again.union == first.union
        after = publish(evkg.load(one), virtuoso.endpoint, credentials=credentials)
        assert after.removed == [TEST_NS + "b"] and set(after.graphs) == set(first.graphs) - {TEST_NS + "b"}
        assert after.union < first.union  # the union no longer holds b's triples
        assert not list(bulk.glob("*.nq"))  # the N-Quads file is removed once loaded
        from evkg.errors import EvkgError

        with pytest.raises(EvkgError, match="does not see .*--server-dir"):  # a server that cannot read the folder
            publish(evkg.load(one), virtuoso.endpoint, credentials=credentials, bulk_dir=bulk, server_dir="/nowhere")
        assert evkg.connect(virtuoso.endpoint, data_dir=one).named_graphs() == sorted(after.graphs)  # nothing dropped
    finally:
        _drop_test_graphs(virtuoso)


def test_a_literal_virtuoso_does_not_keep_as_written_fails_the_load(virtuoso, tmp_path):
    """Does `evkg load` fail, naming the literal, when Virtuoso stores a date-time otherwise than written?"""
    when = '"2025-08-28T10:00:00.5Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'  # Virtuoso: …00.500Z
    data = _test_data(tmp_path, "lit", {"a.ttl": PAPER.format(name="a", when=when)})
    env = {**virtuoso.setting.env, "EVKG_PASSWORD": virtuoso.password}
    try:
        done = _evkg("load", "--endpoint", virtuoso.endpoint, "--user", "dba", "--data", str(data), "-q", env=env)
        assert done.returncode == 1
        assert "not hold 1 typed literal(s) as written" in done.stderr and "10:00:00.5Z" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        args = ("load", "--endpoint", virtuoso.endpoint, "--user", "dba", "--data", str(data), "-q")
        anyway = _evkg(*args, "--allow-rewritten-literals", env=env)  # the user's choice, said on stderr
        assert anyway.returncode == 0, anyway.stderr
        assert "holds 1 typed literal otherwise than written" in anyway.stderr
    finally:
        _drop_test_graphs(virtuoso)


ARTICLE = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
<https://w3id.org/evkg/id/publication/misev2023> a fabio:JournalArticle , schema:ScholarlyArticle ;
    dcterms:title "Minimal information for studies of extracellular vesicles (MISEV2023)"@en ;
    dcterms:isPartOf <https://example.org/evkg-test/id/journal> .
<https://example.org/evkg-test/id/journal> rdfs:label "Journal of Extracellular Vesicles"@en , "細胞外小胞誌"@ja .
"""


def test_a_record_of_two_types_gets_one_label_per_language_as_embedded(virtuoso, tmp_path):
    """Does `publication_details` of an article typed twice give Virtuoso one row, the label in the language asked?"""
    from evkg.publish.servers import Credentials, publish

    data = _test_data(tmp_path, "article", {"article.ttl": ARTICLE})
    local = evkg.load(data)
    try:
        publish(local, virtuoso.endpoint, credentials=Credentials("dba", virtuoso.password))
        remote = evkg.connect(virtuoso.endpoint, data_dir=data)
        for lang in ("en", "ja"):
            args = {"publication": "https://w3id.org/evkg/id/publication/misev2023", "lang": lang}
            served = remote.queries.publication_details(**args)
            assert len(served) == 1 and Counter(served.canonical()) == Counter(
                local.queries.publication_details(**args).canonical()
            )
        remote.engine.close()
    finally:
        _drop_test_graphs(virtuoso)


def test_a_server_without_the_union_graph_is_an_error_not_empty_answers(virtuoso, tmp_path):
    """Are queries refused with one line, rather than answered empty, when the union graph is missing?"""
    from evkg.errors import EvkgError
    from evkg.publish.servers import Credentials, publish

    data = _test_data(tmp_path, "article", {"article.ttl": ARTICLE})
    credentials = Credentials("dba", virtuoso.password)
    try:
        publish(evkg.load(data), virtuoso.endpoint, credentials=credentials)
        with httpx.Client(auth=credentials.auth(), timeout=60) as http:
            http.post(virtuoso.endpoint + "-auth", data={"query": f"DROP SILENT GRAPH <{TEST_NS}>"}).raise_for_status()
        remote = evkg.connect(virtuoso.endpoint, data_dir=data)
        with pytest.raises(EvkgError, match="not their union") as error:
            remote.queries.publication_details(publication="https://w3id.org/evkg/id/publication/misev2023")
        assert "evkg load --endpoint" in str(error.value) and "\n" not in str(error.value)
        remote.engine.close()
    finally:
        _drop_test_graphs(virtuoso)


class _AskedAsVirtuosoIs:
    """The embedded store asked the very text the Virtuoso flavour sends (bindings inlined, rewritten)."""

    def __init__(self, kg) -> None:
        from evkg.query.flavours import VirtuosoFlavour

        self.kg, self.flavour = kg, VirtuosoFlavour()

    def query(self, text, bindings=None):
        from evkg.query.engines import inline_bindings

        sent = self.flavour.rewrite(inline_bindings(text, bindings or {}), bindings or {})
        pragma, _, sent = sent.partition("\n")
        assert pragma.startswith("define sql:")  # Virtuoso's, not SPARQL
        return self.kg.engine.query(sent)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_virtuoso_form_of_a_query_asks_the_same_question(spec, kg):
    """Does the text sent to Virtuoso (GRAPH restricted to evkg's graphs, union copies first, the other
    rewrites) give the embedded store's rows on the embedded store itself (any data, no server)?"""
    from evkg.query.helpers import QueryHelpers

    params = spec.example_bindings()
    rewritten = QueryHelpers(_AskedAsVirtuosoIs(kg), SPECS, kg.prefixes)[spec.name](**params)
    embedded = kg.queries[spec.name](**params)
    assert rewritten.boolean == embedded.boolean
    assert Counter(rewritten.canonical()) == Counter(embedded.canonical())


def test_graph_patterns_are_restricted_and_preceded_by_their_union_copy():
    """Is a run of GRAPH patterns preceded by their triples (matched in the union) and each restricted
    to evkg's graphs, while a pattern with a blank node or inside another GRAPH is left as written?"""
    from evkg.query.flavours import VirtuosoFlavour

    text = (
        "SELECT * WHERE { VALUES ?p { <http://ex.org/p> } GRAPH ?a { ?s ?p ?o } FILTER(?o != 1) "
        "GRAPH ?b { ?s ?p ?x } OPTIONAL { GRAPH ?c { ?s ?q [] } } GRAPH ?d { GRAPH ?e { ?s ?p ?y } } }"
    )
    sent = VirtuosoFlavour().rewrite(text, {})
    assert "} . ?s ?p ?o . ?s ?p ?x . GRAPH ?a" in sent  # both copies before the run
    assert sent.count("FILTER(STRSTARTS(STR(?") == 5 and 'STR(?e) != "https://w3id.org/evkg/graph/"' in sent
    assert "?s ?q [] . GRAPH ?c" not in sent and "?s ?p ?y . GRAPH" not in sent


def test_a_partial_answer_from_virtuoso_is_refused_not_read_as_the_whole():
    """Is an answer Virtuoso marks as cut (ResultSetMaxRows) or incomplete (anytime query) an error?"""
    from evkg.query.flavours import VirtuosoFlavour

    flavour, body = VirtuosoFlavour(), b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
    assert flavour.read(body, {}) == body
    with pytest.raises(ValueError, match="cut at 10000 rows"):
        flavour.read(body, {"x-sparql-maxrows": "10000"})
    with pytest.raises(ValueError, match="MaxQueryExecutionTime"):
        flavour.read(body, {"x-sql-state": "S1TAT", "x-sql-message": "RC...: Returning incomplete results"})
    ask = b'{"head":{"vars":["__ask_retval"]},"results":{"bindings":[{"__ask_retval":{"type":"literal","value":"1"}}]}}'
    assert json.loads(flavour.read(ask, {})) == {"head": {}, "boolean": True}
