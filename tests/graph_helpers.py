"""Small helpers for the graph tests: run SPARQL on the loaded graph and get plain Python values.

The tests of the curated graph ask their questions in SPARQL on the embedded store (the union of
all named graphs is the default graph), so they check the data itself, independent of the query
helpers under queries/ (which have their own tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from evkg.data.prefixes import read as read_registry

REPO_ROOT = Path(__file__).resolve().parents[1]
PREFIXES_TTL = REPO_ROOT / "ontology" / "prefixes.ttl"


# PREFIX lines for every prefix of the registry (tests only; queries/*.rq declare their own).
PREFIXES = read_registry(PREFIXES_TTL).sparql_block()


def py(term: Any) -> Any:
    """A pyoxigraph term as a plain value: IRIs and strings as str, numbers as int, else str."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#positiveInteger", "#int", "#long")):
            return int(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


def store_of(kg: Any) -> ox.Store:
    return kg.store


def select(kg: Any, query: str) -> list[dict[str, Any]]:
    """Rows of a SELECT over the union of all named graphs, as dicts of plain values.

    A statement made by several sources is one quad per named graph, and pyoxigraph's union default
    graph yields it once per graph; the union of graphs is a set of triples, so duplicate rows are
    dropped (first occurrence kept, order preserved).
    """
    solutions = store_of(kg).query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    rows: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for row in solutions:
        plain = {n: py(row[n]) for n in names}
        key = tuple(plain.values())
        if key not in seen:
            seen.add(key)
            rows.append(plain)
    return rows


def values(kg: Any, query: str) -> set[Any]:
    """The set of values of the single projected variable of a SELECT."""
    rows = select(kg, query)
    return {next(iter(r.values())) for r in rows}


def ask(kg: Any, query: str) -> bool:
    return bool(store_of(kg).query(PREFIXES + query, use_default_graph_as_union=True))
