"""Can a reader check every fact against the words of its source? (issue 14, decision 0014)

The bundled graph is audited against the archived copies of its sources (``graph/_sources/``): every quote,
identifier, date and number is found there. ``evkg validate`` reports what breaks the rules, in English and
Japanese, for the curator files of ``tests/fixtures/truth/`` (each breaks one rule; ``sound.ttl`` none).
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest

import evkg
from evkg.data import identifiers as ids
from evkg.quality import truth
from evkg.quality.archives import FoldedText, fold
from evkg.quality.forms import date_key, printed_dates, printed_numbers

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURES = HERE / "fixtures" / "truth"

#: What each fixture breaks: the truth findings `evkg validate` must report for its graph, and no other.
EXPECTED = {
    "sound": set(),
    "misquoted": {("truth:quote-not-in-source", "oa:exact")},
    "invented-identifier": {("truth:identifier-not-in-source", "evkg:doi")},
    "latin-name-tagged-ja": {("truth:latin-text-tagged-ja", "rdfs:label")},
    "unsourced-date": {("truth:date-or-number-not-in-source", "dcterms:issued")},
    "site-root": {
        ("truth:source-not-a-page", "prov:wasDerivedFrom"),
        ("truth:archive-checksum", "spdx:checksum"),
        ("truth:quote-names-another-source", "oa:hasSource"),
    },
    "translation-graded-primary": {("truth:translation-graded-primary", "evkg:evidenceGrade")},
}


@pytest.fixture(scope="module")
def audits() -> dict[str, truth.SourceAudit]:
    return {a.source.slug: a for a in truth.audit(evkg.load())}


# --- the bundled graph ---------------------------------------------------------------------------------------
def test_every_source_graph_holds_against_its_archived_source(audits) -> None:
    """Is every quote, identifier, date and number of every source graph in its archived text?"""
    problems = [f"{slug}: {p.check} {p.value}" for slug, a in audits.items() for p in a.problems]
    assert problems == []
    sources = [a for a in audits.values() if not a.source.curators_work]
    assert len(sources) >= 20 and all(a.source.path is not None for a in sources)
    for name, tally in (("quotes", "quotes_tally"), ("identifiers", "identifiers_tally"), ("dates", "dated_tally")):
        verified = sum(getattr(a, tally)[0] for a in audits.values())
        total = sum(getattr(a, tally)[1] for a in audits.values())
        assert verified == total and total >= 20, f"{name}: {verified}/{total}"


def test_the_press_release_is_quoted_word_for_word_and_dated_by_its_own_text(audits) -> None:
    release = audits["jsrm-press-release-2025-08-28"]
    assert release.quotes_tally == (34, 34)
    assert release.dated_tally[0] == release.dated_tally[1] >= 30
    assert release.source.extent.endswith("wholeText") and release.source.language == "ja"


def test_welshs_orcid_is_the_one_his_site_links_today(audits) -> None:
    site = audits["welsh-site-config"]
    assert [(c.kind, c.text, c.how) for c in site.identifiers] == [("orcid", "0000-0002-1097-9756", "text")]


def test_a_pmcid_is_backed_by_the_address_of_the_pmc_record_it_was_read_from(audits) -> None:
    pmc = audits["pmc-misev2018"]
    assert {(c.kind, c.how) for c in pmc.identifiers} == {("pmcid", "address")}


def test_translation_and_curation_graphs_are_the_curators_work_not_a_source(audits) -> None:
    for slug in ("jsrm-press-release-2025-08-28-en", "evkg-curation"):
        assert audits[slug].source.curators_work and audits[slug].source.path is None


def test_a_date_or_number_counts_when_its_statement_has_a_verified_evidence_quote(audits) -> None:
    kotobank = audits["kotobank-jsrm"]  # 2001年(平成13)5月: the form does not occur, the quote backs it
    assert [(c.text, c.how) for c in kotobank.dated] == [("2001-05", "evidence")]


# --- how quotes, dates and numbers are compared ----------------------------------------------------------
def test_only_nfkc_and_white_space_are_folded() -> None:
    assert fold("ＪＳＲＭは、\n  ２００１年に") == "JSRMは、 2001年に"
    assert fold("non\u2010vesicular") != fold("non-vesicular")  # a hyphen is not a hyphen-minus
    assert fold("Théry") != fold("Thery")  # accents stay


def test_a_quote_found_in_the_folded_text_points_at_the_words_of_the_archived_text() -> None:
    raw = "日本再生医療学会は 2001\n   年に設立され"
    text = FoldedText(raw)
    [(start, end)] = text.find_all("2001 年に設立")
    assert raw[start:end] == "2001\n   年に設立"
    assert "2001年" not in text  # white space is folded, not deleted


def test_dates_and_numbers_are_read_as_pages_print_them() -> None:
    dates = printed_dates(
        "令和6年7月31日付 / 平成26年8月吉日 / カレンダー2025.8.31 / March 7, 2025 / 28 August 2025 / "
        "2018 Nov 23 / 令和元年5月1日 / 2001年(平成13)5月 / 2024-04"
    )
    assert {
        "2024-07-31",
        "2014-08",
        "2025-08-31",
        "2025-03-07",
        "2025-08-28",
        "2018-11-23",
        "2019-05-01",
        "2001-05",
        "2024-04",
    } <= dates
    assert date_key("2025-08-28", "date") == "2025-08-28" and date_key("2014-08", "gYearMonth") == "2014-08"
    numbers = printed_numbers("約6,000人 2024;13(2):e12404 pp. 1373–1384 in 2013")
    assert {"6000", "13", "2", "e12404", "1373-1384", "2013"} <= numbers and "201" not in numbers


def test_an_address_names_the_identifier_of_the_registry_record_it_shows() -> None:
    assert ids.record_identifier("https://pmc.ncbi.nlm.nih.gov/articles/PMC10850029/?term=x") == (
        "pmcid",
        "PMC10850029",
    )
    cell = "https://www.cell.com/trends/biotechnology/fulltext/S0167-7799(20)30118-9"
    assert ids.record_identifier(cell) == ("pii", "S0167-7799(20)30118-9")
    assert ids.record_identifier("https://bohrium.dp.tech/paper/arxiv/32622558") is None  # an aggregator's key
    assert ids.identifier_of_iri("http://purl.obolibrary.org/obo/GO_1990742") == ("go", "GO:1990742")


# --- evkg validate on the fixtures, in English and Japanese ----------------------------------------------------
@cache
def _messages(lang: str) -> dict[str, str]:
    return {f"truth:{k}": v[lang] for k, v in truth.messages().items()}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_evkg_validate_reports_each_broken_rule_in_english_and_japanese(run_evkg, lang: str) -> None:
    """Does `evkg validate` name, for each fixture, exactly the rule it breaks, in the report's language?"""
    files = [str(FIXTURES / f"{name}.ttl") for name in EXPECTED]
    result = run_evkg("validate", "--format", "json", "--lang", lang, *files)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr[-2000:]
    report = json.loads(result.stdout)
    found: dict[str, set[tuple[str, str]]] = {name: set() for name in EXPECTED}
    for entity in report["entities"]:
        for f in entity["findings"]:
            if not f["component"].startswith("truth:"):
                continue
            graphs = {g.split(":", 1)[1] for g in f["graphs"]}
            assert graphs <= set(EXPECTED), f"a truth finding outside the fixtures: {f}"
            for g in graphs:
                found[g].add((f["component"], f["path"]))
            assert f["message"] == _messages(lang)[f["component"]]
            assert f["severity"] == "Violation"
    assert found == EXPECTED


