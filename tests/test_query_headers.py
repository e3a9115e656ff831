"""Every queries/**/*.rq file (competency questions, QC violation queries, …) has a checked header.

The header (grlc-style ``#+`` YAML) must parse, name the query's kind, parameters (with RDF term
types) and result columns, and agree with the SPARQL below it, which must parse with rdflib and
pyoxigraph and declare only prefixes of ontology/prefixes.ttl. The generated helpers and the
cookbook (docs/queries.md) follow from the headers.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from evkg.data.prefixes import registry
from evkg.docs.query_cookbook import cookbook
from evkg.errors import UsageError
from evkg.query.helpers import (
    KINDS,
    QueryHeaderError,
    QueryHelpers,
    QueryParameterError,
    discover,
    parse_query_text,
    split_header,
)

REPO = Path(__file__).resolve().parents[1]
SPECS = discover(REPO)
PREFIX_LINE = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
ALGEBRA = {"SELECT": "SelectQuery", "ASK": "AskQuery", "CONSTRUCT": "ConstructQuery"}


def body(spec) -> str:
    return split_header(spec.text)[1]


def test_every_query_file_becomes_a_helper():
    """Is every .rq file under queries/ found by glob and turned into exactly one helper?"""
    files = sorted(p for p in (REPO / "queries").rglob("*.rq"))
    assert [s.path for s in SPECS] == files
    assert len({s.name for s in SPECS}) == len(SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.stem)
def test_query_parses_with_rdflib_and_pyoxigraph(spec):
    """Does this query parse with both rdflib and pyoxigraph, as the form its header's kind says?"""
    parsed = prepareQuery(body(spec))
    assert parsed.algebra.name == ALGEBRA[spec.form]
    ox.Store().query(body(spec))  # raises SyntaxError if pyoxigraph cannot parse it


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.stem)
def test_header_matches_the_query(spec):
    """Do the header's params and returns match the variables of the query?"""
    assert spec.summary and spec.kind in KINDS
    variables = set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", body(spec)))
    for p in spec.params:
        assert p.name in variables, f"param {p.name} does not occur in the query"
    if spec.form == "SELECT":
        projected = [str(v) for v in prepareQuery(body(spec)).algebra["PV"]]
        declared = list(spec.returns) + [p.name for p in spec.params if p.name not in spec.returns]
        # parameters are projected too (pyoxigraph substitutes projected variables only)
        assert sorted(projected) == sorted(declared), f"SELECT {projected} vs returns+params {declared}"
        assert [v for v in projected if v in spec.returns] == list(spec.returns)
    else:
        assert spec.returns == ()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.stem)
def test_query_declares_only_registry_prefixes(spec):
    """Does every PREFIX line of this query agree with ontology/prefixes.ttl?"""
    reg = registry(REPO)
    for prefix, iri in PREFIX_LINE.findall(body(spec)):
        assert prefix in reg, f"prefix {prefix}: not in the registry"
        assert reg[prefix] == iri, f"prefix {prefix}: <{iri}> but the registry says <{reg[prefix]}>"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.stem)
def test_examples_are_valid_parameter_values(spec):
    """Are the header's examples valid values, and does every required param have one?"""
    for p in spec.params:
        if p.required:
            assert p.example is not None, f"required param {p.name} has no example"
    spec.bind(spec.example_bindings(), registry(REPO))


def test_qc_queries_are_violation_selects():
    """Are the QC queries named *-violation.rq, of kind violation, and SELECTs?"""
    for spec in SPECS:
        if spec.area == "qc":
            assert spec.path.name.endswith("-violation.rq")
            assert spec.kind == "violation" and spec.form == "SELECT"


