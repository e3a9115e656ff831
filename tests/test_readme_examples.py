"""Does the README show what evkg really prints? Every example of README.md is run and compared.

The ```` ```console ```` blocks run as in an 80-column terminal (rich's ``TTY_COMPATIBLE=1``,
``COLUMNS=80``: the tables a reader sees), the ```` ```pycon ```` blocks run as doctests, with the
runner of the tutorials (tests/test_tutorials.py). The ```` ```sh ```` set-up commands are checked by
tests/test_package_readme.py, and the ```` ```python ```` example is run there too.
"""

from __future__ import annotations

import re
from pathlib import Path

from test_tutorials import blocks, commands, run_tutorial

README = Path(__file__).resolve().parents[1] / "README.md"
TERMINAL = {"TTY_COMPATIBLE": "1", "COLUMNS": "80"}


def test_every_readme_example_prints_what_the_readme_shows(tmp_path: Path, evkg_exe: str) -> None:
    failures = run_tutorial(README, tmp_path, evkg_exe, env=TERMINAL)
    assert not failures, "\n".join(failures)


def test_the_readme_has_examples_with_output_and_says_how_to_run_evkg() -> None:
    text = README.read_text(encoding="utf-8")
    found = blocks(text)
    shown = [c for b in found if b.kind == "console" for c in commands(b) if c[2].strip()]
    assert len(shown) >= 3, "the README shows the output of its commands"
    assert sum(1 for b in found if b.kind == "python" and ">>>" in b.text) >= 2
    assert ". .venv/bin/activate" in text and ".venv/bin/evkg" in text


def test_the_readme_lists_exactly_the_commands_that_take_store(run_evkg) -> None:
    """README names the commands that take --store; each of them does, and no other reading command."""
    text = README.read_text(encoding="utf-8")
    sentence = re.search(r"`--store DIR`\s*\(on (.*?)\)", text, re.DOTALL)
    assert sentence, "README says which commands take --store"
    listed = set(re.findall(r"`(\w+)`", sentence.group(1)))
    from evkg.cli import command

    group = command()
    taking = {name for name, cmd in group.commands.items() if any(p.name == "store" for p in cmd.params)}
    assert listed == taking
