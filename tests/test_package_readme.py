"""Does the README tell the truth: the CI runs its test command, and its Python example works?"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def _commands(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """Is the command CI runs the one a new contributor copies from the README?"""
    readme_tests = [c for block in _blocks("sh") for c in _commands(block) if "pytest" in c]
    assert len(readme_tests) == 1, readme_tests
    ci_tests = [c for c in _commands(CI) if "pytest" in c]
    assert ci_tests == readme_tests
    assert _commands(CI)[-1] == readme_tests[0], "the test command must be the last thing .ci/run does"


def test_ci_script_is_strict_and_executable() -> None:
    """Does .ci/run stop at the first failure, and can CI execute it?"""
    assert CI.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in CI
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_readme_main_command_installs_and_builds() -> None:
    """Does the README's first command install the package and build every format into a folder?"""
    main = [c for block in _blocks("sh") for c in _commands(block) if "evkg build" in c]
    assert main == ["python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/evkg build --out out/"]


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Does the README's Python example print ISEV's MOU partner and write evkg.ttl?"""
    (example,) = _blocks("python")
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})  # noqa: S102
    assert capsys.readouterr().out.strip() == "['https://w3id.org/evkg/id/organization/jsrm']"
    assert (tmp_path / "evkg.ttl").read_text(encoding="utf-8").startswith("PREFIX ")
