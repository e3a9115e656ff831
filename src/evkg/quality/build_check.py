"""The full build of a store: load (or reopen) it, then reason, validate and run the QC queries at once.

``evkg check --store DIR`` (and :func:`check`) is what "build" means in issue 8: parse the sources
into the persisted pyoxigraph store (its indexes), compute the OWL 2 RL closure (fast engine), run
the compiled SHACL shapes (:mod:`evkg.quality.shacl_compiled`, RDFS asked inline, the report cached next to the
store for incremental re-validation) and the QC queries.

The three checks are independent: SHACL asks RDFS inference of the asserted data (as pySHACL with
``inference="rdfs"`` does), the QC queries check what the sources state, and the closure is only
reported (its inconsistencies become violations). So they run side by side: pyoxigraph writes the
reasoner's copy of the store and evaluates the SHACL and QC queries in Rust without holding the GIL,
so on two cores the three overlap (1 M triples: 84 s one after another, 71 s side by side;
docs/decisions/0013-scale-and-speed.md). The store's schema is read again for the describer (a few
small queries) rather than threaded out of :func:`evkg.quality.incremental.validate_store`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from evkg.quality import owl2rl, qc
from evkg.quality.findings import Describer, Report, StoreView
from evkg.quality.incremental import validate_store
from evkg.quality.shacl_compiled import Schema

if TYPE_CHECKING:
    from evkg.kg import KnowledgeGraph

T = TypeVar("T")


@dataclass
class CheckResult:
    """The findings of SHACL, QC and OWL RL (one report), the closure, and what each step took."""

    report: Report
    closure: owl2rl.Closure
    seconds: dict[str, float]


def _timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    started = time.perf_counter()
    return fn(*args, **kwargs), time.perf_counter() - started


def check(kg: KnowledgeGraph, *, lang: str = "en") -> CheckResult:
    """Reason, validate with SHACL and run the QC queries on ``kg``'s store, side by side.

    The store is not changed (the closure is returned, not materialised); with a persisted store the
    SHACL report is cached next to it, as :func:`evkg.quality.incremental.validate_store` does.
    """
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="evkg-check") as pool:
        reasoning = pool.submit(_timed, owl2rl.closure, kg.store, kg.prefixes, engine="fast")
        shacl = pool.submit(_timed, validate_store, kg, lang=lang)
        rows, qc_seconds = _timed(qc.run, kg)
        closure, reason_seconds = reasoning.result()
        shacl_report, shacl_seconds = shacl.result()
    describer = Describer(StoreView(kg.store, Schema.of(kg.store).subprops), kg.prefixes, lang, kg.store)  # type: ignore[arg-type]
    findings = (
        shacl_report.findings + qc.as_findings(rows, describer) + owl2rl.inconsistency_findings(closure, describer)
    )
    seconds = {
        "reason": reason_seconds,
        "shacl": shacl_seconds,
        "qc": qc_seconds,
        "total": time.perf_counter() - started,
    }
    report = Report(findings, shacl_report.shacl_report, lang=lang, triples=shacl_report.triples, seconds=seconds)
    return CheckResult(report, closure, seconds)
