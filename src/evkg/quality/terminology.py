"""Terminology check: the curators' text against the usage recommendations of the field's guidelines.

MISEV2023 marks some terms for caution (Table 2: small EVs and large EVs, "Recommended, but caution required")
and ISEV discourages others (exosome, ectosome: the generic term EV unless the biogenesis pathway is shown).
The graph states these as :class:`evkg:UsageRecommendation`\\ s (``evkg:usageVerdict
evkg:recommendedWithCaution`` on the recommended term, or ``evkg:discouragedTerm``), each backed by the
quote of its source, and the curators state what would show the qualification asked for as
``evkg:qualificationCue`` words ("biogenesis", 生合成, "nm", 直径 …).

:func:`check_terminology`, a check of the quality pipeline (``evkg validate``, ``evkg check``), reads the
curators' own text (``queries/terminology_texts.rq``: notes and comments anywhere; texts, definitions and
descriptions of the curators, of their translations and of curator files; never a source's quoted words)
and flags, as a **warning**, every text that uses a label of such a term (its preferred or alternative label,
in any language; English plurals too) without any of the recommendation's cues. A term inside quotation marks
(「…」, “…”, a title or a source's words) is mentioned, not used, and is not flagged. The message, in English or
Japanese, quotes the recommendation: its rationale where the source gives one, else its evidence quote (the
source's words, or their translation in the report's language).

Matching: a Latin-script label matches as a word (not inside a longer word; its first letter in either case,
an English plural ``s`` allowed), a label in Japanese script as a substring; a Latin-script cue matches at the
start of a word, case-insensitively, a Japanese one as a substring, whatever the text's language.

>>> import evkg
>>> [r.term.rsplit("/", 1)[-1] for r in sorted(rules(evkg.load()), key=lambda r: r.term)][:2]
['ectosome', 'exosome']
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

if TYPE_CHECKING:
    from evkg.quality.context import Context
    from evkg.quality.findings import Describer, Finding
    from evkg.query.knowledge_graph import KnowledgeGraph

EVKG = "https://w3id.org/evkg/ontology/"
#: The component of every finding of this check (``terminology:<recommendation's local name>``).
COMPONENT = "terminology"
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
#: Quoted passages: a term inside them is mentioned (a title, a source's words), not used.
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』|“[^”]*”|‘[^’]*’|\"[^\"]*\"")


def unquoted(text: str) -> str:
    """The text without its quoted passages (「…」, 『…』, “…”, ‘…’, "…"), where terms are mentioned, not used."""
    return _QUOTED.sub(" ", text)


@dataclass
class Rule:
    """A term used with caution: its labels, the recommendation's cues and its words."""

    recommendation: str
    term: str
    verdict: str
    by: str | None = None  # who makes the recommendation (evkg:recommendedBy)
    labels: set[str] = field(default_factory=set)
    cues: set[str] = field(default_factory=set)
    quotes: dict[str, str] = field(default_factory=dict)  # language ("en", "ja") -> quote

    @functools.cached_property
    def _label_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        out = []
        for label in sorted(self.labels, key=lambda s: (-len(s), s)):
            if _JAPANESE.search(label):
                out.append((label, re.compile(re.escape(label))))
            else:
                first, rest = label[0], re.escape(label[1:])
                alpha = first.isalpha()
                head = f"[{re.escape(first.lower())}{re.escape(first.upper())}]" if alpha else re.escape(first)
                out.append((label, re.compile(rf"(?<![A-Za-z]){head}{rest}(?:e?s)?(?![A-Za-z])")))
        return out

    @functools.cached_property
    def _cue_patterns(self) -> list[re.Pattern[str]]:
        return [
            re.compile(re.escape(cue)) if _JAPANESE.search(cue) else re.compile(rf"(?<![A-Za-z]){re.escape(cue)}", re.I)
            for cue in sorted(self.cues)
        ]

    def used_in(self, text: str) -> str | None:
        """The label of the term the text uses (the longest, if several), or None."""
        for _label, pattern in self._label_patterns:
            match = pattern.search(text)
            if match:
                return match.group(0)
        return None

    def qualified(self, text: str) -> bool:
        """Whether the text gives the qualification (one of the cues is in it)."""
        return any(p.search(text) for p in self._cue_patterns)

    def quote(self, lang: str) -> str:
        """The recommendation's words in ``lang`` (its evidence quote or a translation), else in the other language."""
        return self.quotes.get(lang) or next(iter(sorted(self.quotes.items())), ("", ""))[1]


