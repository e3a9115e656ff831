"""Evaluate one SPARQL request against a read-only store and serialise the answer (worker side).

This runs inside a query worker process (:mod:`evkg.serve.pool`), so that the server can stop a
query at its time limit by ending the process. The answer is complete before anything is sent: a
result that exceeds the size limit is an error (422) rather than a truncated body, and the HTTP
status is decided only once the body exists.

Formats, chosen by the client's ``Accept`` header (or a ``format=`` parameter):

==================  =========================================================================
SELECT              SPARQL JSON, SPARQL XML, CSV, TSV (HTML for the query page)
ASK                 SPARQL JSON, SPARQL XML
CONSTRUCT/DESCRIBE  Turtle, JSON-LD (evkg's local context), N-Triples, RDF/XML, TriG, N-Quads
==================  =========================================================================

Graph results are written by :func:`evkg.rdf.serialization.export` (the same serialisers and context as
``evkg export``), over the result's triples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from evkg.rdf.formats import MEDIA_TYPES as GRAPH_FORMATS
from evkg.rdf.formats import NAMES, RESULTS_FORMATS
from evkg.rdf.literals import WrittenLiterals
from evkg.rdf.parse import holds_union
from evkg.serve.guard import QueryPlan, Refusal, inspect_query
from evkg.serve.negotiation import HeaderTooLarge, negotiate
from evkg.serve.rdfout import serialize

JSON = RESULTS_FORMATS["json"].media_type
XML = RESULTS_FORMATS["xml"].media_type
HTML = "text/html"

#: Media types offered per query form, in the server's order of preference: evkg's formats
#: (:mod:`evkg.rdf.formats`), then the generic types clients also send for them.
SOLUTION_TYPES: dict[str, ox.QueryResultsFormat] = {
    **{f.media_type: f.oxigraph for f in RESULTS_FORMATS.values()},
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
}
BOOLEAN_TYPES = [JSON, XML, "application/json", "application/xml", "text/xml", "text/csv", "text/tab-separated-values"]
#: Graph media types -> evkg export format names.
GRAPH_TYPES: dict[str, str] = {**{media: f.name for media, f in GRAPH_FORMATS.items()}, "application/json": "json-ld"}

#: Graph media types that are served as another one.
GRAPH_ALIASES = {"application/json": "application/ld+json"}

#: ``format=`` (also ``output=``, ``results=``) values -> media type, per kind of result. Clients such as
#: SPARQLWrapper send all three, sometimes with a media type as a second value; media types offered for
#: the kind are accepted as values too. A graph format answers to each of its names (``n3`` is Turtle).
_RESULTS_PARAM = {name: f.media_type for f in RESULTS_FORMATS.values() for name in (f.name, *f.aliases)}
FORMAT_PARAM = {
    "solutions": {**_RESULTS_PARAM, "html": HTML},
    "boolean": {**_RESULTS_PARAM, "html": HTML},
    "graph": {**{name: f.media_type for name, f in NAMES.items()}, "html": HTML},
}
_TEXT_CHARSET = ("text/", "application/sparql-results+json", "application/json", "application/ld+json")


@dataclass(frozen=True)
class Job:
    """One request for a worker (picklable)."""

    query: str
    accept: str | None = None
    formats: tuple[str, ...] = ()  # the ``format=``/``output=``/``results=`` values; they override ``accept``
    html: bool = False  # offer text/html (the query page renders the result)
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: an HTTP status, a media type and the body (or an error message)."""

    status: int
    media_type: str
    body: bytes
    kind: str = ""  # solutions, boolean or graph ("" for errors)
    rows: int = 0
    retry_after: int | None = None  # seconds, for 503 "busy"

    @property
    def ok(self) -> bool:
        return self.status == 200


def error(status: int, message: str, retry_after: int | None = None) -> Answer:
    """A plain-text error answer with ``status`` (and ``Retry-After`` when given)."""
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), retry_after=retry_after)


def content_type(media_type: str) -> str:
    """``media_type`` with ``; charset=utf-8`` for the textual types."""
    if media_type.startswith(_TEXT_CHARSET) or media_type.endswith(("+xml", "/xml")):
        return f"{media_type}; charset=utf-8"
    return media_type


class UnknownFormat(Exception):
    """A format parameter names no format at all (400), or two that disagree."""


def _offers_for(kind: str, html: bool) -> list[str]:
    if kind == "solutions":
        offers: list[str] = list(SOLUTION_TYPES)
    elif kind == "boolean":
        offers = list(BOOLEAN_TYPES)
    else:
        offers = list(GRAPH_TYPES)
    if html:
        offers.append(HTML)
    return offers


