"""Does ``evkg build`` show a progress bar on a terminal, and only there? (issue 8)

The real ``evkg`` executable runs under a pseudo-terminal (as a user's shell would give it) and with
its output piped (as in scripts and CI): the bar, drawn with rich on standard error, appears in the
first case only, and ``--quiet`` removes it there too.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EVKG = shutil.which("evkg") or str(Path(sys.executable).with_name("evkg"))
BAR = "━"  # rich's bar character


def run_on_terminal(args: list[str]) -> str:
    """Run ``evkg ARGS`` with stdout and stderr on a pseudo-terminal; return all it drew."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen([EVKG, *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not Path(EVKG).exists(), reason="the evkg executable is not installed")
def test_build_shows_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    """When I run evkg build in a terminal, do I see its progress, and not in a pipe or with --quiet?"""
    shown = run_on_terminal(["build", "--out", str(tmp_path / "a")])
    assert BAR in shown and "evkg build" in shown
    quiet = run_on_terminal(["build", "--out", str(tmp_path / "b"), "--quiet"])
    assert BAR not in quiet and "written to" in quiet
    piped = subprocess.run([EVKG, "build", "--out", str(tmp_path / "c")], capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0
    assert BAR not in piped.stderr + piped.stdout
