"""``evkg build --out DIR``: every export format plus a VoID/DCAT description, written atomically.

The files are written into a new folder next to ``DIR`` and renamed into place at the end, so
``DIR`` is never half-written: it is either the previous build or the complete new one. ``DIR``
may be new, empty, or a previous build; anything else in it is refused rather than deleted.

``void.ttl`` describes the dataset: its version (``owl:versionInfo`` of the ontology), title,
description and licence (taken from the ontology header), ``dcterms:modified`` (the latest
``dcterms:modified`` / ``prov:generatedAtTime`` stated in the data, so the same data gives the same
file), triple counts overall and per named graph (``void:subset``), and one ``dcat:Distribution``
per file (relative IRIs: they resolve next to ``void.ttl``).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from evkg.atomic import replace_dir
from evkg.data.layout import display_path
from evkg.errors import OutputError
from evkg.query.engine import solutions
from evkg.query.knowledge_graph import KnowledgeGraph
from evkg.rdf.formats import FORMATS, ExportFormat

BASENAME = "evkg"
VOID_FILE = "void.ttl"


def file_name(spec: ExportFormat) -> str:
    return f"{BASENAME}.{spec.extension}"


#: Every name a build writes; a folder holding anything else is not overwritten.
BUILD_FILES = frozenset({VOID_FILE, *(file_name(s) for s in FORMATS.values())})


@dataclass
class BuiltFile:
    name: str
    format: str
    media_type: str
    size: int
    seconds: float


@dataclass
class BuildResult:
    out: Path
    files: list[BuiltFile] = field(default_factory=list)
    triples: int = 0
    graphs: int = 0
    version: str | None = None


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{display_path(out)}: exists and is not a folder")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in BUILD_FILES)
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputError(
                f"{display_path(out)}: holds files evkg build did not write ({shown}); choose a new or empty folder"
            )


def _latest_date(kg: KnowledgeGraph) -> Literal | None:
    """The latest ``dcterms:modified`` or ``prov:generatedAtTime`` in the data, as stated."""
    best: tuple[dt.datetime, Literal] | None = None
    for row in solutions(
        kg.sparql("SELECT DISTINCT ?d WHERE { { ?s dcterms:modified ?d } UNION { ?s prov:generatedAtTime ?d } }")
    ):
        term = row["d"]
        lexical, datatype = term.value, getattr(term, "datatype", None)
        try:
            if datatype is not None and datatype.value == str(XSD.date):
                when = dt.datetime.fromisoformat(lexical).replace(tzinfo=dt.UTC)
            elif datatype is not None and datatype.value == str(XSD.dateTime):
                when = dt.datetime.fromisoformat(lexical.replace("Z", "+00:00"))
                when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            else:
                continue
        except ValueError:
            continue
        literal = Literal(lexical, datatype=URIRef(datatype.value), normalize=False)
        if best is None or when > best[0]:
            best = (when, literal)
    return best[1] if best else None


def void_description(kg: KnowledgeGraph, files: Sequence[BuiltFile]) -> Graph:
    """The VoID/DCAT description of the dataset and of the files of this build."""
    p = kg.prefixes
    void, dcat, dcterms, rdf = p.namespace("void"), p.namespace("dcat"), p.namespace("dcterms"), p.namespace("rdf")
    owl, prov = p.namespace("owl"), p.namespace("prov")
    g = p.graph()
    dataset = URIRef(p["graph"])  # the dataset: the set of all evkg named graphs
    g.add((dataset, rdf.type, void.Dataset))
    g.add((dataset, rdf.type, dcat.Dataset))

    ontology = kg.rdflib_graph()
    for onto in ontology.subjects(rdf.type, owl.Ontology):
        for prop in (dcterms.title, dcterms.description, dcterms.license, owl.versionInfo):
            for value in ontology.objects(onto, prop):
                g.add((dataset, prop, value))
        for version in ontology.objects(onto, owl.versionInfo):
            g.add((dataset, dcat.version, version))
        g.add((dataset, dcterms.conformsTo, onto))
    modified = _latest_date(kg)
    if modified is not None:
        g.add((dataset, dcterms.modified, modified))

    stats = kg.stats()
    g.add((dataset, void.triples, Literal(stats.triples)))
    g.add((dataset, void.distinctSubjects, Literal(stats.subjects)))
    for graph_iri, count in stats.graphs.items():
        subset = URIRef(graph_iri)
        g.add((dataset, void.subset, subset))
        g.add((subset, rdf.type, void.Dataset))
        g.add((subset, void.triples, Literal(count)))
        for prop in (dcterms.license, prov.generatedAtTime, prov.wasDerivedFrom):
            for value in ontology.objects(subset, prop):
                g.add((subset, prop, value))

    for f in files:
        dist = URIRef(f.name)  # relative: resolves next to void.ttl
        g.add((dataset, dcat.distribution, dist))
        g.add((dist, rdf.type, dcat.Distribution))
        g.add((dist, dcat.downloadURL, dist))
        g.add((dist, dcterms["format"], Literal(f.media_type)))
        g.add((dist, dcat.byteSize, Literal(f.size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, dcterms.description, Literal(FORMATS[f.format].label, lang="en")))
    return g


def build(
    kg: KnowledgeGraph, out: str | os.PathLike[str], progress: Callable[[str], None] | None = None
) -> BuildResult:
    """Write every export format and ``void.ttl`` into ``out`` (atomically). Returns what was written.

    ``progress`` is called with each file name once it is written (``evkg build`` draws a bar with it).
    """
    target = Path(out)
    _check_target(target)
    result = BuildResult(out=target.resolve())
    with replace_dir(target) as tmp:
        for spec in FORMATS.values():
            started = time.perf_counter()
            data = kg.export(spec.name)
            seconds = time.perf_counter() - started
            name = file_name(spec)
            (tmp / name).write_bytes(data)
            result.files.append(BuiltFile(name, spec.name, spec.media_type, len(data), seconds))
            if progress is not None:
                progress(name)
        started = time.perf_counter()
        void = void_description(kg, result.files).serialize(format="longturtle", encoding="utf-8")
        (tmp / VOID_FILE).write_bytes(void)
        result.files.append(BuiltFile(VOID_FILE, "turtle", "text/turtle", len(void), time.perf_counter() - started))
        for path in tmp.iterdir():
            os.chmod(path, 0o644)
    stats = kg.stats()
    result.triples, result.graphs, result.version = stats.triples, len(stats.graphs), stats.ontology_version
    return result


__all__ = ["BUILD_FILES", "BuiltFile", "build", "void_description"]