def _format_value(value: str, kind: str) -> str | None:
    """The media type a format value names for ``kind`` (None: a format, but of another kind of result).

    Raises:
        UnknownFormat: the value names no format evkg knows.
    """
    if "," in value:  # a list of media types, as SPARQLWrapper repeats its Accept header: the first we have
        found = [_format_value(piece, kind) for piece in value.split(",") if _known(piece)]
        if not found:
            raise UnknownFormat(f"unknown format {value!r} (one of: {', '.join(FORMAT_PARAM[kind])})")
        return next((f for f in found if f is not None), None)
    key = value.strip().lower()
    if key in FORMAT_PARAM[kind]:
        return FORMAT_PARAM[kind][key]
    media = key.split(";")[0].strip()
    if media == HTML or media in _offers_for(kind, False):
        return GRAPH_ALIASES.get(media, media) if kind == "graph" else media
    known = {name for table in FORMAT_PARAM.values() for name in table}
    known |= {m for k in FORMAT_PARAM for m in _offers_for(k, True)}
    if key in known or media in known:
        return None
    raise UnknownFormat(f"unknown format {value!r} (one of: {', '.join(FORMAT_PARAM[kind])})")


def _known(value: str) -> bool:
    """Whether ``value`` names a format of some kind of result."""
    try:
        _format_value(value, "solutions")
        return True
    except UnknownFormat:
        return False


def choose(job: Job, kind: str) -> str | None:
    """The media type to answer ``job`` with for a result of ``kind`` (None: nothing acceptable).

    Format parameters win over ``Accept`` when they name a format of this kind of result; values that
    name a format of another kind (``format=turtle`` on a SELECT, as SPARQLWrapper sends for any
    request) leave the choice to ``Accept``.

    Raises:
        UnknownFormat: a value names no format, or two values name different ones.
        HeaderTooLarge: see :func:`evkg.serve.negotiation.negotiate`.
    """
    named = {m for m in (_format_value(v, kind) for v in job.formats if v.strip()) if m is not None}
    if len(named) > 1:
        raise UnknownFormat(f"the format parameters disagree ({', '.join(sorted(named))})")
    if named:
        chosen = named.pop()
        return None if chosen == HTML and not job.html else chosen
    return negotiate(job.accept, _offers_for(kind, job.html))


def term_json(term: Any) -> dict[str, str]:
    """A pyoxigraph term as a SPARQL 1.1 JSON results term."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    raise Refusal(422, "the result holds an RDF-star triple term, which evkg does not serialise")


class TooLarge(Exception):
    pass


def _bounded(items: Iterator[Any], limit: int) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if len(out) >= limit:
            raise TooLarge
        out.append(item)
    return out


def _too_large(limit: int, what: str) -> Answer:
    return error(
        422,
        f"the result has more than {limit} {what}, the limit of this endpoint: add LIMIT (and OFFSET to page) "
        "or ask for less",
    )


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_BINDINGS = b'"bindings":['


def count_rows(body: bytes) -> int:
    """The number of solutions in a SPARQL JSON results document written by pyoxigraph.

    Rows are the objects of the ``bindings`` array: with every string blanked out, each pair of
    neighbouring rows is the only place where ``},{`` can occur (terms are objects inside a row,
    separated by ``},"``).

    >>> count_rows(b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"},{"}},{}]}}')
    2
    >>> count_rows(b'{"head":{"vars":[]},"results":{"bindings":[]}}')
    0
    """
    at = body.find(_BINDINGS)
    if at < 0:
        return 0
    rest = _JSON_STRING.sub(b'""', body[at + len(_BINDINGS) :])
    return 0 if rest.startswith(b"]") else rest.count(b"},{") + 1


class _Capped:
    """A write-only buffer for pyoxigraph's serialisers that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


#: Bytes one solution may take on average before a result counts as too large to write (the row
#: limit is checked on the written document; this bounds the document first).
BYTES_PER_ROW = 4096


def solutions_body(result: ox.QuerySolutions, media_type: str, max_results: int) -> tuple[bytes, int]:
    """SELECT results in ``media_type`` and their number, written by pyoxigraph's own serialisers.

    Raises:
        TooLarge: more than ``max_results`` rows (or more bytes than such a result could take).
    """
    out = _Capped(max(1 << 20, max_results * BYTES_PER_ROW))
    result.serialize(out, format=ox.QueryResultsFormat.JSON)  # type: ignore[arg-type]  # a writable object
    body = out.value()
    rows = body.count(b"},{") + 1  # at least the number of rows (see count_rows): exact unless a literal holds "},{"
    if rows > max_results:
        rows = count_rows(body)
        if rows > max_results:
            raise TooLarge
    fmt = SOLUTION_TYPES.get(media_type, ox.QueryResultsFormat.JSON)
    if fmt != ox.QueryResultsFormat.JSON:
        body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=fmt) or b""
    return body, rows


def graph_body(triples: Sequence[ox.Triple], media_type: str, prefixes: Any) -> bytes:
    return serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples], media_type, prefixes)


_unions: dict[int, bool] = {}


