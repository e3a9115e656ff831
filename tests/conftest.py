"""Shared pytest setup for evkg.

Network: for the whole session, every socket connection and name lookup that is not loopback
(127.0.0.0/8, ::1, ``localhost``) or a Unix socket raises :class:`NetworkBlocked`. This is an audit
hook (``sys.addaudithook``, as in rdflib's ``examples/secure_with_audit.py``), so it also covers
urllib, httpx and anything else built on Python's ``socket`` module. Tests marked ``network`` may
connect when ``EVKG_NETWORK_TESTS=1``; otherwise they are skipped.

Fixtures (add yours below, with a docstring):
    repo_root        the repository checkout
    data_dir         the bundled data folder (the repository's ontology/, graph/, queries/)
    fixture_data_dir a small data folder with the same layout, tests/fixtures/data/
    kg               the bundled graph loaded once per session (evkg.KnowledgeGraph)
    fixture_kg       the fixture data loaded once per session
    evkg_exe         the ``evkg`` console script of the environment that runs pytest
    run_evkg         run ``evkg ARGS...`` in this process (``evkg.cli.main``, what the console script
                     calls), returns CompletedProcess (text mode) as a subprocess run would
    run_evkg_process the same in a real subprocess of the ``evkg`` executable: for what only a process
                     shows (the console script, a server, a terminal, exit on a signal); 0.5 s more a run
    serve_client     the evkg web app (evkg.serve) in process, workers running (Starlette TestClient)
    virtuoso         a real Virtuoso 7 set up as docs/deploy.md says, the graph published with
                     `evkg load --user dba` (GSP); one per test run, started in the background
                     as soon as the collected tests need it (tests/sparql_servers.py)
    oxigraph         the same for `oxigraph serve` (PyPI oxigraph)
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# --- network guard ------------------------------------------------------------------------------
class NetworkBlocked(RuntimeError):
    """A test tried to reach a host that is not loopback."""


_network_allowed = False


def _is_local(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host in ("localhost", "localhost.", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _network_allowed:
        return
    if event == "socket.connect":
        sock, address = args[0], args[1]
        if isinstance(address, str | bytes):  # AF_UNIX
            return
        if isinstance(address, tuple) and address and _is_local(address[0]):
            return
        raise NetworkBlocked(f"network blocked in tests: connect to {address!r} ({sock})")
    if event == "socket.getaddrinfo" and not _is_local(args[0]):
        raise NetworkBlocked(f"network blocked in tests: name lookup of {args[0]!r}")


sys.addaudithook(_audit)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/ from the current results (review the diff)"
    )
    parser.addoption(
        "--budget", action="store_true", help="print the time budget summary (tests/budget.py) for a targeted run too"
    )


def pytest_configure(config: pytest.Config) -> None:
    from budget import Budget
    from sparql_servers import OneWorker

    config.pluginmanager.register(Budget(config), "evkg-budget")  # the time budget, printed after a whole run
    config.pluginmanager.register(OneWorker(), "evkg-one-worker")  # the tests using a server: one xdist worker


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from sparql_servers import start_needed

    start_needed(items)  # the SPARQL servers the collected tests use start now, in the background
    if os.environ.get("EVKG_NETWORK_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs the network: set EVKG_NETWORK_TESTS=1 to run")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from sparql_servers import stop_all

    stop_all()


@pytest.fixture(autouse=True)
def _network_for_marked_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Open the network only for tests marked ``network`` (which run only on request)."""
    global _network_allowed
    if request.node.get_closest_marker("network") is None:
        yield
        return
    _network_allowed = True
    try:
        yield
    finally:
        _network_allowed = False


# --- data and graphs ----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout the tests run in."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The bundled data folder: the repository root with ontology/, graph/, queries/."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def fixture_data_dir() -> Path:
    """A small data folder with the repository's layout (tests/fixtures/data/)."""
    return FIXTURES / "data"


@pytest.fixture(scope="session")
def kg(data_dir: Path):  # -> evkg.KnowledgeGraph
    """The bundled graph, loaded once per session into an in-memory pyoxigraph store. Read only."""
    import evkg

    return evkg.load(data_dir=data_dir)


@pytest.fixture(scope="session")
def fixture_kg(fixture_data_dir: Path):  # -> evkg.KnowledgeGraph
    """tests/fixtures/data loaded once per session. Read only."""
    import evkg

    return evkg.load(data_dir=fixture_data_dir)


