"""``evkg link import FILE``: BibTeX (bibtexparser), RIS (rispy) and CSL-JSON references.

Each reference becomes a :class:`~evkg.link.work.Work`, is matched against the graph's
publications by normalised DOI, then PMID, then title + year (case, accents and punctuation
ignored), and the unmatched ones are written as ``graph/imports/<file stem>.ttl`` (one named
graph, ``graph:imports/<stem>``, describing its own provenance). Re-importing the same file
rewrites that graph; the report says what was added and what was matched.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import URIRef

from evkg.atomic import write_bytes
from evkg.data import prefixes as prefix_registry
from evkg.data.layout import display_path
from evkg.errors import EvkgError, UsageError
from evkg.link.cache import sha256_hex
from evkg.link.enrichment import writable
from evkg.link.rdfmap import Lookup, Provenance, Vocab, publication_iri, serialize, work_graph
from evkg.link.work import Contributor, Work, ascii_slug, clean_text, safe, work_from_csl

CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"


class ImportError_(EvkgError):
    """A reference file that cannot be read."""


def _names(text: str) -> list[Contributor]:
    out = []
    for part in re.split(r"\s+and\s+", text.strip()):
        part = part.strip().strip("{}")
        if not part:
            continue
        if "," in part:
            family, given = (p.strip() for p in part.split(",", 1))
            out.append(Contributor(family=family, given=given or None))
        elif " " in part:
            given, family = part.rsplit(" ", 1)
            out.append(Contributor(family=family, given=given))
        else:
            out.append(Contributor(literal=part))
    return out


def read_bibtex(text: str, where: str) -> list[Work]:
    # lazy: each input format's library loads only when a file of that format is read
    import bibtexparser

    # bibtexparser logs a failed block as a warning and goes on; the failure is said here, in one line
    logger = logging.getLogger("bibtexparser")
    level, logger.level = logger.level, logging.ERROR
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logger.setLevel(level)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = f":{block.start_line + 1}" if block.start_line is not None else ""
        error = getattr(block, "error", None)
        reason = " ".join(str(getattr(error, "abort_reason", error) or "").split())
        raise ImportError_(f"{where}{line}: cannot parse this BibTeX entry" + (f" ({reason})" if reason else ""))
    works = []
    for entry in library.entries:
        raw_fields = {k.lower(): str(fld.value) for k, fld in entry.fields_dict.items()}
        get = {k: clean_text(v.replace("{", "").replace("}", "")) for k, v in raw_fields.items()}
        year = get.get("year")
        work = Work(
            title=get.get("title"),
            type="article-journal" if entry.entry_type.lower() == "article" else "article",
            authors=_names(raw_fields["author"]) if raw_fields.get("author") else [],
            container_title=get.get("journal"),
            volume=get.get("volume"),
            issue=get.get("number"),
            page=(get.get("pages") or "").replace("--", "-") or None,
            issued=(int(year),) if year and year.isdigit() else (),
            doi=safe("doi", get.get("doi")),
            pmid=safe("pmid", get.get("pmid")),
            pmcid=safe("pmcid", get.get("pmcid")),
        )
        works.append(work)
    return works


def read_ris(text: str, where: str) -> list[Work]:
    # lazy: each input format's library loads only when a file of that format is read
    import rispy

    try:
        entries = rispy.loads(text)
    except Exception as exc:  # rispy raises IOError/ValueError subclasses without a common base
        raise ImportError_(f"{where}: cannot parse RIS ({exc})") from None
    works = []
    for e in entries:
        year = str(e.get("year") or e.get("publication_year") or "")[:4]
        first, last = e.get("start_page"), e.get("end_page")
        authors = []
        for name in e.get("authors") or e.get("first_authors") or []:
            family, _, given = str(name).partition(",")
            authors.append(Contributor(family=family.strip(), given=given.strip() or None))
        works.append(
            Work(
                title=clean_text(e.get("title") or e.get("primary_title")),
                authors=authors,
                container_title=clean_text(e.get("journal_name") or e.get("secondary_title")),
                nlm_abbreviation=None,
                volume=clean_text(e.get("volume")),
                issue=clean_text(e.get("number")),
                page=f"{first}-{last}" if first and last else clean_text(first),
                issued=(int(year),) if year.isdigit() else (),
                doi=safe("doi", e.get("doi")),
            )
        )
    return works


def read_csl_json(text: str, where: str) -> list[Work]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{where}:{exc.lineno}:{exc.colno}: malformed CSL-JSON ({exc.msg})") from None
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(i, dict) for i in items):
        raise ImportError_(f"{where}: CSL-JSON must be an item or a list of items")
    return [work_from_csl(i) for i in items]


READERS = {".bib": read_bibtex, ".bibtex": read_bibtex, ".ris": read_ris, ".json": read_csl_json}


def _key(text: str | None, year: int | None) -> str | None:
    if not text or not year:
        return None
    return f"{ascii_slug(text).replace('-', '')}|{year}"


@dataclass
class ImportResult:
    added: list[tuple[str, str]] = field(default_factory=list)
    matched: list[tuple[str, str, str]] = field(default_factory=list)
    path: str | None = None

    def lines(self) -> list[str]:
        out = [f"matched {iri} by {how}: {title}" for iri, how, title in self.matched]
        out += [f"added {iri}: {title}" for iri, title in self.added]
        out.append(
            f"{len(self.added)} added, {len(self.matched)} matched" + (f"; wrote {self.path}" if self.path else "")
        )
        return out


def import_file(file: Path, data_dir: str | Path | None, *, dry_run: bool = False) -> ImportResult:
    """Import the references of a BibTeX, RIS or CSL-JSON file into one graph file, ``graph/imports/<name>.ttl``."""
    reader = READERS.get(file.suffix.lower())
    if reader is None:
        raise UsageError(f"{file}: unknown reference format (use .bib, .ris or .json)")
    try:
        raw = file.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{file}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{file}: not UTF-8 (byte {exc.start})") from None
    works = reader(text, display_path(file))
    data = writable(data_dir)
    registry = prefix_registry.read(data.prefixes_file)
    vocab = Vocab.of(registry)
    lookup = Lookup.load(data, registry)
    titles: dict[str, URIRef] = {}
    for s, o in lookup.ds.subject_objects(registry.expand("dcterms:title")):
        year = lookup.ds.value(s, registry.expand("dcterms:issued"))
        key = _key(str(o), int(str(year)[:4]) if year is not None and str(year)[:4].isdigit() else None)
        if key and isinstance(s, URIRef):
            titles.setdefault(key, s)
    result = ImportResult()
    stem = ascii_slug(file.stem) or "references"
    graph_iri = vocab.graph[f"imports/{stem}"]
    g = registry.graph(identifier=graph_iri)
    for work in works:
        hit, how = None, ""
        if work.doi:
            hit, how = lookup.publication_by_doi(work.doi), "DOI"
        if hit is None and work.pmid:
            hit, how = lookup.publication_by_pmid(work.pmid), "PMID"
        if hit is None:
            hit, how = titles.get(_key(work.title, work.year) or ""), "title and year"
        if hit is not None:
            result.matched.append((str(hit), how, work.title or ""))
            continue
        pub = publication_iri(work, None, vocab)
        g += work_graph(work, prefixes=registry, graph_iri=graph_iri, provenance=None, lookup=lookup, publication=pub)
        result.added.append((str(pub), work.title or ""))
    if result.added and not dry_run:
        prov = Provenance(
            "import",
            f"ni:///sha-256;{sha256_hex(raw)}",
            datetime.now(UTC).replace(microsecond=0),
            sha256_hex(raw),
            CC0,
            f"References imported from {file.name}",
        )
        g += work_graph(
            Work(), prefixes=registry, graph_iri=graph_iri, provenance=prov, publication=vocab.publication["_"]
        )
        g.remove((vocab.publication["_"], None, None))
        target = data.graph_dir / "imports" / f"{stem}.ttl"
        target.parent.mkdir(parents=True, exist_ok=True)

        write_bytes(target, serialize(g))
        result.path = data.relative(target)
    return result


__all__ = ["import_file"]
