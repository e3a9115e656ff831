"""Can a curator enrich the graph's publications from the registries, reproducibly and safely?

Every test works on a copy of the repository's ontology/ and graph/ in tmp_path, against a real
local HTTP server replaying the recorded answers in tests/fixtures/registries/.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from link_server import Answer, RegistryServer
from rdflib import Dataset, Literal, URIRef

from evkg.link import config, enrichment

ROOT = Path(__file__).parents[1]
MISEV2023 = "10.1002/jev2.12404"


@pytest.fixture()
def server() -> Iterator[RegistryServer]:
    srv = RegistryServer().start()
    yield srv
    srv.stop()


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    for name in ("ontology", "graph"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("external"))
    return tmp_path


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(data: Path, server: RegistryServer, **kw) -> enrichment.Report:
    return enrichment.enrich(data, config=config.from_env(server.env()), **kw)


def test_does_enriching_every_publication_add_registry_records(data: Path, server: RegistryServer) -> None:
    report = run(data, server, every=True)
    created = {o.path for o in report.outcomes if o.status == "created"}
    assert {
        "graph/external/crossref/misev2023.ttl",
        # PubMed is asked for the PMIDs the graph states (MISEV2014's); MISEV2023's PMID is only a candidate
        "graph/external/pubmed/misev2014.ttl",
        "graph/external/crossref/daneshmandi-2020.ttl",
        "graph/external/crossref/misev2018.ttl",
        "graph/external/crossref/misev2014.ttl",
    } <= created
    assert not report.failed
    ds = Dataset(default_union=True)
    for f in (data / "graph" / "external").rglob("*.ttl"):
        ds.parse(f, format="turtle")
    evkg = "https://w3id.org/evkg/ontology/"
    misev2023 = URIRef("https://w3id.org/evkg/id/publication/misev2023")
    # references of MISEV2023 resolve to the graph's own publications
    assert (
        misev2023,
        URIRef("http://purl.org/spar/cito/cites"),
        URIRef("https://w3id.org/evkg/id/publication/misev2018"),
    ) in ds
    # the first author is the curated person, now with the ORCID the registry gives
    author1 = URIRef(f"{misev2023}/author/1")
    agent = ds.value(author1, URIRef("http://www.w3.org/ns/prov#agent"))
    assert agent == URIRef("https://w3id.org/evkg/id/person/joshua-a-welsh")
    assert (agent, URIRef(evkg + "orcid"), Literal("0000-0002-1097-9756")) in ds
    # raw answers are kept byte for byte next to the graph
    raw = (data / "graph/external/crossref/misev2023.json").read_bytes()
    assert raw == server.recorded(f"crossref:{MISEV2023}").body


def test_does_offline_replay_give_byte_identical_files(data: Path, server: RegistryServer) -> None:
    run(data, server, every=True)
    before = tree(data / "graph" / "external")
    server.stop()
    offline = enrichment.enrich(data, config=config.from_env(server.env()), every=True, offline=True)
    assert tree(data / "graph" / "external") == before
    assert {o.status for o in offline.outcomes if o.path} == {"unchanged"}
    for f in (data / "graph" / "external").rglob("*.ttl"):
        f.unlink()
    enrichment.enrich(data, config=config.from_env(server.env()), every=True, offline=True)
    assert tree(data / "graph" / "external") == before


def test_does_a_rerun_report_what_changed_since_the_last_snapshot(data: Path, server: RegistryServer) -> None:
    run(data, server, dois=[MISEV2023], registries=["crossref"])
    assert run(data, server, dois=[MISEV2023], registries=["crossref"]).outcomes[0].status == "unchanged"
    changed = server.recorded(f"crossref:{MISEV2023}").body.replace(b'"volume": "13"', b'"volume": "14"')
    server.script(f"crossref:{MISEV2023}", Answer(200, changed))
    outcome = run(data, server, dois=[MISEV2023], registries=["crossref"]).outcomes[0]
    assert outcome.status == "updated" and "+1 -1 triples; changed: prism:volume" in outcome.detail


FAULTS = {
    "404": [Answer(404, b"Resource not found.", "text/plain")],
    "429 with Retry-After": [Answer(429, b"", "text/plain", {"Retry-After": "0"})],
    "500": [Answer(500, b"Internal Server Error", "text/plain")],
    "timeout": [Answer(200, b"{}", delay=1.0)],
    "truncated body": [Answer(200, b'{"status": "ok", "message-type": "work", "message": {}}' * 20, truncate_to=50)],
    "malformed JSON": [Answer(200, b'{"status": "ok", "message-type": "work", "message": {"DOI": ')],
}
MESSAGES = {
    "404": "not found (HTTP 404",
    "429 with Retry-After": "HTTP 429",
    "500": "HTTP 500",
    "timeout": "timed out",
    "truncated body": "truncated",
    "malformed JSON": "malformed JSON",
}


@pytest.mark.parametrize("fault", FAULTS)
def test_does_a_fault_leave_cache_and_graph_unchanged(data: Path, server: RegistryServer, fault: str) -> None:
    run(data, server, dois=[MISEV2023], registries=["crossref"])
    before = tree(data / "graph")
    server.script(f"crossref:{MISEV2023}", *FAULTS[fault])
    env = {**server.env(), "EVKG_HTTP_TIMEOUT": "0.3", "EVKG_HTTP_RETRIES": "2"}
    report = enrichment.enrich(data, config=config.from_env(env), dois=[MISEV2023], registries=["crossref"])
    [outcome] = report.outcomes
    assert outcome.status == "failed"
    assert MESSAGES[fault] in outcome.detail and "\n" not in outcome.line()
    assert tree(data / "graph") == before


def test_does_an_unknown_crossref_doi_fall_back_to_content_negotiation(data: Path, server: RegistryServer) -> None:
    server.script("crossref:10.3402/jev.v3.26913", Answer(404, b"Resource not found.", "text/plain"))
    report = run(data, server, dois=["10.3402/jev.v3.26913"])
    [outcome] = report.outcomes
    assert outcome.registry == "doi" and outcome.path == "graph/external/doi/misev2014.ttl"
    assert server.hits("/csl/10.3402") == 1  # followed the resolver's redirect


def test_does_enrich_refuse_the_installed_package_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed from a wheel, the default data is evkg/_data: enrich must not write there."""
    from evkg.data import layout
    from evkg.errors import UsageError

    package = tmp_path / "site-packages" / "evkg"
    for name in ("ontology", "graph"):
        (package / "_data" / name).mkdir(parents=True)
    monkeypatch.setattr(layout, "PACKAGE_DIR", package)
    with pytest.raises(UsageError, match="refusing to write into the installed package"):
        enrichment.writable(None)


def test_are_unverified_candidates_checked_but_never_written(data: Path, server: RegistryServer) -> None:
    """graph/_candidates.tsv: a DOI the registry has is confirmed, an unknown one is not; graph/ stays as it was."""
    from evkg.link import candidates

    (data / "graph" / "_candidates.tsv").write_text(
        "doi\t10.1080/20013078.2018.1535750\tmisev2018\tknown to the (test) registry\n"
        "doi\t10.5555/evkg-unknown\tnothing\tunknown to the (test) registry\n"
        "orcid\t0000-0002-1097-9756\tmisev2023\tlisted by the Crossref record once enriched\n"
        "orcid\t0000-0003-1746-1278\tmisev2023\tbad check digit\n",
        encoding="utf-8",
    )
    run(data, server, dois=[MISEV2023], registries=["crossref"])
    before = tree(data / "graph")
    results = candidates.check(data, config=config.from_env(server.env()))
    assert [r.status for r in results] == ["confirmed", "not-found", "confirmed", "invalid"]
    assert tree(data / "graph") == before
