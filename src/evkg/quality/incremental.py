"""Incremental SHACL re-validation: after a curator edits a few source files, check only what changed.

A full validation (:func:`validate_store`, the fast engine :mod:`evkg.quality.shacl_compiled` by default) of a
persisted store saves its findings next to the store (``<store_dir>/validation.json``), keyed by the
store's manifest (the SHA-256 of every source file). :func:`revalidate` then handles an edit of one or
more source files without rebuilding or re-validating everything:

1. **diff**: the edited file is parsed and compared with its named graph in the store, which is then
   replaced; the *touched* nodes are the subjects and non-literal objects of every removed or added
   triple (a re-parsed blank node has a new label, so its owner IRI is touched too);
2. **focus nodes** whose results can change: the touched nodes; the nodes pointing at a *changed*
   one (the subject of a changed triple, a blank node, or an object typed anew by a property's
   ``rdfs:range``): a ``sh:class`` constraint on the referrer, a SPARQL constraint reading one hop
   further such as duplicate author positions; and, through blank nodes, one hop further up
   (``sh:node`` on an evidence target and its selector). This bound holds for evkg's shapes, whose paths are single
   properties and whose deepest reach is two hops through blank nodes;
3. **validate** the focus IRIs and the blank nodes within two hops of them with the compiled shapes, on
   the whole (updated) store, so every constraint sees the whole graph (with pySHACL, should the shapes
   use a feature the fast engine does not compile, on the focus nodes' neighbourhood instead);
4. **merge**: the cached findings of the validated nodes (and of removed blank nodes) are replaced by
   the new ones; all others are kept. The manifest and the cache are updated.

``tests/test_shaclfast.py`` checks that the merged findings equal those of a full validation of the
edited data. QC queries (``queries/qc``) are global and are not part of this report.
"""

from __future__ import annotations

import io
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from evkg.atomic import write_bytes
from evkg.data import layout
from evkg.data.prefixes import Prefixes, registry
from evkg.errors import EvkgError, UsageError
from evkg.quality import shacl_compiled
from evkg.quality.context import Context, Options
from evkg.quality.findings import Describer, Finding, Report, shacl_findings
from evkg.quality.shacl import CompiledEngine, check_shacl
from evkg.quality.shacl_reference import run_shacl
from evkg.query.engine import OxigraphEngine, count_union, solutions
from evkg.query.knowledge_graph import KnowledgeGraph, load
from evkg.rdf.literals import FILE as LITERALS_FILE
from evkg.rdf.literals import WrittenLiterals
from evkg.rdf.parse import Manifest, holds_union, load_file, sha256, source_files, update_union
from evkg.rdf.store import MANIFEST, OXIGRAPH_DIR, open_oxigraph, read_literals
from evkg.rdf.terms import to_rdflib

log = logging.getLogger(__name__)

CACHE = "validation.json"
Node = ox.NamedNode | ox.BlankNode


def _cache_path(store_dir: Path) -> Path:
    return Path(store_dir) / CACHE


def _write_json(path: Path, doc: Any) -> None:
    write_bytes(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))


def save_cache(store_dir: Path, manifest_files: dict[str, Any], findings: Sequence[Finding], lang: str) -> None:
    """Remember the findings of a validation run beside the store, with the manifest they hold for."""
    _write_json(
        _cache_path(store_dir),
        {"manifest": manifest_files, "lang": lang, "findings": [asdict(f) for f in findings]},
    )


def load_cache(store_dir: Path) -> dict[str, Any] | None:
    """The findings remembered beside the store (see :func:`save_cache`); None if missing or unreadable."""
    try:
        doc = json.loads(_cache_path(store_dir).read_text(encoding="utf-8"))
        doc["findings"] = [Finding(**{**f, "graphs": tuple(f["graphs"])}) for f in doc["findings"]]
        return doc
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- the full validation of a store, cached ---------------------------------------------------------------
def validate_store(kg: KnowledgeGraph, *, lang: str = "en", engine: str = "fast") -> Report:
    """Full SHACL validation of a loaded :class:`evkg.KnowledgeGraph`; cached if it is persisted.

    The SHACL check of the pipeline (:func:`evkg.quality.shacl.check_shacl`) with ``engine``: ``fast``
    (:mod:`evkg.quality.shacl_compiled`, SPARQL on the store; falls back to pySHACL when the shapes use a
    feature it does not compile) or ``pyshacl`` (the reference).
    """
    started = time.perf_counter()
    ctx = Context(kg, Options(lang=lang, shacl_engine=engine))
    findings = check_shacl(ctx)
    if kg.store_path is not None and kg.manifest is not None:
        save_cache(kg.store_path, kg.manifest.files, findings, lang)
    report = Report(findings, ctx.shacl_report or Graph(), lang=lang, triples=ctx.triples or count_union(kg.engine))
    report.seconds["total"] = time.perf_counter() - started
    return report


