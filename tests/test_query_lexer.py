"""Does evkg read SPARQL text one way everywhere (src/evkg/query/lexer.py), as the grammar does?"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evkg.errors import QuerySyntaxError
from evkg.query.lexer import decode_escapes, network_clauses, tokens, where_group_start

SRC = Path(__file__).resolve().parents[1] / "src" / "evkg"


def test_variables_prefixed_names_and_blank_nodes_end_where_the_grammar_ends_them() -> None:
    """Is ?a-?b a subtraction, and the dot after ex:x or _:b the end of the triple?"""
    assert [t.text for t in tokens("FILTER(?a-?b > 0)")] == ["FILTER", "(", "?a", "-", "?b", ">", "0", ")"]
    assert [t.text for t in tokens("?s ex:p ex:o. _:b1 ex:p ex:o.")] == [
        "?s", "ex:p", "ex:o", ".", "_:b1", "ex:p", "ex:o", ".",
    ]  # fmt: skip
    assert [t.kind for t in tokens("$this ex:a.b 'x'@en-GB 1.5e3 <http://a/b>")] == [
        "var", "pname", "string", "lang", "number", "iri",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", ["SERVICE"]),
        ("SELECT * { service silent ?endpoint { ?s ?p ?o } }", ["SERVICE"]),
        ("SELECT * { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }", ["SERVICE"]),
        ("LOAD <http://example.org/data.ttl>", ["LOAD"]),
        ("SELECT * FROM <http://example.org/g> FROM NAMED <http://example.org/h> { ?s ?p ?o }", ["FROM", "FROM NAMED"]),
        ('SELECT ?service WHERE { ?service ex:SERVICE "SERVICE", """LOAD""" } # FROM SERVICE', []),
    ],
)
def test_what_would_reach_another_host_is_found_as_a_parser_finds_it(query: str, found: list[str]) -> None:
    """Are SERVICE, LOAD and FROM found as keywords, and only as keywords?"""
    assert network_clauses(query) == found


def test_a_broken_escape_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError, match="invalid escape"):
        decode_escapes("SELECT * { ?s ?p '\\UFFFFFFFF' }")


def test_the_where_group_is_found_past_strings_and_iris() -> None:
    """Where do parameters go: after the WHERE brace, not a brace inside a string or IRI?"""
    query = 'SELECT ?x FROM <http://a/{x}> WHERE { ?x ?p "{" }'
    assert query[where_group_start(query) - 1] == "{" and query[: where_group_start(query)].endswith("WHERE {")
    assert where_group_start("ASK { ?s ?p ?o }") == 5


def test_no_other_module_has_a_sparql_lexer_of_its_own() -> None:
    """Is there one lexer? (A regular expression that skips SPARQL strings exists only in query/lexer.py.)"""
    string_skipper = re.compile(r"""\(\?:\[\^"\\\\\]\|\\\\\.\|"\(\?!""\)\)\*""")  # the long-string pattern
    owners = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if string_skipper.search(p.read_text("utf-8"))]
    assert owners == ["query/lexer.py"]
