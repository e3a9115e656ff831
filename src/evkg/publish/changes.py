"""``evkg diff OLD NEW``: what changed between two versions of the graph, per entity and per named graph.

Each side is a data folder (``ontology/`` + ``graph/``, loaded as ``evkg.load`` does), a build or
release folder (its ``evkg.nq``), or one dataset file (``.nq``, ``.trig``; ``.nt``, ``.ttl`` give one
unnamed graph). Every named graph is canonicalised on its own with RDFC-1.0 (:mod:`evkg.rdf.canonical`,
the canonicaliser of the exports), so re-serialising, re-ordering or relabelling the blank nodes of a
file produces no change at all.

Changes are then reported by *path*: a statement on an IRI is keyed by (graph, subject, predicate);
a statement inside a blank node structure by (graph, owning entity, predicate path), e.g.
``evidence:mou-signing  oa:hasBody/rdf:object``, where the owning entity is the nearest IRI above
the blank node; a blank node that nothing points to owns itself and is named by what it says
(``_:`` and a hash of its statements, blank nodes written ``[ ]``), never by its label, which RDFC-1.0
numbers by position. For each key the values on both sides are compared as multisets (blank node values
count as ``[ ]``): values on one side only are *removed* or *added*; a key that loses some values
and gains others is reported as *changed* (old → new). So a corrected date inside an evidence quote
is one change, not the removal and re-addition of the whole blank node structure.

>>> old = {"https://w3id.org/evkg/graph/g": [("https://ex.org/a", "http://www.w3.org/2000/01/rdf-schema#label", "A")]}
>>> new = {"https://w3id.org/evkg/graph/g": [("https://ex.org/a", "http://www.w3.org/2000/01/rdf-schema#label", "B")]}
>>> d = diff_datasets(graphs_from_triples(old), graphs_from_triples(new))
>>> [(c.kind, c.path, c.old, c.new) for c in d.entities[0].changes]
[('changed', ('http://www.w3.org/2000/01/rdf-schema#label',), '"A"', '"B"')]
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

import evkg
from evkg.data.layout import display_path
from evkg.data.prefixes import Prefixes
from evkg.errors import EvkgError, UsageError
from evkg.rdf.canonical import canonicalize
from evkg.rdf.parse import syntax_error
from evkg.rdf.terms import ordered, to_oxigraph, to_rdflib
from evkg.wording import count

#: The unnamed graph of a single-graph file (``.ttl``, ``.nt``).
DEFAULT_GRAPH = ""

_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
}

#: Stands for any blank node value when values are compared.
BLANK = "[ ]"


# --- reading a side ----------------------------------------------------------------------------------
@dataclass
class Side:
    """One version: its named graphs (IRI → rdflib Graph) and a name to show."""

    name: str
    graphs: dict[str, Graph]
    version: str | None = None


def _to_rdflib(term: Any) -> Node:
    return to_rdflib(term)


def _graphs_from_quads(quads: Iterable[ox.Quad]) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    for q in quads:
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else DEFAULT_GRAPH
        graph = graphs.get(name)
        if graph is None:
            graph = graphs[name] = Graph(bind_namespaces="none")
        graph.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return graphs


def graphs_of(kg: Any) -> dict[str, Graph]:
    """The named graphs of a loaded :class:`evkg.KnowledgeGraph` (empty ones included)."""
    graphs = _graphs_from_quads(kg.engine.quads())
    for name in kg.named_graphs():
        graphs.setdefault(name, Graph(bind_namespaces="none"))
    return graphs


def graphs_from_triples(graphs: Mapping[str, Iterable[tuple[str, str, str]]]) -> dict[str, Graph]:
    """Graphs from plain (subject IRI, predicate IRI, object) tuples; ``_:x`` is a blank node,
    ``<iri>`` or ``http(s)://…`` an IRI, anything else a plain literal. For tests and doctests."""

    def term(text: str) -> Node:
        if text.startswith("_:"):
            return BNode(text[2:])
        if text.startswith("<") and text.endswith(">"):
            return URIRef(text[1:-1])
        if text.startswith(("http://", "https://")):
            return URIRef(text)
        return Literal(text)

    out = {}
    for name, triples in graphs.items():
        g = Graph(bind_namespaces="none")
        for s, p, o in triples:
            g.add((term(s), URIRef(p), term(o)))
        out[name] = g
    return out


def _version(graphs: Mapping[str, Graph]) -> str | None:
    """``owl:versionInfo`` of the ``owl:Ontology`` in any of the graphs."""
    for name in sorted(graphs):
        for onto in ordered(graphs[name].subjects(RDF.type, OWL.Ontology)):
            for v in ordered(graphs[name].objects(onto, OWL.versionInfo)):
                return str(v)
    return None


