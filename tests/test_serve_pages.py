"""The HTML pages of ``evkg serve``: what a reader sees, in which language, and where it comes from."""

from __future__ import annotations

import re
from html import unescape

import pytest

MOU = "/id/agreement/jsrm-isev-mou-2025"


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    assert match, "no <h1>"
    return " ".join(text_of(match.group(1)).split())


def test_the_home_page_leads_to_the_mou_the_societies_and_the_glossary(serve_client) -> None:
    r = serve_client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for link in (MOU, "/id/organization/jsrm", "/id/organization/isev", "/glossary", "/sparql", "/graph/"):
        assert f'href="{link}"' in r.text
    assert "/browse/organizations" in r.text


def test_which_language_does_a_reader_get(serve_client) -> None:
    """Accept-Language chooses the page language; ?lang= overrides it and is kept in every link."""
    ja = serve_client.get(MOU, headers={"Accept-Language": "ja,en;q=0.5"})
    assert ja.headers["content-language"] == "ja" and '<html lang="ja">' in ja.text
    assert h1(ja.text) == "日本再生医療学会と国際細胞外小胞学会の覚書（2025年）"
    en = serve_client.get(MOU, headers={"Accept-Language": "en-GB"})
    assert en.headers["content-language"] == "en"
    assert h1(en.text) == "Memorandum of understanding between JSRM and ISEV (2025)"
    assert "Accept-Language" in en.headers["vary"]
    chosen = serve_client.get(MOU + "?lang=ja", headers={"Accept-Language": "en"})
    assert chosen.headers["content-language"] == "ja"
    assert 'href="/id/organization/jsrm?lang=ja"' in chosen.text
    assert 'id="lang-switch" href="/id/agreement/jsrm-isev-mou-2025?lang=en"' in chosen.text


def test_a_label_missing_in_the_page_language_falls_back_and_says_its_language(tmp_path, data_dir) -> None:
    """A society named only in Japanese: its English page shows the Japanese name, marked lang="ja"."""
    import shutil

    from serve_support import app_client_without_workers

    (tmp_path / "ontology").mkdir()
    (tmp_path / "graph").mkdir()
    shutil.copy(data_dir / "ontology" / "prefixes.ttl", tmp_path / "ontology" / "prefixes.ttl")
    (tmp_path / "graph" / "tiny.ttl").write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX organization: <https://w3id.org/evkg/id/organization/>\n"
        'organization:tiny rdfs:label "小さな学会"@ja ; rdfs:seeAlso organization:other .\n'
        'organization:other rdfs:label "Other Society"@en .\n',
        encoding="utf-8",
    )
    client = app_client_without_workers(tmp_path, tmp_path / "store")
    page = client.get("/id/organization/tiny?lang=en")
    assert page.status_code == 200
    assert '<h1 id="entity-title"><span lang="ja">小さな学会</span></h1>' in page.text
    other = client.get("/id/organization/other?lang=ja")
    assert '<h1 id="entity-title"><span lang="en">Other Society</span></h1>' in other.text
    assert 'href="/id/organization/tiny?lang=ja"' in other.text  # the incoming link, in its own language


def test_the_mou_page_shows_its_parties_with_the_quote_that_says_so(serve_client) -> None:
    """Who signed the MOU, and where does it say so? The page shows each statement with its source
    graph and, for the signatories and the date, the sentence of the press release."""
    r = serve_client.get(MOU + "?lang=en")
    assert r.status_code == 200
    page = r.text
    assert 'href="/id/organization/jsrm?lang=en"' in page and 'href="/id/organization/isev?lang=en"' in page
    assert "2025-07-20" in page
    assert "一般社団法人日本再生医療学会（東京都中央区、理事長：西田幸二、以下JSRM）は、2025年7月20日" in page
    assert "On 20 July 2025 the Japanese Society for Regenerative Medicine" in page  # the curators' translation
    assert 'class="graph-chip" href="/graph/jsrm-press-release-2025-08-28?lang=en"' in page
    assert "<svg" in page and 'class="evkg-graph"' in page
    assert 'type="text/turtle"' in page


def test_external_identifiers_are_links_to_their_registries(serve_client) -> None:
    r = serve_client.get("/id/publication/misev2023")
    assert 'href="https://doi.org/10.1002/jev2.12404"' in r.text
    assert "PMC10850029" in r.text


