"""Queries side by side: evkg's one thread-pool runner.

pyoxigraph evaluates a query in Rust without holding the GIL, so on a machine with two cores two queries
on one store run at once (docs/decisions/0013-scale-and-speed.md). The QC queries and the compiled SHACL
checks both run through :func:`map_in_threads`.

>>> map_in_threads(len, ["a", "bb", "ccc"], workers=2)
[1, 2, 3]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_in_threads(
    work: Callable[[T], R], items: Sequence[T], workers: int | None = None, name: str = "evkg"
) -> list[R]:
    """``[work(item) for item in items]``, in order, computed on ``workers`` threads (default: one per
    CPU); on one thread, or for a single item, in the calling thread. An exception of ``work`` is raised
    here (catch it inside ``work`` to keep the other results)."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(count, len(items)), thread_name_prefix=name) as pool:
        return list(pool.map(work, items))


__all__ = ["map_in_threads"]
