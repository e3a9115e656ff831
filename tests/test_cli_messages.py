"""What does evkg say when a new user gets something wrong, and does it count things right?

Each message of issue 19 is one line on stderr (no traceback), with a suggestion where there is one,
and every command means the same by "triples" (distinct triples) and "statements" (quads).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest


def _one_line(done) -> str:  # noqa: ANN001
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_an_unknown_prefix_names_the_nearest_registered_one(run_evkg_process) -> None:
    """(A real process: the one line is all the user sees, nothing else on stderr.)"""
    done = run_evkg_process("sparql", "SELECT ?s WHERE { ?s fo:name ?o }")
    assert done.returncode == 2
    assert re.fullmatch(
        r"evkg: SPARQL syntax error at 1:\d+: unknown prefix fo: \(did you mean foaf:\?\); "
        r"declare it with PREFIX fo: <namespace IRI>",
        _one_line(done),
    )


def test_a_misspelt_query_form_says_what_a_query_starts_with(run_evkg) -> None:
    done = run_evkg("sparql", "SELEC")
    assert done.returncode == 2
    line = _one_line(done)
    assert "'SELEC' is not a query (did you mean SELECT?)" in line
    assert "[_]" not in line and "..=" not in line


def test_a_bare_name_for_an_iri_parameter_suggests_the_curie(run_evkg) -> None:
    done = run_evkg("query", "term_components", "--param", "term=secretome")
    assert done.returncode == 2
    assert "write term=term:secretome" in _one_line(done)


def test_an_unknown_prefix_in_a_parameter_names_the_nearest(run_evkg) -> None:
    done = run_evkg("query", "organization_profile", "-p", "org=organisation:jsrm")
    assert done.returncode == 2
    assert "unknown prefix organisation: (did you mean organization:?)" in _one_line(done)


def test_an_iri_that_names_nothing_is_an_error_not_an_empty_table(run_evkg) -> None:
    done = run_evkg("query", "organization_profile", "-p", "org=organization:jsrn")
    assert done.returncode == 2 and done.stdout == ""
    assert _one_line(done) == (
        "evkg: organization_profile: org=organization:jsrn: no entity with this IRI in the graph "
        "(did you mean organization:jsrm?)"
    )


def test_an_empty_answer_about_a_known_entity_is_still_zero_rows(run_evkg) -> None:
    """A real entity with nothing to report is an answer, not an error."""
    done = run_evkg("query", "errata_of_publication", "-p", "publication=publication:misev2014", "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"] == []


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_query_gives_every_result_format_sparql_gives(run_evkg, fmt: str) -> None:
    """Is `evkg query NAME -f F` the same answer as `evkg sparql FILE -f F`, xml included?"""
    from evkg.cli.query import FORMATS
    from evkg.cli.sparql import RESULT_FORMATS

    assert FORMATS == RESULT_FORMATS
    done = run_evkg("query", "related_terms", "-p", "term=term:exosome", "-p", "lang=en", "-f", fmt)
    assert done.returncode == 0, done.stderr
    if fmt in ("json", "xml"):
        kind = ox.QueryResultsFormat.JSON if fmt == "json" else ox.QueryResultsFormat.XML
        parsed = ox.parse_query_results(done.stdout.encode(), format=kind)
        assert len(list(parsed)) > 0
    else:
        assert len(done.stdout.splitlines()) > 1


def test_the_report_counts_in_english_and_in_japanese(run_evkg) -> None:
    """ "6 warnings on 6 entities", never "warning(s)" or "entit(y/ies)"; Japanese without ASCII full stops."""
    en = run_evkg("validate").stdout.splitlines()[-1]
    assert re.fullmatch(
        r"conforms: no violations\. 0 violations, \d+ warnings? on \d+ entit(y|ies); [\d,]+ triples checked", en
    )
    assert "(s)" not in en and "(y/ies)" not in en
    ja = run_evkg("validate", "--lang", "ja")
    last = ja.stdout.splitlines()[-1]
    assert re.fullmatch(
        r"適合：違反はありません。違反 0 件、警告 \d+ 件（対象 \d+ 件）。検査したトリプル数：[\d,]+", last
    )
    assert "[Warning]" not in ja.stdout and "[警告]" in ja.stdout
    japanese = [line for line in ja.stdout.splitlines() if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line)]
    assert not any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]\. ", line) for line in japanese)


def test_one_violation_is_singular(run_evkg, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix evkg: <https://w3id.org/evkg/ontology/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/evkg/id/agreement/x> a evkg:Agreement ; rdfs:label "x"@en , "x"@ja .\n',
        encoding="utf-8",
    )
    last = run_evkg("validate", bad).stdout.splitlines()[-1]
    assert re.match(r"does not conform\. \d+ violations?, ", last)
    n = int(re.match(r"does not conform\. (\d+)", last).group(1))  # type: ignore[union-attr]
    assert (f"{n} violation," if n == 1 else f"{n} violations,") in last


def test_triples_and_statements_mean_the_same_in_every_command(run_evkg, tmp_path: Path) -> None:
    """stats, validate and check report the same number of triples (distinct over all graphs); stats
    counts statements (quads) separately. (evkg build and VoID take theirs from the same Stats.)"""
    stats = json.loads(run_evkg("stats", "--format", "json").stdout)
    triples, quads = stats["triples"], stats["quads"]
    assert quads > triples
    text = run_evkg("stats").stdout.splitlines()[0]
    assert f"{triples:,} triples ({quads:,} statements in " in text
    validate = json.loads(run_evkg("validate", "--format", "json").stdout)
    assert validate["triples"] == triples
    check = run_evkg("check", "--store", tmp_path / "store")
    assert check.stderr.startswith(f"evkg check: {triples:,} triples;")


def test_the_reading_commands_take_store(run_evkg, tmp_path: Path) -> None:
    """query, validate, reason and cite reopen a persisted store (--store) and answer as without it."""
    store = tmp_path / "store"
    for args in (
        ("query", "related_terms", "-p", "term=term:exosome", "-f", "csv"),
        ("cite", "misev2023", "--style", "apa"),
        ("validate", "--format", "json"),
    ):
        without = run_evkg(*args)
        with_store = run_evkg(*args, "--store", store)  # built by the first, reopened by the others
        assert without.returncode == with_store.returncode == 0, (args, with_store.stderr)
        assert without.stdout == with_store.stdout, args
    assert (store / "manifest.json").is_file()
    reason = run_evkg("reason", "--store", store, "-f", "ntriples")
    # the same closure (N-Triples lines compared as a set: their order differs from run to run today)
    assert reason.returncode == 0
    assert sorted(reason.stdout.splitlines()) == sorted(run_evkg("reason", "-f", "ntriples").stdout.splitlines())
