"""The bibliographic record every registry answer, import and citation passes through.

A :class:`Work` holds what evkg maps to RDF: title, ordered contributors, container (journal),
volume/issue/pages/article number, issue date, identifiers, cited DOIs and corrected DOIs. Parsers
(Crossref, CSL-JSON, PubMed, BibTeX, RIS) produce it; :mod:`evkg.link.rdfmap` maps it to RDF;
:func:`to_csl` turns it into CSL-JSON for citeproc and exports.

>>> w = Work(title="T", authors=[Contributor(family="Welsh", given="Joshua A.")], issued=(2024, 2))
>>> w.authors[0].name_as_printed
'Welsh JA'
>>> to_csl(w)["issued"]
{'date-parts': [[2024, 2]]}
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from evkg.data import identifiers as ids


@dataclass
class Contributor:
    """An author: a person (family/given) or a group (``literal``, e.g. "MISEV Consortium")."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None
    orcid: str | None = None
    printed: str | None = None  # the name exactly as the registry prints it ("Welsh JA"), if it does

    @property
    def is_group(self) -> bool:
        return not self.family and bool(self.literal)

    @property
    def full_name(self) -> str:
        if self.is_group:
            return self.literal or ""
        return " ".join(p for p in (self.given, self.family) if p)

    @property
    def initials(self) -> str:
        """NLM-style initials of the given names: "Joshua A." → "JA", "Kevin W-H" → "KW" (as PubMed prints it)."""
        if not self.given:
            return ""
        parts = re.split(r"[\s.]+", self.given)
        return "".join(p[0].upper() for p in parts if p and p[0].isalpha())

    @property
    def name_as_printed(self) -> str:
        """The name as the registry prints it, else the NLM form "Family II"."""
        if self.printed:
            return self.printed
        if self.is_group:
            return self.literal or ""
        return " ".join(p for p in (self.family, self.initials) if p)


@dataclass
class Work:
    """One bibliographic record, whatever its source."""

    title: str | None = None
    title_language: str = "en"
    type: str = "article-journal"  # a CSL item type
    authors: list[Contributor] = field(default_factory=list)
    container_title: str | None = None
    container_title_short: str | None = None  # the source's short title (Crossref: the publisher's)
    nlm_abbreviation: str | None = None  # NLM's journal title abbreviation (PubMed "source"/MedlineTA)
    issn_print: str | None = None
    issn_electronic: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None  # "1373-1384"
    article_number: str | None = None  # "e12404"
    issued: tuple[int, ...] = ()  # (year,), (year, month) or (year, month, day)
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    pii: str | None = None
    publisher: str | None = None
    references: list[str] = field(default_factory=list)  # normalised DOIs this work cites
    corrects: list[str] = field(default_factory=list)  # normalised DOIs this work corrects (errata)
    correction_type: str | None = None  # "erratum", "correction", "corrigendum" when it is one
    url: str | None = None
    more_authors: int = 0  # authors known to exist whose position in the list is unknown
    author_count: int | None = None  # how many authors the source says there are (None: it does not say)
    mesh: list[str] = field(default_factory=list)  # MeSH descriptor IDs indexing the work (PubMed)

    @property
    def authors_complete(self) -> bool:
        """Is :attr:`authors` the whole author list? Only when a source counts the authors and all are here."""
        return self.author_count is not None and not self.more_authors and len(self.authors) >= self.author_count

    @property
    def year(self) -> int | None:
        return self.issued[0] if self.issued else None

    @property
    def first_page(self) -> str | None:
        return split_pages(self.page)[0]

    @property
    def last_page(self) -> str | None:
        return split_pages(self.page)[1]


def split_pages(page: str | None) -> tuple[str | None, str | None]:
    """("1373-1384") → ("1373", "1384"); a single page or article number gives (page, None)."""
    if not page:
        return None, None
    parts = re.split(r"\s*[-‐‑‒–—]\s*", page.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1]
    return page.strip(), None


def clean_text(value: Any) -> str | None:
    """Whitespace collapsed and simple markup (JATS/HTML tags) removed; None for empty values."""
    if value is None:
        return None
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
        if value is None:
            return None
    text = re.sub(r"<[^>]+>", "", str(value))
    text = " ".join(text.split())
    return text or None


