"""Crossref REST API: ``GET {EVKG_CROSSREF_URL}/works/{doi}`` and a pure parser of its answer.

The answer is ``{"status": "ok", "message-type": "work", "message": {...}}``; the message fields
used are those of Crossref's documented work format (``title``, ``author`` with ``ORCID`` and
``sequence``, ``container-title``, ``short-container-title``, ``ISSN`` / ``issn-type``, ``volume``,
``issue``, ``page``, ``article-number``, ``issued`` / ``published``, ``reference`` with ``DOI``,
``update-to`` for corrections, ``language``).

>>> import json
>>> raw = json.dumps({"status": "ok", "message-type": "work", "message": {
...     "DOI": "10.1002/JEV2.12404", "type": "journal-article", "title": ["T"],
...     "issued": {"date-parts": [[2024]]}, "article-number": "e12404"}}).encode()
>>> w = parse(raw)
>>> (w.doi, w.issued, w.article_number)
('10.1002/jev2.12404', (2024,), 'e12404')
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from evkg.data import identifiers as ids
from evkg.link.config import LinkConfig
from evkg.link.http import Fetched, MalformedResponse, PoliteClient
from evkg.link.work import Work, clean_text, date_parts, safe, work_from_csl

REGISTRY = "crossref"
EXTENSION = "json"
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"  # Crossref metadata: no rights reserved

#: Crossref work types → CSL item types (the ones evkg meets; others pass through as "article").
_TYPES = {
    "journal-article": "article-journal",
    "book": "book",
    "book-chapter": "chapter",
    "proceedings-article": "paper-conference",
    "report": "report",
    "posted-content": "article",
    "dataset": "dataset",
}
_CORRECTIONS = {"erratum", "correction", "corrigendum"}


def work_url(config: LinkConfig, doi: str) -> str:
    """``{crossref}/works/{doi}`` (the DOI normalised, ``/`` kept, other reserved characters escaped)."""
    return f"{config.crossref_url}/works/{quote(ids.normalize_doi(doi), safe='/')}"


def fetch(client: PoliteClient, doi: str) -> Fetched:
    """The raw Crossref answer for ``doi`` (raises :class:`~evkg.link.http.FetchError`)."""
    config = client.config
    contact = {"mailto": config.mailto} if config.mailto else None
    return client.get(work_url(config, doi), contact_params=contact, accept="application/json", what=f"crossref {doi}")


def load_json(content: bytes, what: str) -> Any:
    """Parse JSON or raise :class:`MalformedResponse` naming ``what`` and the position."""
    try:
        return json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise MalformedResponse(f"{what}: answer is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise MalformedResponse(f"{what}: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None


def parse(content: bytes, what: str = "crossref answer") -> Work:
    """Map a Crossref ``/works/{doi}`` answer to a :class:`Work` (pure: no I/O).

    Raises:
        MalformedResponse: the body is not JSON, not a ``work`` message, or has no DOI.
    """
    data = load_json(content, what)
    if not isinstance(data, dict) or data.get("message-type") != "work" or not isinstance(data.get("message"), dict):
        raise MalformedResponse(f'{what}: not a Crossref work message (no "message-type": "work")')
    msg: dict[str, Any] = data["message"]
    if not safe("doi", msg.get("DOI")):
        raise MalformedResponse(f"{what}: the work message has no valid DOI")
    item = dict(msg)
    item["type"] = _TYPES.get(str(msg.get("type")), "article")
    item["container-title-short"] = msg.get("short-container-title")
    work = work_from_csl(item)
    work.issued = date_parts(msg.get("issued")) or date_parts(msg.get("published"))
    work.references = _dedupe(
        safe("doi", ref.get("DOI")) for ref in msg.get("reference") or [] if isinstance(ref, dict)
    )
    updates = [u for u in msg.get("update-to") or [] if isinstance(u, dict)]
    work.corrects = _dedupe(safe("doi", u.get("DOI")) for u in updates if str(u.get("type")) in _CORRECTIONS)
    if work.corrects:
        work.correction_type = next(str(u.get("type")) for u in updates if str(u.get("type")) in _CORRECTIONS)
    pii = next((clean_text(a) for a in msg.get("alternative-id") or [] if safe("pii", a)), None)
    work.pii = safe("pii", pii)
    return as_printed(work, content)


def as_printed(work: Work, content: bytes) -> Work:
    """Only what the answer prints: a person's name as printed is the family name as the record
    writes it (it prints no "Welsh JA"); an identifier whose normal form the answer does not print
    (Crossref's PII "S0167779920301189" for "S0167-7799(20)30118-9") is left out. ``evkg validate``
    checks a snapshot's quotes and identifiers against its raw answer."""
    text = content.decode("utf-8", "replace")
    for author in work.authors:
        author.printed = author.family or author.literal
    if work.pii and work.pii not in text:
        work.pii = None
    return work


def _dedupe(values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return list(seen)


__all__ = ["LICENSE", "as_printed", "fetch", "load_json", "parse"]
