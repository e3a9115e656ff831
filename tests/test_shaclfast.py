"""Does the fast SHACL engine (shapes compiled to SPARQL on pyoxigraph) report what pySHACL reports?

Three kinds of evidence (issue 8, docs/decisions/0013-scale-and-speed.md):

- every invalid fixture of ``tests/fixtures/shapes`` gives exactly its expected (focus, path,
  component, severity) results, and every valid fixture gives no violation;
- on the bundled graph and on synthetic data with faults, both engines give the same results
  (focus, path, value, component, source shape, severity);
- validating only the nodes around an edited file gives what validating everything gives.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

import evkg
from evkg.data import layout
from evkg.data.prefixes import registry
from evkg.quality import shacl_compiled
from evkg.quality.findings import Finding
from evkg.quality.inputs import ontology_graph, shapes_graph, union_graph
from evkg.quality.shacl_reference import run_shacl

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
PREFIXES = registry(ROOT)
FIXTURE_FILES = sorted(p for p in FIXTURES.glob("*/*/*.ttl") if not p.name.endswith(".expected.ttl"))


@cache
def shapes() -> Graph:
    return shapes_graph(layout.resolve(ROOT))


def fixture_store(path: Path) -> ox.Store:
    """The fixture with the small valid world and the ontology, each in its own named graph."""
    store = ox.Store()
    for part, graph in ((FIXTURES / "_base.ttl", "base"), (path, "fixture"), (ROOT / "ontology" / "evkg.ttl", "onto")):
        iri = f"{PREFIXES['graph']}test/{graph}"
        store.load(path=str(part), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(iri), base_iri=iri)
    return store


@cache
def program() -> shacl_compiled.Program:
    return shacl_compiled.compile_shapes(shapes(), shacl_compiled.Schema.of(fixture_store(FIXTURES / "_base.ttl")))


def curie(node: object) -> str | None:
    if node is None:
        return None
    return (PREFIXES.curie(str(node)) or str(node)) if isinstance(node, URIRef) else str(node)


def rows(report: Graph, *, with_value: bool = False) -> set[tuple]:
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        if isinstance(focus, Literal):
            continue
        row = (
            curie(focus),
            curie(report.value(r, SH.resultPath)),
            curie(report.value(r, SH.sourceConstraintComponent)),
            str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
        )
        if with_value:
            row += (report.value(r, SH.value), report.value(r, SH.sourceShape))
        out.add(row)
    return out


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.stem}")
def test_fixture_results_are_the_expected_ones(path: Path) -> None:
    """Which results does the fast engine give for each shape fixture? Exactly those expected."""
    _, report = shacl_compiled.run(program(), fixture_store(path))
    found = rows(report)
    if path.parent.name == "valid":
        assert not {r for r in found if r[3] == "Violation"}, f"{path.name} should conform"
        return
    expected_file = path.with_suffix(".expected.json")
    if not expected_file.is_file():
        pytest.skip("no expected results next to this fixture")
    expected = {
        (e["focus"], e.get("path"), e["component"], e["severity"]) for e in json.loads(expected_file.read_text())
    }
    assert found == expected


def _same_as_pyshacl(store: ox.Store, prefixes_dir: Path) -> None:
    data_graph = union_graph(store, registry(prefixes_dir))
    _, reference = run_shacl(data_graph, shapes(), ontology_graph(layout.resolve(ROOT)))
    _, fast = shacl_compiled.validate(store, shapes())
    assert rows(fast, with_value=True) == rows(reference, with_value=True)


def test_bundled_graph_same_results_as_pyshacl() -> None:
    """Does the bundled graph get the same validation results from both engines?"""
    kg = evkg.load()
    _same_as_pyshacl(kg.store, ROOT)


FAULTS = [  # (file, old, new): a curator's slips, each breaking a different constraint
    ("society-00001.ttl", 'evkg:asOf "2025-08-28"^^xsd:date', 'evkg:asOf "2025-08"^^xsd:date'),
    ("society-00001.ttl", "oa:exact ", "oa:exact 42 ; rdfs:comment "),
    ("society-00002.ttl", "evkg:countQualifier evkg:", "evkg:countQualifier evkg:exactly , evkg:"),
    ("crossref-00001.ttl", "prov:agent person:", f"prov:agent <{PREFIXES['organization']}jsrm> , person:"),
    ("crossref-00002.ttl", "evkg:authorPosition 2 ;", "evkg:authorPosition 1 ;"),
    ("core.ttl", 'skos:prefLabel "exosome"@en', 'skos:prefLabel "exosome"@en , "exosomes"@en'),
    # a statement left untyped: RDFS axioms (rdf:subject's domain) are not applied, as in pySHACL
    (
        "core.ttl",
        "agent:evkg-curators a",
        f"<{PREFIXES['evidence']}untyped> rdf:subject organization:jsrm .\nagent:evkg-curators a",
    ),
]


def _synth_with_faults(tmp_path: Path) -> Path:
    from benchmarks.synth import generate

    root = tmp_path / "data"
    generate(root, 5000, seed=5)
    for name, old, new in FAULTS:
        path = root / "graph" / "synth" / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_synthetic_data_with_faults_same_results_as_pyshacl(tmp_path: Path) -> None:
    """Do both engines find the same faults in synthetic data a curator broke in six ways?"""
    root = _synth_with_faults(tmp_path)
    kg = evkg.load(root)
    _same_as_pyshacl(kg.store, root)


def test_checks_run_side_by_side_report_what_one_at_a_time_reports(tmp_path: Path) -> None:
    """Two threads running the compiled checks: the same results, in the same order, as one thread?"""
    kg = evkg.load(_synth_with_faults(tmp_path))
    prog = shacl_compiled.compile_shapes(shapes(), shacl_compiled.Schema.of(kg.store))
    reports = [shacl_compiled.run(prog, kg.store, workers=n) for n in (1, 2)]
    assert [c for c, _ in reports] == [False, False]
    one, two = (rows(r, with_value=True) for _, r in reports)
    assert len(one) >= 5 and two == one  # the faults above, found


def _key(f: Finding) -> tuple:
    """A finding without blank node labels (a re-parse relabels them): blank nodes by their owner."""
    blank = f.focus.startswith("_:")
    value = "_:" if (f.value or "").startswith("_:") else f.value
    return (f.entity if blank else f.focus, f.path, f.component, f.severity, value, f.source, f.message)


def test_revalidating_an_edited_file_matches_a_full_validation(tmp_path: Path) -> None:
    """After a curator edits one source file, does checking only what changed give the full answer?"""
    from evkg.quality.incremental import revalidate, validate_store

    root = _synth_with_faults(tmp_path)
    store_dir = tmp_path / "store"
    before = validate_store(evkg.load(root, store_dir))
    assert before.violations  # the faults are there
    edited = root / "graph" / "synth" / "society-00001.ttl"
    text = edited.read_text(encoding="utf-8")
    text = text.replace('evkg:asOf "2025-08"^^xsd:date', 'evkg:asOf "2025-08-28"^^xsd:date')  # one fault fixed
    text = text.replace('schema:addressCountry "', 'schema:addressCountry "Japan", "', 1)  # two new ones
    edited.write_text(text, encoding="utf-8")
    # another source: a journal loses its type (its articles, described elsewhere, now point at no
    # fabio:Journal) and an author position is repeated (a SPARQL constraint one hop up)
    other = root / "graph" / "synth" / "crossref-00001.ttl"
    text = other.read_text(encoding="utf-8")
    assert "a fabio:Journal ;" in text and "evkg:authorPosition 3 ;" in text
    text = text.replace("a fabio:Journal ;", "a fabio:Periodical ;", 1).replace(
        "evkg:authorPosition 3 ;", "evkg:authorPosition 2 ;", 1
    )
    other.write_text(text, encoding="utf-8")
    incremental = revalidate(root, store_dir, [edited, other])
    assert incremental.seconds["mode"] == "incremental"
    full = validate_store(evkg.load(root, tmp_path / "fresh-store"))
    assert sorted(map(_key, incremental.findings)) == sorted(map(_key, full.findings))
    assert {_key(f) for f in incremental.findings} != {_key(f) for f in before.findings}
    new = {k[1:3] for k in set(map(_key, incremental.findings)) - set(map(_key, before.findings))}
    assert ("dcterms:isPartOf", "sh:ClassConstraintComponent") in new  # articles of other files
    assert ("prov:qualifiedAttribution", "sh:SPARQLConstraintComponent") in new
