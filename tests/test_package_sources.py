"""Where does evkg find its data: the bundled copy, or the folder a curator points it at?"""

from __future__ import annotations

from pathlib import Path

import pytest

from evkg.data.layout import LAYOUT, default_data_dir, resolve
from evkg.errors import DataDirError

ROOT = Path(__file__).resolve().parents[1]


def test_a_source_checkout_uses_the_repository_data() -> None:
    """Running from this checkout, is the default data folder the repository root?"""
    if (Path(__import__("evkg").__file__).parent / "_data").is_dir():
        pytest.skip("evkg is installed from a wheel here; test_install.py covers that case")
    assert default_data_dir() == ROOT
    data = resolve()
    assert data.prefixes_file == ROOT / "ontology" / "prefixes.ttl"
    assert data.ontology_file == ROOT / "ontology" / "evkg.ttl"


def test_files_are_listed_sorted_without_drafts(fixture_data_dir: Path) -> None:
    """Are graph files found recursively, sorted, with _drafts left out, and shapes kept apart?"""
    data = resolve(fixture_data_dir)
    assert [data.relative(p) for p in data.graph_files()] == [
        "graph/external/crossref/misev2023.ttl",
        "graph/jsrm-press-release-2025-08-28.ttl",
    ]
    assert [data.relative(p) for p in data.vocab_files()] == ["ontology/vocab/ev-terms.ttl"]
    assert [data.relative(p) for p in data.shapes_files()] == ["ontology/shapes/organization.shapes.ttl"]
    assert [data.relative(p) for p in data.query_files()] == ["queries/cq/cq01_societies.rq"]


def test_a_folder_without_the_layout_is_explained(tmp_path: Path) -> None:
    """Does a wrong --data folder get a message that says what is missing and what is expected?"""
    with pytest.raises(DataDirError, match=r"missing ontology/, graph/ \(expected ontology/, graph/, queries/\)"):
        resolve(tmp_path)
    with pytest.raises(DataDirError, match="data folder not found"):
        resolve(tmp_path / "nope")
    assert LAYOUT == ("ontology", "graph", "queries")
