"""OWL 2 RL reasoning: owlrl as the reference, and a fast engine of rules compiled to SPARQL on pyoxigraph.

Reasoning is an explicit, separate, filtered step (docs/decisions/0010-owl-rl-fast-engine.md):

- the input is every named graph of the dataset (the ontology included);
- the closure goes to its own named graph, :data:`INFERRED` (``graph:_inferred``; a name that no file
  can have, since the loader ignores ``graph/_*.ttl``), never back into ``graph/``;
- :func:`filter_closure` drops what is not information: triples with a literal subject, owlrl's
  error triples (reported as :class:`Inconsistency` instead), triples with a blank-node predicate,
  and the axiomatic noise of OWL RL (see :func:`is_axiomatic`).

Two engines give the same filtered closure (``tests/test_reasoning.py`` proves it on the bundled
graph and on test graphs):

``owlrl``
    ``owlrl.DeductiveClosure(OWLRL_Semantics).expand(dataset, destination=inferred)``: the reference.
    Brute force in pure Python; minutes on 100 k triples.
``fast``
    The OWL 2 RL rules as SPARQL CONSTRUCT queries (``evkg/quality/rules/owl2rl/<rule>.rq``, one rule per
    file, named as in the OWL 2 RL profile's tables) run to a fixpoint on a pyoxigraph store; the
    inconsistency rules are SELECT queries. What it leaves out, on purpose, is in
    ``docs/decisions/0010-owl-rl-fast-engine.md`` (rules that only produce axiomatic triples;
    ``owl:hasKey`` and property chains longer than three, which it refuses).

>>> import evkg
>>> result = closure(evkg.load().store, engine="fast")
>>> result.inconsistencies
[]
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import yaml
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from evkg.data import layout
from evkg.data.prefixes import Prefixes, registry
from evkg.errors import EvkgError, UsageError
from evkg.quality.findings import Finding
from evkg.quality.reach import Reach, forward
from evkg.query.engine import solutions
from evkg.query.knowledge_graph import load
from evkg.rdf.literals import WrittenLiterals
from evkg.rdf.parse import holds_union
from evkg.rdf.serialization import export
from evkg.rdf.terms import to_oxigraph, to_rdflib

if TYPE_CHECKING:
    from evkg.quality.findings import Describer, Finding

log = logging.getLogger(__name__)

ENGINES = ("fast", "owlrl")
#: Local name (in the ``graph:`` namespace) of the named graph that holds the closure.
INFERRED_NAME = "_inferred"

Triple = tuple[Node, Node, Node]


def inferred_graph_iri(prefixes: Prefixes | None = None) -> URIRef:
    """``https://w3id.org/evkg/graph/_inferred``: where the closure goes."""
    return URIRef((prefixes or registry()).namespace("graph")[INFERRED_NAME])


# --- results --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Inconsistency:
    """An OWL RL inconsistency: which rule fired, on which nodes, and owlrl's or our message."""

    rule: str
    message: str
    nodes: tuple[Node, ...] = ()


@dataclass
class Closure:
    """The filtered closure (new triples only) of one engine, and what was dropped.

    The fast engine hands its triples over as pyoxigraph terms (``ox_triples``); the rdflib form
    (``triples``) is made from them on first use only (1 M: ≈ 360 k triples, several seconds), since
    materialising them in a store or serialising them needs no rdflib terms.
    """

    engine: str
    rdflib_triples: set[Triple] | None
    inconsistencies: list[Inconsistency] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    rounds: int = 0
    ox_triples: list[ox.Triple] | None = None

    @property
    def triples(self) -> set[Triple]:
        """The inferred triples as rdflib terms."""
        if self.rdflib_triples is None:
            self.rdflib_triples = {
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in self.ox_triples or ()
            }
        return self.rdflib_triples

    def count(self) -> int:
        """How many triples were inferred (without making rdflib terms of them)."""
        return len(self.ox_triples) if self.ox_triples is not None else len(self.rdflib_triples or ())

    def oxigraph_triples(self) -> Iterator[ox.Triple]:
        """The inferred triples as pyoxigraph terms (no rdflib detour when the engine gave them so)."""
        if self.ox_triples is not None:
            return iter(self.ox_triples)
        return (ox.Triple(q.subject, q.predicate, q.object) for q in _ox_triples(self.rdflib_triples or ()))

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies

    def graph(self, prefixes: Prefixes | None = None) -> Graph:
        """The closure as an rdflib graph named :func:`inferred_graph_iri`."""
        prefixes = prefixes or registry()
        graph = prefixes.graph(inferred_graph_iri(prefixes))
        for triple in self.triples:
            graph.add(triple)
        return graph


# --- the filter both engines go through -----------------------------------------------------------------------
_REFLEXIVE = {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}
_TOP_BOTTOM = {RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range}
_VOCABULARIES = (str(RDF), str(RDFS), str(OWL), str(XSD))


def is_axiomatic(triple: Triple) -> bool:
    """True for OWL RL's axiomatic noise, which both engines leave out of the closure.

    - reflexive schema and equality triples (``x owl:sameAs x``, ``c rdfs:subClassOf c``, …:
      rules eq-ref, scm-cls, scm-op, scm-dp);
    - statements that something is an ``owl:Thing``, a subclass of it or in its domain or range,
      and that ``owl:Nothing`` is a subclass of something (true of every resource: scm-cls, cls-thing);
    - statements about the RDF, RDFS, OWL and XSD vocabularies themselves (datatype axioms dt-type1,
      dt-type2, the disjointness of datatypes, prp-ap's annotation properties, cls-thing, cls-nothing1).
    """
    s, p, o = triple
    if p in _REFLEXIVE and s == o:
        return True
    if o == OWL.Thing and p in _TOP_BOTTOM:
        return True
    if s == OWL.Nothing and p == RDFS.subClassOf:
        return True
    return isinstance(s, URIRef) and str(s).startswith(_VOCABULARIES)


