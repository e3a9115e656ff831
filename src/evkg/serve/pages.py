"""The HTML pages: home, index per kind, entity and named-graph pages, glossary, search, errors.

Templates are Jinja2 files in ``serve/templates/`` (autoescaped), the words around the data come
from ``serve/site.toml`` in English and Japanese. The page language is ``?lang=ja|en`` when given
(and then kept in every link), else the best match of ``Accept-Language``, else English; the
response says which with ``Content-Language`` and ``Vary: Accept-Language``. A label missing in
the page language falls back to the other language, marked with its own ``lang`` attribute.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from evkg.serve import sources
from evkg.serve.negotiation import HeaderTooLarge, negotiate, negotiate_language
from evkg.serve.site import SEARCH_PAGE, EntityView, Ref, Site
from evkg.serve.svg import shorten

MAX_QUERY_TEXT = 200


def templates() -> Environment:
    """The Jinja2 environment over ``serve/templates/`` (HTML autoescaped, undefined names fail)."""
    env = Environment(
        loader=PackageLoader("evkg.serve", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["short"] = lambda text, limit=40: shorten(str(text), int(limit))
    return env


def language(request: Request, site: Site) -> tuple[str, bool]:
    """The page language and whether the user chose it explicitly (``?lang=``)."""
    chosen = request.query_params.get("lang")
    if chosen in site.languages:
        return str(chosen), True
    return negotiate_language(request.headers.get("accept-language"), site.languages, site.default_language), False


def wants_html(request: Request) -> bool:
    """Whether the client prefers HTML to plain text (browsers do; curl and scripts do not)."""
    try:
        return negotiate(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html" and "text/html" in (
            request.headers.get("accept") or ""
        )
    except HeaderTooLarge:
        return False


class Page:
    """What every template receives: the language, its messages, and link helpers."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.site: Site = request.app.state.site
        self.lang, self.explicit = language(request, self.site)
        self.other = next(code for code in self.site.languages if code != self.lang)
        self.m: dict[str, str] = self.site.config["messages"][self.lang]

    def href(self, target: Ref | str | None) -> str:
        """The link to a resource or a local path, keeping ``?lang=`` if the user chose it."""
        if target is None:
            return "#"
        if isinstance(target, Ref):
            if not target.local or target.href is None:
                return target.href or target.iri
            path = target.href
        else:
            path = target
        if not self.explicit:
            return path
        path, hash_, fragment = path.partition("#")  # the query goes before a fragment (…?lang=ja#quote)
        joiner = "&" if "?" in path else "?"
        return f"{path}{joiner}lang={self.lang}{hash_}{fragment}"

    def switch_url(self) -> str:
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        params.append(("lang", self.other))
        return f"{self.request.url.path}?{urlencode(params)}"

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "page": self,
            "lang": self.lang,
            "other": self.other,
            "m": self.m,
            "site": self.site,
            "href": self.href,
            "path": self.request.url.path,
            **extra,
        }


def render(
    request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None, **ctx: Any
) -> HTMLResponse:
    """Render an HTML template in the request's language (``Content-Language``, ``Vary: Accept-Language``)."""
    page = Page(request)
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(page.context(**ctx))
    out = {"Content-Language": page.lang, "Vary": "Accept-Language"}
    out.update(headers or {})
    return HTMLResponse(html, status_code=status, headers=out)


# --- pages -------------------------------------------------------------------------------------------
# Page handlers are plain functions: Starlette runs them in its thread pool, so that building a page
# (labels, SVG, templates) never holds up the event loop that serves the other clients.
def home(request: Request) -> Response:
    """The home page: featured resources, the indexes, the graphs and the statement count."""
    page = Page(request)
    site = page.site
    indexes = [(i, site.index_count(i["slug"])) for i in site.index_pages()]
    return render(
        request,
        "home.html",
        featured=site.featured(page.lang),
        indexes=indexes,
        graph_count=len(site.graphs),
        statements=site.total_statements(),
    )


def browse(request: Request) -> Response:
    """The index page of one kind of resource (``/browse/<slug>``)."""
    page = Page(request)
    slug = request.path_params["slug"]
    items = page.site.index(slug, page.lang)
    if items is None:
        raise HTTPException(404)
    index = next(i for i in page.site.index_pages() if i["slug"] == slug)
    return render(request, "index.html", index=index, items=items, title=index[page.lang])


