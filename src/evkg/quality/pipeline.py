"""The quality pipeline: the checks of :mod:`evkg.quality` composed into one run, and its public API.

A check is a function ``(ctx: Context) -> list[Finding]`` (:data:`evkg.quality.context.Check`); a
:class:`Step` names one, and a :class:`Pipeline` runs its steps one after another (each sees what the
earlier ones left in the context: SHACL validates the OWL 2 RL closure of the step before it) or side by
side (independent checks on a store that nobody changes: pyoxigraph evaluates queries without holding
the GIL, so on two cores they overlap), and gathers their findings into one
:class:`~evkg.quality.findings.Report`. The steps:

- :data:`QC`: the QC queries ``queries/qc/*-violation.rq`` on the asserted data (:mod:`evkg.quality.qc`);
- :data:`TRUTH`: every source graph against the archived text of its source (:mod:`evkg.quality.truth`);
- :data:`TERMINOLOGY`: the curators' text against the usage recommendations of the field's guidelines: a term
  marked for caution or discouraged, used without the qualification asked for, is a warning
  (:mod:`evkg.quality.terminology`);
- :data:`OWL_RL`: the OWL 2 RL closure, its inconsistencies as violations (:mod:`evkg.quality.reasoning`);
- :data:`SHACL`: the shapes, compiled engine or pySHACL (:mod:`evkg.quality.shacl`).

The entry points the commands use:

- :func:`validate` (``evkg validate``): a data folder, curator files added; QC, then the closure if
  asked, then SHACL on the data (and closure);
- :func:`check` (``evkg check``): a loaded store; OWL 2 RL, SHACL and QC side by side, the SHACL
  findings cached beside a persisted store;
- :func:`reason` (``evkg reason``): the closure of a data folder;
- :func:`revalidate`: re-validation after an edit of a few source files (:mod:`evkg.quality.incremental`).

The report renders as text, JSON or a SHACL report in Turtle (:func:`format_text`, :func:`format_json`,
:func:`format_turtle`).

>>> report = validate()
>>> report.conforms
True
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from evkg.data.layout import resolve
from evkg.data.prefixes import registry
from evkg.errors import SourceSyntaxError, UsageError
from evkg.quality.context import REASONERS, SHACL_ENGINES, Check, Context, Options
from evkg.quality.findings import Finding, Report
from evkg.quality.incremental import revalidate, save_cache
from evkg.quality.inputs import add_files, load_data_files, shapes_files_graph
from evkg.quality.owl2rl import Closure, data_closure
from evkg.quality.owl2rl import format_for as closure_format
from evkg.quality.owl2rl import serialize as serialize_closure
from evkg.quality.qc import check_qc
from evkg.quality.reasoning import check_owl_rl
from evkg.quality.rendering import format_json, format_text, format_turtle
from evkg.quality.shacl import check_shacl
from evkg.quality.terminology import check_terminology
from evkg.quality.truth import QUOTED_PROPERTIES, SourceAudit, check_truth
from evkg.quality.truth import audit as audit_sources
from evkg.query.engine import OxigraphEngine, count_union
from evkg.query.knowledge_graph import KnowledgeGraph, load
from evkg.query.parallel import map_in_threads

if TYPE_CHECKING:
    from evkg.query.knowledge_graph import KnowledgeGraph

#: SHACL engines of :func:`validate`: the shapes compiled to SPARQL (default) and pySHACL (the reference).
ENGINES = SHACL_ENGINES


@dataclass(frozen=True)
class Step:
    """A check in a pipeline, under the name its time and findings are recorded by."""

    name: str
    check: Check


QC = Step("qc", check_qc)
TRUTH = Step("truth", check_truth)
TERMINOLOGY = Step("terminology", check_terminology)
OWL_RL = Step("reason", check_owl_rl)
SHACL = Step("shacl", check_shacl)


class Pipeline:
    """Checks composed: one after another (in order), or side by side (independent checks)."""

    def __init__(self, steps: Sequence[Step], *, side_by_side: bool = False) -> None:
        self.steps = list(steps)
        self.side_by_side = side_by_side

    def run(self, ctx: Context) -> tuple[Report, dict[str, list[Finding]]]:
        """Run every step on ``ctx``; the report (findings in step order) and the findings of each step."""
        if self.side_by_side and ctx.options.shacl_on_closure:
            raise ValueError("SHACL on the closure needs the closure first: run the steps one after another")
        ctx.prepare()  # the describer reads the store as asserted, before any step changes it
        started = time.perf_counter()
        workers = len(self.steps) if self.side_by_side else 1
        results = map_in_threads(lambda step: _timed(step, ctx), self.steps, workers, "evkg-quality")
        per_step = {step.name: found for step, found in zip(self.steps, results, strict=True)}
        ctx.seconds["total"] = ctx.seconds.get("total", 0.0) + time.perf_counter() - started
        findings = [f for found in results for f in found]
        report = Report(
            findings, ctx.shacl_report or Graph(), lang=ctx.options.lang, triples=ctx.triples, seconds=ctx.seconds
        )
        return report, per_step


def _timed(step: Step, ctx: Context) -> list[Finding]:
    started = time.perf_counter()
    found = step.check(ctx)
    ctx.seconds[step.name] = time.perf_counter() - started
    return found


# --- the entry points of the commands --------------------------------------------------------------------------
def validate(
    data_dir: str | os.PathLike[str] | None = None,
    files: Sequence[str | os.PathLike[str]] = (),
    *,
    shapes: Sequence[str | os.PathLike[str]] | None = None,
    inference: str | None = None,
    lang: str = "en",
    reasoner: str | None = None,
    qc: bool = True,
    engine: str = "fast",
    store_dir: str | os.PathLike[str] | None = None,
) -> Report:
    """Validate the data folder (default: the bundled graph), with ``files`` added as curator graphs; or,
    with ``shapes`` and no ``data_dir``, any RDF files against any shapes files.

    Args:
        data_dir: the data folder (``--data``); default the bundled data (none at all when ``shapes``
            are given without it).
        files: curator Turtle files validated together with the graph (see
            :func:`evkg.quality.inputs.curator_graph_iri`); with ``shapes`` and no ``data_dir``, the data.
        shapes: SHACL shapes files validated against instead of the data folder's ``ontology/shapes/``.
        inference: ``rdfs`` or ``none`` (default: ``rdfs`` for the data folder's shapes, ``none``, SHACL's
            own semantics, for ``shapes`` files).
        lang: language of messages and labels, ``en`` or ``ja``.
        reasoner: validate against the OWL 2 RL closure computed by this engine (``owlrl`` or ``fast``);
            its inconsistencies are violations.
        qc: also run the QC queries of the data folder (``queries/qc/*-violation.rq``) and the truth checks
            (every source graph against its archived source, :mod:`evkg.quality.truth`) and the terminology
            check (:mod:`evkg.quality.terminology`), on the data as asserted (never on files validated without
            a data folder).
        engine: ``fast`` (the compiled engine, :mod:`evkg.quality.shacl`; shapes it does not compile go to
            pySHACL one by one) or ``pyshacl`` (the reference).
        store_dir: the persisted store (``--store``), reopened without parsing while the sources are
            unchanged; the checks run on an in-memory copy of it.

    Raises:
        UsageError: unknown language or engine, missing file. SourceSyntaxError: a file does not parse.
        ShapesError: a malformed shape, or SPARQL in a shape that reaches the network.
    """
    inference = inference or ("none" if shapes is not None else "rdfs")
    options = Options(
        lang=lang,
        shacl_engine=engine,
        reasoner=reasoner or "fast",
        shacl_on_closure=bool(reasoner),
        inference=inference,
    )

    started = time.perf_counter()
    loaded = None
    if shapes is not None and data_dir is None:  # any files: no data folder, no QC queries
        if not files:
            raise UsageError("no data files to validate: give the RDF files before --shapes")
        bundled = resolve(None)
        loaded = load_data_files([Path(f) for f in files])
        prefixes = registry(bundled.root)
        kg = KnowledgeGraph(OxigraphEngine(loaded.store, prefixes), bundled, prefixes)
        qc = False
    else:
        # a store of its own, in memory: curator files and the closure may be added to it for SHACL
        kg = load(data_dir, store_dir).in_memory()
        add_files(kg.store, kg.data, kg.prefixes, [Path(f) for f in files], kg.literals)
    ctx = Context(kg, options)
    ctx.archive_folders = tuple(Path(f).resolve().parent / "_sources" for f in files)
    if loaded is not None:
        ctx.source_triples, ctx.rewritten, ctx.ontology = loaded.triples, loaded.rewritten, Graph()
    if shapes is not None:
        ctx.shapes = shapes_files_graph([Path(p) for p in shapes])
    ctx.shapes, ctx.ontology  # noqa: B018 (read now: a broken shapes file fails before any check runs)
    ctx.seconds["load"] = time.perf_counter() - started
    steps = [*([QC, TRUTH, TERMINOLOGY] if qc else []), *([OWL_RL] if reasoner else []), SHACL]
    report, _ = Pipeline(steps).run(ctx)
    if not ctx.triples:  # the compiled engine does not count: the distinct triples of the union
        report.triples = count_union(kg.engine)
    report.seconds["total"] = time.perf_counter() - started
    return report


@dataclass
class CheckResult:
    """The findings of SHACL, QC and OWL RL (one report), the closure, and what each step took."""

    report: Report
    closure: Closure
    seconds: dict[str, float]


def check(kg: KnowledgeGraph, *, lang: str = "en") -> CheckResult:
    """Reason, validate with SHACL and run the QC queries on ``kg``'s store, side by side.

    The three are independent: SHACL asks RDFS inference of the asserted data (as pySHACL with
    ``inference="rdfs"`` does), the QC queries check what the sources state, and the closure is only
    reported (its inconsistencies become violations). The store is not changed (the closure is
    returned, not materialised); with a persisted store the SHACL findings are cached next to it, for
    :func:`revalidate`.
    """
    ctx = Context(kg, Options(lang=lang))
    report, per_step = Pipeline([OWL_RL, SHACL, QC, TRUTH, TERMINOLOGY], side_by_side=True).run(ctx)
    if not ctx.triples:  # distinct triples of the union, as evkg validate and evkg stats count them
        report.triples = count_union(kg.engine)
    if kg.store_path is not None and kg.manifest is not None:
        save_cache(kg.store_path, kg.manifest.files, per_step["shacl"], lang)
    assert ctx.closure is not None
    return CheckResult(report, ctx.closure, report.seconds)


def reason(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    engine: str = "fast",
    store_dir: str | os.PathLike[str] | None = None,
    axiomatic: bool = False,
) -> Closure:
    """Load a data folder (or reopen its persisted store) and compute its OWL 2 RL closure (filtered,
    new triples only) with ``engine``; ``axiomatic=True`` keeps the axiomatic triples too."""
    Options(reasoner=engine)  # an unknown engine is a usage error
    return data_closure(data_dir, engine, store_dir, axiomatic=axiomatic)


__all__ = [
    "ENGINES",
    "OWL_RL",
    "QUOTED_PROPERTIES",
    "QC",
    "REASONERS",
    "SHACL",
    "TERMINOLOGY",
    "TRUTH",
    "SourceAudit",
    "audit_sources",
    "CheckResult",
    "Closure",
    "Context",
    "Finding",
    "Options",
    "Pipeline",
    "Report",
    "SourceSyntaxError",
    "Step",
    "check",
    "closure_format",
    "format_json",
    "format_text",
    "format_turtle",
    "reason",
    "revalidate",
    "serialize_closure",
    "validate",
]
