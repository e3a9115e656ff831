"""The findings model of every check: :class:`Finding`, :class:`Report` and how a node is described.

Every check of :mod:`evkg.quality` (SHACL with either engine, the QC queries, the OWL 2 RL
inconsistencies) reports :class:`Finding` objects: the focus node, its label in the report's language,
the path, the value, the message in that language, the severity and the named graphs the focus node is
described in. A :class:`Describer` names and labels nodes; :class:`StoreView` lets it read a pyoxigraph
store as if it were an rdflib graph. :func:`shacl_findings` turns a SHACL validation report graph
(either engine's) into findings. This module imports no other module of the package's quality layer,
so every check can depend on it without a cycle.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from evkg.data.prefixes import Prefixes
from evkg.rdf.labels import graph_label, literal_in
from evkg.rdf.terms import to_oxigraph, to_rdflib

#: Languages of the report's messages and labels.
LANGUAGES = ("en", "ja")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


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
        """rdfs:label or skos:prefLabel in the report's language, else in the other, else untagged, else
        the CURIE (:func:`evkg.rdf.labels.graph_label`)."""
        if isinstance(node, URIRef | BNode):
            others = (*[lang for lang in LANGUAGES if lang != self.lang], "")
            found = graph_label(
                self.graph, node, self.lang, others, properties=(RDFS.label, SKOS.prefLabel), anything=False
            )
            if found is not None:
                return found
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
    """The message in ``lang``, else in English, else untagged, else any (:func:`evkg.rdf.labels.literal_in`)."""
    return literal_in(messages, lang, ("en", ""))


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def shacl_findings(report: Graph, shapes: Graph, describer: Describer) -> list[Finding]:
    """The sh:ValidationResults of a pySHACL report graph as findings in the describer's language."""
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)  # literals too: SHACL validates them (sh:targetNode "x")
        path_node = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = SEVERITIES.get(cast(URIRef, report.value(result, SH.resultSeverity)), "Violation")
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
        message = _PLACEHOLDER.sub(functools.partial(_fill, bindings), message)
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
                source=(describer.name(shape) or "")
                if isinstance(shape, URIRef)
                else _shape_name(shapes, shape, describer),
                graphs=describer.graphs(focus) if focus is not None else (),
                entity=describer.name(entity) or "",
                entity_label=describer.label(entity) if entity is not None else "",
            )
        )
    return findings


def _fill(bindings: dict[str, str | None], m: re.Match[str]) -> str:
    """A message's ``{$this}``, ``{?value}``... placeholder filled in (left as written when unknown)."""
    return str(bindings.get(m.group(1)) or m.group(0))


def _shape_name(shapes: Graph, shape: Node | None, describer: Describer) -> str:
    """A property shape (blank node) named after its node shape: ``evkgsh:AgreementShape/evkg:signatory``."""
    if shape is None:
        return ""
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    path = describer.path(shapes, shapes.value(shape, SH.path))
    if isinstance(parent, URIRef):
        return f"{describer.name(parent)}/{path}" if path else describer.name(parent) or ""
    return path or describer.name(shape) or ""


class StoreView:
    """The two rdflib Graph lookups :class:`evkg.quality.findings.Describer` makes, answered by a pyoxigraph store."""

    def __init__(self, store: ox.Store, sub_properties: Callable[[str], set[str]] | None = None) -> None:
        self.store = store
        self.sub_properties = sub_properties

    def objects(self, subject: Any, predicate: Any) -> Iterator[Any]:
        """Values of ``predicate`` and, given ``sub_properties``, of its sub-properties: what RDFS
        inference (pySHACL's data graph) adds, e.g. evkg:nameAsPrinted as an rdfs:label."""
        s = to_oxigraph(subject)
        if predicate is None or self.sub_properties is None:
            predicates = [to_oxigraph(predicate) if predicate is not None else None]
        else:
            predicates = [ox.NamedNode(p) for p in sorted(self.sub_properties(str(predicate)))]
        seen = set()
        for p in predicates:
            for q in self.store.quads_for_pattern(s, p, None):  # type: ignore[arg-type]  # rdflib terms of the report
                if q.object not in seen:
                    seen.add(q.object)
                    yield to_rdflib(q.object)

    def subjects(self, predicate: Any, obj: Any) -> Iterator[Any]:
        p = to_oxigraph(predicate) if predicate is not None else None
        for q in self.store.quads_for_pattern(None, p, to_oxigraph(obj)):  # type: ignore[arg-type]
            yield to_rdflib(q.subject)


__all__ = ["LANGUAGES", "SEVERITIES", "Describer", "Finding", "Report", "StoreView", "pick_message", "shacl_findings"]
