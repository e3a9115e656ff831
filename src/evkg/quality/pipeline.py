"""Validate evkg with SHACL (pySHACL) and the QC queries, and turn the result into a readable report.

Everything that validates goes through :func:`run_shacl`, the one place that calls
:func:`pyshacl.validate`, always the same way (CONVENTIONS 10)::

    pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                     advanced=True, allow_warnings=True)

- ``shapes``: every file of ``ontology/shapes/`` (and ``ontology/shapes.ttl``) of the data folder;
- ``ontology``: ``ontology/evkg.ttl``, mixed in for RDFS inference only (subclasses reach their
  superclass's shapes, domains and ranges type the nodes);
- ``data``: the union of the named graphs (SHACL sees one graph; a node's labels may be split between a
  source graph and its translation graph), optionally with the OWL RL closure (:mod:`evkg.quality.owl2rl`);
- warnings (``sh:Warning``) are reported but never make the data non-conforming.

:func:`validate` adds the rows of the QC queries (``queries/qc/*-violation.rq``, :mod:`evkg.quality.qc`) and
returns a :class:`Report`: one :class:`Finding` per problem with the focus node, its label in the
chosen language, the path, the value, the message in that language, the severity and the named
graphs the focus node is described in. :func:`format_text`, :func:`format_json` and
:func:`format_turtle` render it, grouped by entity.

>>> report = validate()
>>> report.conforms
True
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from pyshacl.graph_abstraction import DataGraph
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.query import Result as RdflibResult
from rdflib.term import Identifier, Node

from evkg import sources
from evkg.errors import EvkgError, SourceSyntaxError, UsageError
from evkg.load import SourceFile, load_file, syntax_error  # evkg.load is also a function: import names
from evkg.prefixes import Prefixes

log = logging.getLogger(__name__)

#: The inference pySHACL runs before validating (CONVENTIONS 10: always explicit).
SHACL_INFERENCE = "rdfs"
#: Languages of the report's messages and labels.
LANGUAGES = ("en", "ja")
#: SHACL engines of :func:`validate`: the shapes compiled to SPARQL (default) and pySHACL (the reference).
ENGINES = ("fast", "pyshacl")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


# --- inputs ---------------------------------------------------------------------------------------------
def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse a Turtle file into ``graph`` (rdflib); a syntax error becomes ``FILE:LINE:COL: message``."""
    graph = graph if graph is not None else Graph(bind_namespaces="none")
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        from evkg.store import to_rdflib

        for q in quads:
            graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None
    except OSError as exc:
        raise EvkgError(f"{sources.display_path(path)}: cannot read ({exc.strerror or exc})") from None
    return graph


def shapes_graph(data: sources.DataDir) -> Graph:
    """All SHACL shapes of a data folder as one rdflib graph (files are never loaded as data)."""
    files = data.shapes_files()
    if not files:
        raise UsageError(f"{sources.display_path(data.ontology_dir)}: no SHACL shapes (ontology/shapes/*.ttl)")
    graph = Graph(bind_namespaces="none")
    for path in files:
        parse_turtle(path, graph)
    return graph


def ontology_graph(data: sources.DataDir) -> Graph:
    """``ontology/evkg.ttl`` as an rdflib graph (empty if the data folder has none)."""
    graph = Graph(bind_namespaces="none")
    if data.ontology_file.is_file():
        parse_turtle(data.ontology_file, graph)
    return graph


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mirror: tuple[ox.Store, dict[Node, ox.BlankNode], dict[str, Node]] | None = None
        self.data_triples = 0  # how many of the triples are the data's (set by shacl_data)

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
        from evkg.store import to_oxigraph

        if isinstance(node, BNode):
            if node not in blanks:
                blanks[node] = ox.BlankNode()
            return blanks[node]
        return to_oxigraph(node)  # type: ignore[arg-type]

    def query(  # type: ignore[override]
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,  # noqa: N803 (rdflib's names)
        initBindings: Any = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and processor == "sparql" and not initNs and not kwargs:
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
        from evkg.store import to_rdflib

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
            {Variable(n): term(row[n]) for n in names if row[n] is not None}
            for row in answer  # type: ignore[misc]
        ]
        return out


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...], base: str | None) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs={k: URIRef(v) for k, v in namespaces}, base=base)


