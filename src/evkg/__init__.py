"""evkg: a bilingual (ja/en) knowledge graph of the extracellular-vesicle and secretome field.

Load the graph shipped with the package (or a curator's working copy) into an embedded
pyoxigraph store, query it with SPARQL and export it::

    >>> import evkg
    >>> kg = evkg.load()                      # or evkg.load(data_dir="path/to/working/copy")
    >>> rows = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    >>> int(next(iter(rows))["n"].value) > 0
    True
    >>> kg.export("turtle").startswith(b"PREFIX")
    True

The package is laid out in the order data flows (``data`` → ``rdf`` → ``query`` → ``quality`` →
``link``/``docs`` → ``publish``/``serve`` → ``cli``); see README.md, "Repository layout".
"""

from __future__ import annotations

from evkg.errors import EvkgError
from evkg.query.knowledge_graph import KnowledgeGraph, connect, load
from evkg.version import __version__

__all__ = ["EvkgError", "KnowledgeGraph", "__version__", "connect", "load"]
