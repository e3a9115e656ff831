"""Truth you can check: every source graph against the archived text of its source (decision 0014).

:func:`audit` reads every named graph's description of its source (:mod:`evkg.quality.archives`) and
checks, for each graph:

- **the archived copy**: there is one (source graphs; a translation or the curators' own graph has none),
  it is named after its graph, it still has the recorded SHA-256, and it records where and when it was
  read, its extent and the source's licence or rights; a registry snapshot of ``evkg link`` has its raw
  answer beside it with the recorded hash;
- **the source is a page**: ``prov:wasDerivedFrom`` is never a site's or a repository's root, nor an IRI
  of evkg's own;
- **quotes** (``oa:exact``, ``evkg:nameAsPrinted``, ``dcterms:title``, the ``rdf:value`` of a text or
  definition that is not the curators' own, a literal ``skos:definition``) are in the archived text, only
  Unicode NFKC and white space folded (:func:`evkg.quality.archives.fold`); an evidence quote names the
  graph's own source;
- **identifiers** (DOI, PMID, PMCID, ORCID, ISSN, ROR, Wikidata, GO, MeSH, NCIt, PII; literals,
  ``skos:notation`` and registry IRIs) are printed in the archived text, or are the key of the registry's
  own record address the copy was read from (:func:`evkg.data.identifiers.record_identifier`);
- **dates and numbers** are printed in the archived text in a usual form (:mod:`evkg.quality.forms`), or
  the very statement carries a verified evidence quote;
- **language tags fit the script**: Latin-only text tagged ``@ja`` unless the graph's Japanese source
  writes it so, Japanese-only text tagged ``@en``;
- **a translation graph is graded** ``evkg:curatorsWork``, never a primary source.

Each problem becomes a :class:`~evkg.quality.findings.Finding` (component ``truth:<check>``, messages in
English and Japanese from ``truth.toml``) through :func:`check_truth`, the check of the quality
pipeline; each graph's tallies (quotes, identifiers, dates and numbers verified of all) feed
``evkg sources``, the docs site and the source pages of ``evkg serve``.

>>> import evkg
>>> graphs = {a.source.slug: a for a in audit(evkg.load())}
>>> graphs["jsrm-press-release-2025-08-28"].quotes_tally
(34, 34)
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import URIRef

from evkg.data import identifiers as ids
from evkg.quality.archives import EVKG, Dataset, FoldedText, Source, sources
from evkg.quality.findings import Finding
from evkg.quality.forms import date_key
from evkg.rdf.terms import to_rdflib

if TYPE_CHECKING:
    from evkg.quality.context import Context
    from evkg.quality.findings import Describer, Finding

OWN = "https://w3id.org/evkg/"
PRISM = "http://prismstandard.org/namespaces/basic/2.0/"
SKOS_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
OA_EXACT = "http://www.w3.org/ns/oa#exact"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Identifier properties and the kind of identifier their literal is.
IDENTIFIER_PROPERTIES = {
    EVKG + "doi": "doi",
    EVKG + "citesDoi": "doi",
    PRISM + "doi": "doi",
    EVKG + "pmid": "pmid",
    EVKG + "pmcid": "pmcid",
    EVKG + "orcid": "orcid",
    EVKG + "pii": "pii",
    EVKG + "rorId": "ror",
    EVKG + "wikidataId": "wikidata",
    PRISM + "issn": "issn",
    PRISM + "eIssn": "issn",
}
_DATE_TYPES = {XSD + t: t for t in ("date", "dateTime", "gYear", "gYearMonth")}
#: The properties whose literals quote their graph's source (``queries/quoted.rq`` asks for these).
QUOTED_PROPERTIES = frozenset(
    {
        OA_EXACT,
        EVKG + "nameAsPrinted",
        "http://purl.org/dc/terms/title",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#value",
        "http://www.w3.org/2004/02/skos/core#definition",
    }
)


# --- what the audit finds ----------------------------------------------------------------------------------
@dataclass
class Problem:
    """One thing a graph states that its source does not back (or a defect of its archived copy)."""

    check: str  # id in truth.toml
    graph: str
    subject: Any  # pyoxigraph term (IRI or blank node), or the graph's IRI as a string
    property: str | None = None
    value: Any = None  # pyoxigraph term or a plain string


@dataclass
class Quote:
    """A literal that quotes the source, and whether the archived text has it (``spans`` tells where)."""

    subject: Any  # pyoxigraph term
    property: str
    value: str
    found: bool = False
    language: str = ""  # the literal's language tag ("" when it has none)
    evidence: str | None = None  # the evidence IRI of an oa:exact
    statements: list[tuple[Any, Any, Any]] = field(default_factory=list)  # what the evidence backs

    def spans(self, source: Source) -> list[tuple[int, int]]:
        """Where the quote is in ``source``'s archived text (offsets of the text as archived)."""
        return source.text.find_all(self.value) if source.text is not None else []


