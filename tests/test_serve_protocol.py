"""What standard clients send, answered as they expect; and no request, however malformed, gets a 500.

SPARQL clients repeat the result format in ``format=``, ``output=`` and ``results=`` next to an
``Accept`` header (SPARQLWrapper sends all three, with a media type as a second value for TSV,
JSON-LD and RDF/XML); browser clients such as YASGUI post cross-origin. Every path and parameter a
client can send, including percent-encodings of every ASCII code point and of invalid UTF-8, is
answered with a status below 500 and the security headers.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from serve_support import shared_server

ASK = "ASK { ?s ?p ?o }"
SELECT = "SELECT ?p ?o WHERE { organization:isev ?p ?o } LIMIT 3"
CONSTRUCT = "CONSTRUCT { organization:isev ?p ?o } WHERE { organization:isev ?p ?o }"
SECURITY = ("x-content-type-options", "content-security-policy", "x-frame-options")


# --- format parameters ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "params", "accept", "expected"),
    [
        # SPARQLWrapper, returnFormat JSON: the three keys agree with Accept
        (
            SELECT,
            [("format", "json"), ("output", "json"), ("results", "json")],
            "application/sparql-results+json",
            "application/sparql-results+json",
        ),
        # SPARQLWrapper, returnFormat TSV: a name and a media type for each key
        (
            SELECT,
            [(k, v) for k in ("format", "output", "results") for v in ("tsv", "text/tab-separated-values")],
            "text/tab-separated-values",
            "text/tab-separated-values",
        ),
        # a format of another query form (SPARQLWrapper's default XML is fine, turtle for SELECT): Accept decides
        (SELECT, [("format", "turtle")], "*/*", "application/sparql-results+json"),
        (
            SELECT,
            [("format", "xml"), ("output", "xml")],
            "application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        (ASK, [("format", "csv")], "text/csv", "text/csv"),
        # n3 means Turtle
        (CONSTRUCT, [("format", "n3"), ("output", "n3"), ("results", "n3")], "text/turtle,text/n3", "text/turtle"),
        (
            CONSTRUCT,
            [(k, v) for k in ("format", "output") for v in ("json-ld", "application/ld+json")],
            "application/ld+json",
            "application/ld+json",
        ),
        (
            CONSTRUCT,
            [(k, v) for k in ("format", "output") for v in ("rdf+xml", "application/rdf+xml")],
            "application/rdf+xml",
            "application/rdf+xml",
        ),
    ],
)
def test_redundant_format_parameters_that_agree_are_accepted(serve_client, query, params, accept, expected) -> None:
    r = serve_client.get("/sparql", params=[("query", query), *params], headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ([("format", "json"), ("output", "xml")], "disagree"),
        ([("format", "bogus")], "unknown format"),
    ],
)
def test_format_parameters_that_disagree_or_name_nothing_are_400(serve_client, params, words) -> None:
    r = serve_client.get("/sparql", params=[("query", SELECT), *params])
    assert r.status_code == 400 and words in r.text


# --- CORS, service description, negotiation -------------------------------------------------------------
def test_a_browser_client_may_post_a_query_cross_origin(serve_client) -> None:
    """The CORS preflight of a cross-origin POST (as YASGUI sends it) passes."""
    preflight = serve_client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert preflight.status_code == 200, preflight.text
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    posted = serve_client.post(
        "/sparql",
        data={"query": ASK},
        headers={"Origin": "https://yasgui.example", "Accept": "application/sparql-results+json"},
    )
    assert posted.status_code == 200 and posted.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_the_service_description_comes_in_the_format_asked_for(serve_client, accept, fmt) -> None:
    r = serve_client.get("/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    quads = list(ox.parse(r.content, format=fmt, base_iri="http://evkg.test/sparql"))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    services = {q.subject for q in quads if q.predicate.value.endswith("#type") and q.object.value == sd + "Service"}
    assert services == {ox.NamedNode("http://evkg.test/sparql")}


def test_a_client_that_accepts_application_anything_gets_data_not_a_page(serve_client) -> None:
    r = serve_client.get("/id/organization/isev", headers={"Accept": "application/*"})
    assert r.status_code == 200
    assert not r.headers["content-type"].startswith(("text/html", "application/xhtml"))
    assert r.headers["content-type"].startswith("application/")


def test_an_accept_header_of_too_many_ranges_is_431_naming_that_limit(serve_client) -> None:
    accept = ",".join(f"application/x-{i:03d}" for i in range(120))  # about 2,000 characters
    assert 1900 < len(accept) < 4096
    for path in ("/sparql?query=ASK%7B%7D", "/id/organization/isev", "/sparql"):
        r = serve_client.get(path, headers={"Accept": accept})
        assert r.status_code == 431, (path, r.text)
        assert "120" in r.text and "at most 64" in r.text and "4096" not in r.text


# --- no 500s ----------------------------------------------------------------------------------------------
_INVALID_UTF8 = ["%ff", "%ff%fe", "%c0%af", "%e0%80%80", "%ed%a0%80", "%f4%90%80%80", "%80", "%e7%b4", "%fe%ff"]
_TEMPLATES = [
    "/id/{x}",
    "/id/organization/{x}",
    "/graph/{x}",
    "/ontology/{x}",
    "/browse/{x}",
    "/static/{x}",
    "/search?q={x}",
    "/sparql?query={x}",
    "/sparql?query=ASK%7B%7D&format={x}",
    "/?lang={x}",
    "/id/organization/isev?format={x}",
]


def _escapes() -> list[str]:
    """Every ASCII code point as a percent-escape, invalid UTF-8, and a few encoded non-characters."""
    return [f"%{code:02x}" for code in range(0x80)] + _INVALID_UTF8 + ["%ef%bf%bf", "%f0%9f%98%80", "a%20b", "%"]


def test_no_malformed_path_or_parameter_gets_a_500(serve_client) -> None:
    """Sweep: every template x every escape; all answered below 500, errors with the security headers."""
    problems = []
    for template in _TEMPLATES:
        for escape in _escapes():
            url = template.format(x=escape)
            r = serve_client.get(url, headers={"Accept": "text/html"})
            if r.status_code >= 500 or (r.status_code >= 400 and not all(h in r.headers for h in SECURITY)):
                problems.append((url, r.status_code))
    assert problems == []


@pytest.mark.parametrize(
    "path", ["/id/a%20b", "/id/%00", "/id/%ff%fe", "/graph/%20", "/ontology/%00", "/graph/%ff", "/id/a%2fb"]
)
def test_an_iri_that_cannot_be_ours_is_400_or_404(serve_client, path: str) -> None:
    r = serve_client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code in (400, 404), (path, r.status_code, r.text)
    assert all(h in r.headers for h in SECURITY)


def _raw_get(host: str, port: int, target: bytes) -> tuple[int, bytes]:
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    return int(head.split(b" ", 2)[1]), head


def test_the_real_server_answers_malformed_paths_without_a_500(evkg_exe: str, tmp_path_factory) -> None:
    """The same requests as bytes on the wire (no client library normalising them), raw UTF-8 included."""
    server = shared_server(evkg_exe, tmp_path_factory.getbasetemp() / "shared-serve-store")
    host = urlsplit(server.url)
    statuses = {}
    for target in (b"/id/a%20b", b"/id/%00", b"/id/%ff%fe", b"/graph/%20", b"/ontology/%00", b"/id/%"):
        status, head = _raw_get(host.hostname or "127.0.0.1", host.port or 80, target)
        statuses[target] = status
        assert b"x-content-type-options: nosniff" in head, target
    # a raw byte over 0x7f is not HTTP at all: the HTTP layer refuses it before the application sees it
    statuses[b"/id/\xff"] = _raw_get(host.hostname or "127.0.0.1", host.port or 80, b"/id/\xff")[0]
    assert all(400 <= s < 500 for s in statuses.values()), statuses
