"""Quality-control queries: ``queries/qc/*-violation.rq``, ROBOT-report style.

Each QC query is a SELECT that returns ``?entity ?property ?value`` rows; no row means the check
passes. Its ``#+`` header (docs/decisions/0006-query-helpers-binding-and-portability.md) carries,
besides ``summary``, ``kind: violation``,
``params`` and ``returns``:

- ``description``: what is wrong and how to fix it, in English (printed for every row);
- ``description_ja``: the same in Japanese;
- ``severity``: ``violation`` (default: fails validation) or ``warning`` (reported only).

The queries run on the embedded pyoxigraph store (the default graph is the union of all named
graphs; ``GRAPH ?g`` reaches one source graph), so they stay fast on large graphs.

>>> import evkg
>>> [c.name for c in checks(evkg.load())][:1]
['dangling_iri_violation']
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from evkg.errors import EvkgError
from evkg.quality.findings import Finding
from evkg.quality.stored_literals import check_stored_literals
from evkg.query import helpers
from evkg.query.engine import OxigraphEngine
from evkg.query.parallel import map_in_threads
from evkg.query.results import Result
from evkg.rdf.labels import pick_label

if TYPE_CHECKING:
    from evkg.quality.context import Context
    from evkg.quality.findings import Describer, Finding
    from evkg.query.knowledge_graph import KnowledgeGraph

log = logging.getLogger(__name__)

#: The folder of ``queries/`` that holds the QC queries, and the suffix every one of them has.
QC_AREA = "qc"
SUFFIX = "-violation"


@dataclass(frozen=True)
class Check:
    """One QC query."""

    spec: helpers.QuerySpec
    severity: str  # "Violation" or "Warning"
    messages: dict[str, str]  # language -> description

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def file(self) -> str:
        return f"queries/{QC_AREA}/{self.spec.path.name}"

    def message(self, lang: str) -> str:
        chosen = pick_label(((0, tag, text) for tag, text in self.messages.items()), lang, ("en",), anything=False)
        return chosen[0] if chosen else self.spec.summary


@dataclass(frozen=True)
class Row:
    """One row of a QC query: the entity at fault, the property and the value (rdflib terms)."""

    check: Check
    entity: Any
    property: Any
    value: Any


def check_of(spec: helpers.QuerySpec) -> Check:
    """A parsed QC query, its header checked (kind violation, entity/property/value columns)."""
    where = f"queries/{QC_AREA}/{spec.path.name}"
    if not spec.path.stem.endswith(SUFFIX) or spec.kind != "violation":
        raise helpers.QueryHeaderError(f"{where}: a QC query is named *{SUFFIX}.rq and declares kind: violation")
    if tuple(spec.returns) != ("entity", "property", "value"):
        raise helpers.QueryHeaderError(f"{where}: a QC query returns [entity, property, value]")
    severity = str(spec.header.get("severity", "violation")).strip().lower()
    if severity not in ("violation", "warning"):
        raise helpers.QueryHeaderError(f"{where}: severity must be violation or warning, not {severity!r}")
    messages = {"en": spec.description or spec.summary}
    if spec.header.get("description_ja"):
        messages["ja"] = str(spec.header["description_ja"]).strip()
    return Check(spec, severity.capitalize(), messages)


def checks(kg: KnowledgeGraph) -> list[Check]:
    """The QC queries of the graph's data folder, sorted by file name."""
    folder = kg.data.queries_dir / QC_AREA
    if not folder.is_dir():
        return []
    return [check_of(helpers.read_query(p, kg.data.queries_dir)) for p in sorted(folder.glob(f"*{SUFFIX}.rq"))]


def _run_one(kg: KnowledgeGraph, check: Check) -> Result | EvkgError:
    started = time.perf_counter()
    try:
        result = helpers.run(kg.engine, check.spec, {})
    except EvkgError as exc:
        return EvkgError(f"{check.file}: {exc}")
    log.info("qc %s: %d rows in %.1f ms", check.name, len(result), (time.perf_counter() - started) * 1000)
    return result


def run(kg: KnowledgeGraph, only: list[Check] | None = None, workers: int | None = None) -> list[Row]:
    """Run every QC query (or ``only`` these) and return their rows, in the order of the checks.

    On the embedded store the queries run side by side in ``workers`` threads (default: one per CPU):
    pyoxigraph evaluates a query without holding the GIL. Other engines run them one at a time.
    """
    todo = only if only is not None else checks(kg)
    side_by_side = isinstance(kg.engine, OxigraphEngine)  # a remote server gets one query at a time
    results = map_in_threads(lambda check: _run_one(kg, check), todo, workers if side_by_side else 1, "evkg-qc")
    rows: list[Row] = []
    for check, result in zip(todo, results, strict=True):
        if isinstance(result, EvkgError):
            raise result
        rows.extend(Row(check, r.entity, r.property, r.value) for r in result)
    return rows


def check_qc(ctx: Context) -> list[Finding]:
    """The QC check (:data:`evkg.quality.context.Check`): every QC query of the data folder, rows as findings,
    and the literals the store keeps in another form than written (:mod:`evkg.quality.stored_literals`)."""
    return as_findings(run(ctx.kg), ctx.describer) + check_stored_literals(ctx)


def as_findings(rows: list[Row], describer: Describer) -> list[Finding]:
    """Rows of :func:`run` as validation findings, in the describer's language."""
    out = []
    for row in rows:
        entity = describer.owner(row.entity) if row.entity is not None else None
        out.append(
            Finding(
                focus=describer.name(row.entity) or "",
                focus_label=describer.label(row.entity) if row.entity is not None else "",
                path=describer.name(row.property) if isinstance(row.property, URIRef) else None,
                value=describer.name(row.value),
                message=row.check.message(describer.lang),
                severity=row.check.severity,
                component=f"qc:{row.check.name}",
                source=row.check.file,
                graphs=describer.graphs(row.entity) if row.entity is not None else (),
                entity=describer.name(entity) or "",
                entity_label=describer.label(entity) if entity is not None else "",
            )
        )
    return out


__all__ = ["Check", "check_qc", "checks", "run"]
