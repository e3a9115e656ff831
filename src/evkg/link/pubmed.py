"""NCBI E-utilities: ESummary (JSON) and EFetch (PubMed XML) for a PMID, with pure parsers.

- ``GET {EVKG_EUTILS_URL}/esummary.fcgi?db=pubmed&id=N&retmode=json`` answers
  ``{"header": {...}, "result": {"uids": ["N"], "N": {DocSum}}}``; an unknown PMID gives a
  DocSum with an ``"error"`` field instead of a 404. The DocSum fields used: ``title``,
  ``authors`` (``name`` as NLM prints it, ``authtype`` Author/CollectiveName), ``source`` (NLM
  journal abbreviation), ``fulljournalname``, ``issn``/``essn``, ``volume``, ``issue``, ``pages``,
  ``pubdate``, ``articleids`` (pubmed, doi, pmc, pii), ``elocationid``.
- ``GET {EVKG_EUTILS_URL}/efetch.fcgi?db=pubmed&id=N&retmode=xml`` answers a
  ``PubmedArticleSet``; it adds full given names and ORCIDs (``Identifier Source="ORCID"``).

Contact parameters ``tool=evkg`` and ``email`` (``EVKG_MAILTO``) are sent as NCBI asks, and never
recorded in the graph.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from evkg.data import identifiers as ids
from evkg.link.crossref import load_json
from evkg.link.http import Fetched, FetchError, MalformedResponse, PoliteClient
from evkg.link.work import Contributor, Work, clean_text, safe

REGISTRY = "pubmed"
LICENSE = "https://www.nlm.nih.gov/databases/download/terms_and_conditions.html"
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


def _contact(client: PoliteClient) -> dict[str, str]:
    contact = {"tool": "evkg"}
    if client.config.mailto:
        contact["email"] = client.config.mailto
    return contact


def fetch_summary(client: PoliteClient, pmid: str) -> Fetched:
    """The ESummary JSON for ``pmid``; an ``"error"`` DocSum is reported as not found."""
    pmid = ids.normalize_pmid(pmid)
    fetched = client.get(
        f"{client.config.eutils_url}/esummary.fcgi",
        params={"db": "pubmed", "id": pmid, "retmode": "json"},
        contact_params=_contact(client),
        what=f"pubmed {pmid}",
    )
    data = load_json(fetched.content, f"pubmed {pmid}")
    docsum = (
        data.get("result", {}).get(pmid) if isinstance(data, dict) and isinstance(data.get("result"), dict) else None
    )
    if isinstance(docsum, dict) and docsum.get("error"):
        raise FetchError(
            f"pubmed {pmid}: not found ({clean_text(docsum['error'])} from {fetched.request_url})",
            url=fetched.request_url,
            status=fetched.status,
            not_found=True,
        )
    return fetched


def fetch_article(client: PoliteClient, pmid: str) -> Fetched:
    """The EFetch PubMed XML for ``pmid``."""
    pmid = ids.normalize_pmid(pmid)
    return client.get(
        f"{client.config.eutils_url}/efetch.fcgi",
        params={"db": "pubmed", "id": pmid, "retmode": "xml"},
        contact_params=_contact(client),
        what=f"pubmed {pmid}",
    )


def pubdate(text: str | None) -> tuple[int, ...]:
    """PubMed's ``pubdate`` ("2024 Feb 7", "2020 Dec", "2014") → (2024, 2, 7), (2020, 12), (2014,).

    >>> pubdate("2020 Dec"), pubdate("2014"), pubdate("2024 Feb 7")
    ((2020, 12), (2014,), (2024, 2, 7))
    """
    if not text:
        return ()
    m = re.match(r"(\d{4})(?:\s+([A-Za-z]{3})[a-z]*(?:\s+(\d{1,2}))?)?", text.strip())
    if not m:
        return ()
    year, month, day = m.groups()
    out = [int(year)]
    if month and month.lower() in _MONTHS:
        out.append(_MONTHS[month.lower()])
        if day:
            out.append(int(day))
    return tuple(out)


def _pages(work: Work, pages: str | None, elocation: str | None = None) -> None:
    if pages and re.fullmatch(r"[A-Za-z]+\d+", pages):
        work.article_number = pages
    elif pages:
        work.page = pages
    if not work.article_number and elocation and re.fullmatch(r"[A-Za-z]+\d+", elocation):
        work.article_number = elocation


def parse_summary(content: bytes, pmid: str | None = None, what: str = "pubmed answer") -> Work:
    """Map an ESummary JSON answer to a :class:`Work` (pure). Raises :class:`MalformedResponse`."""
    data = load_json(content, what)
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("uids"), list) or not result["uids"]:
        raise MalformedResponse(f'{what}: not an ESummary result (no "result" with "uids")')
    uid = str(pmid or result["uids"][0])
    doc = result.get(uid)
    if not isinstance(doc, dict) or doc.get("error"):
        raise MalformedResponse(f"{what}: no document summary for PMID {uid}")
    work = Work(
        title=clean_text(doc.get("title")),
        container_title=clean_text(doc.get("fulljournalname")),
        container_title_short=clean_text(doc.get("source")),
        nlm_abbreviation=clean_text(doc.get("source")),
        volume=clean_text(doc.get("volume")),
        issue=clean_text(doc.get("issue")),
        issued=pubdate(doc.get("pubdate")),
        issn_print=safe("issn", doc.get("issn")),
        issn_electronic=safe("issn", doc.get("essn")),
        pmid=safe("pmid", doc.get("uid")) or safe("pmid", uid),
    )
    if work.title and work.title.endswith(".") and not work.title.endswith(".."):
        work.title = work.title[:-1]  # PubMed ends every title with a full stop
    _pages(work, clean_text(doc.get("pages")))
    for a in doc.get("authors") or []:
        if not isinstance(a, dict) or not clean_text(a.get("name")):
            continue
        name = clean_text(a.get("name")) or ""
        if a.get("authtype") == "CollectiveName":
            work.authors.append(Contributor(literal=name, printed=name))
        else:
            family, _, _initials = name.rpartition(" ")  # "Welsh JA": initials are not given names
            work.authors.append(Contributor(family=family or name, printed=name))
    work.author_count = len(work.authors) if work.authors else None  # ESummary lists every author
    for aid in doc.get("articleids") or []:
        if not isinstance(aid, dict):
            continue
        kind, value = aid.get("idtype"), aid.get("value")
        if kind == "doi":
            work.doi = safe("doi", value)
        elif kind == "pmc":
            work.pmcid = safe("pmcid", value)
        elif kind == "pii":
            work.pii = safe("pii", value)
    return work


def _text(el: ET.Element | None) -> str | None:
    return clean_text("".join(el.itertext())) if el is not None else None


def parse_article(content: bytes, what: str = "pubmed XML answer") -> Work:
    """Map an EFetch ``PubmedArticleSet`` (one article) to a :class:`Work` (pure)."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise MalformedResponse(f"{what}: malformed XML ({exc})") from None
    art = root.find("PubmedArticle") if root.tag == "PubmedArticleSet" else None
    if art is None:
        raise MalformedResponse(f"{what}: no PubmedArticle in the answer")
    cit = art.find("MedlineCitation")
    article = cit.find("Article") if cit is not None else None
    if cit is None or article is None:
        raise MalformedResponse(f"{what}: PubmedArticle without MedlineCitation/Article")
    journal = article.find("Journal")
    jissue = journal.find("JournalIssue") if journal is not None else None
    work = Work(
        title=_text(article.find("ArticleTitle")),
        container_title=_text(journal.find("Title")) if journal is not None else None,
        container_title_short=_text(cit.find("MedlineJournalInfo/MedlineTA")),
        nlm_abbreviation=_text(cit.find("MedlineJournalInfo/MedlineTA")),
        volume=_text(jissue.find("Volume")) if jissue is not None else None,
        issue=_text(jissue.find("Issue")) if jissue is not None else None,
        pmid=safe("pmid", _text(cit.find("PMID"))),
    )
    if work.title and work.title.endswith("."):
        work.title = work.title[:-1]
    if journal is not None:
        for issn in journal.findall("ISSN"):
            if issn.get("IssnType") == "Electronic":
                work.issn_electronic = safe("issn", _text(issn))
            else:
                work.issn_print = safe("issn", _text(issn))
    if jissue is not None:
        y, mo, d = (_text(jissue.find(f"PubDate/{t}")) for t in ("Year", "Month", "Day"))
        work.issued = pubdate(" ".join(p for p in (y, mo, d) if p))
    elocation = next((_text(e) for e in article.findall("ELocationID") if e.get("EIdType") == "pii" and _text(e)), None)
    _pages(work, _text(article.find("Pagination/MedlinePgn")), elocation)
    for author in article.findall("AuthorList/Author"):
        if author.get("ValidYN", "Y") != "Y":
            continue
        collective = _text(author.find("CollectiveName"))
        orcid = next(
            (safe("orcid", _text(i)) for i in author.findall("Identifier") if i.get("Source") == "ORCID"), None
        )
        if collective:
            work.authors.append(Contributor(literal=collective, printed=collective))
            continue
        family, given, initials = (_text(author.find(t)) for t in ("LastName", "ForeName", "Initials"))
        if not family:
            continue
        # PubMed XML prints LastName, ForeName and Initials apart ("Welsh JA" is not in it): the family
        # name is the name as printed (evkg validate checks it against the raw answer)
        work.authors.append(Contributor(family=family, given=given, orcid=orcid, printed=family))
    author_list = article.find("AuthorList")
    if work.authors and (author_list is None or author_list.get("CompleteYN", "Y") == "Y"):
        work.author_count = len(work.authors)  # NLM marks a list it did not take whole with CompleteYN="N"
    for heading in cit.findall("MeshHeadingList/MeshHeading/DescriptorName"):
        ui = safe("mesh", heading.get("UI"))
        if ui and ui not in work.mesh:
            work.mesh.append(ui)
    for aid in art.findall("PubmedData/ArticleIdList/ArticleId"):
        kind, value = aid.get("IdType"), _text(aid)
        if kind == "doi":
            work.doi = safe("doi", value)
        elif kind == "pmc":
            work.pmcid = safe("pmcid", value)
        elif kind == "pii":
            work.pii = safe("pii", value)
    return work


__all__ = ["LICENSE", "fetch_article", "fetch_summary", "parse_article", "parse_summary"]
