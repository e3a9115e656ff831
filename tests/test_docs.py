"""``evkg docs``: the documentation site builds with no warnings, and says what a reader looks for.

The site is built once, by the real ``evkg`` executable with ``--strict`` (any warning fails it),
from the bundled data. What each page must show is read from the graph itself (every own term of
the ontology, every named graph file, every query), so the tests follow the data as it grows.
"""

from __future__ import annotations

import doctest
import html
import json
import logging
import os
import re
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, URIRef

import evkg
from evkg.docs import MARKER, check_html, check_links, diagrams
from evkg.docs.ontology import ontology_terms, term_warnings
from evkg.rdf.parse import source_files

REPO = Path(__file__).resolve().parents[1]
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, run_evkg) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    proc = run_evkg("docs", "--out", out, "--strict")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def ontology(kg) -> Graph:
    return diagrams.ontology_graph(kg)


class _Text(HTMLParser):
    """Text content of every element that has an id (including the text of its descendants)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "meta", "link", "input", "hr"}:
            return
        ident = dict(attrs).get("id")
        self.stack.append(ident)
        if ident:
            self.text.setdefault(ident, [])

    def handle_endtag(self, tag: str) -> None:
        if self.stack and tag not in {"br", "img", "meta", "link", "input", "hr"}:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for ident in self.stack:
            if ident:
                self.text[ident].append(data)


def text_by_id(path: Path) -> dict[str, str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return {k: " ".join(" ".join(v).split()) for k, v in parser.text.items()}


def svg_text(path: Path) -> str:
    """All text an SVG shows, lines joined with spaces."""
    root = ElementTree.parse(path).getroot()
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the build ------------------------------------------------------------------------------------
def test_the_docs_build_with_no_warnings(site: Path) -> None:
    manifest = json.loads((site / MARKER).read_text(encoding="utf-8"))
    assert manifest["warnings"] == []
    for page in (
        "index.html",
        "ontology.html",
        "terms.html",
        "glossaries.html",
        "graphs.html",
        "sources.html",
        "cookbook.html",
    ):
        assert page in manifest["pages"]
    assert check_links(site) == []
    assert check_html(site) == []


def test_every_ontology_term_has_english_and_japanese_label_and_definition(site: Path, kg, ontology: Graph) -> None:
    """terms.html: each class, property and individual with both labels and both definitions."""
    terms = ontology_terms(ontology, kg.prefixes)
    assert terms and term_warnings(terms) == []
    rows = text_by_id(site / "terms.html")
    for t in terms:
        row = rows[t.anchor]
        for value in (t.curie, t.label_en, t.label_ja, t.definition_en, t.definition_ja):
            assert " ".join(str(value).split()) in row, (t.curie, value)


def test_pylode_documents_every_own_class_and_property(site: Path, kg, ontology: Graph) -> None:
    page = html.unescape((site / "ontology.html").read_text(encoding="utf-8"))
    for t in ontology_terms(ontology, kg.prefixes):
        if t.kind != "individual":
            assert t.iri in page, t.curie
    # labels in both languages, joined so that pyLODE shows them readably
    assert "memorandum of understanding / 覚書" in page


def test_glossary_shows_japanese_and_english_side_by_side_with_sources(site: Path, kg) -> None:
    """The EV glossary: every term in both languages (a term no Japanese source names, evkg:EnglishOnlyTerm, in
    English only), each definition with its source and whether it is the original wording or a translation."""
    x = kg.prefixes.expand
    g = kg.rdflib_graph()
    scheme = x("scheme:ev-glossary")
    rows = text_by_id(site / "scheme-ev-glossary.html")
    page = squash(html.unescape((site / "scheme-ev-glossary.html").read_text(encoding="utf-8")))
    concepts = sorted(set(g.subjects(x("skos:inScheme"), scheme)))
    assert concepts
    for c in concepts:
        row = rows[kg.prefixes.curie(str(c)).replace(":", "-")]
        english_only = (c, x("rdf:type"), x("evkg:EnglishOnlyTerm")) in g
        for lang in ("en",) if english_only else ("ja", "en"):
            labels = [str(v) for v in g.objects(c, x("skos:prefLabel")) if v.language == lang]
            assert labels and any(label in row for label in labels), (c, lang)
        for d in kg.queries.term_definitions(term=c):
            assert squash(str(d.text)) in page, (c, d.definition)
            if d.sourceLabel is not None:
                assert squash(str(d.sourceLabel)) in page
    assert "translation" in page and "original" in page


def test_each_concept_scheme_has_its_page(site: Path, kg) -> None:
    x = kg.prefixes.expand
    schemes = set(kg.rdflib_graph().subjects(x("rdf:type"), x("skos:ConceptScheme")))
    index = (site / "glossaries.html").read_text(encoding="utf-8")
    for s in schemes:
        slug = str(s).rstrip("/").rsplit("/", 1)[-1]
        assert (site / f"scheme-{slug}.html").is_file()
        assert f'href="scheme-{slug}.html"' in index


def test_named_graphs_page_lists_every_graph_file_with_its_provenance(site: Path, kg) -> None:
    rows = text_by_id(site / "graphs.html")
    ids = {
        kg.prefixes.curie(f.graph).replace(":", "-").replace("/", "-"): f for f in source_files(kg.data, kg.prefixes)
    }
    for anchor, f in ids.items():
        assert f.relpath in rows[anchor]
    for row in kg.queries.source_graphs():
        anchor = kg.prefixes.curie(str(row.graph)).replace(":", "-").replace("/", "-")
        shown = rows[anchor]
        assert "derived from" in shown and "licence" in shown
        derived = kg.prefixes.curie(str(row.derivedFrom)) or str(row.derivedFrom)
        assert derived in shown


def test_sources_page_shows_every_source_with_its_archived_copy_and_what_was_verified(site: Path, kg) -> None:
    """Does the docs site have the table of `evkg sources`, with each archived text beside it?"""
    from evkg.quality.pipeline import audit_sources

    rows = text_by_id(site / "sources.html")
    page = (site / "sources.html").read_text(encoding="utf-8")
    for a in audit_sources(kg):
        anchor = kg.prefixes.curie(a.source.graph).replace(":", "-").replace("/", "-")
        shown = rows[anchor]
        verified, total = a.quotes_tally
        if total:
            assert f"{verified}/{total}" in shown
        if a.source.path is not None:
            assert (site / "sources" / a.source.file).read_bytes() == a.source.path.read_bytes()
            assert f'href="sources/{a.source.file}"' in page
    assert "every quote, identifier, date and number found" in page
    assert 'href="sources.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_cookbook_shows_every_query_with_its_question_and_a_real_answer(site: Path, kg) -> None:
    rows = text_by_id(site / "cookbook.html")
    for spec in kg.queries.specs():
        section = rows[spec.name]
        assert spec.name in section
        if spec.question:
            assert " ".join(spec.question.split()) in section
        for p in spec.params:
            assert p.name in section
    # the answer shown is what the helper answers for the header's example
    spec = kg.queries.spec("organization_profile")
    answer = kg.queries.organization_profile(**spec.example_bindings())
    assert answer
    shown = rows["organization_profile"]
    for value in {str(r.legalName) for r in answer if r.legalName is not None}:
        assert value in shown


# --- the diagrams -----------------------------------------------------------------------------------
def test_the_diagrams_render_as_svg_and_png(site: Path) -> None:
    for name in diagrams.DIAGRAMS:
        svg = site / "img" / f"{name}.svg"
        assert ElementTree.parse(svg).getroot().tag == f"{SVG_NS}svg"
        png = (site / "img" / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert width > 300 and height > 200, (name, width, height)
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in diagrams.DIAGRAMS:
        assert f'src="img/{name}.svg"' in index


def test_the_ontology_diagram_names_every_own_class(site: Path, kg, ontology: Graph) -> None:
    shown = svg_text(site / "img" / "ontology.svg")
    for t in ontology_terms(ontology, kg.prefixes):
        if t.kind == "class":
            assert t.curie in shown and t.label_ja in shown, t.curie


def test_the_mou_diagram_names_the_parties_purposes_and_areas(site: Path, kg) -> None:
    x = kg.prefixes.expand
    g = kg.rdflib_graph()
    mou = x("agreement:jsrm-isev-mou-2025")
    shown = svg_text(site / "img" / "mou.svg")
    assert "agreement:jsrm-isev-mou-2025" in shown
    linked = [
        o
        for p in ("evkg:signatory", "evkg:purpose", "evkg:areaOfCooperation", "evkg:field")
        for o in g.objects(mou, x(p))
    ]
    assert len(linked) >= 4
    for node in linked:
        assert kg.prefixes.curie(str(node)) in shown, node


def test_the_timeline_names_every_language_version_and_misev_edition(site: Path, kg) -> None:
    x = kg.prefixes.expand
    g = kg.rdflib_graph()
    shown = squash(svg_text(site / "img" / "timeline.svg"))
    versions = [v for v in g.subjects(x("rdf:type"), x("evkg:LanguageVersion")) if (v, x("dcterms:issued"), None) in g]
    editions = [e for e in g.subjects(x("rdf:type"), x("evkg:GuidelineEdition")) if (e, x("dcterms:issued"), None) in g]
    assert versions and editions
    for v in versions:
        assert squash(kg.prefixes.curie(str(v))) in shown, v
    for e in editions:
        labels = [str(label) for label in g.objects(e, x("rdfs:label"))]
        assert any(squash(label) in shown for label in labels), e


def test_the_pictures_in_docs_img_are_up_to_date_and_in_the_readme(kg) -> None:
    """docs/img/*.dot match what the graph gives now; refresh them with
    `evkg docs --diagrams-only --format svg --out docs/img`."""
    current = diagrams.from_kg(kg)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, source in current.items():
        committed = REPO / "docs" / "img" / f"{name}.dot"
        assert committed.read_text(encoding="utf-8") == source, (
            f"docs/img/{name}.dot is stale: run evkg docs --diagrams-only --format svg --out docs/img"
        )
        assert ElementTree.parse(REPO / "docs" / "img" / f"{name}.svg").getroot().tag == f"{SVG_NS}svg"
        assert f"docs/img/{name}.svg" in readme


# --- warnings and errors ----------------------------------------------------------------------------
def test_a_term_without_its_japanese_label_and_definition_is_a_warning(kg, ontology: Graph) -> None:
    g = Graph()
    for triple in ontology:
        g.add(triple)
    new = URIRef(kg.prefixes["evkg"] + "Undocumented")
    x = kg.prefixes.expand
    g.add((new, x("rdf:type"), x("owl:Class")))
    g.add((new, x("rdfs:label"), Literal("undocumented", lang="en")))
    warnings = term_warnings(ontology_terms(g, kg.prefixes))
    assert warnings == ["ontology: evkg:Undocumented (class) has no label@ja, definition@en, definition@ja"]


def test_a_broken_link_or_anchor_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<p id="here"><a href="#here">ok</a> <a href="b.html#nowhere">x</a> <a href="c.html">y</a>'
        ' <a href="https://example.org/">external</a></p>',
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text('<h1 id="top">b</h1>', encoding="utf-8")
    assert check_links(tmp_path) == [
        "links: a.html: b.html#nowhere points to a missing anchor",
        "links: a.html: c.html points to a missing file",
    ]


def test_a_page_that_is_not_well_formed_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text("<!DOCTYPE html><title>t</title><p>fine</p>", encoding="utf-8")
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><title>t</title><p>a</b></p>", encoding="utf-8")
    warnings = check_html(tmp_path)
    assert len(warnings) == 1 and warnings[0].startswith("html: bad.html: not well-formed HTML5")


def test_a_folder_that_is_not_a_docs_build_is_left_alone(tmp_path: Path, run_evkg) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    proc = run_evkg("docs", "--out", tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("evkg: ") and "not an evkg docs build" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_without_graphviz_the_docs_fail_with_one_line(tmp_path: Path, evkg_exe: str) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "NO_COLOR": "1"}
    if Path(sys.executable).parent.joinpath("dot").exists():
        pytest.skip("a dot program sits next to Python")
    proc = subprocess.run(
        [evkg_exe, "docs", "--out", str(tmp_path / "site")], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 1
    assert proc.stderr == "evkg: Graphviz 'dot' not found: install it (Debian/Ubuntu: apt-get install graphviz)\n"
    assert not (tmp_path / "site").exists()


def test_importing_pylode_leaves_the_logging_configuration_alone() -> None:
    """pyLODE calls logging.basicConfig(level=DEBUG) on import; evkg puts the root logger back.
    Checked in fresh interpreters: a bare import changes the root logger, evkg's does not."""
    probe = "import logging; {}; root = logging.getLogger(); print(root.level, len(root.handlers))"
    bare = subprocess.run(
        [sys.executable, "-c", probe.format("import pylode")], capture_output=True, text=True, timeout=120
    )
    ours = subprocess.run(
        [sys.executable, "-c", probe.format("from evkg.docs.ontology import _ont_pub; _ont_pub()")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bare.stdout.split() == [str(logging.DEBUG), "1"]  # what evkg protects against
    assert ours.stdout.split() == [str(logging.WARNING), "0"], ours.stderr


def test_pylode_reports_nothing_about_the_ontology(kg, ontology: Graph) -> None:
    from evkg.docs.ontology import pylode_html

    page, warnings = pylode_html(ontology, kg.prefixes)
    assert warnings == [] and "<!DOCTYPE html>" in page


def test_the_examples_in_the_module_docstrings_hold() -> None:
    import evkg.docs.diagrams
    import evkg.publish.changes
    import evkg.publish.releases

    for module in (evkg.docs.diagrams, evkg.publish.changes, evkg.publish.releases):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0, module.__name__


def test_the_docs_of_another_data_folder_are_built_from_that_folder(tmp_path: Path) -> None:
    """build_docs works on a small working copy too (the diff fixture v2, which has no MOU): the MOU
    diagram is left out with a warning, the rest is built from that folder."""
    from evkg.docs import build_docs

    small = evkg.load(data_dir=REPO / "tests" / "fixtures" / "diff" / "v2")
    result = build_docs(small, tmp_path / "site")
    assert [w for w in result.warnings if w.startswith("diagram")] == [
        "diagram mou: the MOU diagram needs <https://w3id.org/evkg/id/agreement/jsrm-isev-mou-2025>, "
        "which the graph does not describe"
    ]
    assert "img/mou.svg" not in result.images and "img/ontology.svg" in result.images
    assert "img/mou.svg" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "1.1.0" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_definition_ledger_page_shows_every_sourced_definition_side_by_side(site: Path, kg) -> None:
    """Does definitions.html show, term by term, every definition with its graph, and where exosome's diverge?"""
    sections = text_by_id(site / "definitions.html")
    rows = kg.queries.definition_ledger()
    assert rows
    for row in rows:
        shown = sections[kg.prefixes.curie(str(row.term)).replace(":", "-")]
        assert " ".join(str(row.text).split()) in shown, (row.term, row.definition)
        assert kg.prefixes.curie(str(row.graph)) in shown
    exosome = sections["term-exosome"]
    assert "discouraged" in exosome and "size:" in exosome and "biogenesis:" in exosome
    assert "MISEV2023 Table 2: recommended" in sections["term-extracellular-vesicle"]
    assert 'href="definitions.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_societies_page_lists_each_society_under_its_country_with_its_sources(site: Path, kg) -> None:
    """Does societies.html list every learned society under the country its source gives, each fact sourced?"""
    sections = text_by_id(site / "societies.html")
    rows = kg.queries.societies_of_the_field()
    for row in rows:
        country = f"country-{row.country}" if row.country is not None else "country-country-not-stated"
        shown = sections[country]
        assert str(row.societyLabel) in shown
        assert kg.prefixes.curie(str(row.graph)) in shown
    korea = sections["country-KR"]
    assert "2008-06" in korea and "2009-06" in korea  # two sources disagree: both are shown
    assert "Serbian Society for Extracellular Vesicles" in sections["country-RS"]
