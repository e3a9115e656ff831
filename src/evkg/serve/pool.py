"""A pool of query worker processes that can be stopped: the endpoint's time limit is real.

Each worker is a separate Python process (``python -m evkg.serve.worker``, so it shares no threads
or locks with the server) that opens the persisted store read-only and answers one :class:`~evkg.serve.evaluate.Job`
at a time over a pipe. The server hands a job to an idle worker and waits for the answer in a
thread (the event loop keeps serving other clients; pyoxigraph releases the GIL while it evaluates,
and here it does so in another process anyway). When the time limit passes, or the client goes
away, the worker is killed (SIGKILL: a query in pyoxigraph cannot be interrupted from inside) and a
fresh one is started in its place. Workers also run under an address-space limit, so a query that
builds enormous strings ends its own worker instead of the machine.

Waiting for a free worker is bounded: at most ``max_waiting`` requests queue (32 per worker), and each waits at most
the time limit; beyond that the server answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from evkg.serve.evaluate import Answer, Job, error

log = logging.getLogger(__name__)

#: Address-space limit of a worker (bytes); a query needing more ends its worker with an error.
WORKER_MEMORY = 4 * 1024**3
#: Seconds a new worker may take to open the store.
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to open the store and answer (picklable)."""

    store_path: str  # the pyoxigraph store folder (opened read-only)
    data_dir: str  # the data folder (for the prefix registry)
    max_results: int
    memory_limit: int = WORKER_MEMORY


class Worker:
    """One worker process (``python -m evkg.serve.worker``) and the server's ends of its two pipes.

    A plain subprocess rather than :mod:`multiprocessing`: it imports nothing of the program that
    started the server (``spawn`` would re-import the caller's ``__main__``), and it shares no
    threads or locks with it.
    """

    def __init__(self, config: WorkerConfig) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])  # the folder that holds evkg/
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "evkg.serve.worker", str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                env=env,
                close_fds=True,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.send_conn = Connection(to_child_w, readable=False, writable=True)
        self.recv_conn = Connection(from_child_r, readable=True, writable=False)
        self.pid = self.process.pid
        self.send_conn.send(config)

    def wait_ready(self, timeout: float) -> None:
        if not self.recv_conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"query worker did not start within {timeout:.0f} s")
        try:
            message = self.recv_conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise RuntimeError(f"query worker failed to start (exit code {self.process.poll()})") from None
        if not (isinstance(message, tuple) and message[0] == "ready"):
            self.kill()
            raise RuntimeError(f"query worker failed to start: {message!r}")

    def send(self, job: Job) -> None:
        self.send_conn.send(job)

    def poll(self, timeout: float) -> bool:
        return self.recv_conn.poll(timeout)

    def recv(self) -> Any:
        return self.recv_conn.recv()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(5)
        self._close()

    def _close(self) -> None:
        for conn in (self.send_conn, self.recv_conn):
            with contextlib.suppress(Exception):
                conn.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.send_conn.send(None)
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


class Busy(Exception):
    """No worker became free in time (or too many requests are waiting)."""


