"""Is evkg's API written down, and does everyone keep to it?

Decision 0020: ``evkg.__all__`` is the public API; each module's ``__all__`` is the developer API of its
layer; every other name is private to its module. So every module defines ``__all__``, everything it
lists exists, docs/api.md is what scripts/api_docs.py writes from them, and no module, test or script
imports a name that the module it comes from does not list (``from evkg.x import name``, ``x.name`` on
an imported module, ``monkeypatch.setattr(x, "name", …)``), except the testing hooks named below.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

#: Private names a test may reach, each with why.
TESTING_HOOKS: dict[tuple[str, str], str] = {
    ("evkg.cli.stats", "load_graph"): "tests/test_boundaries.py makes `evkg stats` load with a function that "
    "raises an exception no boundary translates, to reach the command line's safety net",
}


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / "evkg").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


@cache
def declared(module: str) -> tuple[str, ...] | None:
    """The module's ``__all__`` as written in its source (None when it has none)."""
    for node in ast.parse(modules()[module].read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = node.value
            assert isinstance(value, ast.List | ast.Tuple), f"{module}: __all__ must be a literal list"
            return tuple(e.value for e in value.elts if isinstance(e, ast.Constant))
    return None


def uses(path: Path, this: str | None = None) -> set[tuple[str, str, int]]:
    """(module, name, line) for every name ``path`` takes from a module of evkg other than ``this``."""
    known = modules()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    found: set[tuple[str, str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "evkg":
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if full in known:
                    aliases[a.asname or a.name] = full
                elif node.module in known and node.module != this:
                    found.add((node.module, a.name, node.lineno))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name in known:
                    aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else "evkg"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, current = [], node
            while isinstance(current, ast.Attribute):
                chain.append(current.attr)
                current = current.value
            if isinstance(current, ast.Name) and current.id in aliases:
                module = aliases[current.id]
                for attr in reversed(chain):
                    if f"{module}.{attr}" in known:
                        module = f"{module}.{attr}"
                        continue
                    if module != this and not (attr.startswith("__") and attr.endswith("__")):
                        found.add((module, attr, node.lineno))
                    break
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setattr":
            if len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in aliases:
                name = node.args[1]
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    found.add((aliases[node.args[0].id], name.value, node.lineno))
    return found


def test_every_module_writes_down_its_api() -> None:
    """Does every module of evkg say, in ``__all__``, which of its names others may use?"""
    missing = [m for m in modules() if declared(m) is None]
    assert not missing, "modules without __all__: " + ", ".join(missing)


@pytest.mark.parametrize("module", sorted(modules()))
def test_what_a_module_lists_exists(module: str) -> None:
    """Is every name of a module's ``__all__`` there when the module is imported, and does it say what it is for?"""
    imported = importlib.import_module(module)
    absent = [name for name in declared(module) or () if not hasattr(imported, name)]
    assert not absent, f"{module}.__all__ lists names it does not have: {absent}"
    # docs/api.md shows each name with the first line of its docstring: a listed function or class says
    # what it is for (constants and type aliases are described by the comment above them)
    silent = [
        name
        for name in declared(module) or ()
        if (inspect.isfunction(value := getattr(imported, name, None)) or inspect.isclass(value))
        and value.__module__ == module
        and not (value.__doc__ or "").strip()
    ]
    assert not silent, f"{module}.__all__ lists functions or classes without a docstring: {silent}"


def test_nothing_imports_a_private_name() -> None:
    """Do the package, the tests and the scripts use only names that a module lists in ``__all__``?"""
    known = modules()
    bad = []
    files = [(p, name) for name, p in known.items()]
    files += [(p, None) for folder in ("tests", "scripts", "benchmarks") for p in sorted((ROOT / folder).rglob("*.py"))]
    for path, this in files:
        for module, name, line in sorted(uses(path, this)):
            listed = declared(module) or ()
            if name not in listed and (module, name) not in TESTING_HOOKS:
                bad.append(f"{path.relative_to(ROOT)}:{line}: {module}.{name} is not in {module}.__all__")
    assert not bad, "names used outside their module's API:\n" + "\n".join(bad)


def test_the_reader_sees_each_kind_of_use(tmp_path: Path) -> None:
    """Would the check notice a private name taken by import, by attribute and by monkeypatch?"""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from evkg.rdf.parse import _OX_LOCATION\nfrom evkg.data import layout\nlayout._visible\n"
        "monkeypatch.setattr(layout, '_secret', 1)\n",
        encoding="utf-8",
    )
    names = {(m, n) for m, n, _ in uses(probe)}
    assert names == {
        ("evkg.rdf.parse", "_OX_LOCATION"),
        ("evkg.data.layout", "_visible"),
        ("evkg.data.layout", "_secret"),
    }


def test_the_public_api_is_small_and_what_the_issue_names() -> None:
    """``import evkg`` gives load, connect, KnowledgeGraph, the error family and the report types."""
    import evkg
    from evkg import errors

    family = {n for n in errors.__all__ if isinstance(getattr(errors, n), type)}
    assert {"load", "connect", "KnowledgeGraph", "Report", "Finding"} | family <= set(evkg.__all__)
    assert len(evkg.__all__) <= 15
    assert all(issubclass(getattr(evkg, n), evkg.EvkgError) for n in family)


def test_docs_api_md_is_up_to_date() -> None:
    """Is docs/api.md what scripts/api_docs.py writes from the current ``__all__`` and docstrings?"""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "api_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