def read_side(path: str | Path, prefixes: Prefixes | None = None) -> Side:
    """Read one side of a diff: a data folder, a build/release folder (``evkg.nq``) or a dataset file.

    Raises:
        UsageError: the path does not exist or is none of these.
        SourceSyntaxError: a file does not parse.
    """
    p = Path(path)
    where = display_path(p)
    if p.is_dir():
        if (p / "ontology").is_dir() and (p / "graph").is_dir():
            graphs = graphs_of(evkg.load(data_dir=p))
            return Side(where, graphs, _version(graphs))
        if (p / "evkg.nq").is_file():
            return read_side(p / "evkg.nq", prefixes)
        raise UsageError(f"{where}: neither a data folder (ontology/, graph/) nor a build or release (evkg.nq)")
    if not p.is_file():
        raise UsageError(f"{where}: no such file or folder")
    fmt = _FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"{where}: unknown dataset format (use a data folder, a release folder, .nq, .trig, .nt or .ttl)"
        )
    try:
        quads = list(ox.parse(path=str(p), format=fmt))
    except SyntaxError as exc:
        raise syntax_error(p, exc) from None
    except OSError as exc:
        raise EvkgError(f"{where}: cannot read ({exc.strerror or exc})") from None
    graphs = _graphs_from_quads(quads)
    return Side(where, graphs, _version(graphs))


# --- canonical statements keyed by path ----------------------------------------------------------------
def canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled by RDFC-1.0 (:func:`evkg.rdf.canonical.canonicalize`)."""
    quads = (ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)  # type: ignore[arg-type]
    out = Graph(bind_namespaces="none")
    for q in canonicalize(quads):
        out.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return out


def _owners(graph: Graph) -> dict[Node, tuple[Node, tuple[Node, ...]]]:
    """For each blank node: its owning entity (nearest IRI above it) and the predicate path to it."""
    found: dict[Node, tuple[Node, tuple[Node, ...]]] = {}
    frontier: list[tuple[Node, tuple[Node, ...]]] = []
    for s, p, o in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        if isinstance(o, BNode) and not isinstance(s, BNode) and o not in found:
            found[o] = (s, (p,))
            frontier.append((o, (p,)))
    while frontier:
        node, path = frontier.pop(0)
        owner = found[node][0]
        for p, o in sorted(graph.predicate_objects(node), key=lambda t: (str(t[0]), str(t[1]))):
            if isinstance(o, BNode) and o not in found:
                found[o] = (owner, (*path, p))
                frontier.append((o, (*path, p)))
    # blank nodes nobody points to (or only other orphans): they own themselves
    for s in sorted({s for s in graph.subjects() if isinstance(s, BNode)}, key=str):
        if s not in found:
            owner = BNode(_signature(graph, s))
            found[s] = (owner, ())
            stack: list[tuple[Node, tuple[Node, ...]]] = [(s, ())]
            while stack:
                node, path = stack.pop()
                for p, o in graph.predicate_objects(node):
                    if isinstance(o, BNode) and o not in found:
                        found[o] = (owner, (*path, p))
                        stack.append((o, (*path, p)))
    return found


def _signature(graph: Graph, node: BNode) -> str:
    """A name for a blank node nothing points to, from what it says: a hash of the statements reachable
    from it, blank nodes written ``[ ]`` (the same on both sides of a diff whatever the labels)."""
    lines, seen, todo = [], {node}, [node]
    while todo:
        current = todo.pop()
        for p, o in graph.predicate_objects(current):
            lines.append(f"{p.n3()} {_value(o)}")
            if isinstance(o, BNode) and o not in seen:
                seen.add(o)
                todo.append(o)
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()[:16]


def _value(term: Node) -> str:
    if isinstance(term, BNode):
        return BLANK
    return term.n3()


Key = tuple[str, str, tuple[str, ...]]  # (entity, graph, predicate path)


def keyed_values(graph: Graph, name: str) -> dict[Key, Counter[str]]:
    """Values of a canonical graph by (entity, graph, predicate path)."""
    owners = _owners(graph)
    out: dict[Key, Counter[str]] = defaultdict(Counter)
    for s, p, o in graph:
        if isinstance(s, BNode):
            owner, path = owners[s]
            entity = "_:" + str(owner) if isinstance(owner, BNode) else str(owner)
            full = tuple(str(x) for x in (*path, p))
        else:
            entity, full = str(s), (str(p),)
        out[(entity, name, full)][_value(o)] += 1
    return out


# --- the diff ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One change of one value: ``added`` (new only), ``removed`` (old only), ``changed`` (old → new)."""

    kind: str
    graph: str
    path: tuple[str, ...]  # predicate IRIs from the entity to the value
    old: str | None  # N-Triples form of the value ("[ ]" for a blank node)
    new: str | None


