"""The tutorials in ``docs/tutorial-*.md`` work as written: every command and every Python example.

Each tutorial runs from top to bottom in its own empty folder, block by block, as a reader would:

- a ```` ```console ```` block: each ``$ command`` line runs in ``bash`` (the real ``evkg`` executable
  on ``PATH``); the lines after it are its expected output, compared as doctest does (``...``
  matches anything, whitespace is normalised). A command must exit 0 unless the expected output
  ends with a line ``[exit code N]``. A command ending in ``# in another terminal`` (a server) runs
  in the background until the tutorial ends, and the next command waits until its port answers;
- a ```` ```python ```` or ```` ```pycon ```` block: a doctest; names defined in one block are seen by
  the next (a block without ``>>>`` lines has nothing to run);
- a ```` ```turtle ```` or ```` ```text ```` block whose first line is ``# file: PATH``: the rest is
  written to ``PATH`` (the reader saves the file) before the next block runs.

Directives in HTML comments, invisible when the Markdown is rendered:
``<!-- tutorial: clone -->`` starts the folder as a clone of the repository (its ``ontology/``,
``graph/``, ``queries/``); ``<!-- tutorial: free-port 7878 -->`` replaces that port number with a
free one in every command and example, so the test never collides with a real server.
"""

from __future__ import annotations

import contextlib
import doctest
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((REPO / "docs").glob("tutorial-*.md"))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass
class Block:
    kind: str  # console, python, turtle
    text: str
    line: int  # line of the opening fence, 1-based


def blocks(markdown: str) -> list[Block]:
    out, current, start = [], None, 0
    for number, line in enumerate(markdown.splitlines(), start=1):
        if current is None:
            m = re.match(r"^```(console|python|pycon|turtle|text)\s*$", line)
            if m:
                current, start, body = m.group(1).replace("pycon", "python"), number, []
        elif line.startswith("```"):
            out.append(Block(current, "\n".join(body) + "\n", start))
            current = None
        else:
            body.append(line)
    assert current is None, f"unclosed ``` block from line {start}"
    return out


