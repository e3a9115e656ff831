"""Do the examples in the package's docstrings still run as written?"""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "evkg",
    "evkg.errors",
    "evkg.data.layout",
    "evkg.data.prefixes",
    "evkg.query.engine",
    "evkg.rdf.serialization",
    "evkg.query.knowledge_graph",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    """Does every >>> example of this module give the output it shows?"""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no examples"
