"""Do the selective QC queries and the indexed label search answer exactly as the whole-graph scans did?

Issue 18 rewrote ``dangling_iri-violation``, ``missing_label-violation`` and ``cq21_label_search`` so that
they stop reading every statement (anti-joins over identifiers; the label match in a group of its own),
and gave the label search a text index (:mod:`evkg.query.text_index`). The texts they replaced are kept in
``tests/fixtures/whole_graph_scans/``; each question below runs both on the same store and compares the
rows, in order: on the bundled graph, on every QC fixture, and on 100 k synthetic triples
(``benchmarks.synth``) broken on purpose (labels removed in one language or both, IRIs pointing nowhere).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

import evkg
from benchmarks import synth
from evkg.data.prefixes import registry
from evkg.query.engine import OxigraphEngine
from evkg.query.helpers import QueryHelpers, discover, parse_query_text
from evkg.query.text_index import LabelIndex, index_for

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BEFORE = HERE / "fixtures" / "whole_graph_scans"
P = registry(ROOT)
NAMES = {
    "dangling_iri-violation": "queries/qc/dangling_iri-violation.rq",
    "missing_label-violation": "queries/qc/missing_label-violation.rq",
    "cq21_label_search": "queries/cq/cq21_label_search.rq",  # only the header changed: the index
}
TEXTS = ["小胞", "EXTRACELLULAR vesicle", "exosome", "a", "Ö", "zzz-nowhere", ""]

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
CONTAINS = "SELECT ?l ?t WHERE { ?s ?p ?l FILTER(CONTAINS(LCASE(STR(?l)), LCASE(STR(?t)))) }"
Rows = list[tuple[Any, ...]]


def _rows(engine: OxigraphEngine, text: str, bindings: dict[str, ox.Term] | None = None) -> Rows:
    return [tuple(s) for s in engine.query(text, bindings)]


def _same_answers(engine: OxigraphEngine) -> int:
    """Compare every rewritten query with its whole-graph text on ``engine``; the rows compared."""
    compared = 0
    for stem, path in NAMES.items():
        before = (BEFORE / f"{stem}.rq").read_text(encoding="utf-8")
        after = (ROOT / path).read_text(encoding="utf-8")
        texts = TEXTS if stem == "cq21_label_search" else [None]
        for text in texts:
            b = {} if text is None else {"text": ox.Literal(text), "lang": ox.Literal("en")}
            expected = _rows(engine, before, b)
            assert _rows(engine, after, b) == expected, (stem, text)
            compared += len(expected)
    return compared


def _label_search_indexed(engine: OxigraphEngine) -> None:
    """The helper on a read-only engine (narrowed by the index) gives the whole-graph text's rows."""
    before = (BEFORE / "cq21_label_search.rq").read_text(encoding="utf-8")
    (spec,) = [s for s in discover(ROOT) if s.name == "label_search"]
    helper = QueryHelpers(engine, [spec], P)["label_search"]
    for text in TEXTS:
        expected = _rows(engine, before, {"text": ox.Literal(text), "lang": ox.Literal("ja")})
        got = helper(text=text, lang="ja")
        assert len(got) == len(expected), text
        assert [r.matched.toPython() for r in got] == [row[2].value for row in expected], text  # type: ignore[union-attr]


def test_on_the_bundled_graph_the_rewritten_queries_answer_as_before():
    kg = evkg.load(ROOT)
    assert _same_answers(kg.engine) > 0


def test_on_every_qc_fixture_the_rewritten_queries_answer_as_before():
    for path in sorted((HERE / "fixtures" / "qc").glob("*.trig")):
        store = ox.Store()
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
        _same_answers(OxigraphEngine(store, P))


@pytest.fixture(scope="module")
def broken_100k(tmp_path_factory: pytest.TempPathFactory) -> OxigraphEngine:
    """100 k synthetic triples with labels removed and dangling IRIs added, in a read-only-flagged engine."""
    folder = tmp_path_factory.mktemp("synth100k")
    synth.generate(folder, 100_000)
    kg = evkg.load(folder)
    kg.store.update(
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        DELETE { GRAPH ?g { ?s rdfs:label ?l } ?s rdfs:label ?l }
        WHERE { GRAPH ?g { ?s rdfs:label ?l } FILTER(STRENDS(STR(?s), "7") && LANG(?l) = "ja") } ;
        DELETE { GRAPH ?g { ?s rdfs:label ?l } ?s rdfs:label ?l }
        WHERE { GRAPH ?g { ?s rdfs:label ?l } FILTER(STRENDS(STR(?s), "3")) } ;
        INSERT { GRAPH ?g { ?s <https://w3id.org/evkg/ontology/mentions> ?nowhere }
                 ?s <https://w3id.org/evkg/ontology/mentions> ?nowhere }
        WHERE { GRAPH ?g { ?s a ?t } FILTER(STRENDS(STR(?s), "11"))
                BIND(IRI(CONCAT("https://w3id.org/evkg/id/nowhere/", MD5(STR(?s)))) AS ?nowhere) }"""
    )
    return OxigraphEngine(kg.store, P, read_only=True)


def test_on_100k_broken_synthetic_triples_the_rewritten_queries_answer_as_before(broken_100k):
    assert _same_answers(broken_100k) > 1000


def test_the_label_index_narrows_the_search_without_changing_its_rows(broken_100k):
    index = index_for(broken_100k, "labels")
    assert isinstance(index, LabelIndex) and len(index) > 1000
    assert index_for(broken_100k, "labels") is index  # built once per engine
    _label_search_indexed(broken_100k)


def test_an_engine_whose_data_can_change_gets_no_index():
    kg = evkg.load(ROOT)
    assert not kg.engine.read_only and index_for(kg.engine, "labels") is None


def test_the_index_sees_labels_as_sparql_lcase_does():
    """Case folding proposes every label whose LCASE contains LCASE(text), including the hard letters."""
    store = ox.Store()
    labels = ["İstanbul", "ΣΟΦΊΑ", "Straße", "ǅemal", "ＥＸＯ"]
    for i, text in enumerate(labels):
        subject = ox.NamedNode(f"https://w3id.org/evkg/id/x/{i}")
        store.add(ox.Quad(subject, ox.NamedNode(RDFS_LABEL), ox.Literal(text, language="en")))
    engine = OxigraphEngine(store, P, read_only=True)
    index = LabelIndex.build(engine)
    for label in labels:
        for cut in range(len(label)):
            for needle in (label[cut:], label[: cut + 1]):
                found = {row[2].value for row in index.candidates(ox.Literal(needle)) or []}
                matches = _rows(engine, CONTAINS, {"t": ox.Literal(needle)})
                assert matches and {m[0].value for m in matches} <= found, needle


def test_a_header_naming_an_unknown_index_is_refused():
    from evkg.query.helpers import QueryHeaderError

    text = "#+ summary: s\n#+ kind: select\n#+ params: [{name: t, type: string, required: true}]\n#+ returns: [x]\n"
    with pytest.raises(QueryHeaderError, match="index 'words' is not one of labels"):
        parse_query_text(
            text + "#+ index: {name: words, param: t, binds: [x]}\nSELECT ?x ?t WHERE { ?x ?p ?t }", "q.rq"
        )
    with pytest.raises(QueryHeaderError, match="does not use"):
        parse_query_text(
            text + "#+ index: {name: labels, param: t, binds: [y]}\nSELECT ?x ?t WHERE { ?x ?p ?t }", "q.rq"
        )
