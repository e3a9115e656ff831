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

An author list is printed as complete only when a source counts the authors (``evkg:authorCount``,
which registry snapshots carry: Crossref, DOI and PubMed records list every author) and the graph
has them all. Otherwise it is marked incomplete as each format demands: the styles end the names
with "et al." (the style's own et-al rule is applied to the names the graph has, never an ellipsis
to a last author it does not know); BibTeX ends the author field with ``and others``; CSL-JSON adds
the name ``{"literal": "others"}`` (the CSL processors' convention for "et al."); RIS, whose tags have
no such mark, says so in a note (``N1``). RIS follows the RIS specification: the record starts with
``TY`` and ends with ``ER``, one ``AU`` per author, ``DA`` as ``YYYY/MM/DD/``, lines ended by CR LF.

citeproc-py ignores the delimiter of a style's localized date forms (NLM's "2018 Nov 23" came out
as "2018Nov23"); :func:`style_xml` writes those dates out with the locale's parts and delimiter
before citeproc-py reads the style.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

from rdflib import RDF, Dataset, URIRef
from rdflib.namespace import DCTERMS, PROV

from evkg.data import identifiers as ids
from evkg.data.prefixes import Prefixes
from evkg.errors import UsageError
from evkg.link.rdfmap import Lookup, Vocab, work_from_graph
from evkg.link.work import Work, to_csl

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


_CSL_NS = "http://purl.org/net/xbiblio/csl"
_CSL = f"{{{_CSL_NS}}}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: a stand-in for the authors the graph does not have: counted by the et-al rule, never printed
_UNKNOWN_AUTHOR = {"family": "Unknown-author-placeholder"}


@functools.lru_cache(maxsize=32)
def style_xml(file: str, known_authors: int | None = None) -> bytes:
    """The CSL style as citeproc-py should read it.

    Localized dates (``<date form="text" variable="issued"/>``) are written out with the English
    locale's date parts and delimiter, which citeproc-py would otherwise drop. With
    ``known_authors`` (an incomplete list of that many names), the bibliography's et-al rule is set
    to print those names and then "et al." (``et-al-min`` = n + 1, ``et-al-use-first`` = n, no
    ``et-al-use-last``), unless the style already truncates sooner.
    """
    ET.register_namespace("", _CSL_NS)
    text = (resources.files("evkg.link") / "styles" / file).read_bytes()
    root = ET.fromstring(text)
    forms: dict[str, ET.Element] = {}
    for locale in root.findall(f"{_CSL}locale"):
        if locale.get(_XML_LANG, "en").startswith("en"):
            for date in locale.findall(f"{_CSL}date"):
                forms.setdefault(date.get("form", ""), date)
    for parent in root.iter():
        for i, date in enumerate(list(parent)):
            if date.tag != f"{_CSL}date" or date.get("form") not in forms or date.get("variable") is None:
                continue
            localized = forms[date.get("form", "")]
            wanted = {"year-month-day": 3, "year-month": 2, "year": 1}[date.get("date-parts", "year-month-day")]
            overrides = {p.get("name"): p.attrib for p in date.findall(f"{_CSL}date-part")}
            written = ET.Element(
                f"{_CSL}date", {k: v for k, v in date.attrib.items() if k not in ("form", "date-parts")}
            )
            written.set("delimiter", localized.get("delimiter", " "))
            parts = [p for p in localized.findall(f"{_CSL}date-part")]
            kept = {"year", "month", "day"} if wanted == 3 else {"year", "month"} if wanted == 2 else {"year"}
            for part in parts:
                if part.get("name") in kept:
                    element = copy.deepcopy(part)
                    element.attrib.update(overrides.get(part.get("name"), {}))
                    written.append(element)
            parent[i] = written
    if known_authors is not None:
        bibliography = root.find(f"{_CSL}bibliography")
        if bibliography is not None:
            use_first = int(bibliography.get("et-al-use-first", known_authors))
            minimum = int(bibliography.get("et-al-min", known_authors + 1))
            if not (minimum <= known_authors and use_first < known_authors):  # the style prints them all
                bibliography.set("et-al-min", str(known_authors + 1))
                bibliography.set("et-al-use-first", str(max(min(use_first, known_authors), 1)))
                bibliography.set("et-al-use-last", "false")
            # "Welsh JA, et al." (NLM) and "Welsh, J. A., et al.": a comma before "et al." after one name too
            bibliography.set("delimiter-precedes-et-al", "always")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _csl_item(work: Work, item_id: str) -> dict:
    """CSL-JSON for rendering; an incomplete author list gets a stand-in that the et-al rule hides."""
    item = to_csl(with_initials(work), item_id)
    for name in item.get("author", []):
        name.pop("ORCID", None)  # citeproc-py does not know the field
    if not work.authors_complete and item.get("author"):
        item["author"].append(dict(_UNKNOWN_AUTHOR))
    return item


