"""DOI content negotiation: ``GET {EVKG_DOI_URL}/{doi}`` with ``Accept: application/vnd.citationstyles.csl+json``.

The DOI resolver redirects to the registration agency (Crossref, DataCite, JaLC, mEDRA), which
answers with one CSL-JSON item; this also covers DOIs that Crossref's REST API does not know.

>>> w = parse(b'{"type": "article-journal", "DOI": "10.1002/jev2.12404", "title": "T", '
...           b'"author": [{"family": "Welsh", "given": "Joshua A."}], "page": "e12404"}')
>>> (w.doi, w.authors[0].name_as_printed, w.page, w.article_number)
('10.1002/jev2.12404', 'Welsh', None, 'e12404')
"""

from __future__ import annotations

from urllib.parse import quote

from evkg.data import identifiers as ids
from evkg.link.crossref import as_printed, load_json
from evkg.link.http import Fetched, MalformedResponse, PoliteClient
from evkg.link.work import Work, safe, work_from_csl

REGISTRY = "doi"
EXTENSION = "json"
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
ACCEPT = "application/vnd.citationstyles.csl+json"


def fetch(client: PoliteClient, doi: str) -> Fetched:
    """The CSL-JSON item for ``doi`` from the DOI resolver (redirects followed)."""
    url = f"{client.config.doi_url}/{quote(ids.normalize_doi(doi), safe='/')}"
    return client.get(url, accept=ACCEPT, what=f"doi {doi}")


def parse(content: bytes, what: str = "CSL-JSON answer") -> Work:
    """Map one CSL-JSON item to a :class:`Work` (pure). Raises :class:`MalformedResponse`."""
    data = load_json(content, what)
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict) or "type" not in data:
        raise MalformedResponse(f'{what}: not a CSL-JSON item (an object with a "type")')
    if not safe("doi", data.get("DOI")):
        raise MalformedResponse(f"{what}: the CSL-JSON item has no valid DOI")
    return as_printed(work_from_csl(data), content)


__all__ = ["LICENSE", "fetch", "parse"]