def test_helper_signature_and_docstring_come_from_the_header(kg):
    """Does help(kg.queries.organization_profile) show the question, typed params and returns?"""
    helper = kg.queries.organization_profile
    sig = inspect.signature(helper)
    assert list(sig.parameters) == ["org", "lang"]
    assert sig.parameters["org"].default is inspect.Parameter.empty
    assert sig.parameters["lang"].default == "en"
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in sig.parameters.values())
    spec = kg.queries.spec("organization_profile")
    assert spec.question in helper.__doc__ and "org (iri, required)" in helper.__doc__
    assert all(col in helper.__doc__ for col in spec.returns)
    assert set(dir(kg.queries)) >= {s.name for s in SPECS}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda q: q.no_such_query(), "unknown query"),
        (lambda q: q.organization_profile(), "missing required parameter org"),
        (lambda q: q.organization_profile(org="organization:jsrm", colour="red"), "unknown parameter colour"),
        (lambda q: q.organization_profile(org=42), "is not an IRI"),
        (lambda q: q.organization_profile(org="organization:jsrm", lang="日本語"), "language tag"),
        (lambda q: q.label_search(text=["not", "a", "string"]), "is not a string"),
    ],
    ids=["unknown-query", "missing", "unknown-param", "wrong-type", "bad-langtag", "not-a-string"],
)
def test_a_wrong_call_names_what_is_valid(kg, call, message):
    """Does a wrong helper call fail with a clear message that lists the valid names or params?"""
    with pytest.raises((QueryParameterError, AttributeError)) as info:
        call(kg.queries)
    assert message in str(info.value)
    assert "valid" in str(info.value) or "is not" in str(info.value)
    if isinstance(info.value, QueryParameterError):
        assert isinstance(info.value, UsageError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "no '#+' header"),
        ("#+ summary: x\n#+ kind: select\nSELECT * { ?s ?p ?o }", "header lacks params, returns"),
        ("#+ summary: x\n#+ kind: [unclosed\nSELECT * { ?s ?p ?o }", "not valid YAML"),
        ("#+ summary: x\n#+ kind: update\n#+ params: []\n#+ returns: []\nSELECT * {}", "kind 'update'"),
        (
            "#+ summary: x\n#+ kind: select\n#+ params:\n#+   - {name: o, type: uri}\n#+ returns: []\nSELECT * {}",
            "type 'uri'",
        ),
        (
            "#+ summary: x\n#+ kind: select\n#+ params:\n#+   - {name: o, type: iri, example: 'a b'}\n"
            "#+ returns: []\nSELECT * {}",
            "example of parameter o",
        ),
    ],
    ids=["no-header", "missing-keys", "bad-yaml", "bad-kind", "bad-type", "bad-example"],
)
def test_a_broken_header_is_reported_with_file_and_line(text, message):
    """Is a broken header reported as one line naming the file and line?"""
    with pytest.raises(QueryHeaderError) as info:
        parse_query_text(text, "queries/cq/broken.rq")
    assert message in str(info.value)
    assert str(info.value).startswith("queries/cq/broken.rq:")
    assert "\n" not in str(info.value)


def test_two_files_with_the_same_helper_name_are_refused(tmp_path):
    """Are two query files that would give the same helper name refused?"""
    for sub in ("ontology", "graph", "queries/cq", "queries/other"):
        (tmp_path / sub).mkdir(parents=True)
    text = "#+ summary: x\n#+ kind: ask\n#+ params: []\n#+ returns: []\nASK {}\n"
    (tmp_path / "queries/cq/cq01_same.rq").write_text(text)
    (tmp_path / "queries/other/same.rq").write_text(text)
    with pytest.raises(QueryHeaderError, match="already used"):
        discover(tmp_path)


def test_the_cookbook_is_up_to_date():
    """Is docs/queries.md what scripts/generate_query_docs.py writes from the current headers?"""
    committed = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    assert committed == cookbook(SPECS), "docs/queries.md is stale: run python scripts/generate_query_docs.py"


def test_helpers_without_an_engine_still_describe_themselves():
    """Can the CLI list the helpers without loading the graph?"""
    helpers = QueryHelpers(None, SPECS, registry(REPO))
    assert len(helpers) == len(SPECS) and "label_search" in helpers


def test_a_repeated_call_is_checked_like_the_first(kg):
    """Does a helper asked twice give the same answer, and still refuse a wrong value equal to a right one?"""
    first = kg.queries.organization_profile(org="organization:jsrm", lang="ja")
    again = kg.queries.organization_profile(org="organization:jsrm", lang="ja")
    assert first and again == first and again.vars == first.vars
    assert kg.queries.organization_profile(org="organization:jsrm", lang="en") != first  # other labels
    spec = parse_query_text(
        "#+ summary: Echo a flag.\n#+ kind: select\n#+ params:\n#+   - {name: flag, type: boolean, required: true}\n"
        "#+ returns: [flag]\nSELECT ?flag WHERE {}",
        "echo.rq",
    )
    helpers = QueryHelpers(kg.engine, [spec], registry(REPO))
    assert helpers.echo(flag=True)[0].flag.toPython() is True
    with pytest.raises(QueryParameterError, match="is not true or false"):
        helpers.echo(flag=1)  # 1 == True in Python, but it is not a boolean
    with pytest.raises(QueryParameterError, match="is not true or false"):
        helpers.echo(flag=["yes"])  # an unhashable value is checked too, not a TypeError
