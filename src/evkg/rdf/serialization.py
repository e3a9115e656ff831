"""Export the dataset: Turtle, JSON-LD, N-Triples, TriG, N-Quads and RDF/XML, deterministically.

What each format holds:

- ``turtle``, ``json-ld``, ``nt``, ``xml``: the *union* of all named graphs, a triple stated in
  several graphs written once. This is what most users load into a tool that knows no named graphs.
- ``trig``, ``nquads``: the dataset, every triple in its named graph, so provenance is kept.

Every export is deterministic (the same data gives the same bytes, so a diff in git shows what
changed): blank nodes are relabelled with RDFC-1.0 canonicalization (pyoxigraph), triples are
sorted, prefixes come from the registry (only those used), and rdflib's default prefixes never
appear. Serialisers, chosen by measurement (docs/decisions/0012-package-store-and-exports.md):

- Turtle: the layout of rdflib's ``longturtle`` over the canonicalised graph (readable: nested ``[ ]``,
  lists as ``( )``, one predicate per line). rdflib's own ``canon=True`` is not used: it took 329 s on
  18.5 k triples with 2 k blank nodes, against 0.2 s for pyoxigraph's RDFC-1.0.
- JSON-LD: rdflib, compacted with our local context (never a remote one), language maps for the
  label-like properties whose values are all language-tagged, nodes and value arrays sorted.
- N-Triples, N-Quads: pyoxigraph, one statement per line, lines sorted (canonical N-Triples).
- TriG, RDF/XML: pyoxigraph over the sorted canonical statements.

From a pyoxigraph store (every engine of evkg), those four are written from the store's own
N-Triples dump of each graph, sorted as bytes, with only the statements holding a blank node
canonicalised (:func:`write_canonical_lines`; same bytes, a tenth of the memory at 1 M triples,
docs/decisions/0013-scale-and-speed.md); Turtle is :func:`evkg.rdf.turtle.write_turtle` streaming
those lines (rdflib's ``longturtle`` bytes, issue 18); JSON-LD is :func:`evkg.rdf.jsonld.write_jsonld`
running rdflib's converter over them, node by node (the same bytes, without the graph in memory).
:func:`canonical_quads` is the reference path.
"""

from __future__ import annotations

import heapq
import io
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Protocol

import pyoxigraph as ox
from rdflib import Graph

from evkg.data.prefixes import Prefixes
from evkg.errors import EvkgError
from evkg.rdf.canonical import canonicalize
from evkg.rdf.formats import ExportFormat, get_format
from evkg.rdf.jsonld import jsonld_of_graph, write_jsonld
from evkg.rdf.literals import WrittenLiterals
from evkg.rdf.parse import holds_union
from evkg.rdf.terms import to_rdflib
from evkg.rdf.turtle import TurtleSerializer, write_turtle


class QuadSource(Protocol):
    """What an export reads: every quad of a dataset (any :class:`evkg.query.engine.Engine` is one;
    the embedded engine's ``store`` attribute, when there is one, takes the low-memory path)."""

    def quads(self) -> Iterator[ox.Quad]: ...


# --- canonical statements ------------------------------------------------------------------------------
def canonical_quads(engine: QuadSource, *, union: bool) -> list[ox.Quad]:
    """All statements with canonical blank node labels, sorted by their N-Quads form.

    With ``union``, every quad is moved to the default graph (duplicates merge).
    """
    if union:
        return canonicalize(ox.Quad(q.subject, q.predicate, q.object) for q in engine.quads())
    return canonicalize(engine.quads())


#: Characters that ``str.splitlines`` (the reference serialiser) breaks a line at and that N-Triples
#: writes unescaped; data holding one takes the reference path so that the bytes stay the same.
_LINE_BREAKS_IN_LITERALS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


