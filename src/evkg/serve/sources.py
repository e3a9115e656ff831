"""The source pages of ``evkg serve``: a source's archived text, every quoted passage highlighted and linked.

``/source/<graph>`` shows the text the curator read (``graph/_sources/``, decision 0014) with every
passage the graph quotes marked; a mark links to the statements the passage supports, each statement
links to the page of its subject, and the evidence cards of the entity pages link back to the marked
words (``/source/<graph>#<anchor>``): one click from a fact to its words and back. The page also lists
the identifiers, dates and numbers the graph states and how each was found (in the text, as the key of
the registry record the copy was read from, or backed by an evidence quote).

The audit (:func:`evkg.quality.pipeline.audit_sources`) runs once, when the first source page is asked
for: the data do not change while the server runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from evkg.rdf.labels import pick_label

if TYPE_CHECKING:
    from evkg.quality.pipeline import SourceAudit


class Linker(Protocol):
    """What the page needs of the site (:class:`evkg.serve.site.Site`): a link to any IRI, with its label."""

    def ref(self, iri: str, lang: str) -> Any: ...


@dataclass(frozen=True)
class Words:
    """A text and its language ("" when untagged): what the templates' ``ui.text`` shows, with its ``lang``."""

    text: str
    lang: str = ""


#: Path of the source pages.
PREFIX = "/source/"
OA_EXACT = "http://www.w3.org/ns/oa#exact"
GRAPH_BASE = "https://w3id.org/evkg/graph/"


def anchor(subject: str, prop: str, value: str, evidence: str | None = None) -> str:
    """The id of a quote on its source page: ``e-<evidence slug>``, or ``q-`` and a hash of what it quotes."""
    if evidence:
        return "e-" + evidence.rstrip("/").rsplit("/", 1)[-1]
    digest = hashlib.sha1(f"{subject}\n{prop}\n{value}".encode(), usedforsecurity=False).hexdigest()
    return "q-" + digest[:12]


def href(graph: str, quote_anchor: str | None = None) -> str:
    """The path of a graph's source page (and a quote on it)."""
    slug = graph[len(GRAPH_BASE) :] if graph.startswith(GRAPH_BASE) else graph
    return PREFIX + slug + (f"#{quote_anchor}" if quote_anchor else "")


@dataclass
class Segment:
    """A run of the archived text: plain, or inside one or more quotes (marked)."""

    text: str
    quotes: list[str] = field(default_factory=list)  # anchors of the quotes that cover it, innermost first
    starts: list[str] = field(default_factory=list)  # anchors of the quotes whose first place starts here


@dataclass
class StatementView:
    subject: Any
    predicate: Any
    object: Any = None
    literal: Words | None = None


@dataclass
class QuoteView:
    anchor: str
    text: Words
    found: bool
    places: int
    kind: Any  # the quoting property (oa:exact, dcterms:title, …)
    evidence: Any
    statements: list[StatementView]


@dataclass
class CheckedView:
    subject: Any
    predicate: Any
    value: str
    kind: str
    how: str


@dataclass
class SourcePage:
    graph: Any
    page: Any
    file: str | None
    language: str
    retrieved_from: str | None
    retrieved_on: str | None
    stored_on: str | None
    extent: str | None
    grade: Any
    license: Any
    rights: Words | None
    segments: list[Segment]
    quotes: list[QuoteView]
    identifiers: list[CheckedView]
    dated: list[CheckedView]
    problems: int
    curators_work: bool

    @property
    def tallies(self) -> dict[str, tuple[int, int]]:
        def tally(items: list[Any], ok: str) -> tuple[int, int]:
            return sum(1 for i in items if getattr(i, ok)), len(items)

        return {
            "quotes": tally(self.quotes, "found"),
            "identifiers": tally(self.identifiers, "how"),
            "dated": tally(self.dated, "how"),
        }


