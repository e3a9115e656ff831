"""Pictures of evkg, drawn with Graphviz ``dot``: the ontology, the MOU and the document timeline.

Three diagrams, each written as DOT source (deterministic: the same data gives the same bytes)
and rendered to SVG and PNG by the ``dot`` program (Debian package ``graphviz``):

``ontology``  evkg's own classes (English and Japanese label, the reused classes each extends,
              its datatype properties), ``rdfs:subClassOf`` between them, and each object property
              as an arrow from its domain to its range.
``mou``       the instance graph around the JSRM-ISEV memorandum of understanding: its parties,
              fields, purposes, areas of cooperation and the press release that announced it.
``timeline``  the guidance documents with their language versions (and which translates which)
              and the editions of the guideline series (MISEV) with the articles that publish them,
              placed on a year axis.

The diagrams read rdflib graphs (the ontology, and the union of all named graphs), not the files,
so they work on any data folder. Labels are shown in both languages where the graph has both.

>>> print(dot_id("evkg:Agreement"))
"evkg:Agreement"
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from evkg.atomic import write_bytes
from evkg.data.prefixes import Prefixes
from evkg.docs import dot
from evkg.docs.dot import DiagramError
from evkg.errors import UsageError
from evkg.query.knowledge_graph import KnowledgeGraph
from evkg.rdf.labels import graph_label
from evkg.rdf.terms import ordered, to_rdflib
from evkg.wording import wrap

#: The diagrams and the base name of their files.
DIAGRAMS = ("ontology", "mou", "timeline")

#: The agreement the ``mou`` diagram is centred on (a slug of the ``agreement:`` namespace).
MOU_SLUG = "jsrm-isev-mou-2025"

#: Fonts: Noto Sans CJK has the Japanese glyphs (Debian package ``fonts-noto-cjk``); the SVG
#: names it first and lets the browser fall back.
FONT = "Noto Sans CJK JP"
RENDER_FORMATS = ("svg", "png")
DOT_TIMEOUT = 60

# Colours (ColorBrewer Pastel1/Set2: readable in print and for colour-blind readers).
OWN_CLASS = "#dbe9f6"
REUSED_CLASS = "#eeeeee"
CENTRE = "#fde0c5"
ORGANIZATION = "#d9f0d3"
TERM = "#e7d4e8"
DOCUMENT = "#fff2ae"
OTHER = "#f4f4f4"


# --- small helpers -----------------------------------------------------------------------------------
def dot_id(text: str) -> str:
    """``text`` as a quoted DOT identifier (:func:`evkg.docs.dot.quote`)."""
    return dot.quote(text)


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def _lines(text: str, width: int) -> str:
    return "<br/>".join(_html(line) for line in wrap(text, width, break_long_words=False))


def _predicates(prefixes: Prefixes) -> dict[str, URIRef]:
    """The IRIs the diagrams read, built from the registry (no namespace strings here)."""
    names = {
        "rdf:type": "type",
        "rdfs:label": "label",
        "rdfs:subClassOf": "subClassOf",
        "rdfs:domain": "domain",
        "rdfs:range": "range",
        "rdfs:isDefinedBy": "isDefinedBy",
        "rdfs:Resource": "Resource",
        "skos:prefLabel": "prefLabel",
        "owl:Class": "Class",
        "owl:ObjectProperty": "ObjectProperty",
        "owl:DatatypeProperty": "DatatypeProperty",
        "owl:Ontology": "Ontology",
        "dcterms:issued": "issued",
        "dcterms:language": "language",
        "dcterms:title": "title",
        "dcterms:isPartOf": "isPartOf",
        "frbr:realization": "realization",
        "frbr:realizationOf": "realizationOf",
        "schema:translationOfWork": "translationOfWork",
        "schema:position": "position",
        "evkg:GuidanceDocument": "GuidanceDocument",
        "evkg:LanguageVersion": "LanguageVersion",
        "evkg:GuidelineSeries": "GuidelineSeries",
        "evkg:GuidelineEdition": "GuidelineEdition",
        "evkg:editionOf": "editionOf",
        "evkg:signingDate": "signingDate",
        "prism:volume": "volume",
        "prism:issueIdentifier": "issue",
        "evkg:articleNumber": "articleNumber",
        "prism:pageRange": "pageRange",
    }
    missing = sorted({curie.partition(":")[0] for curie in names if curie.partition(":")[0] not in prefixes})
    if missing:
        raise DiagramError(f"the prefix registry lacks {', '.join(missing)}, which the diagrams need")
    return {short: prefixes.expand(curie) for curie, short in names.items()}


@dataclass
class Labeller:
    """Labels of nodes in a graph: ``skos:prefLabel`` else ``rdfs:label``, by language."""

    graph: Graph
    prefixes: Prefixes
    p: dict[str, URIRef] = field(init=False)

    def __post_init__(self) -> None:
        self.p = _predicates(self.prefixes)

    def label(self, node: Node, lang: str) -> str | None:
        """The label in ``lang`` only (the diagrams show each language in its own line)."""
        properties = (self.p["prefLabel"], self.p["label"])
        return graph_label(self.graph, node, lang, (), properties=properties, anything=False)

    def pair(self, node: Node) -> tuple[str, str | None]:
        """(English label or CURIE, Japanese label if it differs from the English one)."""
        en = self.label(node, "en")
        ja = self.label(node, "ja")
        first = en or ja or self.curie(node)
        second = ja if en and ja and ja != en else None
        return first, second

    def curie(self, node: Node) -> str:
        return self.prefixes.curie(str(node)) or str(node)


def _graph_header(name: str, rankdir: str, title: str) -> list[str]:
    return [
        f"digraph {name} {{",
        f"  graph [rankdir={rankdir}, fontname={dot_id(FONT)}, fontsize=18, labelloc=t, "
        f"label={dot_id(title)}, nodesep=0.25, ranksep=0.5, bgcolor=white, pad=0.3];",
        f'  node [fontname={dot_id(FONT)}, fontsize=11, shape=box, style="rounded,filled", '
        f'fillcolor={dot_id(OTHER)}, color="#666666", margin="0.12,0.06"];',
        f'  edge [fontname={dot_id(FONT)}, fontsize=9, color="#555555", fontcolor="#333333"];',
    ]


def _node_html(title: str, subtitle: str | None, detail: Iterable[str] = (), width: int = 34) -> str:
    rows = [f"<b>{_lines(title, width)}</b>"]
    if subtitle:
        rows.append(_lines(subtitle, width))
    rows.extend(f'<font point-size="9" color="#444444">{_lines(d, width + 8)}</font>' for d in detail)
    return "<" + "<br/>".join(rows) + ">"


# --- the ontology --------------------------------------------------------------------------------------
def ontology_dot(ontology: Graph, prefixes: Prefixes) -> str:
    """DOT source of evkg's own classes, their subclass links and object properties."""
    lab = Labeller(ontology, prefixes)
    p = lab.p
    own_ns = prefixes["evkg"]
    own = lambda n: isinstance(n, URIRef) and str(n).startswith(own_ns)  # noqa: E731
    classes = ordered(c for c in ontology.subjects(p["type"], p["Class"]) if own(c))
    class_set = set(classes)
    datatype_props: dict[Node, list[str]] = defaultdict(list)
    for prop in ordered(ontology.subjects(p["type"], p["DatatypeProperty"])):
        for domain in ontology.objects(prop, p["domain"]):
            if domain in class_set:
                datatype_props[domain].append(lab.curie(prop))
    lines = _graph_header("ontology", "LR", "evkg ontology: own classes and object properties")
    lines.append("  // own classes: English / Japanese label, reused classes they extend, datatype properties")
    for cls in classes:
        en, ja = lab.pair(cls)
        reused = sorted(lab.curie(s) for s in ontology.objects(cls, p["subClassOf"]) if not own(s))
        detail = [lab.curie(cls)]
        if reused:
            detail.append("⊑ " + ", ".join(reused))
        if datatype_props[cls]:
            detail.append(" · ".join(sorted(datatype_props[cls])))
        lines.append(f"  {dot_id(lab.curie(cls))} [label={_node_html(en, ja, detail)}, fillcolor={dot_id(OWN_CLASS)}];")
    lines.append("  // subclass links between own classes")
    for cls in classes:
        for sup in ordered(ontology.objects(cls, p["subClassOf"])):
            if sup in class_set:
                lines.append(
                    f"  {dot_id(lab.curie(cls))} -> {dot_id(lab.curie(sup))} "
                    f'[arrowhead=onormal, style=dashed, label="subClassOf"];'
                )
    lines.append("  // object properties: domain -> range (reused classes drawn grey)")
    reused_nodes: set[str] = set()
    edges: list[str] = []
    for prop in ordered(ontology.subjects(p["type"], p["ObjectProperty"])):
        if not own(prop):
            continue
        # no rdfs:domain or rdfs:range: any resource (drawn as rdfs:Resource)
        domains = ordered(ontology.objects(prop, p["domain"])) or [p["Resource"]]
        ranges = ordered(ontology.objects(prop, p["range"])) or [p["Resource"]]
        name = lab.curie(prop).partition(":")[2]
        for d in domains:
            for r in ranges:
                if isinstance(d, BNode) or isinstance(r, BNode):
                    continue
                for end in (d, r):
                    if end not in class_set:
                        reused_nodes.add(lab.curie(end))
                edges.append(f"  {dot_id(lab.curie(d))} -> {dot_id(lab.curie(r))} [label={dot_id(name)}];")
    for curie in sorted(reused_nodes):
        lines.append(f"  {dot_id(curie)} [shape=ellipse, style=filled, fillcolor={dot_id(REUSED_CLASS)}];")
    lines.extend(edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- the instance graph around the MOU -----------------------------------------------------------------
def _kind_colour(types: set[str]) -> str:
    local = {t.rpartition(":")[2] for t in types}
    if local & {"Organization", "FormalOrganization"}:
        return ORGANIZATION
    if "Concept" in local:
        return TERM
    if local & {"PressRelease", "CreativeWork", "JournalArticle", "LanguageVersion", "GuidanceDocument"}:
        return DOCUMENT
    return OTHER


#: Properties of the agreement drawn to its left (who signed it, where it was announced), so the
#: picture reads "parties and sources -> agreement -> what it is about".
_LEFT = ("evkg:signatory", "evkg:announcedIn")


def _position(graph: Graph, node: Node, p: dict[str, URIRef]) -> tuple[int, str]:
    positions = [int(str(v)) for v in graph.objects(node, p["position"]) if str(v).isdigit()]
    return (min(positions) if positions else 10**6, str(node))


def mou_dot(graph: Graph, prefixes: Prefixes, agreement: URIRef | None = None) -> str:
    """DOT source of the agreement and everything it links to (one hop, both directions).

    Parties, the announcement and resources that point at the agreement are drawn on the left;
    its fields, purposes and areas of cooperation on the right, each group of three or more in a
    box titled with the property's label (in the order the agreement lists them).

    Raises:
        DiagramError: the agreement is not in the graph.
    """
    lab = Labeller(graph, prefixes)
    p = lab.p
    centre = agreement or URIRef(prefixes["agreement"] + MOU_SLUG)
    if (centre, None, None) not in graph:
        raise DiagramError(f"the MOU diagram needs <{centre}>, which the graph does not describe")
    cid = lab.curie(centre)
    en, ja = lab.pair(centre)
    types = sorted(lab.curie(t) for t in graph.objects(centre, p["type"]))
    dates = sorted(str(d) for d in graph.objects(centre, p["signingDate"]))
    detail = [cid, "a " + ", ".join(types)]
    if dates:
        detail.append("signed " + ", ".join(dates))
    lines = _graph_header("mou", "LR", f"{en}: what the graph says about it")
    lines.append(f"  {dot_id(cid)} [label={_node_html(en, ja, detail, 40)}, fillcolor={dot_id(CENTRE)}, penwidth=2];")

    def node(n: Node, indent: str = "  ") -> str:
        n_en, n_ja = lab.pair(n)
        n_types = {lab.curie(t) for t in graph.objects(n, p["type"])}
        label = _node_html(n_en, n_ja, [lab.curie(n)], 30)
        return f"{indent}{dot_id(lab.curie(n))} [label={label}, fillcolor={dot_id(_kind_colour(n_types))}];"

    left = {prefixes.expand(c) for c in _LEFT}
    skip = {p["type"], p["label"], p["prefLabel"], p["signingDate"]}
    outgoing: dict[URIRef, list[Node]] = defaultdict(list)
    for prop, obj in graph.predicate_objects(centre):
        if prop not in skip and isinstance(obj, URIRef) and isinstance(prop, URIRef):
            outgoing[prop].append(obj)
    incoming = sorted(
        (lab.curie(s), s, lab.curie(pr)) for s, pr in graph.subject_predicates(centre) if isinstance(s, URIRef)
    )
    drawn: set[Node] = set()
    lines.append("  // left: parties, announcement, and what points at the agreement")
    for prop in sorted(outgoing, key=lab.curie):
        if prop not in left:
            continue
        for obj in sorted(outgoing[prop], key=lambda o: _position(graph, o, p)):
            if obj not in drawn:
                lines.append(node(obj))
                drawn.add(obj)
            # drawn from the object to the centre (dir=back) so that it is ranked to the left
            lines.append(f"  {dot_id(lab.curie(obj))} -> {dot_id(cid)} [dir=back, label={dot_id(lab.curie(prop))}];")
    for curie, subj, prop_curie in incoming:
        if subj not in drawn:
            lines.append(node(subj))
            drawn.add(subj)
        lines.append(f"  {dot_id(curie)} -> {dot_id(cid)} [label={dot_id(prop_curie)}];")
    lines.append("  // right: what the agreement is about, grouped by property")
    for prop in sorted(outgoing, key=lab.curie):
        if prop in left:
            continue
        objects = sorted(outgoing[prop], key=lambda o: _position(graph, o, p))
        p_en, p_ja = lab.pair(prop)
        title = f"{p_en} / {p_ja}" if p_ja else p_en
        if len(objects) >= 3:
            lines.append(f"  subgraph {dot_id('cluster ' + lab.curie(prop))} {{")
            lines.append(
                f'    label={dot_id(f"{title} ({lab.curie(prop)})")}; style="rounded,dashed"; color="#999999";'
            )
            lines.extend(node(o, "    ") for o in objects if o not in drawn)
            lines.append("  }")
            for o in objects:
                lines.append(f"  {dot_id(cid)} -> {dot_id(lab.curie(o))};")
        else:
            for o in objects:
                if o not in drawn:
                    lines.append(node(o))
                lines.append(f"  {dot_id(cid)} -> {dot_id(lab.curie(o))} [label={dot_id(lab.curie(prop))}];")
        drawn.update(objects)
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- the timeline ------------------------------------------------------------------------------------
_YEAR = re.compile(r"^(\d{4})")


def _best_date(values: Iterable[Node]) -> str | None:
    """The most precise date given (``2021-03-10`` over ``2021-03``), coarser disagreeing ones appended."""
    dates = sorted(
        {str(v) for v in values if isinstance(v, Literal) and _YEAR.match(str(v))}, key=lambda s: (-len(s), s)
    )
    if not dates:
        return None
    best = dates[0]
    others = [d for d in dates[1:] if not best.startswith(d)]
    return " / ".join([best, *others])


def _language(graph: Graph, node: Node, p: dict[str, URIRef]) -> str:
    langs = sorted(str(v).rstrip("/").rsplit("/", 1)[-1] for v in graph.objects(node, p["language"]))
    return ", ".join(langs)


def _citation(graph: Graph, article: Node, lab: Labeller) -> str:
    p = lab.p
    journal = next(iter(ordered(graph.objects(article, p["isPartOf"]))), None)
    bits = []
    if journal is not None:
        bits.append(lab.pair(journal)[0])
    year = _best_date(graph.objects(article, p["issued"]))
    vol = next(iter(sorted(str(v) for v in graph.objects(article, p["volume"]))), "")
    issue = next(iter(sorted(str(v) for v in graph.objects(article, p["issue"]))), "")
    loc = next(
        iter(
            sorted(
                str(v) for v in [*graph.objects(article, p["articleNumber"]), *graph.objects(article, p["pageRange"])]
            )
        ),
        "",
    )
    ref = (year or "")[:4]
    if vol:
        ref += f";{vol}"
        if issue:
            ref += f"({issue})"
    if loc:
        ref += f":{loc}"
    bits.append(ref)
    return " ".join(b for b in bits if b)


def timeline_dot(graph: Graph, prefixes: Prefixes) -> str:
    """DOT source of the guidance documents' language versions and the guideline editions by year.

    One row per year that has something (top: oldest); a dashed arrow from each translation to its
    original, a solid one from each edition of a series to the next.
    """
    lab = Labeller(graph, prefixes)
    p = lab.p
    items: list[tuple[str, int, str, str]] = []  # (year, lane, node id, node statement)
    edges: list[str] = []
    # guideline series: one node per edition, with the article(s) that realise it (lane 0)
    for series in ordered(graph.subjects(p["type"], p["GuidelineSeries"])):
        s_en, _ = lab.pair(series)
        editions = sorted(graph.subjects(p["editionOf"], series), key=lambda e: _position(graph, e, p))
        previous = None
        for edition in editions:
            date = _best_date(graph.objects(edition, p["issued"]))
            if date is None:
                continue
            e_en, e_ja = lab.pair(edition)
            detail = [f"{s_en} edition · issued {date}"]
            for article in ordered(graph.objects(edition, p["realization"])):
                lang = _language(graph, article, p)
                detail.append(_citation(graph, article, lab) + (f" ({lang})" if lang else ""))
            eid = lab.curie(edition)
            label = _node_html(e_en, e_ja, detail, 30)
            items.append((date[:4], 0, eid, f"  {dot_id(eid)} [label={label}, fillcolor={dot_id(TERM)}];"))
            if previous is not None:
                edges.append(f'  {dot_id(previous)} -> {dot_id(eid)} [label="next edition"];')
            previous = eid
    # guidance documents: one node per language version, titled with the work's label (lanes 1..)
    for lane, work in enumerate(ordered(graph.subjects(p["type"], p["GuidanceDocument"])), start=1):
        w_en, w_ja = lab.pair(work)
        versions = set(graph.objects(work, p["realization"])) | set(graph.subjects(p["realizationOf"], work))
        for version in ordered(versions):
            date = _best_date(graph.objects(version, p["issued"]))
            if date is None:
                continue
            lang = _language(graph, version, p)
            title, subtitle = (w_ja, w_en) if lang == "ja" and w_ja else (w_en, w_ja)
            detail = [f"{lang or '?'} version · {date}", lab.curie(version)]
            vid = lab.curie(version)
            label = _node_html(title, subtitle, detail, 30)
            items.append((date[:4], lane, vid, f"  {dot_id(vid)} [label={label}, fillcolor={dot_id(DOCUMENT)}];"))
            for original in ordered(graph.objects(version, p["translationOfWork"])):
                # drawn original -> translation (dir=back) so the original stays above its translation
                edges.append(
                    f"  {dot_id(lab.curie(original))} -> {dot_id(vid)} "
                    f'[dir=back, style=dashed, label="translation of"];'
                )
    lines = _graph_header("timeline", "TB", "Guidance documents and MISEV editions, with their language versions")
    if not items:
        lines.append("}")
        return "\n".join(lines) + "\n"
    years = sorted({year for year, _, _, _ in items})
    lines.append("  // the year axis: only the years that have a document")
    for year in years:
        lines.append(f'  {dot_id("year " + year)} [label={dot_id(year)}, shape=plaintext, style="", fontsize=16];')
    lines.append("  " + " -> ".join(dot_id("year " + y) for y in years) + " [style=invis];")
    lines.append("  // documents, in their year's row (series first, then one lane per guidance document)")
    for _, _, _, statement in sorted(items):
        lines.append(statement)
    for year in years:
        row = [dot_id("year " + year)] + [dot_id(n) for y, _, n, _ in sorted(items) if y == year]
        lines.append(f"  {{ rank=same; {'; '.join(row)}; }}")
        if len(row) > 1:
            lines.append(f"  {' -> '.join(row)} [style=invis];")
    lines.extend(sorted(set(edges)))
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- rendering ---------------------------------------------------------------------------------------
def dot_program() -> str:
    """Path of the ``dot`` executable. Raises :class:`DiagramError` if Graphviz is not installed."""
    found = dot.program()
    if found is None:
        raise DiagramError("Graphviz 'dot' not found: install it (Debian/Ubuntu: apt-get install graphviz)")
    return found


def render(source: str, fmt: str) -> tuple[bytes, list[str]]:
    """Run ``dot -T<fmt>`` on ``source`` (:func:`evkg.docs.dot.render`): the output and dot's warnings."""
    if fmt not in RENDER_FORMATS:
        raise UsageError(f"unknown diagram format {fmt!r} (choose one of: {', '.join(RENDER_FORMATS)})")
    return dot.render(source, fmt, DOT_TIMEOUT)


@dataclass
class Diagrams:
    """DOT sources by name, and the files and warnings :func:`write` produced."""

    sources: dict[str, str]
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def sources(ontology: Graph, union: Graph, prefixes: Prefixes, warnings: list[str] | None = None) -> dict[str, str]:
    """The DOT source of every diagram, by name (see :data:`DIAGRAMS`).

    A diagram that cannot be drawn from this data (no MOU in a curator's small working copy)
    raises :class:`DiagramError`, or, when a ``warnings`` list is given, is left out and named there.
    """
    makers = {
        "ontology": lambda: ontology_dot(ontology, prefixes),
        "mou": lambda: mou_dot(union, prefixes),
        "timeline": lambda: timeline_dot(union, prefixes),
    }
    out = {}
    for name, make in makers.items():
        try:
            out[name] = make()
        except DiagramError as exc:
            if warnings is None:
                raise
            warnings.append(f"diagram {name}: {exc}")
    return out


def write(
    dot_sources: dict[str, str], out: str | Path, formats: Iterable[str] = RENDER_FORMATS, *, keep_dot: bool = True
) -> Diagrams:
    """Render every diagram into ``out`` as ``<name>.svg`` / ``<name>.png`` (and ``<name>.dot``).

    Each file is written atomically. dot's warnings are returned, prefixed with the diagram name.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    result = Diagrams(dict(dot_sources))
    for name, source in sorted(dot_sources.items()):
        if keep_dot:
            result.files.append(write_bytes(folder / f"{name}.dot", source.encode("utf-8")))
        for fmt in formats:
            data, warnings = render(source, fmt)
            result.warnings.extend(f"diagram {name} ({fmt}): {w}" for w in warnings)
            result.files.append(write_bytes(folder / f"{name}.{fmt}", data))
    return result


def from_kg(kg: object) -> dict[str, str]:
    """The DOT sources for a loaded :class:`evkg.KnowledgeGraph`."""
    assert isinstance(kg, KnowledgeGraph)
    return sources(ontology_graph(kg), kg.rdflib_graph(), kg.prefixes)


def ontology_graph(kg: object) -> Graph:
    """The named graph ``graph:ontology`` (``ontology/evkg.ttl``) of a loaded knowledge graph."""
    assert isinstance(kg, KnowledgeGraph)
    name = str(kg.prefixes.namespace("graph")["ontology"])
    graph = kg.prefixes.graph(URIRef(name))
    for q in kg.engine.quads():
        if getattr(q.graph_name, "value", None) == name:
            graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph


__all__ = ["DIAGRAMS", "RENDER_FORMATS", "dot_program", "from_kg", "ontology_graph", "sources", "write"]
