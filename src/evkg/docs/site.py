"""Build the documentation site: every page, the diagrams, and a check of every internal link.

The site is written into a new folder next to ``out`` and renamed into place at the end (so ``out``
is never half-written), and only over a previous docs build: a folder holding other files is refused.

Anything a reader would find wrong or missing is a *warning* (collected, never printed half-way):
a term without its English or Japanese label or definition, a concept without a preferred label in
one of the two languages, a graph file without provenance, a cookbook example that fails or answers
nothing, a message from pyLODE or Graphviz, an internal link or anchor that leads nowhere, a page
that is not well-formed HTML5.
``evkg docs --strict`` fails on any of them.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from rdflib.term import Node

from evkg.atomic import replace_dir
from evkg.data.layout import display_path
from evkg.docs import cookbook, diagrams, glossary, ledger, ontology, provenance, societies
from evkg.errors import OutputError
from evkg.query.helpers import QueryHelpers, discover
from evkg.rdf.labels import literal_in
from evkg.rdf.terms import ordered
from evkg.version import __version__

#: The file that marks a folder as a docs build (and lists what it holds).
MARKER = "evkg-docs.json"

CAPTIONS = {
    "ontology": (
        "The evkg ontology: own classes (English / Japanese label, the reused classes each extends, its "
        "datatype properties), subclass links (dashed) and object properties from domain to range.",
        "Diagram of the evkg ontology's classes and properties",
    ),
    "mou": (
        "The memorandum of understanding between JSRM and ISEV (2025-07-20) and everything the graph "
        "links to it: its parties, the press release that announced it, its fields, purposes and areas "
        "of cooperation.",
        "Diagram of the instance graph around the JSRM-ISEV MOU",
    ),
    "timeline": (
        "Timeline of the guidance documents (with their Japanese and English versions; dashed: "
        "translation of) and of the MISEV guideline editions with the articles that publish them.",
        "Timeline of the guidance documents and MISEV editions",
    ),
}


#: The query helpers the pages read.
HELPERS = ("source_graphs", "term_definitions", "definition_ledger", "societies_of_the_field")


def helpers(kg: Any) -> Any:
    """The query helpers the pages need: the data folder's own, or the bundled ones when the folder
    has no ``queries/`` (a curator's small working copy). Run on ``kg``'s engine either way."""
    if all(name in kg.queries for name in HELPERS):
        return kg.queries

    return QueryHelpers(kg.engine, discover(None), kg.prefixes)


@dataclass
class DocsResult:
    """What a docs build wrote, and the warnings it found."""

    out: Path
    pages: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the templates in ``evkg/docs/templates`` (autoescaped, strict)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("evkg.docs", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{display_path(out)}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{display_path(out)}: is not empty and is not an evkg docs build (no {MARKER}); "
            "choose a new or empty folder"
        )


# --- link check ---------------------------------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            elif name in ("href", "src"):
                self.links.append(value)


def check_links(folder: Path) -> list[str]:
    """A warning for every relative link or ``#anchor`` in the HTML pages that leads nowhere."""
    pages: dict[str, _Links] = {}
    for path in sorted(folder.rglob("*.html")):
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.relative_to(folder).as_posix()] = parser
    out = []
    for name, parser in pages.items():
        base = Path(name).parent
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            target = (base / unquote(parts.path)).as_posix() if parts.path else name
            target = os.path.normpath(target)
            if parts.path and not (folder / target).exists():
                out.append(f"links: {name}: {link} points to a missing file")
                continue
            if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                out.append(f"links: {name}: {link} points to a missing anchor")
    return sorted(set(out))