def _holds_union(store: ox.Store) -> bool:
    """:func:`evkg.rdf.parse.holds_union`, once per store (a worker's store is read-only)."""
    known = _unions.get(id(store))
    if known is None:
        known = _unions[id(store)] = holds_union(store)
    return known


#: Checked queries remembered by one worker (the same queries come back: examples, dashboards).
PLAN_CACHE = 1024
_plans: dict[tuple[str, tuple[str, ...], tuple[str, ...]], QueryPlan] = {}


def run(
    store: ox.Store,
    job: Job,
    *,
    graphs: set[str],
    prefixes: Any,
    max_results: int,
    literals: WrittenLiterals | None = None,
) -> Answer:
    """Check, evaluate and serialise ``job`` on ``store``; every failure is an :class:`Answer` too.

    ``literals``: the statements whose literal the store rewrote; CONSTRUCT and DESCRIBE answers
    carry them as written (:mod:`evkg.rdf.literals`)."""
    try:
        key = (job.query, job.default_graph_uris, job.named_graph_uris)
        plan = _plans.get(key)
        if plan is None:
            plan = inspect_query(
                job.query,
                graphs=graphs,
                default_graph_uris=job.default_graph_uris,
                named_graph_uris=job.named_graph_uris,
                prefixes=prefixes.mapping,
            )
            if len(_plans) >= PLAN_CACHE:
                _plans.clear()
            _plans[key] = plan  # refusals are not kept: they raise
        kind = "boolean" if plan.form == "ASK" else "graph" if plan.returns_graph else "solutions"
        try:
            media_type = choose(job, kind)
        except HeaderTooLarge as exc:
            return error(431, str(exc))
        except UnknownFormat as exc:
            return error(400, f"{exc} for a {plan.form} query")
        if media_type is None:
            return error(406, f"none of the media types in Accept can hold a {plan.form} result ({_offers(kind)})")
        return _evaluate(store, job, plan, kind, media_type, prefixes, max_results, literals)
    except Refusal as exc:
        return error(exc.status, exc.message)


def _offers(kind: str) -> str:
    if kind == "solutions":
        return "offered: " + ", ".join(SOLUTION_TYPES)
    if kind == "boolean":
        return "offered: " + ", ".join(BOOLEAN_TYPES)
    return "offered: " + ", ".join(GRAPH_TYPES)


def _dataset(plan: QueryPlan, union: bool) -> dict[str, Any]:
    """The dataset of a query: the store's default graph, which holds the union of the named graphs
    as a set (``union``), else pyoxigraph's union; or the graphs the query or the request names."""
    if not plan.explicit_dataset:
        return {} if union else {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(g) for g in plan.default_graphs],
        "named_graphs": [ox.NamedNode(g) for g in plan.named_graphs],
    }


def _evaluate(
    store: ox.Store,
    job: Job,
    plan: QueryPlan,
    kind: str,
    media_type: str,
    prefixes: Any,
    max_results: int,
    literals: WrittenLiterals | None = None,
) -> Answer:
    try:
        registry = prefixes.mapping
        needed = {p: registry[p] for p in plan.undeclared if p in registry}  # a small map parses faster
        result = store.query(job.query, prefixes=needed or None, **_dataset(plan, _holds_union(store)))
        wire = JSON if media_type == HTML and kind != "graph" else media_type
        if kind == "boolean":
            assert isinstance(result, ox.QueryBoolean)
            fmt = SOLUTION_TYPES.get(wire, ox.QueryResultsFormat.JSON)
            return Answer(200, media_type, result.serialize(format=fmt) or b"", kind, 1)
        if kind == "solutions":
            assert isinstance(result, ox.QuerySolutions)
            try:
                body, rows = solutions_body(result, wire, max_results)
            except TooLarge:
                return _too_large(max_results, "rows")
            return Answer(200, media_type, body, kind, rows)
        assert isinstance(result, ox.QueryTriples)
        try:
            triples = _bounded(iter(result), max_results)
        except TooLarge:
            return _too_large(max_results, "triples")
        if literals:
            triples = literals.restore_triples(triples, store, job.query, prefixes.as_dict())
        media_type = GRAPH_ALIASES.get(media_type, media_type)
        wire = "application/n-triples" if media_type == HTML else media_type
        return Answer(200, media_type, graph_body(triples, wire, prefixes), kind, len(triples))
    except SyntaxError as exc:
        return error(400, f"SPARQL syntax error: {' '.join(str(exc.msg or exc).split())}")
    except OSError as exc:
        return error(500, f"the store could not answer: {' '.join(str(exc).split())}")
    except (ValueError, TypeError) as exc:  # evaluation errors pyoxigraph reports as such
        return error(400, f"the query could not be evaluated: {' '.join(str(exc).split())}")


__all__ = ["Answer", "HTML", "Job", "content_type", "error", "run", "term_json"]
