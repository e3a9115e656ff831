"""Snapshots of registry answers: ``graph/external/<registry>/<slug>.{ttl,<ext>,fetch.json}``.

For every record fetched, three files sit side by side:

- ``<slug>.ttl`` — the mapped RDF, loaded as named graph ``graph:external/<registry>/<slug>``;
- ``<slug>.json`` / ``<slug>.xml`` — the raw answer, byte for byte (not loaded as data);
- ``<slug>.fetch.json`` — how it was fetched: request URL (without contact parameters), final
  URL, status, content type, retrieval time and SHA-256 of the raw answer.

``--offline`` replays the raw answer with its recorded time, so the ``.ttl`` comes out byte-identical.
:func:`write_snapshot` replaces the three files all or none (:func:`evkg.atomic.replace_files`: they are
staged in a hidden folder that one rename commits); a failure leaves the previous snapshot as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from evkg.atomic import finish_pending, replace_files
from evkg.data.layout import DataDir, display_path
from evkg.errors import EvkgError


@dataclass(frozen=True)
class FetchRecord:
    """The contents of ``<slug>.fetch.json``."""

    registry: str
    identifier: str
    request_url: str
    url: str
    status: int
    content_type: str
    retrieved_at: datetime
    sha256: str

    def to_json(self) -> bytes:
        doc = {
            "registry": self.registry,
            "identifier": self.identifier,
            "request_url": self.request_url,
            "url": self.url,
            "status": self.status,
            "content_type": self.content_type,
            "retrieved_at": self.retrieved_at.isoformat(),
            "sha256": self.sha256,
        }
        return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, where: str) -> FetchRecord:
        try:
            doc = json.loads(data)
            return cls(
                registry=doc["registry"],
                identifier=doc["identifier"],
                request_url=doc["request_url"],
                url=doc["url"],
                status=int(doc["status"]),
                content_type=doc["content_type"],
                retrieved_at=datetime.fromisoformat(doc["retrieved_at"]),
                sha256=doc["sha256"],
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EvkgError(f"{where}: not a fetch record ({type(exc).__name__}: {exc})") from None


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hexadecimal (what a fetch record and an import record keep)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """The files of one record in one registry folder."""

    folder: Path
    slug: str
    extension: str

    @classmethod
    def of(cls, data: DataDir, registry: str, slug: str, extension: str) -> Snapshot:
        return cls(data.graph_dir / "external" / registry, slug, extension)

    @property
    def ttl(self) -> Path:
        return self.folder / f"{self.slug}.ttl"

    @property
    def raw(self) -> Path:
        return self.folder / f"{self.slug}.{self.extension}"

    @property
    def meta(self) -> Path:
        return self.folder / f"{self.slug}.fetch.json"

    def exists(self) -> bool:
        finish_pending(self.folder)  # a snapshot an interrupted write committed is whole before it is read
        return self.raw.is_file() and self.meta.is_file()

    def read(self) -> tuple[bytes, FetchRecord]:
        """The cached raw answer and its fetch record; checks the hash.

        Raises:
            EvkgError: nothing cached, or the raw answer does not match its recorded SHA-256.
        """
        if not self.exists():
            raise EvkgError(f"{display_path(self.raw)}: no cached answer (run without --offline to fetch it)")
        raw = self.raw.read_bytes()
        record = FetchRecord.from_json(self.meta.read_bytes(), display_path(self.meta))
        if sha256_hex(raw) != record.sha256:
            raise EvkgError(
                f"{display_path(self.raw)}: SHA-256 differs from {display_path(self.meta)} (edited by hand?)"
            )
        return raw, record

    def previous_ttl(self) -> bytes | None:
        return self.ttl.read_bytes() if self.ttl.is_file() else None


def write_snapshot(snapshot: Snapshot, files: dict[Path, bytes]) -> None:
    """Write ``files`` (all inside ``snapshot.folder``) so that either all or none are replaced
    (:func:`evkg.atomic.replace_files`: staged in a hidden folder, committed by one rename)."""
    outside = [p for p in files if p.parent != snapshot.folder]
    if outside:
        raise ValueError(f"not in {snapshot.folder}: {outside}")
    replace_files(snapshot.folder, {p.name: data for p, data in files.items()})


__all__ = ["FetchRecord", "Snapshot", "sha256_hex", "write_snapshot"]