# --- the real executable ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def evkg_exe() -> str:
    """Path of the ``evkg`` console script installed next to the running Python (or on PATH)."""
    candidate = Path(sys.executable).parent / "evkg"
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("evkg")
    if found is None:
        pytest.fail("the evkg executable is not installed: run pip install -e '.[test]' first")
    return found


_ENV = {"NO_COLOR": "1", "COLUMNS": "200", "PYTHONUTF8": "1"}


@pytest.fixture(scope="session")
def run_evkg_process(evkg_exe: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``evkg *args`` in a subprocess (text mode, 120 s timeout); never raises on exit code."""

    def run(
        *args: str | os.PathLike[str], cwd: Path | None = None, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [evkg_exe, *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd,
            input=input,
            env={**os.environ, **_ENV},
            timeout=120,
        )

    return run


@pytest.fixture(scope="session")
def run_evkg() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``evkg *args`` in this process, as the console script does (``sys.exit(evkg.cli.main())``),
    and give back what a subprocess run gives: exit code, stdout and stderr (text, universal newlines).

    A subprocess costs ~0.5 s CPU of interpreter start and imports a run, which this saves (130 runs in the
    suite). What a process would show is kept: stdin (``input``), the working directory (``cwd``), the
    environment (no colour, 200 columns), a traceback and exit code 1 for an uncaught exception, exit codes
    of ``SystemExit``, and on stderr the warnings and log records (WARNING and above) a fresh process
    would print. Use ``run_evkg_process`` where only a real process shows what the test asks.
    """
    import contextlib
    import io
    import logging
    import traceback
    import warnings

    from evkg.cli import main

    def run(
        *args: str | os.PathLike[str], cwd: Path | None = None, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        argv = [str(a) for a in args]
        out, err = io.BytesIO(), io.BytesIO()
        stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
        stdin = io.TextIOWrapper(io.BytesIO((input or "").encode("utf-8")), encoding="utf-8")
        handler = logging.StreamHandler(stderr)  # logging's last resort in a process without handlers
        handler.setLevel(logging.WARNING)
        root = logging.getLogger()
        saved = os.environ.copy(), os.getcwd(), sys.stdin, root.level, logging.root.manager.disable
        try:
            os.environ.update(_ENV)
            if cwd is not None:
                os.chdir(cwd)
            root.addHandler(handler)
            root.setLevel(logging.WARNING)
            logging.disable(logging.NOTSET)
            sys.stdin = stdin
            with (
                warnings.catch_warnings(record=True) as caught,
                contextlib.redirect_stdout(stdout),
                contextlib.redirect_stderr(stderr),
            ):
                warnings.resetwarnings()  # a fresh process's filters
                for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                    warnings.simplefilter("ignore", category)
                try:
                    code = main(argv)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                    if exc.code is not None and not isinstance(exc.code, int):
                        print(exc.code, file=sys.stderr)
                except Exception:  # noqa: BLE001 - what the interpreter prints for an uncaught exception
                    traceback.print_exc(file=sys.stderr)
                    code = 1
                for w in caught:
                    stderr.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line))
        finally:
            environ, where, sys.stdin, level, disabled = saved
            os.environ.clear()
            os.environ.update(environ)
            os.chdir(where)
            root.removeHandler(handler)
            root.setLevel(level)
            logging.disable(disabled)
        stdout.flush()
        stderr.flush()

        def text(buffer: io.BytesIO) -> str:  # what text=True reads from a pipe
            return buffer.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")

        return subprocess.CompletedProcess(["evkg", *argv], code, text(out), text(err))

    return run


# --- the web app (evkg serve) ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def serve_client(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The web app on the bundled data, in process, query workers started (a Starlette TestClient).

    Query time limit and result limit are small (tests/serve_support.py). Read only; shared.
    """
    from serve_support import app_client

    with app_client(data_dir, tmp_path_factory.mktemp("serve") / "store") as client:
        yield client


# --- real SPARQL servers, one each per test run (tests/sparql_servers.py) ----------------------------------
@pytest.fixture(scope="session")
def virtuoso():  # -> servers.Published
    """Virtuoso set up from docs/deploy.md, evkg published on it (GSP, digest auth). Shared: load only."""
    from sparql_servers import launched

    return launched("virtuoso")


@pytest.fixture(scope="session")
def oxigraph():  # -> servers.Published
    """`oxigraph serve` set up from docs/deploy.md, evkg published on it with `evkg load`. Shared."""
    from sparql_servers import launched

    return launched("oxigraph")
