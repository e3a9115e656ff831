"""Map a :class:`~evkg.link.work.Work` to RDF with evkg's modelling contract, and read it back.

Pure functions: :func:`work_graph` takes the record, the IRIs to use (from a :class:`Lookup` of
the loaded graph) and the provenance of the answer, and returns an rdflib graph; nothing is read
from or written to disk here.

Modelling (see docs/linking.md):

- publication ``a fabio:JournalArticle, schema:ScholarlyArticle`` (``fabio:Erratum`` /
  ``fabio:Correction`` / ``fabio:Corrigendum`` for corrections), ``dcterms:title``, ``rdfs:label``
  @en and @ja, ``dcterms:issued`` (xsd:gYear / gYearMonth / date), ``dcterms:isPartOf`` journal,
  ``prism:volume`` / ``issueIdentifier`` / ``pageRange`` / ``startingPage`` / ``endingPage``,
  ``evkg:articleNumber``, identifiers on ``evkg:doi`` / ``pmid`` / ``pmcid`` / ``pii`` with
  ``schema:sameAs`` (DOI) and ``rdfs:seeAlso`` (PubMed, PMC) IRIs; never ``owl:sameAs``;
- ordered authors: ``dcterms:creator`` and ``prov:qualifiedAttribution`` to
  ``…/publication/<slug>/author/<n>`` (``prov:Attribution``, ``evkg:Authorship``, ``prov:agent``,
  ``evkg:authorPosition``, ``evkg:nameAsPrinted``); persons ``foaf:Person, schema:Person`` with
  ``foaf:name``, ``schema:givenName`` / ``familyName``, ``evkg:orcid`` and ``schema:sameAs`` ORCID
  IRI; group authors ``foaf:Organization``;
- journal ``fabio:Journal, schema:Periodical`` with ``dcterms:title``, ``prism:issn``,
  ``prism:eIssn``, ``fabio:hasNLMJournalTitleAbbreviation``;
- ``dcterms:subject`` MeSH descriptors (PubMed EFetch), ``evkg:authorCount`` when the record lists
  every author;
- ``cito:cites`` when the cited DOI is a publication of the graph, else ``evkg:citesDoi``;
  ``cito:corrects`` for corrections whose target is in the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV
from rdflib.term import Node

from evkg.data import identifiers as ids
from evkg.data.layout import DataDir
from evkg.data.prefixes import Prefixes
from evkg.link.work import Contributor, Work, ascii_slug, split_pages
from evkg.rdf.parse import parse_rdflib, source_files
from evkg.rdf.terms import to_rdflib

if TYPE_CHECKING:
    from evkg.query.knowledge_graph import KnowledgeGraph

AGENT_SLUG = "evkg-link"


@dataclass(frozen=True)
class Vocab:
    """The namespaces the mapping uses, taken from the prefix registry."""

    evkg: Namespace
    fabio: Namespace
    cito: Namespace
    prism: Namespace
    schema: Namespace
    graph: Namespace
    publication: Namespace
    person: Namespace
    organization: Namespace
    journal: Namespace
    agent: Namespace

    @classmethod
    def of(cls, prefixes: Prefixes) -> Vocab:
        return cls(**{name: prefixes.namespace(name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Provenance:
    """Where a mapped record came from (recorded on the named graph itself)."""

    registry: str
    request_url: str
    retrieved_at: datetime
    sha256: str
    license: str
    label: str
    label_ja: str = ""  # the source graph's Japanese label (every evkg:SourceGraph has one, SHACL checks it)


def date_literal(parts: tuple[int, ...]) -> Literal | None:
    """(2024,) → "2024"^^xsd:gYear; (2024, 2) → gYearMonth; (2024, 2, 7) → xsd:date."""
    if not parts:
        return None
    if len(parts) == 1:
        return Literal(f"{parts[0]:04d}", datatype=XSD.gYear)
    if len(parts) == 2:
        return Literal(f"{parts[0]:04d}-{parts[1]:02d}", datatype=XSD.gYearMonth)
    return Literal(f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}", datatype=XSD.date)


class Lookup:
    """Answers "which IRI does the graph already use for …?" over the loaded data folder.

    Curated graphs (not under ``graph/external/`` or ``graph/imports/``) win over fetched ones.
    """

    def __init__(self, dataset: Dataset, vocab: Vocab) -> None:
        self.ds = dataset
        self.v = vocab
        self._curated = {
            g.identifier
            for g in dataset.graphs()
            if not str(g.identifier).startswith((str(vocab.graph["external/"]), str(vocab.graph["imports/"])))
        }

    @classmethod
    def load(cls, data: DataDir, prefixes: Prefixes) -> Lookup:
        """Parse every graph file of ``data`` into named graphs (as :mod:`evkg.rdf.parse` names them)."""
        ds = Dataset(default_union=True)
        for f in source_files(data, prefixes):
            if f.kind == "graph":
                parse_rdflib(ds.graph(URIRef(f.graph)), f.path, public_id=f.graph)
        return cls(ds, Vocab.of(prefixes))

    @classmethod
    def of_graph(cls, kg: KnowledgeGraph) -> Lookup:
        """The named graphs of a loaded graph (``evkg.load``, a persisted store included), as rdflib terms."""

        ds = Dataset(default_union=True)
        graphs: dict[str, Graph] = {}
        for q in kg.engine.quads():
            if not isinstance(q.graph_name, ox.NamedNode):
                continue
            name = q.graph_name.value
            if name not in graphs:
                graphs[name] = ds.graph(URIRef(name))
            graphs[name].add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        return cls(ds, Vocab.of(kg.prefixes))

    def _subjects(self, prop: URIRef, value: Literal) -> list[URIRef]:
        hits = [(s, g) for s, _p, _o, g in self.ds.quads((None, prop, value, None)) if isinstance(s, URIRef)]
        curated = sorted({s for s, g in hits if g in self._curated})
        return curated or sorted({s for s, _ in hits})

    def publication_by_doi(self, doi: str) -> URIRef | None:
        hits = self._subjects(self.v.evkg.doi, Literal(doi))
        return hits[0] if hits else None

    def publication_by_pmid(self, pmid: str) -> URIRef | None:
        hits = self._subjects(self.v.evkg.pmid, Literal(pmid))
        return hits[0] if hits else None

    def person_by_orcid(self, orcid: str) -> URIRef | None:
        hits = self._subjects(self.v.evkg.orcid, Literal(orcid))
        return hits[0] if hits else None

    def journal_for(self, work: Work) -> URIRef | None:
        for prop, value in (
            (self.v.prism.eIssn, work.issn_electronic),
            (self.v.prism.issn, work.issn_print),
            (self.v.prism.issn, work.issn_electronic),
            (self.v.prism.eIssn, work.issn_print),
            (self.v.fabio.hasNLMJournalTitleAbbreviation, work.nlm_abbreviation),
            (DCTERMS.title, Literal(work.container_title, lang="en") if work.container_title else None),
        ):
            if value:
                hits = self._subjects(prop, value if isinstance(value, Literal) else Literal(value))
                if hits:
                    return hits[0]
        return None

    def journal_of(self, publication: URIRef) -> URIRef | None:
        """The journal a curated graph says ``publication`` is part of (one name for one journal)."""
        for _s, _p, journal, g in self.ds.quads((publication, DCTERMS.isPartOf, None, None)):
            if (
                g in self._curated
                and isinstance(journal, URIRef)
                and (journal, RDF.type, self.v.fabio.Journal) in self.ds
            ):
                return journal
        return None

    def curated_agent(self, publication: URIRef, position: int, family: str | None) -> URIRef | None:
        """The agent a curated graph gives at ``position`` of ``publication``, if its name agrees."""
        if not family:
            return None
        key = ascii_slug(family)
        for _s, _p, attribution, g in self.ds.quads((publication, PROV.qualifiedAttribution, None, None)):
            if g not in self._curated:
                continue
            pos = self.ds.value(attribution, self.v.evkg.authorPosition)
            agent = self.ds.value(attribution, PROV.agent)
            printed = self.ds.value(attribution, self.v.evkg.nameAsPrinted)
            if pos is None or agent is None or int(str(pos)) != position:
                continue
            names = [str(printed or "")] + [str(n) for n in self.ds.objects(agent, self.v.schema.familyName)]
            if any(ascii_slug(n).startswith(key) for n in names if n):
                return agent  # type: ignore[return-value]
        return None

    def publications(self) -> list[tuple[URIRef, str | None, str | None]]:
        """Every publication with a DOI or PMID: (IRI, doi, pmid), curated ones first, sorted."""
        found: dict[URIRef, list[str | None]] = {}
        for prop, index in ((self.v.evkg.doi, 0), (self.v.evkg.pmid, 1)):
            for s, _p, o, g in self.ds.quads((None, prop, None, None)):
                if isinstance(s, URIRef) and g in self._curated:
                    found.setdefault(s, [None, None])[index] = str(o)
        return [(s, v[0], v[1]) for s, v in sorted(found.items())]


def slug_of(iri: URIRef) -> str:
    """The last path segment of ``iri`` (``jsrm`` for ``…/organization/jsrm/``)."""
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def publication_iri(work: Work, lookup: Lookup | None, vocab: Vocab) -> URIRef:
    """The graph's IRI for this work (by DOI, then PMID), else ``publication/doi-<slug>`` / ``pmid-<n>``."""
    if lookup is not None:
        for hit in (
            lookup.publication_by_doi(work.doi) if work.doi else None,
            lookup.publication_by_pmid(work.pmid) if work.pmid else None,
        ):
            if hit is not None:
                return hit
    if work.doi:
        return vocab.publication[f"doi-{ids.doi_slug(work.doi)}"]
    if work.pmid:
        return vocab.publication[f"pmid-{work.pmid}"]
    first = work.authors[0].family or work.authors[0].literal if work.authors else "anon"
    words = ascii_slug(work.title or "untitled").split("-")[:4]
    return vocab.publication[ascii_slug(f"{first} {work.year or 'nd'} {' '.join(words)}")]


