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

The module ``evkg/load.py`` (parsing) is shadowed by the function ``evkg.load``: import from it
with ``from evkg.load import source_files`` (which always works), not ``import evkg.load``.
"""

from __future__ import annotations

# Import the submodule evkg.load first, then bind the name ``load`` to the function: Python sets
# the package attribute to the submodule when it is first imported, so the order matters.
import evkg.load as _load_module  # noqa: F401  (must come first, see above)
from evkg.errors import EvkgError
from evkg.kg import KnowledgeGraph, connect, load
from evkg.version import __version__

__all__ = ["EvkgError", "KnowledgeGraph", "__version__", "connect", "load"]
