"""The Starlette application: routes, lifecycle (store, site, query workers), security headers.

:func:`create_app` loads the data when it is called (so that a syntax error in a graph file is
reported before the server starts, as one line), and starts the query workers when the server
starts (the ASGI lifespan). Without ``store_dir`` the store is built in a temporary folder that
is removed when the server stops; the workers open it read-only.

Routes::

    /                      home page              /search?q=…          label search
    /browse/<kind>         index per kind         /glossary            term glossary
    /graph/                the named graphs       /sparql              SPARQL 1.1 Protocol + query page
    /source/<graph>        a source's archived text, its quoted passages marked and linked
    /id/…  /ontology/…  /graph/<path>             dereferenceable IRIs (content negotiation)
    /static/…              CSS, icon              /health              liveness (JSON)

Every response carries ``X-Content-Type-Options: nosniff`` and a Content-Security-Policy that
allows no script at all; CORS is open for GET/HEAD (read-only data). Headers of more than
:data:`MAX_HEADER_VALUE` characters, and ``Accept``/``Accept-Language`` headers of more than
:data:`evkg.serve.negotiation.MAX_HEADER`, are answered with 431 before any route runs.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evkg.data.layout import resolve
from evkg.data.prefixes import registry
from evkg.rdf.store import open_store
from evkg.serve import deref, pages, sparql
from evkg.serve.answers import AnswerCache
from evkg.serve.negotiation import MAX_HEADER
from evkg.serve.pool import QueryPool, WorkerConfig, store_folder
from evkg.serve.site import Site

log = logging.getLogger(__name__)

#: Longest value of any request header the server reads.
MAX_HEADER_VALUE = 8192

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ServeConfig:
    """What ``evkg serve`` was asked for.

    Attributes:
        data_dir: data folder (default: the bundled data).
        store_dir: persisted store folder (default: a temporary one, removed at exit).
        timeout: time limit of one SPARQL query, seconds.
        max_results: most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one query may return.
        workers: query worker processes kept ready (more start while queries run long).
        svg_engine: ``auto`` (graphviz if installed), ``dot`` or ``python``.
        answer_cache: SPARQL answers kept for repeated queries (0: none; see :mod:`evkg.serve.answers`).
    """

    data_dir: Path | None = None
    store_dir: Path | None = None
    timeout: float = 10.0
    max_results: int = 10_000
    workers: int = 2
    svg_engine: str = "auto"
    answer_cache: int = 2048


class SecurityHeaders:
    """Pure ASGI middleware: refuse oversized headers (431) and add security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            limit = MAX_HEADER if name in (b"accept", b"accept-language") else MAX_HEADER_VALUE
            if len(value) > limit:
                text = f"the {name.decode('latin-1')} header is too large ({len(value)} bytes; at most {limit})\n"
                response = Response(text, status_code=431, media_type="text/plain; charset=utf-8")
                await self._with_headers(response)(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in _SECURITY:
                    if key not in present:
                        headers.append((key, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _with_headers(self, response: Response) -> Response:
        for key, value in _SECURITY:
            response.headers[key.decode()] = value.decode()
        return response


_SECURITY = [
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]


class EvkgApp(Starlette):
    """Starlette with :class:`SecurityHeaders` outside everything, even the 500 handler
    (Starlette puts its ServerErrorMiddleware outside the user middleware, so a 500 would leave
    without the security headers)."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(sparql.SparqlFront(super().build_middleware_stack()))


async def health(request: Request) -> Response:
    pool: QueryPool = request.app.state.pool
    return JSONResponse(
        {
            "status": "ok",
            "workers": len(pool.pids()),
            "graphs": len(request.app.state.site.graphs),
            "stopped": pool.killed,  # queries stopped at the time limit or when their client left
        }
    )


def _open(config: ServeConfig) -> tuple[Site, Path, Path | None]:
    """Load the data: the site (parent side) and the store folder the workers open."""
    data = resolve(config.data_dir)
    prefixes = registry(data.root)
    temporary: Path | None = None
    if config.store_dir is not None:
        store_dir = Path(config.store_dir)
    else:
        temporary = Path(tempfile.mkdtemp(prefix="evkg-serve-"))
        atexit.register(shutil.rmtree, temporary, True)
        store_dir = temporary / "store"
    opened = open_store(store_dir, data, prefixes)
    return Site(opened.store, data, prefixes, opened.literals), store_folder(store_dir), temporary


def create_app(config: ServeConfig | None = None) -> EvkgApp:
    """The evkg web application for ``config`` (data loaded now; workers start with the server).

    Raises:
        EvkgError: the data folder or a graph file is bad (one line, see :mod:`evkg.errors`).
    """
    config = config or ServeConfig()
    site, store_path, temporary = _open(config)
    pool = QueryPool(
        WorkerConfig(str(store_path), str(site.data.root), config.max_results),
        size=config.workers,
        timeout=config.timeout,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()
            if temporary is not None:
                shutil.rmtree(temporary, ignore_errors=True)

    routes = [
        Route("/", pages.home, name="home"),
        Route("/search", pages.search, name="search"),
        Route("/glossary", pages.glossary, name="glossary"),
        Route("/browse/{slug}", pages.browse, name="browse"),
        Route("/graph/", pages.graph_index, name="graphs"),
        Route("/source/{path:path}", pages.source, name="source"),
        Route("/sparql", sparql.routed, methods=["GET", "POST"], name="sparql"),  # other methods: 405
        Route("/health", health, name="health"),
        Route("/ontology", deref.redirect_slash),
        Route("/id/{path:path}", deref.dereference, name="id"),
        Route("/ontology/{path:path}", deref.dereference, name="ontology"),
        Route("/graph/{path:path}", deref.dereference, name="graph"),
        Mount("/static", StaticFiles(directory=_PACKAGE / "static"), name="static"),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST"],  # POST: the SPARQL protocol's query forms (YASGUI posts)
            allow_headers=["Accept", "Accept-Language", "Content-Type"],
            expose_headers=["Link", "Vary", "Content-Language", "Content-Location"],
            max_age=86400,
        ),
    ]
    app = EvkgApp(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={404: pages.not_found, 405: pages.method_not_allowed, 500: pages.server_error},
    )
    app.state.site = site
    app.state.pool = pool
    app.state.config = config
    app.state.templates = pages.templates()
    app.state.cache = {}
    app.state.answers = AnswerCache(entries=config.answer_cache)
    return app


__all__ = ["EvkgApp", "create_app"]
