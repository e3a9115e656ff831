"""The definition ledger page: every sourced definition of the field's terms side by side.

Rows come from the query helper ``definition_ledger`` (``queries/cq/cq31_definition_ledger.rq``): one per
definition (original or translation) with its source, definer, named graph and evidence grade, the criteria it
rests on (size, biogenesis, membrane, cargo: the curators' reading, ``evkg:definitionCriterion``) and the term's
usage verdicts. Here they are grouped by term, and each term gets the points where its definitions diverge: a
criterion some of its original definitions rest on and others do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evkg.data.prefixes import Prefixes

#: The criteria the ledger compares, as (column of the helper, label).
CRITERIA = (
    ("sizeBased", "size"),
    ("biogenesisBased", "biogenesis"),
    ("membrane", "membrane"),
    ("cargo", "cargo"),
)


@dataclass
class LedgerDefinition:
    """One wording of one definition of a term."""

    curie: str
    text: str
    language: str
    is_translation: bool
    source: str  # label (or CURIE) of the publication or page it comes from
    definer: str
    graph: str  # CURIE of the named graph that states it
    graph_anchor: str
    grade: str
    criteria: list[str]  # labels of the criteria it rests on


@dataclass
class LedgerTerm:
    """A term with every sourced definition of it and where they diverge."""

    curie: str
    label: str
    verdicts: list[str]
    discouraged: bool
    definitions: list[LedgerDefinition] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-")

    @property
    def sources(self) -> list[str]:
        return sorted({d.source for d in self.definitions if d.source})

    def divergences(self) -> list[str]:
        """Each criterion some original definitions rest on and others do not, in words."""
        originals = [d for d in self.definitions if not d.is_translation]
        out = []
        for _, name in CRITERIA:
            on = sorted({d.source or d.curie for d in originals if name in d.criteria})
            if on and len(on) < len({d.source or d.curie for d in originals}):
                off = sorted({d.source or d.curie for d in originals if name not in d.criteria} - set(on))
                if off:
                    out.append(f"{name}: {', '.join(on)} rest on it; {', '.join(off)} do not")
        return out


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _short(iri: Any, prefixes: Prefixes) -> str:
    text = _text(iri)
    return (prefixes.curie(text) or text) if text else ""


def terms(helpers: Any, prefixes: Prefixes, lang: str = "en") -> list[LedgerTerm]:
    """The ledger, term by term (in the helper's order), from the ``definition_ledger`` helper."""
    table: dict[str, LedgerTerm] = {}
    for row in helpers.definition_ledger(lang=lang):
        curie = _short(row.term, prefixes)
        term = table.get(curie)
        if term is None:
            term = table[curie] = LedgerTerm(curie, _text(row.termLabel) or curie, [], False)
        if row.verdict is not None:
            verdict = _short(row.verdict, prefixes).partition(":")[2] or _short(row.verdict, prefixes)
            if verdict not in term.verdicts:
                term.verdicts.append(verdict)
        term.discouraged = term.discouraged or bool(row.discouraged is not None and row.discouraged.toPython())
        definition = _short(row.definition, prefixes)
        if any(d.curie == definition and d.graph == _short(row.graph, prefixes) for d in term.definitions):
            continue
        graph = _short(row.graph, prefixes)
        term.definitions.append(
            LedgerDefinition(
                curie=definition,
                text=_text(row.text),
                language=_text(row.language),
                is_translation=bool(row.isTranslation is not None and row.isTranslation.toPython()),
                source=_text(row.sourceLabel) or _short(row.source, prefixes),
                definer=_text(row.definerLabel) or _short(row.definer, prefixes),
                graph=graph,
                graph_anchor=graph.replace(":", "-").replace("/", "-"),
                grade=_short(row.grade, prefixes).partition(":")[2],
                criteria=[
                    name
                    for column, name in CRITERIA
                    if getattr(row, column) is not None and getattr(row, column).toPython()
                ],
            )
        )
    return list(table.values())


__all__ = ["CRITERIA", "LedgerDefinition", "LedgerTerm", "terms"]
