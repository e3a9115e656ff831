"""The W3C SHACL test suite (tests/w3c/shacl/): its cases, and reports compared with the expected ones.

A case is an ``sht:Validate`` entry of a manifest: a data graph, a shapes graph (often the same file)
and either the expected ``sh:ValidationReport`` or ``sht:Failure`` (the shapes must be refused).

Reports are compared the way pySHACL's own test runner compares them (``check_sht_result``), minus the
messages: the ``sh:conforms`` flag, then the multiset of results, each as (focus node, path, value,
source shape, component, severity, and the source constraint where the expected result names one).
A blank node is compared by its structure: the predicates and objects below it, recursively (a report
must carry the description of every blank node it names, as pySHACL's reports do; the expected report
finds them in the test file itself).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

SUITE = Path(__file__).resolve().parent / "w3c" / "shacl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry."""

    id: str  # e.g. core/node/class-001
    label: str
    data: Path
    shapes: Path
    manifest: Graph = None  # type: ignore[assignment]  # the parsed test file (expected report inside)
    result: Node = None  # type: ignore[assignment]  # the mf:result node, or sht:Failure

    @property
    def failure(self) -> bool:
        """The shapes graph is ill-formed or unsupported by the spec: validation must be refused."""
        return self.result == SHT.Failure

    @property
    def expected_conforms(self) -> bool | None:
        if self.failure:
            return None
        value = self.manifest.value(self.result, SH.conforms)
        return bool(value.toPython()) if isinstance(value, Literal) else None


def _path(iri: Node) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(str(iri)).path))


@contextlib.contextmanager
def as_written() -> Iterator[None]:
    """rdflib keeps literals as written while parsing in this block (by default it rewrites
    ``"1"^^xsd:boolean`` as ``"true"`` and an ill-typed ``"none"^^xsd:boolean`` as ``"false"``)."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


def _manifest(path: Path, out: list[Case]) -> None:
    g = load(path)
    for manifest in g.subjects(RDF.type, MF.Manifest):
        for include in g.objects(manifest, MF.include):
            _manifest(_path(include), out)
        entries = g.value(manifest, MF.entries)
        for entry in g.items(entries) if entries is not None else ():
            if (entry, RDF.type, SHT.Validate) not in g:
                continue
            action = g.value(entry, MF.action)
            case_id = _path(entry).relative_to(SUITE).as_posix()
            out.append(
                Case(
                    id=case_id,
                    label=str(g.value(entry, RDFS.label) or ""),
                    data=_path(g.value(action, SHT.dataGraph)),
                    shapes=_path(g.value(action, SHT.shapesGraph)),
                    manifest=g,
                    result=g.value(entry, MF.result),
                )
            )


def cases(part: str) -> list[Case]:
    """Every case of ``core`` or ``sparql``, in manifest order."""
    out: list[Case] = []
    _manifest(SUITE / part / "manifest.ttl", out)
    return out


# --- comparing reports --------------------------------------------------------------------------------------
def canon(graph: Graph, node: Node | None, seen: frozenset[Node] = frozenset()) -> Any:
    """A node as a hashable value; a blank node by what lies below it (cycles cut)."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return ("iri", str(node))
    if isinstance(node, Literal):
        return ("literal", str(node), str(node.datatype or ""), (node.language or "").lower())
    if node in seen:
        return ("cycle",)
    below = frozenset((str(p), canon(graph, o, seen | {node})) for p, o in graph.predicate_objects(node))
    return ("blank", below)


def result_key(graph: Graph, result: Node, with_constraint: bool) -> tuple[Any, ...]:
    key = tuple(
        canon(graph, graph.value(result, p))
        for p in (
            SH.focusNode,
            SH.resultPath,
            SH.value,
            SH.sourceShape,
            SH.sourceConstraintComponent,
            SH.resultSeverity,
        )
    )
    if with_constraint:
        key += (canon(graph, graph.value(result, SH.sourceConstraint)),)
    return key


def report_of(graph: Graph) -> Node:
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1, f"{len(reports)} sh:ValidationReport nodes in the report"
    return reports[0]


def difference(case: Case, actual: Graph) -> str | None:
    """None when ``actual`` (a report graph) matches the case's expected report; else what differs."""
    expected_graph, expected = case.manifest, case.result
    report = report_of(actual)
    conforms = actual.value(report, SH.conforms)
    if not isinstance(conforms, Literal) or bool(conforms.toPython()) != case.expected_conforms:
        return f"sh:conforms {conforms} (expected {case.expected_conforms})"
    with_constraint = any(
        expected_graph.value(r, SH.sourceConstraint) is not None for r in expected_graph.objects(expected, SH.result)
    )
    want = Counter(result_key(expected_graph, r, with_constraint) for r in expected_graph.objects(expected, SH.result))
    got = Counter(result_key(actual, r, with_constraint) for r in actual.objects(report, SH.result))
    if want == got:
        return None
    missing, extra = want - got, got - want
    lines = [f"{sum(got.values())} results, expected {sum(want.values())}"]
    lines += [f"  missing: {_show(k)}" for k in sorted(missing, key=repr)]
    lines += [f"  extra:   {_show(k)}" for k in sorted(extra, key=repr)]
    return "\n".join(lines)


def _show(key: tuple[Any, ...]) -> str:
    def one(value: Any) -> str:
        if value is None:
            return "-"
        if value[0] == "iri":
            return value[1].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if value[0] == "literal":
            return repr(value[1])
        return "_:b" if value[0] == "blank" else "_:cycle"

    return " ".join(one(v) for v in key)


def wrong_conforms(case: Case, actual: Graph) -> bool:
    """The worst outcome: the report says "conforms" where the expected report does not (or a
    refusal was expected)."""
    conforms = actual.value(report_of(actual), SH.conforms)
    said = isinstance(conforms, Literal) and bool(conforms.toPython())
    return said and case.expected_conforms is not True


def _graph(quads: Iterator[ox.Quad]) -> Graph:
    from evkg.rdf.terms import to_rdflib

    g = Graph()
    for q in quads:
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def load(path: Path) -> Graph:
    """A Turtle file of the suite, literals as written (relative IRIs against its location).

    Parsed by pyoxigraph's parser, which keeps every literal as written; rdflib's rewrites numerals
    written bare (``01`` reads as ``1``) and, unless told otherwise, ``"1"^^xsd:boolean`` as ``"true"``.
    """
    return _graph(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))


def parse_report(text: str) -> Graph:
    """A report in Turtle, literals as written."""
    return _graph(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
