"""The documentation of the graph: ``evkg docs --out DIR`` builds a static HTML site.

Pages (all generated from the data folder the graph was loaded from):

- ``index.html``: what evkg is, its version and size, and the three diagrams;
- ``ontology.html``: the ontology documented by pyLODE;
- ``terms.html``: every class, property and individual with its English and Japanese label and
  definition side by side (pyLODE is monolingual at heart, see :mod:`evkg.docs.ontology`);
- ``glossaries.html`` and one ``scheme-<slug>.html`` per SKOS concept scheme: the terms in Japanese
  and English side by side, their definitions with sources, original or translation;
- ``graphs.html``: every named graph with its source file, size and provenance;
- ``cookbook.html``: every query under ``queries/`` with its question, parameters and the answer it
  gives on this graph;
- ``img/``: the diagrams of :mod:`evkg.docs.diagrams` (DOT, SVG, PNG).

In Python::

    import evkg
    from evkg.docs import build_docs

    result = build_docs(evkg.load(), "site")   # or evkg.load(data_dir="my/working/copy")
    print(result.pages, result.warnings)       # warnings: [] when nothing is missing or broken
"""

from __future__ import annotations

from evkg.docs.site import MARKER, DocsResult, build_docs, check_html, check_links

__all__ = ["MARKER", "DocsResult", "build_docs", "check_html", "check_links"]