def agent_iri(a: Contributor, publication: URIRef, position: int, lookup: Lookup | None, vocab: Vocab) -> URIRef:
    """Person IRI: known ORCID → that person; the curated author at that position → them;
    else ``person/orcid-<orcid>`` or ``person/<family>-<initials>``; groups → ``organization/<slug>``."""
    if a.is_group:
        return vocab.organization[ascii_slug(a.literal or "group")]
    if lookup is not None:
        if a.orcid:
            hit = lookup.person_by_orcid(a.orcid)
            if hit is not None:
                return hit
        hit = lookup.curated_agent(publication, position, a.family)
        if hit is not None:
            return hit
    if a.orcid:
        return vocab.person[f"orcid-{a.orcid}"]
    initials = a.initials or (a.printed or "").rpartition(" ")[2]
    return vocab.person[ascii_slug(f"{a.family} {initials}")]


def journal_iri(work: Work, lookup: Lookup | None, vocab: Vocab) -> URIRef | None:
    if lookup is not None:
        hit = lookup.journal_for(work)
        if hit is not None:
            return hit
    issn = work.issn_electronic or work.issn_print
    if issn:
        return vocab.journal[f"issn-{issn.lower()}"]
    # the full title first: registries agree on it more often than on an abbreviation (Crossref gives
    # the publisher's, PubMed NLM's), so two records of one article name one journal
    name = work.container_title or work.nlm_abbreviation
    return vocab.journal[ascii_slug(name)] if name else None


