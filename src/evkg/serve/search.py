"""Label search that forgives the ways Japanese and English text vary.

Every label (``skos:prefLabel``, ``rdfs:label``, ``skos:altLabel``, names and titles) in every
language is normalised the same way as the query:

1. Unicode NFKC: full-width ``ＥＶ`` is ``EV``, half-width ``ｴｸｿｿｰﾑ`` is ``エクソソーム``;
2. case folding (``ev`` finds ``EV``), hiragana to katakana (``えくそそーむ`` finds ``エクソソーム``);
3. the katakana spelling variants of ``kana_variants.tsv`` (``エキソソーム`` finds ``エクソソーム``);
4. English plurals folded (``exosomes`` finds ``exosome``, ``vesicles`` ``vesicle``, ``studies``
   ``study``);
5. spaces, middle dots, hyphens and brackets removed (``extracellular-vesicle`` finds
   ``extracellular vesicle``).

A hit on any label of a resource returns the resource, whatever the label's language, so that
``EV`` (an English alternative label) finds 細胞外小胞 on the Japanese page. Hits are ranked by
where the query matches: the whole label first; then the labels where it starts a word (the start
of the label, or of a word in it: every letter of an acronym such as ``ISEV`` starts a word, as
does every character of Japanese text); then those where it sits inside a word (``ev`` in
``Kevin``). Within each, by the caller's weight (the site puts organisations, agreements,
documents and terms before the records about them), the start of the label before that of a word,
preferred labels before others, shorter labels first.

>>> normalize("ｴｷｿｿｰﾑ") == normalize("エクソソーム")
True
>>> normalize("Extracellular-Vesicle ") == normalize("extracellular vesicle")
True
>>> normalize("Exosomes") == normalize("exosome")
True
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources

from rich.cells import get_character_cell_size

#: Most label matches ranked for one query (a one-letter query would otherwise rank every label).
MAX_MATCHES = 3000

_HIRAGANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}  # ぁ..ゖ -> ァ..ヶ
_IGNORED = re.compile(r"[\s\u30fb\u00b7\-‐‑‒–—―_/()（）\[\]「」『』【】〈〉《》,，、。.:：;；'\"“”‘’!?！？]+")


@functools.cache
def variants() -> tuple[tuple[str, str], ...]:
    """The katakana variant rules of ``kana_variants.tsv``, longest variant first."""
    text = resources.files(__package__).joinpath("kana_variants.tsv").read_text(encoding="utf-8")
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        variant, _, canonical = line.partition("\t")
        rules.append((_base(variant.strip()), _base(canonical.strip())))
    return tuple(sorted(rules, key=lambda r: -len(r[0])))


def _base(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_HIRAGANA)


_WORD = re.compile(r"[a-z]{4,}")
_PLURALS = (("sses", "ss"), ("ies", "y"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"))


def singular(word: str) -> str:
    """An English word without its plural ending (``vesicles`` -> ``vesicle``; ``analysis``, ``virus``
    and ``class`` stay): applied alike to labels and queries, so it needs to be consistent, not perfect."""
    for ending, replacement in _PLURALS:
        if word.endswith(ending):
            return word[: -len(ending)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _folded(key: str) -> str:
    for variant, canonical in variants():
        if variant in key:
            key = key.replace(variant, canonical)
    return _WORD.sub(lambda m: singular(m.group(0)), key)


def normalize(text: str) -> str:
    """The search key of ``text`` (see the module docstring)."""
    return _IGNORED.sub("", _folded(_base(text)))


def _wide(ch: str) -> bool:
    """Is ``ch`` East Asian wide (a word of its own): rich's cell width, as everywhere in evkg."""
    return get_character_cell_size(ch) == 2


def key_and_word_starts(text: str) -> tuple[str, frozenset[int]]:
    """The search key of ``text`` and the offsets in it where a word of ``text`` starts.

    >>> key_and_word_starts("Kevin W-H Lo")
    ('kevinwhlo', frozenset({0, 5, 6, 7}))
    >>> sorted(key_and_word_starts("ISEV")[1])
    [0, 1, 2, 3]
    """
    acronyms = {_folded(_base(w)) for w in _IGNORED.split(text) if w.isupper() and 2 <= len(w) <= 12}
    key, starts = "", set()
    for word in _IGNORED.split(_folded(_base(text))):
        if not word:
            continue
        acronym = word in acronyms  # ISEV: International Society for Extracellular Vesicles
        for i, ch in enumerate(word):
            if i == 0 or acronym or _wide(ch) or (ch.isalpha() != word[i - 1].isalpha()):
                starts.add(len(key) + i)
        key += word
    return key, frozenset(starts)