def write_canonical_lines(
    store: ox.Store, out: BinaryIO, *, union: bool, literals: WrittenLiterals | None = None
) -> bool:
    """Write the statements of ``store`` to ``out`` as sorted N-Triples (``union``) or N-Quads lines.

    The same lines as :func:`canonical_quads` serialised and sorted, in far less memory (no Python
    object per statement, nothing but compact bytes held): each graph is written by pyoxigraph
    (``Store.dump``), split into lines and sorted on its own; only the statements with a blank node are
    parsed back and canonicalised (RDFC-1.0 looks at nothing else, so their labels are those of the
    whole dataset); then the sorted runs are merged as bytes (the order of their text: UTF-8 keeps
    code point order). With ``union`` each triple is written once.

    The statements whose literal the store rewrote are written as they were written
    (``literals``, :mod:`evkg.rdf.literals`): their lines are replaced in the dump of their graph
    before it is sorted; graphs without such statements are not touched.

    Returns False (having written nothing) for what this path does not cover: blank node graph
    names, triple terms, literals with a character ``str.splitlines`` breaks at. The caller then
    takes the reference path.
    """
    runs: list[bytes] = []  # each one graph's sorted lines, "\n"-separated
    blank: list[bytes] = []
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = list(store.named_graphs())
    if not holds_union(store):  # else the default graph repeats the named graphs' statements
        graphs.insert(0, ox.DefaultGraph())
    for graph in graphs:
        if isinstance(graph, ox.BlankNode):
            return False
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        if literals:
            data = literals.restore_ntriples(graph, data)
        if any(c in data for c in _LINE_BREAKS_IN_LITERALS):
            return False
        suffix = b"" if union or isinstance(graph, ox.DefaultGraph) else f"<{graph.value}> .".encode()
        lines: list[bytes] = []
        for line in data.splitlines():
            subject, _, rest = line.split(b" ", 2)
            if subject.startswith(b"<<") or rest.startswith(b"<<"):
                return False
            if suffix:
                line = line[:-1] + suffix  # "s p o ." -> "s p o <g> ."
            (blank if subject.startswith(b"_:") or rest.startswith(b"_:") else lines).append(line)
        if lines:
            lines.sort()
            runs.append(b"\n".join(lines))
    if blank:
        fmt = ox.RdfFormat.N_TRIPLES if union else ox.RdfFormat.N_QUADS
        quads = canonicalize(ox.parse(b"\n".join(blank), format=fmt))
        del blank
        statements = [q.triple for q in quads] if union else quads
        runs.append(b"\n".join(sorted((ox.serialize(statements, format=fmt) or b"").splitlines())))
        del statements, quads
    sources = [_lines_of(run) for run in runs]
    runs.clear()  # each run is freed when its lines are merged
    previous = None
    for line in heapq.merge(*sources):
        if line != previous:  # union: a triple stated in several graphs comes once per graph
            out.write(line)
            out.write(b"\n")
            previous = line
    return True


def _lines_of(run: bytes) -> Iterator[bytes]:
    start, end = 0, len(run)
    while start < end:
        stop = run.find(b"\n", start)
        stop = end if stop < 0 else stop
        yield run[start:stop]
        start = stop + 1


def _from_lines(lines: BinaryIO, spec: ExportFormat, prefixes: Prefixes) -> bytes:
    """The export ``spec`` from the sorted canonical lines written by :func:`write_canonical_lines`.

    TriG and RDF/XML are parsed back from the lines as a stream and written to a temporary file
    (pyoxigraph writing into ``bytes`` holds several copies of the output while it grows).
    """
    lines.seek(0)
    if spec.name in ("nt", "nquads"):
        return lines.read()
    fmt = ox.RdfFormat.N_TRIPLES if spec.name == "xml" else ox.RdfFormat.N_QUADS
    target = ox.RdfFormat.RDF_XML if spec.name == "xml" else ox.RdfFormat.TRIG
    used = _used_prefixes(ox.parse(lines, format=fmt), prefixes)
    lines.seek(0)
    # RDF/XML takes the parsed quads as they are (all in the default graph): no Python object per triple
    quads: Iterable[ox.Quad] = ox.parse(lines, format=fmt)
    with tempfile.TemporaryFile() as out:
        try:
            ox.serialize(quads, out, format=target, prefixes=used)
        except (ValueError, OSError) as exc:
            raise EvkgError(f"cannot write {target.name}: {exc}") from None
        out.seek(0)
        return _with_sorted_declarations(out)


def _turtle_from_lines(lines: BinaryIO, prefixes: Prefixes) -> bytes:
    """Turtle over the sorted canonical N-Triples lines: :func:`evkg.rdf.turtle.write_turtle`, the bytes
    rdflib's ``longturtle`` (:func:`_turtle`, the reference path) writes, at a fraction of its cost."""
    out = io.BytesIO()
    write_turtle(lines, prefixes.graph(), out)
    return out.getvalue()


def _with_sorted_declarations(data: BinaryIO) -> bytes:
    """The bytes of ``data`` with :func:`_sort_declarations` applied (it changes only the head).

    The head is the leading ``@prefix`` lines and at least the first three lines; the rest is
    copied as it is, so the output is never held as text.
    """
    head: list[bytes] = []
    while True:
        line = data.readline()
        head.append(line)
        if not line.endswith(b"\n") or (len(head) >= 3 and not line.startswith(b"@prefix ")):
            break
    text = b"".join(head).decode("utf-8")
    buffer = io.BytesIO()
    buffer.write(_sort_declarations(text).encode("utf-8"))
    shutil.copyfileobj(data, buffer)
    return buffer.getvalue()


def _used_prefixes(quads: Iterable[ox.Quad], prefixes: Prefixes) -> dict[str, str]:
    """The registry prefixes that occur in ``quads`` (as IRIs or datatypes), sorted by prefix."""
    iris: set[str] = set()
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and not term.language:
                iris.add(term.datatype.value)
    used = {curie.partition(":")[0] for iri in iris if (curie := prefixes.curie(iri))}
    return {p: prefixes[p] for p in sorted(used)}


