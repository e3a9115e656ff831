"""Literals leave evkg exactly as they came in (issue 13 item 5; docs/decisions/0019-literals-as-written.md).

pyoxigraph's store rewrites literals (``"5"^^xsd:int`` → ``"5"^^xsd:integer``, ``"01"^^xsd:integer`` →
``"1"``, ``true`` and ``"1"^^xsd:boolean`` → one statement). These tests measure what it rewrites, and
check, on the fixture data folder tests/fixtures/literals/ (the issue's literal set), that every export
format, CONSTRUCT and DESCRIBE (API, ``evkg sparql``, the endpoint, IRI dereferencing), the reasoner's
closure, both SHACL engines and a persisted store reopened from disk see each literal as the source
file writes it, term for term.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from evkg.rdf.literals import STORED_AS_VALUE, rewrites, store_form

FIXTURE = Path(__file__).parent / "fixtures" / "literals"
XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"


def lit(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


# --- what the store rewrites (measured, not assumed) ---------------------------------------------------------
#: Every datatype evkg may meet: the XSD built-ins, RDF's and OWL's, a custom one and a misspelt one.
DATATYPES = [
    XSD + name
    for name in (
        "string boolean decimal integer float double duration dateTime time date gYearMonth gYear gMonthDay "
        "gDay gMonth hexBinary base64Binary anyURI QName NOTATION normalizedString token language NMTOKEN "
        "NMTOKENS Name NCName ID IDREF IDREFS ENTITY ENTITIES nonPositiveInteger negativeInteger long int short "
        "byte nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger "
        "yearMonthDuration dayTimeDuration dateTimeStamp anySimpleType anyAtomicType Integer"
    ).split()
] + [
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral",
    "http://www.w3.org/2002/07/owl#real",
    "http://www.w3.org/2002/07/owl#rational",
    "http://www.opengis.net/ont/geosparql#wktLiteral",
    "http://example.org/datatype",
]

#: Lexical forms: canonical and not, in and out of each type's range, valid and invalid, and fuzz.
LEXICAL = (
    "0 1 -1 +1 01 -01 +01 00 007 +042 42 -0 +0 5 300 -300 127 128 -128 -129 255 256 32767 32768 65535 65536 "
    "2147483647 2147483648 -2147483649 4294967295 4294967296 9223372036854775807 9223372036854775808 "
    "-9223372036854775808 -9223372036854775809 18446744073709551615 18446744073709551616 99999999999999999999999 "
    "1.0 1.5 1.50 01.5 .5 5. -.5 +.5 0.0 -0.0 +1.50 1.5000 100.0 0.10 1e3 1E3 1.5e0 1.5E0 1.0E0 1e0 1e-3 1E+3 "
    "-1e3 1.5e10 1e400 -1e400 1e-400 INF -INF +INF NaN inf nan Infinity 3.4028235E38 3.5E38 1e-46 0.1 "
    "0.3333333333333333333 123456789012345678901234567890.5 1.00000000000000000000001 true false TRUE True yes "
    "2026-11-21 2026-11-21Z 2026-11-21+00:00 2026-11-21-00:00 2026-11-21+09:00 2026-11-21+14:00 2026-11-21+14:01 "
    "2026-02-30 2026-13-01 0000-01-01 -0001-01-01 10000-01-01 02026-01-01 2026-11-21T10:30:00 "
    "2026-11-21T10:30:00Z 2026-11-21T10:30:00+00:00 2026-11-21T10:30:00.000Z 2026-11-21T10:30:00.5Z "
    "2026-11-21T10:30:00.50Z 2026-11-21T24:00:00Z 2026-11-21T10:30:00+09:00 2026-11-21T10:30:00-00:00 "
    "2026-11-21T10:30:60Z 10:30:00 10:30:00Z 10:30:00.0 10:30:00+00:00 24:00:00 10:30:00.10 2026-11 2026-11Z "
    "2026-11+00:00 2026 2026Z 2026+00:00 0001 -2026 12026 --11-21 --11-21Z --11-21+00:00 --02-29 ---21 ---21Z "
    "---21+00:00 --11 --11Z --11+00:00 P1D PT24H P0D PT0S P1Y12M P2Y P1Y0M PT1H60M PT0.0S P1DT0H -P1D P0Y PT36H "
    "P1M PT1.50S PT1.5S P1Y2M3DT4H5M6.7S -PT0S P1Y P12M PT3600S abc hello 0x10 1_000 1,5 en en-US EN"
).split() + [" 5", "5 ", " 1.5", "true ", "1\n", "\t1", "", " ", "2026-11-21 ", "+", "-", ".", "e3"]


def _corpus() -> list[str]:
    rng = random.Random(13)  # fixed seed: the same corpus in every run
    fuzz = ["".join(rng.choice("0123456789+-.eEINFaTZ:PYMDHS ") for _ in range(rng.randint(1, 8))) for _ in range(250)]
    fuzz += ["".join(rng.choice("0123456789+-.e") for _ in range(rng.randint(1, 6))) for _ in range(250)]
    return list(dict.fromkeys(LEXICAL + fuzz))


def _round_trip(store: ox.Store, literals: list[ox.Literal]) -> list[ox.Literal]:
    p = ox.NamedNode("urn:p")
    store.extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), p, x) for i, x in enumerate(literals))
    back = {int(q.subject.value[5:]): q.object for q in store.quads_for_pattern(None, p, None)}
    return [back[i] for i in range(len(literals))]  # type: ignore[misc]


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[ox.Literal], list[ox.Literal]]:
    """Every corpus lexical form with every datatype, and what a pyoxigraph store gives back for it."""
    literals = [ox.Literal(v, datatype=ox.NamedNode(d)) for d in DATATYPES for v in _corpus()]
    literals += [ox.Literal(v, language=t) for v in ("x", "5") for t in ("en", "ja", "x-private")]
    in_memory = _round_trip(ox.Store(), literals)
    # on disk (RocksDB, reopened): the same rewriting (the curated forms; the fuzz adds nothing there)
    curated = [x for x in literals if x.value in set(LEXICAL)]
    folder = tmp_path_factory.mktemp("rewrites") / "store"
    on_disk = ox.Store(str(folder))
    on_disk.extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), x) for i, x in enumerate(curated))
    del on_disk
    reopened = {int(q.subject.value[5:]): q.object for q in ox.Store.read_only(str(folder))}
    assert [reopened[i] for i in range(len(curated))] == _round_trip(ox.Store(), curated)
    return literals, in_memory


def test_which_literals_does_the_store_rewrite(measured) -> None:
    """Exactly the literals of the 29 STORED_AS_VALUE datatypes whose lexical form the store parses;
    store_form() and rewrites() say so for each of ~70 k literals, and every one of those datatypes
    has rewritten forms (the list is not longer than needed)."""
    literals, stored = measured
    rewritten_types = set()
    for written, kept in zip(literals, stored, strict=True):
        changed = kept != written
        assert store_form(written) == kept, written
        assert rewrites(written) is changed, written
        if changed:
            assert written.datatype.value in STORED_AS_VALUE, written
            rewritten_types.add(written.datatype.value)
    assert rewritten_types == STORED_AS_VALUE


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        (lit("5", "int"), lit("5", "integer")),
        (lit("5", "short"), lit("5", "integer")),
        (lit("007", "nonNegativeInteger"), lit("7", "integer")),
        (lit("+042", "int"), lit("42", "integer")),
        (lit("01", "integer"), lit("1", "integer")),
        (lit("1.50", "decimal"), lit("1.5", "decimal")),
        (lit("1", "boolean"), lit("true", "boolean")),
        (lit("1e3", "double"), lit("1000", "double")),
        (lit("300", "byte"), lit("300", "integer")),  # not a byte: becomes a valid integer
        (lit("2026-11-21T10:30:00+00:00", "dateTime"), lit("2026-11-21T10:30:00Z", "dateTime")),
        (lit("abc", "integer"), lit("abc", "integer")),  # invalid: kept as written
        (lit(" 5", "int"), lit(" 5", "int")),
        (lit("5", "integer"), lit("5", "integer")),
    ],
)
def test_what_does_the_store_keep_for_the_issues_literals(written: ox.Literal, kept: ox.Literal) -> None:
    (back,) = _round_trip(ox.Store(), [written])
    assert back == kept
    assert store_form(written) == kept


def _kept_shapes(rng: random.Random) -> Iterator[ox.Literal]:
    """Random literals in the forms evkg.rdf.literals takes as kept without asking the store."""

    def digits(low: int, high: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(low, high)))

    def nonzero(low: int, high: int) -> str:
        return rng.choice("123456789") + digits(low - 1, high - 1)

    for _ in range(300):
        sign = rng.choice(["", "-"])
        year, month, day = nonzero(4, 4), f"{rng.randint(1, 12):02d}", f"{rng.randint(1, 31):02d}"
        clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        fraction = rng.choice(["", "." + digits(0, 5) + rng.choice("123456789")])
        zone = rng.choice(["", "Z"])
        yield lit(rng.choice(["0", sign + nonzero(1, 18)]), "integer")
        yield lit(rng.choice(["0", sign + nonzero(1, 15), sign + rng.choice(["0", nonzero(1, 15)]) + "." + digits(0, 14)
                             + rng.choice("123456789")]), "decimal")  # fmt: skip
        yield lit(rng.choice(["true", "false"]), "boolean")
        yield lit(year, "gYear")
        yield lit(f"{year}-{month}", "gYearMonth")
        yield lit(f"{year}-{month}-{day}", "date")
        yield lit(f"{clock}{fraction}{zone}", "time")
        yield lit(f"{year}-{month}-{day}T{clock}{fraction}{zone}", "dateTime")


def test_are_the_forms_taken_as_kept_kept_by_the_store() -> None:
    """The loader asks the store only about literals not in a known kept form: each such form is kept."""
    shapes = list(_kept_shapes(random.Random(5)))
    assert _round_trip(ox.Store(), shapes) == shapes


def test_do_the_parser_the_dataset_and_the_serialiser_keep_every_literal(measured) -> None:
    """What evkg builds on instead of the store: pyoxigraph's parser, Dataset and serialiser change nothing."""
    literals, _ = measured
    triples = [ox.Triple(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), x) for i, x in enumerate(literals)]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert [t.object for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)] == literals
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert sorted(map(str, (q.object for q in dataset))) == sorted(map(str, literals))


