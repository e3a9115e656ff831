"""The SHACL check: one entry point, the engines behind one small protocol, the fallback between them.

An engine (:class:`ShaclEngine`) validates the context's store against its shapes and returns a
SHACL validation report graph (:class:`ShaclRun`); :func:`check_shacl` picks the engine of the
options, falls back to the reference for shapes the compiled engine refuses
(:class:`~evkg.quality.shacl_compiled.Unsupported`), and turns the report into findings. Two engines
are registered in :data:`ENGINES`:

``fast`` (:class:`CompiledEngine`)
    the shapes compiled to SPARQL and run on the store (:mod:`evkg.quality.shacl_compiled`);
``pyshacl`` (:class:`ReferenceEngine`)
    pySHACL, called one way (:mod:`evkg.quality.shacl_reference`).

With ``options.shacl_on_closure`` and a closure from an earlier step, the data is validated together
with the closure: the compiled engine reads it from the store's inferred graph (put there for the run
and removed before findings name a node's graphs), the reference gets its triples added.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph

from evkg.quality import owl2rl, shacl_compiled
from evkg.quality.context import Context
from evkg.quality.findings import Finding, shacl_findings
from evkg.quality.inputs import union_triples
from evkg.quality.shacl_reference import run_prepared, shacl_data

log = logging.getLogger(__name__)


@dataclass
class ShaclRun:
    """What an engine returns: the ``sh:ValidationReport`` graph and how many triples it checked (if known)."""

    report: Graph
    triples: int | None = None


class ShaclEngine(Protocol):
    """A SHACL engine: validate the context's store (or only ``focus`` IRIs) against ``ctx.shapes``."""

    name: str

    def validate(self, ctx: Context, focus: Sequence[str] | None = None) -> ShaclRun: ...


class CompiledEngine:
    """The shapes compiled to SPARQL on the store; raises ``Unsupported`` for what it does not compile."""

    name = "fast"

    def validate(self, ctx: Context, focus: Sequence[str] | None = None) -> ShaclRun:
        program = shacl_compiled.compile_shapes(ctx.shapes, ctx.schema)
        closure = ctx.closure if ctx.options.shacl_on_closure else None
        store = ctx.kg.store
        inferred = None
        if closure is not None:
            inferred = ox.NamedNode(owl2rl.materialize(store, closure, ctx.kg.prefixes))
        try:
            _, report = shacl_compiled.run(program, store, focus)
        finally:  # findings name the source graphs of a node: the closure is none of them
            if inferred is not None:
                store.remove_graph(inferred)
        return ShaclRun(report)


class ReferenceEngine:
    """pySHACL on an rdflib copy of the store's union (the closure's triples added), RDFS inference as asked."""

    name = "pyshacl"

    def validate(self, ctx: Context, focus: Sequence[str] | None = None) -> ShaclRun:
        if focus is not None:
            raise NotImplementedError("pySHACL validates a neighbourhood graph: see evkg.quality.incremental")
        closure = ctx.closure if ctx.options.shacl_on_closure else None
        extra = closure.triples if closure is not None else ()
        work = shacl_data(itertools.chain(union_triples(ctx.kg.store), extra), ctx.ontology, ctx.kg.prefixes)
        _, report = run_prepared(work, ctx.shapes)
        return ShaclRun(report, work.data_triples)


#: The SHACL engines by name (``Options.shacl_engine``).
ENGINES: dict[str, ShaclEngine] = {"fast": CompiledEngine(), "pyshacl": ReferenceEngine()}


def run_engine(ctx: Context) -> ShaclRun:
    """The report of the chosen engine; pySHACL when the compiled engine refuses the shapes."""
    engine = ENGINES[ctx.options.shacl_engine]
    try:
        return engine.validate(ctx)
    except shacl_compiled.Unsupported as exc:
        log.warning("fast SHACL engine: %s; validating with pySHACL", exc)
        return ENGINES["pyshacl"].validate(ctx)


def check_shacl(ctx: Context) -> list[Finding]:
    """The SHACL check: validate the graph against the data folder's shapes; findings in the report's language.

    Sets ``ctx.shacl_report`` (the report graph) and ``ctx.triples`` (when the engine counted them).
    """
    run = run_engine(ctx)
    ctx.shacl_report = run.report
    if run.triples is not None:
        ctx.triples = run.triples
    return shacl_findings(run.report, ctx.shapes, ctx.describer)


__all__ = ["ENGINES", "CompiledEngine", "ReferenceEngine", "ShaclEngine", "ShaclRun", "check_shacl", "run_engine"]
