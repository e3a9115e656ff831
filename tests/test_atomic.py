"""Are evkg's writes all-or-nothing: a file, a streamed file, several files of one folder (a registry
snapshot), whatever fails and wherever a crash stops them?"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evkg import atomic
from evkg.errors import OutputError
from evkg.link.cache import Snapshot, write_snapshot


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_streamed_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    """A write that fails half way leaves the old file and no temporary file."""
    target = tmp_path / "out.nq"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), atomic.writing(target) as out:
        out.write(b"new, half of it")
        raise RuntimeError("the reader failed")
    assert target.read_bytes() == b"old\n"
    assert _hidden(tmp_path) == []
    with atomic.writing(target) as out:
        out.write(b"new\n")
    assert target.read_bytes() == b"new\n"


def test_files_of_a_folder_are_replaced_together(tmp_path: Path) -> None:
    """All three files of a snapshot change in one write, and nothing is left beside them."""
    atomic.replace_files(tmp_path, {"a.ttl": b"A1", "a.json": b"J1", "a.fetch.json": b"F1"})
    atomic.replace_files(tmp_path, {"a.ttl": b"A2", "a.json": b"J2", "a.fetch.json": b"F2"})
    found = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert found == {"a.ttl": b"A2", "a.json": b"J2", "a.fetch.json": b"F2"}


def test_a_failure_while_staging_replaces_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the second file is staged: are the old files all still there, untouched?"""
    atomic.replace_files(tmp_path, {"a.ttl": b"A1", "a.json": b"J1"})
    real_fsync, calls = os.fsync, []

    def full_disk(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        atomic.replace_files(tmp_path, {"a.ttl": b"A2", "a.json": b"J2"})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"a.ttl": b"A1", "a.json": b"J1"}


def test_a_crash_after_the_commit_is_finished_by_the_next_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies after the commit rename, with one file moved: the next look at the folder
    completes the new snapshot (roll-forward), never leaving old and new mixed."""
    folder = tmp_path / "external" / "crossref"
    snapshot = Snapshot(folder, "x", "json")
    write_snapshot(snapshot, {snapshot.raw: b"raw1", snapshot.meta: b"meta1", snapshot.ttl: b"ttl1"})
    real_replace, moved = os.replace, []

    def dies_after_one(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if moved:
            raise KeyboardInterrupt  # the process is stopped: no handler, no clean-up
        moved.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", dies_after_one)
    with pytest.raises(KeyboardInterrupt):
        write_snapshot(snapshot, {snapshot.raw: b"raw2", snapshot.meta: b"meta2", snapshot.ttl: b"ttl2"})
    monkeypatch.setattr(os, "replace", real_replace)
    assert len(_hidden(folder)) == 1  # the committed batch, waiting
    assert snapshot.exists()  # a reader finishes it first
    assert [snapshot.raw.read_bytes(), snapshot.meta.read_bytes(), snapshot.ttl.read_bytes()] == [
        b"raw2",
        b"meta2",
        b"ttl2",
    ]
    assert _hidden(folder) == []


def test_a_crash_before_the_commit_leaves_the_old_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted before the commit rename, a write leaves the old files; a process killed there leaves a
    staged folder, which the next look at the folder discards."""
    atomic.replace_files(tmp_path, {"a.ttl": b"A1"})
    monkeypatch.setattr(os, "rename", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_files(tmp_path, {"a.ttl": b"A2"})
    monkeypatch.undo()
    assert (tmp_path / "a.ttl").read_bytes() == b"A1"
    assert _hidden(tmp_path) == []
    killed = tmp_path / ".evkg-batch-killed.tmp"  # what SIGKILL during staging leaves
    killed.mkdir()
    (killed / "a.ttl").write_bytes(b"A2")
    atomic.finish_pending(tmp_path)
    assert (tmp_path / "a.ttl").read_bytes() == b"A1"
    assert _hidden(tmp_path) == []


def test_the_loader_never_sees_staged_files(tmp_path: Path) -> None:
    """A staged graph file sits in a hidden folder, which a data folder's readers skip."""
    from evkg.data.layout import DataDir

    (tmp_path / "ontology").mkdir()
    staged = tmp_path / "graph" / "external" / "crossref" / ".evkg-batch-x.ready"
    staged.mkdir(parents=True)
    (staged / "x.ttl").write_text("")
    assert DataDir(tmp_path).graph_files() == []
