"""A shapes graph indexed in plain dictionaries, for the many small look-ups of compiling and checking it.

Compiling evkg's shapes asks the shapes graph some 40,000 questions ("the sh:minCount of this node");
an rdflib graph answers each in 10-20 µs, a dictionary in well under one. :class:`ShapesIndex` is
built once from the graph (read-only) and answers the subset of rdflib's ``Graph`` API the SHACL
modules use, with the same results.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.term import Node

from evkg.quality.reach import Reach


class ShapesIndex:
    """Read-only look-ups of an rdflib graph: by subject and predicate, and by predicate and object."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._sp: dict[Node, dict[Node, list[Node]]] = {}
        self._po: dict[Node, dict[Node, list[Node]]] = {}
        for s, p, o in graph:
            self._sp.setdefault(s, {}).setdefault(p, []).append(o)
            self._po.setdefault(p, {}).setdefault(o, []).append(s)

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return iter(self.graph)

    def __len__(self) -> int:
        return len(self.graph)

    def __contains__(self, triple: tuple[Node | None, Node | None, Node | None]) -> bool:
        s, p, o = triple
        if s is None or p is None:
            return triple in self.graph
        values = self._sp.get(s, {}).get(p, ())
        return bool(values) if o is None else o in values

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        if subject is None:
            if predicate is None:
                yield from (o for _, _, o in self.graph)
            else:
                yield from self._po.get(predicate, {})
            return
        by_predicate = self._sp.get(subject, {})
        if predicate is None:
            for values in by_predicate.values():
                yield from values
        else:
            yield from by_predicate.get(predicate, ())

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterator[Node]:
        if predicate is None:
            yield from (s for s, _, o in self.graph if obj is None or o == obj)
        elif obj is None:
            for subjects in self._po.get(predicate, {}).values():
                yield from subjects
        else:
            yield from self._po.get(predicate, {}).get(obj, ())

    def predicates(self, subject: Node, obj: None = None) -> Iterator[Node]:
        yield from self._sp.get(subject, {})

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        for p, values in self._sp.get(subject, {}).items():
            for o in values:
                yield p, o

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        for o, subjects in self._po.get(predicate, {}).items():
            for s in subjects:
                yield s, o

    def value(self, subject: Node, predicate: Node) -> Node | None:
        values = self._sp.get(subject, {}).get(predicate)
        return values[0] if values else None

    def transitive_subjects(self, predicate: Node, obj: Node) -> Iterator[Node]:
        """``obj`` and every subject reaching it along ``predicate`` (as rdflib's ``Graph.transitive_subjects``)."""
        yield from Reach(self._po.get(predicate, {}))[obj]

    def items(self, lst: Node) -> Iterator[Node]:
        """The members of an RDF list (as rdflib's ``Graph.items``)."""
        seen = set()
        while lst is not None and lst != RDF.nil and lst not in seen:
            seen.add(lst)
            first = self.value(lst, RDF.first)
            if first is not None:
                yield first
            lst = self.value(lst, RDF.rest)  # type: ignore[assignment]

    def namespaces(self) -> Iterator[tuple[str, Node]]:
        return self.graph.namespaces()


def indexed(graph: Graph | ShapesIndex) -> ShapesIndex:
    """``graph`` as a :class:`ShapesIndex` (built once per graph object)."""
    if isinstance(graph, ShapesIndex):
        return graph
    cached = getattr(graph, "_evkg_shapes_index", None)
    if cached is None or cached[0] != len(graph):
        cached = (len(graph), ShapesIndex(graph))
        graph._evkg_shapes_index = cached  # type: ignore[attr-defined]
    return cached[1]


__all__ = ["ShapesIndex", "indexed"]