def filter_closure(
    triples: Iterable[Triple], asserted: set[Triple] | None = None, *, axiomatic: bool = False
) -> tuple[set[Triple], dict[str, int]]:
    """Keep the informative new triples; count what was dropped and why.

    ``axiomatic=True`` keeps the axiomatic triples too (``evkg reason --axiomatic``: the whole
    closure, as the OWL 2 RL rules derive it, for checking an engine against a test suite).
    """
    # lazy: owlrl (the reference engine) loads only when it is used
    from owlrl.Namespaces import ERRNS

    kept: set[Triple] = set()
    dropped = {"literal subject": 0, "blank-node predicate": 0, "error": 0, "axiomatic": 0, "asserted": 0}
    for triple in triples:
        s, p, o = triple
        if isinstance(s, Literal):
            dropped["literal subject"] += 1
        elif isinstance(p, BNode):
            dropped["blank-node predicate"] += 1
        elif str(p).startswith(str(ERRNS)) or o == ERRNS.ErrorMessage:
            dropped["error"] += 1
        elif not axiomatic and is_axiomatic(triple):
            dropped["axiomatic"] += 1
        elif asserted is not None and triple in asserted:
            dropped["asserted"] += 1
        else:
            kept.add(triple)
    return kept, dropped


# --- input ---------------------------------------------------------------------------------------------------------
def asserted_triples(store: ox.Store, literals: WrittenLiterals | None = None) -> set[Triple]:
    """Every triple of every graph of ``store`` (rdflib terms, literals as written: ``literals`` is the
    store's table, :mod:`evkg.rdf.literals`), the inferred graph excluded."""
    inferred = ox.NamedNode(str(inferred_graph_iri()))
    quads = store.quads_for_pattern(None, None, None)
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in (literals.restore(quads) if literals else quads)
        if q.graph_name != inferred
    }


# --- the reference: owlrl -----------------------------------------------------------------------------------
_OWLRL_MESSAGES = (  # owlrl's error messages -> the OWL 2 RL rule that raised them
    ("Disjoint classes", "cax-dw"),
    ("is defined of type 'Nothing'", "cls-nothing2"),
    ("Violation of complementarity", "cls-com"),
    ("Irreflexive property", "prp-irp"),
    ("asymmetric property", "prp-asyp"),
    ("disjoint properties", "prp-pdw"),
    ("Negative (object) property", "prp-npa1"),
    ("Negative (datatype) property", "prp-npa2"),
    ("'sameAs' and 'differentFrom'", "eq-diff1"),
    ("'sameAs' and 'AllDifferent'", "eq-diff2"),
    ("maximum cardinality", "cls-maxc1"),
    ("maximum qualified cardinality", "cls-maxqc1"),
    ("Lexical value of the literal", "dt-not-type"),
    ("allValuesFrom", "cls-avf"),
)


def owlrl_rule(message: str) -> str:
    """The OWL 2 RL rule an owlrl error message comes from (``owlrl`` if unknown)."""
    for phrase, rule in _OWLRL_MESSAGES:
        if phrase in message:
            return rule
    return "owlrl"


def owlrl_closure(triples: set[Triple], *, axiomatic: bool = False) -> Closure:
    """The reference closure: owlrl's OWL 2 RL semantics, written into a separate graph."""
    # lazy: owlrl (the reference engine) loads only when it is used
    import owlrl
    from owlrl.Namespaces import ERRNS

    started = time.perf_counter()
    dataset = Dataset()
    data = dataset.graph(URIRef("urn:evkg:reason:asserted"))
    for triple in triples:
        data.add(triple)
    inferred = dataset.graph(inferred_graph_iri())
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(dataset, destination=inferred)
    inconsistencies = [
        Inconsistency(owlrl_rule(str(message)), str(message))
        for node in inferred.subjects(RDF.type, ERRNS.ErrorMessage)
        for message in inferred.objects(node, ERRNS.error)
    ]
    kept, dropped = filter_closure(inferred, triples, axiomatic=axiomatic)
    return Closure(
        "owlrl",
        kept,
        sorted(inconsistencies, key=lambda i: (i.rule, i.message)),
        dropped,
        time.perf_counter() - started,
    )


# --- RDFS, as pySHACL infers it before validating ------------------------------------------------------------
_TYPE, _PROPERTY, _RESOURCE, _CLASS = RDF.type, RDF.Property, RDFS.Resource, RDFS.Class
_SUBPROP, _SUBCLASS, _DOMAIN, _RANGE = RDFS.subPropertyOf, RDFS.subClassOf, RDFS.domain, RDFS.range
_SPECIAL_TYPES = {  # rdfs6, rdfs8 + rdfs10, rdfs12, rdfs13: what "x rdf:type <class>" adds about x
    RDF.Property: ((None, _SUBPROP, None),),
    RDFS.Class: ((None, _SUBCLASS, RDFS.Resource), (None, _SUBCLASS, None)),
    RDFS.ContainerMembershipProperty: ((None, _SUBPROP, RDFS.member),),
    RDFS.Datatype: ((None, _SUBCLASS, RDFS.Literal),),
}