# --- the fixture, as written -----------------------------------------------------------------------------------
def _source_quads() -> list[ox.Quad]:
    """The fixture's statements as the parser reads them, each in its named graph."""
    from evkg.data.layout import resolve
    from evkg.data.prefixes import registry
    from evkg.rdf.parse import parse_source, source_files

    data = resolve(FIXTURE)
    out = []
    for source in source_files(data, registry(FIXTURE)):
        graph = ox.NamedNode(source.graph)
        out += [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parse_source(source)]
    return out


def _canonical(statements: Iterable[ox.Quad | ox.Triple], *, union: bool) -> set[str]:
    """Statements with canonical blank node labels (RDFC-1.0; literals untouched), as N-Quads text."""
    quads = [ox.Quad(s.subject, s.predicate, s.object) if union or isinstance(s, ox.Triple) else s for s in statements]
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


@pytest.fixture(scope="module")
def source() -> list[ox.Quad]:
    return _source_quads()


def test_does_the_fixture_hold_the_issues_literals(source: list[ox.Quad]) -> None:
    """The fixture writes every literal of the issue, the boolean pair and doubles, and the store rewrites them."""
    objects = {q.object for q in source}
    wanted = [
        lit("5", "int"), lit("5", "short"), lit("007", "nonNegativeInteger"), lit("+042", "int"),
        lit("01", "integer"), lit("1.50", "decimal"), lit("1", "boolean"), lit("true", "boolean"),
        lit("1e3", "double"), lit("1.0E0", "double"), lit("1E3", "double"),
    ]  # fmt: skip
    for literal in wanted:
        assert literal in objects, literal
    assert sum(rewrites(q.object) for q in source if isinstance(q.object, ox.Literal)) >= 20


