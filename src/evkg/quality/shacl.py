"""The SHACL check: one entry point, the engines behind one small protocol, the fallback between them.

:func:`run_engine` is the one way evkg validates with SHACL:

1. the shapes graph is checked before anything runs (:func:`evkg.quality.shacl_shapes.check_shapes`): a
   malformed shape, or SPARQL that would reach the network or that SHACL says to refuse, ends the run
   with one line (:class:`~evkg.errors.ShapesError`, exit status 2), whichever engine was asked for;
2. the chosen engine validates. The compiled engine (``fast``) compiles each targeted shape on its own;
   a shape it does not compile (:class:`~evkg.quality.shacl_compiled.Unsupported`), or one that reads
   literals as written when the store rewrote literals of the data, goes to the reference engine
   (pySHACL) **alone**: pySHACL gets a copy of the shapes graph in which only those shapes keep their
   targets, so the two engines never validate the same shape twice and never leave one out;
3. the reports are merged into one standard ``sh:ValidationReport``: ``sh:conforms`` is SHACL's (false as
   soon as there is any result, whatever its severity), and every blank node it names (a focus node, a
   value, a source shape, a path) is described in it, as pySHACL's reports do, so the report stands on
   its own.

Engines (:data:`ENGINES`): ``fast`` (:class:`CompiledEngine`, :mod:`evkg.quality.shacl_compiled`) and
``pyshacl`` (:class:`ReferenceEngine`, :mod:`evkg.quality.shacl_reference`). Inference
(``Options.inference``): ``none`` is SHACL's own (class membership through ``rdfs:subClassOf*``), ``rdfs``
adds RDFS entailment of the data and the ontology, as pySHACL's ``inference="rdfs"`` does.

With ``options.shacl_on_closure`` and a closure from an earlier step, the data is validated together
with the closure: the compiled engine reads it from the store's inferred graph (put there for the run
and removed before findings name a node's graphs), the reference gets its triples added.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from evkg.quality import owl2rl, shacl_compiled
from evkg.quality.context import Context
from evkg.quality.findings import Finding, shacl_findings
from evkg.quality.inputs import union_triples
from evkg.quality.shacl_reference import run_prepared, shacl_data
from evkg.quality.shacl_shapes import check_shapes
from evkg.rdf.parse import holds_union, update_union
from evkg.rdf.terms import to_oxigraph, to_rdflib

log = logging.getLogger(__name__)


@dataclass
class ShaclRun:
    """What an engine returns: the ``sh:ValidationReport`` graph, how many triples it checked (if known),
    and the targeted shapes it left to the fallback, with why."""

    report: Graph
    triples: int | None = None
    fallback: dict[Node, str] = field(default_factory=dict)


class ShaclEngine(Protocol):
    """A SHACL engine: validate the context's store (or only ``focus`` IRIs) against ``ctx.shapes``."""

    name: str

    def validate(self, ctx: Context, focus: Sequence[str] | None = None) -> ShaclRun: ...


def rewritten_predicates(ctx: Context) -> frozenset[str] | None:
    """The predicates of literals the store rewrote (``"5"^^xsd:int`` read back as ``xsd:integer``):
    empty when none were, None when some were but the loader does not say where."""
    if ctx.rewritten is not None:
        return frozenset(ctx.rewritten)
    written = getattr(ctx.kg.engine, "literals", None)
    if written is None:
        written = getattr(ctx.kg, "literals", None)
    if not written:
        return frozenset()
    if hasattr(written, "predicates"):
        return frozenset(str(getattr(p, "value", p)) for p in written.predicates())
    return None


def rewritten_literals(ctx: Context) -> bool:
    """Whether the store holds literals it rewrote."""
    found = rewritten_predicates(ctx)
    return found is None or bool(found)


class CompiledEngine:
    """The shapes compiled to SPARQL on the store; the shapes it does not compile are returned as
    :attr:`ShaclRun.fallback` (with ``focus``, an :class:`~evkg.quality.shacl_compiled.Unsupported` instead)."""

    name = "fast"

    def validate(self, ctx: Context, focus: Sequence[str] | None = None) -> ShaclRun:
        program = shacl_compiled.compile_shapes(ctx.shapes, ctx.schema)
        rewritten = rewritten_predicates(ctx)
        if rewritten is None or rewritten:
            for shape in program.sensitive:
                reads = program.reads.get(shape)
                if rewritten is None or reads is None or reads & rewritten:
                    why = "it reads literals as written, and the store rewrote literals it reads"
                    program.fallback.setdefault(shape, why)
        if focus is not None and program.fallback:
            shape, why = next(iter(program.fallback.items()))
            raise shacl_compiled.Unsupported(f"{shape}: {why}")
        closure = ctx.closure if ctx.options.shacl_on_closure else None
        store = ctx.kg.store
        inferred = None
        union = holds_union(store)  # the default graph holds the union: the closure joins it for the run
        if closure is not None:
            inferred = ox.NamedNode(owl2rl.materialize(store, closure, ctx.kg.prefixes))
            if union:
                update_union(store, (), closure.oxigraph_triples())
        try:
            _, report = shacl_compiled.run(program, store, focus)
        finally:  # findings name the source graphs of a node: the closure is none of them
            if inferred is not None:
                store.remove_graph(inferred)
                if union:
                    update_union(store, closure.oxigraph_triples(), ())  # type: ignore[union-attr]
        if focus is not None and program.fallback:
            shape, why = next(iter(program.fallback.items()))
            raise shacl_compiled.Unsupported(f"{shape}: {why}")
        return ShaclRun(report, fallback=dict(program.fallback))


