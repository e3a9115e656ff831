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

The public API is :data:`__all__` (docs/api.md lists it with every layer's developer API): ``load``,
``connect``, :class:`KnowledgeGraph`, the error family (:class:`EvkgError` and its subclasses, each
with its exit code) and the validation report types (:class:`Report`, :class:`Finding`, what
``evkg.quality.pipeline.validate`` returns).

The package is laid out in the order data flows (``data`` → ``rdf`` → ``query`` → ``quality`` →
``link``/``docs`` → ``publish``/``serve`` → ``cli``); see README.md, "Repository layout".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evkg.errors import (
    DataDirError,
    EvkgError,
    OutputError,
    QuerySyntaxError,
    ShapesError,
    SourceSyntaxError,
    UsageError,
)
from evkg.query.knowledge_graph import KnowledgeGraph, connect, load
from evkg.version import __version__

if TYPE_CHECKING:
    from evkg.quality.pipeline import Finding, Report

#: The validation report types, imported on first use (``import evkg`` stays light: the quality package
#: brings pySHACL and owlrl).
_QUALITY = ("Finding", "Report")


def __getattr__(name: str) -> Any:
    if name in _QUALITY:  # PEP 562: the quality layer (pySHACL, owlrl) loads on first use (decision 0020)
        from evkg.quality import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'evkg' has no attribute {name!r}")


__all__ = [
    "DataDirError",
    "EvkgError",
    "Finding",
    "KnowledgeGraph",
    "OutputError",
    "QuerySyntaxError",
    "Report",
    "ShapesError",
    "SourceSyntaxError",
    "UsageError",
    "__version__",
    "connect",
    "load",
]
