"""Quality: what evkg checks of a graph before anyone trusts it.

:mod:`evkg.quality.pipeline` is the API (``evkg validate``, ``evkg check``, ``evkg reason`` use it):
it composes the checks, each a function ``(ctx: Context) -> list[Finding]``.

- :mod:`~evkg.quality.findings`: the finding and report model (:class:`Finding`, :class:`Report`, the describer);
- :mod:`~evkg.quality.context`: the context and options every check is given;
- :mod:`~evkg.quality.inputs`: shapes, ontology and curator files of a data folder;
- :mod:`~evkg.quality.qc`: the QC queries (``queries/qc/*-violation.rq``);
- :mod:`~evkg.quality.shacl`: the SHACL check and its engines: :mod:`~evkg.quality.shacl_compiled` (the
  shapes compiled to SPARQL on the store) and :mod:`~evkg.quality.shacl_reference` (pySHACL);
- :mod:`~evkg.quality.reasoning`: the OWL 2 RL check; its engines are in :mod:`~evkg.quality.owl2rl`
  (owlrl and the fast engine, rules in ``rules/owl2rl/``), with the RDFS closure of the pySHACL path;
- :mod:`~evkg.quality.incremental`: re-validation of the nodes an edit touches;
- :mod:`~evkg.quality.rendering`: a report as text, JSON or Turtle.
"""


__all__: list[str] = []  # a folder of modules: import them, nothing is re-exported here