def ascii_slug(text: str) -> str:
    """Lower-case ASCII slug: "Théry C" → "thery-c"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def safe(kind: str, value: Any) -> str | None:
    """Normalise an identifier from a registry answer, or None if it is missing or malformed."""
    if value is None or value == "":
        return None
    try:
        return ids.normalize(kind, str(value))
    except ids.IdentifierError:
        return None


# --- CSL-JSON --------------------------------------------------------------------------------------


def date_parts(value: Any) -> tuple[int, ...]:
    """A CSL/Crossref date object (``{"date-parts": [[2024, 2]]}``) → (2024, 2); () if absent."""
    if not isinstance(value, dict):
        return ()
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return ()
    out: list[int] = []
    for p in parts[0][:3]:
        try:
            out.append(int(p))
        except (TypeError, ValueError):
            break
    return tuple(out)


def contributor_from_csl(item: dict[str, Any]) -> Contributor:
    """A CSL/Crossref name object → :class:`Contributor` (``name`` or ``literal`` is a group)."""
    orcid = safe("orcid", item.get("ORCID"))
    family = clean_text(item.get("family"))
    given = clean_text(item.get("given"))
    literal = clean_text(item.get("literal") or item.get("name"))
    if family:
        return Contributor(family=family, given=given, orcid=orcid)
    return Contributor(literal=literal or given, orcid=orcid)


def work_from_csl(item: dict[str, Any]) -> Work:
    """A CSL-JSON item (as DOI content negotiation, Zotero or citeproc-js write it) → :class:`Work`."""
    container = item.get("container-title")
    short = item.get("container-title-short") or item.get("journalAbbreviation")
    issn = item.get("ISSN")
    issns = [issn] if isinstance(issn, str) else list(issn or [])
    issn_types = {t.get("type"): t.get("value") for t in item.get("issn-type") or [] if isinstance(t, dict)}
    page = clean_text(item.get("page"))
    number = clean_text(item.get("article-number") or item.get("number"))
    if page and not number and re.fullmatch(r"[A-Za-z]+\d+", page):
        page, number = None, page  # an e-location ("e12404") given as the page
    issued = date_parts(item.get("issued")) or date_parts(item.get("published"))
    work = Work(
        title=clean_text(item.get("title")),
        type=str(item.get("type") or "article-journal"),
        authors=[contributor_from_csl(a) for a in item.get("author") or [] if isinstance(a, dict)],
        container_title=clean_text(container),
        container_title_short=clean_text(short),
        volume=clean_text(item.get("volume")),
        issue=clean_text(item.get("issue")),
        page=page,
        article_number=number,
        issued=issued,
        doi=safe("doi", item.get("DOI")),
        pmid=safe("pmid", item.get("PMID")),
        pmcid=safe("pmcid", item.get("PMCID")),
        publisher=clean_text(item.get("publisher")),
        url=clean_text(item.get("URL")),
    )
    # a registry record (Crossref, DOI content negotiation) lists every author; a name "others" (the
    # CSL-JSON convention for "et al.") says the list is not complete
    literals = [str(a.get("literal") or "").strip().lower() for a in item.get("author") or [] if isinstance(a, dict)]
    if "others" in literals:
        work.authors = [a for a in work.authors if (a.literal or "").strip().lower() != "others"]
    elif work.authors:
        work.author_count = len(work.authors)
    lang = clean_text(item.get("language"))
    if lang and re.fullmatch(r"[a-z]{2}(-[A-Za-z]{2})?", lang):
        work.title_language = lang.split("-")[0]
    electronic = safe("issn", issn_types.get("electronic"))
    printed = safe("issn", issn_types.get("print"))
    if not electronic and not printed:
        normalised = [n for n in (safe("issn", i) for i in issns) if n]
        printed = normalised[0] if normalised else None
        electronic = normalised[1] if len(normalised) > 1 else None
    work.issn_print, work.issn_electronic = printed, electronic
    return work


def to_csl(work: Work, item_id: str = "item") -> dict[str, Any]:
    """CSL-JSON item of a :class:`Work` (for citeproc-py and ``--format csl-json``)."""
    item: dict[str, Any] = {"id": item_id, "type": work.type or "article-journal"}
    if work.title:
        item["title"] = work.title
    authors = []
    for a in work.authors:
        if a.is_group:
            authors.append({"literal": a.literal})
        else:
            name: dict[str, Any] = {"family": a.family}
            if a.given:
                name["given"] = a.given
            if a.orcid:
                name["ORCID"] = str(ids.orcid_iri(a.orcid))
            authors.append(name)
    if authors:
        item["author"] = authors
    for key, value in (
        ("container-title", work.container_title),
        ("container-title-short", work.nlm_abbreviation or work.container_title_short),
        ("volume", work.volume),
        ("issue", work.issue),
        ("page", work.page or work.article_number),
        ("number", work.article_number),
        ("DOI", work.doi),
        ("PMID", work.pmid),
        ("PMCID", work.pmcid),
        ("publisher", work.publisher),
        ("URL", work.url),
    ):
        if value:
            item[key] = value
    issns = [i for i in (work.issn_print, work.issn_electronic) if i]
    if issns:
        item["ISSN"] = issns[0] if len(issns) == 1 else issns
    if work.issued:
        item["issued"] = {"date-parts": [list(work.issued)]}
    if work.title_language:
        item["language"] = work.title_language
    return item


__all__ = [
    "Contributor",
    "Work",
    "ascii_slug",
    "clean_text",
    "date_parts",
    "safe",
    "split_pages",
    "to_csl",
    "work_from_csl",
]
