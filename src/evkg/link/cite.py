"""``evkg cite``: format a publication of the graph as a reference (citeproc-py) or export it.

The record is rebuilt from the named graphs (:func:`evkg.link.rdfmap.work_from_graph`): curated
graphs first, then registry snapshots; the author order comes from the graph with the longest
list of positioned authors. Styles are CSL files shipped in ``evkg/link/styles/`` (no network):

- ``vancouver`` — the short Vancouver form that reference lists of press releases use (first
  author, "et al.", year;volume(issue):pages); written for evkg;
- ``nlm`` — NLM *Citing Medicine* (Vancouver, up to six authors, DOI), from the CSL project;
- ``apa`` — APA 7th edition, from the CSL project.

Article titles are printed in sentence case by all three styles; a title that the graph only has
in Title Case is converted (words with inner capitals, digits or all capitals are kept, as is the
word after a colon). Formats: ``text`` (the style), ``bibtex``, ``ris``, ``csl-json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from rdflib import RDF, Dataset, URIRef
from rdflib.namespace import DCTERMS, PROV

from evkg import identifiers as ids
from evkg.errors import UsageError
from evkg.link.rdfmap import Lookup, Vocab, work_from_graph
from evkg.link.work import Work, to_csl
from evkg.prefixes import Prefixes

FORMATS = ("text", "bibtex", "ris", "csl-json")


@dataclass(frozen=True)
class Style:
    file: str
    hyphen_pages: bool  # NLM separates page ranges with a hyphen; citeproc-py writes an en dash


STYLES: dict[str, Style] = {
    "vancouver": Style("vancouver.csl", True),
    "nlm": Style("nlm.csl", True),
    "apa": Style("apa.csl", False),
}

_SMALL = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "but",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "via",
    "with",
    "vs",
}


def sentence_case(title: str) -> str:
    """Title Case → sentence case, keeping acronyms, mixed-case words and the word after a colon.

    A title that is not in Title Case (few capitalised words) is returned unchanged.

    >>> sentence_case("Emergence of the Stem Cell Secretome in Regenerative Engineering")
    'Emergence of the stem cell secretome in regenerative engineering'
    >>> sentence_case("Minimal information for studies of extracellular vesicles (MISEV2023): From basic to advanced")
    'Minimal information for studies of extracellular vesicles (MISEV2023): From basic to advanced'
    """
    words = title.split(" ")
    content = [w for w in words[1:] if w and w.lower() not in _SMALL and w[0].isalpha()]
    capitalised = [w for w in content if w[0].isupper()]
    if not content or len(capitalised) / len(content) < 0.6:
        return title
    out = []
    after_colon = True
    for w in words:
        core = w.strip("()[]\"'‘’“”,;")
        keep = (
            after_colon
            or not core
            or any(c.isdigit() for c in core)
            or (len(core) > 1 and core[1:] != core[1:].lower())
        )
        out.append(w if keep else w[:1].lower() + w[1:] if w[:1] == core[:1] else w.replace(core, core.lower(), 1))
        after_colon = w.endswith(":")
    return " ".join(out)


def graph_order(ds: Dataset, vocab: Vocab) -> list[URIRef]:
    """Named graphs in order of preference: curated, then external (crossref, doi, pubmed...), imports."""
    external = str(vocab.graph["external/"])
    imports = str(vocab.graph["imports/"])
    ranks = {"crossref": 0, "doi": 1, "pubmed-efetch": 2, "pubmed": 3}

    def key(gid: URIRef) -> tuple[int, int, str]:
        s = str(gid)
        if s.startswith(external):
            registry = s[len(external) :].split("/", 1)[0]
            return (1, ranks.get(registry, 9), s)
        if s.startswith(imports):
            return (2, 0, s)
        return (0, 0, s)

    return sorted((g.identifier for g in ds.graphs() if isinstance(g.identifier, URIRef)), key=key)


def resolve_id(lookup: Lookup, ident: str) -> URIRef:
    """Our IRI, its slug (``misev2023``, ``publication/misev2023``) or a DOI → the publication's IRI."""
    ds = lookup.ds
    text = ident.strip()
    if text.startswith(("http://", "https://")) and "doi.org/" not in text:
        iri = URIRef(text)
        if (iri, None, None) in ds:
            return iri
        raise UsageError(f"{text}: not in the graph")
    if ids.is_valid("doi", text):
        hit = lookup.publication_by_doi(ids.normalize_doi(text))
        if hit is not None:
            return hit
        raise UsageError(f"{text}: no publication with this DOI in the graph (try evkg link enrich --doi {text})")
    if ids.is_valid("pmid", text):
        hit = lookup.publication_by_pmid(ids.normalize_pmid(text))
        if hit is not None:
            return hit
    suffix = "/" + text.strip("/")
    candidates = sorted(
        {s for s in ds.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).endswith(suffix)}
        | {s for s in ds.subjects(DCTERMS.title, None) if isinstance(s, URIRef) and str(s).endswith(suffix)}
    )
    candidates = [c for c in candidates if "/id/" in str(c)]
    publications = [c for c in candidates if "/id/publication/" in str(c)]
    if len(publications) == 1:
        return publications[0]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        raise UsageError(f"{text}: ambiguous, matches {', '.join(str(c) for c in candidates)}")
    raise UsageError(f"{text}: no publication with this IRI, slug, DOI or PMID in the graph")


