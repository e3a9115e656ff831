"""The OWL 2 RL check: the closure of the store by the options' reasoner; its inconsistencies are violations.

The engines (``fast``: rules as SPARQL on pyoxigraph; ``owlrl``: the reference) are in
:mod:`evkg.quality.owl2rl`, behind one function, :func:`~evkg.quality.owl2rl.closure`.
"""

from __future__ import annotations

import logging

from evkg.quality.context import Context
from evkg.quality.findings import Finding
from evkg.quality.owl2rl import closure, inconsistency_findings

log = logging.getLogger(__name__)


def check_owl_rl(ctx: Context) -> list[Finding]:
    """The OWL 2 RL check (:data:`evkg.quality.context.Check`).

    The closure is left in ``ctx.closure`` (a later SHACL step validates it with the data when
    ``options.shacl_on_closure``); the store is not changed.
    """
    kg = ctx.kg
    ctx.closure = closure(kg.store, kg.prefixes, engine=ctx.options.reasoner, literals=kg.literals)
    if ctx.closure.inconsistencies:
        log.warning("the OWL RL closure reports %d inconsistencies", len(ctx.closure.inconsistencies))
    return inconsistency_findings(ctx.closure, ctx.describer)


__all__ = ["check_owl_rl"]