@dataclass
class Checked:
    """An identifier, date or number the graph states, and whether the source backs it."""

    subject: Any
    property: str
    value: Any
    kind: str  # identifier kind, "date" or "number"
    verified: bool
    how: str = ""  # "text", "address" (the registry record read) or "evidence"
    text: str = ""  # the normalised identifier, or the date's or number's lexical form


@dataclass
class SourceAudit:
    """What one named graph states against its archived source."""

    source: Source
    quotes: list[Quote] = field(default_factory=list)
    identifiers: list[Checked] = field(default_factory=list)
    dated: list[Checked] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @staticmethod
    def _tally(items: Sequence[Any], ok: str) -> tuple[int, int]:
        return sum(1 for i in items if getattr(i, ok)), len(items)

    @property
    def quotes_tally(self) -> tuple[int, int]:
        return self._tally(self.quotes, "found")

    @property
    def identifiers_tally(self) -> tuple[int, int]:
        return self._tally(self.identifiers, "verified")

    @property
    def dated_tally(self) -> tuple[int, int]:
        return self._tally(self.dated, "verified")

    def summary(self, root: Path | None = None) -> dict[str, Any]:
        """One row of ``evkg sources`` (and of the docs site's table): the source and its tallies.

        ``archive`` is the archived copy's file relative to the data folder ``root`` when inside it.
        """
        s = self.source
        return {
            "graph": s.graph,
            "label": {lang: s.labels[lang] for lang in sorted(s.labels)},
            "kind": s.kind,
            "grade": s.grade,
            "page": s.page(),
            "archive": _archive_name(s, root) if s.path is not None else None,
            "retrievedFrom": s.retrieved_from,
            "retrievedOn": s.retrieved_on,
            "storedCopyDate": s.stored_on,
            "extent": s.extent,
            "language": s.language,
            "license": s.copy_license,
            "rights": dict(sorted(s.copy_rights.items())),
            "quotes": list(self.quotes_tally),
            "identifiers": list(self.identifiers_tally),
            "datesAndNumbers": list(self.dated_tally),
            "problems": len(self.problems),
        }


# --- reading the graph -------------------------------------------------------------------------------------
def _query(name: str) -> str:
    return resources.files("evkg.quality").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _rows(kg: Dataset, name: str) -> Iterable[Any]:
    return kg.store.query(_query(name), use_default_graph_as_union=False)  # type: ignore[return-value]


def _v(term: Any) -> str:
    return str(getattr(term, "value", term))


def _key(term: Any) -> tuple[str, str, str]:
    """A term as a comparable key: kind, value, datatype or language."""
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or term.datatype.value)
    return (type(term).__name__, _v(term), "")


def _not_a_page(url: str) -> bool:
    """A site's root, a repository's root, or an IRI of evkg's own."""
    if url.startswith(OWN):
        return True
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not parts.scheme.startswith("http") or not segments:
        return True
    return parts.netloc.lower() in ("github.com", "gitlab.com") and len(segments) <= 2


_NORMALISED = {kind: re.compile(pattern) for kind, pattern in ids.PATTERNS.items()}


def _identifier_of_literal(prop: str, value: str) -> tuple[str, str] | None:
    kind = IDENTIFIER_PROPERTIES.get(prop)
    if kind is not None:
        if _NORMALISED[kind].match(value):
            return kind, value  # already in normalised form (the shapes ask for it)
        try:
            return kind, ids.normalize(kind, value)
        except ids.IdentifierError:
            return kind, value
    if prop == SKOS_NOTATION:  # a notation is an identifier when it has an identifier's form
        for candidate in ("go", "pmcid", "mesh", "doi"):
            if _NORMALISED[candidate].match(value):
                return candidate, value
    return None


def _occurs(text: str, form: str) -> bool:
    """Whether ``form`` is in ``text`` other than inside a longer number (``13`` is not in ``2013``)."""
    start = text.find(form)
    while start >= 0:
        end = start + len(form)
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if not (form[0].isdigit() and before.isdigit()) and not (form[-1].isdigit() and after.isdigit()):
            return True
        start = text.find(form, start + 1)
    return False


