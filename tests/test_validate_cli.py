"""Can a curator ask ``evkg validate`` whether the graph, with their new file, may be published?

The real ``evkg`` executable runs in a subprocess. ``tests/fixtures/validate/curator-mou.ttl`` is a
curator's file with one violation on the asserted data (an MOU with one signatory; the second party is
stated only as ``organization:jsev evkg:signed …``), which OWL 2 RL reasoning resolves (prp-inv);
``broken.ttl`` has a Turtle error. Exit status: 0 conforms (warnings allowed), 1 violations, 2 usage or
parse error.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from evkg.data.prefixes import registry

HERE = Path(__file__).resolve().parent
CASES = HERE / "fixtures" / "validate"
CURATOR = CASES / "curator-mou.ttl"
SHAPES = HERE.parent / "ontology" / "shapes" / "agreement.shapes.ttl"
P = registry(HERE.parent)
MOU = "agreement:test-jsrm-jsev-mou"


@cache
def _two_party_message(lang: str) -> str:
    """The agreement shape's message for "fewer than two parties", in ``lang``, read from the shapes."""
    shapes = Graph().parse(SHAPES)
    for prop in shapes.subjects(SH.path, P.expand("evkg:signatory")):
        if shapes.value(prop, SH.minCount) is not None:
            for message in shapes.objects(prop, SH.message):
                if isinstance(message, Literal) and message.language == lang:
                    return str(message)
    raise AssertionError("no minCount message on evkg:signatory")


def _no_traceback(result) -> None:
    assert "Traceback" not in result.stderr


def test_the_bundled_graph_conforms_and_its_warnings_do_not_fail(run_evkg) -> None:
    """Does the bundled graph conform (exit 0), with what it only recommends reported as warnings?"""
    result = run_evkg("validate", "--format", "json")
    _no_traceback(result)
    assert result.returncode == 0, result.stdout[-2000:]
    report = json.loads(result.stdout)
    assert report["conforms"] is True
    assert report["violations"] == 0
    assert report["warnings"] > 0  # warnings are reported and do not fail
    findings = [f for entity in report["entities"] for f in entity["findings"]]
    assert len(findings) == report["warnings"]
    assert {f["severity"] for f in findings} == {"Warning", "Info"}
    assert all(f["message"] and f["focus"] and f["component"] for f in findings)
    # Info: the author positions written "N"^^xsd:positiveInteger, which the store keeps as xsd:integer
    # (SELECT sees that form; evkg.rdf.literals), one finding per file, at FILE:LINE
    infos = [f for f in findings if f["severity"] == "Info"]
    assert {f["component"] for f in infos} == {"evkg:StoredLiteral"}
    assert all(re.match(r"graph/[\w./-]+\.ttl:\d+: ", f["message"]) for f in infos)


def test_a_curator_file_with_a_violation_fails_and_says_where_and_why(run_evkg) -> None:
    """Which entity of my new file is wrong, in which named graph, on which property, and why?"""
    result = run_evkg("validate", str(CURATOR))
    _no_traceback(result)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    block = lines[lines.index(next(line for line in lines if line.startswith(MOU))) :]
    assert block[0] == f"{MOU}  Test MOU between JSRM and JSEV"
    assert block[1] == "  in: graph:curator-mou"
    assert block[2] == "  [Violation] evkg:signatory"
    assert block[3].strip() == f"{_two_party_message('en')}  (sh:MinCountConstraintComponent)"
    assert lines[-1].startswith("does not conform. 1 violation, ") and lines[-1].endswith(" triples checked")


def test_the_report_speaks_japanese(run_evkg) -> None:
    """With --lang ja, are the message, the label and the headings in Japanese?"""
    result = run_evkg("validate", "--lang", "ja", str(CURATOR))
    _no_traceback(result)
    assert result.returncode == 1
    assert f"{MOU}  日本再生医療学会と日本細胞外小胞学会の試験用覚書" in result.stdout
    assert "  所在グラフ: graph:curator-mou" in result.stdout
    assert f"      {_two_party_message('ja')}  (sh:MinCountConstraintComponent)" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("不適合。違反 1 件")


def test_the_turtle_report_is_a_shacl_validation_report(run_evkg) -> None:
    """Does --format turtle give a SHACL report a program can read, with the violation in it?"""
    result = run_evkg("validate", "--format", "turtle", str(CURATOR))
    _no_traceback(result)
    assert result.returncode == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    root = report.value(None, RDF.type, SH.ValidationReport, any=False)
    assert report.value(root, SH.conforms) == Literal(False)
    violations = {
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.sourceConstraintComponent))
        for r in report.objects(root, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    }
    assert violations == {(P.expand(MOU), P.expand("evkg:signatory"), SH.MinCountConstraintComponent)}


def test_validating_against_the_owl_rl_closure_sees_the_inverse_statement(run_evkg) -> None:
    """With --reason, does "JSEV signed the MOU" count as JSEV being a party of it (evkg:signed is the
    inverse of evkg:signatory), so that the file conforms?"""
    result = run_evkg("validate", "--reason", "--format", "json", str(CURATOR))
    _no_traceback(result)
    assert result.returncode == 0, result.stdout[-2000:]
    report = json.loads(result.stdout)
    assert report["conforms"] is True and report["violations"] == 0
    mou = [e for e in report["entities"] if e["entity"] == MOU]
    assert mou and {f["severity"] for f in mou[0]["findings"]} == {"Warning"}  # purpose, announcement


def test_the_fast_engine_reports_what_pyshacl_reports(run_evkg) -> None:
    """Is the report of the default (compiled) SHACL engine the one pySHACL gives, finding for finding,
    on the bundled graph with a curator's file, validated against the OWL RL closure? (Without the
    closure, tests/test_shaclfast.py compares the engines on the bundled graph and broken data.)"""
    reports = []
    for engine in ("fast", "pyshacl"):
        result = run_evkg("validate", "--format", "json", "--engine", engine, "--reason", str(CURATOR))
        _no_traceback(result)
        assert result.returncode == 0, result.stderr[-2000:]
        reports.append(json.loads(result.stdout))
    fast, reference = reports
    assert fast["entities"] == reference["entities"] and fast["violations"] == reference["violations"]
    assert fast["warnings"] == reference["warnings"] > 0


def test_a_turtle_error_in_a_curator_file_names_file_line_and_column(run_evkg) -> None:
    """Where exactly is the typo in the file I am about to add?"""
    result = run_evkg("validate", "broken.ttl", cwd=CASES)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["evkg: broken.ttl:6:1: A dot is expected at the end of statements"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--lang", "fr"), "unknown language 'fr'"),
        (("--format", "xml"), "unknown report format 'xml'"),
        (("--engine", "topbraid"), "unknown SHACL engine 'topbraid'"),
        (("--no-such-option",), "No such option: --no-such-option"),
        (("no-such-file.ttl",), "no-such-file.ttl: no such file"),
    ],
    ids=["language", "format", "engine", "option", "file"],
)
def test_a_usage_error_exits_2_with_one_line(run_evkg, args: tuple[str, ...], words: str) -> None:
    """Does a mistyped option or file name get one clear line and exit status 2?"""
    result = run_evkg("validate", *args, cwd=CASES)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("evkg: ") and words in lines[0], result.stderr
