"""A :class:`~evkg.quality.findings.Report` as text (grouped by entity), JSON, or a SHACL report in Turtle."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Identifier

from evkg.data.prefixes import Prefixes
from evkg.errors import EvkgError
from evkg.quality.findings import Report
from evkg.rdf.terms import to_oxigraph
from evkg.wording import count, count_ja

# --- rendering -------------------------------------------------------------------------------------------------
_HEADINGS = {
    "en": {
        "ok": "conforms: no violations",
        "fail": "does not conform",
        "end": ". ",
        "in": "in",
        "value": "value",
        "node": "(node)",
    },
    "ja": {
        "ok": "適合：違反はありません",
        "fail": "不適合",
        "end": "。",
        "in": "所在グラフ",
        "value": "値",
        "node": "（ノード全体）",
        "Violation": "違反",
        "Warning": "警告",
        "Info": "情報",
    },
}


def format_text(report: Report) -> str:
    """The human report: one block per entity, one line per finding."""
    words = _HEADINGS[report.lang]
    groups = report.by_entity()
    lines = []
    for entity, label, items in groups:
        head = entity if label in ("", entity) else f"{entity}  {label}"
        lines.append(head)
        graphs = sorted({g for f in items for g in f.graphs})
        if graphs:
            lines.append(f"  {words['in']}: {', '.join(graphs)}")
        for f in items:
            where = f.path or words["node"]
            if f.focus != entity:
                where = f"{f.focus} {where}"
            value = f"  {words['value']}: {_short(f.value)}" if f.value is not None else ""
            lines.append(f"  [{words.get(f.severity, f.severity)}] {where}{value}")
            lines.append(f"      {f.message}  ({f.component})")
        lines.append("")
    status = words["ok"] if report.conforms else words["fail"]
    lines.append(f"{status}{words['end']}{summary(report, len(groups))}")
    return "\n".join(lines) + "\n"


def summary(report: Report, entities: int) -> str:
    """The closing count: "0 violations, 6 warnings on 6 entities; 3,175 triples checked" (or in Japanese).

    "triples" are distinct triples over all named graphs (:mod:`evkg.wording`).
    """
    v, w, t = len(report.violations), len(report.warnings), report.triples
    if report.lang == "ja":
        found = f"違反 {count_ja(v, '件')}、警告 {count_ja(w, '件')}（対象 {count_ja(entities, '件')}）"
        return f"{found}。検査したトリプル数：{t:,}"
    return (
        f"{count(v, 'violation')}, {count(w, 'warning')} on {count(entities, 'entity', 'entities')}; "
        f"{count(t, 'triple')} checked"
    )


def _short(text: str | None, width: int = 100) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def format_json(report: Report) -> str:
    """The report as JSON: ``{"conforms", "violations", "warnings", "entities": [...]}``."""
    doc = {
        "conforms": report.conforms,
        "language": report.lang,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "triples": report.triples,
        "entities": [
            {
                "entity": entity,
                "label": label,
                "graphs": sorted({g for f in items for g in f.graphs}),
                "findings": [f.to_dict() for f in items],
            }
            for entity, label, items in report.by_entity()
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def format_turtle(report: Report, prefixes: Prefixes) -> str:
    """The standard SHACL validation report (``sh:ValidationReport``) in Turtle.

    The SHACL results as the engines reported them (every blank node described), with the findings of
    the other checks (QC queries, OWL 2 RL inconsistencies) added as results of
    ``sh:SPARQLConstraintComponent`` whose ``rdfs:comment`` names the query or rule. ``sh:conforms`` is
    SHACL's: false as soon as there is any result, of any severity (evkg's exit status counts only
    violations). Written by pyoxigraph, which keeps every literal as it is (rdflib writes an ill-typed
    ``"none"^^xsd:boolean`` as a bare ``none``, which is not Turtle).
    """
    graph = Graph(bind_namespaces="none")
    for triple in report.shacl_report:
        graph.add(triple)
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    root = reports[0] if reports else BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    for f in report.findings:
        if not f.component.startswith(("qc:", "owlrl:")):
            continue
        result = BNode()
        graph.add((root, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, _term(prefixes, f.focus)))
        if f.path:
            graph.add((result, SH.resultPath, _term(prefixes, f.path)))
        graph.add((result, SH.resultMessage, Literal(f.message, lang=report.lang)))
        graph.add((result, SH.resultSeverity, SH[f.severity]))
        graph.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        graph.add(
            (result, RDFS.comment, Literal(f"{'QC query' if f.component.startswith('qc:') else 'rule'} {f.source}"))
        )
        if f.value is not None:
            graph.add((result, SH.value, Literal(f.value)))
    graph.set((root, SH.conforms, Literal(not any(True for _ in graph.objects(root, SH.result)))))

    used = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    names = {p: ns for p, ns in prefixes.as_dict().items() if any(u.startswith(ns) for u in used)}
    names.setdefault("sh", str(SH))
    triples = [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in graph]  # type: ignore[arg-type]
    return (ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=names) or b"").decode("utf-8")


def _term(prefixes: Prefixes, text: str) -> Identifier:
    if text.startswith("_:"):
        return BNode(text[2:])
    if ":" in text and not text.startswith(("http://", "https://")):
        try:
            return prefixes.expand(text)
        except EvkgError:
            pass
    return URIRef(text)


__all__ = ["format_json", "format_text", "format_turtle"]