def rdfs_closure(triples: Iterable[Triple]) -> set[Triple]:
    """The RDFS entailments pySHACL's ``inference="rdfs"`` adds, computed in one pass per round.

    Exactly the triples ``owlrl.DeductiveClosure(pyshacl.inference.CustomRDFSSemantics).expand(g)``
    adds to ``g`` (rules rdf1, rdfs2-rdfs13 without axiomatic triples and without the quadratic
    literal rule; rdfs4a/b on the asserted triples, as owlrl applies them in its first cycle only),
    literal subjects included (a literal value typed by ``rdfs:range``). owlrl fires every rule on
    every triple until nothing changes; here the schema (subproperties, subclasses, domains,
    ranges) is closed first, each predicate's consequences are computed once, and a round only looks
    at the triples the previous round added, unless that round changed the schema.
    ``tests/test_reasoning.py`` checks the equality with owlrl.
    """
    asserted = set(triples)
    known = set(asserted)
    by_predicate: dict[Node, set[tuple[Node, Node]]] = {}
    for s, p, o in asserted:
        by_predicate.setdefault(p, set()).add((s, o))
    fresh: set[Triple] = set()
    for s, _, o in asserted:  # rdfs4a, rdfs4b
        fresh.add((s, _TYPE, _RESOURCE))
        fresh.add((o, _TYPE, _RESOURCE))
    work = by_predicate
    schema_size: tuple[int, ...] = ()
    while True:
        edges = {key: forward(by_predicate.get(key, ())) for key in (_SUBPROP, _SUBCLASS, _DOMAIN, _RANGE)}
        size = tuple(len(by_predicate.get(key, ())) for key in (_SUBPROP, _SUBCLASS, _DOMAIN, _RANGE))
        if size != schema_size:  # the schema grew: every triple may have new consequences
            work, schema_size = by_predicate, size
        supers_p = Reach(edges[_SUBPROP])
        supers_c = Reach(edges[_SUBCLASS])
        add = fresh.add
        for p, pairs in work.items():
            add((p, _TYPE, _PROPERTY))  # rdf1
            supers = supers_p[p]
            above = [q for q in supers if q != p]  # rdfs7 (with rdfs5)
            domains: set[Node] = set()
            ranges: set[Node] = set()
            for q in supers:
                for c in edges[_DOMAIN].get(q, ()):
                    domains |= supers_c[c]  # rdfs2 (with rdfs9, rdfs11)
                for c in edges[_RANGE].get(q, ()):
                    ranges |= supers_c[c]  # rdfs3 (with rdfs9, rdfs11)
            for s, o in pairs:
                for q in above:
                    add((s, q, o))
                for c in domains:
                    add((s, _TYPE, c))
                for c in ranges:
                    add((o, _TYPE, c))
            if _TYPE in supers:
                for s, o in pairs:
                    for c in supers_c[o]:  # rdfs9
                        add((s, _TYPE, c))
                    for _, prop, value in _SPECIAL_TYPES.get(o, ()):  # type: ignore[call-overload]
                        add((s, prop, s if value is None else value))
            if _SUBPROP in supers:
                for s, o in pairs:
                    for q in supers_p[o]:  # rdfs5
                        add((s, _SUBPROP, q))
            if _SUBCLASS in supers:
                for s, o in pairs:
                    for c in supers_c[o]:  # rdfs11
                        add((s, _SUBCLASS, c))
        fresh -= known
        if not fresh:
            return known - asserted
        known |= fresh
        work = {}
        for s, p, o in fresh:
            by_predicate.setdefault(p, set()).add((s, o))
            work.setdefault(p, set()).add((s, o))
        fresh = set()


