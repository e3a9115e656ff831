"""The named-graphs page: every named graph with its source file, size and provenance.

The provenance comes from the query helper ``source_graphs`` (``queries/cq/cq23_source_graphs.rq``:
what each graph is derived from, when and by whom it was made, its licence, evidence grade and,
for a translation graph, which graph it translates); the file and the triple count from the loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
