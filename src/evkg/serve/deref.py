"""Dereferenceable IRIs: ``/id/…``, ``/ontology/…`` and ``/graph/…`` with content negotiation.

The server stands for ``https://w3id.org/evkg/``: a request for ``/id/organization/jsrm`` is about
``https://w3id.org/evkg/id/organization/jsrm``. The representation is chosen by ``Accept`` (or by
``?format=ttl|jsonld|nt|rdf|trig|nq|html``, which the ``Link`` header and the pages use):

=======================  ====================================================================
``text/html``            the page (language by ``?lang=`` or ``Accept-Language``)
``text/turtle``          Turtle                  ``application/ld+json``   JSON-LD, local context
``application/n-triples``  N-Triples             ``application/rdf+xml``   RDF/XML
``application/trig``     TriG (named graphs)     ``application/n-quads``   N-Quads (named graphs)
=======================  ====================================================================

HTML wins when the client does not say (``*/*``), so a browser and a bare ``curl`` get the page;
RDF clients ask for their format. Every answer says ``Vary: Accept, Accept-Language`` and lists
the other representations in ``Link: <…>; rel="alternate"; type="…"``. What the RDF holds is
:meth:`evkg.serve.site.Site.description`. An IRI that occurs nowhere in the dataset is 404; a
media type the server cannot give is 406, with the list of those it can.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from evkg.rdf.formats import MEDIA_TYPES as FORMAT_MEDIA_TYPES
from evkg.serve import pages
from evkg.serve.negotiation import HeaderTooLarge, negotiate
from evkg.serve.rdfout import EXTENSIONS, FORMAT_NAMES, MEDIA_TYPES, serialize
from evkg.serve.site import Site

HTML = "text/html"
#: What an IRI can be had as, in the server's order of preference (XHTML last: ``application/*``
#: asks for data, not for the page).
OFFERS = [HTML, *MEDIA_TYPES, "application/json", "application/xhtml+xml"]
_ALIASES = {"application/xhtml+xml": HTML, "application/json": "application/ld+json"}
LABELS = {HTML: "HTML", **{media: f.title for media, f in FORMAT_MEDIA_TYPES.items()}}
CACHE_ENTRIES = 4096


def alternates(path: str) -> list[tuple[str, str, str]]:
    """``(label, media type, href)`` of every representation of the resource at ``path``."""
    quoted = quote(path, safe="/:@-._~!$&'()*+,;=")
    out = [(LABELS[HTML], HTML, f"{quoted}?format=html")]
    for media in MEDIA_TYPES:
        out.append((LABELS[media], media, f"{quoted}?format={EXTENSIONS[media]}"))
    return out


def link_header(items: list[tuple[str, str, str]]) -> str:
    return ", ".join(f'<{href}>; rel="alternate"; type="{media}"' for _, media, href in items)


def choose(request: Request) -> tuple[str | None, Response | None]:
    """The media type to answer with, or an error response (400 bad format, 406, 431)."""
    fmt = request.query_params.get("format")
    if fmt:
        key = fmt.strip().lower()
        if key == "html":
            return HTML, None
        if key in FORMAT_NAMES:
            return FORMAT_NAMES[key], None
        names = ", ".join(["html", *EXTENSIONS.values()])
        return None, PlainTextResponse(f"unknown format {fmt!r} (one of: {names})\n", status_code=400)
    try:
        media = negotiate(request.headers.get("accept"), OFFERS)
    except HeaderTooLarge as exc:
        return None, PlainTextResponse(f"{exc}\n", status_code=431)
    if media is None:
        text = f"none of the media types in Accept is available; this resource is offered as: {', '.join(OFFERS)}\n"
        return None, PlainTextResponse(text, status_code=406, headers={"Vary": "Accept"})
    return _ALIASES.get(media, media), None


_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
#: RFC 3987 ``ucschar``: the non-ASCII characters an IRI may hold as they are.
_UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    (0x10000, 0x1FFFD),
    (0x20000, 0x2FFFD),
    (0x30000, 0x3FFFD),
    (0x40000, 0x4FFFD),
    (0x50000, 0x5FFFD),
    (0x60000, 0x6FFFD),
    (0x70000, 0x7FFFD),
    (0x80000, 0x8FFFD),
    (0x90000, 0x9FFFD),
    (0xA0000, 0xAFFFD),
    (0xB0000, 0xBFFFD),
    (0xC0000, 0xCFFFD),
    (0xD0000, 0xDFFFD),
    (0xE1000, 0xEFFFD),
)
#: What a path may hold unescaped besides unreserved characters (RFC 3986 pchar and "/").
_PATH_DELIMS = frozenset(b"!$&'()*+,;=:@/")


class BadPath(ValueError):
    """A request path that cannot be the path of an IRI (400)."""


def _ucschar(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _UCSCHAR)


def path_iri_part(raw_path: bytes) -> str:
    """The IRI path that ``raw_path`` (as sent, percent-encoded) stands for (RFC 3987 §3.2).

    Escapes of unreserved characters and UTF-8 sequences of characters an IRI may hold are decoded
    (``/id/term/%E7%B4%B0`` is ``/id/term/細``); every other escape stays as it is, in upper case
    (``/id/a%20b`` names the IRI ``…/id/a%20b``, which evkg does not have: 404).

    >>> path_iri_part(b"/id/term/%E7%B4%B0%2fx%7e")
    '/id/term/細%2Fx~'

    Raises:
        BadPath: the bytes are not UTF-8, or hold characters no URI path may hold.
    """
    out: list[str] = []
    pending = bytearray()  # bytes of a multi-byte UTF-8 character being decoded

    def flush() -> None:
        if not pending:
            return
        try:
            text = pending.decode("utf-8")
        except UnicodeDecodeError:
            raise BadPath("the path is not UTF-8") from None
        for char in text:
            out.append(char if _ucschar(char) else "".join(f"%{b:02X}" for b in char.encode("utf-8")))
        pending.clear()

    i, n = 0, len(raw_path)
    while i < n:
        byte = raw_path[i]
        if byte == 0x25:  # %
            m = _ESCAPE.match(raw_path, i)
            if m is None:
                raise BadPath("the path holds a % that starts no escape")
            value = int(m.group(1), 16)
            i += 3
        elif byte >= 0x80:  # a raw UTF-8 byte (not allowed on the wire, read like an escape)
            value = byte
            i += 1
        else:
            flush()
            if byte not in _UNRESERVED and byte not in _PATH_DELIMS:
                raise BadPath(f"the path holds the character {chr(byte)!r}, which a URI path may not hold")
            out.append(chr(byte))
            i += 1
            continue
        if value >= 0x80:
            pending.append(value)
            continue
        flush()
        out.append(chr(value) if value in _UNRESERVED else f"%{value:02X}")
    flush()
    return "".join(out)


def request_iri(request: Request, site: Site) -> str:
    """The IRI a request for one of our paths stands for.

    Raises:
        BadPath: the path cannot be an IRI's (the caller answers 400).
    """
    raw = request.scope.get("raw_path") or request.url.path.encode("utf-8")
    iri = site.iri_of_path(path_iri_part(raw.split(b"?", 1)[0]))
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise BadPath("the path is not the path of an IRI") from None
    return iri


async def dereference(request: Request) -> Response:
    """Answer a GET of one of our IRIs: its HTML page or its description in the negotiated RDF format (404: unknown)."""
    site: Site = request.app.state.site
    path = request.url.path
    try:
        iri = request_iri(request, site)
    except BadPath as exc:
        return pages.error_response(request, 400, "error", f"{exc}: {_printable(path)}")
    media, problem = choose(request)
    if problem is not None:
        return problem
    assert media is not None
    exists = site.exists(iri)
    items = alternates(path)
    headers = {"Vary": "Accept, Accept-Language", "Link": link_header(items)}
    if not exists:
        response = await pages.not_found(request, None)  # type: ignore[arg-type]
        response.headers["Vary"] = "Accept, Accept-Language"
        return response
    if media == HTML:
        return await asyncio.to_thread(_page, request, site, iri, items, headers)
    cache: dict[tuple[object, ...], object] = request.app.state.cache
    body = cache.get((iri, media))  # a hit is served on the event loop; a miss is built in a thread
    if not isinstance(body, bytes):
        body = await asyncio.to_thread(_representation, request, site, iri, media)
    headers["Content-Location"] = f"{quote(path, safe='/:@-._~')}?format={EXTENSIONS[media]}"
    content_type = media if media in ("application/n-triples", "application/n-quads") else f"{media}; charset=utf-8"
    return Response(body, media_type=content_type, headers=headers)


def _printable(path: str) -> str:
    """``path`` for a message: control and unpaired surrogate characters escaped, at most 200 characters."""
    text = path.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)[:200]


def _page(
    request: Request, site: Site, iri: str, items: list[tuple[str, str, str]], headers: dict[str, str]
) -> Response:
    page = pages.Page(request)
    key = ("html", iri, page.lang, request.url.query)
    cache: dict[tuple[object, ...], object] = request.app.state.cache
    cached = cache.get(key)
    if isinstance(cached, Response):  # the data does not change while the server runs: nor do the pages
        return Response(cached.body, headers=dict(cached.headers))
    response = pages.entity_page(request, site.entity(iri, page.lang), items, headers)
    _remember(cache, key, response)
    return response


def _representation(request: Request, site: Site, iri: str, media: str) -> bytes:
    cache: dict[tuple[object, ...], object] = request.app.state.cache
    body = cache.get((iri, media))
    if not isinstance(body, bytes):
        body = serialize(site.description(iri), media, site.prefixes)
        _remember(cache, (iri, media), body)
    return body


def _remember(cache: dict[tuple[object, ...], object], key: tuple[object, ...], value: object) -> None:
    if len(cache) >= CACHE_ENTRIES:
        cache.clear()
    cache[key] = value


async def redirect_slash(request: Request) -> Response:
    """``/ontology`` -> ``/ontology/`` (the ontology's IRI ends in a slash)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/ontology/{query}", status_code=301)


__all__ = ["dereference", "redirect_slash"]