def _printed(source: Source, kind: str, value: str) -> bool:
    """Whether an identifier is printed in the source's text (a DOI in any case)."""
    text = source.text
    if text is None:
        return False
    if kind == "doi":
        return value.lower() in source.lowered
    return _occurs(text.text, value)


# --- the audit ---------------------------------------------------------------------------------------------
def audit(kg: Dataset, search: Sequence[Path] = ()) -> list[SourceAudit]:
    """Every named graph that describes itself, checked against its archived source (see the module doc)."""
    audits = {s.graph: SourceAudit(s) for s in sources(kg, search)}
    _check_copies(audits.values())
    evidence = _evidence(kg, audits)
    statements = _statements(kg)
    _check_quotes(kg, audits, evidence)
    _check_identifiers(kg, audits, statements)
    _check_dated(kg, audits, evidence, statements)
    _check_tags(kg, audits)
    return [audits[g] for g in sorted(audits)]


def _check_copies(audits: Iterable[SourceAudit]) -> None:
    for a in audits:
        s = a.source
        for url in s.derived_from:
            if _not_a_page(url):
                a.problems.append(Problem("source-not-a-page", s.graph, s.graph, PROV_DERIVED, url))
        if s.kind == "translation" and not s.curators_work:
            a.problems.append(Problem("translation-graded-primary", s.graph, s.graph, EVKG + "evidenceGrade", s.grade))
        if s.curators_work or s.kind == "translation":
            continue  # the curators' own words: no source text to archive
        if s.registry_snapshot:
            if s.path is None:
                a.problems.append(Problem("archive-file-missing", s.graph, s.graph, EVKG + "responseSha256", s.slug))
            elif s.actual_sha256 != (s.response_sha256 or "").lower():
                a.problems.append(Problem("archive-checksum", s.graph, s.graph, EVKG + "responseSha256", s.path.name))
            continue
        if s.copy is None or s.file is None:
            a.problems.append(Problem("no-archived-copy", s.graph, s.graph, EVKG + "archivedCopy", None))
            continue
        copy = URIRef(s.copy)
        if s.path is None:
            a.problems.append(Problem("archive-file-missing", s.graph, copy, EVKG + "archiveFile", s.file))
            continue
        if not Path(s.file).name.startswith(s.slug.rsplit("/", 1)[-1] + "."):
            a.problems.append(Problem("archive-not-named-after-graph", s.graph, copy, EVKG + "archiveFile", s.file))
        if s.sha256 != s.actual_sha256:
            a.problems.append(Problem("archive-checksum", s.graph, copy, SPDX_CHECKSUM, s.sha256 or ""))
        missing = [
            name
            for name, present in (
                ("pav:retrievedFrom", s.retrieved_from),
                ("pav:retrievedOn", s.retrieved_on),
                ("evkg:archiveExtent", s.extent),
                ("dcterms:license or dcterms:rights", s.copy_license or s.copy_rights),
            )
            if not present
        ]
        if missing:
            a.problems.append(Problem("archive-provenance", s.graph, copy, None, ", ".join(missing)))


PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
SPDX_CHECKSUM = "http://spdx.org/rdf/terms#checksum"


def _own_work(a: SourceAudit | None) -> bool:
    """A graph of the curators' own words (a translation, the curators' graph): no source text to check against."""
    return a is None or a.source.curators_work or a.source.kind == "translation"


def _checkable(a: SourceAudit | None) -> FoldedText | None:
    """The archived text of a graph whose statements are a source's (None for the curators' own work)."""
    return None if a is None or _own_work(a) else a.source.text


@dataclass
class _Evidence:
    iri: Any
    exact: str
    sources: set[str] = field(default_factory=set)
    statements: list[tuple[Any, Any, Any]] = field(default_factory=list)
    selector: Any = None


def _evidence(kg: Dataset, audits: dict[str, SourceAudit]) -> dict[tuple[str, Any], _Evidence]:
    """Evidence quotes of every graph, keyed by (graph, selector key)."""
    out: dict[tuple[str, Any], _Evidence] = {}
    for row in _rows(kg, "evidence"):
        g = _v(row["graph"])
        key = (g, _key(row["selector"]))
        e = out.setdefault(key, _Evidence(row["evidence"], _v(row["exact"]), selector=row["selector"]))
        if row["source"] is not None:
            e.sources.add(_v(row["source"]))
            if row["sourceUrl"] is not None:
                e.sources.add(_v(row["sourceUrl"]))
        if row["s"] is not None:
            triple = (row["s"], row["p"], row["o"])
            if triple not in e.statements:
                e.statements.append(triple)
    return out


