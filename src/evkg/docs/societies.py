"""The societies page: the learned societies of the field, grouped by country, each fact with its source.

Rows come from the query helper ``societies_of_the_field`` (``queries/cq/cq32_societies_of_the_field.rq``): one
per society and fact (founded, founder, officer, members, journal, activity, agreement) with the named graph
that states it. Countries are the ISO 3166-1 codes the sources give (``schema:addressCountry``); a society whose
sources give none is listed under "country not stated".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evkg.data.prefixes import Prefixes

#: The order of the facts on the page, with their headings.
ASPECTS = {
    "founded": "Founded",
    "founder": "Founded by",
    "officer": "Officers",
    "members": "Members",
    "journal": "Journal",
    "activity": "What it does and issues",
    "agreement": "Agreements",
}

#: The heading of the societies whose sources state no country.
NO_COUNTRY = "country not stated"


@dataclass
class Fact:
    """One fact about a society, with the named graph that states it."""

    text: str
    graph: str
    graph_anchor: str


@dataclass
class Society:
    """A learned society and what its sources state, fact by fact."""

    curie: str
    label: str
    country: str
    facts: dict[str, list[Fact]] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-")

    def aspects(self) -> list[tuple[str, list[Fact]]]:
        return [(heading, self.facts[key]) for key, heading in ASPECTS.items() if key in self.facts]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _fact(row: Any) -> str:
    value = _text(row.valueLabel) or _text(row.value)
    detail, as_of = _text(row.detailLabel), _text(row.asOf)
    if row.aspect is not None and str(row.aspect) == "members":
        value = f"{detail} {value}".strip() if detail else value
    elif row.aspect is not None and str(row.aspect) == "agreement":
        value = f"{value} (with {detail})" if detail else value
    elif detail:
        value = f"{value}, {detail}"
    return f"{value} (as of {as_of})" if as_of else value


def countries(helpers: Any, prefixes: Prefixes, lang: str = "en") -> list[tuple[str, list[Society]]]:
    """The societies grouped by country (countries in code order, "country not stated" last)."""
    table: dict[str, Society] = {}
    for row in helpers.societies_of_the_field(lang=lang):
        iri = _text(row.society)
        curie = prefixes.curie(iri) or iri
        society = table.get(curie)
        if society is None:
            society = table[curie] = Society(curie, _text(row.societyLabel) or curie, _text(row.country))
        graph = _text(row.graph)
        graph = prefixes.curie(graph) or graph
        fact = Fact(_fact(row), graph, graph.replace(":", "-").replace("/", "-"))
        facts = society.facts.setdefault(_text(row.aspect), [])
        if fact not in facts:
            facts.append(fact)
    groups: dict[str, list[Society]] = {}
    for society in table.values():
        groups.setdefault(society.country or NO_COUNTRY, []).append(society)
    order = sorted(k for k in groups if k != NO_COUNTRY) + ([NO_COUNTRY] if NO_COUNTRY in groups else [])
    return [(k, sorted(groups[k], key=lambda s: s.label)) for k in order]


__all__ = ["ASPECTS", "NO_COUNTRY", "Fact", "Society", "countries"]
