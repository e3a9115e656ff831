"""Parse a data folder into a dataset of named graphs in a pyoxigraph store.

Which file goes into which named graph (IRIs from the ``graph:`` namespace of the registry):

==================================  ============================================================
``graph/<path>.ttl``                ``graph:<path>`` (``graph/external/crossref/x.ttl`` →
                                    ``https://w3id.org/evkg/graph/external/crossref/x``)
``ontology/evkg.ttl``               ``graph:ontology``
``ontology/vocab/<stem>.ttl``       ``graph:ontology/vocab/<stem>``
``ontology/shapes/**``, registry    not loaded (they are not data; validation reads the shapes)
``graph/**/_*.ttl``                 ignored (drafts)
==================================  ============================================================

Each file is parsed by pyoxigraph and its statements streamed into the store, with the graph's
IRI as base IRI (so ``<>`` in a graph file names its own graph) and blank nodes renamed apart; on
the way, the statements whose literal the store will rewrite are recorded with the literal as
written (:class:`evkg.rdf.literals.WrittenLiterals`; the union in the default graph too).

The store's **default graph holds the union of the named graphs as a set**: every triple once,
however many sources state it (:func:`fill_union`; the bulk loader writes it in the same pass).
Queries see the union with set semantics (a triple stated by four sources is one row, ``COUNT(*)``
equals ``evkg stats``), ``GRAPH ?g`` still sees each source's statements, and exports skip the
default graph (docs/decisions/0016-serving-speed-and-set-semantics.md). A syntax error raises :class:`SourceSyntaxError`
(``FILE:LINE:COL: message``). :class:`Manifest` records a SHA-256 per source file so that a
persisted store knows whether it is stale.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from evkg.data.layout import DataDir, display_path
from evkg.data.prefixes import Prefixes
from evkg.errors import EvkgError, SourceSyntaxError, UsageError
from evkg.rdf.literals import WrittenLiterals
from evkg.version import __version__

#: Bump when the mapping from files to named graphs or the parse options change: persisted stores
#: built with another value are rebuilt. 2: the default graph holds the union of the named graphs.
#: 3: parser terms streamed into the store with blank nodes renamed apart, and the literals the store
#: rewrites recorded (``literals.nq``).
LOADER_VERSION = 3

_OX_LOCATION = re.compile(r"^Parser error (?:at|between) [^:]*: ")


@dataclass(frozen=True)
class SourceFile:
    """One file to load: where it is and which named graph it becomes."""

    path: Path
    relpath: str  # relative to the data folder, POSIX style
    graph: str  # named graph IRI
    kind: str  # "ontology", "vocab" or "graph"


def source_files(data: DataDir, prefixes: Prefixes) -> list[SourceFile]:
    """The files that make up the dataset, ontology first, each with its named graph IRI.

    Raises:
        EvkgError: two files would share a named graph (``graph/ontology.ttl`` vs the ontology).
    """
    ns = prefixes.namespace("graph")
    files: list[SourceFile] = []
    if data.ontology_file.is_file():
        files.append(SourceFile(data.ontology_file, data.relative(data.ontology_file), str(ns["ontology"]), "ontology"))
    for path in data.vocab_files():
        files.append(SourceFile(path, data.relative(path), str(ns[f"ontology/vocab/{path.stem}"]), "vocab"))
    for path in data.graph_files():
        name = path.relative_to(data.graph_dir).with_suffix("").as_posix()
        files.append(SourceFile(path, data.relative(path), str(ns[name]), "graph"))
    seen: dict[str, str] = {}
    for f in files:
        if f.graph in seen:
            raise EvkgError(f"{f.relpath}: named graph <{f.graph}> is already the graph of {seen[f.graph]}")
        seen[f.graph] = f.relpath
    return files


def sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path`` in hexadecimal (the manifest's check of a source file)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What a store was built from: per source file its SHA-256 and named graph, plus versions."""

    files: dict[str, dict[str, str]]
    evkg: str = __version__
    pyoxigraph: str = field(default_factory=lambda: _pyoxigraph_version())
    loader: int = LOADER_VERSION

    @classmethod
    def of(cls, data: DataDir, files: list[SourceFile]) -> Manifest:
        entries = {"ontology/prefixes.ttl": {"sha256": sha256(data.prefixes_file), "graph": ""}}
        for f in files:
            entries[f.relpath] = {"sha256": sha256(f.path), "graph": f.graph}
        return cls(dict(sorted(entries.items())))

    def to_json(self) -> str:
        doc = {"evkg": self.evkg, "pyoxigraph": self.pyoxigraph, "loader": self.loader, "files": self.files}
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        doc: dict[str, Any] = json.loads(text)
        return cls(files=doc["files"], evkg=doc["evkg"], pyoxigraph=doc["pyoxigraph"], loader=doc["loader"])

    def differences(self, other: Manifest) -> list[str]:
        """Why ``other`` (the current sources) differs from this manifest, one reason per item."""
        why = []
        for key in ("evkg", "pyoxigraph", "loader"):
            if getattr(self, key) != getattr(other, key):
                why.append(f"{key} {getattr(self, key)} -> {getattr(other, key)}")
        for name in sorted(set(self.files) | set(other.files)):
            if name not in other.files:
                why.append(f"{name} removed")
            elif name not in self.files:
                why.append(f"{name} added")
            elif self.files[name] != other.files[name]:
                why.append(f"{name} changed")
        return why


