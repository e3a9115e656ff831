"""A query worker process: ``python -m evkg.serve.worker READ_FD WRITE_FD`` (started by the pool).

It reads a :class:`~evkg.serve.pool.WorkerConfig` from the first pipe, opens the store read-only,
answers ``("ready", pid)``, then reads :class:`~evkg.serve.evaluate.Job` objects and writes one
:class:`~evkg.serve.evaluate.Answer` for each until it reads ``None`` or the pipe closes. The
server ends it with SIGKILL at the time limit; an address-space limit stops runaway memory use.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from evkg.data.prefixes import registry
from evkg.rdf.store import read_literals
from evkg.serve.evaluate import Job, error, run


def main(argv: list[str]) -> int:  # pragma: no cover - runs in a child process
    """The query worker process: read jobs from the inbox pipe, answer them on the outbox pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server stops us
    inbox = Connection(int(argv[0]), readable=True, writable=False)
    outbox = Connection(int(argv[1]), readable=False, writable=True)
    try:
        config = inbox.recv()
    except (EOFError, OSError):
        return 1
    with contextlib.suppress(ValueError, OSError, ImportError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (config.memory_limit, config.memory_limit))



    try:
        prefixes = registry(config.data_dir)
        store = ox.Store.read_only(config.store_path)
        literals = read_literals(Path(config.store_path).parent)  # CONSTRUCT/DESCRIBE: literals as written
    except Exception as exc:  # the server reports it; no traceback here
        with contextlib.suppress(OSError, ValueError):
            outbox.send(("error", f"cannot open the store {config.store_path}: {exc}"))
        return 1
    graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    # Warm up before saying ready: rdflib builds its SPARQL grammar on first use (about a second),
    # which must not count against the first user's time limit.
    for warm in ("ASK { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"):
        job = Job(warm, accept="application/ld+json, */*;q=0.1")
        run(store, job, graphs=graphs, prefixes=prefixes, max_results=1, literals=literals)
    outbox.send(("ready", os.getpid()))
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return 0
        if job is None:
            return 0
        try:
            answer = run(
                store, job, graphs=graphs, prefixes=prefixes, max_results=config.max_results, literals=literals
            )
        except MemoryError:
            answer = error(507, "the query needs more memory than this endpoint gives one query")
        except Exception as exc:  # a bad query must not end the worker silently
            answer = error(500, f"internal error while evaluating the query: {type(exc).__name__}: {exc}")
        try:
            outbox.send(answer)
        except (OSError, ValueError):
            return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))


__all__ = ["main"]