_CORRECTION_CLASSES = {"erratum": "Erratum", "correction": "Correction", "corrigendum": "Corrigendum"}
_CSL_CLASSES = {
    "article-journal": "JournalArticle",
    "book": "Book",
    "chapter": "BookChapter",
    "paper-conference": "ConferencePaper",
    "report": "ReportDocument",
    "dataset": "DataFile",
}


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def _bilingual(g: Graph, s: URIRef, text: str, japanese: str | None = None) -> None:
    """The label as the registry writes it, tagged by its script: @ja if it has Japanese characters,
    else @en (a name in Latin script is not tagged @ja because it reads the same: evkg validate's
    truth checks refuse that); ``japanese``, our Japanese label of a Latin-script text, where the
    kind of thing needs one (a publication, the software agent)."""
    g.add((s, RDFS.label, Literal(text, lang="ja" if _JAPANESE.search(text) else "en")))
    if japanese and not _JAPANESE.search(text):
        g.add((s, RDFS.label, Literal(japanese, lang="ja")))


def work_graph(
    work: Work,
    *,
    prefixes: Prefixes,
    graph_iri: URIRef,
    provenance: Provenance | None,
    lookup: Lookup | None = None,
    publication: URIRef | None = None,
) -> Graph:
    """The RDF of one record, in a graph named ``graph_iri`` that describes its own provenance."""
    v = Vocab.of(prefixes)
    g = prefixes.graph(identifier=graph_iri)
    pub = publication or publication_iri(work, lookup, v)

    if provenance is not None:
        g.add((graph_iri, RDF.type, v.evkg.SourceGraph))
        g.add((graph_iri, RDFS.label, Literal(provenance.label, lang="en")))
        g.add((graph_iri, RDFS.label, Literal(provenance.label_ja or provenance.label, lang="ja")))
        g.add((graph_iri, PROV.wasDerivedFrom, URIRef(provenance.request_url)))
        g.add(
            (
                graph_iri,
                PROV.generatedAtTime,
                Literal(provenance.retrieved_at.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime),
            )
        )
        g.add((graph_iri, PROV.wasAttributedTo, v.agent[AGENT_SLUG]))
        g.add((graph_iri, v.evkg.responseSha256, Literal(provenance.sha256)))
        g.add((graph_iri, DCTERMS.license, URIRef(provenance.license)))
        g.add((graph_iri, v.evkg.evidenceGrade, v.evkg.primarySource))
        g.add((v.agent[AGENT_SLUG], RDF.type, PROV.SoftwareAgent))
        _bilingual(g, v.agent[AGENT_SLUG], "evkg link", "evkg の書誌リンク機能（evkg link）")

    cls = _CORRECTION_CLASSES.get(work.correction_type or "") or _CSL_CLASSES.get(work.type, "Expression")
    g.add((pub, RDF.type, v.fabio[cls]))
    g.add((pub, RDF.type, v.schema.ScholarlyArticle if cls != "Book" else v.schema.Book))
    if work.title:
        g.add((pub, DCTERMS.title, Literal(work.title, lang=work.title_language or "en")))
        _bilingual(g, pub, work.title, f"論文「{work.title}」")
    issued = date_literal(work.issued)
    if issued is not None:
        g.add((pub, DCTERMS.issued, issued))
    for prop, value in ((v.prism.volume, work.volume), (v.prism.issueIdentifier, work.issue)):
        if value:
            g.add((pub, prop, Literal(value)))
    first, last = split_pages(work.page)
    if first and last:
        g.add((pub, v.prism.pageRange, Literal(f"{first}-{last}")))
        g.add((pub, v.prism.endingPage, Literal(last)))
    if first:
        g.add((pub, v.prism.startingPage, Literal(first)))
    if work.article_number:
        g.add((pub, v.evkg.articleNumber, Literal(work.article_number)))
    if work.doi:
        g.add((pub, v.evkg.doi, Literal(work.doi)))
        g.add((pub, v.schema.sameAs, ids.doi_iri(work.doi)))
    if work.pmid:
        g.add((pub, v.evkg.pmid, Literal(work.pmid)))
        g.add((pub, RDFS.seeAlso, ids.pubmed_iri(work.pmid)))
    if work.pmcid:
        g.add((pub, v.evkg.pmcid, Literal(work.pmcid)))
        g.add((pub, RDFS.seeAlso, ids.pmc_iri(work.pmcid)))
    if work.pii:
        g.add((pub, v.evkg.pii, Literal(work.pii)))

    journal = None
    if work.container_title or work.nlm_abbreviation:
        journal = (lookup.journal_of(pub) if lookup is not None else None) or journal_iri(work, lookup, v)
    if journal is not None:
        g.add((pub, DCTERMS.isPartOf, journal))
        g.add((journal, RDF.type, v.fabio.Journal))
        g.add((journal, RDF.type, v.schema.Periodical))
        if work.container_title:
            g.add((journal, DCTERMS.title, Literal(work.container_title, lang="en")))
        _bilingual(g, journal, work.container_title or work.nlm_abbreviation or "")
        if work.issn_print:
            g.add((journal, v.prism.issn, Literal(work.issn_print)))
        if work.issn_electronic:
            g.add((journal, v.prism.eIssn, Literal(work.issn_electronic)))
        if work.nlm_abbreviation:
            g.add((journal, v.fabio.hasNLMJournalTitleAbbreviation, Literal(work.nlm_abbreviation)))

    for position, author in enumerate(work.authors, start=1):
        agent = agent_iri(author, pub, position, lookup, v)
        attribution = URIRef(f"{pub}/author/{position}")
        g.add((pub, DCTERMS.creator, agent))
        g.add((pub, PROV.qualifiedAttribution, attribution))
        g.add((attribution, RDF.type, PROV.Attribution))
        g.add((attribution, RDF.type, v.evkg.Authorship))
        g.add((attribution, PROV.agent, agent))
        g.add((attribution, v.evkg.authorPosition, Literal(position, datatype=XSD.positiveInteger)))
        g.add((attribution, v.evkg.nameAsPrinted, Literal(author.name_as_printed)))
        g.add((agent, RDF.type, PROV.Agent))  # an authorship's prov:agent is a prov:Agent (SHACL checks it)
        if author.is_group:
            g.add((agent, RDF.type, FOAF.Organization))
            g.add((agent, RDF.type, v.schema.Organization))
        else:
            g.add((agent, RDF.type, FOAF.Person))
            g.add((agent, RDF.type, v.schema.Person))
            if author.family:
                g.add((agent, v.schema.familyName, Literal(author.family)))
            if author.given:
                g.add((agent, v.schema.givenName, Literal(author.given)))
            if author.orcid:
                g.add((agent, v.evkg.orcid, Literal(author.orcid)))
                g.add((agent, v.schema.sameAs, ids.orcid_iri(author.orcid)))
        name = author.full_name if author.given or author.is_group else author.name_as_printed
        g.add((agent, FOAF.name, Literal(name)))
        _bilingual(g, agent, name)

    for ui in work.mesh:  # MeSH headings NLM indexed it with
        g.add((pub, DCTERMS.subject, ids.mesh_iri(ui)))

    if work.author_count is not None and len(work.authors) >= work.author_count:
        g.add((pub, v.evkg.authorCount, Literal(work.author_count, datatype=XSD.nonNegativeInteger)))

    for doi in work.references:
        target = lookup.publication_by_doi(doi) if lookup is not None else None
        if target is not None and target != pub:
            g.add((pub, v.cito.cites, target))
        else:
            g.add((pub, v.evkg.citesDoi, Literal(doi)))
    for doi in work.corrects:
        target = lookup.publication_by_doi(doi) if lookup is not None else None
        if target is not None:
            g.add((pub, v.cito.corrects, target))
    return g