# --- the fast engine: OWL 2 RL rules as SPARQL on pyoxigraph ------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One OWL 2 RL rule, from ``evkg/quality/rules/owl2rl/<name>.rq``.

    The header (``#+`` lines, YAML) gives ``rule`` (the name in the profile's tables), ``kind``
    (``construct``: adds triples; ``inconsistency``: a SELECT whose rows are contradictions),
    ``summary`` and ``table``; ``once: true`` marks a rule whose premises no other rule produces
    (axiomatic triples, the datatypes of literals), run once before the fixpoint; ``reads`` and
    ``writes`` name the scratch graphs (``asserted``, ``derived``, ``literals``: default, all three and
    ``derived``) when a rule needs fewer (dt-type2 types the literals in their own graph, once);
    ``needs`` lists the vocabulary its premises cannot match without (``owl:someValuesFrom``: some
    triple has that predicate; ``rdf:type owl:FunctionalProperty``: something has that type): a round
    skips a rule while one is absent, which spares most of the rules on data that uses a few OWL
    constructs (a term derived during a round lets the rule run in the next one). ``delta`` is the
    rule's WHERE body for the semi-naive rounds (every round after the first): the same premises,
    with ``GRAPH ?delta { ... }`` around the atom read from the triples the previous round added, one
    UNION branch per premise that a rule could add (a rule without it is evaluated whole each round).
    """

    name: str
    kind: str  # "construct" (adds triples) or "inconsistency" (reports)
    summary: str
    query: str
    once: bool = False
    reads: tuple[str, ...] = ("asserted", "derived", "literals")
    writes: str = "derived"
    needs: tuple[str, ...] = ()
    delta: str | None = None


def rules() -> list[Rule]:
    """The rules of the fast engine, schema rules first (fewer rounds), then by name."""
    return list(_rules())


@functools.lru_cache(maxsize=1)
def _rules() -> tuple[Rule, ...]:
    """The rule files, read once (their YAML headers cost more than a small closure)."""
    folder = resources.files("evkg.quality") / "rules" / "owl2rl"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        header = yaml.safe_load("\n".join(line[2:] for line in text.splitlines() if line.startswith("#+")))
        once = bool(header.get("once", False))
        reads = tuple(header.get("reads", Rule.reads))
        writes = str(header.get("writes", Rule.writes))
        needs = tuple(header.get("needs", ()))
        delta = header.get("delta")
        out.append(
            Rule(
                str(header["rule"]),
                str(header["kind"]),
                str(header["summary"]),
                text,
                once,
                reads,
                writes,
                needs,
                None if delta is None else str(delta),
            )
        )
    order = {"dt": 0, "scm": 1, "prp": 2, "cls": 3, "cax": 4, "eq": 5}
    return tuple(sorted(out, key=lambda r: (order.get(r.name.split("-")[0], 6), r.name)))


_UNSUPPORTED = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?what WHERE {
    {
        ?p owl:propertyChainAxiom ?l . ?l rdf:rest/rdf:rest/rdf:rest ?tail . FILTER (?tail != rdf:nil)
        BIND ("owl:propertyChainAxiom longer than 3" AS ?what)
    }
    UNION
    {   # "x rdf:type owl:Thing" is never materialised (it is true of everything): refuse what would read it
        { owl:Thing rdfs:subClassOf|owl:equivalentClass|owl:disjointWith|owl:complementOf|owl:hasKey|owl:sameAs [] }
        UNION { [] owl:equivalentClass|owl:disjointWith|owl:complementOf|owl:sameAs owl:Thing }
        UNION { [] (owl:intersectionOf|owl:unionOf|owl:members)/rdf:rest*/rdf:first owl:Thing }
        BIND ("owl:Thing in a class axiom, an intersection, a union or a key" AS ?what)
    }
} LIMIT 1
"""

# The scratch store. Its loader would relabel blank nodes, and RDF has no literal subjects while OWL 2 RL
# reasons in generalised RDF (``42 owl:sameAs ex:x`` by eq-sym, ``"a" rdf:type xsd:string`` by dt-type2,
# the inverse of a property with a literal value): so blank nodes and literals both travel as IRIs under
# ``urn:evkg:reason:``, every rule sees one term per node in any position, and the report turns them
# back into the store's own terms. A literal's IRI is described in the literals graph by its lexical
# form, kept verbatim as a string (a store would rewrite "+042"^^xsd:byte as "42"^^xsd:integer), and
# its datatype (rdf:langString and ev:language for a language-tagged one): ``<urn:evkg:reason:literal:7>
# ev:lexical "+042" ; ev:datatype xsd:byte``.
# The rules that need a value (cardinalities, datatypes, dt-not-type) read it there.
_SCRATCH = "urn:evkg:reason:"
_BLANK = _SCRATCH + "blank:"
_LITERAL = _SCRATCH + "literal:"
_LEXICAL, _DATATYPE, _LANGUAGE, _ILL_FORMED = (
    ox.NamedNode(_SCRATCH + name) for name in ("lexical", "datatype", "language", "illFormed")
)
_ASSERTED = ox.NamedNode(_SCRATCH + "asserted")
_DERIVED = ox.NamedNode(_SCRATCH + "derived")
_LITERALS = ox.NamedNode(_SCRATCH + "literals")
_GRAPHS = {"asserted": _ASSERTED, "derived": _DERIVED, "literals": _LITERALS}
_CONSTRUCT = re.compile(r"\bCONSTRUCT\s*(\{.*?\})\s*WHERE\b", re.DOTALL | re.IGNORECASE)
_BLANK_SUBJECT = re.compile(rb'^_:([^\s"<>]+) ', re.MULTILINE)
_BLANK_OBJECT = re.compile(rb' _:([^\s"<>]+) \.$', re.MULTILINE)
# In an N-Triples line a literal is the object: after the predicate's ``> `` and up to the final `` .``.
_LITERAL_OBJECT = re.compile(rb'> ("(?:[^"\\\n]|\\.)*"(?:\^\^<[^>\n]*>|@[A-Za-z0-9-]+)?) \.$', re.MULTILINE)
_LITERAL_PARTS = re.compile(rb'^("(?:[^"\\]|\\.)*")(?:\^\^(<[^>]*>)|@(.+))?$', re.DOTALL)
_XSD_STRING = b"<http://www.w3.org/2001/XMLSchema#string>"
_PLACEHOLDER = re.compile(rb"<" + re.escape(_SCRATCH.encode()) + rb"(literal|blank):([^>]+)>")
_XML_LITERAL = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral>"


@functools.lru_cache(maxsize=256)
def _parts(rule: Rule) -> tuple[str, str, str]:
    """A CONSTRUCT rule's prologue (prefixes), template and WHERE body (parsed once per rule)."""
    match = _CONSTRUCT.search(rule.query)
    if match is None:
        raise EvkgError(f"rule {rule.name}: not a CONSTRUCT ... WHERE query")
    return rule.query[: match.start()], match.group(1), rule.query[match.end() :]


def _as_insert(
    rule: Rule,
    derived: tuple[ox.NamedNode, ...] = (_DERIVED,),
    target: ox.NamedNode | None = None,
    delta: ox.NamedNode | None = None,
) -> str:
    """A CONSTRUCT rule as an update that adds its conclusions to a derived graph (in Rust, no Python loop).

    ``derived``: the derived graphs so far (what ``reads: [derived]`` means); ``target``: where the
    conclusions go (the rule's ``writes``, the first derived graph by default); ``delta``: the graph of
    the previous round's new triples, read by the rule's ``delta`` body as ``GRAPH ?delta``.
    """
    head, template, body = _parts(rule)
    graphs: list[ox.NamedNode] = []
    for name in rule.reads:
        graphs.extend(derived if name == "derived" else (_GRAPHS[name],))
    using = " ".join(f"USING <{g.value}>" for g in graphs)
    into = target if target is not None and rule.writes == "derived" else _GRAPHS[rule.writes]
    if delta is not None and rule.delta is not None:
        where = f"USING NAMED <{delta.value}> WHERE {{ {rule.delta} }}"
    else:
        where = f"WHERE{body}"
    return f"{head}INSERT {{ GRAPH <{into.value}> {template} }} {using} {where}"


def _axiomatic_ox(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: object) -> bool:
    """:func:`is_axiomatic` on pyoxigraph terms (no rdflib conversion)."""
    if p.value in _REFLEXIVE_IRIS and s == o:
        return True
    if isinstance(o, ox.NamedNode) and o.value == _THING_IRI and p.value in _TOP_BOTTOM_IRIS:
        return True
    if isinstance(s, ox.NamedNode) and s.value == _NOTHING_IRI and p.value == _SUBCLASS_IRI:
        return True
    return isinstance(s, ox.NamedNode) and s.value.startswith(_VOCABULARIES)


_REFLEXIVE_IRIS = {str(i) for i in _REFLEXIVE}
_TOP_BOTTOM_IRIS = {str(i) for i in _TOP_BOTTOM}
_THING_IRI, _NOTHING_IRI, _SUBCLASS_IRI = str(OWL.Thing), str(OWL.Nothing), str(RDFS.subClassOf)


_NAMESPACES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}