@dataclass(frozen=True)
class Use:
    """A text that uses a term with caution without the qualification asked for."""

    rule: Rule
    graph: str
    subject: Any  # pyoxigraph term
    property: str
    text: str
    label: str  # the label as the text has it


def _query(name: str) -> str:
    return resources.files("evkg.quality").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _select(kg: KnowledgeGraph, name: str) -> Any:
    return kg.store.query(_query(name), use_default_graph_as_union=not _holds_union(kg))


def _holds_union(kg: KnowledgeGraph) -> bool:
    from evkg.rdf.parse import holds_union

    return bool(holds_union(kg.store))


def _lang_of(text: str, tag: str | None) -> str:
    if tag:
        return tag.lower().partition("-")[0]
    return "ja" if _JAPANESE.search(text) else "en"


def rules(kg: KnowledgeGraph) -> list[Rule]:
    """The terms the graph's usage recommendations mark for caution or discourage, with cues and quotes."""
    table: dict[tuple[str, str], Rule] = {}
    for row in _select(kg, "terminology_rules"):
        key = (row["recommendation"].value, row["term"].value)
        by = row["by"].value if row["by"] is not None else None
        rule = table.setdefault(key, Rule(key[0], key[1], row["verdict"].value, by))
        rule.labels.add(row["label"].value)
        if row["cue"] is not None:
            rule.cues.add(row["cue"].value)
        for column in ("rationale", "rationaleTranslation", "quote", "translation"):
            literal = row[column]
            if literal is not None:
                rule.quotes.setdefault(_lang_of(literal.value, literal.language), literal.value)
    return sorted(table.values(), key=lambda r: (r.recommendation, r.term))


def uses(kg: KnowledgeGraph) -> list[Use]:
    """Every curators' text that uses a term with caution without the qualification asked for."""
    found = rules(kg)
    out = []
    for row in _select(kg, "terminology_texts"):
        text = row["text"].value
        own = unquoted(text)
        for rule in found:
            label = rule.used_in(own)
            if label is not None and not rule.qualified(text):
                out.append(Use(rule, row["graph"].value, row["subject"], row["property"].value, text, label))
    return out


@functools.cache
def messages() -> dict[str, str]:
    """The check's severity and messages (``terminology.toml``)."""
    with resources.files("evkg.quality").joinpath("terminology.toml").open("rb") as fh:
        return tomllib.load(fh)


def findings(found: list[Use], describer: Describer) -> list[Finding]:
    """The uses as warnings, in the describer's language, each with the recommendation's words."""
    from evkg.quality.findings import Finding
    from evkg.rdf.terms import to_rdflib

    table = messages()
    lang = describer.lang
    names: dict[str, str] = defaultdict(str)
    out = []
    for use in found:
        rule = use.rule
        for iri in (rule.verdict, rule.recommendation, rule.by or rule.recommendation):
            if iri not in names:
                names[iri] = describer.label(URIRef(iri)) or describer.name(URIRef(iri)) or iri
        by = names[rule.by or rule.recommendation]
        message = (table.get(lang) or table["en"]).format(
            label=use.label,
            verdict=names[rule.verdict],
            by=by,
            cues=", ".join(sorted(rule.cues)) or "—",
            quote=rule.quote(lang),
        )
        node = to_rdflib(use.subject)
        owner = describer.owner(node)
        out.append(
            Finding(
                focus=describer.name(node) or "",
                focus_label=describer.label(node),
                path=describer.name(URIRef(use.property)),
                value=use.label,
                message=message,
                severity=str(table.get("severity", "Warning")),
                component=f"{COMPONENT}:{rule.recommendation.rsplit('/', 1)[-1]}",
                source="evkg.quality.terminology",
                graphs=(describer.name(URIRef(use.graph)) or use.graph,),
                entity=describer.name(owner) or "",
                entity_label=describer.label(owner),
            )
        )
    return out


def check_terminology(ctx: Context) -> list[Finding]:
    """The terminology check (:data:`evkg.quality.context.Check`): curators' text against usage recommendations."""
    return findings(uses(ctx.kg), ctx.describer)


__all__ = ["COMPONENT", "Rule", "Use", "check_terminology", "findings", "messages", "rules", "unquoted", "uses"]
