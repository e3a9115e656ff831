"""The Turtle writer of the export path before issue 18, kept as the tests' oracle: rdflib's ``longturtle``
(evkg's ``TurtleSerializer``) reading the sorted canonical N-Triples lines through a read-only rdflib store.

``tests/test_export_streamed.py`` compares :func:`evkg.rdf.turtle.write_turtle` with it, byte for byte.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.store import Store as RdflibStore

from evkg.data.prefixes import Prefixes
from evkg.rdf.terms import to_rdflib
from evkg.rdf.turtle import TurtleSerializer, subject_spans


class SortedLinesStore(RdflibStore):
    """A read-only rdflib store over a file of sorted N-Triples lines, for rdflib's serialisers.

    The lines of a subject are neighbours (sorted lines start with the subject, which holds no
    space), so an index of their byte ranges answers ``(s, ?, ?)`` by parsing a few lines; any other
    pattern reads the file through. Terms become rdflib terms only while they are used, so rdflib
    serialises a million triples without a graph of them in memory. The lines are read in their
    order, which is the order in which :func:`to_rdflib_graph` added the sorted statements.
    """

    def __init__(self, lines: BinaryIO, namespaces: RdflibStore) -> None:
        super().__init__()
        self._file = lines
        self._namespaces = namespaces
        self._index = subject_spans(lines)  # the same index as then, now shared with the new writer

    @staticmethod
    def _terms(data: bytes | BinaryIO) -> Iterator[tuple[Any, Any, Any]]:
        for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
            yield to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        s, p, o = triple_pattern
        if s is not None:
            span = self._index.get(s.n3().encode("utf-8")) if isinstance(s, URIRef | BNode) else None
            if span is None:
                return
            # pread: a read-through below may be part-way through the file
            source = self._terms(os.pread(self._file.fileno(), span[1] - span[0], span[0]))
        else:
            self._file.seek(0)
            source = self._terms(self._file)
        for triple in source:
            if (p is None or triple[1] == p) and (o is None or triple[2] == o):
                yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        raise NotImplementedError("SortedLinesStore does not count")

    def bind(self, prefix: str, namespace: Any, override: bool = True, replace: bool = False) -> None:
        self._namespaces.bind(prefix, namespace, override=override, replace=replace)  # type: ignore[call-arg]

    def namespace(self, prefix: str) -> Any:
        return self._namespaces.namespace(prefix)

    def prefix(self, namespace: Any) -> Any:
        return self._namespaces.prefix(namespace)

    def namespaces(self) -> Iterator[tuple[str, Any]]:
        return self._namespaces.namespaces()


def longturtle_from_lines(lines: BinaryIO, prefixes: Prefixes) -> bytes:
    """rdflib's ``longturtle`` over the sorted canonical N-Triples lines (the export path until issue 18)."""
    names = prefixes.graph()
    graph = Graph(store=SortedLinesStore(lines, names.store), namespace_manager=names.namespace_manager)
    out = io.BytesIO()
    TurtleSerializer(graph).serialize(out, encoding="utf-8")
    return out.getvalue()
