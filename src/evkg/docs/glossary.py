"""The glossary: every SKOS concept scheme with its concepts, Japanese and English side by side.

One model for both places that show it: the docs site (one page per scheme, :mod:`evkg.docs.site`)
and the served pages (``/glossary`` and each term's definitions, :mod:`evkg.serve.site`). It is read
by SPARQL from any evkg engine (``docs/queries/glossary.rq``), so the docs built from a data folder and
the pages served from a store show the same terms, labels and definitions.

For every concept of a scheme: its preferred and alternative labels in both languages, its broader
concepts, scope notes and mappings to external vocabularies, and its definitions. Definitions come
from the query helper ``term_definitions`` (``queries/cq/cq13_term_definitions.rq``), which follows
translations in both directions; here they are grouped into *families*: an original wording and
every translation made from it (or from one of its translations), so a reader sees at a glance
which text is the source's own and which one is a translation, by whom, from which publication,
and in which named graph it is stated. A definition written as a plain literal (``skos:definition
"..."@en``) is an original of its own family.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from evkg.data.prefixes import Prefixes
from evkg.query.engine import Engine, solutions
from evkg.rdf.labels import pick_label

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
    """A concept of a scheme: labels, notes and definitions by language, broader concepts, mappings."""

    iri: str
    curie: str
    pref: dict[str, list[str]]
    alt: dict[str, list[str]]
    broader: list[Ref]
    notes: dict[str, list[str]]
    mappings: list[tuple[str, Ref]]  # (relation CURIE, target)
    top: bool
    definitions: list[DefinitionFamily] = field(default_factory=list)
    english_only: bool = False  # evkg:EnglishOnlyTerm: no Japanese source names it (never a Japanese name of ours)

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-")

    def definition_texts(self, lang: str) -> list[DefinitionText]:
        """Every wording of the concept's definitions, those in ``lang`` first, then by language; in a
        language the originals before the translations."""
        texts = [t for family in self.definitions for items in family.by_language.values() for t in items]
        return sorted(texts, key=lambda t: (t.language != lang, t.language, t.is_translation, t.text))


@dataclass
class Scheme:
    """A concept scheme: its labels by language, its sources and its concepts (sorted by IRI)."""

    iri: str
    curie: str
    slug: str
    label: dict[str, list[str]]
    sources: list[Ref]
    concepts: list[Concept]

    @property
    def page(self) -> str:
        return f"scheme-{self.slug}.html"


_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ENGLISH_ONLY = "https://w3id.org/evkg/ontology/EnglishOnlyTerm"
_SOURCE = "http://purl.org/dc/terms/source"
_NOTES = (f"{_SKOS}scopeNote", f"{_SKOS}note", f"{_SKOS}editorialNote")
_MAPPINGS = (f"{_SKOS}exactMatch", f"{_SKOS}closeMatch", f"{_SKOS}broadMatch", f"{_SKOS}relatedMatch")

#: (value, graph IRI) of each property of a subject, by subject IRI and property IRI.
_Facts = Mapping[str, Mapping[str, list[tuple[Any, str]]]]


def query_text() -> str:
    """The text of ``docs/queries/glossary.rq``: every scheme, its concepts and the labels they point at."""
    return resources.files(__package__).joinpath("queries", "glossary.rq").read_text(encoding="utf-8")


def _key(term: Any) -> str:
    """A subject's key: an IRI, or ``_:id`` for a blank node."""
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _by_lang(values: Iterable[tuple[Any, str]]) -> dict[str, list[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for value, _ in values:
        if isinstance(value, ox.Literal):
            out[value.language or ""].add(value.value)
    return {lang: sorted(texts) for lang, texts in sorted(out.items())}


def _label(facts: _Facts, key: str, prefixes: Prefixes, lang: str = "en") -> str:
    ranks = {f"{_SKOS}prefLabel": 0, _RDFS_LABEL: 1}
    candidates = (
        (rank, value.language, value.value)
        for prop, rank in ranks.items()
        for value, _ in facts.get(key, {}).get(prop, [])
        if isinstance(value, ox.Literal)
    )
    found = pick_label(candidates, lang, LANGUAGES, anything=False)
    return found[0] if found is not None else prefixes.curie(key) or key


def _ref(facts: _Facts, key: str, prefixes: Prefixes) -> Ref:
    return Ref(key, prefixes.curie(key) or key, _label(facts, key, prefixes))


def _objects(facts: _Facts, key: str, prop: str) -> list[str]:
    """The IRIs ``key`` points at by ``prop``, sorted."""
    return sorted({v.value for v, _ in facts.get(key, {}).get(prop, []) if isinstance(v, ox.NamedNode)})


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


def _literal_families(facts: _Facts, key: str) -> list[DefinitionFamily]:
    """The definitions written as a plain literal: each one the original of a family of its own."""
    texts: dict[tuple[str, str], DefinitionText] = {}
    for value, graph in facts.get(key, {}).get(f"{_SKOS}definition", []):
        if not isinstance(value, ox.Literal):
            continue
        language = value.language or ""
        entry = texts.setdefault((language, value.value), DefinitionText("", "", value.value, language, False, None))
        if graph not in entry.graphs:
            entry.graphs.append(graph)
    return [
        DefinitionFamily(f"{text}@{language}", {language: [entry]}) for (language, text), entry in sorted(texts.items())
    ]


def schemes(engine: Engine, prefixes: Prefixes, helpers: Any, *, scheme: str | None = None) -> list[Scheme]:
    """Every ``skos:ConceptScheme`` of the data (or only ``scheme``) with its concepts, sorted by IRI.

    ``engine``: any evkg engine (the union of the named graphs as default graph); ``helpers``: the
    query helpers that hold ``term_definitions`` (cq13), run on the same data.
    """
    bindings = {"scheme": ox.NamedNode(scheme)} if scheme is not None else None
    facts: dict[str, dict[str, list[tuple[Any, str]]]] = defaultdict(lambda: defaultdict(list))
    found: set[str] = set()
    for row in solutions(engine.query(query_text(), bindings)):
        found.add(row["scheme"].value)
        graph = row["graph"]
        entry = (row["value"], prefixes.curie(graph.value) or graph.value)
        values = facts[_key(row["subject"])][row["property"].value]
        if entry not in values:
            values.append(entry)
    out = []
    for iri in sorted(found):
        tops = set(_objects(facts, iri, f"{_SKOS}hasTopConcept"))
        members = set(tops)
        for key, properties in facts.items():
            if any(v == ox.NamedNode(iri) for v, _ in properties.get(f"{_SKOS}inScheme", [])):
                members.add(key)
            if any(v == ox.NamedNode(iri) for v, _ in properties.get(f"{_SKOS}topConceptOf", [])):
                members.add(key)
                tops.add(key)
        concepts = []
        for key in sorted(members):
            props = facts.get(key, {})
            notes: dict[str, list[str]] = defaultdict(list)
            for prop in _NOTES:
                for lang, texts in _by_lang(props.get(prop, [])).items():
                    notes[lang].extend(texts)
            concept = Concept(
                iri=key,
                curie=prefixes.curie(key) or key,
                pref=_by_lang(props.get(f"{_SKOS}prefLabel", [])),
                alt=_by_lang(props.get(f"{_SKOS}altLabel", [])),
                broader=[_ref(facts, b, prefixes) for b in _objects(facts, key, f"{_SKOS}broader")],
                notes=dict(notes),
                mappings=[
                    (prefixes.curie(p) or p, _ref(facts, o, prefixes))
                    for p in _MAPPINGS
                    for o in _objects(facts, key, p)
                ],
                top=key in tops,
                english_only=_ENGLISH_ONLY in _objects(facts, key, _RDF_TYPE),
            )
            if not key.startswith("_:"):
                rows = list(helpers.term_definitions(term=URIRef(key), lang="en"))
                concept.definitions = _families(rows, prefixes)
            concept.definitions += _literal_families(facts, key)
            concepts.append(concept)
        own = facts.get(iri, {})
        out.append(
            Scheme(
                iri=iri,
                curie=prefixes.curie(iri) or iri,
                slug=iri.rstrip("/").rsplit("/", 1)[-1],
                label=_by_lang(own.get(f"{_SKOS}prefLabel", [])) or _by_lang(own.get(_RDFS_LABEL, [])),
                sources=[_ref(facts, s, prefixes) for s in _objects(facts, iri, _SOURCE)],
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
            missing = [lang for lang in LANGUAGES if not c.pref.get(lang) and not (lang == "ja" and c.english_only)]
            if missing:
                out.append(f"glossary: {c.curie} in {s.curie} has no skos:prefLabel@{', @'.join(missing)}")
    return out


__all__ = [
    "Concept",
    "DefinitionFamily",
    "DefinitionText",
    "LANGUAGES",
    "Ref",
    "Scheme",
    "query_text",
    "scheme_warnings",
    "schemes",
]
