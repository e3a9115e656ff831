"""``docs/deploy.md`` as steps the tests run: the servers of the test suite are set up from it.

Each fenced block of the page belongs to the last ``<!-- deploy-test: NAME [setup] -->`` directive
above it (``none`` for a block no test runs). A ``setup`` block is run when the session starts that
server (``tests/conftest.py``: one Virtuoso and one Oxigraph server per test run, started from the
page's own configuration and commands, and published with the page's ``evkg load``); the other
blocks are run by ``tests/test_deploy.py`` against that server. Blocks:

- ```` ```ini ```` whose first line is ``; file: PATH``: written to PATH;
- ```` ```console ````: each ``$ command`` runs in ``bash``; the lines after it are its expected output
  (compared as in the tutorials: ``...`` matches anything); a command ending in ``# in another
  terminal`` is a server, started in the background until the server is stopped.

The page's ``/srv/evkg`` becomes a temporary folder and its ports (Virtuoso 8890 and 1111, Oxigraph
7878, ``evkg serve`` 8000) free loopback ports.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from test_tutorials import commands, output_matches  # the tutorials' console runner, shared

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "deploy.md"
FOLDER = "/srv/evkg"
#: the page's port of each server, and the other ports it uses
PORTS = {"virtuoso": (8890, 1111), "oxigraph": (7878,), "serve": (8000,)}


@dataclass
class Block:
    kind: str  # console, ini, python, ...
    text: str
    line: int
    tag: str  # e.g. "virtuoso", "virtuoso setup", "none"

    @property
    def server(self) -> str:
        return self.tag.split()[0] if self.tag else ""

    @property
    def setup(self) -> bool:
        return self.tag.endswith(" setup")


def blocks(markdown: str | None = None) -> list[Block]:
    """Every fenced block of the page with the directive it falls under ("" before any directive)."""
    text = markdown if markdown is not None else DOC.read_text(encoding="utf-8")
    out: list[Block] = []
    tag, kind, start, body = "", None, 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        if kind is None:
            m = re.match(r"^<!--\s*deploy-test:\s*(.*?)\s*-->\s*$", line)
            if m:
                tag = m.group(1)
                continue
            m = re.match(r"^```(\w*)\s*$", line)
            if m:
                kind, start, body = m.group(1) or "text", number, []
        elif line.startswith("```"):
            out.append(Block(kind, "\n".join(body) + "\n", start, tag))
            kind = None
        else:
            body.append(line)
    assert kind is None, f"deploy.md: unclosed ``` block from line {start}"
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Setting:
    """Where the page's placeholders point in this run: a folder, ports, an environment."""

    folder: Path
    ports: dict[int, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    ran: list[subprocess.CompletedProcess[str]] = field(default_factory=list)  # each command run, in order

    def fill(self, text: str) -> str:
        text = text.replace(FOLDER, str(self.folder))
        for old, new in self.ports.items():
            text = re.sub(rf"(?<![0-9]){old}(?![0-9])", str(new), text)
        return text

    @classmethod
    def create(cls, folder: Path, server: str, extra_env: dict[str, str] | None = None) -> Setting:
        exe_dir = Path(sys.executable).parent
        env = {
            **os.environ,
            "PATH": f"{exe_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "PYTHONUTF8": "1",
            **(extra_env or {}),
        }
        return cls(folder, {p: free_port() for p in PORTS[server]}, env)


def _wait_until_ready(server: str, setting: Setting, proc: subprocess.Popen[bytes], command: str) -> None:
    """Wait until every port of ``server`` accepts connections (Virtuoso: until /sparql answers too)."""
    import httpx

    deadline = time.monotonic() + 60
    pending = [setting.ports[p] for p in PORTS[server]]
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace")[-800:] if proc.stderr else ""
            raise RuntimeError(f"{command!r} stopped with exit code {proc.returncode}: {err}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", pending[0]), timeout=1):
            pending.pop(0)
        if not pending:
            if server != "virtuoso":
                return
            # its HTTP port opens before the server is online: wait for an answer
            url = f"http://127.0.0.1:{setting.ports[8890]}/sparql"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            pending = [setting.ports[8890]]
        time.sleep(0.05)
    raise RuntimeError(f"{command!r} was not ready within 60 s (ports {[setting.ports[p] for p in PORTS[server]]})")


def run_blocks(selected: list[Block], setting: Setting, servers: list[subprocess.Popen[bytes]]) -> list[str]:
    """Run ``selected`` blocks in order; background servers are appended to ``servers``. Failures, or []."""
    failures: list[str] = []
    for block in selected:
        if block.kind == "ini":
            first, _, body = block.text.partition("\n")
            m = re.fullmatch(r";\s*file:\s*(\S+)", first.strip())
            assert m, f"deploy.md:{block.line}: an ini block starts with '; file: PATH'"
            target = Path(setting.fill(m.group(1)))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(setting.fill(body), encoding="utf-8")
            continue
        if block.kind != "console":
            continue
        for number, command, want, code in commands(_as_tutorial_block(block)):
            command, want = setting.fill(command), setting.fill(want)
            if command.rstrip().endswith("# in another terminal"):
                proc = subprocess.Popen(
                    ["bash", "-c", command],
                    cwd=REPO,
                    env=setting.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                )
                servers.append(proc)
                _wait_until_ready(block.server, setting, proc, command)
                continue
            done = subprocess.run(
                ["bash", "-c", command], cwd=REPO, env=setting.env, capture_output=True, text=True, timeout=180
            )
            setting.ran.append(done)
            got = done.stdout + (done.stderr if code else "")
            if done.returncode != code:
                failures.append(
                    f"deploy.md:{number}: `{command}` exited {done.returncode}, expected {code}\n{done.stderr}"
                )
                return failures
            if want and not output_matches(want, got):
                failures.append(f"deploy.md:{number}: `{command}` printed\n{got}\nexpected\n{want}")
                return failures
    return failures


def _as_tutorial_block(block: Block):  # type: ignore[no-untyped-def]
    from test_tutorials import Block as TutorialBlock

    return TutorialBlock(block.kind, block.text, block.line)


def stop(servers: list[subprocess.Popen[bytes]], *, at_once: bool = False) -> None:
    """Stop the background servers this module started (each by its own process group); ``at_once``
    kills them without a shutdown (a temporary database: Virtuoso would checkpoint it first)."""
    for proc in servers:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9 if at_once else 15)
    for proc in servers:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            proc.wait()


@contextlib.contextmanager
def server_from_doc(server: str, folder: Path, extra_env: dict[str, str] | None = None) -> Iterator[Setting]:
    """Run the page's setup blocks of ``server`` (write its files, start it) in ``folder``; stop it after."""
    setting = Setting.create(folder, server, extra_env)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        failures = run_blocks([b for b in blocks() if b.server == server and b.setup], setting, servers)
        if failures:
            raise RuntimeError("\n".join(failures))
        yield setting
    finally:
        stop(servers, at_once=True)  # the folder is thrown away
