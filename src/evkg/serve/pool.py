"""A pool of query worker processes that can be stopped: the endpoint's time limit is real.

Each worker is a separate Python process (``python -m evkg.serve.worker``, so it shares no threads
or locks with the server) that opens the persisted store read-only and answers one :class:`~evkg.serve.evaluate.Job`
at a time over a pipe. The server hands a job to an idle worker and waits for the answer on its
event loop (no thread per query). When the time limit passes, or the client goes away, the worker
is killed (SIGKILL: a query in pyoxigraph cannot be interrupted from inside) and a fresh one is
started in its place. Workers also run under an address-space limit, so a query that builds
enormous strings ends its own worker instead of the machine.

A long query never holds up the others: a worker whose query has run for :data:`ASIDE_AFTER`
seconds is *moved aside* (it no longer counts as available), and the pool starts another worker
so that ``size`` workers stay ready for new queries, up to ``max_workers`` processes in all. One
spare worker is kept started beyond ``size``, so the first long query costs nobody a wait; workers
started beyond ``size + 1`` end when they have been idle for :data:`IDLE_EXTRA` seconds.

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
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from evkg.rdf.store import OXIGRAPH_DIR
from evkg.serve.evaluate import Answer, Job, error

log = logging.getLogger(__name__)

#: Address-space limit of a worker (bytes); a query needing more ends its worker with an error.
WORKER_MEMORY = 4 * 1024**3
#: Seconds a new worker may take to open the store.
START_TIMEOUT = 60.0
#: Seconds after which a running query's worker is moved aside (a replacement is started).
ASIDE_AFTER = 0.2
#: Seconds an extra worker (beyond ``size + 1``) may stay idle before it ends.
IDLE_EXTRA = 30.0
#: Seconds a fast query is awaited before the server also watches for the client leaving.
WATCH_AFTER = 0.05


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
    """``size`` query workers (and more while queries run long); :meth:`run` evaluates a job within
    ``timeout`` seconds or kills it."""

    def __init__(
        self,
        config: WorkerConfig,
        *,
        size: int = 2,
        timeout: float = 10.0,
        max_waiting: int | None = None,
        max_workers: int | None = None,
        spare: int = 1,
    ) -> None:
        self.config = config
        self.size = max(1, size)
        self.timeout = timeout
        self.max_waiting = max_waiting if max_waiting is not None else 32 * self.size
        self.spare = max(0, spare)
        self.max_workers = max(self.size + self.spare, max_workers if max_workers is not None else 3 * self.size + 2)
        self._idle: asyncio.Queue[Worker] | None = None
        self._workers: set[Worker] = set()
        self._running: dict[Worker, float] = {}  # busy worker -> when its query started
        self._starting = 0
        self._waiting = 0
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers ended at the time limit or on disconnect (for tests and logs)
        self.started_extra = 0  # workers started because queries ran long or queued (for tests and logs)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._last_used: dict[Worker, float] = {}

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
        count = min(self.size + self.spare, self.max_workers)
        workers = await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(count)))
        now = time.monotonic()
        for worker in workers:
            self._last_used[worker] = now
            self._idle.put_nowait(worker)
        self._background(self._reaper())
        log.info("query pool: %d workers (pids %s)", len(workers), [w.pid for w in workers])

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            if not task.done():
                task.cancel()
        if self._tasks:  # let replacements finish starting, then stop them with the rest
            await asyncio.wait(list(self._tasks), timeout=START_TIMEOUT)
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        await asyncio.gather(*(asyncio.to_thread(w.stop) for w in workers))

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._workers if w.pid is not None)

    def _background(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _available(self) -> int:
        """Workers ready for a new query soon: idle, starting, or running a query not yet moved aside."""
        assert self._idle is not None
        now = time.monotonic()
        young = sum(1 for started in self._running.values() if now - started < ASIDE_AFTER)
        return self._idle.qsize() + self._starting + young

    def _top_up(self) -> None:
        """Start workers until ``size`` are available, within ``max_workers``.

        Only queries moved aside make room for more: while every query is young, requests wait for
        them (more processes than cores would only take turns on them)."""
        if self._closed:
            return
        with self._lock:
            total = len(self._workers)
        wanted = self.size - self._available()
        while wanted > 0 and total + self._starting < self.max_workers:
            self._starting += 1
            self.started_extra += 1
            self._background(self._add_worker())
            wanted -= 1

    async def _add_worker(self) -> None:
        assert self._idle is not None
        try:
            for attempt in range(3):
                try:
                    worker = await asyncio.to_thread(self._spawn)
                except Exception as exc:  # pragma: no cover - only if the store vanished
                    log.error("query worker start failed (attempt %d): %s", attempt + 1, exc)
                    await asyncio.sleep(1)
                    continue
                if self._closed:
                    worker.stop()
                    with self._lock:
                        self._workers.discard(worker)
                    return
                self._last_used[worker] = time.monotonic()
                self._idle.put_nowait(worker)
                return
        finally:
            self._starting -= 1

    def _retire(self, worker: Worker) -> None:
        """Kill ``worker`` and start a replacement if fewer than ``size`` (+ spare) remain."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            remaining = len(self._workers)
        self._last_used.pop(worker, None)
        if self._closed:
            return
        if remaining + self._starting < self.size + self.spare:
            self._starting += 1
            self._background(self._add_worker())

    async def _reaper(self) -> None:
        """Every few seconds: end extra workers idle for :data:`IDLE_EXTRA`; move long queries aside."""
        assert self._idle is not None
        while not self._closed:
            await asyncio.sleep(min(1.0, IDLE_EXTRA / 4))
            self._top_up()
            with self._lock:
                total = len(self._workers)
            if total <= self.size + self.spare:
                continue
            now = time.monotonic()
            kept: list[Worker] = []
            while not self._idle.empty():
                worker = self._idle.get_nowait()
                if total > self.size + self.spare and now - self._last_used.get(worker, now) > IDLE_EXTRA:
                    total -= 1
                    with self._lock:
                        self._workers.discard(worker)
                    self._last_used.pop(worker, None)
                    await asyncio.to_thread(worker.stop)
                else:
                    kept.append(worker)
            for worker in kept:
                self._idle.put_nowait(worker)

    # --- running a job ------------------------------------------------------------------------------------
    async def _acquire(self, deadline: float) -> Worker:
        assert self._idle is not None
        if self._waiting >= self.max_waiting:
            raise Busy
        while True:
            try:
                worker = self._idle.get_nowait()
            except asyncio.QueueEmpty:
                break
            if worker.alive:
                return worker
            self._retire(worker)  # died while idle (e.g. killed from outside): replace it
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
                self._retire(worker)
        finally:
            self._waiting -= 1

    def _aside(self, worker: Worker) -> None:
        """Called when ``worker``'s query has run for ASIDE_AFTER seconds: keep ``size`` others ready."""
        if worker in self._running:
            self._top_up()

    async def _answer(
        self,
        worker: Worker,
        job: Job,
        timeout: float,
        disconnected: Callable[[], asyncio.Future[Any]] | asyncio.Future[Any] | None,
    ) -> Any:
        """Send ``job`` and wait, on the event loop (no thread), until the answer can be read, the
        client leaves or ``timeout`` passes. Returns the Answer, "left", "timeout" or None (worker died)."""
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()
        fd = worker.recv_conn.fileno()
        loop.add_reader(fd, lambda: None if readable.done() else readable.set_result(None))
        aside = loop.call_later(ASIDE_AFTER, self._aside, worker)
        watcher: asyncio.Future[Any] | None = None
        try:
            try:
                worker.send(job)
            except (OSError, ValueError):
                return None
            started = time.monotonic()
            # most queries answer within milliseconds: only then also watch for the client leaving
            done, _ = await asyncio.wait({readable}, timeout=min(WATCH_AFTER, timeout))
            if not done:
                watcher = disconnected() if callable(disconnected) else disconnected
                waiters: set[asyncio.Future[Any]] = {readable}
                if watcher is not None:
                    waiters.add(watcher)
                rest = max(0.0, timeout - (time.monotonic() - started))
                done, _ = await asyncio.wait(waiters, timeout=rest, return_when=asyncio.FIRST_COMPLETED)
        finally:
            aside.cancel()
            loop.remove_reader(fd)
            if watcher is not None and callable(disconnected):
                watcher.cancel()
        if readable not in done:
            return "left" if done else "timeout"
        try:
            answer = worker.recv()  # the worker writes the whole answer at once: this does not wait long
        except (EOFError, OSError, ValueError):
            return None
        return answer if isinstance(answer, Answer) else None

    async def run(
        self, job: Job, disconnected: Callable[[], asyncio.Future[Any]] | asyncio.Future[Any] | None = None
    ) -> Answer:
        """Evaluate ``job`` on a free worker, within the time limit.

        Args:
            job: the request.
            disconnected: a future that completes when the client goes away (or a function that
                makes one, called only if the query takes longer than :data:`WATCH_AFTER`); the
                query is then stopped (its worker killed) instead of running on for nobody.
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
        self._running[worker] = time.monotonic()
        try:
            answer = await self._answer(worker, job, remaining, disconnected)
        finally:
            self._running.pop(worker, None)
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
        self._last_used[worker] = time.monotonic()
        self._idle.put_nowait(worker)
        if log.isEnabledFor(logging.INFO):
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
    return store_dir / OXIGRAPH_DIR


__all__ = ["QueryPool", "WorkerConfig", "store_folder"]
