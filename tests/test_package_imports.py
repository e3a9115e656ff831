"""Is the package's import graph a clean one: no module that imports itself through others?

The graph is read from the source (``ast``), not from ``sys.modules``: every ``import`` and ``from …
import`` of every module of ``src/evkg``, at module level, under ``TYPE_CHECKING`` and inside
functions alike (an import moved into a function to dodge a cycle is still a cycle in the design).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by the name of its ``__init__``)."""
    found = {}
    for path in sorted((SRC / "evkg").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _owner(name: str) -> str | None:
    """The module of the package that ``name`` (a module or a name inside one) lives in."""
    known = modules()
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


@cache
def imports() -> dict[str, set[str]]:
    """For each module, the modules of the package it imports (itself excluded)."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        out: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                out.update(_owner(a.name) for a in node.names if a.name.split(".")[0] == "evkg")
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                if base.split(".")[0] != "evkg":
                    continue
                for alias in node.names:  # `from evkg.x import y`: y may be a module of its own
                    full = f"{base}.{alias.name}"
                    out.add(full if full in known else _owner(base))
        out.discard(None)
        out.discard(name)
        graph[name] = out  # type: ignore[assignment]
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_reader_sees_every_kind_of_import() -> None:
    """Does the reader find imports at module level, under TYPE_CHECKING and inside functions?"""
    graph = imports()
    assert "evkg.quality.findings" in graph["evkg.quality.pipeline"]  # module level
    assert "evkg.query.knowledge_graph" in graph["evkg.quality.context"]  # under TYPE_CHECKING
    assert "evkg.query.engines" in graph["evkg.query.knowledge_graph"]  # inside connect()
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_itself_through_others() -> None:
    """Which modules of evkg import each other in a circle? (none)"""
    graph = imports()
    assert len(graph) > 50
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)
