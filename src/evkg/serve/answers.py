"""Answers the endpoint has given, kept while the server runs: the data cannot change under them.

The store is read-only and the server serves one build of the data, so a query asked again, in
the same words, for the same format and dataset, has the same answer. :class:`AnswerCache` keeps
recent answers (least recently used first out, bounded in entries and bytes) and the endpoint
serves a repeated query from it without a worker. What is never kept: answers of queries that
call a function whose value changes between calls (``RAND``, ``NOW``, ``UUID``, ``STRUUID``,
``BNODE(...)``), refusals that depend on the load (503, 507, 499), and answers over
:data:`MAX_ENTRY` bytes. A client that wants the query evaluated again sends
``Cache-Control: no-cache`` (RFC 9111 §5.2.1.4), as browsers do on a forced reload.

>>> cache = AnswerCache(entries=2)
>>> from evkg.serve.evaluate import Answer
>>> key = AnswerCache.key("ASK {}", "application/json", (), (), (), True)
>>> cache.put(key, "ASK {}", Answer(200, "application/json", b"{}"))
>>> cache.get(key).status
200
>>> AnswerCache.cacheable("SELECT (RAND() AS ?r) {}")
False
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from evkg.serve.evaluate import Answer

#: Answers larger than this are not kept (bytes).
MAX_ENTRY = 1 << 20
#: Statuses whose answer depends only on the request (kept); others (503, 507, 499) depend on the load.
KEPT_STATUSES = frozenset({200, 400, 403, 406, 413, 422})
_VOLATILE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)

Key = tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]


class AnswerCache:
    """Recent answers by request (query text, Accept, format parameters, dataset, HTML or not)."""

    def __init__(self, entries: int = 2048, max_bytes: int = 64 << 20) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Key, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    @staticmethod
    def key(
        query: str,
        accept: str | None,
        formats: tuple[str, ...],
        default_graph_uris: tuple[str, ...],
        named_graph_uris: tuple[str, ...],
        html: bool,
    ) -> Key:
        return (query, accept or "", formats, default_graph_uris, named_graph_uris, html)

    @staticmethod
    def cacheable(query: str) -> bool:
        """Whether the query's answer is the same every time it is asked (no RAND(), NOW() ...)."""
        return _VOLATILE.search(query) is None

    def get(self, key: Key) -> Answer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return answer

    def put(self, key: Key, query: str, answer: Answer) -> None:
        if (
            self.entries <= 0
            or answer.status not in KEPT_STATUSES
            or len(answer.body) > MAX_ENTRY
            or not self.cacheable(query)
        ):
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = answer
            self._bytes += len(answer.body)
            while self._items and (len(self._items) > self.entries or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._items)


__all__ = ["AnswerCache"]
