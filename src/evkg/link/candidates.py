"""Unverified identifiers kept as *candidates* in ``graph/_candidates.tsv`` (not loaded), checked on request.

Each line: ``kind<TAB>value<TAB>about<TAB>note`` (``#`` starts a comment). ``about`` is the slug or
IRI of the entity the identifier is believed to belong to. :func:`check` reports, per candidate:

- ``confirmed`` — the registry has the DOI (Crossref), or a registry record in the graph lists the
  ORCID for a person of the ``about`` publication;
- ``not-found`` — the registry answers 404 for it;
- ``unconfirmed`` — no registry record says so (yet); ``invalid`` — malformed; ``error`` — the check failed.

Nothing is written: a confirmed candidate enters the graph only through a registry snapshot
(``evkg link enrich --doi …``) or a curator's edit citing that record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS

from evkg.data import identifiers as ids
from evkg.data import layout
from evkg.data import prefixes as prefix_registry
from evkg.errors import EvkgError
from evkg.link import crossref
from evkg.link.config import LinkConfig
from evkg.link.http import FetchError, PoliteClient
from evkg.link.rdfmap import Lookup, Vocab

FILE = "_candidates.tsv"


@dataclass
class Candidate:
    line: int
    kind: str
    value: str
    about: str
    note: str


@dataclass
class Result:
    candidate: Candidate
    status: str
    detail: str

    def line(self) -> str:
        c = self.candidate
        return f"{FILE}:{c.line}: {c.kind} {c.value} ({c.about or '-'}): {self.status} — {self.detail}"


def read(path: Path) -> list[Candidate]:
    """The candidates of a candidates file (tab-separated; blank lines and ``#`` comments skipped)."""
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = raw.split("\t") + ["", "", ""]
        out.append(Candidate(number, cells[0].strip(), cells[1].strip(), cells[2].strip(), cells[3].strip()))
    return out


def check(data_dir: str | Path | None, *, config: LinkConfig, offline: bool = False) -> list[Result]:
    """Check every candidate of ``graph/_candidates.tsv`` against the registries (nothing is written)."""
    data = layout.resolve(data_dir)
    path = data.graph_dir / FILE
    if not path.is_file():
        raise EvkgError(f"{layout.display_path(path)}: no candidates file")
    registry = prefix_registry.read(data.prefixes_file)
    lookup = Lookup.load(data, registry)
    vocab = Vocab.of(registry)
    results: list[Result] = []
    client: PoliteClient | None = None
    try:
        for c in read(path):
            try:
                value = ids.normalize(c.kind, c.value)
            except ids.IdentifierError as exc:
                results.append(Result(c, "invalid", str(exc)))
                continue
            if c.kind == "doi":
                if offline:
                    results.append(Result(c, "unconfirmed", "not checked (offline)"))
                    continue
                client = client or PoliteClient(config)
                try:
                    work = crossref.parse(crossref.fetch(client, value).content, f"crossref {value}")
                    results.append(Result(c, "confirmed", f"Crossref has it: {work.title or '(no title)'}"))
                except FetchError as exc:
                    results.append(Result(c, "not-found" if exc.not_found else "error", str(exc)))
                except EvkgError as exc:
                    results.append(Result(c, "error", str(exc)))
            elif c.kind == "orcid":
                people = lookup._subjects(vocab.evkg.orcid, Literal(value))
                about = [p for p in lookup.ds.subjects(DCTERMS.creator, None) if str(p).endswith("/" + c.about)]
                hits = [p for p in people if any((pub, DCTERMS.creator, p) in lookup.ds for pub in about)]
                if hits:
                    results.append(Result(c, "confirmed", f"a registry record lists it for {hits[0]}"))
                else:
                    results.append(Result(c, "unconfirmed", "no record in the graph lists it (enrich first)"))
            else:
                results.append(Result(c, "unconfirmed", f"no registry check for {c.kind} identifiers"))
    finally:
        if client is not None:
            client.close()
    return results


__all__ = ["check", "read"]
