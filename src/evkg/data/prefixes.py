"""The prefix registry, ``ontology/prefixes.ttl``: the only place where evkg's prefixes are defined.

The registry uses the VANN style of prez: one node per prefix with ``vann:preferredNamespacePrefix``
and ``vann:preferredNamespaceUri``. Everything that needs prefixes takes them from here:

- rdflib: :meth:`Prefixes.graph` / :meth:`Prefixes.dataset` give a graph with only our prefixes
  bound (``bind_namespaces="none"``, so rdflib's ~30 defaults such as ``schema:`` = ``https`` never
  leak into an export), and :meth:`Prefixes.bind` binds them on an existing graph;
- pyoxigraph: :meth:`Prefixes.as_dict` for ``prefixes=`` when parsing queries or serialising;
- Turtle and SPARQL: :meth:`Prefixes.turtle_block` and :meth:`Prefixes.sparql_block`;
- JSON-LD: :meth:`Prefixes.jsonld_context` (written to ``ontology/context.jsonld`` by
  ``scripts/generate_context.py``; a test checks that the committed file is up to date).

>>> reg = registry()
>>> str(reg.namespace("skos").prefLabel)
'http://www.w3.org/2004/02/skos/core#prefLabel'
>>> reg.curie(reg.expand("evkg:Agreement"))
'evkg:Agreement'
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VANN, NamespaceManager

from evkg.data import layout
from evkg.errors import EvkgError, SourceSyntaxError

#: A prefix as Turtle and SPARQL allow it (PN_PREFIX, ASCII subset used by the registry).
PREFIX_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*(?<!\.)$")

#: Properties whose values are short texts in several languages. In the JSON-LD export they are
#: written as language maps (``"skos:prefLabel": {"en": "...", "ja": "..."}``) wherever every value
#: of the property is a language-tagged string; ``ontology/context.jsonld`` declares them all.
#: Properties of the ontology with ``rdfs:range rdf:langString`` are added to these.
LANGUAGE_MAPPED = (
    "rdfs:label",
    "rdfs:comment",
    "skos:prefLabel",
    "skos:altLabel",
    "skos:hiddenLabel",
    "skos:scopeNote",
    "skos:note",
    "skos:editorialNote",
    "dcterms:title",
    "dcterms:alternative",
    "dcterms:description",
    "dcterms:abstract",
    "schema:name",
    "schema:alternateName",
    "schema:legalName",
    "schema:description",
    "schema:disambiguatingDescription",
)


class RegistryError(EvkgError):
    """The prefix registry itself is wrong (a duplicate prefix, a namespace not ending in / or #)."""

    exit_code = 2


@dataclass(frozen=True)
class Prefixes:
    """Prefix → namespace IRI, in the registry's prefix order (sorted), read from ``source``."""

    mapping: Mapping[str, str]
    source: Path | None = None
    _by_length: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.mapping.items(), key=lambda kv: len(kv[1]), reverse=True))
        object.__setattr__(self, "_by_length", ordered)

    def __iter__(self) -> Iterator[str]:
        return iter(self.mapping)

    def __len__(self) -> int:
        return len(self.mapping)

    def __contains__(self, prefix: object) -> bool:
        return prefix in self.mapping

    def __getitem__(self, prefix: str) -> str:
        try:
            return self.mapping[prefix]
        except KeyError:
            where = f" in {self.source}" if self.source else ""
            raise EvkgError(f"unknown prefix {prefix!r}: not declared{where}") from None

    def namespace(self, prefix: str) -> Namespace:
        """The rdflib :class:`Namespace` of a registered prefix."""
        return Namespace(self[prefix])

    def expand(self, curie: str) -> URIRef:
        """``"skos:prefLabel"`` → the full IRI. Raises :class:`EvkgError` for an unknown prefix."""
        prefix, sep, local = curie.partition(":")
        if not sep:
            raise EvkgError(f"{curie!r} is not a CURIE (prefix:local)")
        return URIRef(self[prefix] + local)

    def curie(self, iri: str) -> str | None:
        """The CURIE of ``iri`` with the longest matching namespace, or None."""
        for prefix, ns in self._by_length:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*(?<!\.)|", local):
                    return f"{prefix}:{local}"
        return None

    def as_dict(self) -> dict[str, str]:
        """For pyoxigraph ``prefixes=`` (query parsing, Turtle/TriG/RDF-XML serialisation)."""
        return dict(self.mapping)

    def bind(self, graph: Graph) -> Graph:
        """Bind every registered prefix on ``graph`` (overriding whatever was bound); returns it."""
        for prefix, ns in self.mapping.items():
            graph.bind(prefix, URIRef(ns), override=True, replace=True)
        return graph

    def graph(self, identifier: URIRef | None = None) -> Graph:
        """A new rdflib :class:`Graph` with our prefixes and no rdflib defaults."""
        return self.bind(Graph(identifier=identifier, bind_namespaces="none"))

    def dataset(self) -> Dataset:
        """A new rdflib :class:`Dataset` with our prefixes and no rdflib defaults."""
        ds = Dataset()  # Dataset has no bind_namespaces argument: replace its namespace manager
        ds.namespace_manager = NamespaceManager(ds, bind_namespaces="none")
        self.bind(ds)
        return ds

    def turtle_block(self, only: Iterable[str] | None = None) -> str:
        """``@prefix p: <ns> .`` lines (all, or ``only`` those prefixes), sorted."""
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self._select(only))

    def sparql_block(self, only: Iterable[str] | None = None) -> str:
        """``PREFIX p: <ns>`` lines (all, or ``only`` those prefixes), sorted."""
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self._select(only))

    def jsonld_context(self, language_mapped: Iterable[str] = ()) -> dict[str, Any]:
        """The JSON-LD ``@context`` object: every prefix, plus language-map terms.

        ``language_mapped`` are CURIEs of properties to write as language maps; the term is the
        CURIE itself (``"skos:prefLabel"``), which JSON-LD 1.1 allows when it expands to itself.
        """
        ctx: dict[str, Any] = {"@version": 1.1}
        ctx.update(sorted(self.mapping.items()))
        for curie in sorted(set(language_mapped)):
            self.expand(curie)  # fails on an unknown prefix
            ctx[curie] = {"@id": curie, "@container": "@language"}
        return ctx

    def _select(self, only: Iterable[str] | None) -> list[tuple[str, str]]:
        keys = sorted(self.mapping) if only is None else sorted(set(only))
        return [(p, self[p]) for p in keys]


