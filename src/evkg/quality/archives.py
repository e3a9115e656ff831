"""The sources of the graph and their archived copies: what each named graph says it was read from.

A source graph describes itself (decision 0014): ``prov:wasDerivedFrom`` the page, and
``evkg:archivedCopy archive:X``, whose ``evkg:archiveFile`` names the text its curator read, kept under
``graph/_sources/`` with where (``pav:retrievedFrom``) and when (``pav:retrievedOn``) it was read, its
SHA-256 (``spdx:checksum``), its extent (whole text or excerpts) and the source's licence or rights. A
graph fetched from a registry by ``evkg link`` keeps the raw answer beside it instead
(``evkg:responseSha256``; ``graph/external/crossref/x.ttl`` beside ``x.json``).

:func:`sources` reads those descriptions from a loaded graph; :class:`Source` finds and reads the archived
text. :func:`fold` is the one comparison of a quote with its source (only Unicode NFKC and runs of white
space are folded); :class:`FoldedText` also finds where, in the archived text, a quote is, so it can be
shown in the original.

>>> fold("  日本再生医療学会は 2001\\n年  ")
'日本再生医療学会は 2001 年'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from evkg.quality.forms import printed_dates, printed_numbers
from evkg.query.engine import solutions
from evkg.rdf.labels import pick_label

if TYPE_CHECKING:
    from evkg.data.layout import DataDir


class Dataset(Protocol):
    """What the audit reads: a store of named graphs and the data folder it was loaded from (a
    :class:`~evkg.query.knowledge_graph.KnowledgeGraph`, or the site of ``evkg serve``)."""

    @property
    def store(self) -> ox.Store: ...

    @property
    def data(self) -> DataDir: ...


#: Where archived copies live, inside a data folder's ``graph/`` (and beside a curator's file).
SOURCES_FOLDER = "_sources"
#: Suffixes of the raw registry answers ``evkg link`` keeps beside a fetched graph.
RAW_SUFFIXES = (".json", ".xml")

EVKG = "https://w3id.org/evkg/ontology/"
PAV = "http://purl.org/pav/"
SPDX = "http://spdx.org/rdf/terms#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


# --- folding -----------------------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """``text`` as quotes are compared: Unicode NFKC, every run of white space one space, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


class FoldedText:
    """An archived text, folded as :func:`fold` does; :meth:`find_all` maps what it finds back to the text."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = fold(raw)

    @cached_property
    def _mapped(self) -> tuple[str, list[int]]:
        """The text folded character by character, with the archived text's offset of every folded character."""
        chars: list[str] = []
        offsets: list[int] = []
        for i, c in enumerate(self.raw):
            for part in unicodedata.normalize("NFKC", c):
                if part.isspace():
                    if not chars or chars[-1] == " ":
                        continue
                    part = " "
                chars.append(part)
                offsets.append(i)
        while chars and chars[-1] == " ":
            chars.pop()
            offsets.pop()
        return "".join(chars), offsets

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        """Every place of ``needle`` (folded) in the text, as (start, end) offsets in the archived text."""
        target = fold(needle)
        if not target or target not in self.text:
            return []
        text, offsets = self._mapped
        spans = []
        start = text.find(target)
        while start >= 0:
            spans.append((offsets[start], offsets[start + len(target) - 1] + 1))
            start = text.find(target, start + 1)
        return spans

    def __contains__(self, needle: object) -> bool:
        if not isinstance(needle, str):
            return False
        target = fold(needle)
        return bool(target) and target in self.text


# --- the description of a source --------------------------------------------------------------------------
@dataclass
class Source:
    """A named graph as it describes itself, with its archived copy (if any)."""

    graph: str  # IRI of the named graph
    kind: str  # "source" or "translation"
    grade: str | None = None  # IRI of its evkg:evidenceGrade
    derived_from: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # language -> label
    translation_of: str | None = None
    license: str | None = None  # licence of the graph's own statements
    copy: str | None = None  # IRI of the archive: node
    file: str | None = None  # evkg:archiveFile
    retrieved_from: str | None = None
    retrieved_on: str | None = None
    stored_on: str | None = None
    extent: str | None = None  # IRI: evkg:wholeText or evkg:excerpts
    language: str | None = None  # ISO 639-1 code of the archived text
    sha256: str | None = None  # recorded
    copy_license: str | None = None
    copy_rights: dict[str, str] = field(default_factory=dict)
    response_sha256: str | None = None  # a registry snapshot's raw answer
    path: Path | None = None  # the archived text found on disk

    @property
    def curators_work(self) -> bool:
        """A translation or the curators' own graph: no source's words to archive (decision 0014)."""
        return self.grade == EVKG + "curatorsWork"

    @property
    def registry_snapshot(self) -> bool:
        return self.copy is None and self.response_sha256 is not None

    @property
    def slug(self) -> str:
        """The graph's name inside ``graph/`` (``jsrm-press-release-2025-08-28``, ``external/crossref/x``)."""
        base = "https://w3id.org/evkg/graph/"
        return self.graph[len(base) :] if self.graph.startswith(base) else self.graph

    @cached_property
    def raw(self) -> bytes | None:
        return self.path.read_bytes() if self.path is not None and self.path.is_file() else None

    @cached_property
    def actual_sha256(self) -> str | None:
        return hashlib.sha256(self.raw).hexdigest() if self.raw is not None else None

    @cached_property
    def text(self) -> FoldedText | None:
        """The archived text, folded for comparison (None when there is none to read)."""
        if self.raw is None:
            return None
        return FoldedText(self.raw.decode("utf-8", errors="replace"))

    @cached_property
    def lowered(self) -> str:
        """The folded archived text in lower case (a DOI is found in any case)."""
        return self.text.text.lower() if self.text is not None else ""

    @cached_property
    def printed_dates(self) -> frozenset[str]:
        """The dates and months the archived text prints, as ISO keys (:func:`evkg.quality.forms.printed_dates`)."""
        return frozenset(printed_dates(self.text.text)) if self.text is not None else frozenset()

    @cached_property
    def printed_numbers(self) -> frozenset[str]:
        """The numbers and digit tokens the archived text prints (:func:`evkg.quality.forms.printed_numbers`)."""
        return frozenset(printed_numbers(self.text.text)) if self.text is not None else frozenset()

    def label(self, lang: str) -> str:
        chosen = pick_label(((0, tag, text) for tag, text in self.labels.items()), lang, anything=False)
        return chosen[0] if chosen else self.slug

    def page(self) -> str | None:
        """The page the graph cites (its first ``prov:wasDerivedFrom``, sorted)."""
        return sorted(self.derived_from)[0] if self.derived_from else None