def test_does_the_loader_record_each_rewritten_statement(fixture_literals_kg, source: list[ox.Quad]) -> None:
    """kg.literals: the statements the store rewrites, as written, and those written in the store's own form
    beside them (the boolean pair is one stored statement with both literals)."""
    table = fixture_literals_kg.literals
    rewritten = [q for q in source if isinstance(q.object, ox.Literal) and rewrites(q.object)]
    keys = {(q.subject, q.predicate, store_form(q.object), q.graph_name) for q in rewritten}  # type: ignore[arg-type]
    partners = [q for q in source if (q.subject, q.predicate, q.object, q.graph_name) in keys]
    named = [q for q in table.written_quads() if not isinstance(q.graph_name, ox.DefaultGraph)]
    assert _canonical(named, union=False) == _canonical(rewritten + partners, union=False)
    # the union (the store's default graph, a set): every spelling any graph writes for a statement
    ratio = [
        (q, w) for q, w in table.statements() if q.predicate.value == EX + "ratio" and q.subject.value == EX + "sample"
    ]
    union = [sorted(map(str, w)) for q, w in ratio if isinstance(q.graph_name, ox.DefaultGraph)]
    assert union == [[f'"1.5"^^<{XSD}decimal>', f'"1.50"^^<{XSD}decimal>']]
    flag = [
        (q, w) for q, w in table.statements() if q.predicate.value == EX + "flag" and q.graph_name != ox.DefaultGraph()
    ]
    assert [(str(q.object), sorted(map(str, w))) for q, w in flag] == [
        (
            '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
            ['"1"^^<http://www.w3.org/2001/XMLSchema#boolean>', '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'],
        )
    ]