def test_guidance_documents_and_the_misev_series_have_a_timeline(serve_client) -> None:
    work = serve_client.get("/id/document/jsrm-exosome-guidance-2021?lang=en")
    assert 'class="evkg-timeline"' in work.text
    assert ">2021<" in work.text and ">2022<" in work.text and "evkg-tl-arrow" in work.text
    version = serve_client.get("/id/document/jsrm-exosome-guidance-2021-en")
    assert 'class="evkg-timeline"' in version.text  # a language version shows its work's timeline
    series = serve_client.get("/id/series/misev?lang=ja")
    assert 'class="evkg-timeline"' in series.text
    for edition in ("MISEV2014", "MISEV2018", "MISEV2023"):
        assert edition in series.text
    org = serve_client.get("/id/organization/jsrm")
    assert 'class="evkg-timeline"' not in org.text


def test_incoming_links_are_listed(serve_client) -> None:
    r = serve_client.get("/id/organization/jsrm?lang=en")
    assert 'id="in-h"' in r.text
    assert f'href="{MOU}?lang=en"' in r.text  # the MOU links to JSRM as signatory


def test_a_named_graph_page_tells_where_it_comes_from_and_what_it_describes(serve_client) -> None:
    r = serve_client.get("/graph/jsrm-press-release-2025-08-28?lang=en")
    assert r.status_code == 200
    assert "derived from" in r.text and "/id/document/jsrm-press-release-2025-08-28" in r.text
    assert 'id="gc-h"' in r.text and f'href="{MOU}?lang=en"' in r.text
    index = serve_client.get("/graph/")
    site = serve_client.app.state.site
    for graph in site.graphs:
        assert f'href="{site.local_path(graph)}"' in index.text


@pytest.mark.parametrize(
    "slug", ["organizations", "agreements", "documents", "publications", "terms", "people", "evidence", "ontology"]
)
def test_every_index_page_lists_its_kind(serve_client, slug: str) -> None:
    r = serve_client.get(f"/browse/{slug}")
    assert r.status_code == 200
    assert r.text.count("<li") >= 1


def test_an_unknown_index_is_404(serve_client) -> None:
    assert serve_client.get("/browse/spaceships", headers={"Accept": "text/html"}).status_code == 404


def test_the_glossary_shows_both_languages_and_definitions_with_sources(serve_client) -> None:
    r = serve_client.get("/glossary?lang=ja")
    assert r.status_code == 200
    page = r.text
    for ja, en in (("細胞外小胞", "extracellular vesicle"), ("エクソソーム", "exosome"), ("セクレトーム", "secretome")):
        assert ja in page and en in page
    assert "脂質二重層によって区切られかつ自己複製できない" in page  # the MISEV2023 definition, in Japanese
    assert "/id/publication/misev2023" in page


def test_the_glossary_page_and_the_docs_site_read_one_glossary(serve_client, kg) -> None:
    """Does /glossary show every term and every definition the docs site's glossary page shows (one model,
    evkg.docs.glossary), and mark each translation as one, with who made it?"""
    from evkg.docs.glossary import schemes

    (scheme,) = schemes(kg.engine, kg.prefixes, kg.queries, scheme=kg.prefixes.expand("scheme:ev-glossary"))
    for lang in ("en", "ja"):
        page = serve_client.get("/glossary", params={"lang": lang}).text
        entries = re.findall(r'<div class="gloss-entry"(.*?)</div>', page, re.DOTALL)
        assert len(entries) == len(scheme.concepts)
        words = {"en": "Translation", "ja": "訳"}[lang]
        for concept in scheme.concepts:
            (entry,) = [e for e in entries if e.startswith(f' id="{concept.curie}"')]
            texts = re.findall(
                r'<span class="def-text"[^>]*>(.*?)</span>\s*(?:<span class="def-source">(.*?)</span>)?',
                entry,
                re.DOTALL,
            )
            shown = {unescape(t): text_of(source) for t, source in texts}
            for d in concept.definition_texts(lang):
                assert d.text in shown, (concept.curie, d.text)
                assert shown[d.text].strip().startswith(f"— {words}") == d.is_translation, (
                    concept.curie,
                    shown[d.text],
                )
                assert all(t in shown[d.text] for t in d.translators)
    assert any(d.is_translation for c in scheme.concepts for d in c.definition_texts("en"))


