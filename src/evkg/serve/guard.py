"""What the SPARQL endpoint refuses, decided by parsing the request before anything is evaluated.

The endpoint is read-only and never sends a request on a user's behalf. :func:`inspect_query`
parses the text with rdflib's SPARQL parser and walks the parse tree (the same nodes rdflib's
algebra is built from) to refuse, before evaluation:

- SPARQL Update of any kind, including ``LOAD`` (which would fetch a URL): 403;
- ``SERVICE`` anywhere in the query, also ``SERVICE SILENT`` and ``SERVICE ?var``: 403 (the
  token check of :func:`evkg.store.check_query` runs as well, on the raw text with its ``\\u``
  escapes decoded, as a second opinion);
- ``FROM`` / ``FROM NAMED`` (and the protocol's ``default-graph-uri`` / ``named-graph-uri``) naming
  anything but a named graph of the dataset: 403 (rdflib-endpoint fetches such IRIs; pyoxigraph
  does not, but an IRI that names no graph of ours is a mistake or a probe either way);
- queries longer than :data:`MAX_QUERY` characters: 413; and syntax errors: 400.

A query must parse with rdflib to run. pyoxigraph evaluates it afterwards, so a query that one of
the two engines does not understand is refused with rdflib's or pyoxigraph's message.

>>> inspect_query("SELECT * WHERE { ?s ?p ?o }", graphs=set()).form
'SELECT'
>>> inspect_query("LOAD <http://example.org/x>", graphs=set())
Traceback (most recent call last):
evkg.serve.guard.Refusal: 403: SPARQL Update (LOAD) is not allowed: this endpoint is read-only
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evkg.errors import QuerySyntaxError
from evkg.store import check_query

#: Longest query text the endpoint reads (characters).
MAX_QUERY = 64 * 1024

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class Refusal(Exception):
    """A request the endpoint will not evaluate: an HTTP status and one line saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryPlan:
    """A query that passed the checks: its form and the dataset it names (IRIs, maybe empty)."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    explicit_dataset: bool = field(default=False)

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _walk(node: Any) -> Iterator[Any]:
    """Every CompValue below ``node`` (parse trees mix CompValue, ParseResults, lists and dicts)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@functools.lru_cache(maxsize=256)
def _parse(text: str) -> Any:
    from rdflib.plugins.sparql.parser import parseQuery

    return parseQuery(text)


def _update_kinds(text: str) -> list[str] | None:
    """The operations of ``text`` if it parses as a (non-empty) SPARQL Update, else None."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except Exception:  # pyparsing.ParseException and friends
        return None
    request = parsed.get("request") if hasattr(parsed, "get") else None
    if not request:
        return None
    return [getattr(op, "name", "update") for op in request]


_UPDATE_NAMES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}


def refuse_update(kinds: Sequence[str] | None = None) -> Refusal:
    """The refusal of a SPARQL Update (naming its operations when known)."""
    names = sorted({_UPDATE_NAMES.get(k, k) for k in kinds or ()})
    what = f" ({', '.join(names)})" if names else ""
    return Refusal(403, f"SPARQL Update{what} is not allowed: this endpoint is read-only")


def _dataset_iris(parsed: Any, prefixes: Mapping[str, str]) -> tuple[list[str], list[str]]:
    from rdflib.plugins.sparql.algebra import translatePrologue

    clauses = parsed[1].get("datasetClause") or []
    if not clauses:
        return [], []
    try:
        prologue = translatePrologue(parsed[0], None, dict(prefixes))
    except Exception as exc:
        raise Refusal(400, f"SPARQL syntax error: {_one_line(str(exc))}") from None
    default: list[str] = []
    named: list[str] = []
    for clause in clauses:
        for key, target in (("default", default), ("named", named)):
            if key in clause:
                try:
                    target.append(str(prologue.absolutize(clause[key])))
                except Exception as exc:
                    raise Refusal(400, f"SPARQL syntax error: {_one_line(str(exc))}") from None
    return default, named


def _check_graphs(iris: Sequence[str], graphs: set[str], where: str) -> None:
    for iri in iris:
        if iri not in graphs:
            raise Refusal(
                403,
                f"{where} <{iri}> is not a named graph of this dataset: evkg never fetches remote data "
                "(see /graph/ for the graphs it has)",
            )


def inspect_query(
    text: str,
    *,
    graphs: set[str],
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    prefixes: Mapping[str, str] | None = None,
) -> QueryPlan:
    """Parse and check a query; return its :class:`QueryPlan` or raise :class:`Refusal`.

    Args:
        text: the query.
        graphs: IRIs of the dataset's named graphs (the only ones FROM may name).
        default_graph_uris, named_graph_uris: the protocol's dataset parameters (they replace the
            query's FROM / FROM NAMED, as SPARQL 1.1 Protocol §2.1.4 says).
        prefixes: prefixes a query may use without declaring them (the registry's).
    """
    if len(text) > MAX_QUERY:
        raise Refusal(413, f"the query is too long ({len(text)} characters; at most {MAX_QUERY})")
    if not text.strip():
        raise Refusal(400, "the query is empty")
    try:
        parsed = _parse(text)
    except Exception as exc:  # pyparsing.ParseException
        kinds = _update_kinds(text)
        if kinds is not None:
            raise refuse_update(kinds) from None
        raise Refusal(400, f"SPARQL syntax error: {_one_line(str(exc))}") from None
    try:
        check_query(text)
    except QuerySyntaxError as exc:
        raise Refusal(403, str(exc)) from None
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            raise Refusal(403, "SERVICE is not allowed: this endpoint queries only its own data")
    form = _FORMS.get(getattr(parsed[1], "name", ""), "")
    if not form:
        raise Refusal(400, "SPARQL syntax error: not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    default, named = _dataset_iris(parsed, prefixes or {})
    explicit = bool(default or named)
    if default_graph_uris or named_graph_uris:
        default, named, explicit = list(default_graph_uris), list(named_graph_uris), True
    _check_graphs(default, graphs, "the default graph")
    _check_graphs(named, graphs, "the named graph")
    return QueryPlan(form, tuple(default), tuple(named), explicit)
