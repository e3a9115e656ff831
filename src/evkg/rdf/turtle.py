"""Turtle from sorted canonical N-Triples lines at the store's speed, the same bytes as rdflib's ``longturtle``.

:func:`write_turtle` reads the lines :func:`evkg.rdf.serialization.write_canonical_lines` wrote (one
subject's statements are neighbours) and writes what ``TurtleSerializer`` (rdflib's ``longturtle`` with
literals as written) wrote over the same statements, byte for byte (issue 18; tests compare both on the
bundled graph, synthetic data and corner cases). rdflib's serialiser spent its time making an rdflib term of
every node of every statement twice and asking its namespace manager for the prefixed name of each
occurrence; here the statements stay pyoxigraph terms, and rdflib is asked only once per distinct IRI (its
``get_pname``, so the prefixed names and the ``PREFIX`` lines are rdflib's own), once per distinct literal
(its ``label``, so numbers, escapes and long strings are rdflib's) and, to order two or more objects of one
property, for the rdflib terms whose order it defines. The layout (subject order, ``a`` and ``rdfs:label``
first, ``[ ]`` for a blank node used once, ``( )`` for lists, indentation) mirrors
``rdflib.plugins.serializers.longturtle.LongTurtleSerializer`` method by method.

Memory: the byte range of each subject's lines, the number of references to each object, and the prefixed
names; a subject's statements are parsed only while it is written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD, split_uri
from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

from evkg.errors import EvkgError
from evkg.rdf.terms import to_rdflib

__all__ = ["TurtleSerializer", "subject_spans", "write_turtle"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = ox.NamedNode(_RDF + "type")
_FIRST = ox.NamedNode(_RDF + "first")
_REST = ox.NamedNode(_RDF + "rest")
_NIL = ox.NamedNode(_RDF + "nil")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_CLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#Class")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XMLNS = "http://www.w3.org/XML/1998/namespace"
_PREDICATE_ORDER = (_TYPE, _LABEL)  # RecursiveSerializer.predicateOrder
_INDENT = "    "
SUBJECT, VERB, OBJECT = 0, 1, 2


#: Turtle's shorthand tokens for numbers and booleans: a literal is written bare only if its lexical
#: form is such a token, which Turtle reads back as the same term.
_TURTLE_TOKENS = {
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD.double: re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
}


class TurtleSerializer(LongTurtleSerializer):
    """rdflib's ``longturtle`` writing every literal as it is (the lexical form is the term).

    rdflib writes numbers and booleans from their value: ``"1.5"^^xsd:double`` as ``1.5e+00``,
    ``"1"^^xsd:decimal`` as ``1.0``, ``"1"^^xsd:boolean`` as ``1`` (an integer), ``"5."^^xsd:decimal``
    as ``5.`` (not Turtle). Here a literal of those datatypes is bare only when its lexical form is
    Turtle's token for it, and quoted with its datatype otherwise.
    """

    def label(self, node: Any, position: Any) -> str:
        if isinstance(node, Literal) and node.datatype in _TURTLE_TOKENS:
            text = str(node)
            if _TURTLE_TOKENS[node.datatype].fullmatch(text):
                return text
            return node._literal_n3(use_plain=False, qname_callback=lambda dt: self.get_pname(dt, False))
        return str(super().label(node, position))


class _Writer:
    def __init__(self, lines: BinaryIO, serializer: Any, out: BinaryIO) -> None:
        self._file = lines
        self._rdf = serializer  # evkg's TurtleSerializer over the registry's namespaces: pnames, literal labels
        self._out = out
        self._chunks: list[str] = []
        self._index: dict[bytes, tuple[int, int]] = {}
        self._refs: dict[Any, int] = {}
        self._subjects: list[Any] = []
        self._classes: list[Any] = []
        self._pnames: dict[tuple[str, bool], str] = {}
        self._no_pname: set[tuple[str, bool]] = set()
        self._labels: dict[Any, str] = {}
        self._bound: set[str] | None = None
        self._serialized: set[Any] = set()
        self.depth = 0

    # --- rdflib, once per distinct node --------------------------------------------------------------
    def _pname(self, iri: str, gen: bool) -> str | None:
        key = (iri, gen)
        found = self._pnames.get(key)
        if found is not None:
            return found
        if key in self._no_pname:
            return None
        if not gen and self._unbound(iri):
            self._no_pname.add(key)
            return None
        name = self._rdf.get_pname(URIRef(iri), gen)
        if gen:  # a generated prefix can give a prefixed name to IRIs that had none
            self._no_pname.clear()
            self._bound = None
        if name is None:
            self._no_pname.add(key)
        else:
            self._pnames[key] = name
        return name

    def _unbound(self, iri: str) -> bool:
        """Whether rdflib's ``compute_qname(iri, generate=False)`` fails for want of a bound namespace, told
        without asking it: rdflib would insert each such IRI's namespace into its trie of namespaces, whose
        insertion scans every earlier one (quadratic: most of the time of a million-triple export).

        rdflib splits the IRI (``split_uri``) and takes the longest namespace of its trie that is at least
        that split and starts the IRI. Besides bound namespaces, the trie holds only earlier IRIs' splits,
        none of which can be longer than this IRI's split and start it (a split ends just before the first
        letter after the last character a name cannot hold), so they never decide; the answer is "unbound"
        when neither the split nor a longer bound namespace starting the IRI, nor the IRI itself, is bound.
        Anything else (a split that fails, the XML namespace) is left to rdflib.
        """
        if self._bound is None:
            self._bound = {str(ns) for _, ns in self._rdf.store.namespaces()}
            self._longer: dict[str, tuple[str, ...]] = {}
        if iri in self._bound or iri.startswith(_XMLNS):
            return False
        try:
            split, _ = split_uri(iri)
        except ValueError:
            return False
        if split in self._bound:
            return False
        longer = self._longer.get(split)
        if longer is None:
            longer = self._longer[split] = tuple(b for b in self._bound if len(b) > len(split) and b.startswith(split))
        return not any(iri.startswith(b) for b in longer)

    def _label(self, node: Any, position: int) -> str:
        if node == _NIL:
            return "()"
        if isinstance(node, ox.Literal):
            text = self._labels.get(node)
            if text is None:
                text = self._labels[node] = self._rdf.label(to_rdflib(node), position)
            return text
        if isinstance(node, ox.NamedNode):
            if position == VERB and node == _TYPE:
                return "a"
            return self._pname(node.value, position == VERB) or f"<{node.value}>"
        return f"_:{node.value}"

    # --- the lines ------------------------------------------------------------------------------------
    def _index_lines(self) -> None:
        self._index = subject_spans(self._file)

    def _triples(self, subject: Any) -> list[ox.Triple]:
        span = self._index.get(str(subject).encode("utf-8"))
        if span is None:
            return []
        data = os.pread(self._file.fileno(), span[1] - span[0], span[0])
        return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))

    def _value(self, subject: Any, predicate: ox.NamedNode) -> Any:
        for t in self._triples(subject):
            if t.predicate == predicate:
                return t.object
        return None

    def preprocess(self) -> None:
        """RecursiveSerializer.preprocess + LongTurtleSerializer.preprocessTriple, each node asked once."""
        self._index_lines()
        self._file.seek(0)
        refs, seen, seen_verbs = self._refs, set(), set()
        subjects: dict[Any, bool] = {}
        for t in ox.parse(self._file, format=ox.RdfFormat.N_TRIPLES):
            s, p, o = t.subject, t.predicate, t.object
            refs[o] = refs.get(o, 0) + 1
            subjects[s] = True
            if s not in seen:
                seen.add(s)
                if isinstance(s, ox.NamedNode):
                    self._pname(s.value, False)
            if p not in seen_verbs:
                seen_verbs.add(p)
                if p != _TYPE:
                    self._pname(p.value, True)
            if o not in seen:
                seen.add(o)
                if isinstance(o, ox.NamedNode):
                    self._pname(o.value, False)
                elif isinstance(o, ox.Literal) and not o.language and o.datatype.value != _XSD_STRING:
                    self._pname(o.datatype.value, False)
            if p == _TYPE and o == _CLASS:
                self._classes.append(s)
        self._subjects = list(subjects)

    def ordered_subjects(self) -> list[Any]:
        """RecursiveSerializer.orderSubjects: members of rdfs:Class first, then (blank?, references, subject)."""
        classes = sorted(self._classes, key=lambda s: (not isinstance(s, ox.BlankNode), s.value))
        seen = set(classes)
        rest = sorted(
            (s for s in self._subjects if s not in seen),
            key=lambda s: (isinstance(s, ox.BlankNode), self._refs.get(s, 0), s.value),
        )
        return classes + rest

    # --- LongTurtleSerializer, method by method --------------------------------------------------------
    def write(self, text: str) -> None:
        self._chunks.append(text)

    def flush(self) -> None:
        self._out.write("".join(self._chunks).encode("utf-8", "replace"))
        self._chunks.clear()

    def indent(self, modifier: int = 0) -> str:
        return (self.depth + modifier) * _INDENT

    def statement(self, subject: Any) -> bool:
        self._serialized.add(subject)
        return self.s_squared(subject) or self.s_default(subject)

    def s_default(self, subject: Any) -> bool:
        self.write("\n" + self.indent())
        self.path(subject, SUBJECT)
        self.write("\n" + self.indent())
        self.predicate_list(subject)
        self.write("\n.")
        return True

    def s_squared(self, subject: Any) -> bool:
        if self._refs.get(subject, 0) > 0 or not isinstance(subject, ox.BlankNode):
            return False
        self.write("\n" + self.indent() + "[]")
        self.predicate_list(subject)
        self.write("\n.")
        return True

    def path(self, node: Any, position: int, newline: bool = False) -> None:
        if not self.p_squared(node, position):
            if position != SUBJECT and not newline:
                self.write(" ")
            self.write(self._label(node, position))

    def p_squared(self, node: Any, position: int) -> bool:
        if (
            not isinstance(node, ox.BlankNode)
            or node in self._serialized
            or self._refs.get(node, 0) > 1
            or position == SUBJECT
        ):
            return False
        if self.is_valid_list(node):
            self.write(" (\n")
            self.do_list(node)
            self.write("\n" + self.indent() + ")")
        else:
            self._serialized.add(node)
            self.write("\n" + self.indent(1) + "[\n")
            self.depth += 1
            self.predicate_list(node)
            self.depth -= 1
            self.write("\n" + self.indent(1) + "]")
        return True

    def is_valid_list(self, node: Any) -> bool:
        if self._value(node, _FIRST) is None:
            return False
        while node:
            if node != _NIL and len(self._triples(node)) != 2:
                return False
            node = self._value(node, _REST)
        return True

    def do_list(self, node: Any) -> None:
        i = 0
        while node:
            item = self._value(node, _FIRST)
            if item is not None:
                self.write(self.indent(1) if i == 0 else "\n" + self.indent(1))
                self.path(item, OBJECT, newline=True)
                self._serialized.add(node)
            node = self._value(node, _REST)
            i += 1

    def predicate_list(self, subject: Any) -> None:
        properties: dict[Any, list[Any]] = {}
        for t in self._triples(subject):
            properties.setdefault(t.predicate, []).append(t.object)
        if not properties:
            return
        for objects in properties.values():
            if len(objects) > 1:
                objects.sort(key=to_rdflib)  # rdflib's order of terms (literals by value, then ...)
        order = [p for p in _PREDICATE_ORDER if p in properties]
        order += sorted((p for p in properties if p not in _PREDICATE_ORDER), key=lambda p: p.value)
        self.write(self.indent(1))
        self.path(order[0], VERB, newline=True)
        self.object_list(properties[order[0]])
        for predicate in order[1:]:
            self.write(" ;\n" + self.indent(1))
            self.path(predicate, VERB, newline=True)
            self.object_list(properties[predicate])
        self.write(" ;")

    def object_list(self, objects: list[Any]) -> None:
        self.depth += 1  # rdflib's depthmod, ``(count == 1) and 0 or 1``, is always 1
        first_newline = False
        if len(objects) > 1:
            self.write(" " if isinstance(objects[0], ox.BlankNode) else "\n" + self.indent(1))
            first_newline = True
        self.path(objects[0], OBJECT, newline=first_newline)
        for obj in objects[1:]:
            self.write(" ,")
            if not isinstance(obj, ox.BlankNode):
                self.write("\n" + self.indent(1))
            self.path(obj, OBJECT, newline=True)
        self.depth -= 1

    def run(self) -> None:
        self.preprocess()
        subjects = self.ordered_subjects()
        head = self._out
        body = _Spool()
        self._out = body  # type: ignore[assignment]
        for subject in subjects:
            if subject in self._serialized:
                continue
            self.statement(subject)
            self.write("\n")
            if len(self._chunks) > 4096:
                self.flush()
        self.flush()
        for prefix, namespace in sorted(self._rdf.namespaces.items()):  # LongTurtleSerializer.startDocument
            head.write(f"PREFIX {prefix}: <{namespace}>\n".encode("utf-8", "replace"))
        body.copy_to(head)


def subject_spans(lines: BinaryIO) -> dict[bytes, tuple[int, int]]:
    """The byte range of each subject's statements in sorted N-Triples ``lines`` (they are neighbours: a
    sorted line starts with its subject, which holds no space), keyed by the subject as written."""
    spans: dict[bytes, tuple[int, int]] = {}
    lines.flush()
    lines.seek(0)
    offset, start, current = 0, 0, b""
    for line in lines:
        subject = line[: line.index(b" ")]
        if subject != current:
            if current:
                spans[current] = (start, offset)
            current, start = subject, offset
        offset += len(line)
    if current:
        spans[current] = (start, offset)
    return spans


class _Spool:
    """The body, written while the prefixes it uses are still being found (they come first)."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=64 << 20)

    def write(self, data: bytes) -> None:
        self._file.write(data)

    def copy_to(self, out: BinaryIO) -> None:
        self._file.seek(0)
        shutil.copyfileobj(self._file, out)
        self._file.close()


def write_turtle(lines: BinaryIO, names: Graph, out: BinaryIO) -> None:
    """Write Turtle for the sorted canonical N-Triples ``lines`` to ``out``.

    ``names`` is the graph holding the registry's prefixes (``Prefixes.graph()``), whose prefixed names
    :class:`TurtleSerializer` writes.
    """
    serializer = TurtleSerializer(names)
    serializer.reset()
    serializer.base = None
    try:
        _Writer(lines, serializer, out).run()
    except RecursionError:
        raise EvkgError("cannot write Turtle: blank nodes nested too deep") from None