@functools.lru_cache(maxsize=64)
def _needs_query(needs: frozenset[str]) -> str:
    """A query for which of ``needs`` (see :class:`Rule`) the scratch store holds: an EXISTS per need."""
    rows = []
    for need in sorted(needs):
        terms = ["<" + _NAMESPACES[t.split(":")[0]] + t.split(":", 1)[1] + ">" for t in need.split()]
        rows.append(f'("{need}" {terms[0]} {terms[1] if len(terms) == 2 else "UNDEF"})')
    return f"SELECT ?need WHERE {{ VALUES (?need ?p ?o) {{ {' '.join(rows)} }} FILTER EXISTS {{ ?s ?p ?o }} }}"


def _present(work: ox.Store, needs: Iterable[str]) -> set[str]:
    """Which of ``needs`` the scratch store holds (one indexed lookup each, in one query)."""
    wanted = frozenset(needs)
    if not wanted:
        return set()
    return {row[0].value for row in solutions(work.query(_needs_query(wanted), use_default_graph_as_union=True))}


def _asserted_ntriples(store: ox.Store, skip: ox.NamedNode, literals: WrittenLiterals | None = None) -> bytes:
    """Every graph of ``store`` but ``skip`` as N-Triples (written by pyoxigraph in Rust, GIL released),
    with the literals the store rewrote as they were written (``literals``: the store's table; the
    scratch store keeps every literal as a placeholder, so the rules see the terms as written).

    A store whose default graph holds the union of its named graphs (evkg's loader, :func:`evkg.rdf.parse.holds_union`)
    is read from its named graphs only; the inferred graph, materialised by an earlier run, is skipped.
    """
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [g for g in store.named_graphs() if g != skip]
    if not holds_union(store):  # a default graph that is the union adds nothing but a second copy of each triple
        graphs.append(ox.DefaultGraph())
    chunks = [store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"" for g in graphs]
    if literals:
        chunks = [literals.restore_ntriples(g, c) for g, c in zip(graphs, chunks, strict=True)]
    return b"".join(chunks)


class _Scratch:
    """The scratch store of one closure: the asserted triples, the literals' table, the derived graph."""

    def __init__(self, text: bytes) -> None:
        """Load N-Triples ``text`` with blank nodes and literals written as ``urn:evkg:reason:`` IRIs.

        In an N-Triples line a blank node is the subject at the start or the object right before the
        final `` .``, and a literal is the object after the predicate's ``>``: three anchored patterns
        find all of them. Each distinct literal gets one IRI, numbered in ``self.literals``.
        """
        prefix = _LITERAL.encode()
        parts = _LITERAL_OBJECT.split(text)  # text, literal, text, literal, ..., text
        written = parts[1::2]
        distinct = dict.fromkeys(written)  # each literal once, in order of appearance
        ids = {lit: b"<%s%d>" % (prefix, number) for number, lit in enumerate(distinct)}
        parts[1::2] = [b"> " + ids[lit] + b" ." for lit in written]
        text = b"".join(parts)
        if b"_:" in text:  # one fast scan spares two regular-expression passes over data without blank nodes
            text = _BLANK_SUBJECT.sub(b"<" + _BLANK.encode() + rb"\1> ", text)
            text = _BLANK_OBJECT.sub(b" <" + _BLANK.encode() + rb"\1> .", text)
        self.literals = list(ids)  # N-Triples form of each literal, by number
        self._terms: dict[int, ox.Literal] = {}
        self.work = ox.Store()
        self.work.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=_ASSERTED)
        self.work.load(self._table(ids), format=ox.RdfFormat.N_TRIPLES, to_graph=_LITERALS)

    @staticmethod
    def _table(ids: dict[bytes, bytes]) -> bytes:
        """The literals graph: lexical form (a string, never rewritten) and datatype.

        An ``rdf:XMLLiteral`` that is not well-formed XML (a check SPARQL cannot make) is marked for
        dt-not-type.
        """
        lexical, datatype, language = (f" <{n.value}> ".encode() for n in (_LEXICAL, _DATATYPE, _LANGUAGE))
        ill_formed = f' <{_ILL_FORMED.value}> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n'.encode()
        lines = []
        for written, iri in ids.items():
            match = _LITERAL_PARTS.match(written)
            if match is None:  # cannot happen for pyoxigraph's N-Triples; keep the engine honest anyway
                raise EvkgError(f"the fast OWL RL engine cannot read the literal {written!r}")
            quoted, dt, lang = match.groups()
            lines.append(iri + lexical + quoted + b" .\n")
            if lang is not None:  # the tag matters to dt-eq and dt-diff only
                lines.append(iri + datatype + b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> .\n")
                lines.append(iri + language + b'"' + lang + b'" .\n')
            else:
                lines.append(iri + datatype + (dt or _XSD_STRING) + b" .\n")
                if dt == _XML_LITERAL and not _well_formed_xml(quoted):
                    lines.append(iri + ill_formed)
        return b"".join(lines)

    def restore(self, text: bytes) -> bytes:
        """N-Triples ``text`` of the scratch store, its placeholders back as the store's terms (literals as written)."""
        literals = self.literals

        def term(match: re.Match[bytes]) -> bytes:
            kind, name = match.groups()
            return literals[int(name)] if kind == b"literal" else b"_:" + name

        return _PLACEHOLDER.sub(term, text)  # one pass: a literal's own text is never read again

    def term(self, term: Any) -> Any:
        """A term of the scratch store as a term of the store (placeholder IRIs back to their nodes)."""
        if isinstance(term, ox.NamedNode) and term.value.startswith(_SCRATCH):
            if term.value.startswith(_BLANK):
                return ox.BlankNode(term.value[len(_BLANK) :])
            if term.value.startswith(_LITERAL):
                return self.literal(int(term.value[len(_LITERAL) :]))
        return term

    def literal(self, number: int) -> ox.Literal:
        """Literal ``number`` exactly as the store wrote it (parsed, never stored: a store would rewrite it)."""
        found = self._terms.get(number)
        if found is None:
            line = b"<urn:evkg:reason:s> <urn:evkg:reason:p> " + self.literals[number] + b" .\n"
            found = self._terms[number] = next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))).object
        return found


