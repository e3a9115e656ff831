"""Serialise a handful of quads (an IRI's description, a CONSTRUCT result) with evkg's exporters.

The bytes come from :func:`evkg.rdf.serialization.export`, the function behind ``evkg export``: the same
Turtle (rdflib ``longturtle``, registry prefixes only), JSON-LD (compacted with evkg's local
context, never a remote one), N-Triples, RDF/XML, TriG and N-Quads, canonical blank nodes and a
stable order. :class:`QuadsEngine` gives it the quads through the part of the
:class:`evkg.query.engine.Engine` protocol that the exporter reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyoxigraph as ox

from evkg.data.prefixes import Prefixes
from evkg.rdf.formats import MEDIA_TYPES as FORMAT_MEDIA_TYPES
from evkg.rdf.formats import NAMES, ExportFormat, by_media_type
from evkg.rdf.serialization import export

#: Media type -> evkg export format name, for RDF answers (the first is the default): from
#: :mod:`evkg.rdf.formats`, the one table.
MEDIA_TYPES: dict[str, str] = {media: f.name for media, f in FORMAT_MEDIA_TYPES.items()}

#: ``format=`` values (file extensions, names, aliases) -> media type.
FORMAT_NAMES: dict[str, str] = {name: f.media_type for name, f in NAMES.items()}

#: The ``format=`` value written in links to each media type.
EXTENSIONS: dict[str, str] = {media: f.extension for media, f in FORMAT_MEDIA_TYPES.items()}


class QuadsEngine:
    """A fixed list of quads, seen by :func:`evkg.rdf.serialization.export` as an engine."""

    name = "quads"

    def __init__(self, quads: Sequence[ox.Quad]) -> None:
        self._quads = quads

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._quads)

    def named_graphs(self) -> list[str]:
        return sorted({q.graph_name.value for q in self._quads if isinstance(q.graph_name, ox.NamedNode)})

    def query(self, query: str, bindings: Any = None) -> Any:  # pragma: no cover - the exporter never queries
        raise NotImplementedError("a fixed list of quads cannot be queried")


def export_format(media_type: str) -> ExportFormat:
    return by_media_type(media_type)


def serialize(quads: Sequence[ox.Quad], media_type: str, prefixes: Prefixes) -> bytes:
    """``quads`` in ``media_type`` (one of :data:`MEDIA_TYPES`)."""
    return export(QuadsEngine(quads), export_format(media_type), prefixes)


__all__ = ["EXTENSIONS", "FORMAT_NAMES", "MEDIA_TYPES", "QuadsEngine", "serialize"]
