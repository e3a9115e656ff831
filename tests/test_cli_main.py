"""Does the evkg command explain itself: --help on every command, --version with the graph's version?"""

from __future__ import annotations

import re

import evkg
from evkg.cli import app
from evkg.query.knowledge_graph import version_of

PACKAGE_COMMANDS = ("build", "export", "stats", "sparql")


def test_every_command_is_listed_and_the_package_commands_have_help(run_evkg_process) -> None:
    """Does `evkg --help` list every command, and `evkg COMMAND --help` explain build/export/stats/sparql?

    (Each command module tests its own --help; these four are this package's.)
    """
    top = run_evkg_process("--help")
    assert top.returncode == 0, top.stderr
    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    assert set(PACKAGE_COMMANDS) <= set(names)
    for name in names:
        assert re.search(rf"\b{re.escape(str(name))}\b", top.stdout), name
    for name in PACKAGE_COMMANDS:
        result = run_evkg_process(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert "Usage:" in result.stdout and result.stderr == "", name
        assert "--data" in result.stdout, f"{name} must accept --data DIR"


def test_version_names_the_package_and_the_graph(run_evkg_process) -> None:
    """Which evkg and which version of the graph am I running?"""
    result = run_evkg_process("--version")
    assert result.returncode == 0
    graph_version = version_of()
    assert graph_version
    assert result.stdout.startswith(f"evkg {evkg.__version__}, graph {graph_version} ")