def shacl_data(
    data: Iterable[tuple[Node, Node, Node]], ontology: Graph, prefixes: Prefixes | None = None
) -> ShaclDataGraph:
    """What pySHACL validates: the data, the ontology mixed in, and their RDFS entailments.

    The same graph pySHACL builds itself with ``ont_graph=ontology, inference="rdfs"`` (owlrl with
    :class:`pyshacl.inference.CustomRDFSSemantics`), but the entailments come from
    :func:`evkg.quality.owl2rl.rdfs_closure`, which adds the same triples 10-30 times faster. ``data`` is a
    graph or any iterable of triples; ``data_triples`` of the result counts its distinct triples. The
    prefixes (``prefixes``, else those of a ``data`` graph) are bound, so that pySHACL finds a CURIE
    for every node it describes instead of minting ``ns1``, ``ns2`` … one by one.
    """
    from evkg.quality.owl2rl import rdfs_closure

    asserted = set(data)
    count = len(asserted)
    asserted.update(ontology)
    work = ShaclDataGraph(bind_namespaces="none")
    namespaces = prefixes.as_dict().items() if prefixes else data.namespaces() if isinstance(data, Graph) else ()
    for prefix, namespace in namespaces:
        work.bind(prefix, namespace, override=True, replace=True)
    add = work.add
    for triple in asserted:
        add(triple)
    for triple in rdfs_closure(asserted):
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
    conforms, report, _ = pyshacl.validate(
        DataGraph.from_rdflib_graph(work),
        shacl_graph=shapes,
        inference="none",
        inplace=True,
        advanced=True,
        allow_warnings=True,
    )
    log.info(
        "pyshacl: %d triples (%d with the ontology and RDFS) in %.2f s",
        work.data_triples,
        len(work),
        time.perf_counter() - started,
    )
    if not isinstance(report, Graph):  # pySHACL reports a broken shapes graph as a ValidationFailure
        raise EvkgError(f"the SHACL shapes cannot be used: {' '.join(str(report).split())}")
    return bool(conforms), report


# --- findings ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One problem: what, where, how bad, and why (in the report's language)."""

    focus: str  # IRI, or _:label for a blank node
    focus_label: str  # label in the report's language (or the other one, or the CURIE)
    path: str | None  # CURIE or IRI of the property (None for node-level constraints)
    value: str | None  # the offending value, as N-Triples-like text
    message: str
    severity: str  # Violation, Warning or Info
    component: str  # CURIE of the sh:sourceConstraintComponent, or qc:<query> for a QC query
    source: str  # the shape (CURIE) or QC query file that raised it
    graphs: tuple[str, ...] = ()  # named graphs (CURIEs) in which the focus node is described
    entity: str = ""  # the IRI the finding is grouped under (the focus, or its owner for blank nodes)
    entity_label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "focus": self.focus,
            "focusLabel": self.focus_label,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "component": self.component,
            "source": self.source,
            "graphs": list(self.graphs),
        }


@dataclass
class Report:
    """The outcome of :func:`validate`."""

    findings: list[Finding]
    shacl_report: Graph
    lang: str = "en"
    triples: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """True when nothing has severity Violation (warnings are allowed)."""
        return not self.violations

    def by_entity(self) -> list[tuple[str, str, list[Finding]]]:
        """Findings grouped by entity: (entity, its label, findings), entities with violations first."""
        groups: dict[str, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.entity or f.focus, []).append(f)
        ordered = sorted(
            groups.items(),
            key=lambda kv: (min(_SEVERITY_ORDER.get(f.severity, 3) for f in kv[1]), kv[0]),
        )
        return [
            (entity, items[0].entity_label or items[0].focus_label, sorted(items, key=_finding_key))
            for entity, items in ordered
        ]


def _finding_key(f: Finding) -> tuple[Any, ...]:
    return (_SEVERITY_ORDER.get(f.severity, 3), f.focus, f.path or "", f.component, f.value or "", f.message)


