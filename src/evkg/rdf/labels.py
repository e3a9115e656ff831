"""The label of a thing in a language: evkg's one "label in language X" picker.

Every place that shows a name (validation reports, diagrams, the glossary, the docs site, the HTML
pages, link tables, SHACL messages) chooses among labels the same way:

1. the language asked for; then each language of ``fallback`` in turn (``""`` = an untagged label);
   then, unless ``anything=False``, any label at all;
2. within a language, the preferred property first (the lower ``rank``: ``skos:prefLabel`` before
   ``rdfs:label`` by default), then the smallest text, so the choice never depends on the order the
   store returns statements in.

Languages match on their primary subtag, case-insensitively (``en-GB`` is ``en``).

>>> pick_label([(1, "en", "exosome"), (0, "ja", "エクソソーム"), (0, "en", "Exosome")], "en")
('Exosome', 'en')
>>> pick_label([(0, "ja", "エクソソーム")], "en")
('エクソソーム', 'ja')
>>> pick_label([(0, "de", "Exosom")], "en", anything=False) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import Graph, Literal
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

#: Languages tried after the one asked for: evkg's two languages, then an untagged label.
FALLBACK: tuple[str, ...] = ("en", "ja", "")

#: Label properties in order of preference.
LABEL_PROPERTIES: tuple[Node, ...] = (SKOS.prefLabel, RDFS.label)


def primary_language(tag: str | None) -> str:
    """``"en"`` for ``en-GB``, ``"ja"`` for ``JA``, ``""`` for no tag."""
    return (tag or "").lower().partition("-")[0]


def pick_label(
    candidates: Iterable[tuple[int, str | None, str]],
    lang: str,
    fallback: Sequence[str] = FALLBACK,
    *,
    anything: bool = True,
) -> tuple[str, str] | None:
    """The best of ``candidates`` ``(rank, language tag, text)`` for ``lang``: ``(text, language)``, or
    None when none fits (see the module docstring for the order)."""
    best: dict[str, tuple[int, str]] = {}
    for rank, tag, text in candidates:
        language = primary_language(tag)
        current = best.get(language)
        if current is None or (rank, text) < current:
            best[language] = (rank, text)
    for wanted in (primary_language(lang), *(primary_language(f) for f in fallback)):
        if wanted in best:
            return best[wanted][1], wanted
    if anything and best:
        language = min(best)
        return best[language][1], language
    return None


def graph_label(
    graph: Graph,
    node: Node,
    lang: str,
    fallback: Sequence[str] = FALLBACK,
    *,
    properties: Sequence[Node] = LABEL_PROPERTIES,
    anything: bool = True,
) -> str | None:
    """The label of ``node`` in an rdflib ``graph`` (:func:`pick_label` over ``properties``, in that order
    of preference), or None."""
    candidates = (
        (rank, value.language, str(value))
        for rank, prop in enumerate(properties)
        for value in graph.objects(node, prop)
        if isinstance(value, Literal)
    )
    chosen = pick_label(candidates, lang, fallback, anything=anything)
    return chosen[0] if chosen else None


def literal_in(
    values: Iterable[Node], lang: str, fallback: Sequence[str] = FALLBACK, *, anything: bool = True
) -> str | None:
    """The text of the literal among ``values`` in ``lang`` (:func:`pick_label` with one rank), or None:
    for values that are not labels, such as SHACL messages and descriptions."""
    candidates = ((0, v.language, str(v)) for v in values if isinstance(v, Literal))
    chosen = pick_label(candidates, lang, fallback, anything=anything)
    return chosen[0] if chosen else None


__all__ = ["FALLBACK", "LABEL_PROPERTIES", "graph_label", "literal_in", "pick_label", "primary_language"]
