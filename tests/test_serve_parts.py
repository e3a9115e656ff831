"""The parts of ``evkg serve`` that decide things on their own: Accept and Accept-Language
negotiation, the label search key, the query guard, and the SVG pictures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import evkg.serve
from evkg.serve import svg
from evkg.serve.guard import Refusal, inspect_query
from evkg.serve.negotiation import HeaderTooLarge, negotiate, negotiate_language, parse
from evkg.serve.search import SearchIndex, normalize

GRAPH = "https://w3id.org/evkg/graph/jsrm-press-release-2025-08-28"

SPARQL_OFFERS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/html",
]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),  # no preference: the server's first offer
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("text/*;q=0.9, application/sparql-results+xml;q=0.95", "application/sparql-results+xml"),
        # equal q: the range that comes first wins (rdflib-endpoint's rule)
        ("text/tab-separated-values, text/csv", "text/tab-separated-values"),
        # a browser
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        # the more specific range decides for an offer: text/csv is excluded although text/* is fine
        ("text/*, text/csv;q=0", "text/tab-separated-values"),
        ("application/json", None),
        ("text/csv;q=0", None),
        ("TEXT/CSV", "text/csv"),
        ("text/csv;q=not-a-number", "text/csv"),
    ],
)
def test_which_result_format_does_a_client_get_for_its_accept_header(accept: str | None, expected: str | None) -> None:
    """Which format does a client get, given its Accept header and the q-values in it?"""
    offers = SPARQL_OFFERS[:4] + (["text/html"] if accept and "html" in accept else [])
    assert negotiate(accept, offers) == expected


def test_parse_orders_ranges_by_q_then_by_position() -> None:
    ranges = parse("text/turtle;q=0.9, application/ld+json, text/html;q=0.9, */*;q=0.1")
    assert [r.value for r in ranges] == ["application/ld+json", "text/turtle", "text/html", "*/*"]


@pytest.mark.parametrize("header", ["text/html, " * 2000, ",".join(["text/html"] * 100)])
def test_an_oversized_accept_header_is_refused_not_parsed(header: str) -> None:
    with pytest.raises(HeaderTooLarge):
        negotiate(header, ["text/html"])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"),
        ("en-GB,en;q=0.9,ja;q=0.8", "en"),
        ("fr-FR, de;q=0.9", "en"),  # neither offered: the default
        ("fr, ja;q=0.5", "ja"),
        ("ja;q=0, en;q=0.1", "en"),
        ("*", "en"),
        (None, "en"),
        ("x" * 10_000, "en"),  # oversized: ignored, the default
    ],
)
def test_which_language_does_a_reader_get_from_accept_language(header: str | None, expected: str) -> None:
    assert negotiate_language(header, ["en", "ja"], "en") == expected


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("エキソソーム", "エクソソーム"),  # katakana spelling variant
        ("ｴｸｿｿｰﾑ", "エクソソーム"),  # half-width katakana
        ("えくそそーむ", "エクソソーム"),  # hiragana
        ("ＥＶ", "EV"),  # full-width Latin
        ("ev", "EV"),
        ("extracellular-vesicle", "extracellular vesicle"),
        ("細胞外　小胞", "細胞外小胞"),  # ideographic space
        ("ヴェシクル", "ベシクル"),
    ],
)
def test_search_forgives_width_kana_and_spelling_variants(typed: str, label: str) -> None:
    assert normalize(typed) == normalize(label)


def test_exome_is_not_mistaken_for_exosome() -> None:
    """エキソーム (exome, genomics) is another word, not a variant of エクソソーム."""
    assert normalize("エキソーム") != normalize("エクソソーム")


def test_search_finds_a_resource_by_a_label_in_the_other_language_and_ranks_exact_first() -> None:
    index = SearchIndex()
    index.add("term:ev", "細胞外小胞", "ja", True)
    index.add("term:ev", "EV", "en", False)
    index.add("org:isev", "ISEV", "en", False)
    index.add("term:evs", "EVs", "en", False)
    hits = [resource for resource, _ in index.search("ｅｖ")]
    assert hits[0] == "term:ev"
    assert set(hits) == {"term:ev", "org:isev", "term:evs"}
    assert index.search("   ") == []


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("SELECT * WHERE { SERVICE <http://203.0.113.7/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
        ("SELECT * WHERE { SERVICE SILENT <http://203.0.113.7/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
        ("SELECT * WHERE { BIND(<http://x/> AS ?e) SERVICE ?e { ?s ?p ?o } }", 403, "SERVICE"),
        ("SELECT * WHERE { OPTIONAL { { ?s ?p ?o } UNION { service <http://x/> { ?a ?b ?c } } } }", 403, "SERVICE"),
        ("SELECT * WHERE { \\u0053ERVICE <http://203.0.113.7/> { ?s ?p ?o } }", 403, "SERVICE"),
        ("LOAD <http://203.0.113.7/data.ttl>", 403, "LOAD"),
        ("LOAD SILENT <http://203.0.113.7/data.ttl> INTO GRAPH <http://x/>", 403, "LOAD"),
        ("INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }", 403, "INSERT DATA"),
        ("DELETE WHERE { ?s ?p ?o }", 403, "DELETE WHERE"),
        ("DROP ALL", 403, "DROP"),
        ("CLEAR DEFAULT ; LOAD <http://203.0.113.7/>", 403, "LOAD"),
        ("SELECT * FROM <http://203.0.113.7/data.ttl> WHERE { ?s ?p ?o }", 403, "not a named graph"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", 403, "not a named graph"),
        ("PREFIX x: <http://203.0.113.7/> SELECT * FROM x:data WHERE { ?s ?p ?o }", 403, "not a named graph"),
        ("SELECT * FROM WHERE { ?s ?p ?o }", 400, "FROM"),
        ("DROP SILENT GRAPH <x:g>", 403, "DROP"),
        ("WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", 403, "DELETE"),
        ("PREFIX : <http://x/> INSERT { :a :b :c } WHERE {}", 403, "INSERT"),
        ("", 400, "empty"),
        ("SELECT * WHERE { ?s ?p ?o } # " + "x" * 70_000, 413, "too long"),
    ],
)
def test_what_the_endpoint_refuses_before_evaluating(query: str, status: int, words: str) -> None:
    """Updates, LOAD, SERVICE, FROM of foreign IRIs, bad syntax: refused by parsing, never run."""
    with pytest.raises(Refusal) as caught:
        inspect_query(query, graphs={GRAPH})
    assert caught.value.status == status
    assert words.lower() in caught.value.message.lower()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service ?p 'SERVICE <http://x/> { }' }",  # a variable and a string
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ?o } # SERVICE <http://x/>",
        f"SELECT * FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}",  # FROM one of our graphs
        "PREFIX graph: <https://w3id.org/evkg/graph/> "
        "SELECT * FROM NAMED graph:jsrm-press-release-2025-08-28 WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK { ?s ?p ?o }",
        "DESCRIBE <https://w3id.org/evkg/id/organization/jsrm>",
        "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1",
    ],
)
def test_ordinary_queries_pass_the_guard(query: str) -> None:
    plan = inspect_query(query, graphs={GRAPH})
    assert plan.form in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def test_protocol_dataset_parameters_replace_from_and_are_checked() -> None:
    plan = inspect_query("SELECT * WHERE { ?s ?p ?o }", graphs={GRAPH}, default_graph_uris=[GRAPH])
    assert plan.explicit_dataset and plan.default_graphs == (GRAPH,)
    with pytest.raises(Refusal) as caught:
        inspect_query("SELECT * WHERE { ?s ?p ?o }", graphs={GRAPH}, named_graph_uris=["http://203.0.113.7/"])
    assert caught.value.status == 403


HOSTILE_LABEL = 'A & B <script>alert("x")</script> \\N "q"'


def test_the_picture_without_graphviz_escapes_labels_and_links_local_pages() -> None:
    center = svg.SvgNode("c", HOSTILE_LABEL, "en", None, "center")
    out = [("signatory", svg.SvgNode("o", "日本再生医療学会", "ja", "/id/organization/jsrm", "organization"))]
    inc = [("about", svg.SvgNode("i", "press release", "en", "/id/document/x", "document"))]
    picture = svg.layout_columns(center, out, inc)
    assert "<script>" not in picture and "&lt;script&gt;" in picture
    assert 'href="/id/organization/jsrm"' in picture and 'xml:lang="ja"' in picture
    assert picture.startswith("<svg") and picture.endswith("</svg>")


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz (dot) is not installed")
def test_the_picture_with_graphviz_is_inline_svg_with_escaped_labels() -> None:
    center = svg.SvgNode("c", HOSTILE_LABEL, "en", None, "center")
    out = [("signatory", svg.SvgNode("o", "日本再生医療学会", "ja", "/id/organization/jsrm", "organization"))]
    picture = svg.neighbourhood(center, out, [], engine="dot")
    assert picture.startswith("<svg") and "<?xml" not in picture and "<!DOCTYPE" not in picture
    assert "<script>" not in picture
    assert "/id/organization/jsrm" in picture
    assert 'class="evkg-graph"' in picture


def test_the_timeline_places_each_version_by_date_and_draws_the_translation() -> None:
    items = [
        svg.TimelineItem("ja", "ja", "2021-03", "日本語版", "ja", "/id/document/x-ja"),
        svg.TimelineItem("en", "en", "2022-05", "English version", "en", "/id/document/x-en"),
        svg.TimelineItem("undated", "en", "", "no date", "en", None),
    ]
    picture = svg.timeline(items, [("ja", "en")], title="x", tracks=[("ja", "Japanese", "en"), ("en", "English", "en")])
    assert picture is not None
    assert ">2021<" in picture and ">2022<" in picture
    assert "evkg-tl-arrow" in picture and "<path" in picture
    assert "no date" not in picture
    assert svg.timeline([items[2]], [], title="x") is None


def test_labels_are_shortened_by_display_width() -> None:
    assert svg.shorten("日本再生医療学会と国際細胞外小胞学会の覚書", 20).endswith("…")
    assert svg.shorten("JSRM", 20) == "JSRM"
    assert svg.text_width("細胞") > svg.text_width("EV")


def test_the_lexer_skips_strings_iris_and_comments_like_sparql_does() -> None:
    """SERVICE inside a string, an IRI, a comment or a prefixed name is not the keyword."""
    from evkg.query.lexer import tokens

    text = (
        'PREFIX s: <http://x/SERVICE> SELECT ?service WHERE { ?service s:SERVICE \'SERVICE\', """SERVICE""" } # SERVICE'
    )
    assert [t.keyword for t in tokens(text) if t.keyword == "SERVICE"] == []
    assert [t.kind for t in tokens("?x <http://a/b> 'c'@en 1.5 _:b x:y")] == [
        "var",
        "iri",
        "string",
        "lang",
        "number",
        "bnode",
        "pname",
    ]


SERVE_DIR = Path(evkg.serve.__file__).resolve().parent


@pytest.mark.parametrize(
    "path",
    sorted([*SERVE_DIR.glob("queries/*.rq"), *SERVE_DIR.parent.glob("docs/queries/*.rq"), SERVE_DIR / "labels.ttl"]),
    ids=lambda p: p.name,
)
def test_the_server_files_declare_only_registry_prefixes_and_parse(path: Path) -> None:
    """The server's own queries and display labels follow the prefix registry (ontology/prefixes.ttl)."""
    import re

    import pyoxigraph as ox

    from evkg.data.prefixes import registry

    reg = registry().as_dict()
    text = path.read_text(encoding="utf-8")
    declared = re.findall(r"(?im)^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*|)\s*:\s*<([^>]*)>", text)
    assert declared
    assert [(p, ns) for p, ns in declared if reg.get(p) != ns] == []
    if path.suffix == ".ttl":
        assert len(list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))) > 100
    else:
        ox.Store().query(text)  # parses (an empty store: nothing to evaluate, no SERVICE in these files)


def test_search_grades_whole_label_then_word_starts_then_word_insides() -> None:
    """Exact, label prefix, word prefix (acronym letters count) before a match inside a word."""
    index = SearchIndex()
    index.extend(
        [
            ("inner", "Kevin W-H Lo", "en", True),
            ("acronym", "ISEV", "en", True),
            ("word", "Journal of EV research", "en", True),
            ("prefix", "EVidence", "en", True),
            ("exact", "ev", "en", True),
        ]
    )
    assert [r for r, _ in index.search("EV")] == ["exact", "prefix", "acronym", "word", "inner"]


@pytest.mark.parametrize(("typed", "label"), [("exosomes", "exosome"), ("vesicles", "Vesicle"), ("studies", "study")])
def test_search_folds_english_plurals_both_ways(typed: str, label: str) -> None:
    assert normalize(typed) == normalize(label)
    index = SearchIndex()
    index.add("r", label, "en", True)
    assert [r for r, _ in index.search(typed)] == ["r"]