class Describer:
    """Labels, CURIEs and named graphs of nodes, for readable findings."""

    def __init__(self, graph: Graph, prefixes: Prefixes, lang: str, store: ox.Store | None = None) -> None:
        self.graph = graph
        self.prefixes = prefixes
        self.lang = lang
        self.store = store
        self._graph_cache: dict[Node, tuple[str, ...]] = {}

    def name(self, node: Node | None) -> str | None:
        if node is None:
            return None
        if isinstance(node, URIRef):
            return self.prefixes.curie(str(node)) or str(node)
        if isinstance(node, BNode):
            return f"_:{node}"
        if isinstance(node, Literal):
            return node.n3(namespace_manager=None)
        return str(node)

    def path(self, graph: Graph, path: Node | None) -> str | None:
        """A SHACL path as text: ``evkg:signatory``, ``^skos:narrower``, ``skos:broader*`` or a sequence."""
        if path is None:
            return None
        if isinstance(path, URIRef):
            return self.name(path)
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + (self.path(graph, inverse) or "?")
        for prop, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = graph.value(path, prop)
            if inner is not None:
                return f"({self.path(graph, inner)}){suffix}"
        alternative = graph.value(path, SH.alternativePath)
        if alternative is not None:
            return "(" + "|".join(self.path(graph, p) or "?" for p in Collection(graph, alternative)) + ")"
        if (path, RDF.first, None) in graph:
            return "/".join(self.path(graph, p) or "?" for p in Collection(graph, path))
        return self.name(path)

    def label(self, node: Node) -> str:
        """rdfs:label or skos:prefLabel in the report's language, else in the other, else the CURIE."""
        if isinstance(node, URIRef | BNode):
            values = [
                o for p in (RDFS.label, SKOS.prefLabel) for o in self.graph.objects(node, p) if isinstance(o, Literal)
            ]
            for wanted in (self.lang, *[lang for lang in LANGUAGES if lang != self.lang], None):
                for value in sorted(values, key=str):
                    if (value.language or None) == wanted:
                        return str(value)
        return self.name(node) or ""

    def owner(self, node: Node) -> Node:
        """The nearest IRI that (transitively) points at a blank node; the node itself if it is an IRI."""
        seen = set()
        current = node
        while isinstance(current, BNode) and current not in seen:
            seen.add(current)
            parents = sorted(self.graph.subjects(None, current), key=str)
            if not parents:
                break
            current = parents[0]
        return current

    def graphs(self, node: Node) -> tuple[str, ...]:
        """Named graphs (CURIEs) in which ``node`` (or, for a blank node, its owner) is a subject."""
        node = self.owner(node)
        if node in self._graph_cache:
            return self._graph_cache[node]
        found: tuple[str, ...] = ()
        if self.store is not None and isinstance(node, URIRef):
            subject = ox.NamedNode(str(node))
            names = {
                q.graph_name.value
                for q in self.store.quads_for_pattern(subject, None, None)
                if isinstance(q.graph_name, ox.NamedNode)
            }
            found = tuple(sorted(self.name(URIRef(n)) or n for n in names))
        self._graph_cache[node] = found
        return found


def pick_message(messages: Iterable[Node], lang: str) -> str | None:
    """The message in ``lang``, else in English, else any."""
    literals = [m for m in messages if isinstance(m, Literal)]
    for wanted in (lang, "en", None):
        for m in sorted(literals, key=str):
            if (m.language or None) == wanted:
                return str(m)
    return str(literals[0]) if literals else None


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def shacl_findings(report: Graph, shapes: Graph, describer: Describer) -> list[Finding]:
    """The sh:ValidationResults of a pySHACL report graph as findings in the describer's language."""
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if isinstance(focus, Literal):  # a literal typed by RDFS range inference: its subject's result says it
            continue
        path_node = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = SEVERITIES.get(report.value(result, SH.resultSeverity), "Violation")  # type: ignore[arg-type]
        component = report.value(result, SH.sourceConstraintComponent)
        shape = report.value(result, SH.sourceShape)
        constraint = report.value(result, SH.sourceConstraint)
        message = None
        # Messages come from the shapes (pySHACL drops the language tags of SPARQL-constraint messages).
        for holder in (constraint, shape):
            if holder is not None and message is None:
                message = pick_message(shapes.objects(holder, SH.message), describer.lang)
        if message is None:
            message = pick_message(report.objects(result, SH.resultMessage), describer.lang) or "(no message)"
        bindings = {"this": describer.name(focus), "value": describer.name(value), "path": describer.name(path_node)}
        message = _PLACEHOLDER.sub(lambda m, b=bindings: str(b.get(m.group(1)) or m.group(0)), message)
        entity = describer.owner(focus) if focus is not None else focus
        findings.append(
            Finding(
                focus=describer.name(focus) or "",
                focus_label=describer.label(focus) if focus is not None else "",
                path=describer.path(shapes, path_node) if path_node is not None else None,
                value=describer.name(value),
                message=message,
                severity=severity,
                component=describer.name(component) or "",
                source=describer.name(shape) if isinstance(shape, URIRef) else _shape_name(shapes, shape, describer),
                graphs=describer.graphs(focus) if focus is not None else (),
                entity=describer.name(entity) or "",
                entity_label=describer.label(entity) if entity is not None else "",
            )
        )
    return findings


