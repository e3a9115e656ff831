"""JSON-LD of the export: rdflib's converter with evkg's context, blank nodes used once nested, sorted.

The document is what :func:`evkg.rdf.serialization._jsonld` builds from an rdflib graph in memory (the
reference path): rdflib's ``from_rdf`` converter (:class:`JsonLdConverter`, literals native only when JSON-LD
reads them back as written) over the union, compacted with evkg's context (language maps for the properties
whose values all carry a language), each blank node referenced once nested where it is referenced, nodes and
arrays sorted, ``json.dumps(indent=2, sort_keys=True)``.

:func:`write_jsonld` (issue 18) writes the same bytes from the sorted canonical N-Triples lines without an
rdflib graph or the whole document in memory: the converter reads each subject's statements from the lines
(:class:`_LinesGraph`, only the three questions it asks), its context look-ups are memoised, each finished
node is kept as compact JSON text while the references to blank nodes are counted, and the top-level nodes are
then written one by one in the order of their ``@id`` (the order the sort gives: top-level ids are unique),
each with its nested blank nodes, indented as ``json.dumps`` indents them inside the document.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.plugins.serializers.jsonld import Converter as JsonLdConverter
from rdflib.plugins.shared.jsonld.context import Context as JsonLdContext

from evkg.data.prefixes import Prefixes, language_mapped_properties
from evkg.rdf.terms import to_rdflib
from evkg.rdf.turtle import subject_spans


def _sort_jsonld(value: Any) -> Any:
    """Sort ``@graph`` nodes by ``@id`` and every unordered array; ``@list`` keeps its order."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else _sort_jsonld(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: (str(v.get("@id", "")) if isinstance(v, dict) else "", _key(v)))
    return value


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and "@id" in value


def _refs(value: Any) -> Iterable[str]:
    """Node references (``{"@id": ...}``) in a node's values, nested lists and embedded nodes."""
    if _is_ref(value):
        yield value["@id"]
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "@id":
                yield from _refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _refs(v)


