"""``evkg release VERSION``: a versioned, checksummed release in ``dist/VERSION/`` and its CHANGELOG entry.

Steps:

1. Set ``owl:versionIRI`` (``https://w3id.org/evkg/ontology/VERSION/``) and ``owl:versionInfo``
   (``VERSION``) in ``ontology/evkg.ttl``: in a temporary copy of the bundled data, or, with
   ``--data DIR``, in that working copy itself. Only those two values change in the file (a textual
   edit that keeps the curators' layout and comments), checked by parsing it again; if the release
   fails later, the working copy gets its old file back.
2. Build every export (the code of :mod:`evkg.publish.builder`: Turtle, JSON-LD, N-Triples, TriG, N-Quads,
   RDF/XML), the versioned ontology file, the documentation site with its diagrams
   (:mod:`evkg.docs`), and ``CHANGES.md`` (this release's changelog entry).
3. Describe the release in ``void.ttl`` (VoID/DCAT: the dataset with version, version IRI, issue
   date, triple counts per named graph, and one ``dcat:Distribution`` per file with its size and,
   where the registry has the ``spdx`` prefix, its SHA-256), and list the SHA-256 of every file in
   ``SHA256SUMS`` (``sha256sum -c SHA256SUMS`` checks a download).
4. Compare with the previous release (``--previous``, or the highest earlier version in ``dist/``)
   with :mod:`evkg.publish.changes`, and put the entry at the top of ``CHANGELOG.md`` (replacing an older entry
   for the same version).

``dist/VERSION/`` is written into a new folder and renamed into place, so it is complete or absent;
an existing release is only replaced with ``--force``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

import evkg
from evkg.atomic import replace_dir, write_bytes
from evkg.data.layout import DataDir, display_path, resolve
from evkg.data.prefixes import registry
from evkg.errors import EvkgError, OutputError, UsageError
from evkg.publish import changes as diffing
from evkg.publish.builder import build, void_description
from evkg.rdf.parse import parse_rdflib

if TYPE_CHECKING:
    from evkg.publish.builder import BuiltFile
    from evkg.query.knowledge_graph import KnowledgeGraph

#: ``MAJOR.MINOR.PATCH`` with an optional pre-release or build suffix (Semantic Versioning).
VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?$")

CHECKSUMS = "SHA256SUMS"
CHANGES = "CHANGES.md"
ONTOLOGY_FILE = "evkg-ontology.ttl"
DOCS_DIR = "docs"
CHANGELOG_HEADER = """\
# Changelog

Releases of the evkg graph. Each entry is written by `evkg release VERSION` from `evkg diff`
(canonicalised named graphs: blank nodes cause no noise). Downloads with SHA-256 checksums and a
VoID/DCAT description are in `dist/VERSION/`.