class ReferenceEngine:
    """pySHACL on an rdflib copy of the data (the literals as written; the closure's triples added), RDFS
    inference as asked; ``only``: validate these targeted shapes alone."""

    name = "pyshacl"

    def validate(
        self, ctx: Context, focus: Sequence[str] | None = None, only: Iterable[Node] | None = None
    ) -> ShaclRun:
        if focus is not None:
            raise NotImplementedError("pySHACL validates a neighbourhood graph: see evkg.quality.incremental")
        closure = ctx.closure if ctx.options.shacl_on_closure else None
        extra = closure.triples if closure is not None else ()
        rdfs = ctx.options.inference == "rdfs"
        work = shacl_data(
            itertools.chain(data_triples(ctx), extra),
            ctx.ontology if rdfs else Graph(),
            ctx.kg.prefixes,
            inference=ctx.options.inference,
            mirror=not rewritten_literals(ctx),
        )
        shapes = for_pyshacl(ctx.shapes if only is None else only_these(ctx.shapes, set(only)))
        _, report = run_prepared(work, shapes)
        return ShaclRun(report, work.data_triples)


def data_triples(ctx: Context) -> Iterable[tuple[Node, Node, Node]]:
    """The data as rdflib triples, literals as written when they can be had."""
    if ctx.source_triples is not None:
        yield from ctx.source_triples()
        return
    written = getattr(ctx.kg.engine, "literals", None)
    if written and hasattr(written, "restore"):
        for q in written.restore(ctx.kg.store.quads_for_pattern(None, None, None)):
            yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        return
    yield from union_triples(ctx.kg.store)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def only_these(shapes: Graph, keep: set[Node]) -> Graph:
    """A copy of ``shapes`` in which only the targeted shapes ``keep`` keep their targets (explicit, and
    implicit: their ``rdf:type`` of a class); every shape stays defined for ``sh:node`` and the like."""
    copy = Graph(bind_namespaces="none")
    for prefix, ns in shapes.namespaces():
        copy.bind(prefix, ns, override=True, replace=True)
    classes = {RDFS.Class} | set(shapes.transitive_subjects(RDFS.subClassOf, RDFS.Class))
    dropped = set(shacl_compiled.targeted_shapes(shapes)) - keep
    for s, p, o in shapes:
        if s in dropped and (p in _TARGETS or (p == RDF.type and o in classes)):
            continue
        copy.add((s, p, o))
    return copy


def for_pyshacl(shapes: Graph) -> Graph:
    """``shapes`` with ``sh:prefixes`` also pointing at the ontologies its values ``owl:import``: SHACL reads
    prefixes along ``sh:prefixes/owl:imports*/sh:declare`` (5.2.1), pySHACL only one step."""
    extra = []
    for holder, source in shapes.subject_objects(SH.prefixes):
        todo, seen = list(shapes.objects(source, OWL.imports)), {source}
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                extra.append((holder, SH.prefixes, node))
                todo += list(shapes.objects(node, OWL.imports))
    if not extra:
        return shapes
    copy = Graph(bind_namespaces="none")
    for triple in shapes:
        copy.add(triple)
    for triple in extra:
        copy.add(triple)
    return copy


#: The SHACL engines by name (``Options.shacl_engine``).
ENGINES: dict[str, ShaclEngine] = {"fast": CompiledEngine(), "pyshacl": ReferenceEngine()}


def run_engine(ctx: Context) -> ShaclRun:
    """Check the shapes, run the chosen engine, hand what it does not compile to pySHACL shape by shape,
    and merge the reports into one standard report (see the module doc)."""
    check_shapes(ctx.shapes, _namer(ctx))
    engine = ENGINES[ctx.options.shacl_engine]
    run = engine.validate(ctx)
    if run.fallback:
        for shape, why in sorted(run.fallback.items(), key=lambda kv: str(kv[0])):
            log.info("SHACL shape %s goes to pySHACL: %s", shape, why)
        other = ENGINES["pyshacl"].validate(ctx, only=run.fallback)  # type: ignore[call-arg]
        run = ShaclRun(merge(run.report, other.report), other.triples, run.fallback)
    finish(run.report, ctx.kg.store, ctx.shapes)
    return run