def record(lookup: Lookup, prefixes: Prefixes, pub: URIRef) -> Work:
    """The :class:`Work` of ``pub`` from all named graphs; creators without a position are appended."""
    vocab = Vocab.of(prefixes)
    order = graph_order(lookup.ds, vocab)
    work = work_from_graph(lookup.ds, pub, prefixes, order)
    known = {a for a in lookup.ds.objects(pub, DCTERMS.creator) if isinstance(a, URIRef)}
    positioned = set()
    for attribution in lookup.ds.objects(pub, PROV.qualifiedAttribution):
        if lookup.ds.value(attribution, vocab.evkg.authorPosition) is not None:
            agent = lookup.ds.value(attribution, PROV.agent)
            if agent is not None:
                positioned.add(agent)
    work.more_authors = len(known - positioned - {a for a in known if a in positioned})
    if len(work.authors) == 0 and known:
        work.more_authors = len(known)
    return work


def with_initials(work: Work) -> Work:
    """A copy whose authors without a given name get initials from the printed name ("Hill AF" → "A. F.")."""
    authors = []
    for a in work.authors:
        if not a.given and not a.is_group and a.printed and a.family and a.printed.startswith(a.family + " "):
            initials = a.printed[len(a.family) + 1 :]
            a = replace(a, given=" ".join(f"{c}." for c in initials if c.isalpha()))
        authors.append(a)
    return replace(work, authors=authors)


def _csl_item(work: Work, item_id: str, style_name: str) -> dict:
    """CSL-JSON for rendering; an author list known to be incomplete ends in "et al."."""
    item = to_csl(with_initials(work), item_id)
    for name in item.get("author", []):
        name.pop("ORCID", None)  # citeproc-py does not know the field
    if work.more_authors and style_name in ("vancouver", "nlm"):
        item.setdefault("author", []).append({"literal": "et al"})
    return item


