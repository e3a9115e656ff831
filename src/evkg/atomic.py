"""Write files and folders so that a reader never sees them half-written.

A file is written to a temporary file in the same folder and moved into place with
:func:`os.replace`; a folder is filled next to its final place and renamed. If anything fails,
the temporary file or folder is removed and the old content (if any) is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from evkg.data.layout import display_path
from evkg.errors import OutputError


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically. Raises :class:`OutputError` with the path and reason."""
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
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{display_path(target)}: cannot write ({_why(exc)})") from None
    return target


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
