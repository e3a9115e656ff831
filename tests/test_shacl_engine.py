"""Can a curator validate any data against any shapes, and trust the answer?

``evkg validate DATA.ttl --shapes SHAPES.ttl`` on shapes evkg did not write: malformed shapes and SPARQL
that would reach the network end in one line before anything runs (with either engine), a shapes file
mixing what the compiled engine compiles and what it does not gives pySHACL's answer shape by shape,
and literals are read as written (the store rewrites some). Run in process through the console
entry point, so that the audit hook of ``conftest.py`` would stop any name lookup.
"""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH
from shacl_suite import as_written, parse_report, report_of, result_key

PREFIXES = """\
@prefix ex: <http://example.org/ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
DATA = (
    PREFIXES
    + """
ex:alice a ex:Person ; ex:name "Alice" ; ex:age "5"^^xsd:int ; ex:code "01"^^xsd:integer .
ex:bob a ex:Person ; ex:age "x"^^xsd:int .
"""
)


def evkg(*args: str | Path) -> tuple[int, str, str]:
    """``evkg ARGS`` in process: (exit status, stdout, stderr)."""
    from evkg.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- shapes never reach the network -----------------------------------------------------------------------
NETWORK = {
    "SERVICE in a SPARQL constraint": """
        ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
            sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://dbpedia.org/sparql> { $this ?p ?o } }" ] .
    """,
    "SERVICE in a SPARQL target": """
        ex:S a sh:NodeShape ; sh:nodeKind sh:IRI ;
            sh:target [ a sh:SPARQLTarget ;
                sh:select "SELECT ?this { SERVICE SILENT <http://example.com/q> { ?this ?p ?o } }" ] .
    """,
    "FROM in a SPARQL constraint": """
        ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
            sh:sparql [ sh:select "SELECT $this FROM <http://example.com/data.ttl> WHERE { $this ?p ?o }" ] .
    """,
    "SERVICE in a constraint component": """
        ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:flag ] ;
            sh:validator [ a sh:SPARQLAskValidator ;
                sh:ask "ASK { SERVICE <http://example.com/sparql> { $value ?p ?o } }" ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:Person ; ex:flag true .
    """,
    "an escaped SERVICE": """
        ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
            sh:sparql [ sh:select "SELECT $this WHERE { \\\\u0053ERVICE <http://example.com/q> { $this ?p ?o } }" ] .
    """,
}


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("case", list(NETWORK), ids=list(NETWORK))
def test_shapes_that_would_reach_the_network_are_refused_before_anything_runs(
    case: str, engine: str, tmp_path: Path
) -> None:
    """A shape whose SPARQL names another host: one line, exit 2, and no name lookup at all."""
    data = write(tmp_path, "data.ttl", DATA)
    shapes = write(tmp_path, "shapes.ttl", PREFIXES + NETWORK[case])
    code, out, err = evkg("validate", data, "--shapes", shapes, "--engine", engine)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("evkg: ") and "Traceback" not in err
    assert "not allowed in shapes: evkg never reaches the network" in err
    assert "http://example.org/ns#S" in err or "http://example.org/ns#C" in err  # the shape, or the component


# --- malformed shapes ----------------------------------------------------------------------------------------
MALFORMED = {
    'sh:minCount "two"': ('ex:S sh:property [ sh:path ex:name ; sh:minCount "two" ] .', ['sh:minCount "two"']),
    "sh:maxCount -1": ("ex:S sh:property [ sh:path ex:name ; sh:maxCount -1 ] .", ["sh:maxCount", "-1"]),
    "two sh:maxCount": ("ex:S sh:property [ sh:path ex:name ; sh:maxCount 1, 2 ] .", ["sh:maxCount", "2 values"]),
    "sh:datatype a string": ('ex:S sh:datatype "xsd:string" .', ['sh:datatype "xsd:string"', "not an IRI"]),
    "unknown sh:nodeKind": ("ex:S sh:nodeKind ex:Thing .", ["sh:nodeKind", "ns#Thing"]),
    "sh:in not a list": ("ex:S sh:in ex:red .", ["sh:in", "not a well-formed RDF list"]),
    "a path that is no path": ('ex:S sh:property [ sh:path "name" ] .', ['sh:path "name"']),
    "sh:closed 1": ("ex:S sh:closed 1 .", ["sh:closed", "not a boolean"]),
}


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_a_malformed_shape_is_one_line_naming_the_shape_the_constraint_and_the_value(
    case: str, engine: str, tmp_path: Path
) -> None:
    """A curator's typo in a shape: which shape, which constraint, which value, exit 2, no traceback."""
    body, words = MALFORMED[case]
    data = write(tmp_path, "data.ttl", DATA)
    shapes = write(tmp_path, "shapes.ttl", PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:Person .\n" + body)
    code, out, err = evkg("validate", data, "--shapes", shapes, "--engine", engine)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "http://example.org/ns#S" in err, err
    for word in words:
        assert word in err, (word, err)


def test_a_query_the_store_cannot_run_goes_to_pyshacl(tmp_path: Path) -> None:
    """A SPARQL constraint calling an extension function pyoxigraph does not know (it refuses the
    query; SPARQL says the call is an error, so FILTER drops the row): pySHACL's answer, not a crash."""
    import pyshacl

    data = write(tmp_path, "data.ttl", DATA)
    shapes = write(
        tmp_path,
        "shapes.ttl",
        PREFIXES + 'ex:S a sh:NodeShape ; sh:targetClass ex:Person ; sh:sparql [ sh:select """'
        'SELECT $this WHERE { $this ?p ?o FILTER (!<http://example.org/fn#odd>(?o)) }""" ] .',
    )
    code, out, err = evkg("validate", data, "--shapes", shapes, "--format", "turtle")
    assert err == "" and code in (0, 1)
    with as_written():
        reference = pyshacl.validate(Graph().parse(data), shacl_graph=Graph().parse(shapes), inference="none")[1]
    assert _results(parse_report(out)) == _results(reference)


# --- one answer, shape by shape ----------------------------------------------------------------------------
MIXED = (
    PREFIXES
    + """
    # compiled: cardinality, datatype, a class target
    ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
        sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype xsd:string ] .
    # not compiled: a SPARQL-based constraint component (pySHACL validates this shape alone)
    ex:NoAgeOver ex:limit 3 .
    ex:MaxAgeComponent a sh:ConstraintComponent ;
        sh:parameter [ sh:path ex:maxAge ] ;
        sh:validator [ a sh:SPARQLAskValidator ;
            sh:ask "ASK { FILTER (!isLiteral($value) || STRLEN(STR($value)) <= $maxAge) }" ] .
    ex:AgeShape a sh:NodeShape ; sh:targetSubjectsOf ex:age ;
        sh:property [ sh:path ex:age ; ex:maxAge 0 ] .
    # compiled, but reads literals as written: the store rewrote "5"^^xsd:int, so pySHACL takes it
    ex:IntShape a sh:NodeShape ; sh:targetSubjectsOf ex:age ;
        sh:property [ sh:path ex:age ; sh:datatype xsd:int ] .
"""
)


def test_a_shapes_file_mixing_compiled_and_uncompiled_shapes_gets_pyshacls_answer_shape_by_shape(
    tmp_path: Path,
) -> None:
    """Each shape validated by one engine, none twice, none left out: the report is pySHACL's."""
    import pyshacl

    from evkg.quality import shacl_compiled
    from evkg.quality.inputs import load_data_files, shapes_files_graph

    data = write(tmp_path, "data.ttl", DATA)
    shapes = write(tmp_path, "shapes.ttl", MIXED)
    loaded = load_data_files([data])
    program = shacl_compiled.compile_shapes(
        shapes_files_graph([shapes]), shacl_compiled.Schema.of(loaded.store, "none")
    )
    ns = "http://example.org/ns#"
    assert {str(s) for s in program.fallback} == {ns + "AgeShape"}  # the component
    assert {str(s) for s in program.sensitive} >= {ns + "IntShape", ns + "PersonShape"}  # they read literals
    assert {str(c.top) for c in program.checks} >= {ns + "PersonShape"}
    assert loaded.rewritten == {ns + "age", ns + "code"}  # "5"^^xsd:int, "01"^^xsd:integer (no shape reads ex:code)
    # only the shapes that read a predicate whose literals were rewritten leave the compiled engine
    from evkg.data.layout import resolve
    from evkg.data.prefixes import registry
    from evkg.quality.context import Context, Options
    from evkg.quality.shacl import CompiledEngine
    from evkg.query.engine import OxigraphEngine
    from evkg.query.knowledge_graph import KnowledgeGraph

    bundled = resolve(None)
    prefixes = registry(bundled.root)
    ctx = Context(KnowledgeGraph(OxigraphEngine(loaded.store, prefixes), bundled, prefixes), Options(inference="none"))
    ctx.shapes, ctx.rewritten = shapes_files_graph([shapes]), loaded.rewritten
    assert {str(s) for s in CompiledEngine().validate(ctx).fallback} == {ns + "AgeShape", ns + "IntShape"}

    code, out, _ = evkg("validate", data, "--shapes", shapes, "--format", "turtle")
    assert code == 1
    ours = parse_report(out)
    with as_written():
        reference = pyshacl.validate(Graph().parse(data), shacl_graph=Graph().parse(shapes), inference="none")[1]
    assert _results(ours) == _results(reference)
    components = Counter(str(ours.value(r, SH.sourceConstraintComponent)).rsplit("#")[-1] for r in _roots(ours))
    # bob: no name (compiled), an ill-typed "x"^^xsd:int (pySHACL); ages too long for maxAge 0 (component)
    assert components == Counter(
        {"MinCountConstraintComponent": 1, "DatatypeConstraintComponent": 1, "MaxAgeComponent": 2}
    )


def _roots(report: Graph) -> list:
    return list(report.objects(report_of(report), SH.result))


def _results(report: Graph) -> Counter:
    return Counter(result_key(report, r, False) for r in _roots(report))


# --- literals as written ------------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize(
    ("constraint", "conforms"),
    [
        ("sh:path ex:age ; sh:datatype xsd:int", True),  # "5"^^xsd:int, as written
        ("sh:path ex:age ; sh:datatype xsd:integer", False),  # "5"^^xsd:int is not an xsd:integer literal
        ("sh:path ex:code ; sh:in ( 1 )", False),  # "01" is not the term 1
        ('sh:path ex:code ; sh:hasValue "01"^^xsd:integer', True),
    ],
)
def test_literals_are_read_as_written(constraint: str, conforms: bool, engine: str, tmp_path: Path) -> None:
    """Does validation see "5"^^xsd:int and "01"^^xsd:integer as the curator wrote them?"""
    data = write(tmp_path, "data.ttl", DATA)
    shapes = write(
        tmp_path,
        "shapes.ttl",
        PREFIXES + f"ex:S a sh:NodeShape ; sh:targetNode ex:alice ; sh:property [ {constraint} ] .",
    )
    code, out, _ = evkg("validate", data, "--shapes", shapes, "--engine", engine, "--format", "turtle")
    assert code == (0 if conforms else 1), out
    values = {str(v) for v in parse_report(out).objects(None, SH.value)}
    assert values <= {"5", "01"}


def test_a_literal_focus_node_is_reported(tmp_path: Path) -> None:
    """sh:targetNode "Hello" with sh:datatype xsd:integer: the text report names "Hello"."""
    data = write(tmp_path, "data.ttl", DATA)
    shapes = write(
        tmp_path, "shapes.ttl", PREFIXES + 'ex:S a sh:NodeShape ; sh:targetNode "Hello" ; sh:datatype xsd:integer .'
    )
    code, out, _ = evkg("validate", data, "--shapes", shapes)
    assert code == 1
    assert '"Hello"' in out and "DatatypeConstraintComponent" in out


def test_a_store_whose_default_graph_holds_the_union_gives_each_result_once(tmp_path: Path) -> None:
    """evkg's stores keep the union of their named graphs as the default graph: asking for the union
    again would see every triple twice, and a SPARQL constraint without DISTINCT report twice."""
    from evkg.quality import shacl_compiled
    from evkg.quality.inputs import load_data_files, shapes_files_graph
    from evkg.rdf.parse import fill_union, holds_union

    data = write(tmp_path, "data.ttl", DATA)
    shapes = write(
        tmp_path,
        "shapes.ttl",
        PREFIXES
        + 'ex:S a sh:NodeShape ; sh:targetClass ex:Person ; sh:sparql [ sh:select """'
        + 'SELECT $this ?value WHERE { $this <http://example.org/ns#name> ?value }""" ] .',
    )
    store = load_data_files([data]).store
    fill_union(store)
    assert holds_union(store)
    program = shacl_compiled.compile_shapes(shapes_files_graph([shapes]), shacl_compiled.Schema.of(store, "none"))
    _, report = shacl_compiled.run(program, store)
    assert len(_roots(report)) == 1  # alice's name, once
