"""``evkg link enrich``: fetch registry records of the graph's publications and snapshot them as named graphs.

For each publication of the curated graph with a DOI (Crossref, falling back to DOI content
negotiation when Crossref does not know the DOI) or a PMID (PubMed ESummary), the raw answer is
mapped to RDF (:mod:`evkg.link.rdfmap`) and written with :mod:`evkg.link.cache` under
``graph/external/<registry>/<slug>.*``. Each snapshot is all-or-nothing: a failed request or a
malformed answer leaves the previous files untouched. ``offline=True`` replays the cached answers
(with their recorded time) and gives byte-identical files. Every outcome says what changed since
the previous snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from evkg.data import identifiers as ids
from evkg.data import layout
from evkg.data import prefixes as prefix_registry
from evkg.data.layout import DataDir, display_path
from evkg.errors import EvkgError, UsageError
from evkg.link import crossref, csl, pubmed
from evkg.link.cache import FetchRecord, Snapshot, sha256_hex, write_snapshot
from evkg.link.config import LinkConfig
from evkg.link.http import Fetched, FetchError, PoliteClient
from evkg.link.rdfmap import Lookup, Provenance, Vocab, publication_iri, serialize, slug_of, work_graph
from evkg.link.work import Work
from evkg.progress import bar
from evkg.rdf.parse import parse_rdflib


@dataclass(frozen=True)
class Registry:
    """One source of records: how to fetch by identifier, how to parse, where to keep snapshots."""

    name: str
    kind: str  # identifier kind: "doi" or "pmid"
    extension: str
    license: str
    label: str
    label_ja: str
    fetch: Callable[[PoliteClient, str], Fetched]
    parse: Callable[[bytes, str], Work]


REGISTRIES: dict[str, Registry] = {
    "crossref": Registry(
        "crossref",
        "doi",
        "json",
        crossref.LICENSE,
        "Crossref REST API record of {id}",
        "Crossref REST API による {id} の書誌レコード",
        crossref.fetch,
        crossref.parse,
    ),
    "doi": Registry(
        "doi",
        "doi",
        "json",
        csl.LICENSE,
        "CSL-JSON record of {id} (DOI content negotiation)",
        "DOI コンテントネゴシエーションによる {id} の CSL-JSON 書誌レコード",
        csl.fetch,
        csl.parse,
    ),
    "pubmed": Registry(
        "pubmed",
        "pmid",
        "json",
        pubmed.LICENSE,
        "PubMed ESummary record of PMID {id}",
        "PubMed ESummary による PMID {id} の書誌レコード",
        pubmed.fetch_summary,
        lambda content, what: pubmed.parse_summary(content, what=what),
    ),
    "pubmed-efetch": Registry(
        "pubmed-efetch",
        "pmid",
        "xml",
        pubmed.LICENSE,
        "PubMed EFetch record of PMID {id}",
        "PubMed EFetch による PMID {id} の書誌レコード",
        pubmed.fetch_article,
        lambda content, what: pubmed.parse_article(content, what=what),
    ),
}
DEFAULT_REGISTRIES = ("crossref", "pubmed")


@dataclass
class Outcome:
    """What happened to one (publication, registry) pair."""

    registry: str
    identifier: str
    slug: str
    status: str  # created, updated, unchanged, failed, missing
    path: str | None = None
    detail: str = ""

    def line(self) -> str:
        where = self.path or f"{self.registry} {self.identifier}"
        return f"{where}: {self.status}{' (' + self.detail + ')' if self.detail else ''}"


@dataclass
class Target:
    """A publication to enrich: its IRI in the graph (or None to mint one) and identifiers."""

    publication: URIRef | None
    doi: str | None = None
    pmid: str | None = None
    slug: str = ""

    def identifier(self, kind: str) -> str | None:
        return self.doi if kind == "doi" else self.pmid


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("failed", "missing")]


def writable(data_dir: str | Path | None) -> DataDir:
    """The data folder to write into; refuses the copy inside an installed package."""
    data = layout.resolve(data_dir)
    package_data = (layout.PACKAGE_DIR / "_data").resolve()
    if data.root == package_data or data.root.is_relative_to(package_data):
        raise UsageError(
            f"{data.root}: refusing to write into the installed package's data; pass --data DIR (a working copy)"
        )
    return data


def targets(lookup: Lookup, dois: Iterable[str] = (), pmids: Iterable[str] = (), every: bool = False) -> list[Target]:
    """The publications to enrich: given DOIs/PMIDs (matched to the graph's IRIs) and/or all of them."""
    out: dict[str, Target] = {}
    if every:
        for pub, doi, pmid in lookup.publications():
            out[str(pub)] = Target(pub, doi, pmid, slug_of(pub))
    for doi in dois:
        doi = ids.normalize_doi(doi)
        found = lookup.publication_by_doi(doi)
        key = str(found) if found is not None else f"doi:{doi}"
        t = out.setdefault(
            key, Target(found, doi, None, slug_of(found) if found is not None else f"doi-{ids.doi_slug(doi)}")
        )
        t.doi = doi
    for pmid in pmids:
        pmid = ids.normalize_pmid(pmid)
        found = lookup.publication_by_pmid(pmid)
        key = str(found) if found is not None else f"pmid:{pmid}"
        t = out.setdefault(key, Target(found, None, pmid, slug_of(found) if found is not None else f"pmid-{pmid}"))
        t.pmid = pmid
    return sorted(out.values(), key=lambda t: t.slug)


def _content_triples(g: Graph, graph_iri: URIRef) -> Graph:
    out = Graph()
    for t in g:
        if t[0] != graph_iri:
            out.add(t)
    return out


def describe_change(
    old: bytes | None, new_graph: Graph, graph_iri: URIRef, prefixes: prefix_registry.Prefixes, where: str = ""
) -> str:
    """ "+N −M triples; changed: p1, p2" between the previous snapshot (the file ``where``) and the new graph
    (provenance ignored)."""
    if old is None:
        return f"{len(_content_triples(new_graph, graph_iri))} triples"
    before = _content_triples(parse_rdflib(Graph(), data=old, where=where or "previous snapshot"), graph_iri)
    after = _content_triples(new_graph, graph_iri)
    _both, removed, added = graph_diff(to_isomorphic(before), to_isomorphic(after))
    if not len(removed) and not len(added):
        return "same content, new fetch time"
    props = sorted({prefixes.curie(str(p)) or str(p) for _s, p, _o in (*removed, *added)})
    return f"+{len(added)} -{len(removed)} triples; changed: {', '.join(props)}"


class Enricher:
    """Runs enrichment over a data folder (use :func:`enrich`)."""

    def __init__(self, data: DataDir, config: LinkConfig, *, offline: bool = False, client: PoliteClient | None = None):
        self.data = data
        self.config = config
        self.offline = offline
        self.prefixes = prefix_registry.read(data.prefixes_file)
        self.vocab = Vocab.of(self.prefixes)
        self.lookup = Lookup.load(data, self.prefixes)
        self._client = client

    @property
    def client(self) -> PoliteClient:
        if self._client is None:
            self._client = PoliteClient(self.config)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _answer(self, registry: Registry, identifier: str, snapshot: Snapshot) -> tuple[bytes, FetchRecord]:
        if self.offline:
            return snapshot.read()
        fetched = registry.fetch(self.client, identifier)
        record = FetchRecord(
            registry=registry.name,
            identifier=identifier,
            request_url=fetched.request_url,
            url=fetched.url,
            status=fetched.status,
            content_type=fetched.content_type,
            retrieved_at=fetched.retrieved_at,
            sha256=sha256_hex(fetched.content),
        )
        if snapshot.exists():
            try:
                _old_raw, old = snapshot.read()
            except EvkgError:
                old = None
            if old is not None and old.sha256 == record.sha256:
                return fetched.content, old  # same answer: keep the snapshot's time (no churn)
        return fetched.content, record

    def run_one(self, target: Target, registry: Registry) -> Outcome:
        identifier = target.identifier(registry.kind)
        assert identifier is not None
        snapshot = Snapshot.of(self.data, registry.name, target.slug, registry.extension)
        rel = self.data.relative(snapshot.ttl)
        try:
            raw, record = self._answer(registry, identifier, snapshot)
            work = registry.parse(raw, f"{registry.name} {identifier}")
            publication = target.publication or publication_iri(work, self.lookup, self.vocab)
            slug = slug_of(publication)
            if slug != target.slug:
                # a new publication: its snapshots are named after the IRI it gets (by DOI first), the
                # name the next run finds it under, so that run (and --offline) reads this snapshot
                snapshot = Snapshot.of(self.data, registry.name, slug, registry.extension)
                rel = self.data.relative(snapshot.ttl)
            graph_iri = self.vocab.graph[f"external/{registry.name}/{slug}"]
            provenance = Provenance(
                registry=registry.name,
                request_url=record.request_url,
                retrieved_at=record.retrieved_at,
                sha256=record.sha256,
                license=registry.license,
                label=registry.label.format(id=identifier),
                label_ja=registry.label_ja.format(id=identifier),
            )
            g = work_graph(
                work,
                prefixes=self.prefixes,
                graph_iri=graph_iri,
                provenance=provenance,
                lookup=self.lookup,
                publication=publication,
            )
            ttl = serialize(g)
        except FetchError as exc:
            return Outcome(registry.name, identifier, target.slug, "failed", None, str(exc))
        except EvkgError as exc:
            status = "missing" if self.offline and not snapshot.exists() else "failed"
            return Outcome(registry.name, identifier, target.slug, status, None, str(exc))
        previous = snapshot.previous_ttl()
        if previous == ttl and snapshot.exists() and snapshot.raw.read_bytes() == raw:
            return Outcome(registry.name, identifier, target.slug, "unchanged", rel)
        detail = describe_change(previous, g, graph_iri, self.prefixes, display_path(snapshot.ttl))
        write_snapshot(snapshot, {snapshot.raw: raw, snapshot.meta: record.to_json(), snapshot.ttl: ttl})
        return Outcome(
            registry.name, identifier, target.slug, "created" if previous is None else "updated", rel, detail
        )

    def run(
        self,
        chosen: list[Target],
        registries: Iterable[str] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Report:
        report = Report()
        names = list(registries or DEFAULT_REGISTRIES)
        for target in chosen:
            if progress is not None:
                progress(target.slug)
            for name in names:
                registry = REGISTRIES[name]
                if target.identifier(registry.kind) is None:
                    continue
                outcome = self.run_one(target, registry)
                fallback = (
                    name == "crossref"
                    and registries is None
                    and outcome.status in ("failed", "missing")
                    and "not found" in outcome.detail
                )
                if fallback and not self.offline:
                    # Crossref does not know it: the DOI may be DataCite's or JaLC's; ask the resolver
                    second = self.run_one(target, REGISTRIES["doi"])
                    if second.status not in ("failed", "missing"):
                        outcome = second
                    else:
                        second.detail = f"{outcome.detail}; then {second.detail}"
                        outcome = second
                elif fallback and Snapshot.of(self.data, "doi", target.slug, "json").exists():
                    outcome = self.run_one(target, REGISTRIES["doi"])
                report.outcomes.append(outcome)
        return report


def enrich(
    data_dir: str | Path | None,
    *,
    dois: Iterable[str] = (),
    pmids: Iterable[str] = (),
    every: bool = False,
    offline: bool = False,
    registries: Iterable[str] | None = None,
    config: LinkConfig,
    client: PoliteClient | None = None,
    quiet: bool = False,
) -> Report:
    """Enrich publications of ``data_dir`` (see the module docstring). Returns one outcome per record."""
    data = writable(data_dir)
    unknown = [r for r in registries or () if r not in REGISTRIES]
    if unknown:
        raise UsageError(f"unknown registry {unknown[0]!r}; known: {', '.join(REGISTRIES)}")
    enricher = Enricher(data, config, offline=offline, client=client)
    try:
        chosen = targets(enricher.lookup, dois, pmids, every)
        if not chosen:
            raise UsageError(
                "nothing to enrich: no publication with a DOI or PMID in "
                f"{display_path(data.graph_dir)} (or give --doi / --pmid)"
                if every
                else "nothing to enrich: give --doi, --pmid or --all"
            )

        with bar("evkg link enrich", total=len(chosen), quiet=quiet) as step:
            return enricher.run(chosen, list(registries) if registries else None, progress=step)
    finally:
        enricher.close()


__all__ = ["REGISTRIES", "Report", "enrich", "writable"]
