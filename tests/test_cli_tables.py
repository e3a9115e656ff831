"""Can I read evkg's tables in an 80-column terminal, and pipe them to other tools?

The renderer (evkg.cli.tables) is checked on its own, through `evkg sparql`/`evkg query` with rich's
TTY_COMPATIBLE=1 (drawn as on a terminal), and once in a real pseudo-terminal of 80 columns.
"""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from evkg.cli.tables import plain, print_table

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BOX = set("┏┓┗┛┃━┡┩│─└┘┳┻╇┼")
CURIES = ("term:extracellular-vesicle", "term:soluble-factor", "evkg:component", "skos:narrower")


def _terminal(width: int = 80) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=width, force_terminal=True, no_color=True, highlight=False), buffer


def _lines(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


def test_a_table_that_fits_keeps_every_curie_whole_and_wraps_text_at_words() -> None:
    console, out = _terminal()
    rows = [
        ["term:extracellular-vesicle", "a membrane-bound particle released from cells, which cannot replicate"],
        ["term:soluble-factor", "a protein secreted into the medium"],
    ]
    print_table(["term", "definition"], rows, out=console, footer="2 rows")
    lines = _lines(out.getvalue())
    assert max(cell_len(line) for line in lines) <= 80
    assert any("term:extracellular-vesicle" in line for line in lines)  # never "term:extracel│lular-vesicle"
    words = {w for line in lines for w in re.findall(r"[a-z-]+", line)}
    assert {"membrane-bound", "replicate", "released"} <= words  # wrapped between words, not inside one
    assert lines[-1] == "2 rows"


def test_a_table_too_wide_for_80_columns_becomes_one_block_per_row() -> None:
    console, out = _terminal()
    columns = ["parent", "parentLabel", "relation", "part", "partLabel"]
    rows = [["term:secretome", "セクレトーム", "evkg:component", "term:extracellular-vesicle", "細胞外小胞"]] * 2
    rows = [*rows, ["term:soluble-factor", "可溶性因子", "skos:narrower", "term:growth-factor-receptor-ligand", "x"]]
    print_table(columns, rows, out=console)
    lines = _lines(out.getvalue())
    assert max(cell_len(line) for line in lines) <= 80
    assert lines[0].startswith("── 1 ")
    assert "part         term:extracellular-vesicle" in lines
    assert "partLabel    細胞外小胞" in lines
    assert not any(line.endswith(" ") for line in lines)


def test_plain_output_is_aligned_and_never_cut() -> None:
    text = plain(["org", "name"], [["organization:isev", "国際細胞外小胞学会 @ja"], ["organization:jsrm", "JSRM"]])
    assert text.splitlines() == [
        "org                name",
        "organization:isev  国際細胞外小胞学会 @ja",
        "organization:jsrm  JSRM",
    ]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "COLUMNS")}
    return {**env, "NO_COLOR": "1", "PYTHONUTF8": "1", **extra}


def test_the_terminal_table_at_80_columns(evkg_exe: str) -> None:
    """`evkg query term_components` in an 80-column terminal: no line wider, no CURIE cut in two."""
    done = subprocess.run(
        [evkg_exe, "query", "term_components", "-p", "term=term:secretome", "--lang", "ja"],
        capture_output=True,
        text=True,
        env=_env(TTY_COMPATIBLE="1", COLUMNS="80"),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = _lines(done.stdout)
    assert max(cell_len(line) for line in lines) <= 80
    for curie in CURIES:
        assert any(re.search(rf"(?<![\w:-]){re.escape(curie)}(?![\w-])", line) for line in lines), curie
    assert lines[-1] == "15 rows"


def test_piped_output_and_wide_are_plain(evkg_exe: str) -> None:
    """Piped into grep or a file, or with --wide, a table is one line per row without box characters."""
    args = [evkg_exe, "query", "term_components", "-p", "term=term:secretome", "--lang", "ja"]
    piped = subprocess.run(args, capture_output=True, text=True, env=_env(COLUMNS="80"), timeout=60)
    wide = subprocess.run([*args, "--wide"], capture_output=True, text=True, env=_env(TTY_COMPATIBLE="1"), timeout=60)
    for done in (piped, wide):
        assert done.returncode == 0, done.stderr
        assert not BOX & set(done.stdout)
        lines = done.stdout.splitlines()
        assert len(lines) == 1 + 15 + 1  # header, 15 rows, count
        assert lines[2].split() == [
            "term:extracellular-vesicle",
            "細胞外小胞",
            "skos:narrower",
            "term:ectosome",
            "エクトソーム",
        ]
    assert piped.stdout == wide.stdout


def _in_a_terminal(argv: list[str], columns: int = 80, rows: int = 24) -> str:
    """Run ``argv`` with its standard output on a real pseudo-terminal of ``columns`` × ``rows``."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in _env().items() if k != "NO_COLOR"}
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError(f"{argv} printed nothing for 60 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side closed: the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    with proc:  # closes the stderr pipe (an unclosed one is a ResourceWarning, an error in this suite)
        assert proc.wait(timeout=60) == 0, proc.stderr.read().decode() if proc.stderr else ""
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(not Path("/dev/ptmx").exists(), reason="no pseudo-terminals here")
def test_in_a_real_80_column_terminal(evkg_exe: str) -> None:
    """The same query in a real terminal of 80 × 24: the table fits and every CURIE is whole."""
    text = _in_a_terminal(
        [
            evkg_exe,
            "sparql",
            "SELECT ?t ?l WHERE { ?t a skos:Concept ; skos:prefLabel ?l "
            "FILTER(LANG(?l) = 'en' && STRSTARTS(STR(?t), STR(term:))) } ORDER BY ?t LIMIT 8",
        ]
    )
    lines = [line for line in _lines(text) if line.strip()]
    assert BOX & set(text)  # drawn as a table: this is a terminal
    assert max(cell_len(line) for line in lines) <= 80
    assert lines[-1] == "8 rows"
    assert any("term:" in line for line in lines)
    for line in lines:
        assert not re.search(r"term:[\w-]*│", line)


def test_query_list_fits_a_screen_per_group(evkg_exe: str) -> None:
    """`evkg query --list` in 80 × 24: each group (organization, term, qc, …) fits on one screen."""
    done = subprocess.run(
        [evkg_exe, "query", "--list"], capture_output=True, text=True, env=_env(TTY_COMPATIBLE="1", COLUMNS="80")
    )
    assert done.returncode == 0, done.stderr
    lines = _lines(done.stdout)
    assert max(cell_len(line) for line in lines) <= 80
    blocks = "\n".join(lines).split("\n\n")
    groups = [b for b in blocks if re.match(r"^\w+ \(\d+ quer(y|ies)\)", b)]
    assert {b.split()[0] for b in groups} >= {"organization", "term", "agreement", "publication", "qc"}
    assert all(len(b.splitlines()) <= 23 for b in groups), [len(b.splitlines()) for b in groups]
    one = subprocess.run([evkg_exe, "query", "--list", "term"], capture_output=True, text=True, env=_env())
    assert one.returncode == 0 and one.stdout.startswith("term (7 queries)")
    assert "organization_profile" not in one.stdout
