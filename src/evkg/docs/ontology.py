"""The ontology pages: pyLODE's documentation and our bilingual term table.

pyLODE (``pylode.OntPub``) documents OWL ontologies well, but it is monolingual at heart: given a
label in English and one in Japanese it prints them run together (``memorandum of understanding覚書``)
and picks the page title from whichever ``dcterms:title`` it meets last. So it is given a *copy* of
the ontology in which each term's labels are joined into one (``memorandum of understanding / 覚書``)
and the title is the English one; definitions in both languages it lists as they are. Next to it,
:func:`ontology_terms` feeds our own table page (``terms.html``) with every class, property and
individual, each with its English and Japanese label and definition side by side: that page is the
complete bilingual reference, and :func:`term_warnings` names every term missing one of the four.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from evkg.data.prefixes import Prefixes
from evkg.rdf.terms import ordered

#: pyLODE messages that are about its own cache, not about the ontology.
_PYLODE_NOISE = ("Could not cache", "Loading background ontologies")

KINDS = (
    ("owl:Class", "class"),
    ("owl:ObjectProperty", "object property"),
    ("owl:DatatypeProperty", "datatype property"),
    ("owl:AnnotationProperty", "annotation property"),
    ("owl:NamedIndividual", "individual"),
)


@dataclass
class OntologyTerm:
    """One own term of the ontology with its labels and definitions in English and Japanese."""

    iri: str
    curie: str
    kind: str
    label_en: str | None
    label_ja: str | None
    definition_en: str | None
    definition_ja: str | None
    parents: list[str] = field(default_factory=list)  # CURIEs of super-classes / super-properties / types
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)
    deprecated: bool = False

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-")


def _text(graph: Graph, node: Node, props: list[URIRef], lang: str) -> str | None:
    for prop in props:
        values = sorted(str(o) for o in graph.objects(node, prop) if isinstance(o, Literal) and o.language == lang)
        if values:
            return " / ".join(values)
    return None


def ontology_terms(ontology: Graph, prefixes: Prefixes) -> list[OntologyTerm]:
    """Every term in evkg's own namespace that the ontology declares, sorted by kind and CURIE."""
    x = prefixes.expand
    own = prefixes["evkg"]
    label_props = [x("rdfs:label"), x("skos:prefLabel")]
    definition_props = [x("skos:definition"), x("rdfs:comment")]
    terms: list[OntologyTerm] = []
    seen: set[Node] = set()
    for type_curie, kind in KINDS:
        for node in ordered(ontology.subjects(x("rdf:type"), x(type_curie))):
            if not isinstance(node, URIRef) or not str(node).startswith(own) or node in seen:
                continue
            seen.add(node)

            def curies(prop: str, n: Node = node) -> list[str]:
                values = ontology.objects(n, x(prop))
                return sorted(prefixes.curie(str(v)) or str(v) for v in values if not isinstance(v, BNode))

            if kind == "individual":
                parents = [c for c in curies("rdf:type") if c != "owl:NamedIndividual"]
            elif kind == "class":
                parents = curies("rdfs:subClassOf")
            else:
                parents = curies("rdfs:subPropertyOf")
            terms.append(
                OntologyTerm(
                    iri=str(node),
                    curie=prefixes.curie(str(node)) or str(node),
                    kind=kind,
                    label_en=_text(ontology, node, label_props, "en"),
                    label_ja=_text(ontology, node, label_props, "ja"),
                    definition_en=_text(ontology, node, definition_props, "en"),
                    definition_ja=_text(ontology, node, definition_props, "ja"),
                    parents=parents,
                    domain=curies("rdfs:domain"),
                    range=curies("rdfs:range"),
                    inverse=curies("owl:inverseOf"),
                    deprecated=any(str(v).lower() == "true" for v in ontology.objects(node, x("owl:deprecated"))),
                )
            )
    return terms


def term_warnings(terms: list[OntologyTerm]) -> list[str]:
    """One warning per term that lacks its English or Japanese label or definition."""
    out = []
    for t in terms:
        missing = [
            name
            for name, value in (
                ("label@en", t.label_en),
                ("label@ja", t.label_ja),
                ("definition@en", t.definition_en),
                ("definition@ja", t.definition_ja),
            )
            if not value
        ]
        if missing:
            out.append(f"ontology: {t.curie} ({t.kind}) has no {', '.join(missing)}")
    return out


# --- pyLODE ------------------------------------------------------------------------------------------
def pylode_input(ontology: Graph, prefixes: Prefixes) -> Graph:
    """The copy of the ontology pyLODE documents: bilingual labels joined, English title only."""
    x = prefixes.expand
    copy = prefixes.graph()
    for triple in ontology:
        copy.add(triple)
    for prop in (x("rdfs:label"), x("skos:prefLabel")):
        subjects = {s for s in copy.subjects(prop, None)}
        for s in ordered(subjects):
            values = [o for o in copy.objects(s, prop) if isinstance(o, Literal)]
            en = sorted(str(v) for v in values if v.language == "en")
            ja = sorted(str(v) for v in values if v.language == "ja")
            if en and ja:
                joined = " / ".join(en) if en == ja else f"{' / '.join(en)} / {' / '.join(ja)}"
                for v in values:
                    copy.remove((s, prop, v))
                copy.add((s, prop, Literal(joined, lang="en")))
    for onto in copy.subjects(x("rdf:type"), x("owl:Ontology")):
        titles = [o for o in copy.objects(onto, x("dcterms:title")) if isinstance(o, Literal)]
        if any(t.language == "en" for t in titles):
            for t in titles:
                if t.language != "en":
                    copy.remove((onto, x("dcterms:title"), t))
    return copy


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_PYLODE_NOISE):
            self.messages.append(" ".join(message.split()))


@contextlib.contextmanager
def _captured() -> Iterator[list[str]]:
    """Collect log records (WARNING and up) and Python warnings raised inside the block."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    found: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield found
    finally:
        root.removeHandler(handler)
    found.extend(handler.messages)
    # ResourceWarning: pyLODE leaves its own CSS file open; that says nothing about the ontology
    found.extend(f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, ResourceWarning))


def _ont_pub() -> Any:
    """``pylode.OntPub``, imported without the side effect of pyLODE's import.

    pyLODE 3.x calls ``logging.basicConfig(level=DEBUG)`` when it is imported (in
    ``profiles/supermodel/loader.py``), which would print every log record of the process on
    stderr; the root logger's level and handlers are put back as they were.
    """
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        # lazy: pyLODE is slow to import and needed for one page
        from pylode import OntPub
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    return OntPub


def pylode_html(ontology: Graph, prefixes: Prefixes) -> tuple[str, list[str]]:
    """pyLODE's HTML page for the ontology, and the warnings it logged."""
    OntPub = _ont_pub()  # noqa: N806
    with _captured() as found:
        html = OntPub(ontology=pylode_input(ontology, prefixes), sort_subjects=True).make_html(include_css=True)
    return str(html), [f"pyLODE: {m}" for m in found]


__all__ = ["KINDS", "ontology_terms", "pylode_html", "term_warnings"]
