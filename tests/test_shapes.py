"""Do the SHACL shapes catch every curation mistake they are meant to catch, and nothing else?

DASH / pySHACL test style (valid and invalid fixtures per shape, the expected results beside them):
for each node shape ``S`` of ``ontology/shapes/``,
``tests/fixtures/shapes/S/valid/*.ttl`` must conform and each ``invalid/NAME.ttl`` must raise exactly
the (focus node, path, constraint component, severity) results listed in ``invalid/NAME.expected.json``.
Every fixture is validated together with ``tests/fixtures/shapes/_base.ttl`` (a small valid world),
through the same :func:`evkg.quality.shacl_reference.run_shacl` the CLI uses.

One pySHACL run per fixture took minutes, so the fixtures are validated in batches: each fixture,
with its own copy of the base world, goes into one graph with its nodes in a namespace of its own
(every IRI of evkg's ``id/`` and ``graph/`` spaces that the shapes and the ontology do not name gets
a ``-fxN`` suffix, and blank nodes are renamed too); the batch is validated once and its results are
split by the fixture each focus node came from, then renamed back. A fixture that describes a node
no copy can rename (``obo:GO_1903561``) goes to another batch than any other fixture describing it.
Copies share nothing but the vocabulary, so a fixture's results are the ones it would have alone;
a test checks that on a sample.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from evkg.data import identifiers, layout
from evkg.data.prefixes import registry
from evkg.quality.inputs import ontology_graph, shapes_graph
from evkg.quality.shacl_reference import ShaclDataGraph, run_shacl

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
IDENTIFIER_VECTORS = Path(__file__).resolve().parent / "fixtures" / "identifiers"
PREFIXES = registry(ROOT)
#: evkg's own resource spaces (``id/<kind>/…`` and ``graph/…``): what a fixture copy renames
OWN_SPACES = (PREFIXES["organization"].rsplit("/", 2)[0] + "/", PREFIXES["graph"])
BASE = "_base"

#: constraint parameter -> the component its results name (SHACL core + SPARQL)
COMPONENTS = {
    SH.minCount: "sh:MinCountConstraintComponent",
    SH.maxCount: "sh:MaxCountConstraintComponent",
    SH.datatype: "sh:DatatypeConstraintComponent",
    SH["class"]: "sh:ClassConstraintComponent",
    SH.nodeKind: "sh:NodeKindConstraintComponent",
    SH.pattern: "sh:PatternConstraintComponent",
    SH["in"]: "sh:InConstraintComponent",
    SH.uniqueLang: "sh:UniqueLangConstraintComponent",
    SH.qualifiedMinCount: "sh:QualifiedMinCountConstraintComponent",
    SH["or"]: "sh:OrConstraintComponent",
    SH.xone: "sh:XoneConstraintComponent",
    SH.node: "sh:NodeConstraintComponent",
    SH.minInclusive: "sh:MinInclusiveConstraintComponent",
    SH.minLength: "sh:MinLengthConstraintComponent",
    SH.sparql: "sh:SPARQLConstraintComponent",
}

Result = tuple[str | None, str | None, str | None, str | None]


@cache
def shapes() -> Graph:
    return shapes_graph(layout.resolve(ROOT))


@cache
def ontology() -> Graph:
    return ontology_graph(layout.resolve(ROOT))


def curie(node: object) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return PREFIXES.curie(str(node)) or str(node)
    return str(node)


def result_rows(report: Graph) -> Iterable[tuple[Node, Result]]:
    """(focus node, (focus, path, component, severity)) of every result of a pySHACL report."""
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if isinstance(focus, Literal):
            continue  # literals typed by RDFS range inference; evkg.quality.pipeline drops them the same way
        severity = report.value(result, SH.resultSeverity)
        yield (
            focus,
            (
                curie(focus),
                curie(report.value(result, SH.resultPath)),
                curie(report.value(result, SH.sourceConstraintComponent)),
                str(severity).rsplit("#", 1)[-1] if severity else None,
            ),
        )


# --- batches: many fixtures, one pySHACL run -------------------------------------------------------------------
@cache
def _parsed(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


@cache
def _vocabulary() -> frozenset[Node]:
    """IRIs that the shapes (their SPARQL text included: scheme:ev-glossary) or the ontology name: never renamed."""
    named = {t for g in (shapes(), ontology()) for triple in g for t in triple if isinstance(t, URIRef)}
    for text in shapes().objects(None, SH.select):
        named |= {URIRef(iri) for iri in re.findall(r"<([^<>\s]+)>", str(text))}
        for prefix, local in re.findall(r"\b([A-Za-z][\w-]*):([A-Za-z_][\w-]*)", str(text)):
            if prefix in PREFIXES:
                named.add(PREFIXES.namespace(prefix)[local])
    return frozenset(named)


def _renamed(node: Node) -> bool:
    """Does a fixture copy rename ``node``? (blank nodes, and evkg's own IRIs the shapes do not name)"""
    if isinstance(node, BNode):
        return True
    return isinstance(node, URIRef) and str(node).startswith(OWN_SPACES) and node not in _vocabulary()


@cache
def _unrenamed(path: Path) -> frozenset[Node]:
    return frozenset(s for s in _parsed(path).subjects() if not _renamed(s))


def _unrenamed_subjects(files: list[Path]) -> set[Node]:
    """Nodes a fixture describes that its copy cannot rename (e.g. obo:GO_1903561)."""
    return {s for path in files if path.stem != BASE for s in _unrenamed(path)}


@dataclass
class Batch:
    """Fixtures validated in one graph; ``origin`` maps a renamed node to (fixture key, original node)."""

    graph: Graph = field(default_factory=Graph)
    origin: dict[Node, tuple[str, Node]] = field(default_factory=dict)
    shared: dict[Node, str] = field(default_factory=dict)  # an unrenamed node -> the one fixture describing it
    copies: int = 0

    def accepts(self, files: list[Path]) -> bool:
        return not (_unrenamed_subjects(files) & self.shared.keys())

    def add(self, key: str, files: list[Path]) -> None:
        suffix = f"-fx{self.copies}"
        self.copies += 1
        for node in _unrenamed_subjects(files):
            self.shared[node] = key

        def rename(node: Node) -> Node:
            if not _renamed(node):
                return node
            new: Node = BNode(f"{node}{suffix}") if isinstance(node, BNode) else URIRef(f"{node}{suffix}")
            self.origin[new] = (key, node)
            return new

        for path in files:
            for s, p, o in _parsed(path):
                self.graph.add((rename(s), p, rename(o)))

    def results(self, keys: list[str]) -> dict[str, set[Result]]:
        _, report = run_shacl(self.graph, shapes(), ontology())
        out: dict[str, set[Result]] = {key: set() for key in keys}
        for focus, (_, path, component, severity) in result_rows(report):
            if focus in self.origin:
                key, original = self.origin[focus]
            else:
                assert focus in self.shared, f"a result on {focus} that no fixture of the batch describes"
                key, original = self.shared[focus], focus
            out[key].add((curie(original), path, component, severity))
        return out


def _fixtures(kind: str) -> list[Path]:
    return sorted(p for p in FIXTURES.glob(f"*/{kind}/*.ttl") if not p.name.endswith(".expected.ttl"))


def _id(path: Path) -> str:
    return f"{path.parents[1].name}/{path.stem}"


def _files(key: str) -> list[Path]:
    base = FIXTURES / f"{BASE}.ttl"
    return [base] if key == BASE else [base, FIXTURES / f"{key}.ttl"]


@cache
def batch_results() -> dict[str, set[Result]]:
    """Results of every fixture (key ``Shape/kind/name``) and of the base world alone (key ``_base``)."""
    keys = [BASE] + [str(p.relative_to(FIXTURES).with_suffix("")) for p in _fixtures("valid") + _fixtures("invalid")]
    batches: list[tuple[Batch, list[str]]] = []
    for key in keys:
        files = _files(key)
        chosen = next((b for b in batches if b[0].accepts(files)), None)
        if chosen is None:
            chosen = (Batch(), [])
            batches.append(chosen)
        chosen[0].add(key, files)
        chosen[1].append(key)
    out: dict[str, set[Result]] = {}
    for batch, members in batches:
        out.update(batch.results(members))
    return out


def results(fixture: Path | None) -> set[Result]:
    """(focus, path, component, severity) of every result for _base.ttl plus ``fixture``."""
    key = BASE if fixture is None else str(fixture.relative_to(FIXTURES).with_suffix(""))
    return batch_results()[key]


def results_alone(fixture: Path | None) -> set[Result]:
    """The same, from a pySHACL run on _base.ttl and ``fixture`` alone."""
    data = Graph()
    for path in _files(BASE) if fixture is None else [FIXTURES / f"{BASE}.ttl", fixture]:
        data += _parsed(path)
    _, report = run_shacl(data, shapes(), ontology())
    return {row for _, row in result_rows(report)}


def node_shapes() -> list[str]:
    return sorted(str(s).split("#", 1)[1] for s in shapes().subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def _expected(path: Path) -> set[tuple[str | None, str | None, str | None, str | None]]:
    items = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return {(i["focus"], i.get("path"), i["component"], i.get("severity", "Violation")) for i in items}


def test_the_base_world_conforms() -> None:
    """Is the small world the fixtures build on free of any result?"""
    assert results(None) == set()


@pytest.mark.parametrize("fixture", _fixtures("valid"), ids=_id)
def test_a_valid_example_conforms(fixture: Path) -> None:
    """Does a correctly curated entity pass without a single violation or warning?"""
    assert results(fixture) == set()


@pytest.mark.parametrize("fixture", _fixtures("invalid"), ids=_id)
def test_an_invalid_example_raises_exactly_its_expected_results(fixture: Path) -> None:
    """Does each curation mistake raise exactly the (focus, path, component, severity) it should?"""
    assert results(fixture) == _expected(fixture)


#: fixtures that exercise what batching could disturb: an unrenamed external IRI, author IRIs under a
#: publication's IRI with a SPARQL constraint comparing them, check digits, RDFS typing of base nodes
_ALONE_SAMPLE = (
    "ConceptShape/invalid/labels-and-links",
    "AuthorPositionsShape/invalid/two-first-authors",
    "OrcidCheckDigitShape/invalid/check-digit-wrong",
    "AgreementShape/invalid/person-as-party",
)


@pytest.mark.parametrize("key", _ALONE_SAMPLE)
def test_a_batch_reports_what_each_fixture_reports_alone(key: str) -> None:
    """Does validating a fixture among all the others give exactly what validating it alone gives?"""
    fixture = FIXTURES / f"{key}.ttl"
    assert results(fixture) == results_alone(fixture)


def test_evkg_reports_what_plain_pyshacl_reports() -> None:
    """Does evkg's validation (its own RDFS closure, SPARQL on pyoxigraph) give the very report of the
    plain call ``pyshacl.validate(data, ont_graph=ontology, inference="rdfs", …)``, values included?"""
    data = Graph()
    for path in _fixtures("invalid")[::3]:
        data += _parsed(path)
    data += _parsed(FIXTURES / f"{BASE}.ttl")

    def rows(report: Graph) -> set[tuple[Node | None, ...]]:
        terms = (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent, SH.resultSeverity, SH.value, SH.sourceShape)
        return {
            tuple(report.value(r, t) for t in terms)
            for r in report.subjects(RDF.type, SH.ValidationResult)
            if not isinstance(report.value(r, SH.focusNode), Literal)
        }

    _, plain, _ = pyshacl.validate(
        data, shacl_graph=shapes(), ont_graph=ontology(), inference="rdfs", advanced=True, allow_warnings=True
    )
    _, ours = run_shacl(data, shapes(), ontology())
    assert isinstance(plain, Graph)
    assert len(rows(ours)) > 30
    assert rows(ours) == rows(plain)


def test_shacl_sparql_runs_on_a_copy_that_follows_the_graph_and_falls_back_to_rdflib() -> None:
    """Do the SHACL queries evkg sends to pyoxigraph see every change to the graph, and does a query
    pyoxigraph refuses (a bound variable the SELECT does not project) still run, on rdflib?"""
    ns = PREFIXES.namespace("organization")
    label = PREFIXES.expand("rdfs:label")
    graph = ShaclDataGraph()
    graph.add((ns.alpha, label, Literal("Alpha", lang="en")))
    rdfs = PREFIXES.sparql_block(["rdfs"])
    projected = rdfs + "SELECT $this ?value WHERE { $this rdfs:label ?value }"
    assert [r.value for r in graph.query(projected, initBindings={"this": ns.alpha})] == [Literal("Alpha", lang="en")]
    graph.add((ns.alpha, label, Literal("アルファ", lang="ja")))
    assert len(graph.query(projected, initBindings={"this": ns.alpha})) == 2
    hidden = rdfs + "SELECT ?value WHERE { $this rdfs:label ?value FILTER (LANG(?value) = 'ja') }"
    assert [r.value for r in graph.query(hidden, initBindings={"this": ns.alpha})] == [Literal("アルファ", lang="ja")]
    blank = BNode()
    graph.add((blank, label, Literal("anonymous")))
    rows = graph.query(projected, initBindings={"this": blank})
    assert [(r.this, r.value) for r in rows] == [(blank, Literal("anonymous"))]


def test_every_node_shape_has_valid_and_invalid_examples() -> None:
    """Is there at least one valid and one invalid example for every shape?"""
    for name in node_shapes():
        assert list((FIXTURES / name / "valid").glob("*.ttl")), f"{name}: no valid example"
        assert list((FIXTURES / name / "invalid").glob("*.expected.json")), f"{name}: no invalid example"
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} <= set(node_shapes())


def _covered(name: str) -> set[tuple[str | None, str]]:
    """(path, component) pairs the invalid examples of shape ``name`` assert."""
    covered: set[tuple[str | None, str]] = set()
    for expected in (FIXTURES / name / "invalid").glob("*.expected.json"):
        for item in json.loads(expected.read_text(encoding="utf-8")):
            covered.add((item.get("path"), item["component"]))
    return covered


def test_every_constraint_has_an_invalid_example() -> None:
    """Is every constraint of every shape exercised by an invalid example that asserts its result?"""
    g = shapes()
    ns = PREFIXES.namespace("evkgsh")
    missing = []
    for name in node_shapes():
        shape = ns[name]
        covered = _covered(name)
        wanted: set[tuple[str | None, str]] = set()
        for param, component in COMPONENTS.items():
            if (shape, param, None) in g:
                wanted.add((curie(g.value(shape, SH.path)) if param == SH.sparql else None, component))
        for prop in g.objects(shape, SH.property):
            path = curie(g.value(prop, SH.path))
            for param, component in COMPONENTS.items():
                if (prop, param, None) in g:
                    wanted.add((path, component))
        if (shape, SH.sparql, None) in g:  # SPARQL constraints report the path they select
            wanted = {w for w in wanted if w[1] != "sh:SPARQLConstraintComponent"}
            if not any(c == "sh:SPARQLConstraintComponent" for _, c in covered):
                missing.append((name, None, "sh:SPARQLConstraintComponent"))
        missing += [(name, p, c) for p, c in sorted(wanted, key=str) if (p, c) not in covered]
    assert not missing, "constraints without an invalid example: " + "; ".join(map(str, missing))


def test_every_shape_speaks_english_and_japanese_and_has_a_severity() -> None:
    """Does every node and property shape carry sh:message in @en and @ja and a sh:severity?"""
    g = shapes()
    holders = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.objects(None, SH.property))
    holders |= set(g.objects(None, SH.sparql))
    assert len(holders) > 100
    for holder in holders:
        languages = {m.language for m in g.objects(holder, SH.message) if isinstance(m, Literal)}
        assert {"en", "ja"} <= languages, f"{curie(holder)}: sh:message languages {languages}"
        if holder not in set(g.objects(None, SH.sparql)):
            assert g.value(holder, SH.severity) in (SH.Violation, SH.Warning), f"{curie(holder)}: no sh:severity"


