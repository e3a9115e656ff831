"""The SPARQL 1.1 Protocol endpoint, ``/sparql``, and its query page.

Requests (SPARQL 1.1 Protocol §2.1):

- ``GET /sparql?query=…`` (plus ``default-graph-uri`` / ``named-graph-uri``, repeatable);
- ``POST /sparql`` with ``application/x-www-form-urlencoded`` (``query=…``) or with the query as
  the body, ``Content-Type: application/sparql-query`` (dataset parameters in the URL).

The result format follows ``Accept`` with q-values (:mod:`evkg.serve.negotiation`), or a
``format=`` parameter: SPARQL JSON, XML, CSV, TSV for SELECT; JSON, XML for ASK; Turtle, JSON-LD,
N-Triples, RDF/XML, TriG, N-Quads for CONSTRUCT and DESCRIBE; HTML for a browser.

Refused, each with its status and a one-line ``text/plain`` body (an HTML page for a browser):
updates and ``LOAD`` (403, also as ``update=`` or ``application/sparql-update``), ``SERVICE`` and
FROM naming a graph we do not have (403), a query over the size limit (413), an unsupported body
type (415), a syntax error (400), an unacceptable ``Accept`` (406), an oversized header (431), a
result over the row limit (422), a query over the time limit (503, the query is stopped), and all
workers busy (503 with ``Retry-After``).

``GET /sparql`` without a query shows the query page to a browser (with the examples of
``queries/``) and gives other clients the SPARQL service description in Turtle.
"""

from __future__ import annotations

import asyncio
import functools
import json
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evkg.query.helpers import discover, split_header
from evkg.rdf.terms import to_oxigraph
from evkg.serve import pages
from evkg.serve.answers import AnswerCache
from evkg.serve.evaluate import HTML, Answer, Job, content_type, term_json
from evkg.serve.guard import MAX_QUERY, Refusal, refuse_update
from evkg.serve.negotiation import HeaderTooLarge, negotiate
from evkg.serve.pool import QueryPool
from evkg.serve.rdfout import MEDIA_TYPES, serialize
from evkg.serve.site import Site, Text

#: Largest request body read (a url-encoded query may be three times its length).
MAX_BODY = 3 * MAX_QUERY + 4096
SINGLE = ("query", "update")
#: Parameters that name the result format (SPARQLWrapper sends all three, Virtuoso reads ``format``).
FORMAT_KEYS = ("format", "output", "results")
LIST = ("default-graph-uri", "named-graph-uri", *FORMAT_KEYS)


class Body:
    """The request body, read once from ASGI ``receive`` (bounded), and replayed for later readers."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.data = b""
        self.read = False

    async def load(self, declared: str | None) -> bytes:
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
            raise Refusal(413, f"the request body is too large ({declared} bytes; at most {MAX_BODY})")
        chunks, size = [], 0
        while True:
            message = await self._receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                raise Refusal(413, f"the request body is too large (more than {MAX_BODY} bytes)")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        self.data, self.read = b"".join(chunks), True
        return self.data

    async def receive(self) -> Message:
        """ASGI ``receive`` for whoever reads after us: the body, then whatever comes (a disconnect)."""
        if self.read:
            self.read = False
            return {"type": "http.request", "body": self.data, "more_body": False}
        return await self._receive()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(400, f"the request is not UTF-8 ({exc.reason} at byte {exc.start})") from None


def parameters(query_string: bytes, method: str, content_type: str, body: bytes) -> dict[str, Any]:
    """The protocol parameters of a GET or POST request (``query``/``update`` once at most).

    Raises:
        Refusal: a malformed request (400), an update (403), an unsupported body (415).
    """
    try:
        items = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, max_num_fields=1000)
    except ValueError as exc:
        raise Refusal(400, f"malformed query string: {exc}") from None
    if method == "POST":
        ctype = content_type.split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            try:
                items += parse_qsl(_decode(body), keep_blank_values=True, max_num_fields=1000)
            except ValueError as exc:
                raise Refusal(400, f"malformed form: {exc}") from None
        elif ctype == "application/sparql-query":
            items.append(("query", _decode(body)))
        elif ctype == "application/sparql-update":
            raise refuse_update()
        else:
            raise Refusal(
                415,
                f"unsupported Content-Type {ctype or '(none)'}: send application/sparql-query or "
                "application/x-www-form-urlencoded",
            )
    params: dict[str, Any] = {key: [] for key in LIST}
    for key, value in items:
        if key in SINGLE:
            if key in params:
                raise Refusal(400, f"the {key} parameter is given more than once")
            params[key] = value
        elif key in LIST:
            params[key].append(value)
    if "query" in params and "update" in params:
        raise Refusal(400, "a request carries either a query or an update, not both")
    if "update" in params:
        raise refuse_update()
    return params


async def _disconnected(receive: Receive) -> None:
    """Complete when the client goes away."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


