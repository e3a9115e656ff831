"""The named-graphs page and the sources page: every named graph with its file, size and provenance, and
every source with its page, its archived copy and what was verified against it.

The provenance comes from the query helper ``source_graphs`` (``queries/cq/cq23_source_graphs.rq``:
what each graph is derived from, when and by whom it was made, its licence, evidence grade and,
for a translation graph, which graph it translates); the file and the triple count from the loader.
The sources come from the truth audit of the quality pipeline (``evkg.quality.pipeline.audit_sources``,
the rows of ``evkg sources``); the archived texts are copied into the site, under ``sources/``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rdflib import URIRef

from evkg.query.engine import count_per_graph
from evkg.rdf.parse import source_files


@dataclass
class NamedGraph:
    iri: str
    curie: str
    file: str | None
    triples: int
    label_en: str | None = None
    label_ja: str | None = None
    kind: str | None = None
    derived_from: list[str] = field(default_factory=list)
    generated_at: list[str] = field(default_factory=list)
    curators: list[str] = field(default_factory=list)
    licenses: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    translation_of: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-").replace("/", "-")

    @property
    def described(self) -> bool:
        """Whether the graph describes its own provenance (a evkg:SourceGraph)."""
        return self.kind is not None


def _add(values: list[str], term: Any, prefixes: Any) -> None:
    if term is None:
        return
    text = (prefixes.curie(str(term)) or str(term)) if isinstance(term, URIRef) else str(term)
    if text not in values:
        values.append(text)


def named_graphs(kg: Any, queries: Any = None) -> list[NamedGraph]:
    """Every named graph of the dataset, sorted by IRI (``queries``: helpers, default ``kg.queries``)."""
    queries = queries if queries is not None else kg.queries
    prefixes = kg.prefixes
    files = {f.graph: f.relpath for f in source_files(kg.data, prefixes)}
    counts = count_per_graph(kg.engine)
    graphs = {
        iri: NamedGraph(iri=iri, curie=prefixes.curie(iri) or iri, file=files.get(iri), triples=n)
        for iri, n in counts.items()
    }
    for lang in ("en", "ja"):
        for row in queries.source_graphs(lang=lang):
            g = graphs.get(str(row.graph))
            if g is None:
                continue
            if row.graphLabel is not None and getattr(row.graphLabel, "language", None) == lang:
                setattr(g, f"label_{lang}", str(row.graphLabel))
            if lang != "en":
                continue
            kind = prefixes.curie(str(row.kind)) or str(row.kind)
            # a translation graph is also typed as a source graph: keep the narrower kind
            if g.kind is None or kind.endswith("TranslationGraph"):
                g.kind = kind
            _add(g.derived_from, row.derivedFrom, prefixes)
            _add(g.generated_at, row.generatedAt, prefixes)
            _add(g.curators, row.curator, prefixes)
            _add(g.licenses, row.license, prefixes)
            _add(g.grades, row.grade, prefixes)
            _add(g.translation_of, row.translationOf, prefixes)
    return [graphs[k] for k in sorted(graphs)]


def graph_warnings(items: list[NamedGraph]) -> list[str]:
    """A warning for every curated graph file (``graph/``) that does not describe its provenance."""
    out = []
    for g in items:
        if g.file and g.file.startswith("graph/"):
            if not g.described:
                out.append(f"graphs: {g.file} does not describe its named graph <{g.iri}> as a evkg:SourceGraph")
            elif not (g.derived_from and g.generated_at and g.curators and g.licenses):
                out.append(f"graphs: {g.file} lacks prov:wasDerivedFrom, generatedAtTime, wasAttributedTo or a licence")
    return out


# --- the sources page ----------------------------------------------------------------------------------------
#: Folder of the site that holds the archived texts.
ARCHIVES = "sources"
_EXTENT = {"wholeText": "whole text", "excerpts": "excerpts"}


def source_audits(kg: Any) -> list[Any]:
    """The truth audit of every source graph (:func:`evkg.quality.pipeline.audit_sources`)."""
    # lazy: the quality layer (pySHACL) loads only when the sources page is built
    from evkg.quality.pipeline import audit_sources

    return audit_sources(kg)


def _tally(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "–"


def source_rows(audits: list[Any], kg: Any) -> list[dict[str, Any]]:
    """The rows of the sources page: ``evkg sources``'s summary, with what the page shows."""
    rows = []
    for a in audits:
        row = a.summary(kg.data.root)
        curie = kg.prefixes.curie(row["graph"]) or row["graph"]
        grade = row["grade"] or ""
        row.update(
            curie=curie,
            anchor=curie.replace(":", "-").replace("/", "-"),
            page_text=unquote(row["page"]) if row["page"] else "",
            copy_link=f"{ARCHIVES}/{_site_name(a)}" if a.source.path is not None else None,
            extent_text=_EXTENT.get((row["extent"] or "").rsplit("/", 1)[-1], "extent not stated"),
            grade_text=(kg.prefixes.curie(grade) or grade).removeprefix("evkg:") or "–",
            quotes_text=_tally(row["quotes"]),
            identifiers_text=_tally(row["identifiers"]),
            dates_text=_tally(row["datesAndNumbers"]),
        )
        rows.append(row)
    return rows


def verified_total(rows: list[dict[str, Any]]) -> str:
    """``"312 of 312 quotes, identifiers, dates and numbers verified"``."""
    verified = sum(r[k][0] for r in rows for k in ("quotes", "identifiers", "datesAndNumbers"))
    total = sum(r[k][1] for r in rows for k in ("quotes", "identifiers", "datesAndNumbers"))
    return f"{verified} of {total} quotes, identifiers, dates and numbers verified"


def source_warnings(audits: list[Any]) -> list[str]:
    """One warning per source graph with problems (``evkg validate`` names them)."""
    return [
        f"sources: {a.source.slug}: {len(a.problems)} problem(s) against its archived source (run evkg validate)"
        for a in audits
        if a.problems
    ]


def _site_name(a: Any) -> str:
    """Where the site keeps a source's archived text (its name under ``graph/_sources/``)."""
    return a.source.file if a.source.file else a.source.path.name


def copy_archives(audits: list[Any], folder: Path) -> None:
    """Copy every archived text into the site, as UTF-8 plain text."""
    for a in audits:
        if a.source.path is not None:
            target = folder / _site_name(a)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(a.source.path, target)


__all__ = [
    "ARCHIVES",
    "copy_archives",
    "graph_warnings",
    "named_graphs",
    "source_audits",
    "source_rows",
    "source_warnings",
    "verified_total",
]
