"""The reference SHACL engine: pySHACL, called one way (docs/decisions/0018-shacl-engines-held-to-the-w3c-suite.md).

Everything that validates with pySHACL goes through :func:`run_shacl` (or :func:`run_prepared` on a
graph from :func:`shacl_data`), the one place that calls :func:`pyshacl.validate`, always the same way::

    pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                     advanced=True, allow_warnings=True)

- ``shapes``: every file of ``ontology/shapes/`` (and ``ontology/shapes.ttl``) of the data folder;
- ``ontology``: ``ontology/evkg.ttl``, mixed in for RDFS inference only (subclasses reach their
  superclass's shapes, domains and ranges type the nodes);
- ``data``: the union of the named graphs (SHACL sees one graph; a node's labels may be split between a
  source graph and its translation graph), optionally with the OWL RL closure
  (:mod:`evkg.quality.owl2rl`);
- warnings (``sh:Warning``) are reported but never make the data non-conforming.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast

import pyoxigraph as ox
import pyshacl
from pyshacl.graph_abstraction import DataGraph
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result as RdflibResult
from rdflib.term import Identifier, Node

from evkg.data.prefixes import Prefixes
from evkg.errors import EvkgError, ShapesError
from evkg.quality.shacl_sparql import substitution_safe
from evkg.rdf.terms import to_oxigraph, to_rdflib

log = logging.getLogger(__name__)

#: The inference pySHACL runs before validating, always explicit
#: (docs/decisions/0011-validation-union-and-per-source-cardinality.md).
SHACL_INFERENCE = "rdfs"


# --- pySHACL, called one way ------------------------------------------------------------------------------
class ShaclDataGraph(Graph):
    """The rdflib graph pySHACL validates, whose SPARQL runs on a pyoxigraph copy of it.

    pySHACL looks triples up in the rdflib graph, but sends SPARQL targets and constraints to
    ``graph.query`` as text. rdflib parses that text again on every call
    (0.05-0.9 s for each of evkg's SPARQL shapes, in pure Python) and evaluates it in pure Python;
    pyoxigraph parses it in microseconds and evaluates it natively. The copy is made on the first
    query and dropped whenever the graph changes. Literal subjects (RDFS range inference types
    literal values) stay out of it: RDF has none, and a result on a literal is dropped from the report
    anyway. A query pyoxigraph refuses (a syntax it lacks, a bound variable that a SELECT does not
    project) goes to rdflib, parsed once per process.
    """

    def __init__(self, *args: Any, mirror: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mirror: tuple[ox.Store, dict[Node, ox.BlankNode], dict[str, Node]] | None = None
        self.data_triples = 0  # how many of the triples are the data's (set by shacl_data)
        self.use_mirror = mirror  # False when literals must be read as written (pyoxigraph rewrites some)

    def add(self, triple: Any) -> Any:
        self._mirror = None
        return super().add(triple)

    def addN(self, quads: Any) -> Any:  # noqa: N802 (rdflib's name)
        self._mirror = None
        return super().addN(quads)

    def remove(self, triple: Any) -> Any:
        self._mirror = None
        return super().remove(triple)

    def _oxigraph(self) -> tuple[ox.Store, dict[Node, ox.BlankNode], dict[str, Node]]:
        if self._mirror is None:
            blanks: dict[Node, ox.BlankNode] = {}
            converted: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

            def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
                found = converted.get(node)
                if found is None:
                    found = converted[node] = self._term(node, blanks)
                return found

            store = ox.Store()
            store.bulk_extend(
                ox.Quad(term(s), term(p), term(o))  # type: ignore[arg-type]
                for s, p, o in super().triples((None, None, None))
                if not isinstance(s, Literal)
            )
            self._mirror = (store, blanks, {b.value: node for node, b in blanks.items()})
        return self._mirror

    @staticmethod
    def _term(node: Node, blanks: dict[Node, ox.BlankNode]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(node, BNode):
            if node not in blanks:
                blanks[node] = ox.BlankNode()
            return blanks[node]
        return to_oxigraph(node)  # type: ignore[arg-type]

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,  # noqa: N803 (rdflib's names)
        initBindings: Any = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if (
            self.use_mirror
            and isinstance(query_object, str)
            and processor == "sparql"
            and not initNs
            and not kwargs
            and _substitution_safe(query_object, initBindings or {})
        ):
            try:
                return self._query_oxigraph(query_object, initBindings or {})
            except (SyntaxError, RuntimeError):  # e.g. a bound variable that SELECT does not project
                log.debug("pyoxigraph cannot run a SHACL query; rdflib runs it", exc_info=True)
        if isinstance(query_object, str) and processor == "sparql":
            namespaces = initNs or dict(self.namespaces())
            key = tuple(sorted((str(k), str(v)) for k, v in namespaces.items()))
            query_object = _prepared(query_object, key, kwargs.pop("base", None))
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    def _query_oxigraph(self, text: str, bindings: dict[str, Node]) -> RdflibResult:
        store, blanks, back = self._oxigraph()
        substitutions = {  # a blank node the copy does not have matches nothing (a fresh one)
            ox.Variable(str(k)): (blanks.get(v) or ox.BlankNode()) if isinstance(v, BNode) else self._term(v, blanks)
            for k, v in bindings.items()
        }
        answer = store.query(text, substitutions=substitutions)  # type: ignore[arg-type]

        def term(value: Any) -> Node:
            if isinstance(value, ox.BlankNode) and value.value in back:
                return back[value.value]
            return to_rdflib(value)

        if isinstance(answer, ox.QueryBoolean):
            out = RdflibResult("ASK")
            out.askAnswer = bool(answer)
            return out
        if not isinstance(answer, ox.QuerySolutions):
            raise SyntaxError("only SELECT and ASK queries go to pyoxigraph")
        names = [v.value for v in answer.variables]
        out = RdflibResult("SELECT")
        out.vars = [Variable(n) for n in names]
        out.bindings = [
            {Variable(n): cast(Identifier, term(row[n])) for n in names if row[n] is not None}
            for row in answer
        ]
        return out


@lru_cache(maxsize=1024)
def _safe_text(text: str, names: frozenset[str]) -> bool:
    return substitution_safe(text, names)


def _substitution_safe(text: str, bindings: dict[Any, Node]) -> bool:
    """Whether pyoxigraph's substitutions give pre-binding's answer for this query (they do not inside
    ``BIND``, ``bound()`` or a nested group: rdflib runs those)."""
    return not bindings or _safe_text(text, frozenset(str(k) for k in bindings))


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...], base: str | None) -> Any:
    return prepareQuery(text, initNs={k: URIRef(v) for k, v in namespaces}, base=base)


def shacl_data(
    data: Iterable[tuple[Node, Node, Node]],
    ontology: Graph,
    prefixes: Prefixes | None = None,
    *,
    inference: str = SHACL_INFERENCE,
    mirror: bool = True,
) -> ShaclDataGraph:
    """What pySHACL validates: the data, the ontology mixed in, and their RDFS entailments.

    With ``inference="none"`` the data alone (SHACL's own semantics). ``mirror=False``: the SPARQL of
    the shapes runs on rdflib, not on a pyoxigraph copy (which would read rewritten literals).

    The same graph pySHACL builds itself with ``ont_graph=ontology, inference="rdfs"`` (owlrl with
    :class:`pyshacl.inference.CustomRDFSSemantics`), but the entailments come from
    :func:`evkg.quality.owl2rl.rdfs_closure`, which adds the same triples 10-30 times faster. ``data`` is a
    graph or any iterable of triples; ``data_triples`` of the result counts its distinct triples. The
    prefixes (``prefixes``, else those of a ``data`` graph) are bound, so that pySHACL finds a CURIE
    for every node it describes instead of minting ``ns1``, ``ns2`` … one by one.
    """
    # lazy: the OWL RL rules (YAML) load only for --inference rdfs
    from evkg.quality.owl2rl import rdfs_closure

    asserted = set(data)
    count = len(asserted)
    if inference == "rdfs":
        asserted.update(ontology)
    work = ShaclDataGraph(bind_namespaces="none", mirror=mirror)
    namespaces = prefixes.as_dict().items() if prefixes else data.namespaces() if isinstance(data, Graph) else ()
    for prefix, namespace in namespaces:
        work.bind(prefix, namespace, override=True, replace=True)
    add = work.add
    for triple in asserted:
        add(triple)
    for triple in rdfs_closure(asserted) if inference == "rdfs" else ():
        add(triple)
    work.data_triples = count
    return work


def run_shacl(data_graph: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    """Validate ``data_graph``; returns (conforms, report graph). Warnings do not break conformance.

    ``data_graph`` is not changed. pySHACL gets :func:`shacl_data` (ontology mixed in, RDFS closure
    added); the report is the one ``pyshacl.validate(data_graph, shacl_graph=shapes, ont_graph=ontology,
    inference="rdfs", advanced=True, allow_warnings=True)`` gives (``tests/test_shapes.py`` compares them).
    """
    return run_prepared(shacl_data(data_graph, ontology), shapes)


def run_prepared(work: ShaclDataGraph, shapes: Graph) -> tuple[bool, Graph]:
    """pySHACL on a graph from :func:`shacl_data`, with ``inference="none"`` and ``inplace=True`` (the
    RDFS entailments are in it already, and the graph is ours to use up)."""
    started = time.perf_counter()
    try:
        conforms, report, _ = pyshacl.validate(
            DataGraph.from_rdflib_graph(work),
            shacl_graph=shapes,
            inference="none",
            inplace=True,
            advanced=True,
            allow_warnings=True,
        )
    except EvkgError:
        raise
    except Exception as exc:  # noqa: BLE001 - pySHACL's errors on shapes it cannot run, as one line
        raise ShapesError(f"pySHACL cannot validate these shapes: {type(exc).__name__}: {exc}") from None
    log.info(
        "pyshacl: %d triples (%d with the ontology and RDFS) in %.2f s",
        work.data_triples,
        len(work),
        time.perf_counter() - started,
    )
    if not isinstance(report, Graph):  # pySHACL reports a broken shapes graph as a ValidationFailure
        raise EvkgError(f"the SHACL shapes cannot be used: {' '.join(str(report).split())}")
    return bool(conforms), report


__all__ = ["SHACL_INFERENCE", "ShaclDataGraph", "run_prepared", "run_shacl", "shacl_data"]
