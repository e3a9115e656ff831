"""Can a curator build the store and check it in one command, ``evkg check --store DIR``?

The real ``evkg`` executable runs in a subprocess. ``evkg check`` loads (or reopens) the persisted
store, then runs OWL 2 RL reasoning, the compiled SHACL shapes and the QC queries side by side.
Exit status: 0 conforms and consistent, 1 violations or inconsistencies, 2 usage or parse error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SUMMARY = re.compile(
    r"^evkg check: ([\d,]+) triples; load [\d.]+ s, then side by side: reason [\d.]+ s \(([\d,]+) triples inferred, "
    r"(\d+) inconsistencies\), SHACL [\d.]+ s, QC [\d.]+ s; [\d.]+ s in all$"
)


def _summary(stderr: str) -> tuple[int, int, int]:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    return int(match[1].replace(",", "")), int(match[2].replace(",", "")), int(match[3])


def test_the_bundled_graph_builds_conforms_and_is_consistent(run_evkg, tmp_path: Path) -> None:
    """Does ``evkg check --store DIR`` build the store, infer triples, find no violation and no
    inconsistency, keep the SHACL report next to the store, and reopen the store the second time?"""
    store = tmp_path / "store"
    first = run_evkg("check", "--store", store)
    assert first.returncode == 0, first.stderr[-2000:]
    triples, inferred, inconsistencies = _summary(first.stderr)
    assert triples > 3000 and inferred > 100 and inconsistencies == 0
    assert "conforms: no violations" in first.stdout
    assert (store / "validation.json").is_file()  # the cache evkg's incremental re-validation starts from
    again = run_evkg("check", "--store", store, "--quiet")
    assert again.returncode == 0 and again.stderr == ""
    assert again.stdout == first.stdout


def test_check_reports_what_validate_reports(run_evkg) -> None:
    """On the bundled graph, are the findings of ``evkg check`` those of ``evkg validate``
    (the same shapes and QC queries; OWL RL adds no inconsistency)?"""
    checked = run_evkg("check", "--format", "json", "--lang", "ja", "--quiet")
    validated = run_evkg("validate", "--format", "json", "--lang", "ja")
    assert checked.returncode == validated.returncode == 0
    a, b = json.loads(checked.stdout), json.loads(validated.stdout)
    assert a["entities"] == b["entities"] and a["warnings"] == b["warnings"] > 0


def test_a_fault_in_a_data_folder_fails_the_check_and_is_named(run_evkg, tmp_path: Path) -> None:
    """A curator writes an office's date as a month: does the check fail (exit 1) and say where?"""
    from benchmarks.synth import generate

    root = tmp_path / "data"
    generate(root, 2000, seed=3)
    path = next(p for p in sorted((root / "graph").rglob("*.ttl")) if 'evkg:asOf "' in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    faulty = re.sub(r'evkg:asOf "(\d{4}-\d{2})-\d{2}"\^\^xsd:date', r'evkg:asOf "\1"^^xsd:date', text, count=1)
    assert faulty != text
    path.write_text(faulty, encoding="utf-8")
    result = run_evkg("check", "--data", root, "--store", tmp_path / "store", "--format", "json")
    assert result.returncode == 1, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["violations"] >= 1
    paths = {f["path"] for e in report["entities"] for f in e["findings"] if f["severity"] == "Violation"}
    assert "evkg:asOf" in paths


@pytest.mark.parametrize(
    ("args", "words"),
    [(("--format", "xml"), "unknown report format 'xml'"), (("--lang", "fr"), "unknown language 'fr'")],
    ids=["format", "language"],
)
def test_a_usage_error_exits_2_with_one_line(run_evkg, args: tuple[str, ...], words: str) -> None:
    """Does a mistyped option get one clear line and exit status 2?"""
    result = run_evkg("check", *args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("evkg: ") and words in lines[0], result.stderr