@pytest.fixture(scope="module")
def fixture_literals_kg():  # -> evkg.KnowledgeGraph
    import evkg

    return evkg.load(FIXTURE)


@pytest.fixture(scope="module")
def persisted_kg(tmp_path_factory: pytest.TempPathFactory):  # -> evkg.KnowledgeGraph, reopened from disk
    import evkg

    folder = tmp_path_factory.mktemp("literals") / "store"
    built = evkg.load(FIXTURE, folder)
    assert (folder / "literals.nq").stat().st_size > 0
    del built
    reopened = evkg.load(FIXTURE, folder)
    assert reopened.engine.store is not None and not _parsed_again(folder)
    return reopened


def _parsed_again(folder: Path) -> bool:
    from evkg.data.layout import resolve
    from evkg.data.prefixes import registry
    from evkg.rdf.store import open_store

    return open_store(folder, resolve(FIXTURE), registry(FIXTURE)).parsed


# --- exports -------------------------------------------------------------------------------------------------------
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "xml": ox.RdfFormat.RDF_XML,
}
DATASET_FORMATS = {"trig", "nquads"}


def _parsed(data: bytes, fmt: str) -> list[ox.Quad]:
    return list(ox.parse(data, format=FORMATS[fmt], base_iri="http://example.org/"))


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("where", ["memory", "store"])
def test_does_every_export_format_say_what_the_sources_say(
    fmt: str, where: str, source: list[ox.Quad], fixture_literals_kg, persisted_kg
) -> None:
    """KnowledgeGraph.export in each format, read back by pyoxigraph's parser: the same statements as the
    source files, term for term (union formats: the union; TriG, N-Quads: every named graph)."""
    kg = fixture_literals_kg if where == "memory" else persisted_kg
    data = kg.export(fmt)
    union = fmt not in DATASET_FORMATS
    assert _canonical(_parsed(data, fmt), union=union) == _canonical(source, union=union)


def test_does_the_reference_export_path_agree() -> None:
    """The reference path (canonical_quads over the engine's quads, used for engines without a store) too."""
    import evkg
    from evkg.data.prefixes import registry
    from evkg.rdf.serialization import export
    from evkg.serve.rdfout import QuadsEngine

    kg = evkg.load(FIXTURE)
    engine = QuadsEngine(list(kg.engine.quads()))
    source = _source_quads()
    for fmt in FORMATS:
        union = fmt not in DATASET_FORMATS
        data = export(engine, fmt, registry(FIXTURE))
        assert _canonical(_parsed(data, fmt), union=union) == _canonical(source, union=union), fmt


def test_do_turtle_numbers_keep_their_lexical_form(fixture_literals_kg) -> None:
    """Turtle writes a number bare only as the token that reads back as the same term."""
    text = fixture_literals_kg.export("turtle").decode()
    assert '"1"^^xsd:boolean' in text and "1.50" in text and '"+042"^^xsd:int' in text
    assert "e+0" not in text  # rdflib's value formatting of doubles is not used


def _cli(*args: str) -> tuple[int, bytes, str]:
    """``evkg ARGS`` in process: exit code, standard output (bytes), standard error."""
    from evkg.cli import main

    out, err = io.BytesIO(), io.StringIO()
    wrapper = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(wrapper), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # pragma: no cover - main returns its code
            code = int(exc.code or 0)
    wrapper.flush()
    return code, out.getvalue(), err.getvalue()


