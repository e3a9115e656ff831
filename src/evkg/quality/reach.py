"""What is reachable from a node along edges: evkg's one transitive closure.

Sub-classes and super-classes for the compiled SHACL engine, the RDFS schema closure of the OWL 2 RL
engine and ``rdfs:subClassOf*`` in a shapes graph all ask it: :class:`Reach` computes a node's answer
on first use and keeps it.

>>> up = Reach({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()})
>>> sorted(up["a"]), sorted(up["d"]), sorted(up["x"])
(['a', 'b', 'c'], ['d'], ['x'])
>>> sorted(Reach(inverse([("a", "b"), ("c", "b")]))["b"])
['a', 'b', 'c']
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


class Reach(dict[K, set[K]]):
    """``reach[node]``: the node and every node reachable from it along ``edges`` (node → next nodes),
    computed on first use (cycles included)."""

    def __init__(self, edges: Mapping[K, Iterable[K]]) -> None:
        super().__init__()
        self.edges = edges

    def __missing__(self, node: K) -> set[K]:
        found = {node}
        stack = [node]
        while stack:
            for nxt in self.edges.get(stack.pop(), ()):
                if nxt not in found:
                    found.add(nxt)
                    stack.append(nxt)
        self[node] = found
        return found


def inverse(pairs: Iterable[tuple[K, K]]) -> dict[K, set[K]]:
    """Edges from the second of each pair to the first: ``(child, parent)`` pairs give parent → children."""
    out: dict[K, set[K]] = {}
    for first, second in pairs:
        out.setdefault(second, set()).add(first)
    return out


def forward(pairs: Iterable[tuple[K, K]]) -> dict[K, set[K]]:
    """Edges from the first of each pair to the second: ``(child, parent)`` pairs give child → parents."""
    out: dict[K, set[K]] = {}
    for first, second in pairs:
        out.setdefault(first, set()).add(second)
    return out


__all__ = ["Reach", "forward", "inverse"]