def read(path: Path) -> Prefixes:
    """Read and check a VANN prefix registry.

    Raises:
        SourceSyntaxError: the file is not valid Turtle.
        RegistryError: a node lacks its prefix or namespace, a prefix or namespace is declared
            twice, a prefix is not a valid Turtle prefix, or a namespace does not end in / or #.
    """
    where = layout.display_path(path)
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise SourceSyntaxError(where, exc.lineno, exc.offset, str(exc.msg)) from None
    except OSError as exc:
        raise EvkgError(f"{where}: cannot read the prefix registry ({exc.strerror or exc})") from None
    pred_prefix, pred_ns = str(VANN.preferredNamespacePrefix), str(VANN.preferredNamespaceUri)
    nodes: dict[str, dict[str, list[str]]] = {}
    for q in quads:
        if q.predicate.value in (pred_prefix, pred_ns):
            nodes.setdefault(str(q.subject), {}).setdefault(q.predicate.value, []).append(q.object.value)
    mapping: dict[str, str] = {}
    seen_ns: dict[str, str] = {}
    for node, values in sorted(nodes.items()):
        prefixes, namespaces = values.get(pred_prefix, []), values.get(pred_ns, [])
        if len(prefixes) != 1 or len(namespaces) != 1:
            raise RegistryError(f"{where}: {node} needs exactly one prefix and one namespace IRI")
        prefix, ns = prefixes[0], namespaces[0]
        if not PREFIX_RE.match(prefix):
            raise RegistryError(f"{where}: {node}: {prefix!r} is not a valid prefix")
        if not ns.endswith(("/", "#")):
            raise RegistryError(f"{where}: prefix {prefix}: namespace <{ns}> must end in / or #")
        if prefix in mapping:
            raise RegistryError(f"{where}: prefix {prefix} is declared twice")
        if ns in seen_ns:
            raise RegistryError(f"{where}: <{ns}> is declared twice ({seen_ns[ns]}, {prefix})")
        mapping[prefix] = ns
        seen_ns[ns] = prefix
    if not mapping:
        raise RegistryError(f"{where}: no vann:preferredNamespacePrefix found")
    return Prefixes(dict(sorted(mapping.items())), source=path)


@functools.cache
def _cached(path: Path, mtime_ns: int) -> Prefixes:
    return read(path)


def registry(data_dir: str | Path | None = None) -> Prefixes:
    """The registry of a data folder (default: the bundled data), cached until the file changes."""
    path = layout.resolve(data_dir).prefixes_file
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise EvkgError(f"{layout.display_path(path)}: prefix registry not found") from None
    return _cached(path, mtime)


def language_mapped_properties(prefixes: Prefixes, ontology: Graph | None = None) -> list[str]:
    """CURIEs of the properties written as JSON-LD language maps (see :data:`LANGUAGE_MAPPED`).

    With ``ontology``, its properties whose ``rdfs:range`` is ``rdf:langString`` are added.
    """
    curies = {c for c in LANGUAGE_MAPPED if c.partition(":")[0] in prefixes}
    if ontology is not None:
        for prop in ontology.subjects(RDFS.range, RDF.langString):
            curie = prefixes.curie(str(prop))
            if curie:
                curies.add(curie)
    return sorted(curies)


def context_document(prefixes: Prefixes, ontology: Graph | None = None) -> str:
    """The text of ``ontology/context.jsonld``: ``{"@context": {...}}``, stable key order."""
    ctx = prefixes.jsonld_context(language_mapped_properties(prefixes, ontology))
    return json.dumps({"@context": ctx}, indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "LANGUAGE_MAPPED",
    "Prefixes",
    "RegistryError",
    "context_document",
    "language_mapped_properties",
    "read",
    "registry",
]
