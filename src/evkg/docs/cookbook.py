"""The query cookbook page: every query under ``queries/`` with its question, parameters and a real answer.

Each query is run through its helper with the example values its ``#+`` header declares, on the
graph the docs are built from, and the first rows of the answer are shown as they come (IRIs as
CURIEs of the prefix registry). A query that fails, or that answers nothing for its own example,
is reported as a warning: a cookbook entry without a result teaches nothing. (A quality check,
kind ``violation``, passes by answering nothing: that is not a warning.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Literal, URIRef

from evkg.errors import EvkgError
from evkg.query.helpers import QuerySpec, split_header

#: Rows shown per example answer.
MAX_ROWS = 12


@dataclass
class Cell:
    text: str
    href: str | None = None
    note: str | None = None  # language tag or datatype


@dataclass
class Example:
    spec: QuerySpec
    file: str
    sparql: str
    command: str
    python: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None
    milliseconds: float = 0.0
    error: str | None = None

    @property
    def anchor(self) -> str:
        return self.spec.name


def cell(term: Any, prefixes: Any) -> Cell:
    """A result term for display: IRIs as CURIEs (linked), literals with their language or datatype."""
    if term is None:
        return Cell("")
    if isinstance(term, URIRef):
        curie = prefixes.curie(str(term))
        return Cell(curie or str(term), href=str(term))
    if isinstance(term, BNode):
        return Cell("_:" + str(term)[:8])
    if isinstance(term, Literal):
        if term.language:
            return Cell(str(term), note="@" + term.language)
        if term.datatype is not None:
            dt = prefixes.curie(str(term.datatype)) or str(term.datatype)
            return Cell(str(term), note=None if dt == "xsd:string" else dt)
        return Cell(str(term))
    return Cell(str(term))


def _shown(value: Any, prefixes: Any) -> str:
    text = str(value)
    if "://" in text:
        return prefixes.curie(text) or text
    return text


def command_line(spec: QuerySpec, prefixes: Any) -> str:
    """The ``evkg query`` command that runs the example."""
    parts = ["evkg", "query", spec.name]
    for name, value in spec.example_bindings().items():
        shown = _shown(value, prefixes)
        quoted = f"'{shown}'" if any(c in shown for c in " ;&|()<>\"'$`") else shown
        parts.append(f"-p {name}={quoted}")
    return " ".join(parts)


def python_call(spec: QuerySpec, prefixes: Any) -> str:
    """The Python call that runs the example through the helper."""
    args = ", ".join(f"{name}={_shown(value, prefixes)!r}" for name, value in spec.example_bindings().items())
    return f"kg.queries.{spec.name}({args})"


def examples(kg: Any) -> list[Example]:
    """Run every query's example on ``kg``; sorted by file (``cq01`` first)."""
    prefixes = kg.prefixes
    out = []
    for spec in sorted(kg.queries.specs(), key=lambda s: (s.area, s.path.name)):
        _, body = split_header(spec.text)
        example = Example(
            spec=spec,
            file=f"queries/{spec.area + '/' if spec.area else ''}{spec.path.name}",
            sparql=body.strip() + "\n",
            command=command_line(spec, prefixes),
            python=python_call(spec, prefixes),
        )
        started = time.perf_counter()
        try:
            result = kg.queries[spec.name](**spec.example_bindings())
        except EvkgError as exc:
            example.error = str(exc)
        else:
            example.milliseconds = (time.perf_counter() - started) * 1000
            example.boolean = result.boolean
            example.columns = list(result.vars)
            example.total = len(result)
            example.rows = [[cell(t, prefixes) for t in row] for row in list(result)[:MAX_ROWS]]
        out.append(example)
    return out


def example_warnings(items: list[Example]) -> list[str]:
    """A warning for every cookbook example that fails or answers no rows on this graph."""
    out = []
    for e in items:
        if e.error:
            out.append(f"cookbook: {e.file}: the example fails: {e.error}")
        elif e.boolean is None and e.total == 0 and e.spec.kind != "violation":  # no rows: the check passes
            out.append(f"cookbook: {e.file}: the example ({e.command}) answers no rows on this graph")
    return out


__all__ = ["example_warnings", "examples"]