def _pyoxigraph_version() -> str:
    return version("pyoxigraph")


def syntax_error(path: Path | str, exc: SyntaxError) -> SourceSyntaxError:
    """pyoxigraph's SyntaxError as ``FILE:LINE:COL: message`` (location not repeated in the message)."""
    message = _OX_LOCATION.sub("", str(exc.msg or exc))
    return SourceSyntaxError(display_path(path) if isinstance(path, Path) else path, exc.lineno, exc.offset, message)


def parse_rdflib(
    graph: Graph,
    path: Path | None = None,
    *,
    data: str | bytes | None = None,
    where: str = "",
    public_id: str | None = None,
) -> Graph:
    """Parse Turtle (the file ``path``, or ``data`` read from ``where``) into the rdflib ``graph``.

    The one door of evkg to rdflib's Turtle parser: what it raises on bad input (``BadSyntax``, and the
    ``ValueError``/``TypeError`` of its term constructors) becomes a :class:`SourceSyntaxError`
    ``FILE:LINE:COL: message`` worded as :func:`load_file` words pyoxigraph's (pyoxigraph reads the same
    text again for the position; rdflib's own line is the fallback); a file that cannot be read is a
    :class:`~evkg.errors.UsageError`.
    """
    shown = display_path(path) if path is not None else where
    try:
        return graph.parse(source=None if path is None else str(path), data=data, format="turtle", publicID=public_id)
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises assorted exception types on bad input
        text = path.read_bytes() if path is not None else data.encode("utf-8") if isinstance(data, str) else data
        try:
            for _ in ox.parse(text or b"", format=ox.RdfFormat.TURTLE, base_iri=public_id):
                pass
        except SyntaxError as precise:
            raise syntax_error(shown, precise) from None
        line = getattr(exc, "lines", None)
        why = getattr(exc, "_why", None) or str(exc) or type(exc).__name__
        raise SourceSyntaxError(shown, None if line is None else line + 1, None, why) from None


def parse_source(source: SourceFile) -> Iterator[ox.Quad]:
    """The statements of one source file as the parser gives them (literals as written), blank
    nodes renamed apart (two files that both write ``_:b0`` mean two nodes)."""
    return ox.parse(path=str(source.path), format=ox.RdfFormat.TURTLE, base_iri=source.graph, rename_blank_nodes=True)


def load_file(store: ox.Store, source: SourceFile, literals: WrittenLiterals | None = None) -> WrittenLiterals:
    """Parse one Turtle file into its named graph (all of it or, on a syntax error, nothing).

    Returns the statements whose literal the store rewrote (:mod:`evkg.rdf.literals`); they also go
    into ``literals`` if given, replacing that graph's (the graph is this file).
    """
    graph = ox.NamedNode(source.graph)
    table = WrittenLiterals()
    try:
        quads = list(table.recording(parse_source(source), graph))  # parsed whole before the store changes
    except SyntaxError as exc:
        raise syntax_error(source.path, exc) from None
    except OSError as exc:
        raise EvkgError(f"{display_path(source.path)}: cannot read ({exc.strerror or exc})") from None
    store.extend(quads)
    store.add_graph(graph)  # an empty file is still a (named, empty) graph
    if literals is not None:  # the graph is this file: its old entries go
        literals.drop_graph(graph)
        literals.update(table)
    return table


def load_files(store: ox.Store, files: list[SourceFile]) -> WrittenLiterals:
    """Parse every file into ``store``, one transaction per file. Stops at the first syntax error
    (raised as one line). Returns the statements whose literal the store rewrote."""
    literals = WrittenLiterals()
    for source in files:
        load_file(store, source, literals)
    return literals