#: Headers a cross-origin reader may see (CORS), as the rest of the site says.
_EXPOSE = b"Link, Vary, Content-Language, Content-Location"


async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    """``/sparql`` (GET, HEAD, POST) as a plain ASGI application.

    The common case, a query answered in a data format, is written straight to ``send`` (no
    Request/Response objects, no router: a third of the time of a small query's answer went there);
    errors, the query page and HTML results are rendered by the page machinery.
    """
    app = scope["app"]
    headers = dict(scope["headers"])  # the last value of a repeated header wins, as in Starlette
    body = Body(receive)
    method = scope["method"]
    try:
        data = (
            await body.load(headers.get(b"content-length", b"").decode("latin-1") or None) if method == "POST" else b""
        )
        params = parameters(
            scope.get("query_string", b""), method, headers.get(b"content-type", b"").decode("latin-1"), data
        )
    except Refusal as exc:
        await _error(Request(scope, body.receive), exc.status, exc.message)(scope, body.receive, send)
        return
    query = params.get("query")
    if query is None:
        await _no_query(Request(scope, body.receive))(scope, body.receive, send)
        return
    if len(query) > MAX_QUERY:
        message = f"the query is too long ({len(query)} characters; at most {MAX_QUERY})"
        await _error(Request(scope, body.receive), 413, message, query)(scope, body.receive, send)
        return
    accept_raw = headers.get(b"accept")
    accept = accept_raw.decode("latin-1") if accept_raw is not None else None
    formats = tuple(v for key in FORMAT_KEYS for v in params[key])
    datasets = (tuple(params["default-graph-uri"]), tuple(params["named-graph-uri"]))
    cache: AnswerCache = app.state.answers
    key = AnswerCache.key(query, accept, formats, *datasets, True)
    fresh = b"no-cache" in headers.get(b"cache-control", b"").lower()
    answer = None if fresh else cache.get(key)
    if answer is None:
        job = Job(
            query=query,
            accept=accept,
            formats=formats,
            html=True,
            default_graph_uris=datasets[0],
            named_graph_uris=datasets[1],
        )
        pool: QueryPool = app.state.pool
        answer = await pool.run(job, lambda: asyncio.ensure_future(_disconnected(body.receive)))
        cache.put(key, query, answer)
    if not answer.ok or answer.media_type == HTML:
        request = Request(scope, body.receive)
        if answer.ok:
            response = _results_page(request, query, answer)
        else:
            response = _error(request, answer.status, answer.body.decode("utf-8").strip(), query, answer)
        await response(scope, body.receive, send)
        return
    out = [
        (b"content-type", content_type(answer.media_type).encode("latin-1")),
        (b"content-length", str(len(answer.body)).encode("latin-1")),
        (b"vary", b"Accept"),
    ]
    if b"origin" in headers:  # CORS: the data is public (the preflight is answered by the CORS middleware)
        out += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", _EXPOSE)]
    await send({"type": "http.response.start", "status": 200, "headers": out})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else answer.body})


async def routed(request: Request) -> Response:
    """The route of ``/sparql`` in the router, so that other methods get 405: GET and POST never
    reach it (:class:`SparqlFront` answers them first)."""
    raise RuntimeError("GET and POST /sparql are answered by SparqlFront")


class SparqlFront:
    """ASGI middleware: ``GET``/``HEAD``/``POST /sparql`` go to :func:`endpoint` directly; the rest
    (the CORS preflight included) to the Starlette application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/sparql" and scope["method"] in ("GET", "HEAD", "POST"):
            await endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _error(
    request: Request, status: int, message: str, query: str | None = None, answer: Answer | None = None
) -> Response:
    headers = {"Vary": "Accept"}
    if answer is not None and answer.retry_after:
        headers["Retry-After"] = str(answer.retry_after)
    if pages.wants_html(request):
        return pages.render(
            request,
            "sparql.html",
            status=status,
            headers=headers,
            query=query or "",
            error=message,
            result=None,
            examples=examples(request.app.state.site),
            limits=_limits(request),
        )
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def _limits(request: Request) -> dict[str, Any]:
    config = request.app.state.config
    return {"timeout": config.timeout, "max_results": config.max_results}


#: What ``GET /sparql`` without a query offers: the query page, or the service description.
DESCRIPTION_OFFERS = ["text/html", "text/turtle", *[m for m in MEDIA_TYPES if m != "text/turtle"], "application/json"]


def _no_query(request: Request) -> Response:
    try:
        media = negotiate(request.headers.get("accept"), DESCRIPTION_OFFERS)
    except HeaderTooLarge as exc:
        return PlainTextResponse(f"{exc}\n", status_code=431)
    site: Site = request.app.state.site
    example = request.query_params.get("example")
    text = ""
    if example:
        text = next((e["query"] for e in examples(site) if e["name"] == example), "")
    if media == "text/html":
        return pages.render(
            request,
            "sparql.html",
            headers={"Content-Security-Policy": YASGUI_CSP},
            query=text,
            error=None,
            result=None,
            examples=examples(site),
            limits=_limits(request),
            yasgui=_yasgui(site),
        )
    if media is None:
        offered = ", ".join(DESCRIPTION_OFFERS)
        return PlainTextResponse(
            f"none of the media types in Accept is available; offered: {offered}\n",
            status_code=406,
            headers={"Vary": "Accept"},
        )
    env = request.app.state.templates
    config = request.app.state.config
    body = env.get_template("service-description.ttl.jinja").render(
        timeout=config.timeout, max_results=config.max_results, prefixes=site.prefixes.turtle_block(["rdfs"])
    )
    media = "application/ld+json" if media == "application/json" else media
    if media != "text/turtle":  # the same description in the asked format, IRIs made absolute
        endpoint = str(request.url.replace(query=""))
        quads = list(ox.parse(body.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=endpoint))
        data = serialize(quads, media, site.prefixes)
        return Response(data, media_type=content_type(media), headers={"Vary": "Accept"})
    return Response(body, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})


#: The query page runs YASGUI (bundled in static/yasgui/): scripts and connections to this site only;
#: YASGUI sets inline styles (CodeMirror, its tables), hence style-src 'unsafe-inline' on this page.
YASGUI_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DEFAULT_QUERY = """PREFIX evkg: <https://w3id.org/evkg/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>

