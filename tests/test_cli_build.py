"""`evkg build --out DIR`: every format and a VoID/DCAT description, reproducibly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from evkg.publish.builder import BUILD_FILES

VOID = Namespace("http://rdfs.org/ns/void#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
DATASET = URIRef("https://w3id.org/evkg/graph/")


@pytest.fixture(scope="module")
def built(run_evkg, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The bundled graph built once into a fresh folder; returns (folder, stdout)."""
    root = tmp_path_factory.mktemp("build")
    result = run_evkg("build", "--out", "out", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "out", result.stdout


def test_build_writes_every_format_and_says_where(built: tuple[Path, str]) -> None:
    """Which files does a build write, and does it tell me where they are?"""
    out, stdout = built
    assert {p.name for p in out.iterdir()} == BUILD_FILES
    assert "written to out/" in stdout
    for name in BUILD_FILES:
        assert f"out/{name}" in stdout
        assert (out / name).stat().st_size > 0


def test_void_describes_version_counts_licence_and_files(built: tuple[Path, str], kg) -> None:
    """Does void.ttl say which version this is, how many triples each graph has, and under which licence?"""
    out, _ = built
    void = Graph().parse(out / "void.ttl", format="turtle")
    stats = kg.stats()
    assert void.value(DATASET, OWL.versionInfo) == Literal(stats.ontology_version)
    assert void.value(DATASET, VOID.triples) == Literal(stats.triples)
    for graph_iri, count in stats.graphs.items():
        assert (DATASET, VOID.subset, URIRef(graph_iri)) in void
        assert void.value(URIRef(graph_iri), VOID.triples) == Literal(count)
    assert void.value(DATASET, DCTERMS.license) is not None
    assert void.value(DATASET, DCTERMS.modified) is not None
    files = {Path(str(d)).name: d for d in void.objects(DATASET, DCAT.distribution)}
    assert set(files) == BUILD_FILES - {"void.ttl"}
    for name, dist in files.items():
        assert int(void.value(dist, DCAT.byteSize)) == (out / name).stat().st_size


def test_the_same_data_builds_the_same_files(run_evkg, built: tuple[Path, str], tmp_path: Path) -> None:
    """Built again in another process (other hash seed), are all files byte-for-byte the same?"""
    out, _ = built
    env_seed = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = "12345"
    try:
        result = run_evkg("build", "--out", "again", cwd=tmp_path)
    finally:
        if env_seed is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = env_seed
    assert result.returncode == 0, result.stderr
    for name in BUILD_FILES:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


def test_a_build_replaces_a_previous_build(run_evkg, tmp_path: Path, fixture_data_dir: Path) -> None:
    """Can I rebuild into the same folder (it holds only a previous build)?"""
    assert run_evkg("build", "--out", "out", "--data", fixture_data_dir, cwd=tmp_path).returncode == 0
    (tmp_path / "out" / "evkg.ttl").write_text("stale\n", encoding="utf-8")
    assert run_evkg("build", "--out", "out", "--data", fixture_data_dir, cwd=tmp_path).returncode == 0
    assert (tmp_path / "out" / "evkg.ttl").read_text(encoding="utf-8").startswith("PREFIX ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
