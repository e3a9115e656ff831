"""RDF in and out: terms, parsing a data folder, the store, and serialisation.

- :mod:`evkg.rdf.terms`: terms between rdflib and pyoxigraph;
- :mod:`evkg.rdf.parse`: the source files of a data folder parsed into a store (with a manifest);
- :mod:`evkg.rdf.store`: the store, in memory or persisted to a folder, reopened when unchanged;
- :mod:`evkg.rdf.serialization`: the export formats and their canonical, deterministic serialisation.
"""

__all__: list[str] = []  # a folder of modules: import them, nothing is re-exported here