def _shape_name(shapes: Graph, shape: Node | None, describer: Describer) -> str:
    """A property shape (blank node) named after its node shape: ``evkgsh:AgreementShape/evkg:signatory``."""
    if shape is None:
        return ""
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    path = describer.path(shapes, shapes.value(shape, SH.path))
    if isinstance(parent, URIRef):
        return f"{describer.name(parent)}/{path}" if path else describer.name(parent) or ""
    return path or describer.name(shape) or ""


# --- the data to validate ----------------------------------------------------------------------------------
def curator_graph_iri(data: sources.DataDir, prefixes: Prefixes, path: Path) -> str:
    """The named graph a curator's file is validated as.

    A file inside the data folder's ``graph/`` keeps its graph IRI (``graph/x/y.ttl`` → ``graph:x/y``);
    any other file ``NAME.ttl`` is validated as if it were ``graph/NAME.ttl`` (replacing the bundled
    graph of that name, if any: a curator validates an edited copy of a source file that way).
    """
    ns = prefixes.namespace("graph")
    resolved = path.resolve()
    try:
        name = resolved.relative_to(data.graph_dir).with_suffix("").as_posix()
    except ValueError:
        name = resolved.stem
    return str(ns[name])


def add_files(store: ox.Store, data: sources.DataDir, prefixes: Prefixes, files: Sequence[Path]) -> list[str]:
    """Load curator files into ``store``, each into its named graph (replacing what was there)."""
    graphs = []
    for path in files:
        if not path.is_file():
            raise UsageError(f"{sources.display_path(path)}: no such file")
        iri = curator_graph_iri(data, prefixes, path)
        # parse first (into a scratch store) so that a syntax error leaves the dataset as it was
        scratch = ox.Store()
        load_file(scratch, SourceFile(path, sources.display_path(path), iri, "graph"))
        target = ox.NamedNode(iri)
        store.clear_graph(target)
        store.extend(scratch.quads_for_pattern(None, None, None, target))
        store.add_graph(target)
        graphs.append(iri)
    return graphs


def union_triples(store: ox.Store) -> Iterator[tuple[Node, Node, Node]]:
    """Every triple of every named graph of ``store`` as rdflib terms (repeats across graphs included)."""
    from evkg.store import to_rdflib

    for q in store.quads_for_pattern(None, None, None):
        yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))


def union_graph(store: ox.Store, prefixes: Prefixes, extra: Iterable[Iterable[Node]] = ()) -> Graph:
    """The union of every named graph of ``store`` (plus ``extra`` triples) as one rdflib graph."""
    graph = prefixes.graph()
    for triple in union_triples(store):
        graph.add(triple)
    for triple in extra:
        graph.add(tuple(triple))  # type: ignore[arg-type]
    return graph


class StoreView:
    """The two rdflib Graph lookups :class:`evkg.quality.pipeline.Describer` makes, answered by a pyoxigraph store."""

    def __init__(self, store: ox.Store, sub_properties: Callable[[str], set[str]] | None = None) -> None:
        self.store = store
        self.sub_properties = sub_properties

    def objects(self, subject: Any, predicate: Any) -> Iterator[Any]:
        """Values of ``predicate`` and, given ``sub_properties``, of its sub-properties: what RDFS
        inference (pySHACL's data graph) adds, e.g. evkg:nameAsPrinted as an rdfs:label."""
        from evkg.store import to_oxigraph, to_rdflib

        s = to_oxigraph(subject)
        if predicate is None or self.sub_properties is None:
            predicates = [to_oxigraph(predicate) if predicate is not None else None]
        else:
            predicates = [ox.NamedNode(p) for p in sorted(self.sub_properties(str(predicate)))]
        seen = set()
        for p in predicates:
            for q in self.store.quads_for_pattern(s, p, None):
                if q.object not in seen:
                    seen.add(q.object)
                    yield to_rdflib(q.object)

    def subjects(self, predicate: Any, obj: Any) -> Iterator[Any]:
        from evkg.store import to_oxigraph, to_rdflib

        p = to_oxigraph(predicate) if predicate is not None else None
        for q in self.store.quads_for_pattern(None, p, to_oxigraph(obj)):
            yield to_rdflib(q.subject)


