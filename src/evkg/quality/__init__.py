"""Quality: what evkg checks of a graph before anyone trusts it.

- :mod:`evkg.quality.pipeline`: ``evkg validate`` (QC queries, then SHACL, optionally on the OWL 2 RL closure);
- :mod:`evkg.quality.shacl_compiled`: the SHACL shapes compiled to SPARQL on the store (the default engine);
- :mod:`evkg.quality.owl2rl`: OWL 2 RL reasoning (owlrl and the fast engine, rules in ``rules/owl2rl/``)
  and the RDFS closure of the pySHACL path;
- :mod:`evkg.quality.qc`: the QC queries (``queries/qc/*-violation.rq``);
- :mod:`evkg.quality.incremental`: re-validation of the nodes an edit touches;
- :mod:`evkg.quality.build_check`: the full build's checks side by side (``evkg check``).
"""