def test_do_evkg_export_and_evkg_build_write_the_literals_as_written(
    tmp_path: Path, persisted_kg, source: list[ox.Quad]
) -> None:
    """The commands: ``evkg export --store DIR`` (reopened from disk) and ``evkg build`` (every format)."""
    code, out, err = _cli("export", "--data", str(FIXTURE), "--store", str(persisted_kg.store_path), "-f", "nquads")
    assert code == 0, err
    assert _canonical(_parsed(out, "nquads"), union=False) == _canonical(source, union=False)
    code, _, err = _cli("build", "--data", str(FIXTURE), "--out", str(tmp_path / "build"))
    assert code == 0, err
    built = {p.suffix: p for p in (tmp_path / "build").iterdir()}
    for fmt, suffix in (("turtle", ".ttl"), ("json-ld", ".jsonld"), ("nquads", ".nq"), ("xml", ".rdf")):
        candidates = [p for p in (tmp_path / "build").iterdir() if p.suffix == suffix and p.name != "void.ttl"]
        assert candidates, (fmt, sorted(built))
        union = fmt not in DATASET_FORMATS
        data = candidates[0].read_bytes()
        assert _canonical(_parsed(data, fmt), union=union) == _canonical(source, union=union), fmt


# --- CONSTRUCT, DESCRIBE, the endpoint, dereferencing ------------------------------------------------------------
CONSTRUCT_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def _sample_objects(triples: Iterable[ox.Triple], predicate: str) -> set[str]:
    return {str(t.object) for t in triples if str(t.subject) == f"<{EX}sample>" and t.predicate.value == EX + predicate}


def test_does_construct_give_the_literals_as_written(fixture_literals_kg, persisted_kg, source) -> None:
    """kg.sparql CONSTRUCT (in memory and reopened from disk): the data's triples as the files write them,
    the boolean pair as two triples; a triple the query builds carries the literal its value was read from."""
    for kg in (fixture_literals_kg, persisted_kg):
        triples = list(kg.sparql(CONSTRUCT_ALL))
        assert _canonical(triples, union=True) == _canonical(source, union=True)
        built = list(kg.sparql("CONSTRUCT { ?s ex:copy ?o } WHERE { ?s ex:count|ex:tally|ex:signed|ex:flag ?o }"))
        assert _sample_objects(built, "copy") == {
            str(x) for x in (lit("5", "int"), lit("007", "nonNegativeInteger"), lit("+042", "int"),
                             lit("1", "boolean"), lit("true", "boolean"))
        }  # fmt: skip
        described = list(kg.sparql("DESCRIBE ex:sample"))
        assert _sample_objects(described, "padded") == {str(lit("01", "integer")), str(lit("1", "integer"))}


def test_does_select_see_the_stores_form_as_documented(fixture_literals_kg) -> None:
    """SELECT rows carry the store's form (a value): the documented exception, reported by QC."""
    (row,) = fixture_literals_kg.sparql("SELECT ?o WHERE { ex:sample ex:count ?o }")
    assert row["o"] == lit("5", "integer")


def test_does_evkg_sparql_write_construct_results_as_written(source) -> None:
    code, out, err = _cli("sparql", "--data", str(FIXTURE), CONSTRUCT_ALL, "--format", "ntriples")
    assert code == 0, err
    assert _canonical(_parsed(out, "nt"), union=True) == _canonical(source, union=True)
    code, out, err = _cli("sparql", "--data", str(FIXTURE), "DESCRIBE ex:sample", "--format", "turtle")
    assert code == 0, err
    assert _sample_objects(_parsed(out, "turtle"), "signed") == {str(lit("+042", "int"))}


@pytest.fixture(scope="module")
def literal_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The web app on the fixture (a persisted store, one query worker)."""
    from serve_support import app_client

    with app_client(FIXTURE, tmp_path_factory.mktemp("serve") / "store", workers=1) as client:
        yield client


@pytest.mark.parametrize("media", ["application/n-triples", "text/turtle", "application/ld+json"])
def test_does_the_endpoint_answer_construct_and_describe_as_written(literal_site, media: str, source) -> None:
    """/sparql (a query worker on the persisted store): CONSTRUCT and DESCRIBE in each RDF media type."""
    fmt = {"application/n-triples": "nt", "text/turtle": "turtle", "application/ld+json": "json-ld"}[media]
    response = literal_site.get("/sparql", params={"query": CONSTRUCT_ALL}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert _canonical(_parsed(response.content, fmt), union=True) == _canonical(source, union=True)
    response = literal_site.get("/sparql", params={"query": f"DESCRIBE <{EX}sample>"}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert _sample_objects(_parsed(response.content, fmt), "flag") == {
        str(lit("1", "boolean")), str(lit("true", "boolean"))
    }  # fmt: skip


def test_does_a_graph_iri_dereference_to_its_statements_as_written(literal_site, source) -> None:
    """GET https://w3id.org/evkg/graph/numbers as N-Quads: the file's statements, term for term."""
    response = literal_site.get("/graph/numbers", headers={"Accept": "application/n-quads"})
    assert response.status_code == 200, response.text
    numbers = [q for q in source if q.graph_name.value.endswith("/graph/numbers")]  # type: ignore[union-attr]
    assert _canonical(_parsed(response.content, "nquads"), union=False) == _canonical(numbers, union=False)