@dataclass
class EntityChanges:
    entity: str
    changes: list[Change] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


@dataclass
class GraphChanges:
    graph: str
    status: str  # "added", "removed" or "changed"
    added: int = 0
    removed: int = 0
    changed: int = 0
    old_triples: int = 0
    new_triples: int = 0


@dataclass
class DatasetDiff:
    old: str
    new: str
    old_version: str | None
    new_version: str | None
    graphs: list[GraphChanges]
    entities: list[EntityChanges]

    @property
    def empty(self) -> bool:
        return not self.graphs

    def totals(self) -> dict[str, int]:
        return {kind: sum(getattr(g, kind) for g in self.graphs) for kind in ("added", "removed", "changed")}

    def to_json(self) -> dict[str, Any]:
        return {
            "old": {"source": self.old, "version": self.old_version},
            "new": {"source": self.new, "version": self.new_version},
            "totals": self.totals(),
            "graphs": [g.__dict__ for g in self.graphs],
            "entities": [{"entity": e.entity, "changes": [c.__dict__ for c in e.changes]} for e in self.entities],
        }


def _pair(removed: list[str], added: list[str]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair removed and added values as changes (in sorted order); the rest stay removed or added."""
    n = min(len(removed), len(added))
    return list(zip(removed[:n], added[:n], strict=True)), removed[n:], added[n:]


def diff_datasets(
    old: Mapping[str, Graph], new: Mapping[str, Graph], old_name: str = "old", new_name: str = "new"
) -> DatasetDiff:
    """Compare two datasets (named graph IRI → rdflib Graph); blank nodes canonicalised per graph."""
    old_keys: dict[Key, Counter[str]] = {}
    new_keys: dict[Key, Counter[str]] = {}
    sizes: dict[str, tuple[int, int]] = {}
    for name in sorted(set(old) | set(new)):
        o = canonical(old[name]) if name in old else None
        n = canonical(new[name]) if name in new else None
        if o is not None:
            old_keys.update(keyed_values(o, name))
        if n is not None:
            new_keys.update(keyed_values(n, name))
        sizes[name] = (len(o) if o is not None else 0, len(n) if n is not None else 0)
    by_entity: dict[str, list[Change]] = defaultdict(list)
    per_graph: dict[str, Counter[str]] = defaultdict(Counter)
    for key in sorted(set(old_keys) | set(new_keys)):
        entity, graph, path = key
        before, after = old_keys.get(key, Counter()), new_keys.get(key, Counter())
        removed = sorted((before - after).elements())
        added = sorted((after - before).elements())
        pairs, removed, added = _pair(removed, added)
        for a, b in pairs:
            by_entity[entity].append(Change("changed", graph, path, a, b))
        for a in removed:
            by_entity[entity].append(Change("removed", graph, path, a, None))
        for b in added:
            by_entity[entity].append(Change("added", graph, path, None, b))
        per_graph[graph].update({"changed": len(pairs), "removed": len(removed), "added": len(added)})
    graphs = []
    for name in sorted(sizes):
        counts = per_graph.get(name, Counter())
        status = "added" if name not in old else "removed" if name not in new else "changed"
        if status == "changed" and not any(counts.values()):
            continue
        graphs.append(
            GraphChanges(
                name, status, counts["added"], counts["removed"], counts["changed"], sizes[name][0], sizes[name][1]
            )
        )
    order = {"changed": 0, "removed": 1, "added": 2}
    entities = [
        EntityChanges(e, sorted(cs, key=lambda c: (order[c.kind], c.graph, c.path, c.old or "", c.new or "")))
        for e, cs in sorted(by_entity.items())
    ]
    return DatasetDiff(old_name, new_name, None, None, graphs, entities)


def diff(old: str | Path, new: str | Path, prefixes: Prefixes | None = None) -> DatasetDiff:
    """Compare two versions given as paths (see :func:`read_side`)."""
    a, b = read_side(old, prefixes), read_side(new, prefixes)
    result = diff_datasets(a.graphs, b.graphs, a.name, b.name)
    result.old_version, result.new_version = a.version, b.version
    return result


# --- presenting it -------------------------------------------------------------------------------------
class Shortener:
    """IRIs as CURIEs of the registry where possible; N-Triples values with CURIE IRIs and datatypes."""

    def __init__(self, prefixes: Prefixes | None) -> None:
        self.prefixes = prefixes

    def iri(self, iri: str) -> str:
        if not iri:
            return "(default graph)"
        if iri.startswith("_:"):
            return iri[:10]
        curie = self.prefixes.curie(iri) if self.prefixes else None
        return curie or f"<{iri}>"

    def path(self, path: tuple[str, ...]) -> str:
        return "/".join(self.iri(p) for p in path)

    def value(self, value: str | None) -> str:
        if value is None:
            return ""
        if value.startswith("<") and value.endswith(">"):
            return self.iri(value[1:-1])
        if "^^<" in value and value.endswith(">"):
            lexical, _, dt = value.rpartition("^^<")
            return f"{lexical}^^{self.iri(dt[:-1])}"
        return value


def render_text(d: DatasetDiff, prefixes: Prefixes | None = None, *, summary: bool = False) -> str:
    """The diff as plain text: totals, named graphs, then every entity with its changes."""
    sh = Shortener(prefixes)
    totals = d.totals()
    lines = [
        f"evkg diff {d.old}{f' ({d.old_version})' if d.old_version else ''} -> "
        f"{d.new}{f' ({d.new_version})' if d.new_version else ''}",
        f"{totals['added']} added, {totals['removed']} removed, {totals['changed']} changed "
        f"{'statement' if totals['added'] + totals['removed'] + totals['changed'] == 1 else 'statements'} "
        f"in {count(len(d.graphs), 'named graph')}, {count(len(d.entities), 'entity', 'entities')}",
    ]
    if d.empty:
        lines.append("no changes")
        return "\n".join(lines) + "\n"
    lines += ["", "named graphs:"]
    for g in d.graphs:
        lines.append(
            f"  {g.status:<8} {sh.iri(g.graph)}  +{g.added} -{g.removed} ~{g.changed}  "
            f"({g.old_triples} -> {g.new_triples} triples)"
        )
    lines += ["", "entities:"]
    for e in d.entities:
        lines.append(f"  {sh.iri(e.entity)}  +{e.count('added')} -{e.count('removed')} ~{e.count('changed')}")
        if summary:
            continue
        for c in e.changes:
            path = sh.path(c.path)
            where = f"[{sh.iri(c.graph)}]"
            if c.kind == "changed":
                lines.append(f"    ~ {path} {sh.value(c.old)} -> {sh.value(c.new)}  {where}")
            elif c.kind == "added":
                lines.append(f"    + {path} {sh.value(c.new)}  {where}")
            else:
                lines.append(f"    - {path} {sh.value(c.old)}  {where}")
    return "\n".join(lines) + "\n"


def render_markdown(d: DatasetDiff, prefixes: Prefixes | None = None, *, max_lines: int = 12) -> str:
    """The diff as Markdown for ``CHANGELOG.md``: totals, a table of named graphs, entities."""
    sh = Shortener(prefixes)
    totals = d.totals()
    out = [
        f"Compared with {d.old_version or d.old}: {count(totals['added'], 'statement')} added, "
        f"{totals['removed']} removed, {totals['changed']} changed, in {count(len(d.graphs), 'named graph')} "
        f"and {count(len(d.entities), 'entity', 'entities')}.",
        "",
    ]
    if d.empty:
        return "No changes to the data.\n"
    out += ["| named graph | status | added | removed | changed | triples |", "|---|---|---:|---:|---:|---:|"]
    for g in d.graphs:
        out.append(
            f"| `{sh.iri(g.graph)}` | {g.status} | {g.added} | {g.removed} | {g.changed} | "
            f"{g.old_triples} → {g.new_triples} |"
        )
    out += ["", "Changes per entity:", ""]
    for e in d.entities:
        out.append(f"- `{sh.iri(e.entity)}`: +{e.count('added')} −{e.count('removed')} ~{e.count('changed')}")
        for c in e.changes[:max_lines]:
            path = sh.path(c.path)
            if c.kind == "changed":
                text = f"changed `{path}`: `{sh.value(c.old)}` → `{sh.value(c.new)}`"
            elif c.kind == "added":
                text = f"added `{path}` `{sh.value(c.new)}`"
            else:
                text = f"removed `{path}` `{sh.value(c.old)}`"
            out.append("  - " + text.replace("|", "\\|"))
        if len(e.changes) > max_lines:
            out.append(f"  - … and {len(e.changes) - max_lines} more")
    return "\n".join(out) + "\n"


def render_json(d: DatasetDiff) -> str:
    """The diff as JSON (sorted keys, UTF-8 text kept, ending in a newline): ``evkg diff --format json``."""
    return json.dumps(d.to_json(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


__all__ = [
    "DatasetDiff",
    "Shortener",
    "diff",
    "diff_datasets",
    "graphs_from_triples",
    "graphs_of",
    "read_side",
    "render_json",
    "render_markdown",
    "render_text",
]