"""


class ReleaseError(EvkgError):
    """A release cannot be made (ontology header without version, release exists, ...)."""


@dataclass
class ReleasedFile:
    name: str  # relative to the release folder, POSIX style
    size: int
    sha256: str


@dataclass
class ReleaseResult:
    version: str
    out: Path
    version_iri: str
    issued: str
    files: list[ReleasedFile] = field(default_factory=list)
    previous: str | None = None
    changes: dict[str, int] = field(default_factory=dict)
    changelog: Path | None = None
    docs_warnings: list[str] = field(default_factory=list)


def check_version(version: str) -> str:
    """``version`` if it is a semantic version, else :class:`UsageError`.

    >>> check_version("1.2.0")
    '1.2.0'
    >>> check_version("v1")
    Traceback (most recent call last):
    evkg.errors.UsageError: version 'v1' is not MAJOR.MINOR.PATCH (e.g. 0.2.0)
    """
    if not VERSION_RE.match(version):
        raise UsageError(f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 0.2.0)")
    return version


def version_key(version: str) -> tuple[int, int, int, int, str]:
    """Sort key: numeric parts, and a pre-release (``1.0.0-rc1``) before its release."""
    m = VERSION_RE.match(version)
    if not m:
        return (-1, -1, -1, -1, version)
    suffix = version[m.end(3) :]
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), 0 if suffix.startswith("-") else 1, suffix)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


# --- setting the version in the ontology file --------------------------------------------------------
def _ontology_node(graph: Graph, where: str) -> URIRef:
    nodes = sorted(n for n in graph.subjects(RDF.type, OWL.Ontology) if isinstance(n, URIRef))
    if len(nodes) != 1:
        raise ReleaseError(f"{where}: expected one owl:Ontology, found {len(nodes)}")
    return nodes[0]


def set_version_text(text: str, version: str, version_iri: str, where: str = "ontology/evkg.ttl") -> str:
    """``text`` (Turtle of the ontology) with its ``owl:versionIRI`` and ``owl:versionInfo`` replaced.

    The edit is textual (layout and comments stay as the curators wrote them) and is checked by
    parsing the result: exactly one versionIRI and one versionInfo, with the new values.

    Raises:
        ReleaseError: the header does not state both values (once each), or the result is wrong.
    """
    before = parse_rdflib(Graph(), data=text, where=where)
    onto = _ontology_node(before, where)
    old_iris = list(before.objects(onto, OWL.versionIRI))
    old_infos = list(before.objects(onto, OWL.versionInfo))
    if len(old_iris) != 1 or len(old_infos) != 1:
        raise ReleaseError(
            f"{where}: the ontology header must state owl:versionIRI and owl:versionInfo once each "
            f'(found {len(old_iris)} and {len(old_infos)}); add them, e.g. owl:versionInfo "0.1.0"'
        )
    iri_re = re.compile(r"(owl:versionIRI\s+)<" + re.escape(str(old_iris[0])) + ">")
    info_re = re.compile(r'(owl:versionInfo\s+)"' + re.escape(str(old_infos[0])) + r'"(\^\^xsd:string)?')
    new_text, n_iri = iri_re.subn(lambda m: f"{m.group(1)}<{version_iri}>", text)
    new_text, n_info = info_re.subn(lambda m: f'{m.group(1)}"{version}"', new_text)
    if n_iri != 1 or n_info != 1:
        raise ReleaseError(
            f"{where}: cannot find 'owl:versionIRI <…>' and 'owl:versionInfo \"…\"' written out once each "
            "in the header (write them as a full IRI and a plain string)"
        )
    after = parse_rdflib(Graph(), data=new_text, where=where)
    if set(after.objects(onto, OWL.versionIRI)) != {URIRef(version_iri)} or {
        str(v) for v in after.objects(onto, OWL.versionInfo)
    } != {version}:
        raise ReleaseError(f"{where}: setting the version did not give the expected header")  # pragma: no cover
    if len(after) != len(before):
        raise ReleaseError(f"{where}: setting the version changed the number of triples")  # pragma: no cover
    return new_text


@contextmanager
def versioned_copy(data: DataDir | None, version: str, version_iri: str) -> Iterator[DataDir]:
    """A data folder whose ontology states ``version``: a temporary copy, or ``data`` edited in place.

    On an exception inside the block, an edited working copy gets its original ontology file back.
    """
    if data is None:
        source = resolve(None)
        with tempfile.TemporaryDirectory(prefix="evkg-release-") as tmp:
            root = Path(tmp) / "data"
            root.mkdir()
            for name in ("ontology", "graph", "queries"):
                if (source.root / name).is_dir():
                    shutil.copytree(source.root / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
            copy = resolve(root)
            _edit(copy, version, version_iri)
            yield copy
        return
    original = data.ontology_file.read_bytes() if data.ontology_file.is_file() else None
    _edit(data, version, version_iri)
    try:
        yield data
    except BaseException:
        if original is not None:
            write_bytes(data.ontology_file, original)
        raise


def _edit(data: DataDir, version: str, version_iri: str) -> None:
    path = data.ontology_file
    if not path.is_file():
        raise ReleaseError(f"{display_path(path)}: no ontology file to set the version in")
    text = path.read_text(encoding="utf-8")
    new = set_version_text(text, version, version_iri, display_path(path))
    if new != text:
        write_bytes(path, new.encode("utf-8"))


# --- the description ---------------------------------------------------------------------------------
def describe(
    kg: KnowledgeGraph, built: Sequence[BuiltFile], files: list[ReleasedFile], version_iri: str, issued: str
) -> Graph:
    """VoID/DCAT description: :func:`evkg.publish.builder.void_description` plus release facts and checksums."""
    prefixes = kg.prefixes
    g = void_description(kg, built)
    dcat, dcterms = prefixes.namespace("dcat"), prefixes.namespace("dcterms")
    dataset = URIRef(prefixes["graph"])
    g.add((dataset, OWL.versionIRI, URIRef(version_iri)))
    g.add((dataset, dcterms.issued, Literal(issued, datatype=XSD.date)))
    spdx = prefixes.namespace("spdx") if "spdx" in prefixes else None
    described = {str(o) for o in g.objects(dataset, dcat.distribution)}
    for f in files:
        dist = URIRef(f.name)
        if f.name not in described:
            g.add((dataset, dcat.distribution, dist))
            g.add((dist, RDF.type, dcat.Distribution))
            g.add((dist, dcat.downloadURL, dist))
            g.add((dist, dcat.byteSize, Literal(f.size, datatype=XSD.nonNegativeInteger)))
        if spdx is not None:
            checksum = URIRef(f"{f.name}#sha256")
            g.add((dist, spdx.checksum, checksum))
            g.add((checksum, RDF.type, spdx.Checksum))
            g.add((checksum, spdx.algorithm, spdx.checksumAlgorithm_sha256))
            g.add((checksum, spdx.checksumValue, Literal(f.sha256, datatype=XSD.hexBinary)))
    return g


# --- the changelog -------------------------------------------------------------------------------------
def previous_release(dist: Path, version: str) -> Path | None:
    """The release folder in ``dist`` with the highest version below ``version`` (it has evkg.nq)."""
    if not dist.is_dir():
        return None
    candidates = [
        p
        for p in dist.iterdir()
        if p.is_dir()
        and VERSION_RE.match(p.name)
        and (p / "evkg.nq").is_file()
        and version_key(p.name) < version_key(version)
    ]
    return max(candidates, key=lambda p: version_key(p.name)) if candidates else None


def changelog_entry(version: str, issued: str, body: str) -> str:
    return f"## [{version}] - {issued}\n\n{body.rstrip()}\n\n"


def update_changelog(text: str | None, version: str, entry: str) -> str:
    """``CHANGELOG.md`` with ``entry`` as the newest section (an older section of ``version`` replaced)."""
    if not text:
        return CHANGELOG_HEADER + entry
    sections = re.split(r"(?m)^(?=## )", text)
    head, rest = sections[0], sections[1:]
    rest = [s for s in rest if not s.startswith(f"## [{version}]")]
    if not head.strip():
        head = CHANGELOG_HEADER
    if not head.endswith("\n\n"):
        head = head.rstrip("\n") + "\n\n"
    return head + entry + "".join(rest)


# --- the release --------------------------------------------------------------------------------------
def release(
    version: str,
    *,
    data: str | os.PathLike[str] | None = None,
    dist: str | os.PathLike[str] = "dist",
    changelog: str | os.PathLike[str] = "CHANGELOG.md",
    previous: str | os.PathLike[str] | None = None,
    issued: str | None = None,
    force: bool = False,
    docs: bool = True,
) -> ReleaseResult:
    """Make release ``version`` (see the module docstring). Returns what was written."""
    check_version(version)
    issued = issued or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(issued)
    except ValueError:
        raise UsageError(f"release date {issued!r} is not YYYY-MM-DD") from None
    dist_dir = Path(dist)
    out = dist_dir / version
    if out.exists() and not force:
        raise OutputError(f"{display_path(out)}: release {version} exists (use --force to make it again)")
    dist_dir.mkdir(parents=True, exist_ok=True)
    working = resolve(data) if data is not None else None
    prefixes = registry(working.root if working else None)
    version_iri = str(prefixes.namespace("evkg")[f"{version}/"])
    before = Path(previous) if previous is not None else previous_release(dist_dir, version)
    old_side = diffing.read_side(before, prefixes) if before is not None else None

    result = ReleaseResult(version, out.resolve(), version_iri, issued)
    with versioned_copy(working, version, version_iri) as copy:
        kg = evkg.load(data_dir=copy.root)
        new_graphs = diffing.graphs_of(kg)
        if old_side is not None:
            d = diffing.diff_datasets(old_side.graphs, new_graphs, old_side.name, f"{version}")
            d.old_version, d.new_version = old_side.version, version
            body = diffing.render_markdown(d, prefixes)
            result.previous, result.changes = old_side.version or old_side.name, d.totals()
        else:
            stats = kg.stats()
            body = (
                f"First release: {stats.triples} distinct triples in {len(stats.graphs)} named graphs "
                f"({stats.subjects} subjects).\n"
            )
        entry = changelog_entry(version, issued, body)
        with replace_dir(out) as tmp:
            built = build(kg, tmp / ".build")
            for f in built.files:
                os.replace(tmp / ".build" / f.name, tmp / f.name)
            (tmp / ".build").rmdir()
            shutil.copyfile(copy.ontology_file, tmp / ONTOLOGY_FILE)
            (tmp / CHANGES).write_text(f"# evkg {version}\n\n" + entry, encoding="utf-8")
            if docs:
                # lazy: Jinja, pyLODE and the docs builder load only when a release builds its docs
                from evkg.docs import build_docs

                result.docs_warnings = build_docs(kg, tmp / DOCS_DIR).warnings
            files = [
                ReleasedFile(p.relative_to(tmp).as_posix(), p.stat().st_size, sha256_file(p))
                for p in sorted(tmp.rglob("*"))
                if p.is_file() and p.name != "void.ttl"
            ]
            top_level = [f for f in files if "/" not in f.name]
            void = describe(kg, built.files, top_level, version_iri, issued)
            (tmp / "void.ttl").write_bytes(void.serialize(format="longturtle", encoding="utf-8"))
            void_file = tmp / "void.ttl"
            files.append(ReleasedFile("void.ttl", void_file.stat().st_size, sha256_file(void_file)))
            files.sort(key=lambda f: f.name)
            (tmp / CHECKSUMS).write_text("".join(f"{f.sha256}  {f.name}\n" for f in files), encoding="utf-8")
            for p in tmp.rglob("*"):
                os.chmod(p, 0o755 if p.is_dir() else 0o644)
            result.files = files
    log_path = Path(changelog)
    old_text = log_path.read_text(encoding="utf-8") if log_path.is_file() else None
    write_bytes(log_path, update_changelog(old_text, version, entry).encode("utf-8"))
    result.changelog = log_path.resolve()
    return result


__all__ = ["ReleaseError", "release", "set_version_text", "update_changelog"]