# --- the reasoner ----------------------------------------------------------------------------------------------------
EXPECTED_CLOSURE = {
    f'<{EX}sample> <{EX}digits> "01"^^<{XSD}integer>',  # prp-spo1 copies the literal as written
    f'<{EX}sample> <{EX}digits> "1"^^<{XSD}integer>',  # and the store's form, written too, as another triple
    f'<{EX}sample> <{EX}number> "5"^^<{XSD}int>',
    f'<{EX}plain> <{EX}number> "5"^^<{XSD}integer>',
    f'_:c14n0 <{EX}digits> "01"^^<{XSD}integer>',
}


@pytest.mark.parametrize("engine", ["fast", "owlrl"])
def test_does_the_reasoner_copy_literals_as_written(engine: str) -> None:
    """OWL 2 RL (prp-spo1) copies a literal object into a new triple: both engines copy it as written, and
    both find the ill-typed literal (dt-not-type) the store would have made valid."""
    from evkg.quality import owl2rl

    result = owl2rl.data_closure(FIXTURE, engine)
    assert _canonical(result.oxigraph_triples(), union=True) == EXPECTED_CLOSURE
    # and "300"^^xsd:byte is the ill-typed byte the file writes (the store's "300"^^xsd:integer is valid)
    assert [(i.rule, "300" in i.message) for i in result.inconsistencies] == [("dt-not-type", True)]


def test_does_evkg_reason_write_the_closure_as_written() -> None:
    code, out, err = _cli("reason", "--data", str(FIXTURE), "--format", "ntriples")
    assert code in (0, 1), err
    assert _canonical(_parsed(out, "nt"), union=True) == EXPECTED_CLOSURE


# --- SHACL ------------------------------------------------------------------------------------------------------------
def _violations(report) -> set[tuple[str | None, str | None]]:
    return {(f.path, f.value) for f in report.findings if f.severity == "Violation"}


EXPECTED_VIOLATIONS = {
    ("ex:flag", None),  # maxCount 1: true and "1"^^xsd:boolean are two values
    ("ex:notabyte", f'"300"^^<{XSD}byte>'),  # not an xsd:integer (the store would say it is)
    ("ex:padded", f'"01"^^<{XSD}integer>'),  # pattern ^1$ (the store's "1" would conform)
    ("ex:tally", f'"007"^^<{XSD}nonNegativeInteger>'),  # a SPARQL constraint reading lexical form and datatype
}


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_does_shacl_read_the_literals_as_written(engine: str) -> None:
    """Both engines: sh:datatype xsd:int accepts "5"^^xsd:int (and short, nonNegativeInteger,
    positiveInteger, dateTimeStamp), sh:minLength 4 accepts "+042", sh:in accepts "1.50", a SPARQL
    constraint reads "007"^^xsd:nonNegativeInteger; exactly the four constraints the data as written
    violates are reported, none of those the store's forms would."""
    from evkg.quality import pipeline

    report = pipeline.validate(FIXTURE, engine=engine)
    assert not report.conforms
    assert _violations(report) == EXPECTED_VIOLATIONS