def _well_formed_xml(quoted: bytes) -> bool:
    """Is the lexical form (an N-Triples string) of an ``rdf:XMLLiteral`` a well-formed XML fragment?"""
    # lazy: an XML parser only for rdf:XMLLiteral values, which are rare
    from xml.dom import minidom
    from xml.parsers.expat import ExpatError

    line = b"<urn:evkg:reason:s> <urn:evkg:reason:p> " + quoted + b" .\n"
    lexical = next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))).object.value
    try:
        minidom.parseString(f"<fragment>{lexical}</fragment>")
    except ExpatError:
        return False
    return True


def _ox_triples(triples: Iterable[Triple]) -> Iterator[ox.Quad]:
    for s, p, o in triples:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]


_VOCABULARY_FILTER = " || ".join(f'STRSTARTS(STR(?s), "{v}")' for v in _VOCABULARIES)
#: :func:`is_axiomatic` as a SPARQL condition on ``?s ?p ?o`` (sameTerm: never a type error on literals)
_AXIOMATIC = f"""(
    (?p IN (<{OWL.sameAs}>, <{RDFS.subClassOf}>, <{OWL.equivalentClass}>, <{RDFS.subPropertyOf}>,
            <{OWL.equivalentProperty}>) && sameTerm(?s, ?o))
    || (sameTerm(?o, <{OWL.Thing}>) && ?p IN (<{RDF.type}>, <{RDFS.subClassOf}>, <{RDFS.domain}>, <{RDFS.range}>))
    || (sameTerm(?s, <{OWL.Nothing}>) && sameTerm(?p, <{RDFS.subClassOf}>))
    || (isIRI(?s) && ({_VOCABULARY_FILTER}))
)"""


def _report_query(derived: Iterable[ox.NamedNode], which: str) -> str:
    """The derived triples beyond the asserted ones, without literal subjects and placeholder predicates.

    ``which``: ``plain`` (no placeholder: the triples as they are), ``placeholders`` (a blank-node
    subject or a placeholder object, turned back into the store's terms afterwards), each without the
    axiomatic triples, or ``axiomatic`` (those, counted); with ``-all`` (``--axiomatic``) axiomatic
    triples are kept.
    """
    kind, _, keep = which.partition("-")
    placeholder = f'STRSTARTS(STR(?s), "{_BLANK}") || (isIRI(?o) && STRSTARTS(STR(?o), "{_SCRATCH}"))'
    conditions = {"plain": f"!({placeholder})", "placeholders": f"({placeholder})", "axiomatic": "true"}[kind]
    axiomatic = "" if keep == "all" else f"FILTER ({'' if kind == 'axiomatic' else '!'}{_AXIOMATIC})"
    graphs = " ".join(f"<{g.value}>" for g in derived)
    select = "SELECT (COUNT(*) AS ?n)" if kind == "axiomatic" else "CONSTRUCT { ?s ?p ?o }"
    return f"""{select} WHERE {{
    VALUES ?g {{ {graphs} }}
    GRAPH ?g {{ ?s ?p ?o }}
    FILTER (!STRSTARTS(STR(?s), "{_LITERAL}") && !STRSTARTS(STR(?p), "{_SCRATCH}"))
    FILTER ({conditions})
    {axiomatic}
    FILTER NOT EXISTS {{ GRAPH <{_ASSERTED.value}> {{ ?s ?p ?o }} }}
}}"""


def _eq_ref(graphs: Iterable[ox.NamedNode], target: ox.NamedNode) -> str:
    """eq-ref: ``x owl:sameAs x`` for every resource of ``graphs`` (``--axiomatic`` only), into ``target``."""
    using = " ".join(f"USING <{g.value}>" for g in graphs)
    return f"""
INSERT {{ GRAPH <{target.value}> {{ ?x <{OWL.sameAs}> ?x }} }}
{using}
WHERE {{
    {{ ?x ?p ?o }} UNION {{ ?s ?x ?o }} UNION {{ ?s ?p ?x }} UNION {{ BIND (<{OWL.sameAs}> AS ?x) }}
    FILTER (!STRSTARTS(STR(?x), "{_LITERAL}"))
}}
"""


