"""Does the `evkg link` command work end to end, as a user runs it? (real executable, real local server)"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from link_server import Answer, RegistryServer

ROOT = Path(__file__).parents[1]


@pytest.fixture()
def server() -> Iterator[RegistryServer]:
    srv = RegistryServer().start()
    yield srv
    srv.stop()


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    for name in ("ontology", "graph"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("external", "imports"))
    return tmp_path


def evkg(exe: str, env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [exe, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1", **env},
    )


def test_enrich_then_replay_offline(evkg_exe: str, server: RegistryServer, data: Path) -> None:
    done = evkg(evkg_exe, server.env(), "link", "enrich", "--all", "--data", data)
    assert done.returncode == 0, done.stderr
    assert "graph/external/crossref/misev2023.ttl: created" in done.stdout
    before = {p: p.read_bytes() for p in (data / "graph" / "external").rglob("*") if p.is_file()}
    server.stop()
    again = evkg(evkg_exe, server.env(), "link", "enrich", "--all", "--offline", "--data", data)
    assert again.returncode == 0, again.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert "unchanged" in again.stdout


def test_a_registry_error_is_one_line_and_a_nonzero_exit(evkg_exe: str, server: RegistryServer, data: Path) -> None:
    server.script("crossref:10.1002/jev2.12404", Answer(500, b"boom", "text/plain"))
    done = evkg(
        evkg_exe,
        {**server.env(), "EVKG_HTTP_RETRIES": "2"},
        "link",
        "enrich",
        "--doi",
        "10.1002/jev2.12404",
        "--registry",
        "crossref",
        "--data",
        data,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "HTTP 500" in done.stderr
    assert not (data / "graph" / "external").exists()


def test_the_identifier_table_lists_dois_and_orcids(evkg_exe: str) -> None:
    done = evkg(evkg_exe, {}, "link", "table", "--data", ROOT)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {
        "entity": "https://w3id.org/evkg/id/publication/misev2023",
        "kind": "doi",
        "value": "10.1002/jev2.12404",
    }.items() <= next(r for r in rows if r["kind"] == "doi" and r["value"] == "10.1002/jev2.12404").items()
    assert any(r["kind"] == "orcid" and r["value"] == "0000-0002-1097-9756" for r in rows)


def test_term_mappings_as_sssom(evkg_exe: str) -> None:
    done = evkg(evkg_exe, {}, "link", "table", "--sssom", "--data", ROOT)
    assert done.returncode == 0, done.stderr
    body = [line for line in done.stdout.splitlines() if not line.startswith("#")]
    header = body[0].split("\t")
    assert header[:6] == [
        "subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification"
    ]
    assert body[1:] and all(line.split("\t")[5] == "semapv:ManualMappingCuration" for line in body[1:])


def test_import_matches_known_and_adds_new_references(evkg_exe: str, data: Path, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{welsh2024, author = {Welsh, Joshua A.}, title = {Minimal information for studies of extracellular "
        "vesicles (MISEV2023): From basic to advanced approaches}, journal = {J Extracell Vesicles}, year = {2024}, "
        "doi = {10.1002/JEV2.12404}}\n"
        "@article{test2021, author = {Example, Ann B.}, title = {A test record}, journal = {Journal of Tests}, "
        "year = {2021}, doi = {10.5555/evkg-test-2}}\n",
        encoding="utf-8",
    )
    done = evkg(evkg_exe, {}, "link", "import", bib, "--data", data)
    assert done.returncode == 0, done.stderr
    assert "matched https://w3id.org/evkg/id/publication/misev2023 by DOI" in done.stdout
    assert "added https://w3id.org/evkg/id/publication/doi-10-5555-evkg-test-2" in done.stdout
    assert (data / "graph" / "imports" / "refs.ttl").is_file()
    again = evkg(evkg_exe, {}, "link", "import", bib, "--data", data)
    assert "2 matched" in again.stdout or "matched" in again.stdout


@pytest.mark.network
def test_live_crossref_knows_misev2023(tmp_path: Path) -> None:
    """Opt-in (EVKG_NETWORK_TESTS=1): the real Crossref API still answers in the format we parse."""
    from evkg.link import config, crossref
    from evkg.link.http import PoliteClient

    with PoliteClient(config.from_env()) as client:
        work = crossref.parse(crossref.fetch(client, "10.1002/jev2.12404").content)
    assert work.doi == "10.1002/jev2.12404" and work.authors[0].family == "Welsh"
