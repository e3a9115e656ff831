"""Links to external bibliographic data (issue 6).

Modules, in the order data flows:

- :mod:`evkg.link.config` reads the settings (registry base URLs, ``mailto``, timeouts) from the
  environment, so tests point them at a local server;
- :mod:`evkg.link.http` is the polite HTTP client (timeouts, retries with back-off on 429/5xx that
  honour ``Retry-After``, a rate limit, a ``mailto`` contact);
- :mod:`evkg.link.crossref`, :mod:`evkg.link.csl` (DOI content negotiation) and
  :mod:`evkg.link.pubmed` (E-utilities) each pair a fetcher with a *pure* parser from the raw
  response to a :class:`evkg.link.work.Work`;
- :mod:`evkg.link.rdfmap` turns a :class:`~evkg.link.work.Work` into RDF with the ontology's terms
  (and back, for citing);
- :mod:`evkg.link.cache` keeps raw responses and mapped graphs under
  ``graph/external/<registry>/<slug>.*``, written atomically;
- :mod:`evkg.link.enrichment`, :mod:`evkg.link.importers`, :mod:`evkg.link.citation` and
  :mod:`evkg.link.table` are the four user-facing jobs behind ``evkg link …`` and ``evkg cite``.
"""


__all__: list[str] = []  # a folder of modules: import them, nothing is re-exported here