def serialize(g: Graph) -> bytes:
    """Deterministic Turtle (``longturtle``, canonical blank nodes) for committed files."""
    return g.serialize(format="longturtle", canon=True, encoding="utf-8")


# --- reading back (for citing and exports) ----------------------------------------------------------


def _best(values: Iterable[object]) -> str | None:
    items = sorted(str(v) for v in values)
    return items[0] if items else None


def work_from_graph(ds: Dataset, pub: URIRef, prefixes: Prefixes, graph_order: list[URIRef]) -> Work:
    """Rebuild a :class:`Work` for ``pub`` from the named graphs, preferring graphs earlier in ``graph_order``.

    Each field is taken from the first graph (in ``graph_order``) that has it; the author list is
    taken from the graph with the longest list (a citing source often prints only the first author).
    """
    v = Vocab.of(prefixes)
    graphs = [ds.graph(gid) for gid in graph_order]

    def first(prop: URIRef, subject: URIRef | None = None, lang: str | None = None) -> str | None:
        s = subject if subject is not None else pub
        for g in graphs:
            values: list[Node] = list(g.objects(s, prop))
            if lang:
                tagged: list[Node] = [x for x in values if isinstance(x, Literal) and x.language == lang]
                values = tagged or values
            if values:
                return _best(values)
        return None

    def first_node(prop: URIRef) -> URIRef | None:
        for g in graphs:
            nodes = sorted(o for o in g.objects(pub, prop) if isinstance(o, URIRef))
            if nodes:
                return nodes[0]
        return None

    work = Work(title=first(DCTERMS.title, lang="en"))
    types = {t for g in graphs for t in g.objects(pub, RDF.type)}
    if v.fabio.JournalArticle in types or v.fabio.Erratum in types:
        work.type = "article-journal"
    elif v.fabio.Book in types:
        work.type = "book"
    elif types & {v.fabio.ReportDocument, v.evkg.GuidanceDocument}:
        work.type = "report"
    issued = first(DCTERMS.issued)
    if issued:
        work.issued = tuple(int(p) for p in issued.split("T")[0].split("-") if p.isdigit())
    work.volume = first(v.prism.volume)
    work.issue = first(v.prism.issueIdentifier)
    work.page = first(v.prism.pageRange) or first(v.prism.startingPage)
    work.article_number = first(v.evkg.articleNumber)
    work.doi = first(v.evkg.doi)
    work.pmid = first(v.evkg.pmid)
    work.pmcid = first(v.evkg.pmcid)
    work.pii = first(v.evkg.pii)
    journal = first_node(DCTERMS.isPartOf)
    if journal is not None:
        work.container_title = first(DCTERMS.title, journal, lang="en")
        work.nlm_abbreviation = first(v.fabio.hasNLMJournalTitleAbbreviation, journal)
        work.issn_print = first(v.prism.issn, journal)
        work.issn_electronic = first(v.prism.eIssn, journal)
        if not work.container_title:
            work.container_title = work.nlm_abbreviation or first(RDFS.label, journal, lang="en")
    counts = [int(str(c)) for g in graphs for c in g.objects(pub, v.evkg.authorCount) if str(c).isdigit()]
    work.author_count = max(counts) if counts else None  # the largest count any source gives
    best: list[tuple[int, URIRef]] = []
    for g in graphs:
        rows = []
        for attribution in g.objects(pub, PROV.qualifiedAttribution):
            pos = g.value(attribution, v.evkg.authorPosition)
            agent = g.value(attribution, PROV.agent)
            if pos is not None and isinstance(agent, URIRef):
                rows.append((int(str(pos)), agent))
        if len(rows) > len(best):
            best = sorted(rows)
    for _pos, agent in best:
        family = first(v.schema.familyName, agent)
        given = first(v.schema.givenName, agent)
        orcid = first(v.evkg.orcid, agent)
        agent_types = {t for g in graphs for t in g.objects(agent, RDF.type)}
        printed = None
        for g in graphs:
            for attribution in g.objects(pub, PROV.qualifiedAttribution):
                if g.value(attribution, PROV.agent) == agent:
                    printed = printed or g.value(attribution, v.evkg.nameAsPrinted)
        if FOAF.Organization in agent_types and FOAF.Person not in agent_types:
            work.authors.append(Contributor(literal=first(FOAF.name, agent) or str(printed or "")))
            continue
        if not given and printed and family and str(printed).startswith(family + " "):
            given = None
        work.authors.append(
            Contributor(
                family=family or str(printed or "").rpartition(" ")[0] or None,
                given=given,
                orcid=orcid,
                printed=str(printed) if printed else None,
            )
        )
    return work


__all__ = [
    "Lookup",
    "Provenance",
    "Vocab",
    "date_literal",
    "publication_iri",
    "serialize",
    "slug_of",
    "work_from_graph",
    "work_graph",
]