# --- the incremental path ------------------------------------------------------------------------------------
def _touched(
    old: Iterable[ox.Triple], new: Iterable[ox.Triple], ranged: set[ox.NamedNode]
) -> tuple[set[Node], set[Node]]:
    """(touched, changed): every node in a removed or added triple; those whose own description changed.

    A node changed when it is the subject of such a triple, a blank node, or its object through a
    property with an ``rdfs:range`` (its inferred types changed). Only changed nodes can change the
    results of the nodes pointing at them.
    """
    before, after = set(old), set(new)
    touched: set[Node] = set()
    changed: set[Node] = set()
    for t in before ^ after:
        touched.add(t.subject)  # type: ignore[arg-type]
        changed.add(t.subject)  # type: ignore[arg-type]
        if isinstance(t.object, ox.NamedNode | ox.BlankNode):
            touched.add(t.object)
            if isinstance(t.object, ox.BlankNode) or t.predicate in ranged:
                changed.add(t.object)
    return touched, changed


def _referrers(store: ox.Store, node: Node) -> set[Node]:
    return {q.subject for q in store.quads_for_pattern(None, None, node)}  # type: ignore[misc]


def focus_nodes(store: ox.Store, touched: set[Node], changed: set[Node] | None = None) -> set[Node]:
    """The touched nodes, the referrers of the changed ones and, through blank nodes, their referrers."""
    focus = set(touched)
    hop1: set[Node] = set()
    for node in touched if changed is None else changed:
        hop1 |= _referrers(store, node)
    focus |= hop1
    for node in hop1:
        if isinstance(node, ox.BlankNode):
            focus |= _referrers(store, node)
    return focus


def _range_properties(store: ox.Store) -> set[ox.NamedNode]:
    """Properties with an rdfs:range, and their sub-properties (they type the objects they point at)."""
    rows = store.query(
        "SELECT DISTINCT ?p WHERE { ?p <%s>*/<%s> ?r }" % (RDFS.subPropertyOf, RDFS.range),  # noqa: UP031
        use_default_graph_as_union=True,
    )
    return {row["p"] for row in solutions(rows)}


def neighbourhood(
    store: ox.Store, focus: set[Node], prefixes: Prefixes, literals: WrittenLiterals | None = None
) -> Graph:
    """The triples pySHACL needs to validate ``focus`` exactly as in the whole graph (see the module doc),
    literals as written (``literals``: the store's table, :mod:`evkg.rdf.literals`)."""
    table = literals if literals is not None else WrittenLiterals()

    def quads(*pattern: Any) -> Iterator[ox.Quad]:
        return table.restore(store.quads_for_pattern(*pattern))

    ranged = _range_properties(store)
    triples: set[ox.Triple] = set()
    around: set[Node] = set(focus)
    for node in focus:
        for q in quads(node, None, None):
            triples.add(q.triple)
            if isinstance(q.object, ox.NamedNode | ox.BlankNode):
                around.add(q.object)
    second: set[Node] = set()
    for node in around - focus:
        for q in quads(node, None, None):
            triples.add(q.triple)
            if isinstance(q.object, ox.BlankNode):
                second.add(q.object)
    for node in second:
        for q in quads(node, None, None):
            triples.add(q.triple)
    for node in around | second:
        for p in ranged:
            for q in quads(None, p, node):
                triples.add(q.triple)
    graph = prefixes.graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def _open_writable(store_dir: Path) -> tuple[ox.Store, Manifest]:
    manifest_path, ox_path = store_dir / MANIFEST, store_dir / OXIGRAPH_DIR
    if not manifest_path.is_file() or not ox_path.is_dir():
        raise UsageError(
            f"{layout.display_path(store_dir)}: not an evkg store (build it with evkg.load(store_dir=...))"
        )
    try:
        manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        raise EvkgError(f"{layout.display_path(store_dir)}: cannot open the store ({exc})") from None
    return open_oxigraph(store_dir, writable=True), manifest


