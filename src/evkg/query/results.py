"""Typed query results: rows of rdflib terms, and their SPARQL 1.1 JSON / CSV / TSV forms.

A :class:`Result` is what every query helper returns, whatever engine ran the query. For a SELECT
it is a list of rows; each row is a named tuple whose fields are the query's variables and whose
values are rdflib terms (``URIRef``, ``Literal`` with its datatype or language, ``BNode``) or
``None`` where the variable is unbound. ``Literal.toPython()`` gives the Python value (``int``,
``datetime.date``, ...). For an ASK query, :attr:`Result.boolean` holds the answer and there are no
rows.

>>> from rdflib import Literal, URIRef
>>> r = Result.select(["org", "n"], [(URIRef("https://w3id.org/evkg/id/organization/isev"), Literal(1700))])
>>> r[0].n.toPython()
1700
>>> print(r.to_csv(), end="")
org,n
https://w3id.org/evkg/id/organization/isev,1700
"""

from __future__ import annotations

import csv
import functools
import io
import json
import keyword
import re
from collections import namedtuple
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@functools.lru_cache(maxsize=512)
def _row_type(variables: tuple[str, ...]) -> type:
    """The named tuple class of rows with these columns (made once: namedtuple() costs about a millisecond)."""
    fields = [v if _FIELD.match(v) and not keyword.iskeyword(v) else f"{v}_" for v in variables]
    return namedtuple("Row", fields, rename=True)


class Result(list[Any]):
    """Rows of a SELECT (named tuples of rdflib terms), or the answer of an ASK in :attr:`boolean`."""

    def __init__(
        self, variables: Sequence[str], rows: Iterable[Sequence[Identifier | None]] = (), boolean: bool | None = None
    ) -> None:
        self.vars: list[str] = list(variables)
        self.Row = _row_type(tuple(self.vars))
        super().__init__(self.Row(*row) for row in rows)
        self.boolean = boolean

    @classmethod
    def select(cls, variables: Sequence[str], rows: Iterable[Sequence[Identifier | None]]) -> Result:
        return cls(variables, rows)

    @classmethod
    def ask(cls, answer: bool) -> Result:
        return cls([], (), boolean=bool(answer))

    @property
    def kind(self) -> str:
        return "ask" if self.boolean is not None else "select"

    def __bool__(self) -> bool:
        return self.boolean if self.boolean is not None else len(self) > 0

    def dicts(self) -> list[dict[str, Identifier]]:
        """Rows as dicts of the bound variables only."""
        return [{v: t for v, t in zip(self.vars, row, strict=True) if t is not None} for row in self]

    def canonical(self) -> list[tuple[tuple[str, ...] | None, ...]]:
        """Rows as comparable tuples: each term as (type, value, lang or datatype).

        Typed literals are compared by value in rdflib's canonical lexical form, and blank nodes lose
        their labels (``_:``): both differ between engines and runs without a difference in meaning.
        """
        out = []
        for row in self:
            cells: list[tuple[str, ...] | None] = []
            for t in row:
                if t is None:
                    cells.append(None)
                elif isinstance(t, BNode):
                    cells.append(("bnode", "_:"))
                else:
                    j = term_json(t)
                    value = j["value"]
                    if "datatype" in j:  # compare typed values: "…T13:00:00Z" and "…T13:00:00+00:00" are one dateTime
                        value = str(Literal(value, datatype=URIRef(j["datatype"])))
                    cells.append((j["type"], value, j.get("xml:lang", "").lower() or j.get("datatype", "")))
            out.append(tuple(cells))
        return out

    # --- SPARQL 1.1 Query Results formats ------------------------------------------------------
    def to_sparql_json(self) -> dict[str, Any]:
        """The SPARQL 1.1 Query Results JSON document (as a dict)."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        bindings = [{v: term_json(t) for v, t in zip(self.vars, row, strict=True) if t is not None} for row in self]
        return {"head": {"vars": self.vars}, "results": {"bindings": bindings}}

    def to_json(self) -> str:
        return json.dumps(self.to_sparql_json(), ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 CSV: plain values (IRIs, lexical forms, ``_:label``), empty if unbound."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if self.boolean is not None:
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
            return out.getvalue()
        writer.writerow(self.vars)
        for row in self:
            writer.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
        return out.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 TSV: RDF terms in N-Triples syntax (``<iri>``, ``"text"@ja``), empty if unbound."""
        if self.boolean is not None:
            return "?boolean\n" + ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join(f"?{v}" for v in self.vars)]
        for row in self:
            lines.append("\t".join("" if t is None else term_ntriples(t) for t in row))
        return "\n".join(lines) + "\n"

    def to_xml(self) -> str:
        """SPARQL 1.1 Query Results XML (written by pyoxigraph's serialiser, as ``evkg sparql`` writes it)."""
        parsed = ox.parse_query_results(self.to_json().encode("utf-8"), format=ox.QueryResultsFormat.JSON)
        text = (parsed.serialize(format=ox.QueryResultsFormat.XML) or b"").decode("utf-8")
        return text if text.endswith("\n") else text + "\n"

    def serialize(self, format: str) -> str:
        """``json``, ``xml``, ``csv`` or ``tsv``."""
        if format == "json":
            return self.to_json()
        if format == "xml":
            return self.to_xml()
        if format == "csv":
            return self.to_csv()
        if format == "tsv":
            return self.to_tsv()
        raise ValueError(f"unknown result format {format!r} (json, xml, csv, tsv)")


def term_json(term: Identifier) -> dict[str, str]:
    """One RDF term in SPARQL JSON results form."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"not an RDF term: {term!r}")


def term_from_json(doc: dict[str, str]) -> Identifier:
    """The inverse of :func:`term_json`."""
    kind, value = doc["type"], doc["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in doc:
            return Literal(value, lang=doc["xml:lang"])
        return Literal(value, datatype=URIRef(doc["datatype"]) if "datatype" in doc else None, normalize=False)
    raise ValueError(f"unknown term type {kind!r}")


def result_from_json(doc: dict[str, Any]) -> Result:
    """A :class:`Result` from a SPARQL 1.1 JSON results document (as a dict)."""
    if "boolean" in doc:
        return Result.ask(doc["boolean"])
    variables = doc["head"]["vars"]
    rows = [tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in doc["results"]["bindings"]]
    return Result.select(variables, rows)


def term_ntriples(term: Identifier) -> str:
    """One RDF term in N-Triples syntax (escaped as N-Triples requires)."""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    raise TypeError(f"not an RDF term: {term!r}")


__all__ = ["Result", "result_from_json"]
