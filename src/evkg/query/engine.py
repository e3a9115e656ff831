"""The query engine protocol, and the embedded engine: a pyoxigraph store whose default graph is the union.

:class:`Engine` is what the rest of evkg needs from a query engine: run a SPARQL query with
parameters bound as RDF terms, and list every quad. :class:`OxigraphEngine` is the embedded one.
Another engine (a remote SPARQL 1.1 endpoint, or rdflib: :mod:`evkg.query.engines`) fits behind
the same protocol: results are pyoxigraph's result objects, which
:func:`pyoxigraph.parse_query_results` also produces from a remote endpoint's SPARQL JSON/XML answer.

The store rewrites some literals (``"01"^^xsd:integer`` → ``"1"``; :mod:`evkg.rdf.literals`): the
engine gives them back as written in :meth:`OxigraphEngine.quads` and in CONSTRUCT and DESCRIBE
results; SELECT results and FILTERs see the store's form (the value).

Queries never leave the machine: ``SERVICE`` is refused before evaluation (:func:`check_query`;
pyoxigraph would send an HTTP request), and the store is only read through ``query`` (no ``LOAD``,
no update).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol, TypeAlias, runtime_checkable

import pyoxigraph as ox

from evkg.data.prefixes import Prefixes
from evkg.errors import EvkgError, QuerySyntaxError, UsageError, explain_sparql
from evkg.query.lexer import network_clauses
from evkg.rdf.literals import RestoredTriples, WrittenLiterals
from evkg.rdf.parse import holds_union
from evkg.rdf.terms import OxTerm

log = logging.getLogger(__name__)

QueryResult: TypeAlias = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | RestoredTriples


# --- the engine protocol --------------------------------------------------------------------------
@runtime_checkable
class Engine(Protocol):
    """A SPARQL engine over evkg's dataset of named graphs (default graph = union of all graphs)."""

    name: str

    def query(self, query: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryResult:
        """Evaluate a SPARQL 1.1 query with ``bindings`` substituted as RDF terms (SEP-0007)."""
        ...

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the dataset, literals as written."""
        ...

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        ...


class OxigraphEngine:
    """The embedded engine: a :class:`pyoxigraph.Store` queried with the union of its named graphs as
    default graph, a set: the store's default graph when it holds the union (stores built by evkg's
    loader, :func:`evkg.rdf.parse.fill_union`), else pyoxigraph's ``use_default_graph_as_union``
    (which repeats a triple once per graph that states it)."""

    name = "oxigraph"

    def __init__(
        self,
        store: ox.Store,
        prefixes: Prefixes | None = None,
        literals: WrittenLiterals | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self.store = store
        #: the store was opened read-only (a persisted store): its data cannot change under an index
        self.read_only = read_only
        self.prefixes = prefixes
        #: the statements whose literal the store rewrote, with the literals as written
        self.literals = literals if literals is not None else WrittenLiterals()
        self._prefix_map = prefixes.as_dict() if prefixes else None  # built once, not per query
        # query texts already checked for SERVICE → whether they need the registry's prefixes (a text
        # that declares its own parses without them, and handing pyoxigraph the map costs ~40 µs a call)
        self._checked: dict[str, bool] = {}
        self._variables: dict[str, ox.Variable] = {}

    def query(self, query: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryResult:
        needs_prefixes = self._checked.get(query)
        if needs_prefixes is None:
            check_query(query)
            needs_prefixes = False  # first try the text alone
        substitutions: dict[ox.Variable, OxTerm | ox.Triple] | None = (
            {self._variable(k): v for k, v in bindings.items()} if bindings else None
        )
        union = not holds_union(self.store)  # a store not built by evkg's loader: pyoxigraph's (bag) union
        started = time.perf_counter()
        try:
            try:
                result = self.store.query(
                    query,
                    use_default_graph_as_union=union,
                    substitutions=substitutions,
                    prefixes=self._prefix_map if needs_prefixes else None,
                )
            except SyntaxError:
                if needs_prefixes or self._prefix_map is None:
                    raise
                needs_prefixes = True  # a prefix of the registry that the text does not declare
                result = self.store.query(
                    query, use_default_graph_as_union=union, substitutions=substitutions, prefixes=self._prefix_map
                )
        except SyntaxError as exc:
            raise query_syntax_error(exc, query, self._prefix_map or ()) from None
        except RuntimeError as exc:
            missing = _UNPROJECTED.search(str(exc))
            if missing:  # pyoxigraph binds (SEP-0007) only variables that a SELECT projects
                name = missing.group(1)
                raise UsageError(
                    f"cannot bind ?{name}: it is not in the SELECT clause (add ?{name} to it, or use SELECT *)"
                ) from None
            raise EvkgError(f"SPARQL query failed: {exc}") from None
        if query not in self._checked and len(self._checked) < 4096:
            self._checked[query] = needs_prefixes
        if log.isEnabledFor(logging.DEBUG):
            log.debug("query %.1f ms bindings=%s", (time.perf_counter() - started) * 1000, dict(bindings or {}))
        if self.literals and isinstance(result, ox.QueryTriples):  # CONSTRUCT, DESCRIBE: literals as written
            return RestoredTriples(self.literals.restore_triples(result, self.store, query, self._prefix_map))
        return result

    def _variable(self, name: str) -> ox.Variable:
        variable = self._variables.get(name)
        if variable is None:
            variable = self._variables[name] = ox.Variable(name)
        return variable

    def quads(self) -> Iterator[ox.Quad]:
        """Every statement of every named graph (not the default graph: it repeats them as a union),
        literals as written."""
        for graph in self.store.named_graphs():
            yield from self.literals.restore(self.store.quads_for_pattern(None, None, None, graph))

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))


_UNPROJECTED = re.compile(r"does not contains? variable \?(\w+) in its SELECT projection")
_QUERY_LOCATION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def query_syntax_error(exc: SyntaxError, query: str = "", prefixes: Iterable[str] = ()) -> QuerySyntaxError:
    """pyoxigraph's query SyntaxError (``error at 2:22: expected ...``) as a QuerySyntaxError, in words
    (:func:`evkg.errors.explain_sparql`: an unknown prefix and the nearest registered one, a missing
    query form, the unexpected token)."""
    message = str(exc.msg or exc)
    match = _QUERY_LOCATION.match(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        detail = explain_sparql(match.group(3), line, column, query, prefixes) if query else match.group(3)
        return QuerySyntaxError(detail, line, column)
    return QuerySyntaxError(f"SPARQL syntax error: {message}")


# --- refusing SERVICE -------------------------------------------------------------------------------
def check_query(query: str) -> None:
    """Refuse queries evkg never runs: ``SERVICE`` (a request to another endpoint).

    The check works on the tokens of :mod:`evkg.query.lexer` (escapes such as ``\\u0053ERVICE`` decoded
    first; strings, IRIs and comments are tokens of their own), so a variable ``?service`` or a name
    ``ex:SERVICE`` passes.

    >>> check_query("SELECT ?service WHERE { ?service a <http://ex.org/SERVICE> }")
    >>> check_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    evkg.errors.QuerySyntaxError: SERVICE is not allowed: evkg queries only its own local store
    """
    if "SERVICE" in network_clauses(query):
        raise QuerySyntaxError("SERVICE is not allowed: evkg queries only its own local store")


def solutions(result: QueryResult) -> ox.QuerySolutions:
    """The solutions of a SELECT query's ``result`` (what a caller that ran a SELECT iterates over).

    Engines and ``pyoxigraph.Store.query`` return one type for every query form; this narrows it, and
    refuses a boolean or triples, which only a caller that ran another form can get.
    """
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected the solutions of a SELECT query, got {type(result).__name__}")
    return result


# --- statistics --------------------------------------------------------------------------------------
def count_union(engine: Engine) -> int:
    """Distinct triples over all named graphs (a triple stated in two graphs counts once)."""
    (row,) = solutions(engine.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"))
    return int(row["n"].value)


def count_per_graph(engine: Engine) -> dict[str, int]:
    """Triples per named graph (empty graphs included, with 0)."""
    counts = {g: 0 for g in engine.named_graphs()}
    for row in solutions(engine.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")):
        counts[row["g"].value] = int(row["n"].value)
    return dict(sorted(counts.items()))


__all__ = [
    "Engine",
    "OxigraphEngine",
    "QueryResult",
    "check_query",
    "count_per_graph",
    "count_union",
    "query_syntax_error",
    "solutions",
]
