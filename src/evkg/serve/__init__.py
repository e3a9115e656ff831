"""Serve evkg over HTTP: a SPARQL endpoint, dereferenceable IRIs, and bilingual HTML pages.

``evkg serve`` (see :mod:`evkg.cli.serve`) runs :func:`create_app` on uvicorn. The parts:

- :mod:`evkg.serve.app`: the Starlette application factory, routes, security headers, CORS;
- :mod:`evkg.serve.sparql`: the SPARQL 1.1 Protocol endpoint (``/sparql``) and its query page;
- :mod:`evkg.serve.deref`: ``/id/…``, ``/ontology/…`` and ``/graph/…`` with content negotiation;
- :mod:`evkg.serve.pages`: the HTML pages (home, indexes, entities, graphs, glossary, search);
- :mod:`evkg.serve.site`: what the pages show, read from the store (labels, statements, evidence);
- :mod:`evkg.serve.svg`: the neighbourhood picture and the timeline, as inline SVG;
- :mod:`evkg.serve.guard`, :mod:`evkg.serve.evaluate`, :mod:`evkg.serve.pool`: what a query may
  do, how it is evaluated, and the worker processes that enforce the time limit;
- :mod:`evkg.serve.negotiation`, :mod:`evkg.serve.search`: Accept parsing, label search.

Nothing here writes to the store or sends a request to another host.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServeConfig", "create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so that query worker processes (which import evkg.serve.evaluate) skip Starlette.
    if name in __all__:
        from evkg.serve import app

        return getattr(app, name)
    raise AttributeError(name)