@pytest.mark.parametrize(
    ("query", "lang", "expected_path", "expected_label"),
    [
        ("細胞外小胞", "ja", "/id/term/extracellular-vesicle", "細胞外小胞"),
        ("EV", "ja", "/id/term/extracellular-vesicle", "細胞外小胞"),  # an English label finds the Japanese page
        ("エキソソーム", "en", "/id/term/exosome", "exosome"),  # spelling variant
        ("ｴｸｿｿｰﾑ", "ja", "/id/term/exosome", "エクソソーム"),  # half-width
        ("ＥＶ", "en", "/id/term/extracellular-vesicle", "extracellular vesicle"),  # full-width
        ("覚書", "ja", MOU, "日本再生医療学会と国際細胞外小胞学会の覚書（2025年）"),
        ("memorandum", "ja", MOU, "日本再生医療学会と国際細胞外小胞学会の覚書（2025年）"),
    ],
)
def test_search_across_languages_and_spellings(serve_client, query, lang, expected_path, expected_label) -> None:
    r = serve_client.get("/search", params={"q": query, "lang": lang})
    assert r.status_code == 200
    first = re.search(r'<a class="hit-title" href="([^"?]+)[^"]*">(.*?)</a>', r.text, re.DOTALL)
    hits = re.findall(r'<a class="hit-title" href="([^"?]+)', r.text)
    assert expected_path in hits[:5], hits[:5]
    assert first is not None
    position = hits.index(expected_path)
    labels = [
        " ".join(text_of(m).split()) for m in re.findall(r'<a class="hit-title"[^>]*>(.*?)</a>', r.text, re.DOTALL)
    ]
    assert labels[position] == expected_label


def test_a_search_with_no_hits_says_so(serve_client) -> None:
    r = serve_client.get("/search", params={"q": "zzzz-nothing", "lang": "en"})
    assert "Nothing found" in r.text


def test_pages_send_security_headers_and_allow_cross_origin_reads(serve_client) -> None:
    r = serve_client.get(MOU, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "<script" not in r.text
    pre = serve_client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert pre.status_code == 200 and "GET" in pre.headers["access-control-allow-methods"]


def test_user_text_is_escaped(serve_client) -> None:
    r = serve_client.get("/search", params={"q": '<script>alert("x")</script>'})
    assert "<script>" not in r.text and "&lt;script&gt;" in r.text


def test_the_health_check(serve_client) -> None:
    r = serve_client.get("/health")
    assert r.json()["status"] == "ok" and r.json()["graphs"] > 10


# --- issue 15: pages a researcher reads -----------------------------------------------------------------
def test_a_term_page_shows_its_definitions_in_full_in_both_languages_with_their_source(serve_client) -> None:
    """What is an EV? The term page says it in words, in English and Japanese, and who says so."""
    r = serve_client.get("/id/term/extracellular-vesicle", params={"lang": "en"})
    assert r.status_code == 200
    section = r.text[r.text.index('class="definitions"') : r.text.index('id="neigh-h"')]
    quotes = re.findall(r'<blockquote lang="(\w+)">(.*?)</blockquote>', section, re.DOTALL)
    assert {lang for lang, _ in quotes} >= {"en", "ja"}
    assert any("lipid bilayer" in text for _, text in quotes)  # the full text, not "Definition of …"
    assert section.count("<figcaption>") == len(quotes) and "/id/publication/misev2023" in section


def test_source_chips_and_diagram_labels_wrap_instead_of_being_cut(serve_client) -> None:
    for path in ("/id/term/exosome", "/id/agreement/jsrm-isev-mou-2025", "/id/organization/jsrm"):
        r = serve_client.get(path, params={"lang": "en"})
        chips = re.findall(r'class="graph-chip"[^>]*>(.*?)</a>', r.text, re.DOTALL)
        assert chips and not any("…" in c for c in chips), path
        svg = r.text[r.text.index("<svg") : r.text.index("</svg>")]
        assert "…" not in svg, path
    r = serve_client.get("/id/term/exosome", params={"lang": "en"})
    assert "Definition of exosome (evkg curators)" in r.text  # the whole label, somewhere on the page


def test_two_classes_never_show_the_same_label(serve_client) -> None:
    """An organisation is an org:FormalOrganization and a schema:Organization, both 組織 in Japanese."""
    for lang in ("ja", "en"):
        r = serve_client.get("/id/organization/isev", params={"lang": lang})
        chips = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'class="type-chip"[^>]*>(.*?)</a>', r.text, re.DOTALL)]
        assert len(chips) >= 2 and len(set(chips)) == len(chips), chips


