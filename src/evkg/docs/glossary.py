"""The glossary pages: one per SKOS concept scheme, Japanese and English side by side.

For every concept of a scheme: its preferred and alternative labels in both languages, its broader
concepts, scope notes and mappings to external vocabularies, and its definitions. Definitions come
from the query helper ``term_definitions`` (``queries/cq/cq13_term_definitions.rq``), which follows
translations in both directions; here they are grouped into *families*: an original wording and
every translation made from it (or from one of its translations), so a reader sees at a glance
which text is the source's own and which one is a translation, by whom, from which publication,
and in which named graph it is stated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from evkg.data.prefixes import Prefixes
from evkg.rdf.labels import graph_label
from evkg.rdf.terms import ordered

LANGUAGES = ("ja", "en")


@dataclass
class Ref:
    """A link to a resource: its CURIE (or IRI) and a label."""

    iri: str
    curie: str
    label: str


@dataclass
class DefinitionText:
    """One wording of a definition in one language."""

    iri: str
    curie: str
    text: str
    language: str
    is_translation: bool
    original: str | None  # CURIE of what it translates
    translators: list[str] = field(default_factory=list)
    sources: list[Ref] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)  # CURIEs of the named graphs that state it


@dataclass
class DefinitionFamily:
    """An original definition and its translations, by language."""

    root: str
    by_language: dict[str, list[DefinitionText]]

    def languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if lang in self.by_language] + sorted(
            lang for lang in self.by_language if lang not in LANGUAGES
        )


@dataclass
class Concept:
    iri: str
    curie: str
    pref: dict[str, list[str]]
    alt: dict[str, list[str]]
    broader: list[Ref]
    notes: dict[str, list[str]]
    mappings: list[tuple[str, Ref]]  # (relation CURIE, target)
    top: bool
    definitions: list[DefinitionFamily] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-")


@dataclass
class Scheme:
    iri: str
    curie: str
    slug: str
    label: dict[str, list[str]]
    sources: list[Ref]
    concepts: list[Concept]

    @property
    def page(self) -> str:
        return f"scheme-{self.slug}.html"


def _by_lang(graph: Graph, node: Node, prop: URIRef) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for value in graph.objects(node, prop):
        if isinstance(value, Literal):
            out[value.language or ""].append(str(value))
    return {lang: sorted(set(values)) for lang, values in sorted(out.items())}


def _label(graph: Graph, node: Node, prefixes: Prefixes, lang: str = "en") -> str:
    x = prefixes.expand
    properties = (x("skos:prefLabel"), x("rdfs:label"))
    found = graph_label(graph, node, lang, ("ja", "en"), properties=properties, anything=False)
    return found if found is not None else prefixes.curie(str(node)) or str(node)


def _ref(graph: Graph, node: Node, prefixes: Prefixes) -> Ref:
    return Ref(str(node), prefixes.curie(str(node)) or str(node), _label(graph, node, prefixes))


def _families(rows: list[Any], prefixes: Prefixes) -> list[DefinitionFamily]:
    """Group the rows of ``term_definitions`` into original + translations."""
    texts: dict[str, DefinitionText] = {}
    for row in rows:
        iri = str(row.definition)
        entry = texts.get(iri)
        if entry is None:
            entry = texts[iri] = DefinitionText(
                iri=iri,
                curie=prefixes.curie(iri) or iri,
                text=str(row.text),
                language=str(row.language),
                is_translation=str(row.isTranslation).lower() == "true",
                original=(prefixes.curie(str(row.original)) or str(row.original)) if row.original else None,
            )
        if row.translatorLabel is not None and str(row.translatorLabel) not in entry.translators:
            entry.translators.append(str(row.translatorLabel))
        if row.source is not None and str(row.source) not in [s.iri for s in entry.sources]:
            label = str(row.sourceLabel) if row.sourceLabel is not None else str(row.source)
            entry.sources.append(Ref(str(row.source), prefixes.curie(str(row.source)) or str(row.source), label))
        graph = prefixes.curie(str(row.graph)) or str(row.graph)
        if graph not in entry.graphs:
            entry.graphs.append(graph)
    by_curie = {t.curie: t for t in texts.values()}

    def root(t: DefinitionText) -> str:
        seen = set()
        while t.original and t.original in by_curie and t.curie not in seen:
            seen.add(t.curie)
            t = by_curie[t.original]
        return t.curie

    families: dict[str, dict[str, list[DefinitionText]]] = defaultdict(lambda: defaultdict(list))
    for t in texts.values():
        families[root(t)][t.language].append(t)
    out = []
    for key in sorted(families):
        langs = {
            lang: sorted(items, key=lambda t: (t.is_translation, t.curie)) for lang, items in families[key].items()
        }
        out.append(DefinitionFamily(key, dict(sorted(langs.items()))))
    return out


def schemes(kg: Any, queries: Any = None) -> list[Scheme]:
    """Every ``skos:ConceptScheme`` of the graph with its concepts, sorted by CURIE.

    ``queries``: the query helpers to use (default ``kg.queries``).
    """
    queries = queries if queries is not None else kg.queries
    prefixes: Prefixes = kg.prefixes
    x = prefixes.expand
    graph: Graph = kg.rdflib_graph()
    out = []
    for scheme in ordered(set(graph.subjects(x("rdf:type"), x("skos:ConceptScheme")))):
        if not isinstance(scheme, URIRef):
            continue
        tops = set(graph.objects(scheme, x("skos:hasTopConcept"))) | set(graph.subjects(x("skos:topConceptOf"), scheme))
        concepts = []
        for c in ordered(set(graph.subjects(x("skos:inScheme"), scheme)) | tops):
            notes: dict[str, list[str]] = defaultdict(list)
            for prop in ("skos:scopeNote", "skos:note", "skos:editorialNote"):
                for lang, values in _by_lang(graph, c, x(prop)).items():
                    notes[lang].extend(values)
            mappings = [
                (prefixes.curie(str(p)) or str(p), _ref(graph, o, prefixes))
                for p in (x("skos:exactMatch"), x("skos:closeMatch"), x("skos:broadMatch"), x("skos:relatedMatch"))
                for o in ordered(graph.objects(c, p))
            ]
            concept = Concept(
                iri=str(c),
                curie=prefixes.curie(str(c)) or str(c),
                pref=_by_lang(graph, c, x("skos:prefLabel")),
                alt=_by_lang(graph, c, x("skos:altLabel")),
                broader=[_ref(graph, b, prefixes) for b in ordered(graph.objects(c, x("skos:broader")))],
                notes=dict(notes),
                mappings=mappings,
                top=c in tops,
            )
            rows = list(queries.term_definitions(term=URIRef(str(c)), lang="en"))
            concept.definitions = _families(rows, prefixes)
            concepts.append(concept)
        curie = prefixes.curie(str(scheme)) or str(scheme)
        out.append(
            Scheme(
                iri=str(scheme),
                curie=curie,
                slug=str(scheme).rstrip("/").rsplit("/", 1)[-1],
                label=_by_lang(graph, scheme, x("skos:prefLabel")) or _by_lang(graph, scheme, x("rdfs:label")),
                sources=[_ref(graph, s, prefixes) for s in ordered(graph.objects(scheme, x("dcterms:source")))],
                concepts=concepts,
            )
        )
    return out


def scheme_warnings(items: list[Scheme]) -> list[str]:
    """A warning for every scheme or concept without a preferred label in Japanese or English."""
    out = []
    for s in items:
        for lang in LANGUAGES:
            if not s.label.get(lang):
                out.append(f"glossary: scheme {s.curie} has no label@{lang}")
        for c in s.concepts:
            missing = [lang for lang in LANGUAGES if not c.pref.get(lang)]
            if missing:
                out.append(f"glossary: {c.curie} in {s.curie} has no skos:prefLabel@{', @'.join(missing)}")
    return out


__all__ = ["scheme_warnings", "schemes"]
