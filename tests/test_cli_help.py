"""Does every command's --help speak to a user: metavars (FORMAT, DIR), never Python types, within 80 columns?"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from rich.cells import cell_len

from evkg.cli import command, main

# what typer prints when a parameter has no metavar: <str>, <list[str]>, <bool>, <int range>, <path>,
# [0<=x<=65535], [x>=1], and an optional variadic argument's [[FILES]...]...
PYTHON_TYPES = re.compile(r"<(?:str|int|float|bool|path|list\[|int range|float range|Path|choice)[^>]*>")
RANGES = re.compile(r"\[(?:\d+(?:\.\d+)?<=)?x(?:<=|>=|<|>)")


def _paths(cmd, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from _paths(sub, (*prefix, name))


COMMANDS = list(_paths(command()))


def test_every_command_is_walked() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"", "query", "sparql", "validate", "cite", "serve", "link enrich", "link import"} <= names
    assert len(COMMANDS) >= 18


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "evkg" for p in COMMANDS])
def test_help_shows_metavars_not_python_types(path: tuple[str, ...], capsys, monkeypatch) -> None:
    """Does `evkg … --help` at 80 columns name values as FORMAT or DIR, with no <str>, <bool> or [x>=1]?"""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main([*path, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Usage:" in text
    assert not PYTHON_TYPES.search(text), PYTHON_TYPES.search(text).group(0)  # type: ignore[union-attr]
    assert not RANGES.search(text), text
    assert "]...]..." not in text and "[[" not in text
    assert max(cell_len(line) for line in text.splitlines()) <= 80


def test_the_help_option_keeps_its_short_form(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    main(["sparql", "-h"])
    assert re.search(r"--help\s+-h", capsys.readouterr().out)


def test_an_out_of_range_option_is_one_line_that_names_the_range(run_evkg) -> None:
    done = run_evkg("serve", "--port", "70000")
    assert done.returncode == 2
    assert done.stderr == "evkg: --port 70000: choose a value from 0 to 65535\n"