def _same_page(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def _check_quotes(kg: Dataset, audits: dict[str, SourceAudit], evidence: dict[tuple[str, Any], _Evidence]) -> None:
    for row in _rows(kg, "quoted"):
        g = _v(row["graph"])
        a = audits.get(g)
        text = _checkable(a)
        if a is None or _own_work(a):
            continue
        prop, value = _v(row["property"]), _v(row["value"])
        quote = Quote(row["subject"], prop, value, language=row["value"].language or "")
        if prop == OA_EXACT:
            e = evidence.get((g, _key(row["subject"])))
            if e is not None:
                quote.evidence, quote.statements = _v(e.iri), e.statements
                if e.sources and not any(_same_page(x, y) for x in e.sources for y in a.source.derived_from):
                    a.problems.append(
                        Problem(
                            "quote-names-another-source",
                            g,
                            e.iri,
                            "http://www.w3.org/ns/oa#hasSource",
                            sorted(e.sources)[0],
                        )
                    )
        if text is not None:
            quote.found = value in text
        a.quotes.append(quote)
        if text is not None and not quote.found:
            a.problems.append(Problem("quote-not-in-source", g, row["subject"], prop, row["value"]))


def _check_identifiers(kg: Dataset, audits: dict[str, SourceAudit], statements: set[tuple[str, Any]]) -> None:
    seen: set[tuple[str, str, str, str]] = set()
    for row in _rows(kg, "identifiers"):
        g = _v(row["graph"])
        a = audits.get(g)
        if a is None or _own_work(a) or (g, _key(row["subject"])) in statements:
            continue
        prop, value = _v(row["property"]), row["value"]
        found = (
            _identifier_of_literal(prop, value.value)
            if isinstance(value, ox.Literal)
            else ids.identifier_of_iri(value.value)
        )
        if found is None:
            continue
        kind, normalised = found
        if (g, _v(row["subject"]), kind, normalised) in seen:
            continue  # the same identifier as literal and as IRI is checked once
        seen.add((g, _v(row["subject"]), kind, normalised))
        text = a.source.text
        how = ""
        if text is not None and _printed(a.source, kind, normalised):
            how = "text"
        elif a.source.retrieved_from and ids.record_identifier(a.source.retrieved_from) == (kind, normalised):
            how = "address"
        a.identifiers.append(Checked(row["subject"], prop, value, kind, bool(how), how, normalised))
        if not how and text is not None:
            a.problems.append(Problem("identifier-not-in-source", g, row["subject"], prop, value))


#: Properties whose dates and numbers are not a source's statements: provenance, ordinals made from a list's order.
NOT_STATED = {
    "https://schema.org/position",
    EVKG + "authorPosition",
    "http://www.w3.org/ns/prov#generatedAtTime",
    "http://purl.org/pav/retrievedOn",
    EVKG + "storedCopyDate",
}
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short")} | {
    XSD + t for t in ("positiveInteger", "nonNegativeInteger", "negativeInteger", "nonPositiveInteger")
}


def _statements(kg: Dataset) -> set[tuple[str, Any]]:
    """(graph, key) of every reified statement: evidence bodies, which state nothing of their own."""
    return {(_v(row["graph"]), _key(row["subject"])) for row in _rows(kg, "statements")}