#: Quads per :meth:`pyoxigraph.Store.bulk_extend` call. pyoxigraph's bulk loader buffers up to a
#: million quads before it writes them. At 1 M triples (``evkg.load`` into a new folder, shared
#: 2-core machine): one call 0.92 GB in 23-37 s; calls of 400 k 0.39 GB in 23-29 s; of 250 k 0.28 GB
#: in 22-37 s (more overlapping files for ``Store.optimize`` to merge); of 500 k 0.49 GB
#: (docs/decisions/0013-scale-and-speed.md).
BULK_CHUNK = 400_000


def bulk_load_files(store: ox.Store, files: list[SourceFile], *, chunk: int = BULK_CHUNK) -> WrittenLiterals:
    """Parse every file into a new ``store`` by bulk insertion, the union in its default graph;
    returns the statements whose literal the store rewrote (:mod:`evkg.rdf.literals`).

    :meth:`pyoxigraph.Store.bulk_extend` writes the indexes once per call instead of one transaction
    per file (docs/decisions/0013-scale-and-speed.md); it is called once per ``chunk`` quads, which
    bounds the loader's buffer. The quads stream from the parser: no chunk is held in Python; on the
    way, each typed literal is looked up once to record those the store rewrites. It is not atomic:
    on a syntax error (raised as one line) the store holds part of the data, so build into a new
    store (folder).
    """
    current: list[SourceFile] = []
    literals = WrittenLiterals()

    def quads() -> Iterator[ox.Quad]:
        for source in files:
            current[:] = [source]
            for q in literals.recording(parse_source(source), ox.NamedNode(source.graph)):
                yield q
                yield ox.Quad(q.subject, q.predicate, q.object)  # the union (a set: the store keeps it once)

    stream = quads()
    taken = [chunk]

    def part() -> Iterator[ox.Quad]:
        taken[0] = 0
        for q in stream:
            yield q
            taken[0] += 1
            if taken[0] >= chunk:
                return

    try:
        while taken[0] >= chunk:  # the last part was full: there may be more
            store.bulk_extend(part())
    except SyntaxError as exc:
        raise syntax_error(current[0].path, exc) from None
    except OSError as exc:
        path = current[0].path if current else Path(".")
        raise EvkgError(f"{display_path(path)}: cannot read ({exc.strerror or exc})") from None
    for source in files:
        store.add_graph(ox.NamedNode(source.graph))  # an empty file is still a (named, empty) graph
    literals.refresh_union(store)
    return literals


_UNION = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def fill_union(store: ox.Store, *, rebuild: bool = False) -> None:
    """Make the default graph of ``store`` the union of its named graphs (each triple once).

    With ``rebuild`` the default graph is emptied first (after a named graph was replaced or removed).
    """
    if rebuild:
        store.clear_graph(ox.DefaultGraph())
    store.update(_UNION)


def update_union(store: ox.Store, removed: Iterable[ox.Triple], added: Iterable[ox.Triple]) -> None:
    """Keep the default graph the union after named graphs changed: ``removed`` triples leave it unless
    a named graph still states them, ``added`` ones join it."""
    for t in removed:
        stated = store.quads_for_pattern(t.subject, t.predicate, t.object)
        if not any(not isinstance(q.graph_name, ox.DefaultGraph) for q in stated):
            store.remove(ox.Quad(t.subject, t.predicate, t.object))
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in added)


def holds_union(store: ox.Store) -> bool:
    """Whether the default graph of ``store`` holds the union of its named graphs (stores built by
    evkg's loader do; evkg puts no statement of its own in the default graph). Query it without
    ``use_default_graph_as_union``, which would add every named graph's statements to it again.

    Told from its first triple, which a named graph states too (a store with statements of its own
    in the default graph, built by other means, is not taken for one): two index look-ups.
    """
    first = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    if first is None:
        return False
    stated = store.quads_for_pattern(first.subject, first.predicate, first.object)
    return any(not isinstance(q.graph_name, ox.DefaultGraph) for q in stated)


def ontology_version(data: DataDir) -> str | None:
    """``owl:versionInfo`` of the ontology file, read without loading the rest of the data."""
    path = data.ontology_file
    if not path.is_file():
        return None
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        ontologies = set()
        versions: dict[str, str] = {}
        for q in quads:
            if q.predicate.value == str(RDF.type) and q.object.value == str(OWL.Ontology):
                ontologies.add(q.subject.value)
            elif q.predicate.value == str(OWL.versionInfo):
                versions[q.subject.value] = q.object.value
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None
    for iri in sorted(ontologies):
        if iri in versions:
            return versions[iri]
    return None


__all__ = [
    "Manifest",
    "SourceFile",
    "bulk_load_files",
    "fill_union",
    "holds_union",
    "load_file",
    "load_files",
    "ontology_version",
    "parse_rdflib",
    "parse_source",
    "sha256",
    "source_files",
    "syntax_error",
    "update_union",
]