def test_japanese_passages_on_an_english_page_say_they_are_japanese(serve_client) -> None:
    r = serve_client.get("/id/agreement/jsrm-isev-mou-2025", params={"lang": "en"})
    quotes = re.findall(r"<blockquote([^>]*)>(.*?)</blockquote>", r.text, re.DOTALL)
    japanese = [(attrs, text) for attrs, text in quotes if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text)]
    assert japanese and all('lang="ja"' in attrs for attrs, _ in japanese)
    glossary = serve_client.get("/glossary", params={"lang": "en"}).text
    spans = re.findall(r'<span class="def-text"([^>]*)>([^<]*)</span>', glossary)
    assert spans and all('lang="ja"' in a for a, t in spans if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", t))


def _hits(serve_client, q: str, page: int = 1) -> tuple[list[str], str]:
    r = serve_client.get("/search", params={"q": q, "lang": "en", "page": page})
    assert r.status_code == 200
    return re.findall(r'<a class="hit-title" href="([^"?]+)', r.text), r.text


def test_search_for_ev_ranks_the_societies_before_a_name_that_merely_holds_ev(serve_client) -> None:
    hits, _ = _hits(serve_client, "EV")
    assert hits[0] == "/id/term/extracellular-vesicle"
    assert "/id/organization/isev" in hits and "/id/organization/jsev" in hits  # on the first page
    kevin = [h for h in hits if "kevin" in h]
    assert not kevin or hits.index(kevin[0]) > hits.index("/id/organization/jsev")


def test_search_folds_english_plurals(serve_client) -> None:
    assert _hits(serve_client, "exosomes")[0][0] == "/id/term/exosome"
    assert _hits(serve_client, "extracellular vesicles")[0][0] == "/id/term/extracellular-vesicle"


def test_search_pages_through_the_results_and_says_how_many(serve_client) -> None:
    first, text = _hits(serve_client, "e")
    total = int(re.search(r'id="hit-count">(\d+)<', text).group(1))
    assert total > len(first) == 20 and 'id="search-next"' in text
    second, text2 = _hits(serve_client, "e", 2)
    assert second and not set(first) & set(second) and 'id="search-prev"' in text2
    assert f" of {total}" in text2


# --- the source pages (issue 14): the archived text, its quoted passages marked, linked both ways ---------------
def test_every_source_page_marks_every_quote_found_and_every_link_to_it_lands(serve_client) -> None:
    """Each source graph's page marks its quotes; each 'words in the source' link of any page has its anchor."""
    from evkg.quality.pipeline import audit_sources
    from evkg.query.knowledge_graph import load

    audits = audit_sources(load())
    anchors: dict[str, set[str]] = {}
    for a in audits:
        if a.source.path is None:
            continue
        path = "/source/" + a.source.slug
        page = serve_client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200, path
        ids = set(re.findall(r'id="([^"]+)"', page.text))
        anchors[path] = ids
        verified, total = a.quotes_tally
        assert page.text.count('class="quoted-entry') <= total
        assert (page.text.count("<mark") > 0) == (verified > 0), path
        assert f'lang="{a.source.language}"' in page.text
    assert len(anchors) >= 20
    links = []
    for entity in (MOU, "/id/organization/jsrm", "/id/publication/misev2014", "/id/term/extracellular-vesicle"):
        html = serve_client.get(entity + "?lang=ja", headers={"Accept": "text/html"}).text
        links += re.findall(r'class="to-source" href="(/source/[^"#?]+)\?lang=ja#([^"]+)"', html)
    assert len(links) >= 10
    for path, anchor in links:
        assert anchor in anchors[path], f"{path}#{anchor} leads nowhere"


def test_a_source_page_that_is_not_there_or_has_no_source_text_says_so(serve_client) -> None:
    assert serve_client.get("/source/no-such-graph", headers={"Accept": "text/html"}).status_code == 404
    own = serve_client.get("/source/evkg-curation?lang=en", headers={"Accept": "text/html"})
    assert own.status_code == 200 and "the curators' own work" in text_of(own.text)
