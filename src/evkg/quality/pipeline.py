"""Validate evkg: the QC queries, SHACL (compiled engine or pySHACL) and, optionally, the OWL 2 RL closure.

:func:`validate` loads the data folder (curator files added, :mod:`evkg.quality.inputs`), runs the
QC queries (``queries/qc/*-violation.rq``, :mod:`evkg.quality.qc`) on the asserted data, adds the
OWL RL closure if asked (:mod:`evkg.quality.owl2rl`), validates with the compiled SHACL engine
(:mod:`evkg.quality.shacl_compiled`) or pySHACL (:mod:`evkg.quality.shacl_reference`), and returns a
:class:`~evkg.quality.findings.Report`: one :class:`~evkg.quality.findings.Finding` per problem.
:func:`~evkg.quality.rendering.format_text`, :func:`~evkg.quality.rendering.format_json` and
:func:`~evkg.quality.rendering.format_turtle` render it, grouped by entity.

>>> report = validate()
>>> report.conforms
True
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from evkg.errors import SourceSyntaxError, UsageError
from evkg.quality.findings import LANGUAGES, Describer, Finding, Report, StoreView, shacl_findings
from evkg.quality.inputs import add_files, ontology_graph, shapes_graph, union_triples
from evkg.quality.rendering import format_json, format_text, format_turtle
from evkg.quality.shacl_reference import run_prepared, shacl_data

log = logging.getLogger(__name__)

#: SHACL engines of :func:`validate`: the shapes compiled to SPARQL (default) and pySHACL (the reference).
ENGINES = ("fast", "pyshacl")


# --- the whole run -------------------------------------------------------------------------------------------
def validate(
    data_dir: str | os.PathLike[str] | None = None,
    files: Sequence[str | os.PathLike[str]] = (),
    *,
    lang: str = "en",
    reason: str | None = None,
    qc: bool = True,
    engine: str = "fast",
) -> Report:
    """Validate the data folder (default: the bundled graph), with ``files`` added as curator graphs.

    Args:
        data_dir: the data folder (``--data``); default the bundled data.
        files: curator Turtle files validated together with the graph (see :func:`evkg.quality.inputs.curator_graph_iri`).
        lang: language of messages and labels, ``en`` or ``ja``.
        reason: validate against the OWL 2 RL closure computed by this engine (``owlrl`` or ``fast``).
        qc: also run the QC queries (``queries/qc/*-violation.rq``).
        engine: ``fast`` (:mod:`evkg.quality.shacl_compiled`: the shapes compiled to SPARQL and run on the store,
            RDFS inference asked inline; the same results as pySHACL, tested) or ``pyshacl`` (the
            reference). ``fast`` falls back to pySHACL for shapes it does not compile.

    Raises:
        UsageError: unknown language or engine, missing file. SourceSyntaxError: a file does not parse.
    """
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if engine not in ENGINES:
        raise UsageError(f"unknown SHACL engine {engine!r}: choose one of {', '.join(ENGINES)}")
    import evkg
    from evkg.quality import shacl_compiled

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    kg = evkg.load(data_dir)  # a store of its own, in memory: the closure may be added to it below
    add_files(kg.store, kg.data, kg.prefixes, [Path(f) for f in files])
    shapes = shapes_graph(kg.data)
    ontology = ontology_graph(kg.data)
    seconds["load"] = time.perf_counter() - started

    program = None
    if engine == "fast":
        try:
            program = shacl_compiled.compile_shapes(shapes, shacl_compiled.Schema.of(kg.store))
        except shacl_compiled.Unsupported as exc:
            log.warning("fast SHACL engine: %s; validating with pySHACL", exc)

    findings: list[Finding] = []
    qc_rows: list[Any] = []
    if qc:  # on the asserted data, before any closure joins the store
        from evkg.quality import qc as qc_module

        step = time.perf_counter()
        qc_rows = qc_module.run(kg)
        seconds["qc"] = time.perf_counter() - step

    extra: list[tuple[Node, Node, Node]] = []
    closure = None
    if reason:
        from evkg.quality import owl2rl as reasoning

        step = time.perf_counter()
        closure = reasoning.closure(kg.store, kg.prefixes, engine=reason)
        if closure.inconsistencies:
            log.warning("the OWL RL closure reports %d inconsistencies", len(closure.inconsistencies))
        if program is not None:
            reasoning.materialize(kg.store, closure, kg.prefixes)
        else:
            extra = list(closure.triples)
        seconds["reason"] = time.perf_counter() - step

    step = time.perf_counter()
    if program is not None:
        _, report_graph = shacl_compiled.run(program, kg.store)
        if closure is not None:  # findings name the source graphs of a node: the closure is none of them
            kg.store.remove_graph(ox.NamedNode(reasoning.inferred_graph_iri(kg.prefixes)))
        view = StoreView(kg.store, program.schema.subprops)
        describer = Describer(view, kg.prefixes, lang, kg.store)  # type: ignore[arg-type]
        from evkg.store import count_union

        triples = count_union(kg.engine)
    else:
        work = shacl_data(itertools.chain(union_triples(kg.store), extra), ontology, kg.prefixes)
        _, report_graph = run_prepared(work, shapes)
        describer = Describer(work, kg.prefixes, lang, kg.store)  # labels and owners: the data's, RDFS adds none
        triples = work.data_triples
    seconds["shacl"] = time.perf_counter() - step

    findings += shacl_findings(report_graph, shapes, describer)
    if closure is not None and closure.inconsistencies:
        findings += reasoning.inconsistency_findings(closure, describer)  # type: ignore[possibly-undefined]
    if qc:
        findings += qc_module.as_findings(qc_rows, describer)  # type: ignore[possibly-undefined]
    seconds["total"] = time.perf_counter() - started
    return Report(findings, report_graph, lang=lang, triples=triples, seconds=seconds)


__all__ = [
    "ENGINES",
    "Finding",
    "Report",
    "SourceSyntaxError",
    "format_json",
    "format_text",
    "format_turtle",
    "validate",
]
