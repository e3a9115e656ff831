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

Names are imported lazily, so ``import evkg`` (and ``evkg --version``) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["EvkgError", "KnowledgeGraph", "__version__", "load"]

if TYPE_CHECKING:
    from evkg.errors import EvkgError
    from evkg.kg import KnowledgeGraph, load

_LAZY = {"load": "evkg.kg", "KnowledgeGraph": "evkg.kg", "EvkgError": "evkg.errors"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'evkg' has no attribute {name!r}")
