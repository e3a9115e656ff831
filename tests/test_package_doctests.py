"""Do the examples in the package's docstrings still run as written?"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules_with_examples() -> list[str]:
    """Every module of the package whose source holds a ``>>>`` example (a new one is checked at once)."""
    found = []
    for path in sorted((SRC / "evkg").rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            found.append(".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__"))
    return found


MODULES = _modules_with_examples()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    """Does every >>> example of this module give the output it shows?"""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no examples"