def revalidate(
    data_dir: str | os.PathLike[str],
    store_dir: str | os.PathLike[str],
    changed: Sequence[str | os.PathLike[str]],
    *,
    lang: str = "en",
) -> Report:
    """Re-validate after ``changed`` source files of ``data_dir`` were edited (see the module doc).

    The store in ``store_dir`` (built by ``evkg.load(data_dir, store_dir)``) is updated in place: the
    changed files' named graphs and manifest entries, and the cached report. Without a cached full
    report for the store's current manifest, a full validation is run (and cached) instead.

    ``Report.seconds["mode"]`` says which was done: ``"incremental"`` or ``"full"``.
    """
    data = layout.resolve(data_dir)
    root = Path(store_dir)
    prefixes = registry(data.root)
    started = time.perf_counter()
    store, manifest = _open_writable(root)
    cache = load_cache(root)
    paths = [Path(p).resolve() for p in changed]
    files = {f.path.resolve(): f for f in source_files(data, prefixes)}
    unknown = [p for p in paths if p not in files]
    if unknown:
        raise UsageError(f"{layout.display_path(unknown[0])}: not a source file of {layout.display_path(data.root)}")
    touched: set[Node] = set()
    changed_nodes: set[Node] = set()
    ranged = _range_properties(store)
    entries = dict(manifest.files)
    union = holds_union(store)  # the default graph is the union of the named graphs: keep it so
    literals = read_literals(root)
    for path in paths:
        source = files[path]
        scratch = ox.Store()
        table = load_file(scratch, source)  # a syntax error leaves the store as it was
        graph = ox.NamedNode(source.graph)
        literals.drop_graph(graph)
        literals.update(table)
        old = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
        new = [q.triple for q in scratch.quads_for_pattern(None, None, None, graph)]
        nodes, changed_here = _touched(old, new, ranged)
        touched |= nodes
        changed_nodes |= changed_here
        store.clear_graph(graph)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)
        store.add_graph(graph)
        if union:
            update_union(store, set(old) - set(new), set(new) - set(old))
        entries[source.relpath] = {"sha256": sha256(path), "graph": source.graph}
    if union:
        literals.refresh_union(store)
    store.flush()
    _write_literals(root, literals)
    new_manifest = Manifest(dict(sorted(entries.items())), manifest.evkg, manifest.pyoxigraph, manifest.loader)
    write_bytes(root / MANIFEST, new_manifest.to_json().encode("utf-8"))
    seconds: dict[str, Any] = {}
    if cache is None or cache.get("manifest") != manifest.files or cache.get("lang") != lang:
        del store  # release the lock: validate_store reopens it read-only
        kg = load(data.root, root)
        report = validate_store(kg, lang=lang)
        report.seconds["mode"] = "full"  # type: ignore[assignment]
        return report
    focus = focus_nodes(store, touched, changed_nodes)
    ctx = Context(KnowledgeGraph(OxigraphEngine(store, prefixes, literals), data, prefixes), Options(lang=lang))
    shapes = ctx.shapes
    try:
        iris = sorted(n.value for n in focus if isinstance(n, ox.NamedNode))
        report_graph = CompiledEngine().validate(ctx, focus=iris).report
        validated = set(iris) | {f"_:{b.value}" for b in shacl_compiled.blank_neighbours(store, iris)}
        describer = ctx.describer
        names = {describer.name(URIRef(i)) for i in iris} | {v for v in validated if v.startswith("_:")}
        seconds["engine"] = "fast"
        checked = len(validated)
    except shacl_compiled.Unsupported:
        around = neighbourhood(store, focus, prefixes, literals)
        _, report_graph = run_shacl(around, shapes, ctx.ontology)
        describer = Describer(around, prefixes, lang, store)
        names = {describer.name(to_rdflib(n)) for n in focus}
        seconds["engine"] = "pyshacl"
        checked = len(around)
    names |= {f"_:{n.value}" for n in touched if isinstance(n, ox.BlankNode)}  # removed blank nodes
    fresh = [f for f in shacl_findings(report_graph, shapes, describer) if f.focus in names]
    kept = [f for f in cache["findings"] if f.focus not in names]
    findings = kept + fresh
    save_cache(root, new_manifest.files, findings, lang)
    seconds["focus"] = len(focus)
    seconds["mode"] = "incremental"
    seconds["total"] = time.perf_counter() - started
    report = Report(findings, report_graph, lang=lang, triples=checked, seconds=seconds)
    return report


def _write_literals(root: Path, literals: WrittenLiterals) -> None:
    """Replace the store's table of rewritten literals (``literals.nq``) atomically."""
    data = io.BytesIO()
    literals.save(data)
    write_bytes(root / LITERALS_FILE, data.getvalue())


__all__ = ["load_cache", "revalidate", "save_cache", "validate_store"]