class QueryPool:
    """``size`` query workers; :meth:`run` evaluates a job within ``timeout`` seconds or kills it."""

    def __init__(
        self, config: WorkerConfig, *, size: int = 2, timeout: float = 10.0, max_waiting: int | None = None
    ) -> None:
        self.config = config
        self.size = max(1, size)
        self.timeout = timeout
        self.max_waiting = max_waiting if max_waiting is not None else 32 * self.size
        self._idle: asyncio.Queue[Worker] | None = None
        self._workers: set[Worker] = set()
        self._waiting = 0
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers ended at the time limit or on disconnect (for tests and logs)
        self._respawns: set[asyncio.Task[None]] = set()

    # --- life cycle -------------------------------------------------------------------------------------
    def _spawn(self) -> Worker:
        worker = Worker(self.config)
        try:
            worker.wait_ready(START_TIMEOUT)
        except Exception:
            worker.kill()
            raise
        with self._lock:
            self._workers.add(worker)
        return worker

    async def start(self) -> None:
        """Start the workers (in parallel) and wait until each has opened the store."""
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)
        log.info("query pool: %d workers (pids %s)", len(workers), [w.pid for w in workers])

    async def close(self) -> None:
        self._closed = True
        if self._respawns:  # let replacements finish starting, then stop them with the rest
            await asyncio.wait(list(self._respawns), timeout=START_TIMEOUT)
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        await asyncio.gather(*(asyncio.to_thread(w.stop) for w in workers))

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._workers if w.pid is not None)

    def _retire(self, worker: Worker) -> None:
        """Kill ``worker`` and start a replacement in the background."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._replace())
        self._respawns.add(task)
        task.add_done_callback(self._respawns.discard)

    async def _replace(self) -> None:
        assert self._idle is not None
        for attempt in range(3):
            try:
                worker = await asyncio.to_thread(self._spawn)
            except Exception as exc:  # pragma: no cover - only if the store vanished
                log.error("query worker restart failed (attempt %d): %s", attempt + 1, exc)
                await asyncio.sleep(1)
                continue
            if self._closed:
                worker.stop()
                with self._lock:
                    self._workers.discard(worker)
                return
            self._idle.put_nowait(worker)
            return

    # --- running a job ------------------------------------------------------------------------------------
    async def _acquire(self, deadline: float) -> Worker:
        assert self._idle is not None
        if self._waiting >= self.max_waiting:
            raise Busy
        self._waiting += 1
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Busy
                try:
                    worker = await asyncio.wait_for(self._idle.get(), remaining)
                except TimeoutError:
                    raise Busy from None
                if worker.alive:
                    return worker
                self._retire(worker)  # died while idle (e.g. killed from outside): replace it
        finally:
            self._waiting -= 1

    @staticmethod
    async def _answer(worker: Worker, job: Job, timeout: float, disconnected: asyncio.Future[Any] | None) -> Any:
        """Send ``job`` and wait, on the event loop (no thread), until the answer can be read, the
        client leaves or ``timeout`` passes. Returns the Answer, "left", "timeout" or None (worker died)."""
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()
        fd = worker.recv_conn.fileno()
        loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
        try:
            try:
                worker.send(job)
            except (OSError, ValueError):
                return None
            waiters: set[asyncio.Future[Any]] = {readable}
            if disconnected is not None:
                waiters.add(disconnected)
            done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            loop.remove_reader(fd)
        if readable not in done:
            return "left" if done else "timeout"
        try:
            answer = worker.recv()  # the worker writes the whole answer at once: this does not wait long
        except (EOFError, OSError, ValueError):
            return None
        return answer if isinstance(answer, Answer) else None

    async def run(self, job: Job, disconnected: asyncio.Future[Any] | None = None) -> Answer:
        """Evaluate ``job`` on a free worker, within the time limit.

        Args:
            job: the request.
            disconnected: a future that completes when the client goes away; the query is then
                stopped (its worker killed) instead of running on for nobody.
        """
        if self._closed or self._idle is None:
            return error(503, "the query service is not running")
        started = time.monotonic()
        deadline = started + self.timeout
        try:
            worker = await self._acquire(deadline)
        except Busy:
            return error(503, "all query workers are busy: try again in a moment", retry_after=1)
        remaining = max(0.05, deadline - time.monotonic())
        answer = await self._answer(worker, job, remaining, disconnected)
        if answer == "left":  # the client left: stop the query now
            self.killed += 1
            self._retire(worker)
            log.info("query stopped after %.2f s: the client disconnected", time.monotonic() - started)
            return error(499, "the client closed the connection")
        if answer == "timeout":
            self.killed += 1
            self._retire(worker)
            log.info("query stopped at the time limit (%.1f s)", self.timeout)
            return error(
                503,
                f"the query did not finish within the time limit of {self.timeout:g} s and was stopped: "
                "narrow it down (LIMIT, more specific patterns)",
            )
        if answer is None:  # the worker died: out of memory (address-space limit) or killed from outside
            self.killed += 1
            self._retire(worker)
            return error(507, "the query needed more memory than this endpoint gives one query and was stopped")
        assert self._idle is not None
        self._idle.put_nowait(worker)
        log.info(
            "query %s: %d %s, %d results, %.1f ms",
            hashlib.sha1(job.query.encode("utf-8")).hexdigest()[:10],
            answer.status,
            answer.media_type,
            answer.rows,
            (time.monotonic() - started) * 1000,
        )
        return answer


def store_folder(store_dir: Path) -> Path:
    """The pyoxigraph folder inside an evkg store folder (see :mod:`evkg.rdf.store`)."""
    from evkg.rdf.store import OXIGRAPH_DIR

    return store_dir / OXIGRAPH_DIR