def test_every_property_message_names_its_property_in_both_languages() -> None:
    """Can a curator tell from the message alone which property is wrong, in English and in Japanese?"""
    g = shapes()
    checked = 0
    for prop_shape in set(g.objects(None, SH.property)):
        path = curie(g.value(prop_shape, SH.path))
        for message in g.objects(prop_shape, SH.message):
            assert isinstance(message, Literal) and path and path in str(message), f"{path}: {message!r}"
            checked += 1
    assert checked > 200


def test_node_shapes_stay_open() -> None:
    """Are the node shapes open, so that subclasses with extra properties still validate?"""
    g = shapes()
    for shape in g.subjects(RDF.type, SH.NodeShape):
        assert (shape, SH.closed, Literal(True)) not in g


def test_sparql_prefix_declarations_match_the_registry() -> None:
    """Do the prefixes that SPARQL constraints use (sh:declare) match ontology/prefixes.ttl?"""
    g = shapes()
    declared = {str(g.value(d, SH.prefix)): str(g.value(d, SH.namespace)) for d in g.objects(None, SH.declare)}
    assert declared
    for prefix, namespace in declared.items():
        assert PREFIXES[prefix] == namespace, prefix


# --- SHACL patterns and evkg.data.identifiers agree --------------------------------------------------------------
_PROPERTY_OF_KIND = {
    "doi": "evkg:doi",
    "pmid": "evkg:pmid",
    "pmcid": "evkg:pmcid",
    "orcid": "evkg:orcid",
    "ror": "evkg:rorId",
    "wikidata": "evkg:wikidataId",
    "pii": "evkg:pii",
    "issn": "prism:issn",
}


