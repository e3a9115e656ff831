"""The owl2rl sub-suite of the OWL 2 RDF-Based Semantics test cases (tests/w3c/owl2rl/), and how a case is judged.

A case is a folder with ``<id>.metadata.properties`` (a Java XML properties file: ``testcase.type`` is
``POSITIVE_ENTAILMENT`` or ``INCONSISTENCY``) and Turtle graphs: ``<id>.premisegraph.ttl`` and
``<id>.conclusiongraph.ttl`` for an entailment, ``<id>.graph.ttl`` for an inconsistency.

How a case is judged (docs/validation.md, "OWL 2 RL"):

- an inconsistency case passes when the engine reports at least one inconsistency;
- an entailment case passes when every triple of the conclusion is in the premise or in the engine's
  closure *with its axiomatic triples* (``evkg reason --axiomatic``, ``closure(..., axiomatic=True)``):
  a conclusion such as ``xsd:integer rdf:type rdfs:Datatype`` or ``ex:x owl:sameAs ex:x`` is derived by
  the engine (dt-type1, eq-ref) and only left out of the default report. A blank node of the
  conclusion stands for some node (an existential variable), as in RDF entailment.

Literal subjects: OWL 2 RL reasons in generalised RDF (``42 owl:sameAs ex:w`` by eq-sym), and both
engines do so internally, but a closure is an RDF graph and holds no triple with a literal subject. No
conclusion of this suite has one (``test_no_conclusion_has_a_literal_subject``), so every case is judged
on RDF triples about resources, such as ``ex:w rdf:type xsd:integer`` derived through the literal
``42``; nothing is passed or failed for a literal-subject triple.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.term import Node

from evkg.quality import owl2rl
from evkg.rdf.literals import WrittenLiterals

SUITE = Path(__file__).resolve().parent / "w3c" / "owl2rl"
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Case:
    """One test case of the suite."""

    id: str
    kind: str  # "entailment" or "inconsistency"
    description: str
    folder: Path

    @property
    def premise(self) -> Path:
        name = "premisegraph" if self.kind == "entailment" else "graph"
        return self.folder / f"{self.id}.{name}.ttl"

    @property
    def conclusion_file(self) -> Path | None:
        return self.folder / f"{self.id}.conclusiongraph.ttl" if self.kind == "entailment" else None

    @cached_property
    def conclusion(self) -> list[Triple]:
        path = self.conclusion_file
        return list(parse(path)) if path is not None else []


def closure_of(triples: Iterable[Triple], engine: str = "fast", *, axiomatic: bool = False) -> owl2rl.Closure:
    """The closure of rdflib ``triples`` by the product's entry point, :func:`evkg.quality.owl2rl.closure`
    (on the store :func:`store_of` makes of them)."""
    store, literals = store_of(triples)
    return owl2rl.closure(store, engine=engine, axiomatic=axiomatic, literals=literals)


def store_of(triples: Iterable[Triple]) -> tuple[ox.Store, WrittenLiterals]:
    """rdflib ``triples`` in a pyoxigraph store, the way evkg's loader puts a source file there.

    Written as N-Triples (rdflib keeps ``"128"^^xsd:byte`` as written), parsed by pyoxigraph, and the
    literals the store rewrites recorded in a :class:`~evkg.rdf.literals.WrittenLiterals` table, which
    the closure reads, so dt-not-type and the datatypes see each literal as written.
    """
    text = Graph()
    for triple in triples:
        text.add(triple)
    store = ox.Store()
    literals = WrittenLiterals()
    graph = ox.NamedNode("urn:evkg:test:premise")
    parsed = ox.parse(text.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    store.extend(literals.recording(parsed, graph))
    return store, literals


def _metadata(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return {key: value.strip() for key, value in re.findall(r'<entry key="([^"]+)">(.*?)</entry>', text, re.S)}


def cases() -> list[Case]:
    """Every case of the sub-suite, by id."""
    out = []
    for folder in sorted(p for p in SUITE.iterdir() if p.is_dir()):
        meta = _metadata(folder / f"{folder.name}.metadata.properties")
        kind = {"POSITIVE_ENTAILMENT": "entailment", "INCONSISTENCY": "inconsistency"}[meta["testcase.type"]]
        out.append(Case(meta["testcase.id"], kind, meta.get("testcase.description", ""), folder))
    return out


def parse(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def missing(conclusion: Iterable[Triple], graph: set[Triple]) -> list[Triple]:
    """The conclusion triples that ``graph`` does not entail by a mapping of the conclusion's blank nodes.

    Empty when some mapping of every blank node of the conclusion to a node of ``graph`` puts every
    conclusion triple in ``graph`` (simple entailment); otherwise the triples of the conclusion that
    no mapping found (all of them when the blank nodes are the problem).
    """
    wanted = list(conclusion)
    ground = [t for t in wanted if not any(isinstance(x, BNode) for x in t)]
    absent = [t for t in ground if t not in graph]
    open_triples = [t for t in wanted if t not in ground]
    if absent or not open_triples:
        return absent
    by_predicate: dict[Node, list[Triple]] = {}
    for triple in graph:
        by_predicate.setdefault(triple[1], []).append(triple)

    def extend(i: int, binding: dict[Node, Node]) -> bool:
        if i == len(open_triples):
            return True
        pattern = open_triples[i]
        candidates = (
            by_predicate.get(binding.get(pattern[1], pattern[1]), [])
            if not isinstance(pattern[1], BNode) or pattern[1] in binding
            else list(graph)
        )
        for triple in candidates:
            new = dict(binding)
            if all(_bind(want, have, new) for want, have in zip(pattern, triple, strict=True)) and extend(i + 1, new):
                return True
        return False

    return [] if extend(0, {}) else open_triples


def _bind(want: Node, have: Node, binding: dict[Node, Node]) -> bool:
    if not isinstance(want, BNode):
        return want == have
    if want in binding:
        return binding[want] == have
    binding[want] = have
    return True