def _namer(ctx: Context):  # -> Callable[[Node], str]
    prefixes = ctx.kg.prefixes

    def name(node: Node) -> str:
        if isinstance(node, URIRef):
            curie = prefixes.curie(str(node)) if prefixes is not None else None
            return curie or f"<{node}>"
        if isinstance(node, Literal):
            return node.n3()
        return "[]"

    return name


def merge(report: Graph, other: Graph) -> Graph:
    """The results of ``other`` added to ``report`` (one sh:ValidationReport)."""
    root = next(iter(report.subjects(RDF.type, SH.ValidationReport)))
    theirs = next(iter(other.subjects(RDF.type, SH.ValidationReport)), None)
    for s, p, o in other:
        if s == theirs or o == theirs:
            continue
        report.add((s, p, o))
    for result in other.objects(theirs, SH.result):
        report.add((root, SH.result, result))
    return report


def finish(report: Graph, store: ox.Store, shapes: Graph) -> None:
    """Set SHACL's ``sh:conforms`` and describe every blank node the report names (see the module doc)."""
    root = next(iter(report.subjects(RDF.type, SH.ValidationReport)))
    results = list(report.objects(root, SH.result))
    report.set((root, SH.conforms, Literal(not results)))
    done: set[Node] = set()

    def from_shapes(node: Node) -> None:
        todo = [node]
        while todo:
            n = todo.pop()
            if n in done:
                continue
            done.add(n)
            for p, o in shapes.predicate_objects(n):
                report.add((n, p, o))
                if isinstance(o, BNode):
                    todo.append(o)

    def from_store(node: BNode) -> None:
        todo: list[Node] = [node]
        while todo:
            n = todo.pop()
            if n in done:
                continue
            done.add(n)
            found = False
            for q in store.quads_for_pattern(to_oxigraph(n), None, None):  # type: ignore[arg-type]
                found = True
                o = to_rdflib(q.object)
                report.add((n, to_rdflib(q.predicate), o))
                if isinstance(o, BNode):
                    todo.append(o)
            if not found and (n, None, None) in shapes:  # a shapes-graph node (pySHACL's report)
                done.discard(n)
                from_shapes(n)

    for result in set(report.subjects(RDF.type, SH.ValidationResult)):  # sh:detail results too
        for p in (SH.sourceShape, SH.sourceConstraint):
            for o in report.objects(result, p):
                if isinstance(o, BNode):
                    from_shapes(o)
        for o in list(report.objects(result, SH.resultPath)):
            if isinstance(o, BNode):
                source = shapes if (o, None, None) in shapes else report
                report.remove((result, SH.resultPath, o))
                report.add((result, SH.resultPath, copy_path(source, o, report)))
        for p in (SH.focusNode, SH.value):
            for o in report.objects(result, p):
                if isinstance(o, BNode) and not any(True for _ in report.predicate_objects(o)):
                    from_store(o)


def copy_path(source: Graph, path: Node, into: Graph) -> Node:
    """A fresh copy of the SHACL path ``path`` in ``into``: only what makes it the path it is read as (a
    node that is both a list and an ``sh:inversePath`` is the list, as the engines read it)."""
    if not isinstance(path, BNode):
        return path
    node = BNode()
    if (path, RDF.first, None) in source:
        Collection(into, node, [copy_path(source, p, into) for p in Collection(source, path)])
        return node
    for prop in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        inner = source.value(path, prop)
        if inner is not None:
            into.add((node, prop, copy_path(source, inner, into)))
            return node
    alternative = source.value(path, SH.alternativePath)
    if alternative is not None:
        members = BNode()
        Collection(into, members, [copy_path(source, p, into) for p in Collection(source, alternative)])
        into.add((node, SH.alternativePath, members))
        return node
    return path


def check_shacl(ctx: Context) -> list[Finding]:
    """The SHACL check: validate the graph against the shapes; findings in the report's language.

    Sets ``ctx.shacl_report`` (the report graph) and ``ctx.triples`` (when the engine counted them).
    """
    run = run_engine(ctx)
    ctx.shacl_report = run.report
    if run.triples is not None:
        ctx.triples = run.triples
    return shacl_findings(run.report, ctx.shapes, ctx.describer)


__all__ = [
    "ENGINES",
    "CompiledEngine",
    "ReferenceEngine",
    "ShaclEngine",
    "ShaclRun",
    "check_shacl",
    "finish",
    "merge",
    "only_these",
    "run_engine",
]