def _vector_values(kind: str) -> list[str]:
    values: set[str] = set()
    for name in ("valid.txt", "invalid.txt"):
        for line in (IDENTIFIER_VECTORS / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            k, value, third = line.split("\t")
            if k == kind:
                values.add(value)
                if name == "valid.txt":
                    values.add(third)
    return sorted(values)


@cache
def _rejected_by_shacl() -> dict[str, set[str]]:
    """Every kind's test vectors stored as literals on its property, one subject each, validated in one run:
    kind -> the values the shapes reject."""
    data = Graph()
    subjects: dict[Node, tuple[str, str]] = {}
    for kind, prop in _PROPERTY_OF_KIND.items():
        for i, value in enumerate(_vector_values(kind)):
            subject = URIRef(f"https://example.org/vector/{kind}/{i}")
            subjects[subject] = (kind, value)
            data.add((subject, PREFIXES.expand(prop), Literal(value)))
    _, report = run_shacl(data, shapes(), ontology())
    rejected: dict[str, set[str]] = {kind: set() for kind in _PROPERTY_OF_KIND}
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if (focus := report.value(r, SH.focusNode)) in subjects:
            kind, value = subjects[focus]
            rejected[kind].add(value)
    return rejected


@pytest.mark.parametrize("kind", sorted(_PROPERTY_OF_KIND))
def test_shacl_and_python_agree_on_which_stored_identifiers_are_valid(kind: str) -> None:
    """Given the identifier test vectors stored as literals, do the shapes reject exactly the values
    that evkg.data.identifiers would not store as they are (malformed, not normalised, or a wrong check digit)?"""
    values = _vector_values(kind)

    def python_accepts(value: str) -> bool:
        try:
            return identifiers.normalize(kind, value) == value
        except identifiers.IdentifierError:
            return False

    rejected_by_python = {v for v in values if not python_accepts(v)}
    assert _rejected_by_shacl()[kind] == rejected_by_python
    assert rejected_by_python and len(rejected_by_python) < len(values)  # both outcomes are exercised


def test_identifier_shapes_use_the_module_patterns() -> None:
    """Is every sh:pattern on an identifier property the exact string of evkg.data.identifiers.PATTERNS?"""
    g = shapes()
    kinds = {PREFIXES.expand(p): k for k, p in _PROPERTY_OF_KIND.items()}
    kinds[PREFIXES.expand("prism:eIssn")] = "issn"
    kinds[PREFIXES.expand("evkg:citesDoi")] = "doi"
    seen = set()
    for prop_shape, path in g.subject_objects(SH.path):
        if path in kinds and (prop_shape, SH.pattern, None) in g:
            assert str(g.value(prop_shape, SH.pattern)) == identifiers.PATTERNS[kinds[path]]
            seen.add(path)
    assert seen == set(kinds)
    for select in g.objects(None, SH.select):  # check-digit queries filter on the same patterns
        for pattern in re.findall(r'REGEX\(STR\(\?value\), "([^"]+)"\)', str(select)):
            assert pattern.replace("\\\\", "\\") in identifiers.PATTERNS.values()