def _check_dated(
    kg: Dataset,
    audits: dict[str, SourceAudit],
    evidence: dict[tuple[str, Any], _Evidence],
    statements: set[tuple[str, Any]],
) -> None:
    backed: set[tuple[str, Any, Any, Any]] = set()
    for (g, _), e in evidence.items():
        text = _checkable(audits.get(g))
        if text is not None and e.exact in text:
            for s, p, o in e.statements:
                backed.add((g, _key(s), _key(p), _key(o)))
    copies = {a.source.copy for a in audits.values() if a.source.copy}
    with_evidence = {g for g, *_ in backed}
    rows = [*_rows(kg, "dated"), *_rows(kg, "dated_strings")]
    for row in rows:
        g = _v(row["graph"])
        a = audits.get(g)
        if a is None or _own_work(a) or a.source.registry_snapshot:
            continue  # a registry's answer is structured data, not a text: its dates are not written out
        prop, value, subject = _v(row["property"]), row["value"], row["subject"]
        datatype = value.datatype.value
        if prop in NOT_STATED or not (datatype in _DATE_TYPES or datatype in _NUMERIC or datatype == XSD + "string"):
            continue
        if isinstance(subject, ox.BlankNode):
            if (g, _key(subject)) in statements:
                continue
        elif subject.value == g or subject.value in copies:
            continue
        text = a.source.text
        kind = "date" if datatype in _DATE_TYPES else "number"
        how = ""
        if g in with_evidence and (g, _key(subject), _key(row["property"]), _key(value)) in backed:
            how = "evidence"
        elif text is not None:
            if datatype in _DATE_TYPES and _DATE_TYPES[datatype] != "gYear":
                printed = date_key(value.value, _DATE_TYPES[datatype]) in a.source.printed_dates
            else:
                printed = value.value.strip() in a.source.printed_numbers
            how = "text" if printed else ""
        a.dated.append(Checked(subject, prop, value, kind, bool(how), how, value.value))
        if not how and text is not None:
            a.problems.append(Problem("date-or-number-not-in-source", g, subject, prop, value))


def _check_tags(kg: Dataset, audits: dict[str, SourceAudit]) -> None:
    for row in _rows(kg, "tagged"):
        g = _v(row["graph"])
        a = audits.get(g)
        if a is None:
            continue  # the ontology and vocabularies are evkg's own terms, not a source's statements
        value = row["value"]
        if _v(row["tag"]).lower().startswith("ja"):
            src = a.source
            if src.language == "ja" and src.text is not None and value.value in src.text:
                continue  # the graph's Japanese source writes it so ("JSRM", "Dr. Kenneth W. Witwer")
            check = "latin-text-tagged-ja"
        else:
            check = "japanese-text-tagged-en"
        a.problems.append(Problem(check, g, row["subject"], _v(row["property"]), value))


# --- findings ----------------------------------------------------------------------------------------------
@functools.cache
def messages() -> dict[str, dict[str, str]]:
    """The checks' severities and messages (``truth.toml``): id -> {severity, en, ja}."""
    with resources.files("evkg.quality").joinpath("truth.toml").open("rb") as fh:
        return tomllib.load(fh)


def findings(audits: Iterable[SourceAudit], describer: Describer, data_root: Path | None = None) -> list[Finding]:
    """The problems of ``audits`` as findings, in the describer's language."""
    table = messages()
    out = []
    for a in audits:
        where = _archive_name(a.source, data_root)
        for p in a.problems:
            node = to_rdflib(p.subject) if not isinstance(p.subject, str | URIRef) else URIRef(str(p.subject))
            owner = describer.owner(node)
            value = p.value
            if value is not None and not isinstance(value, str):
                value = describer.name(to_rdflib(value))
            elif isinstance(value, str) and value.startswith(("http://", "https://")):
                value = describer.name(URIRef(value))
            spec = table[p.check]
            out.append(
                Finding(
                    focus=describer.name(node) or "",
                    focus_label=describer.label(node),
                    path=describer.name(URIRef(p.property)) if p.property else None,
                    value=value,
                    message=spec.get(describer.lang) or spec["en"],
                    severity=spec.get("severity", "Violation"),
                    component=f"truth:{p.check}",
                    source=where,
                    graphs=(describer.name(URIRef(p.graph)) or p.graph,),
                    entity=describer.name(owner) or "",
                    entity_label=describer.label(owner),
                )
            )
    return out


def _archive_name(src: Source, root: Path | None) -> str:
    """The archived copy's file as a finding names it (relative to the data folder when inside it)."""
    if src.path is None:
        return "evkg.quality.truth"
    if root is not None:
        try:
            return src.path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(src.path)


def check_truth(ctx: Context) -> list[Finding]:
    """The truth check (:data:`evkg.quality.context.Check`): every source graph against its archived source."""
    return findings(audit(ctx.kg, ctx.archive_folders), ctx.describer, ctx.kg.data.root)


def by_graph(audits: Iterable[SourceAudit]) -> dict[str, list[Problem]]:
    """Problems grouped by graph IRI."""
    out: dict[str, list[Problem]] = defaultdict(list)
    for a in audits:
        out[a.source.graph].extend(a.problems)
    return dict(out)


__all__ = [
    "IDENTIFIER_PROPERTIES",
    "QUOTED_PROPERTIES",
    "Checked",
    "Problem",
    "Quote",
    "SourceAudit",
    "audit",
    "by_graph",
    "check_truth",
    "findings",
    "messages",
]
