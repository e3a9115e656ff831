"""What the HTML pages and the IRI descriptions show, read from the store.

:class:`Site` is built once when the server starts, from the read-only store: it caches every
label (each language), every resource's classes, the evidence behind each statement (the
``evkg:Evidence`` annotations: quote, document, named graph, grade and the quote's translations),
the recorded source conflicts and the search index. The data does not change while the server
runs, so the pages need only a few pattern lookups each (``quads_for_pattern``), and the SPARQL of
the few bigger views lives in ``serve/queries/*.rq``; the glossary is :mod:`evkg.docs.glossary`'s model,
the one the docs site shows.

Labels are chosen in the page's language, then the other language, then an untagged literal, then
the CURIE: a :class:`Text` keeps the language of the text it holds, so that the page can mark a
Japanese fallback on an English page with ``lang="ja"``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import RDF

from evkg.data import identifiers
from evkg.data.layout import DataDir
from evkg.data.prefixes import Prefixes
from evkg.docs.glossary import Concept, Scheme, schemes
from evkg.query.engine import OxigraphEngine, solutions
from evkg.query.helpers import QueryHelpers, discover
from evkg.rdf.labels import pick_label, primary_language
from evkg.rdf.literals import WrittenLiterals
from evkg.rdf.parse import holds_union
from evkg.serve import sources, svg
from evkg.serve.search import MAX_MATCHES, SearchIndex

_RDF_TYPE = str(RDF.type)
_PREFERRED = ("skos:prefLabel", "rdfs:label", "schema:name", "foaf:name", "dcterms:title")
_ALTERNATIVE = ("skos:altLabel", "schema:alternateName", "schema:legalName")
MAX_INCOMING = 60
#: Search hits per page.
SEARCH_PAGE = 20
MAX_NESTING = 4
PICTURE_SIDE = 9
#: Which neighbours the picture keeps first when there are more than PICTURE_SIDE on a side.
PICTURE_PRIORITY = {
    "organization": 0,
    "agreement": 1,
    "document": 2,
    "publication": 3,
    "term": 4,
    "graph": 5,
    "other": 6,
}


# --- view model --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    """A text and the language it is in ("" when untagged)."""

    text: str
    lang: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Ref:
    """A link to a resource: its IRI, label, where to go (local page or the IRI itself)."""

    iri: str
    label: Text
    href: str | None
    local: bool
    curie: str | None = None


@dataclass
class EvidenceView:
    evidence: Ref
    document: Ref | None
    quote: Text | None
    translation: Text | None
    graph: Ref
    grade: Ref | None
    source_href: str | None = None  # the quote's words on the source page of its graph


@dataclass
class Value:
    """One value of a property: an IRI, a literal or a nested blank node, with its sources."""

    kind: str  # iri, literal, bnode
    ref: Ref | None = None
    text: Text | None = None
    datatype: str | None = None
    graphs: list[Ref] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)
    nested: list[Group] = field(default_factory=list)
    quoted_in: list[tuple[Ref, str]] = field(default_factory=list)  # (graph, its source page at these words)

    @property
    def sort_key(self) -> str:
        if self.ref is not None:
            return self.ref.label.text.casefold()
        if self.text is not None:
            return self.text.text.casefold()
        return "~"


@dataclass
class Group:
    """A property and its values (or the resources that link here with it)."""

    predicate: Ref
    values: list[Value]
    more: int = 0


@dataclass
class Identifier:
    predicate: Ref
    value: str
    href: str | None


@dataclass
class EntityView:
    iri: str
    curie: str | None
    label: Text
    labels: list[Text]
    types: list[Ref]
    statements: list[Group]
    incoming: list[Group]
    identifiers: list[Identifier]
    links: list[tuple[Ref, Ref]]
    graphs: list[Ref]
    conflicts: list[Ref]
    evidence_count: int
    kind: str
    exists: bool = True
    #: a term's definitions in full, every language, each with its sources (see Site.term_definitions)
    definitions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TimelineData:
    items: list[svg.TimelineItem]
    links: list[tuple[str, str]]
    tracks: list[tuple[str, str, str]]
    root: Ref


# --- configuration -------------------------------------------------------------------------------------
@functools.cache
def site_config() -> dict[str, Any]:
    """``serve/site.toml``: messages, index pages, identifier properties."""
    with resources.files(__package__).joinpath("site.toml").open("rb") as fh:
        return tomllib.load(fh)


@functools.cache
def query_text(name: str) -> str:
    """The text of ``serve/queries/<name>.rq``."""
    return resources.files(__package__).joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


@functools.cache
def vocabulary_labels() -> dict[str, dict[str, str]]:
    """Display labels of reused vocabulary terms (``serve/labels.ttl``): IRI -> language -> label."""
    data = resources.files(__package__).joinpath("labels.ttl").read_bytes()
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for quad in ox.parse(data, format=ox.RdfFormat.TURTLE):
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.language:
            out[quad.subject.value].setdefault(obj.language.lower(), obj.value)
    return dict(out)


def _timeline_label(label: Text) -> Text:
    """A version's label on the timeline: the part in brackets at its end, if any.

    >>> _timeline_label(Text("Views on exosomes (English version, May 2022)", "en")).text
    'English version, May 2022'
    >>> _timeline_label(Text("エクソソーム等の考え方（日本語版、2021年3月）", "ja")).text
    '日本語版、2021年3月'
    """
    text = label.text.strip()
    for opening, closing in (("(", ")"), ("（", "）")):
        if text.endswith(closing) and opening in text:
            inner = text[text.rindex(opening) + 1 : -1].strip()
            if inner and len(text) - len(inner) > 8:
                return Text(inner, label.lang)
    return label


def _search_weight(site: Site, iri: str) -> int:
    """Search hits of the same grade: things (organisations, agreements, ...) before records about them."""
    return PICTURE_PRIORITY.get(site.kind(iri), len(PICTURE_PRIORITY))


def _lang(literal: ox.Literal) -> str:
    """The language of a literal: its tag, else ``ja`` for untagged text written in Japanese script
    (quotes of Japanese sources are often untagged; the page must still mark them ``lang="ja"``)."""
    if literal.language:
        return primary_language(literal.language)
    return "ja" if _JAPANESE.search(literal.value) else ""


#: Hiragana, katakana and CJK ideographs: text holding them is Japanese (evkg's other language is English).
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


# --- the site ---------------------------------------------------------------------------------------
class Site:
    """Labels, classes, evidence and search over a read-only store, for the pages."""

    def __init__(
        self, store: ox.Store, data: DataDir, prefixes: Prefixes, literals: WrittenLiterals | None = None
    ) -> None:
        self.store = store
        #: the statements whose literal the store rewrote: descriptions and pages show them as written
        self.literals = literals if literals is not None else WrittenLiterals()
        self.data = data
        self.prefixes = prefixes
        self.config = site_config()
        self.languages: list[str] = list(self.config["languages"])
        self.default_language: str = self.config["default_language"]
        ontology_ns = prefixes["evkg"]
        if not ontology_ns.endswith("ontology/"):
            raise ValueError(f"the evkg namespace <{ontology_ns}> does not end in ontology/")
        #: ``https://w3id.org/evkg/``: IRIs below it are served by this site (path = the rest).
        self.base = ontology_ns[: -len("ontology/")]
        self.graphs: list[str] = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        self._labels: dict[str, dict[str, tuple[int, str]]] = {}
        self.alt_labels: dict[str, list[Text]] = defaultdict(list)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.evidence: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        self.conflicts: dict[str, list[str]] = defaultdict(list)
        self.search_index = SearchIndex()
        self._graph_sizes: dict[str, int] = {}
        self._kinds: dict[str, str] = {}
        self._curies: dict[str, str | None] = {}
        #: (kind, expanded classes) of each index page, in order
        self._index_classes = [
            (str(i["kind"]), {str(prefixes.expand(c)) for c in i["classes"]}) for i in self.config["index"]
        ]
        self._graph_set = set(self.graphs)
        self._definitions: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self._bag_union = not holds_union(store)  # evkg's stores hold the union (a set) as default graph
        self._load()

    def _select(self, name: str, **bindings: ox.NamedNode | ox.Literal) -> ox.QuerySolutions:
        result = self.store.query(
            query_text(name),
            use_default_graph_as_union=self._bag_union,
            substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
        )
        assert isinstance(result, ox.QuerySolutions)
        return result

    def _load(self) -> None:
        preferred = {str(self.prefixes.expand(c)): rank for rank, c in enumerate(_PREFERRED)}
        alternative = {str(self.prefixes.expand(c)) for c in _ALTERNATIVE}
        for row in self._select("labels"):
            resource, prop, label = row["resource"], row["property"], row["label"]
            if not isinstance(label, ox.Literal) or isinstance(resource, ox.BlankNode):
                continue
            iri, lang = resource.value, _lang(label)
            rank = preferred.get(prop.value)
            if rank is not None:
                current = self._labels.setdefault(iri, {}).get(lang)
                if current is None or (rank, label.value) < current:
                    self._labels[iri][lang] = (rank, label.value)
            elif prop.value in alternative:
                self.alt_labels[iri].append(Text(label.value, lang))
            self.search_index.add(iri, label.value, lang, rank is not None and rank <= 1)
        for texts in self.alt_labels.values():
            texts.sort(key=lambda t: (t.lang, t.text))
        for row in self._select("types"):
            self.types[row["resource"].value].add(row["type"].value)
        for row in self._select("evidence"):
            key = (row["subject"].value, row["predicate"].value, str(row["object"]))
            self.evidence[key].append(
                {k: row[k] for k in ("evidence", "document", "quote", "translation", "graph", "grade")}
            )
        for row in self._select("conflicts"):
            if row["subject"] is not None:
                self.conflicts[row["subject"].value].append(row["conflict"].value)
        sizes = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        for row in solutions(self.store.query(sizes)):
            self._graph_sizes[row["g"].value] = int(row["n"].value)

    # --- IRIs and paths -----------------------------------------------------------------------------------
    def is_ours(self, iri: str) -> bool:
        return iri.startswith(self.base) and len(iri) > len(self.base)

    def local_path(self, iri: str) -> str | None:
        """``/id/organization/jsrm`` for ``https://w3id.org/evkg/id/organization/jsrm``; None if not ours."""
        if not self.is_ours(iri):
            return None
        return "/" + iri[len(self.base) :]

    def iri_of_path(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        if iri in self.graphs:
            return True
        for pattern in ((node, None, None, None), (None, None, node, None), (None, node, None, None)):
            for _ in self.store.quads_for_pattern(*pattern):
                return True
        return False

    # --- labels ---------------------------------------------------------------------------------------
    def label(self, iri: str, lang: str) -> Text:
        """The best label of ``iri`` in ``lang``, else the other language, untagged, or the CURIE."""
        for table in (self._labels.get(iri), {k: (0, v) for k, v in vocabulary_labels().get(iri, {}).items()}):
            if not table:
                continue
            chosen = pick_label(((rank, tag, text) for tag, (rank, text) in table.items()), lang, (*self.languages, ""))
            if chosen is not None:
                return Text(*chosen)
        curie = self.prefixes.curie(iri)
        return Text(curie or iri, "")

    def labels_of(self, iri: str) -> list[Text]:
        table = self._labels.get(iri, {})
        return [Text(text, lang) for lang, (_, text) in sorted(table.items())]

    def curie(self, iri: str) -> str | None:
        """``prefixes.curie``, remembered (the same IRIs come back on every page)."""
        if iri not in self._curies:
            self._curies[iri] = self.prefixes.curie(iri)
        return self._curies[iri]

    def ref(self, iri: str, lang: str) -> Ref:
        local = self.local_path(iri)
        return Ref(iri, self.label(iri, lang), local or iri, local is not None, self.curie(iri))

    def kind(self, iri: str) -> str:
        """The kind of a resource (colour of its node, icon of its search hit): from the index pages."""
        known = self._kinds.get(iri)
        if known is None:
            known = self._kinds[iri] = self._kind(iri)
        return known

    def _kind(self, iri: str) -> str:
        classes = self.types.get(iri, set())
        for kind, members in self._index_classes:
            if classes & members:
                return kind
        if iri in self._graph_set:
            return "graph"
        return "other"

    # --- descriptions (RDF) ------------------------------------------------------------------------------
    def description(self, iri: str) -> list[ox.Quad]:
        """What the IRI's RDF representations hold (named graphs kept).

        - a named graph of the dataset: all of its statements;
        - the ontology IRI: the whole ontology graph;
        - anything else: its statements, the blank nodes below them (evidence, selectors), and the
          statements of other named resources that link to it.
        """
        node = ox.NamedNode(iri)
        if iri in self.graphs:
            return list(self.literals.restore(self.store.quads_for_pattern(None, None, None, node)))
        ontology_graph = self.prefixes["graph"] + "ontology"
        if iri == self.prefixes["evkg"] and ontology_graph in self.graphs:
            graph = ox.NamedNode(ontology_graph)
            return list(self.literals.restore(self.store.quads_for_pattern(None, None, None, graph)))
        out: list[ox.Quad] = []
        seen: set[ox.BlankNode] = set()
        stack: list[ox.NamedNode | ox.BlankNode] = [node]
        while stack:
            subject = stack.pop()
            for quad in self.literals.restore(self.store.quads_for_pattern(subject, None, None, None)):
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    continue  # the union repeats what the named graphs state
                out.append(quad)
                if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                    seen.add(quad.object)
                    stack.append(quad.object)
        for quad in self.store.quads_for_pattern(None, None, node, None):
            if isinstance(quad.subject, ox.NamedNode) and not isinstance(quad.graph_name, ox.DefaultGraph):
                out.append(quad)
        return out

    # --- entity pages ----------------------------------------------------------------------------------
    def _graph_refs(self, graphs: Iterable[str], lang: str) -> list[Ref]:
        return [self.ref(g, lang) for g in sorted(set(graphs))]

    def _evidence_views(self, subject: str, predicate: str, obj: Any, lang: str) -> list[EvidenceView]:
        rows = self.evidence.get((subject, predicate, str(obj)), [])
        by_evidence: dict[tuple[str, str], EvidenceView] = {}
        for row in rows:
            key = (row["evidence"].value, row["graph"].value)
            view = by_evidence.get(key)
            if view is None:
                document = row["document"]
                grade = row["grade"]
                view = EvidenceView(
                    evidence=self.ref(row["evidence"].value, lang),
                    document=self.ref(document.value, lang) if isinstance(document, ox.NamedNode) else None,
                    quote=Text(row["quote"].value, _lang(row["quote"])) if row["quote"] is not None else None,
                    translation=None,
                    graph=self.ref(row["graph"].value, lang),
                    grade=self.ref(grade.value, lang) if isinstance(grade, ox.NamedNode) else None,
                    source_href=self.quote_href(row["graph"].value, "", "", "", row["evidence"].value),
                )
                by_evidence[key] = view
            tr = row["translation"]
            if isinstance(tr, ox.Literal) and _lang(tr) == lang and (view.quote.text if view.quote else "") != tr.value:
                view.translation = Text(tr.value, lang)
        return sorted(by_evidence.values(), key=lambda v: (v.graph.iri, v.evidence.iri))

    def _value(self, subject: str, predicate: str, obj: Any, graphs: list[str], lang: str, depth: int) -> Value:
        evidence = self._evidence_views(subject, predicate, obj, lang) if subject else []
        graph_refs = self._graph_refs(graphs, lang)
        if isinstance(obj, ox.NamedNode):
            return Value("iri", ref=self.ref(obj.value, lang), graphs=graph_refs, evidence=evidence)
        if isinstance(obj, ox.Literal):
            datatype = None
            if not obj.language and obj.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                datatype = self.prefixes.curie(obj.datatype.value) or obj.datatype.value
            quoted_in = [
                (self.ref(g, lang), where)
                for g in sorted(set(graphs))
                if (where := self.quote_href(g, subject, predicate, obj.value)) is not None
            ]
            return Value(
                "literal",
                text=Text(obj.value, _lang(obj)),
                datatype=datatype,
                graphs=graph_refs,
                evidence=evidence,
                quoted_in=quoted_in,
            )
        nested = self._groups(obj, lang, depth + 1) if depth < MAX_NESTING else []
        return Value("bnode", graphs=graph_refs, evidence=evidence, nested=nested)

    def _order(self, predicates: Iterable[str], lang: str) -> list[str]:
        first = [str(self.prefixes.expand(c)) for c in self.config["first_properties"]]
        rank = {iri: i for i, iri in enumerate(first)}
        return sorted(predicates, key=lambda p: (rank.get(p, len(rank)), self.label(p, lang).text.casefold(), p))

    def _groups(self, subject: ox.NamedNode | ox.BlankNode, lang: str, depth: int = 0) -> list[Group]:
        values: dict[str, dict[str, tuple[Any, list[str]]]] = defaultdict(dict)
        for quad in self.literals.restore(self.store.quads_for_pattern(subject, None, None, None)):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                continue  # the union repeats what the named graphs state
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            slot = values[quad.predicate.value].setdefault(str(quad.object), (quad.object, []))
            if graph:
                slot[1].append(graph)
        subject_iri = subject.value if isinstance(subject, ox.NamedNode) else ""
        groups = []
        for predicate in self._order(values, lang):
            vals = [
                self._value(subject_iri, predicate, obj, graphs, lang, depth)
                for obj, graphs in values[predicate].values()
            ]
            vals.sort(key=lambda v: (v.kind == "bnode", v.text.lang != lang if v.text else False, v.sort_key))
            groups.append(Group(self.ref(predicate, lang), vals))
        return groups

    def _incoming(self, iri: str, lang: str) -> list[Group]:
        subjects: dict[str, dict[str, list[str]]] = defaultdict(dict)
        for quad in self.store.quads_for_pattern(None, None, ox.NamedNode(iri), None):
            if not isinstance(quad.subject, ox.NamedNode) or isinstance(quad.graph_name, ox.DefaultGraph):
                continue
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            subjects[quad.predicate.value].setdefault(quad.subject.value, []).append(graph)
        groups = []
        for predicate in self._order(subjects, lang):
            items = sorted(subjects[predicate].items(), key=lambda kv: self.label(kv[0], lang).text.casefold())
            vals = [
                Value("iri", ref=self.ref(s, lang), graphs=self._graph_refs(g, lang)) for s, g in items[:MAX_INCOMING]
            ]
            groups.append(Group(self.ref(predicate, lang), vals, more=max(0, len(items) - MAX_INCOMING)))
        return groups

    def _identifiers(self, statements: Sequence[Group], lang: str) -> tuple[list[Identifier], list[tuple[Ref, Ref]]]:
        kinds = {str(self.prefixes.expand(c)): k for c, k in self.config["identifiers"].items()}
        link_props = {str(self.prefixes.expand(c)) for c in self.config["external_links"]}
        ids: list[Identifier] = []
        links: list[tuple[Ref, Ref]] = []
        for group in statements:
            prop = group.predicate.iri
            for value in group.values:
                if prop in kinds and value.text is not None:
                    try:
                        href: str | None = str(identifiers.iri(kinds[prop], value.text.text))
                    except (ValueError, identifiers.IdentifierError):
                        href = None
                    ids.append(Identifier(group.predicate, value.text.text, href))
                elif prop in link_props and value.ref is not None and not value.ref.local:
                    links.append((group.predicate, value.ref))
        return ids, links

    def entity(self, iri: str, lang: str) -> EntityView:
        """Everything the page of ``iri`` shows (except the pictures, see :meth:`picture`)."""
        node = ox.NamedNode(iri)
        statements = self._groups(node, lang)
        incoming = self._incoming(iri, lang)
        ids, links = self._identifiers(statements, lang)
        graphs = {g.iri for group in statements for v in group.values for g in v.graphs}
        evidence_count = sum(len(v.evidence) for group in statements for v in group.values)
        types = sorted(self.types.get(iri, ()), key=lambda t: self.label(t, lang).text.casefold())
        return EntityView(
            iri=iri,
            curie=self.prefixes.curie(iri),
            label=self.label(iri, lang),
            labels=self.labels_of(iri),
            types=self.distinct_refs(types, lang),
            statements=statements,
            incoming=incoming,
            identifiers=ids,
            links=links,
            graphs=self._graph_refs(graphs, lang),
            conflicts=[self.ref(c, lang) for c in sorted(set(self.conflicts.get(iri, [])))],
            evidence_count=evidence_count,
            kind=self.kind(iri),
            exists=bool(statements or incoming or iri in self.graphs),
            definitions=self.term_definitions(iri, lang),
        )

    # --- pictures ----------------------------------------------------------------------------------
    def picture(self, view: EntityView, lang: str, engine: str = "auto") -> str:
        """The neighbourhood SVG of an entity page."""
        skip = {str(self.prefixes.expand(c)) for c in self.config["picture_skip"]}

        def collect(groups: Sequence[Group], exclude: set[str]) -> list[tuple[str, svg.SvgNode]]:
            merged: dict[str, tuple[list[str], svg.SvgNode]] = {}
            for group in groups:
                if group.predicate.iri in skip:
                    continue
                for value in group.values:
                    if value.ref is None or value.ref.iri == view.iri or value.ref.iri in exclude:
                        continue
                    ref = value.ref
                    if ref.iri not in merged:
                        href = ref.href if ref.local else None
                        node = svg.SvgNode(ref.iri, ref.label.text, ref.label.lang, href, self.kind(ref.iri))
                        merged[ref.iri] = ([], node)
                    if group.predicate.label.text not in merged[ref.iri][0]:
                        merged[ref.iri][0].append(group.predicate.label.text)
            items = [(", ".join(labels), node) for labels, node in merged.values()]
            items.sort(key=lambda item: PICTURE_PRIORITY.get(item[1].kind, len(PICTURE_PRIORITY)))  # stable
            return items[:PICTURE_SIDE]

        center = svg.SvgNode(view.iri, view.label.text, view.label.lang, None, view.kind)
        outgoing = collect(view.statements, set())
        incoming = collect(view.incoming, {node.key for _, node in outgoing})
        return svg.neighbourhood(center, outgoing, incoming, engine=engine)

    def timeline_data(self, view: EntityView, lang: str) -> TimelineData | None:
        """The timeline of a guidance document or guideline series (also shown on its parts)."""
        evkg = self.prefixes.namespace("evkg")
        frbr = self.prefixes.namespace("frbr")
        types = self.types.get(view.iri, set())
        root = view.iri
        if str(evkg.LanguageVersion) in types or str(evkg.GuidelineEdition) in types:
            parent = [
                q.object.value
                for prop in (frbr.realizationOf, evkg.editionOf)
                for q in self.store.quads_for_pattern(ox.NamedNode(view.iri), ox.NamedNode(str(prop)), None, None)
                if isinstance(q.object, ox.NamedNode)
            ]
            if not parent:
                return None
            root = sorted(parent)[0]
        root_types = self.types.get(root, set())
        if not ({str(evkg.GuidanceDocument), str(evkg.GuidelineSeries)} & root_types):
            return None
        messages = self.config["messages"][lang]
        items: dict[str, svg.TimelineItem] = {}
        links: list[tuple[str, str]] = []
        tracks: list[tuple[str, str, str]] = []
        for row in self._select("timeline", root=ox.NamedNode(root)):
            item = row["item"].value
            kind = row["kind"].value
            language = row["language"]
            track = (
                "editions"
                if kind == "edition"
                else (language.value.rstrip("/").rsplit("/", 1)[-1] if language else "other")
            )
            name = {"editions": messages["track_editions"], "ja": messages["track_ja"], "en": messages["track_en"]}.get(
                track, track
            )
            if track not in [t[0] for t in tracks]:
                tracks.append((track, name, lang))
            date = row["date"].value if row["date"] is not None else ""
            label = _timeline_label(self.label(item, lang))
            if item not in items or (date and not items[item].date):
                latest = row["latest"]
                items[item] = svg.TimelineItem(
                    item,
                    track,
                    date,
                    label.text,
                    label.lang,
                    self.local_path(item),
                    highlight=item == view.iri or (latest is not None and latest.value == "true"),
                )
            if row["original"] is not None:
                links.append((row["original"].value, item))
        if not items:
            return None
        order = {"editions": 0, "ja": 1, "en": 2}
        tracks.sort(key=lambda t: order.get(t[0], 9))
        return TimelineData(list(items.values()), sorted(set(links)), tracks, self.ref(root, lang))

    def timeline(self, view: EntityView, lang: str) -> str | None:
        data = self.timeline_data(view, lang)
        if data is None:
            return None
        title = f"{self.config['messages'][lang]['timeline']}: {data.root.label.text}"
        return svg.timeline(data.items, data.links, title=title, tracks=data.tracks)

    # --- indexes, graphs, glossary, search ------------------------------------------------------------------
    def index_pages(self) -> list[dict[str, Any]]:
        return list(self.config["index"])

    def index(self, slug: str, lang: str) -> list[Ref] | None:
        for index in self.config["index"]:
            if index["slug"] == slug:
                classes = {str(self.prefixes.expand(c)) for c in index["classes"]}
                members = [iri for iri, types in self.types.items() if types & classes and self.is_ours(iri)]
                return sorted((self.ref(i, lang) for i in members), key=lambda r: (r.label.text.casefold(), r.iri))
        return None

    def index_count(self, slug: str) -> int:
        for index in self.config["index"]:
            if index["slug"] == slug:
                classes = {str(self.prefixes.expand(c)) for c in index["classes"]}
                return sum(1 for iri, types in self.types.items() if types & classes and self.is_ours(iri))
        return 0

    def graph_size(self, iri: str) -> int:
        return self._graph_sizes.get(iri, 0)

    def total_statements(self) -> int:
        return sum(self._graph_sizes.values())

    def graph_subjects(self, iri: str, lang: str) -> list[Ref]:
        subjects = {
            q.subject.value
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
            if isinstance(q.subject, ox.NamedNode)
        }
        return sorted((self.ref(s, lang) for s in subjects), key=lambda r: (r.label.text.casefold(), r.iri))

    @functools.cached_property
    def glossary_scheme(self) -> Scheme | None:
        """The configured scheme as :mod:`evkg.docs.glossary` reads it (the docs site's model), built once."""
        iri = str(self.prefixes.expand(self.config["glossary_scheme"]))
        found = schemes(self.engine, self.prefixes, self.helpers, scheme=iri)
        return found[0] if found else None

    def glossary(self, lang: str) -> tuple[Ref, list[dict[str, Any]]]:
        """The glossary page: the scheme and its terms (label, labels by language, alternative labels,
        definitions), sorted by their label in ``lang``."""
        scheme = self.glossary_scheme
        iri = scheme.iri if scheme is not None else str(self.prefixes.expand(self.config["glossary_scheme"]))
        out: list[dict[str, Any]] = []
        for concept in scheme.concepts if scheme is not None else []:
            out.append(
                {
                    "ref": self.ref(concept.iri, lang),
                    "labels": {
                        code: Text(concept.pref[code][0], code) for code in self.languages if concept.pref.get(code)
                    },
                    "alt": [Text(text, code) for code, texts in concept.alt.items() for text in texts],
                    "definitions": self.term_definitions(concept.iri, lang),
                }
            )
        out.sort(key=lambda e: e["ref"].label.text.casefold())
        return self.ref(iri, lang), out

    def term_definitions(self, iri: str, lang: str) -> list[dict[str, Any]]:
        """The definitions of a glossary term, in full and in every language (the page's first), each
        with its sources; a translation says so and who made it."""
        table = self._definitions.get(lang)
        if table is None:
            concepts = self.glossary_scheme.concepts if self.glossary_scheme is not None else []
            table = self._definitions[lang] = {c.iri: self._definition_views(c, lang) for c in concepts}
        return list(table.get(iri, []))

    def _definition_views(self, concept: Concept, lang: str) -> list[dict[str, Any]]:
        views = []
        for d in concept.definition_texts(lang):
            language = primary_language(d.language) or ("ja" if _JAPANESE.search(d.text) else "")
            views.append(
                {
                    "text": Text(d.text, language),
                    "sources": [self.ref(s.iri, lang) for s in d.sources],
                    "translation": d.is_translation,
                    "translators": d.translators,
                }
            )
        return views

    def distinct_refs(self, iris: Sequence[str], lang: str) -> list[Ref]:
        """Refs to ``iris``, their labels told apart: two classes both called 組織 (org:FormalOrganization,
        schema:Organization) show their CURIEs beside the label."""
        refs = [self.ref(i, lang) for i in iris]
        counts: dict[str, int] = defaultdict(int)
        for r in refs:
            counts[r.label.text] += 1
        out = []
        for r in refs:
            if counts[r.label.text] > 1 and r.curie and r.curie != r.label.text:
                r = Ref(r.iri, Text(f"{r.label.text} ({r.curie})", r.label.lang), r.href, r.local, r.curie)
            out.append(r)
        return out

    def search(
        self, query: str, lang: str, page: int = 1, per_page: int = SEARCH_PAGE
    ) -> tuple[list[tuple[Ref, Text, list[Ref]]], int]:
        """One page of the hits for ``query`` (best first, see :mod:`evkg.serve.search`) and how many
        there are in all (of our resources, at most :data:`evkg.serve.search.MAX_MATCHES` ranked)."""
        weight = functools.partial(_search_weight, self)
        ranked = [
            (iri, e) for iri, e in self.search_index.search(query, MAX_MATCHES, weight=weight) if self.is_ours(iri)
        ]
        start = max(0, (page - 1) * per_page)
        hits = []
        for iri, entry in ranked[start : start + per_page]:
            types = self.distinct_refs(sorted(self.types.get(iri, ())), lang)
            hits.append((self.ref(iri, lang), Text(entry.text, entry.lang), types))
        return hits, len(ranked)

    def featured(self, lang: str) -> list[Ref]:
        refs = []
        for curie in self.config["featured"]:
            iri = str(self.prefixes.expand(curie))
            if iri in self.types or iri in self._labels:
                refs.append(self.ref(iri, lang))
        return refs

    @functools.cached_property
    def engine(self) -> OxigraphEngine:
        """The embedded engine on this store (the literals as written), for the query helpers and the glossary."""
        return OxigraphEngine(self.store, self.prefixes, self.literals)

    @functools.cached_property
    def helpers(self) -> Any:
        """The query helpers of ``queries/`` (evkg.query.helpers), run on this store."""
        return QueryHelpers(self.engine, discover(self.data.root), self.prefixes)

    # --- sources and their archived texts (evkg.serve.sources) --------------------------------------------
    @functools.cached_property
    def source_audits(self) -> dict[str, Any]:
        """The truth audit of every graph that describes itself, by graph IRI (run once: the data do not change)."""
        # lazy: the quality layer (pySHACL) loads only when a source page is first asked for
        from evkg.quality.pipeline import audit_sources

        return {a.source.graph: a for a in audit_sources(self)}

    @functools.cached_property
    def archived_graphs(self) -> frozenset[str]:
        """The graphs that describe an archived copy of their source (cheap: no audit)."""
        query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g <https://w3id.org/evkg/ontology/archivedCopy> ?copy } }"
        return frozenset(row["g"].value for row in solutions(self.store.query(query)))

    def source_href(self, graph: str) -> str | None:
        """The source page of a graph that keeps an archived copy of its source."""
        return sources.href(graph) if graph in self.archived_graphs else None

    def quote_href(
        self, graph: str, subject: str, predicate: str, value: str, evidence: str | None = None
    ) -> str | None:
        """Where the source page of ``graph`` shows these quoted words (an evidence's, or a quoted literal's)."""
        # lazy: the quality layer (pySHACL) loads only when a source page is first asked for
        from evkg.quality.pipeline import QUOTED_PROPERTIES

        if graph not in self.archived_graphs or not (evidence or predicate in QUOTED_PROPERTIES):
            return None
        return sources.href(graph, sources.anchor(subject, predicate, value, evidence))

    def graph_rows(self, lang: str) -> list[dict[str, Any]]:
        """The named graphs with their provenance (query ``source_graphs``, CQ-23), and sizes."""
        rows: dict[str, dict[str, Any]] = {
            g: {
                "graph": self.ref(g, lang),
                "size": self.graph_size(g),
                "kind": None,
                "derived": [],
                "generated": None,
                "license": None,
                "grade": None,
                "translation_of": None,
                "source_href": self.source_href(g),
            }
            for g in self.graphs
        }
        result = self.helpers.call("source_graphs", lang=lang) if "source_graphs" in self.helpers else []
        for r in result:
            entry = rows.get(str(r.graph))
            if entry is None:
                continue
            if r.kind is not None:
                entry["kind"] = self.ref(str(r.kind), lang)
            if r.derivedFrom is not None and all(d.iri != str(r.derivedFrom) for d in entry["derived"]):
                entry["derived"].append(self.ref(str(r.derivedFrom), lang))
            if r.generatedAt is not None:
                entry["generated"] = str(r.generatedAt)
            if r.license is not None:
                entry["license"] = self.ref(str(r.license), lang)
            if r.grade is not None:
                entry["grade"] = self.ref(str(r.grade), lang)
            if r.translationOf is not None:
                entry["translation_of"] = self.ref(str(r.translationOf), lang)
        return sorted(rows.values(), key=lambda e: (e["graph"].label.text.casefold(), e["graph"].iri))


__all__ = ["EntityView", "Ref", "SEARCH_PAGE", "Site", "Text"]
