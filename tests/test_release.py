"""``evkg release VERSION``: a versioned, checksummed release and its changelog entry.

A curator's working copy (a copy of the repository's data in a temporary folder) is released twice,
as 0.2.0 and, after a change, as 0.3.0, with the real ``evkg`` executable.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, XSD

from evkg.publish.releases import ReleaseError, set_version_text, update_changelog

REPO = Path(__file__).resolve().parents[1]
EXPORTS = ("evkg.ttl", "evkg.jsonld", "evkg.nt", "evkg.trig", "evkg.nq", "evkg.rdf")


def _copy_data(target: Path) -> Path:
    for name in ("ontology", "graph", "queries"):
        shutil.copytree(REPO / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version_in(nq: Path) -> set[str]:
    store = ox.Store()
    store.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    rows = store.query(
        "SELECT ?v WHERE { GRAPH ?g { ?o a <http://www.w3.org/2002/07/owl#Ontology> ;"
        " <http://www.w3.org/2002/07/owl#versionInfo> ?v } }"
    )
    return {r["v"].value for r in rows}


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory, run_evkg):
    """Release 0.2.0 of a working copy, as a curator would (without the docs site: tests/test_docs.py
    builds it, and the curators' tutorial makes a release with it)."""
    root = tmp_path_factory.mktemp("release")
    work = _copy_data(root / "work")
    original = (work / "ontology" / "evkg.ttl").read_text(encoding="utf-8")
    proc = run_evkg(
        "release", "0.2.0", "--data", work, "--dist", root / "dist", "--changelog", root / "CHANGELOG.md",
        "--date", "2026-12-01", "--no-docs",
    )  # fmt: skip
    return root, work, original, proc


def test_a_release_sets_the_version_in_the_working_copy_and_nothing_else(first) -> None:
    """Only the owl:versionIRI and owl:versionInfo lines change; layout and comments stay."""
    root, work, original, proc = first
    assert proc.returncode == 0, proc.stderr
    now = (work / "ontology" / "evkg.ttl").read_text(encoding="utf-8")
    removed = [a for a, b in zip(original.splitlines(), now.splitlines(), strict=True) if a != b]
    added = [b for a, b in zip(original.splitlines(), now.splitlines(), strict=True) if a != b]
    assert len(removed) == 2
    expected = [
        re.sub(r'owl:versionInfo "[^"]*"', 'owl:versionInfo "0.2.0"',
               re.sub(r"owl:versionIRI <[^>]*>", "owl:versionIRI <https://w3id.org/evkg/ontology/0.2.0/>", line))
        for line in removed
    ]  # fmt: skip
    assert added == expected


def test_the_release_folder_holds_every_artefact_with_its_sha256(first) -> None:
    root, _, _, _ = first
    out = root / "dist" / "0.2.0"
    for name in (*EXPORTS, "void.ttl", "evkg-ontology.ttl", "CHANGES.md", "SHA256SUMS"):
        assert (out / name).is_file(), name
    listed = {}
    for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert _sha(out / name) == digest, name
    assert _version_in(out / "evkg.nq") == {"0.2.0"}  # the data itself carries the new version


def test_the_void_dcat_description_states_version_date_sizes_and_checksums(first) -> None:
    root, _, _, _ = first
    out = root / "dist" / "0.2.0"
    g = Graph().parse(out / "void.ttl", format="turtle", publicID=(out / "void.ttl").as_uri())
    datasets = set(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    (dataset,) = datasets
    assert set(g.objects(dataset, OWL.versionInfo)) == {Literal("0.2.0")}
    assert set(g.objects(dataset, OWL.versionIRI)) == {URIRef("https://w3id.org/evkg/ontology/0.2.0/")}
    assert set(g.objects(dataset, DCTERMS.issued)) == {Literal("2026-12-01", datatype=XSD.date)}
    sizes = {
        URIRef(str(d)).split("/")[-1]: int(s)
        for d in g.objects(dataset, DCAT.distribution)
        for s in g.objects(d, DCAT.byteSize)
    }
    for name in (*EXPORTS, "evkg-ontology.ttl", "CHANGES.md"):
        assert sizes[name] == (out / name).stat().st_size, name


def test_the_first_release_starts_the_changelog(first) -> None:
    root, _, _, _ = first
    log = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.startswith("# Changelog\n")
    assert "## [0.2.0] - 2026-12-01\n\nFirst release: " in log
    assert (root / "dist" / "0.2.0" / "CHANGES.md").read_text(encoding="utf-8").startswith("# evkg 0.2.0\n")


def test_the_next_release_lists_what_changed_since_the_previous_one(first, run_evkg) -> None:
    root, work, _, _ = first
    (work / "graph" / "curator-note.ttl").write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        '<https://w3id.org/evkg/id/term/exosome> rdfs:comment "A note added for release 0.3.0."@en .\n',
        encoding="utf-8",
    )
    proc = run_evkg(
        "release", "0.3.0", "--data", work, "--dist", root / "dist", "--changelog", root / "CHANGELOG.md",
        "--date", "2026-12-02", "--no-docs",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "changes since 0.2.0: +1 -0 ~2 statements" in proc.stdout
    log = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.index("## [0.3.0] - 2026-12-02") < log.index("## [0.2.0] - 2026-12-01")
    entry = log[log.index("## [0.3.0]") : log.index("## [0.2.0]")]
    assert "Compared with 0.2.0: 1 statement added, 0 removed, 2 changed" in entry
    assert "| `graph:curator-note` | added | 1 | 0 | 0 | 0 → 1 |" in entry
    assert 'changed `owl:versionInfo`: `"0.2.0"` → `"0.3.0"`' in entry
    assert "- `term:exosome`: +1 −0 ~0" in entry
    assert (root / "dist" / "0.3.0" / "CHANGES.md").read_text(encoding="utf-8") == "# evkg 0.3.0\n\n" + entry
    assert not (root / "dist" / "0.3.0" / "docs").exists()  # --no-docs


def test_an_existing_release_is_not_overwritten(first, run_evkg) -> None:
    root, work, _, _ = first
    before = _sha(root / "dist" / "0.2.0" / "SHA256SUMS")
    proc = run_evkg("release", "0.2.0", "--data", work, "--dist", root / "dist", "--changelog", root / "CHANGELOG.md")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "release 0.2.0 exists (use --force" in proc.stderr
    assert _sha(root / "dist" / "0.2.0" / "SHA256SUMS") == before


def test_releasing_the_bundled_data_leaves_the_repository_untouched(tmp_path: Path, run_evkg) -> None:
    before = _sha(REPO / "ontology" / "evkg.ttl")
    proc = run_evkg("release", "0.9.0", "--no-docs", "--date", "2026-12-03", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _sha(REPO / "ontology" / "evkg.ttl") == before
    assert _version_in(tmp_path / "dist" / "0.9.0" / "evkg.nq") == {"0.9.0"}
    assert "## [0.9.0] - 2026-12-03" in (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")


def test_a_version_that_is_not_semver_is_refused(tmp_path: Path, run_evkg) -> None:
    proc = run_evkg("release", "v2", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "evkg: version 'v2' is not MAJOR.MINOR.PATCH (e.g. 0.2.0)\n"
    assert list(tmp_path.iterdir()) == []


def test_a_failed_release_gives_the_working_copy_its_ontology_back(tmp_path: Path, run_evkg) -> None:
    work = _copy_data(tmp_path / "work")
    ontology = (work / "ontology" / "evkg.ttl").read_bytes()
    (work / "graph" / "broken.ttl").write_text("PREFIX ex: <https://example.org/>\nex:a ex:b .\n", encoding="utf-8")
    proc = run_evkg("release", "0.4.0", "--data", work, "--no-docs", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("evkg: ") and "broken.ttl:2" in proc.stderr and "Traceback" not in proc.stderr
    assert (work / "ontology" / "evkg.ttl").read_bytes() == ontology
    assert not (tmp_path / "dist" / "0.4.0").exists()
    assert not (tmp_path / "CHANGELOG.md").exists()


def test_an_ontology_header_without_a_version_is_named_in_the_error() -> None:
    text = "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n<https://w3id.org/evkg/ontology/> a owl:Ontology .\n"
    with pytest.raises(ReleaseError, match="must state owl:versionIRI and owl:versionInfo once each"):
        set_version_text(text, "1.0.0", "https://w3id.org/evkg/ontology/1.0.0/")


def test_releasing_a_version_again_replaces_its_changelog_entry() -> None:
    log = update_changelog(None, "1.0.0", "## [1.0.0] - 2026-01-01\n\nold\n\n")
    log = update_changelog(log, "1.1.0", "## [1.1.0] - 2026-02-01\n\nnew\n\n")
    log = update_changelog(log, "1.1.0", "## [1.1.0] - 2026-02-02\n\nnewer\n\n")
    assert log.count("## [1.1.0]") == 1 and "newer" in log and "\nnew\n" not in log
    assert log.index("## [1.1.0]") < log.index("## [1.0.0]")