def test_a_latin_name_is_allowed_in_japanese_where_the_japanese_source_writes_it(audits) -> None:
    """The release writes "Dr. Kenneth W. Witwer" in Japanese text: his name is tagged @ja in its graph."""
    from graph_helpers import ask

    kg = evkg.load()
    assert ask(
        kg,
        """ASK { GRAPH graph:jsrm-press-release-2025-08-28 {
        person:kenneth-w-witwer rdfs:label "Kenneth W. Witwer"@ja } }""",
    )
    assert not audits["jsrm-press-release-2025-08-28"].problems


# --- archived copies that are not there or not sound ----------------------------------------------------------
def _data_copy(tmp_path: Path, graphs: list[str]) -> Path:
    """A data folder with the repository's ontology and queries and only ``graphs`` (and their archives)."""
    root = tmp_path / "data"
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "queries", root / "queries")
    (root / "graph" / "_sources").mkdir(parents=True)
    for name in graphs:
        shutil.copy(REPO / "graph" / f"{name}.ttl", root / "graph")
        for archive in (REPO / "graph" / "_sources").glob(f"{name}.*.txt"):
            shutil.copy(archive, root / "graph" / "_sources")
    return root


def test_a_missing_or_edited_archive_is_reported(tmp_path: Path) -> None:
    root = _data_copy(tmp_path, ["jsrm-news-12817", "hina-page-43268"])
    (root / "graph" / "_sources" / "jsrm-news-12817.ja.txt").unlink()
    edited = root / "graph" / "_sources" / "hina-page-43268.ja.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("治療", "製造"), encoding="utf-8")
    audits = {a.source.slug: a for a in truth.audit(evkg.load(root))}
    assert [p.check for p in audits["jsrm-news-12817"].problems] == ["archive-file-missing"]
    assert {p.check for p in audits["hina-page-43268"].problems} == {"archive-checksum", "quote-not-in-source"}