def to_rdflib_graph(quads: Iterable[ox.Quad], prefixes: Prefixes) -> Graph:
    """The triples of ``quads`` in an rdflib Graph with only registry prefixes bound (in order)."""
    graph = prefixes.graph()
    for q in quads:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph


# --- the serialisers ---------------------------------------------------------------------------------
def _sorted_lines(quads: list[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    statements = [q.triple for q in quads] if fmt == ox.RdfFormat.N_TRIPLES else quads
    lines = (ox.serialize(statements, format=fmt) or b"").decode("utf-8").splitlines()
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8") if lines else b""


def _turtle(quads: list[ox.Quad], prefixes: Prefixes) -> bytes:
    # longturtle writes only the prefixes it uses, sorted.
    out = io.BytesIO()
    TurtleSerializer(to_rdflib_graph(quads, prefixes)).serialize(out, encoding="utf-8")
    return out.getvalue()


def _oxigraph(quads: list[ox.Quad], fmt: ox.RdfFormat, prefixes: Prefixes) -> bytes:
    statements = quads if fmt.supports_datasets else [q.triple for q in quads]
    try:
        data = ox.serialize(statements, format=fmt, prefixes=_used_prefixes(quads, prefixes))
    except (ValueError, OSError) as exc:
        raise EvkgError(f"cannot write {fmt.name}: {exc}") from None
    return _sort_declarations((data or b"").decode("utf-8")).encode("utf-8")


_XMLNS = re.compile(r'\s(xmlns:[A-Za-z0-9_.-]+="[^"]*")')


def _sort_declarations(text: str) -> str:
    """Sort the prefix declarations pyoxigraph writes in its own (hash map) order.

    TriG: the leading ``@prefix`` lines. RDF/XML: the ``xmlns:`` attributes of ``<rdf:RDF>``.
    """
    lines = text.split("\n")
    head = 0
    while head < len(lines) and lines[head].startswith("@prefix "):
        head += 1
    lines[:head] = sorted(lines[:head])
    for i, line in enumerate(lines[:3]):
        if line.startswith("<rdf:RDF ") and line.endswith(">"):
            attrs = sorted(_XMLNS.findall(line))
            if len(attrs) == line.count("xmlns:"):  # nothing else on the tag: safe to rebuild
                lines[i] = "<rdf:RDF " + " ".join(attrs) + ">"
    return "\n".join(lines)


def _jsonld(quads: Iterable[ox.Quad], prefixes: Prefixes) -> bytes:
    return jsonld_of_graph(to_rdflib_graph(quads, prefixes), prefixes)


def serialize_triples(triples: Iterable[ox.Triple], turtle: bool, prefixes: Prefixes) -> bytes:
    """Triples (e.g. a CONSTRUCT result) as Turtle or N-Triples: sorted, only the prefixes used, sorted.

    Blank node labels are kept as they are (a query result has no stable labels to canonicalise).
    """
    quads = sorted((ox.Quad(t.subject, t.predicate, t.object) for t in set(triples)), key=str)
    if not turtle:
        return _sorted_lines(quads, ox.RdfFormat.N_TRIPLES)
    return _oxigraph(quads, ox.RdfFormat.TURTLE, prefixes)


def export(engine: QuadSource, fmt: str | ExportFormat, prefixes: Prefixes) -> bytes:
    """Serialise the dataset behind ``engine`` in ``fmt`` (a name, an alias, or an ExportFormat)."""
    spec = fmt if isinstance(fmt, ExportFormat) else get_format(fmt)
    store = getattr(engine, "store", None)
    if isinstance(store, ox.Store):
        with tempfile.TemporaryFile() as lines:
            literals = getattr(engine, "literals", None)
            if write_canonical_lines(store, lines, union=not spec.dataset, literals=literals):
                if spec.name == "turtle":
                    return _turtle_from_lines(lines, prefixes)
                if spec.name == "json-ld":
                    buffer = io.BytesIO()
                    if write_jsonld(lines, prefixes, buffer):
                        return buffer.getvalue()
                    lines.seek(0)
                    return _jsonld(ox.parse(lines, format=ox.RdfFormat.N_TRIPLES), prefixes)
                return _from_lines(lines, spec, prefixes)
    quads = canonical_quads(engine, union=not spec.dataset)
    if spec.name == "nt":
        return _sorted_lines(quads, ox.RdfFormat.N_TRIPLES)
    if spec.name == "nquads":
        return _sorted_lines(quads, ox.RdfFormat.N_QUADS)
    if spec.name == "turtle":
        return _turtle(quads, prefixes)
    if spec.name == "json-ld":
        return _jsonld(quads, prefixes)
    if spec.name == "trig":
        return _oxigraph(quads, ox.RdfFormat.TRIG, prefixes)
    if spec.name == "xml":
        return _oxigraph(quads, ox.RdfFormat.RDF_XML, prefixes)
    raise AssertionError(spec)  # pragma: no cover


__all__ = ["canonical_quads", "export", "serialize_triples", "to_rdflib_graph", "write_canonical_lines"]