@dataclass(frozen=True)
class Entry:
    resource: str
    text: str
    lang: str
    preferred: bool
    key: str
    starts: frozenset[int] = frozenset({0})  # where words start in ``key``


@dataclass
class SearchIndex:
    """Normalised labels of the resources, searched by substring.

    The keys are also kept joined in one string (one key per line), so that a search is a few
    ``str.find`` calls over it rather than a Python loop over every label.
    """

    entries: list[Entry] = field(default_factory=list)
    _haystack: str = field(default="", repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)
    _indexed: int = field(default=-1, repr=False)

    def add(self, resource: str, text: str, lang: str, preferred: bool) -> None:
        key, starts = key_and_word_starts(text)
        if key:
            self.entries.append(Entry(resource, text, lang, preferred, key, starts))

    def extend(self, items: Iterable[tuple[str, str, str, bool]]) -> None:
        for resource, text, lang, preferred in items:
            self.add(resource, text, lang, preferred)

    def _index(self) -> None:
        if self._indexed == len(self.entries):
            return
        starts, at = [], 0
        for entry in self.entries:
            starts.append(at)
            at += len(entry.key) + 1
        self._haystack = "\n".join(entry.key for entry in self.entries) + "\n"
        self._starts = starts
        self._indexed = len(self.entries)

    def _matches(self, needle: str) -> Iterable[tuple[Entry, int]]:
        """Entries whose key contains ``needle``, with the position of the first occurrence."""
        self._index()
        haystack, starts = self._haystack, self._starts
        at = haystack.find(needle)
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            entry = self.entries[i]
            yield entry, at - starts[i]
            at = haystack.find(needle, starts[i] + len(entry.key) + 1)  # next line

    def _exact(self, needle: str) -> Iterable[tuple[Entry, int]]:
        """Entries whose whole key is ``needle``."""
        self._index()
        haystack = "\n" + self._haystack
        probe = "\n" + needle + "\n"
        at = haystack.find(probe)
        while at >= 0:
            i = bisect.bisect_right(self._starts, at) - 1
            yield self.entries[i], 0
            at = haystack.find(probe, at + 1)

    def search(
        self, query: str, limit: int = 100, weight: Callable[[str], int] | None = None
    ) -> list[tuple[str, Entry]]:
        """``(resource, best matching label)`` pairs, best first (at most ``limit``).

        Grades: 0 the whole label, 1 the start of a label, 2 the start of a word in it, 3 inside a
        word. The whole label first; then the labels where the query starts a word (1 and 2), then
        those where it sits inside one (3); within each, ``weight(resource)`` (smaller first: e.g.
        organisations and agreements before the evidence records that quote them), the grade,
        preferred labels, shorter labels.
        """
        needle = normalize(query)
        if not needle:
            return []
        best: dict[str, tuple[tuple[int, int, int, int, int, str], Entry]] = {}
        matches = list(itertools.islice(self._matches(needle), MAX_MATCHES))
        if len(matches) == MAX_MATCHES:  # a very common needle ("a"): rank what was found, plus exact hits
            matches += list(self._exact(needle))
        for entry, at in matches:
            if entry.key == needle:
                grade = 0
            elif at == 0:
                grade = 1
            else:  # the first occurrence may sit inside a word and a later one start a word
                grade = 3
                position = at
                while position >= 0:
                    if position in entry.starts:
                        grade = 2
                        break
                    position = entry.key.find(needle, position + 1)
            rank = (
                grade if grade == 0 else 1 if grade < 3 else 2,  # whole label; a word starts; inside a word
                weight(entry.resource) if weight else 0,
                grade,
                0 if entry.preferred else 1,
                len(entry.key),
                entry.resource,
            )
            current = best.get(entry.resource)
            if current is None or rank < current[0]:
                best[entry.resource] = (rank, entry)
        ordered = sorted(best.values(), key=lambda item: item[0])
        return [(entry.resource, entry) for _, entry in ordered[:limit]]


__all__ = ["MAX_MATCHES", "SearchIndex", "normalize"]
