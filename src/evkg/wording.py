"""The words evkg prints: counts with correct plurals (English) and counters (Japanese), what
"triples" and "statements" mean in every command, and how a text is broken into lines.

- **triples**: distinct triples over all named graphs (a triple stated by two sources counts once):
  what ``evkg stats``, ``evkg validate``, ``evkg check``, ``evkg build`` and VoID report as the size
  of the graph (:func:`evkg.query.engine.count_union`);
- **statements**: quads, a triple in one named graph (a triple stated by two sources counts twice):
  what a named graph holds and what ``evkg load`` uploads (:func:`evkg.query.engine.count_per_graph`).

>>> count(1, "triple"), count(3175, "triple"), count(2, "entity", "entities")
('1 triple', '3,175 triples', '2 entities')
>>> count_ja(6, "件")
'6 件'

:func:`wrap` is evkg's one line breaker (diagram labels, the pictures of the served pages, the records of
``evkg query``): English breaks at spaces, Japanese between characters, but never before closing
punctuation or a small kana (、。）」ー ッ) nor after an opening bracket (（「), the line-breaking rules of
Japanese typesetting (JIS X 4051 kinsoku); a break after 、 or 。 is preferred when the line is well
filled, and the last line never holds one character alone. Widths are terminal cells: a Japanese
character counts two.

>>> wrap("the quick brown fox jumps over the lazy dog", 16)
['the quick brown', 'fox jumps over', 'the lazy dog']
>>> wrap("細胞外小胞は、脂質二重層で区切られた粒子。", 16)
['細胞外小胞は、', '脂質二重層で区切', 'られた粒子。']
>>> wrap("国際的な規制の調和や標準化の推進", 30)
['国際的な規制の調和や標準化の', '推進']
>>> wrap("日本再生医療学会（JSRM）と国際細胞外小胞学会", 12)
['日本再生医療', '学会（JSRM）', 'と国際細胞外', '小胞学会']
"""

from __future__ import annotations

from collections.abc import Callable

TRIPLES = "triples"
STATEMENTS = "statements"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for exactly one: "1 row", "7 rows", "2 entities"."""
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{n:,} {noun}"


def count_ja(n: int, counter: str) -> str:
    """``n`` with a Japanese counter word ("6 件", "3,175 トリプル"); Japanese has no plural."""
    return f"{n:,} {counter}"


#: Characters a line may not start with: closing brackets and punctuation, small kana, the long-vowel mark.
_NO_START = frozenset(
    "、。，．,.:;!?！？）)］]｝}」』】〕〉》〙〗’”〜～・：；ーゝゞ々ヽヾ％%"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ｡｣､･ｰｧｨｩｪｫｬｭｮｯ"
)
#: Characters a line may not end with: opening brackets.
_NO_END = frozenset("（([［｛{「『【〔〈《〘〖‘“")
#: A break right after these is a good one (the end of a clause or a sentence).
_CLAUSE_END = frozenset("、。，．：；")
#: A line at least this full may end at an ordinary break rather than at a good one.
_FILLED = 0.6


def _break(text: str, i: int, cells: Callable[[str], int]) -> int:
    """May a line end right before ``text[i]``: 0 no, 1 yes, 2 yes and a good place (a space, a clause end)."""
    before, after = text[i - 1], text[i]
    if after == " ":
        return 2  # the line ends before the space, which is dropped
    if before == " ":
        return 0  # the break is at the space itself
    if after in _NO_START or before in _NO_END:
        return 0
    wide_before = cells(before) == 2 or "\uff61" <= before <= "\uff9f"  # East Asian script (half-width kana too)
    wide_after = cells(after) == 2 or "\uff61" <= after <= "\uff9f"
    if not (wide_before or wide_after) or (before.isdigit() and wide_after):
        return 0  # inside a word, or a number and its counter (2025年)
    return 2 if before in _CLAUSE_END or after in _NO_END else 1


def wrap(text: str, width: int, *, break_long_words: bool = True) -> list[str]:
    """``text`` (its whitespace collapsed) in lines of at most ``width`` cells, by the rules above.

    A word longer than a line is broken where it must be, or with ``break_long_words=False`` kept
    whole on a line of its own (an IRI in a terminal stays one string to copy).
    """
    # rich's cell widths (the terminal's) load on the first wrap, so that count() and the words stay light
    from rich.cells import get_character_cell_size

    text = " ".join(text.split())
    ends = [0]
    for ch in text:
        ends.append(ends[-1] + get_character_cell_size(ch))
    lines: list[str] = []
    start, n = 0, len(text)
    while start < n:
        end = start
        while end < n and ends[end + 1] - ends[start] <= width:
            end += 1
        if end == n:
            lines.append(text[start:])
            break
        cut, fair = None, None
        for i in range(end, start, -1):
            kind = _break(text, i, get_character_cell_size)
            if kind == 2 and (cut is None) and (fair is None or ends[i] - ends[start] >= _FILLED * width):
                cut = i
            if kind and fair is None:
                fair = i
            if cut is not None:
                break
        cut = cut if cut is not None else fair
        forced = cut is None and break_long_words
        if forced:
            cut = max(end, start + 1)
            while cut - 1 > start and (text[cut] in _NO_START or text[cut - 1] in _NO_END):
                cut -= 1  # keep 」 with its word even in a forced break, if the line can give
            if cut - 1 == start and end > start + 1:
                cut = max(end, start + 1)
        elif cut is None:
            cut = next((i for i in range(end + 1, n) if _break(text, i, get_character_cell_size)), n)
        if len(text[cut:].strip()) == 1:  # the last line would be one character: the line before gives more
            cut = next(
                (i for i in range(cut - 1, start, -1) if forced or _break(text, i, get_character_cell_size)), cut
            )
        lines.append(text[start:cut])
        start = cut + 1 if cut < n and text[cut] == " " else cut
    return lines or [""]


__all__ = ["STATEMENTS", "TRIPLES", "count", "count_ja", "wrap"]
