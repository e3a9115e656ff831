"""Literals the store keeps in another form than written: where they are, and what still sees the store's form.

pyoxigraph's store rewrites some literals (``"5"^^xsd:int`` → ``"5"^^xsd:integer``, ``"01"^^xsd:integer``
→ ``"1"``; :mod:`evkg.rdf.literals`). evkg gives them back as written everywhere data leaves it (exports,
CONSTRUCT and DESCRIBE, the reasoner, SHACL); SELECT results and FILTERs still see the store's form, a
value. :func:`stored_literal_findings` says so for each such literal, naming ``FILE:LINE``:

- ``Info`` when only the spelling changes (the same value);
- ``Warning`` when SELECT sees something else than the data says: two literals written for one
  statement became one (``true`` and ``"1"^^xsd:boolean``: a SELECT counts one), or an invalid literal
  became a valid one (``"300"^^xsd:byte`` is no byte, ``"300"^^xsd:integer`` is an integer).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from evkg.data.layout import display_path
from evkg.quality.findings import Finding
from evkg.rdf.literals import Rewrite, rewrites_of, written_line
from evkg.rdf.parse import source_files
from evkg.rdf.terms import to_rdflib

if TYPE_CHECKING:
    from evkg.quality.context import Context
    from evkg.quality.findings import Describer, Finding
    from evkg.query.knowledge_graph import KnowledgeGraph

#: What the findings name as their source.
SOURCE = "evkg.rdf.literals (the store's literal forms)"
COMPONENT = "evkg:StoredLiteral"


def check_stored_literals(ctx: Context) -> list[Finding]:
    """The check (:data:`evkg.quality.context.Check`): one finding per literal the store rewrites, per file."""
    return stored_literal_findings(ctx.kg, ctx.describer)


def stored_literal_findings(kg: KnowledgeGraph, describer: Describer) -> list[Finding]:
    """The findings: a Warning per literal as written whose store form changes what SELECT sees, and an
    Info per source file and datatype for the others (only the spelling changes), each at ``FILE:LINE``
    of its first occurrence."""
    if not kg.literals:
        return []
    files = {f.graph: f.path for f in source_files(kg.data, kg.prefixes)}
    texts: dict[str, str] = {}

    def where(rewrite: Rewrite) -> str:
        path = files.get(rewrite.graph)
        if path is None:
            return kg.prefixes.curie(rewrite.graph) or rewrite.graph
        if rewrite.graph not in texts:
            texts[rewrite.graph] = Path(path).read_text(encoding="utf-8", errors="replace")
        line = written_line(texts[rewrite.graph], rewrite.written)
        return display_path(path) + (f":{line}" if line is not None else "")

    groups: dict[tuple[str, str, str], list[Rewrite]] = {}
    for rewrite in rewrites_of(kg.literals):
        if rewrite.merged or rewrite.made_valid:
            groups[(rewrite.graph, "", str(rewrite.written))] = [rewrite]
        else:  # one finding per file and datatype: the bundled graph spells 28 positions xsd:positiveInteger
            groups.setdefault((rewrite.graph, rewrite.written.datatype.value, ""), []).append(rewrite)
    out = []
    for rewrites in groups.values():
        located = sorted(((where(r), r) for r in rewrites), key=lambda item: _line_order(item[0]))
        place, first = located[0]
        subject = to_rdflib(first.first.subject)
        owner = describer.owner(subject)
        out.append(
            Finding(
                focus=describer.name(subject) or "",
                focus_label=describer.label(subject),
                path=describer.name(to_rdflib(first.first.predicate)),
                value=_term(first.written, kg),
                message=_message(first, place, describer.lang, kg, [r for _, r in located[1:]]),
                severity="Warning" if first.merged or first.made_valid else "Info",
                component=COMPONENT,
                source=SOURCE,
                graphs=(kg.prefixes.curie(first.graph) or first.graph,),
                entity=describer.name(owner) or "",
                entity_label=describer.label(owner),
            )
        )
    return out


def _line_order(where: str) -> tuple[int, str]:
    line = where.rsplit(":", 1)[-1]
    return (int(line) if line.isdigit() else 1 << 30, where)


def _term(literal: ox.Literal, kg: KnowledgeGraph) -> str:
    curie = kg.prefixes.curie(literal.datatype.value)
    return f'"{literal.value}"^^{curie}' if curie else str(literal)


def _message(rewrite: Rewrite, where: str, lang: str, kg: KnowledgeGraph, more: list[Rewrite]) -> str:
    written, stored = _term(rewrite.written, kg), _term(rewrite.stored, kg)
    merged = ", ".join(_term(m, kg) for m in rewrite.merged)
    n = rewrite.statements
    if more:  # the other literals of that datatype in the file
        n += sum(r.statements for r in more)
        written += f" ({'ほか' if lang == 'ja' else 'and'} {len(more)} {'種' if lang == 'ja' else 'more'})"
        stored = kg.prefixes.curie(rewrite.stored.datatype.value) or rewrite.stored.datatype.value
        stored = f"{stored} ({'値の正規形' if lang == 'ja' else 'the canonical form of the value'})"
    if lang == "ja":
        text = (
            f"{where}: {written} はストアでは {stored} として保持されます（{n} 文）。"
            "SELECT の結果と FILTER はストアの形を見ます。"
            "エクスポート、CONSTRUCT、推論、SHACL は書かれたとおりの形を見ます。"
        )
        if rewrite.merged:
            text += f"同じ文に書かれた {merged} とストアでは一つの文になります（SELECT では一つと数えます）。"
        if rewrite.made_valid:
            text += f"{written} はそのデータ型として不正ですが、{stored} は正しい値として扱われます。"
        return text
    text = (
        f"{where}: {written} is stored as {stored} ({n} statement{'s' if n != 1 else ''}); "
        "SELECT results and FILTERs see the stored form, exports, CONSTRUCT, reasoning and SHACL see it as written."
    )
    if rewrite.merged:
        text += (
            f" It and {merged}, written for the same statement, are one statement in the store (a SELECT counts one)."
        )
    if rewrite.made_valid:
        text += f" {written} is not valid for its datatype, but SELECT sees {stored}, a valid value."
    return text


__all__ = ["check_stored_literals", "stored_literal_findings"]