def test_an_archive_name_cannot_leave_its_folder(tmp_path: Path) -> None:
    root = _data_copy(tmp_path, ["jsrm-news-12817"])
    graph = root / "graph" / "jsrm-news-12817.ttl"
    graph.write_text(
        graph.read_text(encoding="utf-8").replace('"jsrm-news-12817.ja.txt"', '"../../ontology/evkg.ttl"'),
        encoding="utf-8",
    )
    [a] = [a for a in truth.audit(evkg.load(root)) if a.source.slug == "jsrm-news-12817"]
    assert [p.check for p in a.problems] == ["archive-file-missing"]


def test_a_registry_snapshot_is_checked_against_the_raw_answer_beside_it(tmp_path: Path) -> None:
    """`evkg link` keeps the registry's raw answer beside the graph it maps it to; that is its archive."""
    import hashlib

    root = _data_copy(tmp_path, [])
    folder = root / "graph" / "external" / "crossref"
    folder.mkdir(parents=True)
    raw = b'{"message": {"DOI": "10.1002/jev2.12404", "title": ["Minimal information ..."]}}'
    (folder / "misev2023.json").write_bytes(raw)
    graph = """PREFIX agent: <https://w3id.org/evkg/id/agent/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX evkg: <https://w3id.org/evkg/ontology/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
<https://w3id.org/evkg/graph/external/crossref/misev2023> a evkg:SourceGraph ;
    rdfs:label "Crossref: MISEV2023"@en ;
    prov:wasDerivedFrom <https://api.crossref.org/works/10.1002/jev2.12404> ;
    prov:generatedAtTime "2026-12-04T00:00:00Z"^^xsd:dateTime ; prov:wasAttributedTo agent:evkg-link ;
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> ; evkg:evidenceGrade evkg:primarySource ;
    evkg:responseSha256 "%s" .
<https://w3id.org/evkg/id/publication/misev2023> evkg:doi "10.1002/jev2.12404" , "10.1002/jev2.99999" .
"""
    (folder / "misev2023.ttl").write_text(graph % hashlib.sha256(raw).hexdigest(), encoding="utf-8")
    [a] = truth.audit(evkg.load(root))
    assert a.source.registry_snapshot and a.identifiers_tally == (1, 2)
    assert [(p.check, p.value.value) for p in a.problems] == [("identifier-not-in-source", "10.1002/jev2.99999")]
    (folder / "misev2023.json").write_bytes(raw + b" ")
    [a] = truth.audit(evkg.load(root))
    assert "archive-checksum" in {p.check for p in a.problems}


# --- evkg sources ------------------------------------------------------------------------------------------
def test_evkg_sources_lists_every_source_with_its_page_copy_date_grade_and_tallies(run_evkg) -> None:
    """Which sources is the graph read from, when, and was everything found in their archived texts?"""
    result = run_evkg("sources", "--format", "json")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {r["graph"].rsplit("/", 1)[-1]: r for r in json.loads(result.stdout)}
    release = rows["jsrm-press-release-2025-08-28"]
    assert release["page"] == "https://news.livedoor.com/pr_article/detail/29461918"
    assert release["archive"] == "graph/_sources/jsrm-press-release-2025-08-28.ja.txt"
    assert release["retrievedOn"] == "2026-12-04" and release["grade"].endswith("primarySource")
    assert release["quotes"] == [34, 34] and release["problems"] == 0
    assert rows["welsh-site-config"]["identifiers"] == [1, 1]
    assert rows["wikipedia-journal-of-extracellular-vesicles"]["license"].endswith("/by-sa/4.0/")
    assert rows["jsrm-press-release-2025-08-28-en"]["grade"].endswith("curatorsWork")
    assert all(r["quotes"][0] == r["quotes"][1] and r["identifiers"][0] == r["identifiers"][1] for r in rows.values())
    table = run_evkg("sources", "--wide")
    assert table.returncode == 0
    assert "graph:jsrm-press-release-2025-08-28" in table.stdout and "34/34" in table.stdout
    assert "every quote, identifier, date and number found" in table.stdout


def test_evkg_sources_fails_when_a_source_does_not_hold(run_evkg, tmp_path: Path) -> None:
    root = _data_copy(tmp_path, ["hina-page-43268"])
    archive = root / "graph" / "_sources" / "hina-page-43268.ja.txt"
    archive.write_text(archive.read_text(encoding="utf-8").replace("治療", "製造"), encoding="utf-8")
    result = run_evkg("sources", "--data", str(root), "--wide")
    assert result.returncode == 1
    assert "1 graph with problems" in result.stdout and "Traceback" not in result.stderr
