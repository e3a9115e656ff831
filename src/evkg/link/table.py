"""``evkg link table``: every external identifier of every entity (CSV), and term mappings (SSSOM TSV)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rdflib import RDFS, URIRef
from rdflib.namespace import SKOS

from evkg.data import layout
from evkg.data import prefixes as prefix_registry
from evkg.link.rdfmap import Lookup
from evkg.rdf.labels import graph_label

#: identifier properties (CURIE) → kind column
ID_PROPERTIES = {
    "evkg:doi": "doi",
    "evkg:pmid": "pmid",
    "evkg:pmcid": "pmcid",
    "evkg:pii": "pii",
    "evkg:orcid": "orcid",
    "evkg:rorId": "ror",
    "evkg:wikidataId": "wikidata",
    "prism:issn": "issn",
    "prism:eIssn": "eissn",
}
LINK_PROPERTIES = {"schema:sameAs": "sameAs", "rdfs:seeAlso": "seeAlso"}
MAPPING_PREDICATES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
SSSOM_PREFIXES = {
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "wikidata": "http://www.wikidata.org/entity/",
    "skos": str(SKOS),
    "semapv": "https://w3id.org/semapv/vocab/",
}


def _load(data_dir: str | Path | None) -> tuple[Lookup, prefix_registry.Prefixes]:
    data = layout.resolve(data_dir)
    registry = prefix_registry.read(data.prefixes_file)
    return Lookup.load(data, registry), registry


def _label(lookup: Lookup, s: URIRef) -> str:
    """The English rdfs:label (else skos:prefLabel), or nothing: the table is read by English tools."""
    return graph_label(lookup.ds, s, "en", (), properties=(RDFS.label, SKOS.prefLabel), anything=False) or ""


def identifiers_csv(data_dir: str | Path | None) -> str:
    """CSV ``entity,label,kind,value,iri``: identifier literals and resolvable links, sorted, no duplicates."""
    lookup, registry = _load(data_dir)
    rows: set[tuple[str, str, str, str, str]] = set()
    for curie, kind in ID_PROPERTIES.items():
        for s, o in lookup.ds.subject_objects(registry.expand(curie)):
            if isinstance(s, URIRef):
                rows.add((str(s), _label(lookup, s), kind, str(o), ""))
    for curie, kind in LINK_PROPERTIES.items():
        for s, o in lookup.ds.subject_objects(registry.expand(curie)):
            if isinstance(s, URIRef) and isinstance(o, URIRef) and "w3id.org/evkg/" not in str(o):
                rows.add((str(s), _label(lookup, s), kind, "", str(o)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["entity", "label", "kind", "value", "iri"])
    writer.writerows(sorted(rows))
    return out.getvalue()


def _curie(iri: str, registry: prefix_registry.Prefixes) -> str:
    for prefix, ns in SSSOM_PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return registry.curie(iri) or iri


EVKG = "https://w3id.org/evkg/ontology/"
#: The columns of the SSSOM TSV, in this order (SSSOM's slot names).
SSSOM_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_id",
    "reviewer_id",
    "mapping_date",
    "comment",
    "see_also",
)


def _english(lookup: Lookup, node: URIRef, *props: URIRef) -> str:
    for prop in props:
        values = sorted(str(o) for o in lookup.ds.objects(node, prop) if getattr(o, "language", None) == "en")
        if values:
            return values[0]
    return ""


def _stated_in(lookup: Lookup, triple: tuple[URIRef, URIRef, URIRef]) -> list[str]:
    """The source graphs (not the curators' own) that assert a mapping statement, and the pages they cite."""
    curators = URIRef(EVKG + "curatorsWork")
    grade = URIRef(EVKG + "evidenceGrade")
    derived = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    pages: list[str] = []
    for graph in lookup.ds.graphs():
        name = graph.identifier
        if triple in graph and (name, grade, curators) not in graph:
            pages += sorted(str(o) for o in graph.objects(name, derived))
    return pages


def sssom_tsv(data_dir: str | Path | None) -> str:
    """The reviewed mapping set as SSSOM TSV: one row per ``evkg:TermMapping`` whose SKOS mapping is asserted
    in the graph of a source that prints the external identifier (mappings no source backs are left out;
    the QC query ``unbacked_mapping-violation`` names them), with its justification in words (``comment``),
    author, reviewer, date and the source page (``see_also``)."""
    lookup, registry = _load(data_dir)
    rows = set()
    used = {"skos", "semapv"}
    record_type = URIRef(EVKG + "TermMapping")
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    dcterms = "http://purl.org/dc/terms/"
    for record in set(lookup.ds.subjects(URIRef(rdf + "type"), record_type)):
        s = lookup.ds.value(record, URIRef(rdf + "subject"))
        p = lookup.ds.value(record, URIRef(rdf + "predicate"))
        o = lookup.ds.value(record, URIRef(rdf + "object"))
        if not (isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef)):
            continue
        pages = _stated_in(lookup, (s, p, o))
        if not pages:
            continue
        justification = lookup.ds.value(record, URIRef(EVKG + "mappingJustification"))
        author = lookup.ds.value(record, URIRef(dcterms + "creator"))
        reviewer = lookup.ds.value(record, URIRef(EVKG + "reviewer"))
        date = lookup.ds.value(record, URIRef(dcterms + "date"))
        row = (
            _curie(str(s), registry),
            _english(lookup, s, SKOS.prefLabel, RDFS.label),
            _curie(str(p), registry),
            _curie(str(o), registry),
            _english(lookup, o, SKOS.prefLabel, RDFS.label),
            _curie(str(justification), registry) if justification is not None else "semapv:UnspecifiedMatching",
            _curie(str(author), registry) if author is not None else "",
            _curie(str(reviewer), registry) if reviewer is not None else "",
            str(date) if date is not None else "",
            _english(lookup, URIRef(str(record)), RDFS.comment),
            "|".join(sorted(set(pages))),
        )
        curies = (row[0], row[2], row[3], row[5], row[6], row[7])
        used.update(c.split(":", 1)[0] for c in curies if ":" in c and not c.startswith("http"))
        rows.add(row)
    curie_map = {p: SSSOM_PREFIXES.get(p) or registry[p] for p in sorted(used) if p in SSSOM_PREFIXES or p in registry}
    lines = [
        "#curie_map:",
        *[f"#  {p}: {ns}" for p, ns in curie_map.items()],
        "#mapping_set_id: https://w3id.org/evkg/mappings/terms.sssom.tsv",
        "#license: https://creativecommons.org/licenses/by/4.0/",
        "#mapping_set_description: Reviewed SKOS mappings of evkg's terms to GO, MeSH and NCIt; each row's"
        " identifier is printed by the archived source named in see_also, and comment says why the relation holds",
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(SSSOM_COLUMNS)
    writer.writerows(sorted(rows))
    return "\n".join(lines) + "\n" + out.getvalue()


__all__ = ["identifiers_csv", "sssom_tsv"]
