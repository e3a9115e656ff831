"""`evkg stats`: how big is the graph, and how big is each source's named graph?"""

from __future__ import annotations

import json
from pathlib import Path


def test_stats_as_json_match_the_python_api(run_evkg, fixture_data_dir: Path, fixture_kg) -> None:
    """Do the CLI's counts agree with KnowledgeGraph.stats()?"""
    result = run_evkg("stats", "--format", "json", "--data", fixture_data_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == fixture_kg.stats().to_dict()


def test_stats_table_names_each_graph(run_evkg, fixture_data_dir: Path) -> None:
    """Does the table list each named graph with its triple count and the graph's version?"""
    result = run_evkg("stats", "--data", fixture_data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("graph 0.0.1-fixture: 90 triples (91 statements in 4 named graphs)")
    assert "graph:jsrm-press-release-2025-08-28" in result.stdout


def test_stats_with_a_persisted_store(run_evkg, tmp_path: Path, fixture_data_dir: Path) -> None:
    """Does --store keep the parsed store between runs, with the same answer?"""
    first = run_evkg("stats", "-f", "json", "--data", fixture_data_dir, "--store", tmp_path / "store")
    second = run_evkg("stats", "-f", "json", "--data", fixture_data_dir, "--store", tmp_path / "store")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert (tmp_path / "store" / "manifest.json").is_file()
