"""`evkg export`: can a user get the graph in the format their tool reads, on stdout or in a file?"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph


def test_export_writes_turtle_to_stdout_by_default(run_evkg, kg) -> None:
    """Does `evkg export` print the bundled graph as Turtle that parses to the same number of triples?"""
    result = run_evkg("export")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("PREFIX ")
    assert len(Graph().parse(data=result.stdout, format="turtle")) == kg.stats().triples


def test_export_json_ld_to_a_file_matches_stdout(run_evkg, tmp_path: Path, kg) -> None:
    """Is `-o FILE` the same bytes as stdout, and is it JSON-LD with our context?"""
    to_file = run_evkg("export", "--format", "json-ld", "-o", "evkg.jsonld", cwd=tmp_path)
    to_stdout = run_evkg("export", "-f", "jsonld")
    assert to_file.returncode == 0 and to_stdout.returncode == 0
    assert to_file.stdout == ""
    written = (tmp_path / "evkg.jsonld").read_text(encoding="utf-8")
    assert written == to_stdout.stdout
    doc = json.loads(written)
    assert doc["@context"]["evkg"] == "https://w3id.org/evkg/ontology/"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evkg.jsonld"]  # no temporary file left


def test_export_reads_a_working_copy_with_data(run_evkg, fixture_data_dir: Path, fixture_kg) -> None:
    """Does `--data DIR` export the curator's folder rather than the bundled graph?"""
    result = run_evkg("export", "-f", "nquads", "--data", fixture_data_dir)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == fixture_kg.stats().quads
    assert "<https://w3id.org/evkg/graph/external/crossref/misev2023> ." in result.stdout