def segments(raw: str, spans: dict[str, list[tuple[int, int]]]) -> list[Segment]:
    """``raw`` cut at every start and end of a quote's places, each run with the quotes that cover it."""
    cuts = {0, len(raw)}
    for places in spans.values():
        for start, end in places:
            cuts.update((start, end))
    first = {a: places[0][0] for a, places in spans.items() if places}
    bounds = sorted(cuts)
    out = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        covering = [
            (e - s, a) for a, places in spans.items() for s, e in places if s <= start and end <= e
        ]  # innermost (shortest) first
        out.append(
            Segment(
                raw[start:end],
                [a for _, a in sorted(covering)],
                sorted(a for a, at in first.items() if at == start),
            )
        )
    return out


def _term_view(site: Linker, term: Any, lang: str) -> tuple[Any, Words | None]:
    if isinstance(term, ox.NamedNode):
        return site.ref(term.value, lang), None
    if isinstance(term, ox.Literal):
        return None, Words(term.value, term.language or "")
    return None, None


def page(site: Linker, audit: SourceAudit, lang: str) -> SourcePage:
    """The view of one source graph's page."""
    s = audit.source
    language = s.language or ""
    raw = s.text.raw if s.text is not None else ""
    quotes: list[QuoteView] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for q in audit.quotes:
        subject_iri = q.subject.value if isinstance(q.subject, ox.NamedNode) else ""
        a = anchor(subject_iri, q.property, q.value, q.evidence if q.property == OA_EXACT else None)
        if a in spans:
            continue  # the same words quoted for the same statement in two places of the file
        spans[a] = q.spans(s) if q.found else []  # a quote not found keeps its anchor on its list entry
        if q.evidence and q.property == OA_EXACT:
            statements = []
            for subj, pred, obj in q.statements:
                subject_ref, _ = _term_view(site, subj, lang)
                obj_ref, obj_text = _term_view(site, obj, lang)
                statements.append(StatementView(subject_ref, site.ref(pred.value, lang), obj_ref, obj_text))
        else:
            subject_ref = site.ref(subject_iri, lang) if subject_iri else None
            statements = [StatementView(subject_ref, site.ref(q.property, lang), None, Words(q.value, q.language))]
        quotes.append(
            QuoteView(
                anchor=a,
                text=Words(q.value, q.language or language),
                found=q.found,
                places=len(spans[a]),
                kind=site.ref(q.property, lang),
                evidence=site.ref(q.evidence, lang) if q.evidence else None,
                statements=statements,
            )
        )
    order = {a: min((p[0] for p in places), default=len(raw) + i) for i, (a, places) in enumerate(spans.items())}
    quotes.sort(key=lambda v: (order[v.anchor], v.anchor))

    def checked(items: list[Any]) -> list[CheckedView]:
        views = []
        for c in items:
            subject = site.ref(c.subject.value, lang) if isinstance(c.subject, ox.NamedNode) else None
            views.append(CheckedView(subject, site.ref(c.property, lang), c.text, c.kind, c.how))
        return views

    chosen = pick_label(((0, tag, text) for tag, text in s.copy_rights.items()), lang, ("en",))
    rights, rights_lang = chosen if chosen else (None, "")
    return SourcePage(
        graph=site.ref(s.graph, lang),
        page=site.ref(cited, lang) if (cited := s.page()) else None,
        file=s.file or (s.path.name if s.path is not None else None),
        language=language,
        retrieved_from=s.retrieved_from,
        retrieved_on=s.retrieved_on,
        stored_on=s.stored_on,
        extent=(s.extent or "").rsplit("/", 1)[-1] or None,
        grade=site.ref(s.grade, lang) if s.grade else None,
        license=site.ref(s.copy_license, lang) if s.copy_license else None,
        rights=Words(rights, rights_lang) if rights else None,
        segments=segments(raw, spans),
        quotes=quotes,
        identifiers=checked(audit.identifiers),
        dated=checked(audit.dated),
        problems=len(audit.problems),
        curators_work=s.curators_work or s.kind == "translation",
    )


__all__ = [
    "PREFIX",
    "CheckedView",
    "QuoteView",
    "Segment",
    "SourcePage",
    "StatementView",
    "Words",
    "anchor",
    "href",
    "page",
    "segments",
]
