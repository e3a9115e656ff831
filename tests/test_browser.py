"""A reader in a real browser: Playwright drives Debian's chromium (headless, never a downloaded
browser) against the real ``evkg serve`` on a loopback port. Screenshots are kept as test
artefacts in tests/artifacts/ (git-ignored).

The reader opens the home page with a Japanese browser, searches in Japanese for 覚書 (memorandum),
follows the hit to the JSRM-ISEV MOU, reads who signed it and the press release's own sentence,
then switches the page to English.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from serve_support import ServeProcess, shared_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
#: With EVKG_UPDATE_SCREENSHOTS=1 the screenshots are also written to docs/img/ (the README shows them).
DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img"


def _shot(page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)
    if os.environ.get("EVKG_UPDATE_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / name, DOCS_IMG / name)


MOU_JA = "日本再生医療学会と国際細胞外小胞学会の覚書（2025年）"
MOU_EN = "Memorandum of understanding between JSRM and ISEV (2025)"


def _browser_available() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)"
    if shutil.which("node") is None:
        try:
            import playwright  # noqa: F401  (bundles its own driver)
        except ImportError:
            return "the playwright package is not installed (pip install -e '.[test]')"
    return None


_missing = _browser_available()
pytestmark = pytest.mark.skipif(
    _missing is not None and os.environ.get("CI") != "true",  # in CI a missing browser is a failure
    reason=_missing or "",
)


@pytest.fixture(scope="module")
def server(evkg_exe: str, tmp_path_factory: pytest.TempPathFactory) -> ServeProcess:
    return shared_server(evkg_exe, tmp_path_factory.getbasetemp() / "shared-serve-store")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def test_a_reader_finds_the_mou_in_japanese_and_reads_it_in_english(server: ServeProcess, browser) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    elsewhere: list[str] = []

    def only_loopback(route) -> None:  # the pages load nothing from other hosts
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    try:
        # 1. the home page, in Japanese because the browser asks for Japanese
        page.goto(server.url + "/")
        expect(page.locator("html")).to_have_attribute("lang", "ja")
        expect(page.locator("h1")).to_contain_text("細胞外小胞")
        _shot(page, "browser-1-home-ja.png")

        # 2. search in Japanese
        page.fill("#home-search", "覚書")
        page.press("#home-search", "Enter")
        page.wait_for_url("**/search?q=*")
        hit = page.locator("a.hit-title", has_text=MOU_JA)
        expect(hit).to_have_count(1)
        _shot(page, "browser-2-search-ja.png")

        # 3. follow the hit to the MOU
        hit.click()
        page.wait_for_url("**/id/agreement/jsrm-isev-mou-2025*")
        expect(page.locator("h1#entity-title")).to_have_text(MOU_JA)
        expect(page.locator("table.statements").first).to_contain_text("国際細胞外小胞学会")
        expect(page.locator("table.statements").first).to_contain_text("2025-07-20")
        assert page.locator("svg.evkg-graph a").count() >= 3  # the neighbourhood links to other pages
        evidence = page.locator("details.evidence").first
        evidence.locator("summary").click()
        expect(evidence.locator("blockquote")).to_be_visible()
        _shot(page, "browser-3-mou-ja.png", full_page=True)

        # 4. switch the language
        page.click("#lang-switch")
        page.wait_for_url("**lang=en*")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("h1#entity-title")).to_have_text(MOU_EN)
        expect(page.locator("table.statements").first).to_contain_text(
            "International Society for Extracellular Vesicles"
        )
        _shot(page, "browser-4-mou-en.png", full_page=True)

        # 5. the choice sticks when the reader follows a link (JSRM, a signatory)
        page.locator("table.statements a", has_text="Japanese Society for Regenerative Medicine").first.click()
        page.wait_for_url("**/id/organization/jsrm?lang=en")
        expect(page.locator("h1#entity-title")).to_have_text("Japanese Society for Regenerative Medicine")
        _shot(page, "browser-5-jsrm-en.png")
    finally:
        context.close()
    assert elsewhere == [], f"the pages tried to load from other hosts: {elsewhere}"
    for name in ("browser-1-home-ja.png", "browser-3-mou-ja.png", "browser-4-mou-en.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


def test_a_reader_searches_ev_and_reads_its_definitions(server: ServeProcess, browser) -> None:
    """Search ranks the term and the societies first, says how many hits there are and pages through
    them; the term's page gives its definitions in full, in both languages, with their source."""
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url + "/search?q=EV&lang=en")
        titles = page.locator("a.hit-title")
        expect(titles.first).to_have_text("extracellular vesicle")
        first_page = titles.all_inner_texts()
        assert "International Society for Extracellular Vesicles" in first_page
        assert int(page.locator("#hit-count").inner_text()) > len(first_page)
        _shot(page, "browser-7-search-ev-en.png")
        page.click("#search-next")
        page.wait_for_url("**page=2*")
        assert not set(page.locator("a.hit-title").all_inner_texts()) & set(first_page)
        page.goto(server.url + "/id/term/extracellular-vesicle?lang=en")
        definitions = page.locator("section.definitions blockquote")
        assert definitions.count() >= 2
        expect(page.locator('section.definitions blockquote[lang="ja"]').first).to_be_visible()
        # every sourced definition, MISEV2023's and GO's among them, each captioned with its source
        expect(page.locator("section.definitions figcaption", has_text="MISEV2023").first).to_be_visible()
        expect(page.locator("section.definitions figcaption", has_text="GOEx").first).to_be_visible()
        _shot(page, "browser-8-term-ev-en.png", full_page=True)
    finally:
        context.close()


