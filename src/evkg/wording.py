"""The words evkg prints: counts with correct plurals (English) and counters (Japanese), and what
"triples" and "statements" mean in every command.

- **triples**: distinct triples over all named graphs (a triple stated by two sources counts once):
  what ``evkg stats``, ``evkg validate``, ``evkg check``, ``evkg build`` and VoID report as the size
  of the graph (:func:`evkg.query.engine.count_union`);
- **statements**: quads, a triple in one named graph (a triple stated by two sources counts twice):
  what a named graph holds and what ``evkg load`` uploads (:func:`evkg.query.engine.count_per_graph`).

>>> count(1, "triple"), count(3175, "triple"), count(2, "entity", "entities")
('1 triple', '3,175 triples', '2 entities')
>>> count_ja(6, "件")
'6 件'
"""

from __future__ import annotations

TRIPLES = "triples"
STATEMENTS = "statements"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for exactly one: "1 row", "7 rows", "2 entities"."""
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{n:,} {noun}"


def count_ja(n: int, counter: str) -> str:
    """``n`` with a Japanese counter word ("6 件", "3,175 トリプル"); Japanese has no plural."""
    return f"{n:,} {counter}"


__all__ = ["STATEMENTS", "TRIPLES", "count", "count_ja"]
