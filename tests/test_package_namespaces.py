"""Is the typed namespace module (EVKG.Agreement) in sync with the ontology it is generated from?"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from evkg.data.namespaces import EVKG
from evkg.data.prefixes import registry

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("generate_namespaces", ROOT / "scripts" / "generate_namespaces.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_namespaces_module_is_regenerated_identically() -> None:
    """Is src/evkg/data/namespaces.py exactly what scripts/generate_namespaces.py makes from ontology/evkg.ttl?"""
    text = _generator().render(ROOT / "ontology" / "evkg.ttl", registry(ROOT)["evkg"])
    committed = (ROOT / "src" / "evkg" / "data" / "namespaces.py").read_text(encoding="utf-8")
    assert committed == text, "run: python scripts/generate_namespaces.py"


def test_every_own_term_of_the_ontology_is_an_attribute() -> None:
    """Can code say EVKG.<term> for every class and property the ontology declares, and nothing else?"""
    ontology = Graph().parse(ROOT / "ontology" / "evkg.ttl", format="turtle")
    ns = registry(ROOT)["evkg"]
    declared = {str(s)[len(ns) :] for s in ontology.subjects(RDF.type, None) if str(s).startswith(ns) and str(s) != ns}
    assert declared
    for name in declared:
        assert EVKG[name] == URIRef(ns + name)
    with pytest.raises(AttributeError):
        EVKG.NoSuchTermInTheOntology  # noqa: B018
