"""`evkg sparql`: can a user ask any SPARQL question and get standard result formats?"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph

SOCIETIES = (
    "SELECT ?org ?name WHERE { ?org a org:FormalOrganization ; skos:prefLabel ?name "
    'FILTER(LANG(?name) = "en") } ORDER BY ?org'
)
EXPECTED = [
    ["https://w3id.org/evkg/id/organization/isev", "International Society for Extracellular Vesicles"],
    ["https://w3id.org/evkg/id/organization/jsrm", "Japanese Society for Regenerative Medicine"],
]


@pytest.fixture
def ask(run_evkg, fixture_data_dir: Path):
    def run(*args: str, input: str | None = None) -> str:
        result = run_evkg("sparql", *args, "--data", fixture_data_dir, input=input)
        assert result.returncode == 0, result.stderr
        return result.stdout

    return run


def test_which_societies_are_in_the_graph_as_sparql_json(ask) -> None:
    """Which organisations are there, with their English names (SPARQL 1.1 JSON results)?"""
    doc = json.loads(ask(SOCIETIES, "--format", "json"))
    assert doc["head"]["vars"] == ["org", "name"]
    assert [[b["org"]["value"], b["name"]["value"]] for b in doc["results"]["bindings"]] == EXPECTED
    assert doc["results"]["bindings"][0]["name"]["xml:lang"] == "en"


def test_csv_and_tsv_results(ask) -> None:
    """Can I open the answer in a spreadsheet (CSV, TSV)?"""
    rows = list(csv.reader(io.StringIO(ask(SOCIETIES, "-f", "csv"))))
    assert rows == [["org", "name"], *EXPECTED]
    tsv = ask(SOCIETIES, "-f", "tsv").splitlines()
    assert tsv[0] == "?org\t?name"
    assert (
        tsv[1] == '<https://w3id.org/evkg/id/organization/isev>\t"International Society for Extracellular Vesicles"@en'
    )


def test_xml_results(ask) -> None:
    """Are SPARQL XML results well-formed with one <result> per row?"""
    root = ET.fromstring(ask(SOCIETIES, "-f", "xml"))
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert len(root.findall(".//s:result", ns)) == 2


def test_a_table_for_people(ask) -> None:
    """Does the default table show CURIEs, names with their language, and the row count?"""
    table = ask(SOCIETIES)
    assert "organization:isev" in table and "International Society for Extracellular Vesicles @en" in table
    assert table.rstrip().endswith("2 rows")


def test_a_query_from_a_file_and_from_stdin(ask, fixture_data_dir: Path) -> None:
    """Can I run a saved .rq file, or pipe a query in?"""
    from_file = ask(str(fixture_data_dir / "queries" / "cq" / "cq01_societies.rq"), "-f", "csv")
    assert list(csv.reader(io.StringIO(from_file))) == [["org", "name"], *EXPECTED]
    assert ask("-", "-f", "csv", input=SOCIETIES) == from_file


def test_ask_and_construct(ask) -> None:
    """Does ASK answer true/false, and CONSTRUCT give Turtle or N-Triples?"""
    assert ask("ASK { organization:isev a org:FormalOrganization }").strip() == "true"
    assert json.loads(ask("ASK { organization:isev a skos:Concept }", "-f", "json"))["boolean"] is False
    construct = "CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c a skos:Concept ; skos:prefLabel ?l }"
    turtle = ask(construct)
    assert len(Graph().parse(data=turtle, format="turtle")) == 6
    declared = re.findall(r"^@prefix ([\w-]+):", turtle, re.M)
    assert declared == ["skos", "term"]  # only the prefixes used, sorted
    nt = ask(construct, "-f", "ntriples")
    assert len(nt.strip().splitlines()) == 6


def test_result_formats_that_do_not_fit_the_query_are_refused(run_evkg, fixture_data_dir: Path) -> None:
    """Is asking CSV of a CONSTRUCT (or Turtle of a SELECT) a one-line usage error?"""
    construct = run_evkg("sparql", "CONSTRUCT WHERE { ?s a skos:Concept }", "-f", "csv", "--data", fixture_data_dir)
    assert construct.returncode == 2 and "use turtle or ntriples" in construct.stderr
    select = run_evkg("sparql", SOCIETIES, "-f", "turtle", "--data", fixture_data_dir)
    assert select.returncode == 2 and "only CONSTRUCT and DESCRIBE give triples" in select.stderr
    unknown = run_evkg("sparql", SOCIETIES, "-f", "yaml", "--data", fixture_data_dir)
    assert unknown.returncode == 2 and "unknown result format 'yaml'" in unknown.stderr


def test_service_is_refused_on_the_command_line(run_evkg, fixture_data_dir: Path) -> None:
    """Does `evkg sparql` refuse to call another endpoint?"""
    result = run_evkg("sparql", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--data", fixture_data_dir)
    assert result.returncode == 2
    assert result.stderr.strip() == "evkg: SERVICE is not allowed: evkg queries only its own local store"
