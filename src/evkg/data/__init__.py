"""The data folder, before anything is parsed: where its files are, and the names it uses.

- :mod:`evkg.data.layout`: a data folder's layout (``ontology/``, ``graph/``, ``queries/``), the bundled one;
- :mod:`evkg.data.prefixes`: the prefix registry (``ontology/prefixes.ttl``) and the JSON-LD context;
- :mod:`evkg.data.namespaces`: the ontology's terms as Python names;
- :mod:`evkg.data.identifiers`: syntax and normal form of external identifiers (DOI, ORCID, ROR, PMID, …).
"""


__all__: list[str] = []  # a folder of modules: import them, nothing is re-exported here
