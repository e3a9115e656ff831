"""evkg's one table of formats: each RDF serialisation and SPARQL results format, its media type, its
file extension and the names a user may give it.

``evkg export --format``, ``evkg build``, ``evkg sparql --format``, ``kg.export()``, the endpoint's
``Accept``/``format=`` negotiation and an IRI's ``?format=`` all read these two tables; nothing else
spells a media type of an RDF format.

>>> get_format("ttl").media_type
'text/turtle'
>>> by_media_type("application/ld+json").name
'json-ld'
>>> get_format("yaml")
Traceback (most recent call last):
evkg.errors.UsageError: unknown export format 'yaml' (choose one of: turtle, json-ld, nt, trig, nquads, xml)
>>> get_results_format("srj").media_type
'application/sparql-results+json'
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from evkg.errors import UsageError


@dataclass(frozen=True)
class ExportFormat:
    """An RDF serialisation evkg writes."""

    name: str  # evkg's name for it (``--format``)
    extension: str  # file extension, also the ``?format=`` value of the links to it
    media_type: str
    dataset: bool  # True: named graphs kept; False: union of the named graphs
    label: str  # what it holds, for help texts
    title: str  # its usual name ("Turtle"), for pages
    aliases: tuple[str, ...] = ()  # other names accepted for it (``--format``, ``format=``)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it answers to: its name, its extension, its aliases."""
        return tuple(dict.fromkeys((self.name, self.extension, *self.aliases)))


#: The RDF formats, in the server's order of preference (the first is the default).
FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        # n3: what SPARQL clients ask for is its Turtle subset, and Turtle is N3
        ExportFormat("turtle", "ttl", "text/turtle", False, "Turtle (union of all graphs)", "Turtle", ("n3",)),
        ExportFormat(
            "json-ld",
            "jsonld",
            "application/ld+json",
            False,
            "JSON-LD, compacted with evkg's context",
            "JSON-LD",
            ("json_ld", "json"),
        ),
        ExportFormat(
            "nt",
            "nt",
            "application/n-triples",
            False,
            "N-Triples, sorted (union)",
            "N-Triples",
            ("ntriples", "n-triples"),
        ),
        ExportFormat("trig", "trig", "application/trig", True, "TriG (named graphs kept)", "TriG"),
        ExportFormat(
            "nquads", "nq", "application/n-quads", True, "N-Quads, sorted (named graphs kept)", "N-Quads", ("n-quads",)
        ),
        ExportFormat(
            "xml",
            "rdf",
            "application/rdf+xml",
            False,
            "RDF/XML (union of all graphs)",
            "RDF/XML",
            ("rdfxml", "rdf/xml", "rdf+xml"),
        ),
    )
}

#: Every name of every format (lower case) → the format.
NAMES: dict[str, ExportFormat] = {name: f for f in FORMATS.values() for name in f.names}

#: Media type → format, in the order of :data:`FORMATS`.
MEDIA_TYPES: dict[str, ExportFormat] = {f.media_type: f for f in FORMATS.values()}


def get_format(name: str) -> ExportFormat:
    """The RDF format called ``name`` (its name, extension or an alias such as ``ttl``, ``jsonld``, ``nq``)."""
    found = NAMES.get(name.strip().lower())
    if found is None:
        raise UsageError(f"unknown export format {name!r} (choose one of: {', '.join(FORMATS)})")
    return found


def by_media_type(media_type: str) -> ExportFormat:
    """The RDF format of ``media_type`` (one of :data:`MEDIA_TYPES`)."""
    return MEDIA_TYPES[media_type]


@dataclass(frozen=True)
class ResultsFormat:
    """A SPARQL query results format (SELECT and ASK answers)."""

    name: str
    media_type: str
    oxigraph: ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()


#: The SPARQL results formats, in the server's order of preference.
RESULTS_FORMATS: dict[str, ResultsFormat] = {
    f.name: f
    for f in (
        ResultsFormat("json", "application/sparql-results+json", ox.QueryResultsFormat.JSON, ("srj",)),
        ResultsFormat("xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML, ("srx",)),
        ResultsFormat("csv", "text/csv", ox.QueryResultsFormat.CSV),
        ResultsFormat("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    )
}


def get_results_format(name: str) -> ResultsFormat:
    """The results format called ``name`` (or an alias: ``srj``, ``srx``)."""
    key = name.strip().lower()
    for f in RESULTS_FORMATS.values():
        if key == f.name or key in f.aliases:
            return f
    raise UsageError(f"unknown result format {name!r} (choose one of: {', '.join(RESULTS_FORMATS)})")


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "NAMES",
    "RESULTS_FORMATS",
    "ExportFormat",
    "ResultsFormat",
    "by_media_type",
    "get_format",
    "get_results_format",
]
