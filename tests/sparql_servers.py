"""The test run's SPARQL servers: one Virtuoso and one Oxigraph server, set up from docs/deploy.md.

Starting Virtuoso takes a few seconds, so each server starts in a background thread as soon as
collection shows that some test uses its fixture (``virtuoso`` / ``oxigraph``, tests/conftest.py),
and the graph is published on it there too (the page's ``evkg load``, the real command); the fixture
waits for it. The servers stop at the end of the session. A run of tests that use neither starts neither.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from deploy_doc import Setting, server_from_doc


@dataclass
class Published:
    """A running server holding evkg: its query endpoint, the page's setting, and the load's output."""

    name: str
    endpoint: str
    setting: Setting
    load: subprocess.CompletedProcess[str]
    password: str = ""

    @property
    def folder(self) -> Path:
        return self.setting.folder


def _start(name: str, stack: contextlib.ExitStack) -> Published:
    folder = Path(tempfile.mkdtemp(prefix=f"evkg-{name}-"))
    stack.callback(shutil.rmtree, folder, True)
    password = secrets.token_urlsafe(12) if name == "virtuoso" else ""
    extra = {"EVKG_PASSWORD": password} if password else {}
    setting = stack.enter_context(server_from_doc(name, folder, extra))  # the page's setup, its evkg load included
    if name == "virtuoso":
        endpoint = f"http://127.0.0.1:{setting.ports[8890]}/sparql"
    else:
        endpoint = f"http://127.0.0.1:{setting.ports[7878]}/query"
    load = next(done for done in reversed(setting.ran) if "evkg load" in " ".join(map(str, done.args)))
    return Published(name, endpoint, setting, load, password)


class _Launch:
    """One server, started in a thread; :meth:`value` waits for it, :meth:`close` stops it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._stack = contextlib.ExitStack()
        self._value: Published | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"start-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = _start(self.name, self._stack)
        except BaseException as exc:  # reported to the test that asks for the server
            self._error = exc

    def value(self) -> Published:
        self._thread.join()
        if self._error is not None:
            raise RuntimeError(f"the {self.name} server could not be set up: {self._error}") from self._error
        assert self._value is not None
        return self._value

    def close(self) -> None:
        self._thread.join()
        self._stack.close()


_LAUNCHED: dict[str, _Launch] = {}
_LOCK = threading.Lock()
SERVERS = ("virtuoso", "oxigraph")


def start_needed(items: list[Any]) -> None:
    """Start (in the background) each server that one of the collected tests asks for.

    Not in a pytest-xdist worker: every worker collects every test, and which tests it runs is
    decided later; there a server starts when a test first asks for it.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    needed = {name for item in items for name in getattr(item, "fixturenames", ()) if name in SERVERS}
    for name in sorted(needed):
        _launch(name)


def _launch(name: str) -> _Launch:
    with _LOCK:
        if name not in _LAUNCHED:
            _LAUNCHED[name] = _Launch(name)
        return _LAUNCHED[name]


def launched(name: str) -> Published:
    """The running server ``name`` (started now if collection did not start it)."""
    return _launch(name).value()


def stop_all(stop: Callable[[_Launch], None] = _Launch.close) -> None:
    with _LOCK:
        for launch in _LAUNCHED.values():
            stop(launch)
        _LAUNCHED.clear()


GROUP = "sparql-servers"


class OneWorker:
    """A pytest plugin: under pytest-xdist ``--dist loadgroup``, every test that uses a server runs on one worker.

    So a run starts one Virtuoso and one oxigraph server, not one per worker (decision 0021). Each such
    test gets the ``xdist_group`` mark, and its node id the ``@group`` suffix that xdist's loadgroup
    scheduler reads. xdist writes that suffix into ``item._nodeid``, which pytest 9.2 no longer reads
    (node ids are structured, ``item._id``; pytest-dev/pytest-xdist#1386): the groups were silently
    lost. This hook runs after xdist's and writes the suffix where the running pytest reads it.
    """

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not getattr(config.option, "loadgroup", False):  # set in xdist workers only, with --dist loadgroup
            return
        mark = pytest.mark.xdist_group(GROUP)
        for item in items:
            if not set(getattr(item, "fixturenames", ())) & set(SERVERS) or "@" in item.nodeid.rpartition("]")[2]:
                continue
            item.add_marker(mark)
            grouped = f"{item.nodeid}@{GROUP}"
            if hasattr(item, "_id"):  # pytest >= 9.2
                from _pytest.nodeid import NodeId

                item._id = NodeId.parse(grouped)
            else:
                item._nodeid = grouped
            if item.nodeid != grouped:
                raise pytest.UsageError(f"{item.nodeid}: not in the xdist group {GROUP} (tests/sparql_servers.py)")