def render_text(work: Work, style_name: str, item_id: str = "item") -> str:
    """One formatted reference in ``style_name`` (plain text)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    style = STYLES.get(style_name)
    if style is None:
        raise UsageError(f"unknown style {style_name!r}; known: {', '.join(STYLES)}")
    item = _csl_item(work, item_id, style_name)
    if item.get("title") and item.get("type") == "article-journal":
        item["title"] = sentence_case(item["title"])
    with resources.as_file(resources.files("evkg.link") / "styles" / style.file) as path:
        csl = CitationStylesStyle(str(path), validate=False)
    bib = CitationStylesBibliography(csl, CiteProcJSON([item]), formatter.plain)
    bib.register(Citation([CitationItem(item_id)]))
    text = str(bib.bibliography()[0])
    text = re.sub(r"^\s*1\.\s*", "", text)  # numeric styles print the citation number
    if style.hyphen_pages:
        text = re.sub(r"(?<=[0-9A-Za-z])–(?=[0-9A-Za-z])", "-", text)
    return " ".join(text.split())


def render_bibtex(work: Work, key: str) -> str:
    import bibtexparser
    from bibtexparser.model import Entry, Field

    fields = []
    names = [a.literal if a.is_group else f"{a.family}, {a.given}" if a.given else a.family for a in work.authors]
    names = [f"{{{n}}}" if n and n == (work.authors[i].literal) else n for i, n in enumerate(names)]
    if names:
        fields.append(Field("author", " and ".join(n for n in names if n)))
    for name, value in (
        ("title", f"{{{work.title}}}" if work.title else None),
        ("journal", work.container_title),
        ("year", str(work.year) if work.year else None),
        ("volume", work.volume),
        ("number", work.issue),
        ("pages", (work.page or "").replace("-", "--") or work.article_number),
        ("doi", work.doi),
        ("pmid", work.pmid),
        ("pmcid", work.pmcid),
        ("issn", work.issn_electronic or work.issn_print),
    ):
        if value:
            fields.append(Field(name, value))
    entry_type = "article" if work.type == "article-journal" else "misc"
    library = bibtexparser.Library([Entry(entry_type, key, fields)])
    return bibtexparser.write_string(library).strip() + "\n"


def render_ris(work: Work) -> str:
    import rispy

    entry: dict = {"type_of_reference": "JOUR" if work.type == "article-journal" else "GEN"}
    entry["authors"] = [
        a.literal if a.is_group else f"{a.family}, {a.given}" if a.given else a.family for a in work.authors
    ]
    for key, value in (
        ("title", work.title),
        ("journal_name", work.container_title),
        ("alternate_title2", work.nlm_abbreviation),
        ("year", str(work.year) if work.year else None),
        ("volume", work.volume),
        ("number", work.issue),
        ("start_page", work.first_page or work.article_number),
        ("end_page", work.last_page),
        ("doi", work.doi),
        ("issn", work.issn_electronic or work.issn_print),
    ):
        if value:
            entry[key] = value
    if work.pmid:
        entry["accession_number"] = work.pmid
    return rispy.dumps([entry])


def check_options(style: str, fmt: str) -> None:
    """Refuse an unknown style or format (one line naming the valid ones)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown citation format {fmt!r} (choose {', '.join(FORMATS)})")
    if style not in STYLES:
        raise UsageError(f"unknown citation style {style!r} (choose {', '.join(STYLES)})")


def cite(lookup: Lookup, prefixes: Prefixes, ident: str, style: str = "vancouver", fmt: str = "text") -> str:
    """The reference of ``ident`` in ``fmt`` (``text`` uses ``style``)."""
    check_options(style, fmt)
    pub = resolve_id(lookup, ident)
    work = with_initials(record(lookup, prefixes, pub))
    key = str(pub).rstrip("/").rsplit("/", 1)[-1]
    if fmt == "text":
        return render_text(work, style, key) + "\n"
    if fmt == "bibtex":
        return render_bibtex(work, key)
    if fmt == "ris":
        return render_ris(work)
    return json.dumps([to_csl(work, key)], indent=2, ensure_ascii=False) + "\n"


def style_files() -> list[Path]:
    """The bundled CSL files (for tests and ``--help``)."""
    folder = resources.files("evkg.link") / "styles"
    return sorted(Path(str(folder / s.file)) for s in STYLES.values())