def render_text(work: Work, style_name: str, item_id: str = "item") -> str:
    """One formatted reference in ``style_name`` (plain text)."""
    # lazy: each output format's library loads only when that format is asked for
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    style = STYLES.get(style_name)
    if style is None:
        raise UsageError(f"unknown style {style_name!r}; known: {', '.join(STYLES)}")
    item = _csl_item(work, item_id)
    if item.get("title") and item.get("type") == "article-journal":
        item["title"] = sentence_case(item["title"])
    known = None if work.authors_complete or not work.authors else len(work.authors)
    csl = CitationStylesStyle(io.BytesIO(style_xml(style.file, known)), validate=False)
    bib = CitationStylesBibliography(csl, CiteProcJSON([item]), formatter.plain)
    bib.register(Citation([CitationItem(item_id)]))
    text = str(bib.bibliography()[0])
    if _UNKNOWN_AUTHOR["family"] in text:  # the et-al rule must hide the stand-in; never print it
        raise UsageError(f"{item_id}: the {style_name} style printed an incomplete author list as complete")
    text = re.sub(r"^\s*1\.\s*", "", text)  # numeric styles print the citation number
    if style.hyphen_pages:
        text = re.sub(r"(?<=[0-9A-Za-z])–(?=[0-9A-Za-z])", "-", text)
    return " ".join(text.split())


def render_bibtex(work: Work, key: str) -> str:
    """``work`` as one BibTeX entry under ``key`` (a group author braced, so it is not split)."""
    # lazy: each output format's library loads only when that format is asked for
    import bibtexparser
    from bibtexparser.model import Entry, Field

    fields = []
    names = [a.literal if a.is_group else f"{a.family}, {a.given}" if a.given else a.family for a in work.authors]
    names = [f"{{{n}}}" if n and n == (work.authors[i].literal) else n for i, n in enumerate(names)]
    if names:
        listed = [n for n in names if n]
        if not work.authors_complete:
            listed.append("others")  # BibTeX's "et al.": the list is not complete
        fields.append(Field("author", " and ".join(listed)))
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
    """One RIS record (TY first, ER last, CR LF line ends, no record number line)."""
    # lazy: each output format's library loads only when that format is asked for
    import rispy
    from rispy.writer import RisWriter

    class _Writer(RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # rispy numbers records ("1."): not a RIS tag line

    entry: dict = {"type_of_reference": "JOUR" if work.type == "article-journal" else "GEN"}
    entry["authors"] = [
        a.literal if a.is_group else f"{a.family}, {a.given}" if a.given else a.family for a in work.authors
    ]
    for key, value in (
        ("title", work.title),
        ("journal_name", work.container_title),
        ("alternate_title2", work.nlm_abbreviation),
        ("year", str(work.year) if work.year else None),
        (
            "date",
            "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(work.issued)) + "/" * (4 - len(work.issued))
            if len(work.issued) > 1
            else None,
        ),
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
    if work.authors and not work.authors_complete:
        entry["notes"] = [f"Author list incomplete: the first {len(work.authors)} authors only."]
    text = rispy.dumps([entry], implementation=_Writer)
    lines = [line for line in text.splitlines() if line.strip() or line.startswith("ER")]
    return "\r\n".join(lines) + "\r\n"


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
    item = to_csl(work, key)
    if work.authors and not work.authors_complete:
        item["author"].append({"literal": "others"})  # CSL processors print it as "et al."
    return json.dumps([item], indent=2, ensure_ascii=False) + "\n"


def style_files() -> list[Path]:
    """The bundled CSL files (for tests and ``--help``)."""
    folder = resources.files("evkg.link") / "styles"
    return sorted(Path(str(folder / s.file)) for s in STYLES.values())


__all__ = ["check_options", "cite", "render_bibtex", "render_ris", "render_text", "sentence_case", "style_files"]