# Organisations and their names in both languages
SELECT ?org ?name WHERE {
  ?org a org:FormalOrganization ;
       skos:prefLabel ?name .
}
ORDER BY ?org ?name
LIMIT 50
"""


def _yasgui(site: Site) -> dict[str, Any]:
    """What the query page needs to start YASGUI: its version, a first query, the examples as JSON."""
    version = resources.files("evkg.serve").joinpath("static", "yasgui", "VERSION").read_text(encoding="utf-8")
    data = json.dumps([{"name": e["name"], "query": e["query"]} for e in examples(site)], ensure_ascii=False)
    return {
        "version": version.strip(),
        "default_query": DEFAULT_QUERY,
        "examples_json": Markup(data.replace("<", "\\u003c")),  # noqa: S704 - JSON in a script block, "<" escaped
    }


@functools.lru_cache(maxsize=4)
def _examples(site: Site) -> tuple[dict[str, str], ...]:
    # lazy: httpx (the remote engine's module) loads only when the examples are first shown
    from evkg.query.engines import inline_bindings

    out = []
    for spec in discover(site.data.root):
        if spec.kind == "violation":
            continue
        _, body = split_header(spec.text)
        try:
            bound = spec.bind(spec.example_bindings(), site.prefixes)
            text = inline_bindings(body.strip(), {k: to_oxigraph(v) for k, v in bound.items()})
        except Exception:  # a header without usable examples: show the query as it is
            text = body.strip()
        out.append({"name": spec.name, "summary": spec.summary, "question": spec.question, "query": text + "\n"})
    return tuple(out)


def examples(site: Site) -> tuple[dict[str, str], ...]:
    """The example queries of ``queries/`` with their example parameters filled in (VALUES)."""
    try:
        return _examples(site)
    except Exception:  # no queries/ folder, or one that does not parse: the page works without
        return ()


def _results_page(request: Request, query: str, answer: Answer) -> Response:
    page = pages.Page(request)
    site = page.site
    result: dict[str, Any] = {"kind": answer.kind, "count": answer.rows}
    if answer.kind == "boolean":
        result["boolean"] = json.loads(answer.body)["boolean"]
    elif answer.kind == "solutions":
        doc = json.loads(answer.body)
        result["vars"] = doc["head"]["vars"]
        result["rows"] = [
            [_cell(site, b.get(v), page.lang) for v in result["vars"]] for b in doc["results"]["bindings"]
        ]
        result["count"] = len(result["rows"])
    else:
        result["vars"] = ["subject", "predicate", "object"]
        rows = []
        for triple in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES):
            rows.append(
                [_cell(site, _json_term(t), page.lang) for t in (triple.subject, triple.predicate, triple.object)]
            )
        result["rows"] = rows
    return pages.render(
        request,
        "sparql.html",
        headers={"Vary": "Accept"},
        query=query,
        error=None,
        result=result,
        examples=examples(site),
        limits=_limits(request),
    )


def _json_term(term: Any) -> dict[str, str]:
    return term_json(term)


def _cell(site: Site, binding: dict[str, str] | None, lang: str) -> dict[str, Any] | None:
    if binding is None:
        return None
    if binding["type"] == "uri":
        return {"ref": site.ref(binding["value"], lang)}
    if binding["type"] == "bnode":
        return {"text": Text("_:" + binding["value"])}
    return {
        "text": Text(binding["value"], (binding.get("xml:lang") or "").lower()),
        "datatype": binding.get("datatype"),
    }


__all__ = ["SparqlFront", "examples", "routed"]