def directives(markdown: str) -> list[list[str]]:
    return [m.group(1).split() for m in re.finditer(r"<!--\s*tutorial:\s*(.*?)\s*-->", markdown)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(command: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    m = re.search(r"(127\.0\.0\.1|localhost):(\d+)", command)
    assert m, f"a background command needs a --bind host:port: {command}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{command!r} stopped with exit code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((m.group(1), int(m.group(2))), timeout=1):
            return
        time.sleep(0.1)
    raise AssertionError(f"{command!r} did not open its port within {timeout} s")


@contextlib.contextmanager
def background() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    try:
        yield procs
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def commands(block: Block) -> list[tuple[int, str, str, int]]:
    """(line, command, expected output, expected exit code) for each ``$`` line of a console block."""
    out: list[tuple[int, str, list[str]]] = []
    for offset, line in enumerate(block.text.splitlines(), start=1):
        if line.startswith("$ "):
            out.append((block.line + offset, line[2:], []))
        else:
            assert out, f"line {block.line + offset}: output before any '$ ' command"
            out[-1][2].append(line)
    result = []
    for number, command, lines in out:
        code = 0
        if lines and re.fullmatch(r"\[exit code (\d+)\]", lines[-1].strip()):
            code = int(re.fullmatch(r"\[exit code (\d+)\]", lines[-1].strip()).group(1))  # type: ignore[union-attr]
            lines = lines[:-1]
        result.append((number, command, "\n".join(lines) + ("\n" if lines else ""), code))
    return result


def output_matches(want: str, got: str) -> bool:
    """Does ``got`` match the output shown? Line by line: ``...`` inside a line matches any text, a
    line ``...`` any number of lines (none included), ``<BLANKLINE>`` an empty line; runs of spaces
    match any spaces.

    >>> output_matches("a\\n...\\nz\\n", "a\\nb\\nc\\nz\\n"), output_matches("a\\n...\\nz\\n", "a\\nz\\n")
    (True, True)
    >>> output_matches("x: ... items.\\n", "x: 3 items.\\n"), output_matches("x\\n", "y\\n")
    (True, False)
    """
    parts = []
    for line in want.splitlines():
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        if line.strip() == "<BLANKLINE>":
            line = ""
        chunks = [r"\s+".join(re.escape(word) for word in chunk.split()) for chunk in line.split("...")]
        parts.append(r"[ \t]*" + r"[\s\S]*?".join(chunks) + r"[ \t]*\n")
    text = got if got.endswith("\n") or not got else got + "\n"
    return re.fullmatch("".join(parts), text) is not None


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_tutorial(path: Path, folder: Path, evkg_exe: str, env: dict[str, str] | None = None) -> list[str]:
    """Run one tutorial in ``folder``; return the failures (empty: it works as written).

    ``env`` adds to the commands' environment (e.g. ``TTY_COMPATIBLE=1``, ``COLUMNS=80``: drawn as in
    an 80-column terminal); escape sequences (bold headers) are removed before comparing.
    """
    markdown = path.read_text(encoding="utf-8")
    replacements: dict[str, str] = {}
    for words in directives(markdown):
        if words[0] == "clone":
            for name in ("ontology", "graph", "queries"):
                shutil.copytree(REPO / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif words[0] == "free-port":
            replacements[words[1]] = str(free_port())
        else:
            raise AssertionError(f"{path.name}: unknown directive {words}")

    def fill(text: str) -> str:
        for old, new in replacements.items():
            text = text.replace(old, new)
        return text

    extra = env or {}
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")},
        "PATH": f"{Path(evkg_exe).parent}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "PYTHONUTF8": "1",
        **extra,
    }
    failures: list[str] = []
    globs: dict[str, object] = {"__name__": f"tutorial_{path.stem.replace('-', '_')}"}
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    with background() as servers:
        for block in blocks(markdown):
            where = f"{path.name}:{block.line}"
            if block.kind in ("turtle", "text"):
                first, _, body = block.text.partition("\n")
                m = re.fullmatch(r"#\s*file:\s*(\S+)", first.strip())
                if m:
                    target = folder / m.group(1)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(fill(body), encoding="utf-8")
                continue
            if block.kind == "python":
                test = doctest.DocTestParser().get_doctest(fill(block.text), globs, where, str(path), block.line)
                cwd = Path.cwd()
                os.chdir(folder)
                try:
                    report = lambda text, at=where: failures.append(f"{at}: {text}")  # noqa: E731
                    result = runner.run(test, out=report, clear_globs=False)
                finally:
                    os.chdir(cwd)
                globs.update(test.globs)  # DocTest works on a copy: keep the names for the next block
                if result.failed:
                    break
                continue
            for number, command, want, code in commands(block):
                command, want = fill(command), fill(want)
                if command.rstrip().endswith("# in another terminal"):
                    proc = subprocess.Popen(
                        ["bash", "-c", command], cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
                    )
                    servers.append(proc)
                    wait_for_port(command, proc)
                    continue
                proc = subprocess.run(
                    ["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, timeout=180
                )
                got = ANSI.sub("", proc.stdout + (proc.stderr if code else ""))
                if proc.returncode != code:
                    failures.append(
                        f"{path.name}:{number}: `{command}` exited {proc.returncode}, expected {code}\n{proc.stderr}"
                    )
                    return failures
                if want and not output_matches(want, got):
                    failures.append(f"{path.name}:{number}: `{command}` printed\n{got}\nexpected\n{want}")
                    return failures
            if failures:
                break
    return failures


def test_there_is_a_tutorial_for_researchers_curators_and_developers() -> None:
    assert [p.name for p in TUTORIALS] == [
        "tutorial-curators.md",
        "tutorial-developers.md",
        "tutorial-researchers.md",
    ]
    for path in TUTORIALS:
        kinds = {b.kind for b in blocks(path.read_text(encoding="utf-8"))}
        assert {"console", "python"} <= kinds, f"{path.name} needs commands and Python examples"


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_the_tutorial_works_as_written(path: Path, tmp_path: Path, evkg_exe: str) -> None:
    failures = run_tutorial(path, tmp_path, evkg_exe)
    assert not failures, "\n".join(failures)


def test_a_wrong_expected_output_is_caught(tmp_path: Path, evkg_exe: str) -> None:
    """The runner itself: a tutorial whose shown output is wrong fails (so the tests can fail)."""
    bad = tmp_path / "tutorial-bad.md"
    bad.write_text("```console\n$ echo hello\ngoodbye\n```\n", encoding="utf-8")
    (tmp_path / "run").mkdir()
    failures = run_tutorial(bad, tmp_path / "run", evkg_exe)
    assert len(failures) == 1 and "`echo hello` printed" in failures[0]
    worse = tmp_path / "tutorial-worse.md"
    worse.write_text("```python\n>>> 1 + 1\n3\n```\n", encoding="utf-8")
    assert run_tutorial(worse, tmp_path / "run", evkg_exe)