def test_does_evkg_validate_say_so_on_the_command_line() -> None:
    code, out, err = _cli("validate", "--data", str(FIXTURE), "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    found = {(f["path"], f["value"]) for e in report["entities"] for f in e["findings"] if f["severity"] == "Violation"}
    assert found == EXPECTED_VIOLATIONS


def test_does_qc_name_the_file_and_line_of_each_rewritten_literal() -> None:
    """QC: the literals whose store form SELECT sees differently are Warnings at FILE:LINE (the boolean pair,
    "01" beside 1, "300"^^xsd:byte); the others an Info per file and datatype."""
    from evkg.quality import pipeline

    report = pipeline.validate(FIXTURE, engine="fast")
    stored = [f for f in report.findings if f.component == "evkg:StoredLiteral"]
    warnings = {f.message.split(": ", 1)[0] for f in stored if f.severity == "Warning"}
    assert warnings == {
        "tests/fixtures/literals/graph/numbers.ttl:11",  # "01" and 1 for ex:padded
        "tests/fixtures/literals/graph/numbers.ttl:14",  # true and "1"^^xsd:boolean
        "tests/fixtures/literals/graph/numbers.ttl:19",  # "300"^^xsd:byte
        "tests/fixtures/literals/graph/again.ttl:7",  # "1.50" and 1.5
    }
    infos = {f.message.split(": ", 1)[0]: f for f in stored if f.severity == "Info"}
    # one per file and datatype: "5"^^xsd:int (line 7) and "+042"^^xsd:int (line 10) together
    assert infos["tests/fixtures/literals/graph/numbers.ttl:7"].value == '"5"^^xsd:int'
    assert "and 1 more" in infos["tests/fixtures/literals/graph/numbers.ttl:7"].message
    assert infos["tests/fixtures/literals/graph/numbers.ttl:8"].value == '"5"^^xsd:short'


# --- loading ---------------------------------------------------------------------------------------------------------
def test_are_blank_node_labels_of_two_files_two_nodes(tmp_path: Path) -> None:
    """Two files that both write _:b0: two blank nodes in the store (the parser renames them apart)."""
    import shutil

    import evkg

    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    for name in ("one", "two"):
        (data / "graph" / f"{name}.ttl").write_text(
            f'@prefix ex: <http://example.org/> .\n_:b0 ex:label "{name}" ; ex:n "0{name == "two":d}"^^'
            "<http://www.w3.org/2001/XMLSchema#integer> .\n",
            encoding="utf-8",
        )
    for store_dir in (None, tmp_path / "store"):
        kg = evkg.load(data, store_dir)
        labelled = {q.subject for q in kg.store.quads_for_pattern(None, ox.NamedNode(EX + "label"), None)}
        assert len(labelled) == 2
        assert {str(q.object) for q in kg.literals.written_quads() if q.predicate.value == EX + "n"} == {
            f'"00"^^<{XSD}integer>', f'"01"^^<{XSD}integer>'
        }  # fmt: skip


def test_does_reloading_an_edited_file_keep_the_table_right(tmp_path: Path) -> None:
    """Incremental re-validation replaces a file's graph in the persisted store: the table (literals.nq) follows."""
    import shutil

    import evkg
    from evkg.quality.incremental import revalidate
    from evkg.rdf.store import read_literals

    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    store = tmp_path / "store"
    evkg.load(data, store)
    again = data / "graph" / "again.ttl"
    again.write_text(again.read_text(encoding="utf-8").replace('"1.50"', '"2.50"'), encoding="utf-8")
    revalidate(data, store, [again])
    table = read_literals(store)
    again_graph = ox.NamedNode("https://w3id.org/evkg/graph/again")
    written = {str(q.object) for q in table.written_quads() if q.graph_name == again_graph}
    assert written == {f'"2.50"^^<{XSD}decimal>'}
    kg = evkg.load(data, store)
    assert _canonical(_parsed(kg.export("nquads"), "nquads"), union=False) == _canonical(
        _source_quads_of(data), union=False
    )


def _source_quads_of(data: Path) -> list[ox.Quad]:
    from evkg.data.layout import resolve
    from evkg.data.prefixes import registry
    from evkg.rdf.parse import parse_source, source_files

    out = []
    for source in source_files(resolve(data), registry(data)):
        graph = ox.NamedNode(source.graph)
        out += [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parse_source(source)]
    return out


def test_does_evkg_load_send_the_literals_as_written(fixture_literals_kg, source) -> None:
    """What ``evkg load --endpoint`` PUTs to a Graph Store is each graph as written (the request bodies)."""
    import httpx

    from evkg.query.engines import upload_graphs

    bodies: dict[str, bytes] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        bodies[request.url.params["graph"]] = request.content
        return httpx.Response(204)

    kg = fixture_literals_kg
    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        upload_graphs(
            kg.store,
            "http://store.test/store",
            kg.named_graphs(),
            client=client,
            as_written=kg.literals.restore_ntriples,
        )
    sent = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for graph, body in bodies.items()
        for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    ]
    assert _canonical(sent, union=False) == _canonical(source, union=False)
