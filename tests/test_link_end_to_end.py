"""Can a curator enrich the graph from registry records as rich as the real ones, and still have a
graph that validates, cites the new authors, and replays offline byte for byte?

Against the real local HTTP server of tests/link_server.py replaying tests/fixtures/registries/
(including the synthetic records that carry everything a real Crossref or PubMed answer does: nine
authors with sequence and affiliations, ORCIDs, print and online dates, licences, links, references
without DOI, MeSH headings). Every step is the real `evkg` command.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from link_server import RegistryServer
from rdflib import Dataset, Literal, URIRef

ROOT = Path(__file__).parents[1]
SYNTHETIC_DOI = "10.5555/evkg-synthetic-ev-2024"
SYNTHETIC_PMID = "99999901"
AUTHORS = ["Carberry", "Example", "Sample", "Placeholder", "Fixture", "Mock-Stub", "Tesuto", "Dummy", "Shiken"]


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_enrich_then_validate_then_cite_then_replay_offline(tmp_path: Path, evkg_exe: str) -> None:
    data = tmp_path / "data"
    for name in ("ontology", "graph", "queries"):
        shutil.copytree(ROOT / name, data / name, ignore=shutil.ignore_patterns("external"))
    base = {**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1", "COLUMNS": "200"}

    def evkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [evkg_exe, *args, "--data", str(data)], capture_output=True, text=True, env=env or base, timeout=180
        )

    enrich_new = ("link", "enrich", "--doi", SYNTHETIC_DOI, "--pmid", SYNTHETIC_PMID)
    registries = ("--registry", "crossref", "--registry", "pubmed-efetch")
    server = RegistryServer().start()
    try:
        env = {**base, **server.env()}
        first = evkg(*enrich_new, *registries, env=env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.count(": created") == 2, first.stdout
        every = evkg("link", "enrich", "--all", env=env)  # the graph's own publications, from every registry
        assert every.returncode == 0, every.stderr
    finally:
        server.stop()

    # 1. the enriched graph validates (each snapshot is a described source graph, in both languages)
    validated = evkg("validate")
    assert validated.returncode == 0, validated.stdout[-3000:]
    assert validated.stdout.splitlines()[-1].startswith("conforms: no violations.")

    # 2. what the snapshots say: the nine authors in order, the ORCID, the MeSH heading, the count
    ds = Dataset(default_union=True)
    for f in (data / "graph" / "external").rglob("*.ttl"):
        ds.parse(f, format="turtle")
    pub = URIRef("https://w3id.org/evkg/id/publication/doi-10-5555-evkg-synthetic-ev-2024")
    evkg_ns = "https://w3id.org/evkg/ontology/"
    assert {int(o) for o in ds.objects(pub, URIRef(evkg_ns + "authorCount"))} == {9}
    assert (None, URIRef(evkg_ns + "orcid"), Literal("0000-0002-1825-0097")) in ds
    assert (pub, URIRef("http://purl.org/dc/terms/subject"), URIRef("http://id.nlm.nih.gov/mesh/D055354")) in ds
    journals = set(ds.objects(pub, URIRef("http://purl.org/dc/terms/isPartOf")))
    assert len(journals) == 1, journals  # Crossref and PubMed name one journal
    source_graph = URIRef(evkg_ns + "SourceGraph")
    snapshots = set(ds.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), source_graph))
    assert len(snapshots) == len(list((data / "graph" / "external").rglob("*.ttl")))
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert all(any(o.language == "ja" for o in ds.objects(g, label)) for g in snapshots)  # type: ignore[attr-defined]

    # 3. cite prints the registry's whole author list, as complete
    apa = evkg("cite", SYNTHETIC_DOI, "--style", "apa")
    assert apa.returncode == 0, apa.stderr
    names = apa.stdout.split(" (2024).")[0]
    assert [n.split(",")[0].strip("& ") for n in names.split(".,")] == AUTHORS
    assert "& Shiken, H." in names and "et al." not in names
    ris = evkg("cite", SYNTHETIC_DOI, "--format", "ris")
    authors = [line[6:] for line in ris.stdout.splitlines() if line.startswith("AU  - ")]
    assert len(authors) == 9 and authors[0] == "Carberry, Josiah" and "N1  - " not in ris.stdout
    nlm = evkg("cite", SYNTHETIC_PMID, "--style", "nlm")
    assert nlm.stdout.startswith("Carberry J, Example A, Sample B, Placeholder C, Fixture D, Mock-Stub E, et al. ")

    # 4. offline (no server at all), the same snapshots byte for byte
    before = _tree(data / "graph" / "external")
    offline_env = {**base, "EVKG_CROSSREF_URL": "http://127.0.0.1:9/none", "EVKG_EUTILS_URL": "http://127.0.0.1:9/none"}
    again = evkg(*enrich_new, *registries, "--offline", env=offline_env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count(": unchanged") == 2, again.stdout
    replay = evkg("link", "enrich", "--all", "--offline", env=offline_env)
    assert replay.returncode == 0, replay.stderr
    assert _tree(data / "graph" / "external") == before


@pytest.mark.parametrize("registry", ["crossref", "pubmed-efetch", "pubmed"])
def test_the_rich_answers_map_every_author(registry: str) -> None:
    """Do the parsers read all nine authors (sequence, affiliations and all) of the rich answers?"""
    from evkg.link import enrichment as enrich

    folder = ROOT / "tests" / "fixtures" / "registries"
    raw = {
        "crossref": folder / "crossref" / "10.5555_evkg-synthetic-ev-2024.json",
        "pubmed-efetch": folder / "pubmed" / f"efetch-{SYNTHETIC_PMID}.xml",
        "pubmed": folder / "pubmed" / f"esummary-{SYNTHETIC_PMID}.json",
    }[registry]
    work = enrich.REGISTRIES[registry].parse(raw.read_bytes(), registry)
    assert [a.family for a in work.authors] == AUTHORS
    assert work.author_count == 9 and work.authors_complete
    assert work.doi == SYNTHETIC_DOI
    if registry != "pubmed":
        assert work.authors[0].orcid == "0000-0002-1825-0097"
    if registry == "crossref":
        assert work.issued == (2024, 2, 7) and work.references == [
            "10.1080/20013078.2018.1535750",
            "10.3402/jev.v3.26913",
        ]
    if registry == "pubmed-efetch":
        assert work.mesh == ["D055354"]
