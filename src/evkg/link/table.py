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


def sssom_tsv(data_dir: str | Path | None) -> str:
    """SSSOM TSV of the SKOS mapping relations of the graph's concepts (manual curation)."""
    lookup, registry = _load(data_dir)
    rows = set()
    used = {"skos", "semapv"}
    for pred in MAPPING_PREDICATES:
        for s, o in lookup.ds.subject_objects(SKOS[pred]):
            if not isinstance(s, URIRef) or not isinstance(o, URIRef):
                continue
            subject, obj = _curie(str(s), registry), _curie(str(o), registry)
            used.update(c.split(":", 1)[0] for c in (subject, obj) if ":" in c and not c.startswith("http"))
            label = sorted(str(x) for x in lookup.ds.objects(s, SKOS.prefLabel) if getattr(x, "language", None) == "en")
            rows.add((subject, label[0] if label else "", f"skos:{pred}", obj, "semapv:ManualMappingCuration"))
    curie_map = {p: SSSOM_PREFIXES.get(p) or registry[p] for p in sorted(used) if p in SSSOM_PREFIXES or p in registry}
    lines = [
        "#curie_map:",
        *[f"#  {p}: {ns}" for p, ns in curie_map.items()],
        "#mapping_set_id: https://w3id.org/evkg/mappings/terms.sssom.tsv",
        "#license: https://creativecommons.org/licenses/by/4.0/",
        "#mapping_set_description: SKOS mappings of evkg's terms to GO, MeSH, NCIt and Wikidata",
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification"])
    writer.writerows(sorted(rows))
    return "\n".join(lines) + "\n" + out.getvalue()


__all__ = ["identifiers_csv", "sssom_tsv"]
