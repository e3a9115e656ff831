"""Helpers for the tests of ``evkg serve`` (tests/test_serve_*.py, tests/test_browser.py).

- :func:`app_client`: the web app in process (Starlette TestClient) with its query workers running;
- :class:`ServeProcess`: the real ``evkg serve`` executable on a free loopback port;
- :class:`Trap`: a loopback TCP listener that records every connection made to it, to prove that
  a refused SERVICE / LOAD / FROM never made the server connect anywhere.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx

#: Settings of the in-process app the tests share: short time limit, small result limit.
TEST_TIMEOUT = 2.0
TEST_MAX_RESULTS = 500


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def app_client(data_dir: Path, store_dir: Path, **config: object) -> Iterator[object]:
    """The evkg web app over ``data_dir`` (store built in ``store_dir``), lifespan started."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's TestClient warns that it prefers httpx2
        from starlette.testclient import TestClient

    from evkg.serve import ServeConfig, create_app

    settings = {"timeout": TEST_TIMEOUT, "max_results": TEST_MAX_RESULTS, "workers": 2, "svg_engine": "python"}
    settings.update(config)
    app = create_app(ServeConfig(data_dir=data_dir, store_dir=store_dir, **settings))  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = TestClient(app, base_url="http://evkg.test")
    with client:
        yield client


def app_client_without_workers(data_dir: Path, store_dir: Path) -> object:
    """The web app over ``data_dir`` without starting its lifespan: pages and IRIs work, /sparql does not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        from evkg.serve import ServeConfig, create_app

        app = create_app(ServeConfig(data_dir=data_dir, store_dir=store_dir, svg_engine="python"))
        return TestClient(app, base_url="http://evkg.test")


class ServeProcess:
    """``evkg serve`` in a subprocess on 127.0.0.1:<free port>; stopped (SIGINT, then SIGKILL) on exit."""

    def __init__(self, evkg_exe: str, *args: str, startup: float = 60.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [evkg_exe, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + startup
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                raise RuntimeError(f"evkg serve exited with {self.process.returncode}: {err.decode()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("evkg serve did not answer /health in time")

    def stop(self) -> str:
        """Stop the server; returns what it wrote on stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the server and its workers
                self.process.wait(5)
        _, err = self.process.communicate()
        return err.decode("utf-8", "replace")

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_shared: ServeProcess | None = None


def shared_server(evkg_exe: str, store_dir: Path) -> ServeProcess:
    """One real ``evkg serve`` for the whole session (time limit 60 s, so that only a client leaving
    stops a query early), started on first use and stopped when the session ends."""
    global _shared
    if _shared is None or _shared.process.poll() is not None:
        _shared = ServeProcess(evkg_exe, "--store", str(store_dir), "--timeout", "60", "--workers", "2")
        atexit.register(_shared.stop)
    return _shared


class Trap:
    """A loopback TCP listener that accepts and records connections (and answers nothing useful)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.connections.append(addr)
            with contextlib.suppress(OSError):
                conn.sendall(b"HTTP/1.1 500 Trap\r\nContent-Length: 0\r\n\r\n")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()

    def __enter__(self) -> Trap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pid_alive(pid: int) -> bool:
    """Whether a process with this id still runs (and is not a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True