def _keep_new(work: ox.Store, graph: ox.NamedNode) -> bool:
    """Remove from ``graph`` what another graph of the scratch store holds; True if anything is left."""
    work.update(
        f"""DELETE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }} WHERE {{
    GRAPH <{graph.value}> {{ ?s ?p ?o }}
    FILTER EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != <{graph.value}>) }}
}}"""
    )
    return next(iter(work.quads_for_pattern(None, None, None, graph)), None) is not None


def fast_closure_store(
    store: ox.Store,
    *,
    max_rounds: int = 100,
    axiomatic: bool = False,
    literals: WrittenLiterals | None = None,
    semi_naive: bool = True,
) -> Closure:
    """The OWL 2 RL closure of every graph of ``store`` by SPARQL rules on a scratch pyoxigraph store.

    The asserted triples are copied into one named graph of a scratch store (from pyoxigraph's own
    N-Triples dump, parsed in Rust: no Python objects per triple); the rules marked ``once`` run first,
    then every other rule runs as a SPARQL update inserting its conclusions into a second graph
    (reading all three), until a round adds nothing. The reported closure is what the derived graph
    holds beyond the asserted triples, without literal subjects, placeholder predicates and axiomatic
    triples: those are left out after the fixpoint, so that they feed the other rules first.
    ``axiomatic=True`` keeps the axiomatic triples, eq-ref's ``x owl:sameAs x`` for every resource
    included (computed after the fixpoint: a reflexive owl:sameAs adds nothing through the other
    rules, and eq-diff1/2/3 test ``x = y`` themselves). ``literals``: the store's table of rewritten
    literals (:mod:`evkg.rdf.literals`); the rules read them, and the closure carries them, as written.
    """
    started = time.perf_counter()
    inferred = ox.NamedNode(str(inferred_graph_iri()))
    text = _asserted_ntriples(store, skip=inferred, literals=literals)
    return _fast(text, max_rounds=max_rounds, axiomatic=axiomatic, started=started, semi_naive=semi_naive)


def _fast(
    text: bytes, *, max_rounds: int, axiomatic: bool, started: float | None = None, semi_naive: bool = True
) -> Closure:
    """The fast engine on N-Triples ``text`` (see :func:`fast_closure_store`)."""
    started = time.perf_counter() if started is None else started
    scratch = _Scratch(text)
    work = scratch.work
    for row in solutions(work.query(_UNSUPPORTED, use_default_graph_as_union=True)):
        raise UsageError(f"the fast OWL RL engine does not support {row['what'].value}: use --engine owlrl")
    every = rules()
    for rule in every:
        if rule.kind == "construct" and rule.once:
            work.update(_as_insert(rule))
    repeated = [r for r in every if r.kind == "construct" and not r.once]
    # Semi-naive rounds: round 1 runs every rule on everything, writing into the derived graph; round k
    # writes into a graph of its own, and a rule with a ``delta`` body joins only with what round k-1
    # added (a rule without one runs whole). What round k derived that another graph holds is removed
    # from it, so each round's graph holds exactly its new triples and the fixpoint is an empty one.
    derived: tuple[ox.NamedNode, ...] = (_DERIVED,)
    delta: ox.NamedNode | None = None
    rounds = 0
    while True:
        rounds += 1
        if rounds > max_rounds:
            raise EvkgError(f"the fast OWL RL engine did not reach a fixpoint in {max_rounds} rounds")
        target = derived[-1]
        present = _present(work, (n for r in repeated for n in r.needs))
        for rule in repeated:
            if present.issuperset(rule.needs):
                work.update(_as_insert(rule, derived, target, delta if semi_naive else None))
        grown = _keep_new(work, target) if rounds > 1 else True
        log.debug("fast OWL RL round %d: %s", rounds, "new triples" if grown else "nothing new")
        if not grown:
            derived = derived[:-1]
            break
        delta = target
        derived = (*derived, ox.NamedNode(f"{_DERIVED.value}:{rounds + 1}"))
    if axiomatic:
        target = ox.NamedNode(f"{_DERIVED.value}:eq-ref")
        work.update(_eq_ref((_ASSERTED, *derived), target))
        _keep_new(work, target)
        derived = (*derived, target)
    inconsistencies = []

    checks = [r for r in every if r.kind == "inconsistency"]
    present = _present(work, (n for r in checks for n in r.needs))
    for rule in checks:
        if not present.issuperset(rule.needs):
            continue
        for row in solutions(work.query(rule.query, use_default_graph_as_union=True)):
            terms = [scratch.term(v) for v in row if v is not None]
            nodes = tuple(to_rdflib(term) for term in terms)
            shown = ", ".join(str(term) for term in terms)  # N-Triples, the literal as written
            inconsistencies.append(Inconsistency(rule.name, f"{rule.summary} ({shown})", nodes))
    # Literal subjects and placeholder predicates are left out in the queries and not counted; what is
    # dropped here is axiomatic. The triples without placeholders come out of the store as they are; those
    # with one go through N-Triples, where the placeholders are replaced by the terms as written, in Rust
    # but for one substitution per literal.
    keep = "-all" if axiomatic else ""
    dropped = {"axiomatic": 0}
    if not axiomatic:
        for row in solutions(work.query(_report_query(derived, "axiomatic"))):
            dropped["axiomatic"] = int(row[0].value)
    plain, placeholders = (work.query(_report_query(derived, kind + keep)) for kind in ("plain", "placeholders"))
    assert isinstance(plain, ox.QueryTriples) and isinstance(placeholders, ox.QueryTriples)
    kept = list(plain)
    text = ox.serialize(placeholders, format=ox.RdfFormat.N_TRIPLES) or b""
    kept.extend(q.triple for q in ox.parse(scratch.restore(text), format=ox.RdfFormat.N_TRIPLES))
    return Closure(
        "fast",
        None,
        sorted(inconsistencies, key=lambda i: (i.rule, i.message)),
        dropped,
        time.perf_counter() - started,
        rounds,
        ox_triples=kept,
    )


