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


#: The layers of the package, lowest first: a module imports from its own room or from lower layers,
#: never from a higher layer, and rooms of one layer do not import each other. A room is a folder of
#: the package (``evkg.rdf``) or a top-level module (``evkg.errors``); ``evkg`` is the package's facade
#: (``evkg.load``, ``evkg.connect``, ``evkg.KnowledgeGraph``, the report types), right above the quality
#: layer whose report types it re-exports.
LAYERS: list[set[str]] = [
    {"evkg.errors", "evkg.version", "evkg.progress", "evkg.wording"},  # base: errors, version, progress, wording
    {"evkg.data"},  # a data folder's layout, prefixes, namespaces, identifiers
    {"evkg.atomic"},  # atomic writes (they name paths as evkg.data.layout does)
    {"evkg.rdf"},  # terms, parsing, the store, serialisation
    {"evkg.query"},  # engines, results, query helpers, KnowledgeGraph
    {"evkg.quality"},  # findings, QC, SHACL, OWL 2 RL, the pipeline
    {"evkg"},  # the facade: evkg.load, evkg.connect, evkg.KnowledgeGraph, the errors, evkg.Report
    {"evkg.link", "evkg.docs"},  # external bibliographic data; the documentation site
    {"evkg.publish", "evkg.serve"},  # build, diff, release; the HTTP server
    {"evkg.cli"},  # the command line
]


def room(module: str) -> str:
    """The folder (``evkg.rdf``) or top-level module (``evkg.errors``) a module belongs to."""
    parts = module.split(".")
    return ".".join(parts[:2])


def layer(module: str) -> int:
    for index, rooms in enumerate(LAYERS):
        if room(module) in rooms:
            return index
    raise AssertionError(f"{module}: in no layer (add its folder to LAYERS)")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a higher layer, or of another room of the same layer: ``a -> b``."""
    found = []
    for module, imported in sorted(graph.items()):
        for other in sorted(imported):
            if layer(other) > layer(module) or (layer(other) == layer(module) and room(other) != room(module)):
                found.append(f"{module} -> {other}")
    return found


def test_every_module_has_a_layer() -> None:
    """Is every module of evkg in one of the layers (a new folder must be placed)?"""
    for module in modules():
        layer(module)


def test_the_layering_test_sees_an_upward_import() -> None:
    """Would the test notice the RDF layer importing the quality layer, or two peers importing each other?"""
    assert upward_imports({"evkg.rdf.store": {"evkg.quality.findings", "evkg.data.layout"}}) == [
        "evkg.rdf.store -> evkg.quality.findings"
    ]
    assert upward_imports({"evkg.serve.app": {"evkg.publish.builder"}}) == ["evkg.serve.app -> evkg.publish.builder"]


def test_lower_layers_never_import_higher_ones() -> None:
    """Does every import go down the data flow: data -> rdf -> query -> quality -> link/docs -> publish/serve -> cli?"""
    found = upward_imports(imports())
    assert not found, "imports against the layering:\n" + "\n".join(found)


def test_the_quality_package_is_used_through_its_pipeline() -> None:
    """Outside evkg.quality, does anything import more than its pipeline (the commands, serve, docs, publish)?"""
    graph = imports()
    found = [
        f"{module} -> {other}"
        for module, imported in sorted(graph.items())
        if room(module) != "evkg.quality"
        for other in sorted(imported)
        if room(other) == "evkg.quality" and other not in ("evkg.quality", "evkg.quality.pipeline")
    ]
    assert not found, "use evkg.quality.pipeline:\n" + "\n".join(found)