YASGUI_QUERY = """PREFIX agreement: <https://w3id.org/evkg/id/agreement/>
PREFIX evkg: <https://w3id.org/evkg/ontology/>
SELECT ?party WHERE { agreement:jsrm-isev-mou-2025 evkg:signatory ?party } ORDER BY ?party"""


def test_the_query_page_is_yasgui_and_posts_a_query(server: ServeProcess, browser) -> None:
    """/sparql in a browser is YASGUI (bundled, nothing from other hosts): the reader edits a query,
    runs it (YASGUI POSTs it to the endpoint) and reads the two signatories in its result table."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    elsewhere: list[str] = []
    posts: list[str] = []
    problems: list[str] = []

    def only_loopback(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(server.url + "/sparql")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
        page.evaluate("q => window.evkgYasgui.getTab().getYasqe().setValue(q)", YASGUI_QUERY)
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
        table = page.locator(".yasr table tbody")
        assert table.locator("tr").count() == 2
        assert "organization/isev" in table.inner_text() and "organization/jsrm" in table.inner_text()
        _shot(page, "browser-6-sparql-yasgui.png")
        # an example of queries/ loads into the editor
        page.locator("a.load-example").first.click()
        assert "SELECT" in page.evaluate("() => window.evkgYasgui.getTab().getYasqe().getValue()").upper()
    finally:
        context.close()
    assert posts and all(urlsplit(u).path == "/sparql" for u in posts)
    assert elsewhere == [], f"the query page tried to load from other hosts: {elsewhere}"
    assert problems == [], problems  # no script errors, no Content-Security-Policy refusals


def test_a_reader_goes_from_a_fact_to_its_words_in_the_archived_source_and_back(server: ServeProcess, browser) -> None:
    """One click from a fact to the source's words (marked in the archived text) and one back (issue 14)."""
    from playwright.sync_api import expect

    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        # the MOU's signing date, and the evidence card under it
        page.goto(server.url + "/id/agreement/jsrm-isev-mou-2025")
        evidence = page.locator("details.evidence").first
        evidence.locator("summary").click()
        to_source = evidence.locator("a.to-source").first
        expect(to_source).to_have_text("出典の文言")
        to_source.click()
        # the archived text of the press release, the quoted sentence marked and scrolled to
        page.wait_for_url("**/source/jsrm-press-release-2025-08-28#e-*")
        anchor = urlsplit(page.url).fragment
        expect(page.locator("html")).to_have_attribute("lang", "ja")
        text = page.locator("#archive")
        expect(text).to_have_attribute("lang", "ja")
        mark = page.locator(f"#{anchor} + mark.quoted")
        expect(mark).to_be_visible()
        expect(mark).to_be_in_viewport()
        assert page.locator("#archive mark.quoted").count() >= 20
        expect(page.locator("#tallies")).to_contain_text("34/34")
        _shot(page, "browser-9-source-ja.png")
        # the mark leads to the statements it supports, which lead back to the fact's page
        mark.locator("a").click()
        page.wait_for_url(f"**#s-{anchor}")
        entry = page.locator(f"#s-{anchor}")
        expect(entry.locator("blockquote")).to_have_attribute("lang", "ja")
        expect(entry.locator("ul.statements")).to_contain_text(MOU_JA)
        entry.locator("ul.statements a", has_text="覚書").first.click()
        page.wait_for_url("**/id/agreement/jsrm-isev-mou-2025*")
        expect(page.locator("h1#entity-title")).to_have_text(MOU_JA)

        # an English source read on a Japanese page: its text keeps its own language
        page.goto(server.url + "/source/pmc-misev2023")
        expect(page.locator("#archive")).to_have_attribute("lang", "en")
        quoted = page.locator("#archive mark.quoted", has_text="Particles that are released from cells")
        expect(quoted.first).to_be_visible()
        expect(page.locator("table.checked")).to_contain_text("PMC10850029")
        _shot(page, "browser-10-source-en-text-ja-page.png", full_page=True)
    finally:
        context.close()
