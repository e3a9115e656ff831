"""Can a user keep a built store on disk, reopen it without parsing, and trust it to be current?"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

import evkg
from evkg.errors import OutputError, SourceSyntaxError


@pytest.fixture
def working_copy(tmp_path: Path, fixture_data_dir: Path) -> Path:
    """A curator's working copy of the fixture data that a test may edit."""
    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data)
    return data


def test_a_persisted_store_is_reopened_without_parsing(tmp_path: Path, working_copy: Path) -> None:
    """Is the second load of an unchanged data folder a reopen (no parse), with the same answers?"""
    store_dir = tmp_path / "store"
    first = evkg.load(data_dir=working_copy, store_dir=store_dir)
    first_stats = first.stats()
    manifest = json.loads((store_dir / "manifest.json").read_text(encoding="utf-8"))
    assert "graph/jsrm-press-release-2025-08-28.ttl" in manifest["files"]
    assert len(manifest["files"]["ontology/evkg.ttl"]["sha256"]) == 64
    del first

    from evkg.data.layout import resolve
    from evkg.data.prefixes import registry
    from evkg.rdf.store import open_store

    opened = open_store(store_dir, resolve(working_copy), registry(working_copy))
    assert opened.parsed is False
    del opened
    again = evkg.load(data_dir=working_copy, store_dir=store_dir)
    assert again.stats() == first_stats
    assert again.stale() == []


def test_a_store_rebuilds_when_a_source_file_changes(tmp_path: Path, working_copy: Path) -> None:
    """After a curator edits a graph file, does the reopened store answer with the new facts?"""
    store_dir = tmp_path / "store"
    kg = evkg.load(data_dir=working_copy, store_dir=store_dir)
    ask = 'ASK { organization:jsev skos:prefLabel "日本細胞外小胞学会"@ja }'
    assert not bool(kg.sparql(ask))
    path = working_copy / "graph" / "jsrm-press-release-2025-08-28.ttl"
    path.write_text(
        path.read_text(encoding="utf-8") + '\norganization:jsev skos:prefLabel "日本細胞外小胞学会"@ja .\n',
        encoding="utf-8",
    )
    assert kg.stale() == ["graph/jsrm-press-release-2025-08-28.ttl changed"]
    del kg
    fresh = evkg.load(data_dir=working_copy, store_dir=store_dir)
    assert bool(fresh.sparql(ask))
    assert fresh.stale() == []


def test_a_syntax_error_leaves_the_persisted_store_as_it_was(tmp_path: Path, working_copy: Path) -> None:
    """If the edited file does not parse, is the previous store still there and usable?"""
    store_dir = tmp_path / "store"
    before = evkg.load(data_dir=working_copy, store_dir=store_dir).stats()
    (working_copy / "graph" / "broken.ttl").write_text("this is not turtle\n", encoding="utf-8")
    with pytest.raises(SourceSyntaxError, match=r"broken\.ttl:1:"):
        evkg.load(data_dir=working_copy, store_dir=store_dir)
    (working_copy / "graph" / "broken.ttl").unlink()
    after = evkg.load(data_dir=working_copy, store_dir=store_dir)
    assert after.stats() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".store")] == []  # no temporary leftovers


def test_a_folder_that_is_not_a_store_is_not_overwritten(tmp_path: Path, working_copy: Path) -> None:
    """Does --store refuse a folder that holds the user's own files?"""
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete", encoding="utf-8")
    with pytest.raises(OutputError, match="not an evkg store"):
        evkg.load(data_dir=working_copy, store_dir=precious)
    assert (precious / "thesis.txt").read_text(encoding="utf-8") == "do not delete"


def test_reopening_the_bundled_store_is_faster_than_building_it(tmp_path: Path, data_dir: Path) -> None:
    """Is reopening a persisted store of the bundled graph quicker than building it again (parse + write)?

    (At today's size an in-memory parse is about as fast as a reopen; the store pays off as the graph grows.)
    """
    store_dir = tmp_path / "store"
    started = time.perf_counter()
    built = evkg.load(data_dir=data_dir, store_dir=store_dir)
    parse_seconds = time.perf_counter() - started
    triples = built.stats().triples
    del built
    started = time.perf_counter()
    reopened = evkg.load(data_dir=data_dir, store_dir=store_dir)
    reopen_seconds = time.perf_counter() - started
    assert reopened.stats().triples == triples
    assert reopen_seconds < parse_seconds
