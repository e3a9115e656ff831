"""Graphviz DOT: evkg's one DOT writer (quoting) and runner of the ``dot`` program.

The documentation's diagrams (:mod:`evkg.docs.diagrams`: ontology, MOU, timeline) and the HTML pages'
neighbourhood pictures (:mod:`evkg.serve.svg`) write their DOT source with :func:`quote` and render it
with :func:`render` (Debian package ``graphviz``; Japanese labels need ``fonts-noto-cjk``).

>>> print(quote('say "hi" \\\\N'))
"say \\"hi\\" \\\\N"
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from evkg.errors import EvkgError

#: Seconds ``dot`` may take for one picture.
TIMEOUT = 60.0


class DiagramError(EvkgError):
    """A diagram cannot be drawn (``dot`` missing or failing, the MOU not in the graph)."""


def quote(text: str) -> str:
    """``text`` as a DOT double-quoted string (backslashes and quotes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@functools.cache
def program() -> str | None:
    """Path of Graphviz's ``dot``, or None when it is not installed."""
    return shutil.which("dot")


def render(source: str, fmt: str, timeout: float = TIMEOUT) -> tuple[bytes, list[str]]:
    """Run ``dot -T<fmt>`` on ``source``: its output and its warnings (one per line).

    Raises:
        DiagramError: ``dot`` is not installed, takes longer than ``timeout`` seconds, or fails.
    """
    found = program()
    if found is None:
        raise DiagramError("Graphviz 'dot' not found: install it (Debian/Ubuntu: apt-get install graphviz)")
    try:
        proc = subprocess.run(
            [found, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise DiagramError(f"dot -T{fmt} took longer than {timeout:g} s") from None
    except OSError as exc:
        raise DiagramError(f"dot -T{fmt} cannot run ({exc.strerror or exc})") from None
    messages = [line.strip() for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    if proc.returncode != 0:
        raise DiagramError(f"dot -T{fmt} failed: {messages[0] if messages else f'exit code {proc.returncode}'}")
    return proc.stdout, messages


__all__ = ["TIMEOUT", "DiagramError", "program", "quote", "render"]
