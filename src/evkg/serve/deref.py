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
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from evkg.serve import pages
from evkg.serve.negotiation import HeaderTooLarge, negotiate
from evkg.serve.rdfout import EXTENSIONS, FORMAT_NAMES, MEDIA_TYPES, serialize
from evkg.serve.site import Site

HTML = "text/html"
#: What an IRI can be had as, in the server's order of preference.
OFFERS = [HTML, "application/xhtml+xml", *MEDIA_TYPES, "application/json"]
_ALIASES = {"application/xhtml+xml": HTML, "application/json": "application/ld+json"}
LABELS = {
    HTML: "HTML",
    "text/turtle": "Turtle",
    "application/ld+json": "JSON-LD",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF/XML",
    "application/trig": "TriG",
    "application/n-quads": "N-Quads",
}
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


async def dereference(request: Request) -> Response:
    site: Site = request.app.state.site
    path = request.url.path
    iri = site.iri_of_path(path)
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