# --- the whole run -------------------------------------------------------------------------------------------
def validate(
    data_dir: str | os.PathLike[str] | None = None,
    files: Sequence[str | os.PathLike[str]] = (),
    *,
    lang: str = "en",
    reason: str | None = None,
    qc: bool = True,
    engine: str = "fast",
) -> Report:
    """Validate the data folder (default: the bundled graph), with ``files`` added as curator graphs.

    Args:
        data_dir: the data folder (``--data``); default the bundled data.
        files: curator Turtle files validated together with the graph (see :func:`curator_graph_iri`).
        lang: language of messages and labels, ``en`` or ``ja``.
        reason: validate against the OWL 2 RL closure computed by this engine (``owlrl`` or ``fast``).
        qc: also run the QC queries (``queries/qc/*-violation.rq``).
        engine: ``fast`` (:mod:`evkg.quality.shacl_compiled`: the shapes compiled to SPARQL and run on the store,
            RDFS inference asked inline; the same results as pySHACL, tested) or ``pyshacl`` (the
            reference). ``fast`` falls back to pySHACL for shapes it does not compile.

    Raises:
        UsageError: unknown language or engine, missing file. SourceSyntaxError: a file does not parse.
    """
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if engine not in ENGINES:
        raise UsageError(f"unknown SHACL engine {engine!r}: choose one of {', '.join(ENGINES)}")
    import evkg
    from evkg.quality import shacl_compiled

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    kg = evkg.load(data_dir)  # a store of its own, in memory: the closure may be added to it below
    add_files(kg.store, kg.data, kg.prefixes, [Path(f) for f in files])
    shapes = shapes_graph(kg.data)
    ontology = ontology_graph(kg.data)
    seconds["load"] = time.perf_counter() - started

    program = None
    if engine == "fast":
        try:
            program = shacl_compiled.compile_shapes(shapes, shacl_compiled.Schema.of(kg.store))
        except shacl_compiled.Unsupported as exc:
            log.warning("fast SHACL engine: %s; validating with pySHACL", exc)

    findings: list[Finding] = []
    qc_rows: list[Any] = []
    if qc:  # on the asserted data, before any closure joins the store
        from evkg.quality import qc as qc_module

        step = time.perf_counter()
        qc_rows = qc_module.run(kg)
        seconds["qc"] = time.perf_counter() - step

    extra: list[tuple[Node, Node, Node]] = []
    closure = None
    if reason:
        from evkg.quality import owl2rl as reasoning

        step = time.perf_counter()
        closure = reasoning.closure(kg.store, kg.prefixes, engine=reason)
        if closure.inconsistencies:
            log.warning("the OWL RL closure reports %d inconsistencies", len(closure.inconsistencies))
        if program is not None:
            reasoning.materialize(kg.store, closure, kg.prefixes)
        else:
            extra = list(closure.triples)
        seconds["reason"] = time.perf_counter() - step

    step = time.perf_counter()
    if program is not None:
        _, report_graph = shacl_compiled.run(program, kg.store)
        if closure is not None:  # findings name the source graphs of a node: the closure is none of them
            kg.store.remove_graph(ox.NamedNode(reasoning.inferred_graph_iri(kg.prefixes)))
        view = StoreView(kg.store, program.schema.subprops)
        describer = Describer(view, kg.prefixes, lang, kg.store)  # type: ignore[arg-type]
        from evkg.store import count_union

        triples = count_union(kg.engine)
    else:
        work = shacl_data(itertools.chain(union_triples(kg.store), extra), ontology, kg.prefixes)
        _, report_graph = run_prepared(work, shapes)
        describer = Describer(work, kg.prefixes, lang, kg.store)  # labels and owners: the data's, RDFS adds none
        triples = work.data_triples
    seconds["shacl"] = time.perf_counter() - step

    findings += shacl_findings(report_graph, shapes, describer)
    if closure is not None and closure.inconsistencies:
        findings += reasoning.inconsistency_findings(closure, describer)  # type: ignore[possibly-undefined]
    if qc:
        findings += qc_module.as_findings(qc_rows, describer)  # type: ignore[possibly-undefined]
    seconds["total"] = time.perf_counter() - started
    return Report(findings, report_graph, lang=lang, triples=triples, seconds=seconds)