def _embed_blank_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nest each blank node that is referenced exactly once where it is referenced.

    rdflib writes every blank node as a top-level node (``"@id": "_:c14n0"``) and refers to it;
    nesting the ones used once (a definition, a quote selector) reads like the Turtle ``[ ]``. A
    nested blank node loses its label, which is harmless because nothing else refers to it. Blank
    nodes in a cycle of such references stay at the top level.
    """
    counts: dict[str, int] = {}
    for node in nodes:
        for ref in _refs(node):
            counts[ref] = counts.get(ref, 0) + 1
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    embedder = _Embedder(by_id.__getitem__, {i for i in by_id if i.startswith("_:") and counts.get(i) == 1})
    roots = [n for n in nodes if n.get("@id") not in embedder.embeddable]
    out = [embedder.root(n) for n in roots]
    # blank nodes only reachable from each other (a cycle) remain top-level nodes
    return out + embedder.leftovers()


class _Embedder:
    """The nesting of :func:`_embed_blank_nodes`, reading the nodes through ``node_of`` (an id → node)."""

    def __init__(self, node_of: Callable[[str], dict[str, Any]], embeddable: set[str]) -> None:
        self.node_of = node_of
        self.embeddable = embeddable
        self.embedded: set[str] = set()

    def walk(self, value: Any, path: frozenset[str]) -> Any:
        if _is_ref(value) and value["@id"] in self.embeddable and value["@id"] not in self.embedded | path:
            ref = value["@id"]
            self.embedded.add(ref)
            inner = {k: v for k, v in self.node_of(ref).items() if k != "@id"}
            return self.walk(inner, path | {ref})
        if isinstance(value, dict):
            return {k: self.walk(v, path) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, path) for v in value]
        return value

    def root(self, node: dict[str, Any]) -> Any:
        return self.walk(node, frozenset({node.get("@id", "")}))

    def leftovers(self) -> list[Any]:
        """The embeddable nodes no root reached (a cycle of them), each walked from the first by id."""
        return [self.root(self.node_of(i)) for i in sorted(self.embeddable - self.embedded) if i not in self.embedded]


def jsonld_context_for(graph: Graph, prefixes: Prefixes) -> dict[str, Any]:
    """Our context, with language maps only for properties whose values are all language-tagged.

    The candidates are those of ``ontology/context.jsonld`` (the ontology's ``rdf:langString``
    properties are found in ``graph`` itself, which holds the ontology's named graph).
    """
    mapped = []
    for curie in language_mapped_properties(prefixes, graph):
        values = list(graph.objects(None, prefixes.expand(curie)))
        if values and all(getattr(v, "language", None) for v in values):
            mapped.append(curie)
    return prefixes.jsonld_context(mapped)


#: Literals JSON-LD may write as JSON numbers and booleans, and the lexical forms it reads back from them
#: (JSON-LD 1.1 toRdf: a whole number below 10^21 is its canonical xsd:integer; a double always becomes
#: the canonical "1.5E0" form, whatever was written, so doubles are never native).
_JSON_NATIVE = {
    XSD.integer: re.compile(r"0|-?[1-9][0-9]{0,19}"),
    XSD.boolean: re.compile(r"true|false"),
    XSD.double: re.compile(r"(?!)"),
}


class _JsonLdConverter(JsonLdConverter):
    """rdflib's JSON-LD converter writing a literal as a native JSON value only when JSON-LD reads that
    value back as the same literal (``"01"^^xsd:integer`` stays ``{"@value": "01", "@type": "xsd:integer"}``)."""

    def to_raw_value(self, graph: Graph, s: Any, o: Any, nodemap: dict[str, Any]) -> Any:
        if isinstance(o, Literal) and o.datatype in _JSON_NATIVE and not _JSON_NATIVE[o.datatype].fullmatch(o):
            return {self.context.type_key: self.context.to_symbol(o.datatype), self.context.value_key: str(o)}
        return super().to_raw_value(graph, s, o, nodemap)


def jsonld_of_graph(graph: Graph, prefixes: Prefixes) -> bytes:
    """The JSON-LD export of an rdflib graph of the union (the reference path, see the module)."""
    context_data = jsonld_context_for(graph, prefixes)
    context = JsonLdContext(context_data)
    doc = _JsonLdConverter(context, False, False).convert(graph)  # rdflib's from_rdf, with our converter
    if isinstance(doc, list):
        doc = {context.get_key("@graph"): doc}
    doc["@context"] = context_data
    if isinstance(doc, dict) and "@graph" in doc:
        doc["@graph"] = _sort_jsonld(_embed_blank_nodes(doc["@graph"]))
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


class _LinesGraph:
    """What rdflib's JSON-LD converter asks of a graph, answered from sorted canonical N-Triples lines."""

    def __init__(self, lines: BinaryIO, spans: dict[bytes, tuple[int, int]], firsts: set[bytes]) -> None:
        self._fd = lines.fileno()
        self._spans = spans
        self._firsts = firsts  # subjects with an rdf:first: the only ones ``value(s, rdf:first)`` looks up

    def predicate_objects(self, subject: Any) -> Iterator[tuple[Any, Any]]:
        span = self._spans.get(subject.n3().encode("utf-8")) if not isinstance(subject, Literal) else None
        if span is None:
            return
        data = os.pread(self._fd, span[1] - span[0], span[0])
        for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
            yield to_rdflib(t.predicate), to_rdflib(t.object)

    def value(self, subject: Any, predicate: Any) -> Any:
        if isinstance(subject, Literal) or subject.n3().encode("utf-8") not in self._firsts and predicate == RDF.first:
            return None
        return next((o for p, o in self.predicate_objects(subject) if p == predicate), None)


class _NodeMap(dict[str, Any]):
    """The converter's map of nodes, remembering the ids added since it was last emptied of them."""

    def __init__(self) -> None:
        super().__init__()
        self.fresh: list[str] = []

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self:
            self.fresh.append(key)
        super().__setitem__(key, value)


def _memoised(context: JsonLdContext) -> None:
    """Memoise the context's look-ups (pure functions of their arguments) on this instance."""
    for name in ("find_term", "shrink_iri", "to_symbol"):
        setattr(context, name, functools.lru_cache(maxsize=None)(getattr(context, name)))


def write_jsonld(lines: BinaryIO, prefixes: Prefixes, out: BinaryIO) -> bool:
    """Write the JSON-LD export of the sorted canonical N-Triples ``lines`` to ``out`` (see the module).

    Returns False for a graph of fewer than two nodes (rdflib's converter then returns the node itself, not
    a ``@graph``; nothing written) or, having written, for a cycle of blank nodes each referenced once (never
    met: see the end): the caller then discards ``out`` and takes the reference path.
    """
    spans = subject_spans(lines)
    lines.seek(0)
    firsts: set[bytes] = set()
    objects: set[bytes] = set()  # blank nodes used as objects: from_graph starts from the others
    seen: dict[str, bool] = {}  # predicate -> every value so far language-tagged
    ranges = Graph()
    first, range_, lang_string = str(RDF.first), str(RDFS.range), str(RDF.langString)
    for t in ox.parse(lines, format=ox.RdfFormat.N_TRIPLES):
        p, o = t.predicate.value, t.object
        if p == first:
            firsts.add(str(t.subject).encode("utf-8"))
        if isinstance(o, ox.BlankNode):
            objects.add(str(o).encode("utf-8"))
        tagged = isinstance(o, ox.Literal) and o.language is not None
        seen[p] = seen.get(p, True) and tagged
        if p == range_ and isinstance(o, ox.NamedNode) and o.value == lang_string:
            ranges.add((to_rdflib(t.subject), RDFS.range, RDF.langString))
    mapped = [c for c in language_mapped_properties(prefixes, ranges) if seen.get(str(prefixes.expand(c)), False)]
    context_data = prefixes.jsonld_context(mapped)
    context = JsonLdContext(context_data)
    _memoised(context)
    converter = _JsonLdConverter(context, False, False)
    graph = _LinesGraph(lines, spans, firsts)

    compact: dict[str, str] = {}  # node id -> its JSON (no indentation)
    counts: dict[str, int] = {}
    nodemap = _NodeMap()
    for token in spans:
        if token.startswith(b"_:") and token in objects:
            continue  # a blank node used as an object is converted where it is used (rdflib's from_graph)
        subject = to_rdflib(_term(token))
        converter.process_subject(graph, subject, nodemap)  # type: ignore[arg-type]
        for node_id in nodemap.fresh:
            node = nodemap[node_id]
            for ref in _refs(node):
                counts[ref] = counts.get(ref, 0) + 1
            compact[node_id] = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
            dict.__setitem__(nodemap, node_id, None)  # converted: the id stays, so that it is not converted again
        nodemap.fresh.clear()
    if len(compact) < 2:
        return False
    embedder = _Embedder(
        lambda i: json.loads(compact[i]), {i for i in compact if i.startswith("_:") and counts.get(i) == 1}
    )
    tops = sorted(i for i in compact if i not in embedder.embeddable)
    head = json.dumps({"@context": context_data}, indent=2, sort_keys=True, ensure_ascii=False)
    out.write(head[: head.rindex("\n}")].encode("utf-8") + b',\n  "@graph": [\n')
    written = False

    def write(node: Any) -> None:
        nonlocal written
        text = json.dumps(_sort_jsonld(node), indent=2, sort_keys=True, ensure_ascii=False)
        out.write((",\n" if written else "").encode() + ("    " + text.replace("\n", "\n    ")).encode("utf-8"))
        written = True

    for top in tops:
        write(embedder.root(embedder.node_of(top)))
    out.write(b"\n  ]\n}\n")
    # Blank nodes referenced once each, only from one another in a cycle, would be top-level nodes too
    # (placed by their id among the others); the converter never reaches such a cycle (it enters one only
    # through a node referenced from outside, which is then referenced twice), but should one appear, the
    # caller discards this output and takes the reference path.
    return not embedder.leftovers()


def _term(token: bytes) -> Any:
    text = token.decode("utf-8")
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    return ox.NamedNode(text[1:-1])


__all__ = ["jsonld_context_for", "jsonld_of_graph", "write_jsonld"]
