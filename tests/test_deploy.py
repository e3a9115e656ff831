"""docs/deploy.md works as written: its Virtuoso, Oxigraph server and `evkg serve` commands run here.

The servers are the test run's own (tests/sparql_servers.py), started from the page's configuration
and start commands; this test runs the page's other commands against them (docs: tests/deploy_doc.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from deploy_doc import DOC, Setting, blocks, run_blocks, stop


def _run(server: str, setting: Setting) -> list[str]:
    servers: list = []
    try:
        return run_blocks([b for b in blocks() if b.tag == server], setting, servers)
    finally:
        stop(servers)


def test_the_virtuoso_commands_work_as_written(virtuoso):
    """Do the page's Virtuoso commands (load by GSP and in bulk, queries, curl) work on a real Virtuoso?"""
    failures = _run("virtuoso", virtuoso.setting)
    assert not failures, "\n".join(failures)


def test_the_oxigraph_server_commands_work_as_written(oxigraph):
    """Do the page's Oxigraph server commands work on a real `oxigraph serve`?"""
    failures = _run("oxigraph", oxigraph.setting)
    assert not failures, "\n".join(failures)


def test_the_evkg_serve_commands_work_as_written(tmp_path: Path):
    """Does the page's `evkg serve` example answer as shown?"""
    setting = Setting.create(tmp_path, "serve")
    servers: list = []
    try:
        failures = run_blocks([b for b in blocks() if b.server == "serve"], setting, servers)
    finally:
        stop(servers)
    assert not failures, "\n".join(failures)


def test_every_block_is_run_or_marked_untested():
    """Is each command of the page run by a test, except the QLever section and the proxy example?"""
    text = DOC.read_text(encoding="utf-8")
    for block in blocks():
        if block.kind in ("console", "ini"):
            assert block.server in ("virtuoso", "oxigraph", "serve"), f"deploy.md:{block.line} is run by no test"
        elif block.line > 20:  # the first example is the page's summary (a Python session)
            assert block.tag == "none", f"deploy.md:{block.line}: a {block.kind} block needs <!-- deploy-test: none -->"
    qlever = text[text.index("## QLever") : text.index("## `evkg serve`")]
    assert "(untested)" in qlever.splitlines()[0] and "**Untested**" in qlever


@pytest.mark.parametrize("server", ["virtuoso", "oxigraph"])
def test_the_page_sets_up_the_servers_the_tests_use(server):
    """Are the test run's servers started by the page's own setup blocks (not a private configuration)?"""
    setup = [b for b in blocks() if b.tag == f"{server} setup"]
    assert any(re.search(r"# in another terminal\s*$", b.text, re.MULTILINE) for b in setup)