# --- rendering -------------------------------------------------------------------------------------------------
_HEADINGS = {
    "en": {
        "ok": "conforms: no violations",
        "fail": "does not conform",
        "summary": "{v} violation(s), {w} warning(s) on {e} entit(y/ies); {t} triples checked",
        "in": "in",
        "value": "value",
        "node": "(node)",
    },
    "ja": {
        "ok": "適合：違反はありません",
        "fail": "不適合",
        "summary": "違反 {v} 件、警告 {w} 件（対象 {e} 件）。検査したトリプル数 {t}",
        "in": "所在グラフ",
        "value": "値",
        "node": "（ノード全体）",
    },
}


def format_text(report: Report) -> str:
    """The human report: one block per entity, one line per finding."""
    words = _HEADINGS[report.lang]
    groups = report.by_entity()
    lines = []
    for entity, label, items in groups:
        head = entity if label in ("", entity) else f"{entity}  {label}"
        lines.append(head)
        graphs = sorted({g for f in items for g in f.graphs})
        if graphs:
            lines.append(f"  {words['in']}: {', '.join(graphs)}")
        for f in items:
            where = f.path or words["node"]
            if f.focus != entity:
                where = f"{f.focus} {where}"
            value = f"  {words['value']}: {_short(f.value)}" if f.value is not None else ""
            lines.append(f"  [{f.severity}] {where}{value}")
            lines.append(f"      {f.message}  ({f.component})")
        lines.append("")
    status = words["ok"] if report.conforms else words["fail"]
    summary = words["summary"].format(v=len(report.violations), w=len(report.warnings), e=len(groups), t=report.triples)
    lines.append(f"{status}. {summary}")
    return "\n".join(lines) + "\n"


def _short(text: str | None, width: int = 100) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def format_json(report: Report) -> str:
    """The report as JSON: ``{"conforms", "violations", "warnings", "entities": [...]}``."""
    doc = {
        "conforms": report.conforms,
        "language": report.lang,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "triples": report.triples,
        "entities": [
            {
                "entity": entity,
                "label": label,
                "graphs": sorted({g for f in items for g in f.graphs}),
                "findings": [f.to_dict() for f in items],
            }
            for entity, label, items in report.by_entity()
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def format_turtle(report: Report, prefixes: Prefixes) -> str:
    """The SHACL validation report graph (pySHACL's), with QC findings added as results."""
    graph = prefixes.graph()
    for triple in report.shacl_report:
        graph.add(triple)
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    root = reports[0] if reports else BNode()
    graph.set((root, SH.conforms, Literal(report.conforms)))
    for f in report.findings:
        if not f.component.startswith("qc:"):
            continue
        result = BNode()
        graph.add((root, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, _term(prefixes, f.focus)))
        if f.path:
            graph.add((result, SH.resultPath, _term(prefixes, f.path)))
        graph.add((result, SH.resultMessage, Literal(f.message, lang=report.lang)))
        graph.add((result, SH.resultSeverity, SH[f.severity]))
        graph.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        graph.add((result, RDFS.comment, Literal(f"QC query {f.source}")))
        if f.value is not None:
            graph.add((result, SH.value, Literal(f.value)))
    return graph.serialize(format="turtle")


def _term(prefixes: Prefixes, text: str) -> Identifier:
    if text.startswith("_:"):
        return BNode(text[2:])
    if ":" in text and not text.startswith(("http://", "https://")):
        try:
            return prefixes.expand(text)
        except EvkgError:
            pass
    return URIRef(text)


__all__ = [
    "Finding",
    "Report",
    "SourceSyntaxError",
    "add_files",
    "format_json",
    "format_text",
    "format_turtle",
    "run_shacl",
    "shapes_graph",
    "validate",
]
