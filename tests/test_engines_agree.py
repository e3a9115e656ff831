"""Portability: every query helper returns the same rows on pyoxigraph (embedded) and rdflib (reference).

rdflib parses the same source files on its own (its own Turtle parser, its own SPARQL engine), so
a query that relies on one engine's quirks, or a vendor extension, fails here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evkg.data.prefixes import registry
from evkg.query.engines import RdflibEngine
from evkg.query.helpers import QueryHelpers, discover

REPO = Path(__file__).resolve().parents[1]
SPECS = discover(REPO)


@pytest.fixture(scope="module")
def rdflib_helpers(data_dir):
    """The helpers on rdflib's engine over an rdflib Dataset parsed from the same files."""
    return QueryHelpers(RdflibEngine.from_data(data_dir), discover(data_dir), registry(data_dir))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_same_question_gets_the_same_answer_from_pyoxigraph_and_rdflib(spec, kg, rdflib_helpers):
    """Does this helper give the same rows on the embedded pyoxigraph store and on rdflib?"""
    params = spec.example_bindings()
    embedded = kg.queries[spec.name](**params)
    reference = rdflib_helpers[spec.name](**params)
    assert embedded.boolean == reference.boolean
    assert embedded.vars == reference.vars
    # SPARQL leaves the order of incomparable terms (e.g. xsd:date vs xsd:gYearMonth) to the engine,
    # so rows are compared as multisets; the server test compares order (same engine).
    assert Counter(embedded.canonical()) == Counter(reference.canonical())


def test_a_japanese_answer_is_the_same_on_both_engines(kg, rdflib_helpers):
    """Do both engines pick the same Japanese labels (lang=ja) for the MOU's areas of cooperation?"""
    params = {"agreement": "agreement:jsrm-isev-mou-2025", "lang": "ja"}
    embedded = kg.queries.agreement_cooperation_areas(**params)
    assert embedded and all(r.areaLabel.language == "ja" for r in embedded)
    assert embedded.canonical() == rdflib_helpers.agreement_cooperation_areas(**params).canonical()
