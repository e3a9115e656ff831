"""Asking the graph: engines, the query helpers of ``queries/**/*.rq``, and the Python API over them.

- :mod:`evkg.query.lexer`: the one SPARQL tokenizer (the SERVICE/LOAD guard, parameter binding);
- :mod:`evkg.query.engine`: the engine protocol and the embedded engine (pyoxigraph);
- :mod:`evkg.query.engines`: the rdflib engine (the reference) and remote SPARQL 1.1 endpoints;
- :mod:`evkg.query.results`: query results as rows of rdflib terms;
- :mod:`evkg.query.helpers`: ``#+`` headers of the ``.rq`` files and the helpers made from them;
- :mod:`evkg.query.knowledge_graph`: :class:`KnowledgeGraph`, :func:`load` and :func:`connect`
  (re-exported as ``evkg.KnowledgeGraph``, ``evkg.load``, ``evkg.connect``).
"""

__all__: list[str] = []  # a folder of modules: import them, nothing is re-exported here