def graph_index(request: Request) -> Response:
    """The page listing every named graph with its size and source."""
    page = Page(request)
    rows = page.site.graph_rows(page.lang)
    return render(request, "graphs.html", rows=rows, title=page.m["graphs"])


def source(request: Request) -> Response:
    """The archived text of a source graph, its quoted passages marked and linked (:mod:`evkg.serve.sources`)."""
    page = Page(request)
    site = page.site
    graph = site.base + "graph/" + request.path_params["path"].strip("/")
    audit = site.source_audits.get(graph)
    if audit is None:
        raise HTTPException(404)
    view = sources.page(site, audit, page.lang)
    return render(request, "source.html", src=view, title=f"{page.m['archived_source']}: {view.graph.label.text}")


def glossary(request: Request) -> Response:
    """The glossary page: the terms of the configured concept scheme with their definitions."""
    page = Page(request)
    scheme, terms = page.site.glossary(page.lang)
    return render(request, "glossary.html", scheme=scheme, terms=terms, title=page.m["glossary"])


def search(request: Request) -> Response:
    """The search page: label search, one page of hits at a time."""
    page = Page(request)
    q = (request.query_params.get("q") or "").strip()[:MAX_QUERY_TEXT]
    number = request.query_params.get("page", "1")
    current = int(number) if number.isdigit() and 0 < int(number) < 10_000 else 1
    hits, total = page.site.search(q, page.lang, current) if q else ([], 0)
    pages = max(1, -(-total // SEARCH_PAGE))
    current = min(current, pages)

    def page_url(n: int) -> str:
        return page.href("/search?" + urlencode({"q": q, "page": n}))

    return render(
        request,
        "search.html",
        q=q,
        hits=hits,
        total=total,
        first=(current - 1) * SEARCH_PAGE + 1,
        current=current,
        pages=pages,
        previous_url=page_url(current - 1) if current > 1 else None,
        next_url=page_url(current + 1) if current < pages else None,
        title=f"{page.m['search']}: {q}" if q else page.m["search"],
    )


@functools.lru_cache(maxsize=512)
def _picture(site: Site, iri: str, lang: str, engine: str) -> str:
    return site.picture(site.entity(iri, lang), lang, engine=engine)


def entity_page(
    request: Request, view: EntityView, alternates: list[tuple[str, str, str]], headers: dict[str, str]
) -> Response:
    """The page of one resource (called by :mod:`evkg.serve.deref` when HTML is negotiated)."""
    page = Page(request)
    site = page.site
    engine = request.app.state.config.svg_engine
    picture = Markup(_picture(site, view.iri, page.lang, engine))  # noqa: S704 - SVG built with escaping (svg.py)
    timeline_svg = site.timeline(view, page.lang)
    graph = None
    if view.iri in site.graphs:
        graph = {
            "size": site.graph_size(view.iri),
            "subjects": site.graph_subjects(view.iri, page.lang),
            "source_href": site.source_href(view.iri),
        }
    return render(
        request,
        "entity.html",
        headers=headers,
        view=view,
        picture=picture,
        timeline=Markup(timeline_svg) if timeline_svg else None,  # noqa: S704 - escaped in svg.py
        alternates=alternates,
        graph=graph,
        title=view.label.text,
    )


# --- errors --------------------------------------------------------------------------------------------
def error_response(request: Request, status: int, title_key: str, text: str) -> Response:
    """An error as an HTML page when the client wants HTML, else as plain text."""
    if wants_html(request):
        page = Page(request)
        return render(request, "error.html", status=status, title=page.m[title_key], text=text, status_code=status)
    return PlainTextResponse(text + "\n", status_code=status)


async def not_found(request: Request, exc: Exception) -> Response:
    """The 404 handler."""
    page = Page(request)
    return error_response(request, 404, "not_found", page.m["not_found_text"])


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """The 405 handler (with the ``Allow`` header)."""
    response = error_response(request, 405, "error", f"method {request.method} is not allowed here")
    allowed = getattr(exc, "headers", None) or {}
    response.headers.update(allowed)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    """The 500 handler: one plain line, never a traceback."""
    return PlainTextResponse("internal server error\n", status_code=500)


__all__ = [
    "Page",
    "browse",
    "entity_page",
    "error_response",
    "glossary",
    "graph_index",
    "home",
    "method_not_allowed",
    "not_found",
    "render",
    "search",
    "server_error",
    "source",
    "templates",
    "wants_html",
]