# --- entry points ----------------------------------------------------------------------------------------------
def closure(
    store: ox.Store,
    prefixes: Prefixes | None = None,
    *,
    engine: str = "fast",
    axiomatic: bool = False,
    literals: WrittenLiterals | None = None,
) -> Closure:
    """The filtered OWL 2 RL closure of every graph in ``store`` (the store is not changed).

    ``axiomatic=True``: keep the axiomatic triples the filter leaves out (see :func:`is_axiomatic`).
    ``literals``: the statements whose literal the store rewrote (``kg.literals``, :mod:`evkg.rdf.literals`);
    both engines reason on, and the closure carries, the literals as written.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown reasoning engine {engine!r}: choose {' or '.join(ENGINES)}")
    if engine == "fast":  # straight from the store: no rdflib copy of the input (issue 8)
        result = fast_closure_store(store, axiomatic=axiomatic, literals=literals)
    else:
        result = owlrl_closure(asserted_triples(store, literals), axiomatic=axiomatic)
    log.info(
        "%s: %d triples inferred from %d in %.2f s (dropped %s)",
        engine,
        result.count(),
        len(store),
        result.seconds,
        result.dropped,
    )
    return result


def materialize(
    store: ox.Store, result: Closure, prefixes: Prefixes | None = None, literals: WrittenLiterals | None = None
) -> str:
    """Put the closure into the store's inferred named graph (replacing it); returns the graph IRI.

    The literals the store rewrites on the way in are recorded in ``literals`` (the store's table).
    """
    iri = str(inferred_graph_iri(prefixes))
    target = ox.NamedNode(iri)
    store.clear_graph(target)
    store.add_graph(target)
    quads = (ox.Quad(t.subject, t.predicate, t.object, target) for t in result.oxigraph_triples())
    store.extend(literals.recording(quads, target) if literals is not None else quads)
    return iri


#: Output formats of :func:`serialize`: name -> (pyoxigraph format, file suffixes)
FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, (".ttl",)),
    "ntriples": (ox.RdfFormat.N_TRIPLES, (".nt",)),
    "trig": (ox.RdfFormat.TRIG, (".trig",)),
}


def format_for(path: str | Path | None, name: str | None) -> str:
    """The output format: ``name`` if given, else from the file suffix, else Turtle."""
    if name:
        if name not in FORMATS:
            raise UsageError(f"unknown closure format {name!r}: choose {', '.join(FORMATS)}")
        return name
    suffix = Path(path).suffix.lower() if path else ""
    for fmt, (_, suffixes) in FORMATS.items():
        if suffix in suffixes:
            return fmt
    return "turtle"


@dataclass
class _ClosureQuads:
    """The closure as what an export reads (:class:`evkg.rdf.serialization.QuadSource`): its quads, not
    a store (a store would rewrite its literals: ``"01"^^xsd:integer`` as ``"1"``, :mod:`evkg.rdf.literals`)."""

    statements: list[ox.Quad]

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self.statements)


def serialize(result: Closure, fmt: str = "turtle", prefixes: Prefixes | None = None) -> bytes:
    """The closure as Turtle, N-Triples or TriG (the TriG names the graph ``graph:_inferred``).

    Written as every evkg export is (:func:`evkg.rdf.serialization.export`): blank nodes labelled by
    RDF canonicalization, statements sorted, so the same closure gives the same bytes on every run.
    """
    prefixes = prefixes or registry()
    graph = ox.NamedNode(str(inferred_graph_iri(prefixes))) if fmt == "trig" else ox.DefaultGraph()
    quads = list({ox.Quad(t.subject, t.predicate, t.object, graph) for t in result.oxigraph_triples()})
    return export(_ClosureQuads(quads), {"turtle": "turtle", "ntriples": "nt", "trig": "trig"}[fmt], prefixes)


def inconsistency_findings(result: Closure, describer: Describer) -> list[Finding]:
    """Inconsistencies of a closure as validation findings (severity Violation)."""
    out = []
    for inc in result.inconsistencies:
        focus = next((n for n in inc.nodes if isinstance(n, URIRef | BNode)), None)
        out.append(
            Finding(
                focus=describer.name(focus) or "",
                focus_label=describer.label(focus) if focus is not None else "",
                path=None,
                value=None,
                message=inc.message,
                severity="Violation",
                component=f"owlrl:{inc.rule}",
                source=f"OWL 2 RL rule {inc.rule} ({result.engine})",
                graphs=describer.graphs(focus) if focus is not None else (),
                entity=describer.name(focus) or "",
                entity_label=describer.label(focus) if focus is not None else "",
            )
        )
    return out


def data_closure(
    data_dir: str | os.PathLike[str] | None = None,
    engine: str = "fast",
    store_dir: str | os.PathLike[str] | None = None,
    *,
    axiomatic: bool = False,
) -> Closure:
    """Load a data folder (or reopen its persisted store) and compute its closure (what ``evkg reason`` does)."""
    kg = load(layout.resolve(data_dir).root, store_dir)
    return closure(kg.store, kg.prefixes, engine=engine, axiomatic=axiomatic, literals=kg.literals)


__all__ = [
    "Closure",
    "asserted_triples",
    "closure",
    "data_closure",
    "fast_closure_store",
    "format_for",
    "inconsistency_findings",
    "is_axiomatic",
    "materialize",
    "owlrl_closure",
    "rdfs_closure",
    "rules",
    "serialize",
]