def check_html(folder: Path) -> list[str]:
    """A warning for every HTML page that is not well-formed HTML5 (html5lib, strict)."""
    # lazy: html5lib is needed only to check the pages written
    import html5lib

    out = []
    for path in sorted(folder.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(path.read_text(encoding="utf-8"))
        except Exception as exc:  # html5lib raises ParseError with the position in the message
            out.append(f"html: {path.relative_to(folder).as_posix()}: not well-formed HTML5 ({exc})")
    return out


# --- the build ----------------------------------------------------------------------------------------
def _first(values: list[Node], lang: str) -> str | None:
    return literal_in(values, lang, (), anything=False)


def build_docs(kg: Any, out: str | os.PathLike[str]) -> DocsResult:
    """Write the documentation of ``kg`` (an :class:`evkg.KnowledgeGraph`) into ``out``."""
    started = time.perf_counter()
    target = Path(out)
    _check_target(target)
    diagrams.dot_program()  # fail now, not after every page is made, if Graphviz is missing
    result = DocsResult(out=target.resolve())
    prefixes = kg.prefixes
    x = prefixes.expand
    onto_graph = diagrams.ontology_graph(kg)
    stats = kg.stats()

    terms = ontology.ontology_terms(onto_graph, prefixes)
    result.warnings += ontology.term_warnings(terms)
    pylode_page, pylode_warnings = ontology.pylode_html(onto_graph, prefixes)
    result.warnings += pylode_warnings
    schemes = glossary.schemes(kg.engine, prefixes, helpers(kg))
    result.warnings += glossary.scheme_warnings(schemes)
    graphs = provenance.named_graphs(kg, helpers(kg))
    result.warnings += provenance.graph_warnings(graphs)
    audits = provenance.source_audits(kg)
    source_rows = provenance.source_rows(audits, kg)
    result.warnings += provenance.source_warnings(audits)
    examples = cookbook.examples(kg)
    ledger_terms = ledger.terms(helpers(kg), prefixes)
    society_groups = societies.countries(helpers(kg), prefixes)
    result.warnings += cookbook.example_warnings(examples)
    dot_sources = diagrams.sources(onto_graph, kg.rdflib_graph(), prefixes, result.warnings)

    onto_iri = next(iter(ordered(onto_graph.subjects(x("rdf:type"), x("owl:Ontology")))), None)
    descriptions = list(onto_graph.objects(onto_iri, x("dcterms:description"))) if onto_iri else []
    licences = sorted(str(v) for v in onto_graph.objects(onto_iri, x("dcterms:license"))) if onto_iri else []
    version_iris = sorted(str(v) for v in onto_graph.objects(onto_iri, x("owl:versionIRI"))) if onto_iri else []
    env = environment()
    common = {
        "evkg_version": __version__,
        "graph_version": stats.ontology_version,
        "data_name": kg.data.root.name,
        "licences": licences,
        "root": "",
    }
    groups = [(kind, [t for t in terms if t.kind == kind]) for _, kind in ontology.KINDS]
    pages: dict[str, tuple[str, dict[str, Any]]] = {
        "index.html": (
            "index.html",
            {
                "title": "evkg: the extracellular-vesicle and secretome knowledge graph",
                "description_en": _first(descriptions, "en") or "",
                "description_ja": _first(descriptions, "ja"),
                "version_iri": version_iris[0] if version_iris else None,
                "stats": stats,
                "term_count": len(terms),
                "schemes": schemes,
                "query_count": len(examples),
                "diagrams": [
                    {"name": name, "caption": CAPTIONS[name][0], "alt": CAPTIONS[name][1]}
                    for name in diagrams.DIAGRAMS
                    if name in dot_sources
                ],
            },
        ),
        "terms.html": (
            "terms.html",
            {
                "title": "Ontology terms in English and Japanese",
                "groups": [g for g in groups if g[1]],
                "ontology_iri": str(onto_iri or ""),
            },
        ),
        "glossaries.html": ("glossaries.html", {"title": "Glossaries and controlled vocabularies", "schemes": schemes}),
        "graphs.html": ("graphs.html", {"title": "Named graphs and their provenance", "graphs": graphs}),
        "sources.html": (
            "sources.html",
            {
                "title": "Sources, their archived copies and what was verified",
                "rows": source_rows,
                "failing": sum(1 for r in source_rows if r["problems"]),
                "verified_total": provenance.verified_total(source_rows),
            },
        ),
        "cookbook.html": ("cookbook.html", {"title": "Query cookbook", "examples": examples}),
        "definitions.html": (
            "definitions.html",
            {
                "title": "Definition ledger: the field's terms as each source defines them",
                "terms": ledger_terms,
                "count": sum(len(t.definitions) for t in ledger_terms),
            },
        ),
        "societies.html": (
            "societies.html",
            {
                "title": "Societies of the extracellular-vesicle field, by country",
                "groups": society_groups,
                "count": sum(len(g) for _, g in society_groups),
            },
        ),
    }
    for s in schemes:
        title = " / ".join(s.label.get("en", [])) or s.curie
        pages[s.page] = ("scheme.html", {"title": title, "scheme": s})

    with replace_dir(target) as tmp:
        for name, (template, context) in pages.items():
            html = env.get_template(template).render(**common, **context)
            (tmp / name).write_text(html, encoding="utf-8")
        nav = env.get_template("pylode_nav.html").render().strip()
        (tmp / "ontology.html").write_text(pylode_page.replace("<body>", "<body>" + nav, 1), encoding="utf-8")
        provenance.copy_archives(audits, tmp / provenance.ARCHIVES)
        css = (Path(__file__).parent / "static" / "style.css").read_bytes()
        (tmp / "style.css").write_bytes(css)
        drawn = diagrams.write(dot_sources, tmp / "img")
        result.warnings += drawn.warnings
        result.warnings += check_links(tmp)
        result.warnings += check_html(tmp)
        result.pages = sorted(p.name for p in tmp.glob("*.html"))
        result.images = sorted(p.relative_to(tmp).as_posix() for p in drawn.files)
        manifest = {
            "evkg": __version__,
            "graph": stats.ontology_version,
            "pages": result.pages,
            "images": result.images,
            "warnings": result.warnings,
        }
        (tmp / MARKER).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for path in tmp.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["DocsResult", "MARKER", "build_docs", "check_html", "check_links"]
