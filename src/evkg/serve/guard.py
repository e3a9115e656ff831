"""What the SPARQL endpoint refuses, decided from the request's tokens before anything is evaluated.

The endpoint is read-only and never sends a request on a user's behalf. :func:`inspect_query`
reads the query with evkg's one SPARQL lexer (:mod:`evkg.query.lexer`: the lexical grammar of SPARQL
1.1 §19.8, after the ``\\u``/``\\U`` escapes are decoded as §19.2 requires) and refuses, before
evaluation:

- SPARQL Update of any kind, including ``LOAD`` (which would fetch a URL): 403;
- ``SERVICE`` anywhere in the query, also ``SERVICE SILENT`` and ``SERVICE ?var``: 403;
- ``FROM`` / ``FROM NAMED`` (and the protocol's ``default-graph-uri`` / ``named-graph-uri``) naming
  anything but a named graph of the dataset: 403 (rdflib-endpoint fetches such IRIs; pyoxigraph
  does not, but an IRI that names no graph of ours is a mistake or a probe either way);
- queries longer than :data:`MAX_QUERY` characters: 413.

Why tokens and not a parse tree: a ``SERVICE`` clause, a dataset clause and an update operation
each begin with their keyword, and a keyword token can only be written outside strings, IRIs and
comments, which the lexer skips as the SPARQL grammar does; so the keyword check sees exactly what
a parser would. Parsing with rdflib's grammar, tried first, took 0.2 to 1.3 s for the queries of
``queries/`` (pyparsing), more than evaluating them; the lexer takes about a millisecond. The query
is then parsed once, by pyoxigraph when it evaluates it in a worker, whose syntax errors are 400.

>>> inspect_query("SELECT * WHERE { ?s ?p ?o }", graphs=set()).form
'SELECT'
>>> inspect_query("LOAD <http://example.org/x>", graphs=set())
Traceback (most recent call last):
evkg.serve.guard.Refusal: 403: SPARQL Update (LOAD) is not allowed: this endpoint is read-only
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from evkg.errors import QuerySyntaxError
from evkg.query.engine import check_query
from evkg.query.lexer import Token, decode_escapes, tokens

#: Longest query text the endpoint reads (characters).
MAX_QUERY = 64 * 1024

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
#: Keywords that start an update operation (SPARQL 1.1 Update §3).
UPDATE_KEYWORDS = ("LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH")


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
    explicit_dataset: bool = False
    #: prefixes the query uses without declaring them (the registry's, handed to the parser)
    undeclared: tuple[str, ...] = ()

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


# --- the checks -----------------------------------------------------------------------------------------
def refuse_update(kinds: Sequence[str] = ()) -> Refusal:
    """The refusal of a SPARQL Update (naming its operations when known)."""
    names = sorted(set(kinds))
    what = f" ({', '.join(names)})" if names else ""
    return Refusal(403, f"SPARQL Update{what} is not allowed: this endpoint is read-only")


def _update_operations(keywords: Sequence[str]) -> list[str]:
    """The update operations named by ``keywords`` (``INSERT DATA``, ``DELETE WHERE``, ``LOAD``...)."""
    ops = set()
    for j, word in enumerate(keywords):
        if word in UPDATE_KEYWORDS and word != "WITH":
            following = keywords[j + 1] if j + 1 < len(keywords) else ""
            ops.add(f"{word} {following}" if word in ("INSERT", "DELETE") and following in ("DATA", "WHERE") else word)
    return sorted(ops)


def _prologue_iri(token: Token, base: str | None, prefixes: Mapping[str, str]) -> str:
    """The IRI a dataset-clause token names (IRIREF, resolved against BASE, or prefixed name)."""
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urljoin(base, iri) if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) else iri
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix not in prefixes:
            raise Refusal(400, f"SPARQL syntax error: undeclared prefix {prefix}: in {token.text}")
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    raise Refusal(400, f"SPARQL syntax error: FROM must be followed by an IRI, not {token.text!r}")


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
    """Check a query from its tokens; return its :class:`QueryPlan` or raise :class:`Refusal`.

    Args:
        text: the query.
        graphs: IRIs of the dataset's named graphs (the only ones FROM may name).
        default_graph_uris, named_graph_uris: the protocol's dataset parameters (they replace the
            query's FROM / FROM NAMED, as SPARQL 1.1 Protocol §2.1.4 says).
        prefixes: prefixes a query may use without declaring them (the registry's).
    """
    if len(text) > MAX_QUERY:
        raise Refusal(413, f"the query is too long ({len(text)} characters; at most {MAX_QUERY})")
    try:
        toks = list(tokens(decode_escapes(text)))
    except QuerySyntaxError as exc:
        raise Refusal(400, str(exc)) from None
    if not toks:
        raise Refusal(400, "the query is empty")
    keywords = [t.keyword for t in toks if t.kind == "name"]
    if "SERVICE" in keywords:
        raise Refusal(403, "SERVICE is not allowed: this endpoint queries only its own data")
    try:
        check_query(text)  # the store's own token check, as a second opinion
    except QuerySyntaxError as exc:
        raise Refusal(403, str(exc)) from None

    declared = dict(prefixes or {})
    own: set[str] = set()  # prefixes the query declares itself
    base: str | None = None
    i = 0
    while i < len(toks) and toks[i].keyword in ("PREFIX", "BASE"):
        if toks[i].keyword == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname":
            name = toks[i + 1].text[:-1] if toks[i + 1].text.endswith(":") else toks[i + 1].text
            declared[name] = toks[i + 2].text[1:-1]
            own.add(name)
            i += 3
        elif toks[i].keyword == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = toks[i + 1].text[1:-1]
            i += 2
        else:
            raise Refusal(400, f"SPARQL syntax error: malformed {toks[i].keyword} at character {toks[i].at}")
    first = toks[i].keyword if i < len(toks) else ""
    if first in UPDATE_KEYWORDS:
        raise refuse_update(_update_operations(keywords))
    if first not in QUERY_FORMS:
        raise Refusal(400, "SPARQL syntax error: expected SELECT, ASK, CONSTRUCT or DESCRIBE")

    default: list[str] = []
    named: list[str] = []
    for j, token in enumerate(toks):
        if token.keyword != "FROM":
            continue
        k = j + 1
        target = default
        if k < len(toks) and toks[k].keyword == "NAMED":
            target, k = named, k + 1
        if k >= len(toks):
            raise Refusal(400, "SPARQL syntax error: FROM without an IRI")
        target.append(_prologue_iri(toks[k], base, declared))
    explicit = bool(default or named)
    if default_graph_uris or named_graph_uris:
        default, named, explicit = list(default_graph_uris), list(named_graph_uris), True
    _check_graphs(default, graphs, "the default graph")
    _check_graphs(named, graphs, "the named graph")
    used = {t.text.partition(":")[0] for t in toks if t.kind == "pname"} - own
    return QueryPlan(first, tuple(default), tuple(named), explicit, tuple(sorted(used)))


__all__ = ["MAX_QUERY", "QueryPlan", "Refusal", "inspect_query", "refuse_update"]
