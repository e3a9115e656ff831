"""Write files and folders so that a reader never sees them half-written: every write of evkg goes here.

- :func:`write_bytes`, :func:`writing`: a file is written to a temporary file in the same folder and
  moved into place with :func:`os.replace`.
- :func:`replace_dir`: a folder is filled next to its final place and renamed.
- :func:`replace_files`: several files of one folder (a registry snapshot: the answer, its fetch record,
  its graph) replaced all or none. They are staged in a hidden folder beside them, which ONE rename
  commits (``.evkg-batch-*.tmp`` → ``.evkg-batch-*.ready``); the files are then moved into place. A
  crash before the commit leaves the old files; a crash after it is finished by the next
  :func:`replace_files` or :func:`finish_pending` on that folder (roll-forward, as a database's journal).
  The data folder's readers ignore hidden folders (:mod:`evkg.data.layout`).

If anything fails, the temporary file or folder is removed and the old content (if any) is left as it
was; the error is an :class:`~evkg.errors.OutputError` naming the path.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from evkg.data.layout import display_path
from evkg.errors import OutputError


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically. Raises :class:`OutputError` with the path and reason."""
    with writing(path) as out:
        out.write(data)
    return Path(path)


@contextlib.contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through (in pieces, for large outputs): when the block ends
    without an exception it replaces ``path`` at once; otherwise it is deleted and ``path`` is untouched.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"{display_path(target)}: cannot write, folder {display_path(folder)} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{display_path(target)}: cannot write ({_why(exc)})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{display_path(target)}: cannot write ({_why(exc)})") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_BATCH = ".evkg-batch-"


def replace_files(folder: str | os.PathLike[str], files: Mapping[str, bytes]) -> None:
    """Replace the files ``files`` (name in ``folder`` → content) all or none (see the module docstring).

    Raises:
        OutputError: a file cannot be staged (nothing was replaced), or the committed files cannot be
            moved into place (the next :func:`replace_files` or :func:`finish_pending` finishes them).
    """
    where = Path(folder)
    if any(Path(name).name != name or name.startswith(".") for name in files):
        raise ValueError(f"replace_files takes plain file names, not paths: {sorted(files)}")
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display_path(where)}: cannot create ({_why(exc)})") from None
    finish_pending(where)
    try:
        stage = Path(tempfile.mkdtemp(prefix=_BATCH, suffix=".tmp", dir=where))
    except OSError as exc:
        raise OutputError(f"{display_path(where)}: cannot write ({_why(exc)})") from None
    try:
        for name, data in files.items():
            with open(stage / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(stage / name, 0o644)
        ready = stage.with_suffix(".ready")
        os.rename(stage, ready)  # the commit: from here on the new files are the content of the folder
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise OutputError(f"{display_path(where)}: cannot write {', '.join(sorted(files))} ({_why(exc)})") from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _apply(ready, where)


def finish_pending(folder: str | os.PathLike[str]) -> None:
    """Finish what an interrupted :func:`replace_files` left in ``folder``: move the files of a committed
    batch into place, delete a batch that was never committed. Nothing to do is the usual case."""
    where = Path(folder)
    try:
        leftovers = sorted(p for p in where.iterdir() if p.name.startswith(_BATCH))
    except OSError:
        return
    for batch in leftovers:
        if batch.suffix == ".ready":
            _apply(batch, where)
        else:
            shutil.rmtree(batch, ignore_errors=True)


def _apply(ready: Path, folder: Path) -> None:
    try:
        for staged in sorted(ready.iterdir()):
            os.replace(staged, folder / staged.name)
        ready.rmdir()
    except OSError as exc:
        raise OutputError(
            f"{display_path(folder)}: cannot move the new files into place ({_why(exc)}); "
            "the next write to this folder finishes it"
        ) from None


@contextlib.contextmanager
def replace_dir(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield an empty temporary folder next to ``path``; on success it replaces ``path``.

    The old folder (if any) is renamed aside, the new one renamed into place, then the old one is
    deleted: at every moment ``path`` is either the complete old or the complete new folder. On an
    exception inside the ``with`` block the temporary folder is deleted and ``path`` is untouched.
    """
    target = Path(path)
    parent = target.parent
    if target.exists() and not target.is_dir():
        raise OutputError(f"{display_path(target)}: exists and is not a folder")
    if not parent.is_dir():
        raise OutputError(f"{display_path(target)}: cannot write, folder {display_path(parent)} does not exist")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"{display_path(target)}: cannot create a folder next to it ({_why(exc)})") from None
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            os.replace(target, old / target.name)
        try:
            os.replace(tmp, target)
        except OSError:
            if old is not None:  # put the old folder back
                os.replace(old / target.name, target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{display_path(target)}: cannot write ({_why(exc)})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


__all__ = ["finish_pending", "replace_dir", "replace_files", "write_bytes", "writing"]