def _query(name: str) -> str:
    return resources.files("evkg.quality").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _value(term: object) -> str:
    return str(getattr(term, "value", term))


#: What a source graph says of itself, and what its archived copy's description says: property -> field.
_GRAPH_FIELDS = {
    EVKG + "evidenceGrade": "grade",
    EVKG + "translationOfGraph": "translation_of",
    DCTERMS + "license": "license",
    EVKG + "archivedCopy": "copy",
    EVKG + "responseSha256": "response_sha256",
}
_COPY_FIELDS = {
    EVKG + "archiveFile": "file",
    PAV + "retrievedFrom": "retrieved_from",
    PAV + "retrievedOn": "retrieved_on",
    EVKG + "storedCopyDate": "stored_on",
    EVKG + "archiveExtent": "extent",
    DCTERMS + "license": "copy_license",
}


def sources(kg: Dataset, search: Sequence[Path] = ()) -> list[Source]:
    """Every named graph that describes itself (source and translation graphs), sorted by IRI.

    Archived copies are looked for in ``search`` (e.g. ``_sources/`` beside curator files) and then in
    the data folder's ``graph/_sources/``; a registry snapshot's raw answer beside its graph file.
    """
    found: dict[str, Source] = {}
    for row in solutions(kg.store.query(_query("source_graphs"), use_default_graph_as_union=False)):
        g = _value(row["graph"])
        kind = "translation" if _value(row["kind"]).endswith("TranslationGraph") else "source"
        src = found.setdefault(g, Source(g, kind))
        if kind == "translation":
            src.kind = kind
        prop, value = _value(row["property"]), row["value"]
        text = _value(value)
        if prop in _GRAPH_FIELDS:
            setattr(src, _GRAPH_FIELDS[prop], text)
        elif prop == PROV + "wasDerivedFrom":
            if text not in src.derived_from:
                src.derived_from.append(text)
        elif prop == RDFS + "label" and isinstance(value, ox.Literal) and value.language:
            src.labels.setdefault(value.language, text)
    copies = {s.copy: s for s in found.values() if s.copy}
    for row in solutions(kg.store.query(_query("archived_copies"), use_default_graph_as_union=False)):
        copy = copies.get(_value(row["copy"]))
        if copy is None or _value(row["graph"]) != copy.graph:
            continue
        prop, value = _value(row["property"]), row["value"]
        text = _value(value)
        if prop in _COPY_FIELDS:
            setattr(copy, _COPY_FIELDS[prop], text)
        elif prop == DCTERMS + "language":
            copy.language = text.rstrip("/").rsplit("/", 1)[-1]
        elif prop == SPDX + "checksumValue":
            copy.sha256 = text.lower()
        elif prop == DCTERMS + "rights" and isinstance(value, ox.Literal):
            copy.copy_rights[value.language or "en"] = text
    graph_dir = kg.data.graph_dir
    folders = [*search, graph_dir / SOURCES_FOLDER]
    for copy in found.values():
        copy.path = locate(copy, graph_dir, folders)
    return [found[g] for g in sorted(found)]


def locate(src: Source, graph_dir: Path, folders: Iterable[Path]) -> Path | None:
    """The file of ``src``'s archived copy (or raw registry answer), if it exists."""
    if src.file:
        name = Path(src.file)
        if name.is_absolute() or ".." in name.parts:
            return None  # an archive name never leaves its folder
        for folder in folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        return None
    if src.response_sha256:
        for suffix in RAW_SUFFIXES:
            candidate = graph_dir / (src.slug + suffix)
            if candidate.is_file():
                return candidate
    return None


__all__ = ["Dataset", "EVKG", "FoldedText", "RAW_SUFFIXES", "SOURCES_FOLDER", "Source", "fold", "locate", "sources"]
