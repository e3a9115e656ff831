"""Dereferencing evkg's IRIs: every IRI of ours in the graph, in every format, with content
negotiation headers; and what happens for unknown IRIs, formats and media types."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import httpx
import pyoxigraph as ox
import pytest

BASE = "https://w3id.org/evkg/"
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
MOU = "/id/agreement/jsrm-isev-mou-2025"


def our_iris(kg) -> list[str]:
    """Every IRI under https://w3id.org/evkg/ that occurs in the dataset, read from the store directly."""
    found: set[str] = set()
    for quad in kg.store:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE) and len(term.value) > len(BASE):
                found.add(term.value.partition("#")[0])
    return sorted(found)


def statements(body: bytes, fmt: ox.RdfFormat, base: str) -> tuple[set[tuple[str, str, str]], int]:
    """(triples without blank nodes, number of triples with a blank node) of a response body."""
    ground: set[tuple[str, str, str]] = set()
    with_bnodes = set()
    for quad in ox.parse(body, format=fmt, base_iri=base):
        terms = (quad.subject, quad.predicate, quad.object)
        if any(isinstance(t, ox.BlankNode) for t in terms):
            with_bnodes.add(tuple(str(t) if not isinstance(t, ox.BlankNode) else "_" for t in terms))
        else:
            ground.add(tuple(str(t) for t in terms))
    return ground, len(with_bnodes)


async def fetch_all(app, requests: Iterable[tuple[str, str]]) -> dict[tuple[str, str], httpx.Response]:
    """GET each (path, Accept) from the app in process, a few at a time."""
    transport = httpx.ASGITransport(app=app)
    limit = asyncio.Semaphore(6)
    out: dict[tuple[str, str], httpx.Response] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://evkg.test") as client:

        async def one(path: str, accept: str) -> None:
            async with limit:
                out[(path, accept)] = await client.get(path, headers={"Accept": accept})

        await asyncio.gather(*(one(p, a) for p, a in requests))
    return out


def test_every_iri_in_the_graph_dereferences_in_every_format(serve_client, kg) -> None:
    """Every IRI of ours in the graph (all of them, not a sample) answers in HTML and six RDF formats,
    and the RDF formats all carry the same statements, which are about that IRI."""
    site = serve_client.app.state.site
    iris = our_iris(kg)
    assert len(iris) > 200
    paths = {iri: "/" + iri[len(BASE) :] for iri in iris}
    media_types = ["text/html", *RDF_FORMATS]
    responses = asyncio.run(fetch_all(serve_client.app, [(p, m) for p in paths.values() for m in media_types]))
    failures = []
    for iri, path in paths.items():
        reference = None
        for media in media_types:
            r = responses[(path, media)]
            if r.status_code != 200 or not r.headers["content-type"].startswith(media):
                failures.append(f"{path} {media}: {r.status_code} {r.headers.get('content-type')} {r.text[:120]}")
                continue
            if "Accept" not in r.headers.get("vary", "") or 'rel="alternate"' not in r.headers.get("link", ""):
                failures.append(f"{path} {media}: no Vary: Accept or Link alternates")
            if media == "text/html":
                if f"<code>{iri}</code>" not in r.text:
                    failures.append(f"{path}: the page does not show its IRI")
                continue
            got = statements(r.content, RDF_FORMATS[media], iri)
            if reference is None:
                reference = got
                mentioned = {s for t in got[0] for s in (t[0], t[2])} | {t[0] for t in got[0]}
                is_graph = iri in site.graphs
                if not got[0] and not got[1]:
                    failures.append(f"{path}: empty description")
                elif not is_graph and iri != BASE + "ontology/" and f"<{iri}>" not in mentioned:
                    failures.append(f"{path}: the description does not mention the IRI")
            elif got != reference:
                failures.append(
                    f"{path} {media}: other statements than {media_types[1]} ({len(got[0])} vs {len(reference[0])})"
                )
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])


def test_content_negotiation_headers_and_alternates(serve_client) -> None:
    r = serve_client.get(MOU, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    vary = [v.strip() for v in r.headers["vary"].split(",")]
    assert "Accept" in vary and "Accept-Language" in vary
    links = r.headers["link"]
    for media in [*RDF_FORMATS, "text/html"]:
        assert f'type="{media}"' in links
    assert r.headers["content-location"] == f"{MOU}?format=ttl"
    # each alternate named in the Link header answers with its own media type
    for part in links.split(", "):
        target, media = part.split(";")[0].strip("<>"), part.split('type="')[1].rstrip('"')
        alt = serve_client.get(target)
        assert alt.status_code == 200 and alt.headers["content-type"].startswith(media), target


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("*/*", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/ld+json;q=0.9, text/turtle", "text/turtle"),
        ("application/json", "application/ld+json"),
        ("application/rdf+xml, text/html;q=0.1", "application/rdf+xml"),
        ("text/*;q=0.5, application/n-quads", "application/n-quads"),
    ],
)
def test_which_representation_does_a_client_get(serve_client, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = serve_client.get(MOU, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith(expected)


def test_json_ld_uses_only_our_local_context(serve_client) -> None:
    r = serve_client.get(MOU, headers={"Accept": "application/ld+json"})
    doc = r.json()
    context = doc["@context"]
    assert isinstance(context, dict), "the context is inline, never a URL to fetch"
    assert context["evkg"] == BASE + "ontology/"
    assert "@import" not in context
    assert isinstance(doc.get("@graph", doc), list | dict)


def test_the_ontology_iri_gives_the_whole_ontology(serve_client) -> None:
    r = serve_client.get("/ontology/", headers={"Accept": "application/n-triples"})
    subjects = {q.subject.value for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}
    assert BASE + "ontology/Agreement" in subjects and BASE + "ontology/signatory" in subjects
    assert serve_client.get("/ontology", follow_redirects=False).status_code == 301


def test_a_named_graph_iri_gives_the_graph_with_its_name_in_trig(serve_client) -> None:
    graph = BASE + "graph/jsrm-press-release-2025-08-28"
    r = serve_client.get("/graph/jsrm-press-release-2025-08-28", headers={"Accept": "application/n-quads"})
    quads = list(ox.parse(r.content, format=ox.RdfFormat.N_QUADS))
    assert len(quads) > 100
    assert {q.graph_name.value for q in quads} == {graph}
    assert any(q.subject.value == graph and q.predicate.value.endswith("wasDerivedFrom") for q in quads)


def test_an_unknown_iri_is_404_for_people_and_programs(serve_client) -> None:
    page = serve_client.get("/id/organization/no-such-society", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    data = serve_client.get("/id/organization/no-such-society", headers={"Accept": "text/turtle"})
    assert data.status_code == 404 and data.headers["content-type"].startswith("text/plain")


def test_an_unavailable_media_type_is_406_and_an_unknown_format_400(serve_client) -> None:
    r = serve_client.get(MOU, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.text
    r = serve_client.get(MOU, params={"format": "docx"})
    assert r.status_code == 400 and "ttl" in r.text
