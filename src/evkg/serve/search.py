"""Label search that forgives the ways Japanese and English text vary.

Every label (``skos:prefLabel``, ``rdfs:label``, ``skos:altLabel``, names and titles) in every
language is normalised the same way as the query:

1. Unicode NFKC: full-width ``ＥＶ`` is ``EV``, half-width ``ｴｸｿｿｰﾑ`` is ``エクソソーム``;
2. case folding (``ev`` finds ``EV``), hiragana to katakana (``えくそそーむ`` finds ``エクソソーム``);
3. the katakana spelling variants of ``kana_variants.tsv`` (``エキソソーム`` finds ``エクソソーム``);
4. spaces, middle dots, hyphens and brackets removed (``extracellular-vesicle`` finds
   ``extracellular vesicle``).

A hit on any label of a resource returns the resource, whatever the label's language, so that
``EV`` (an English alternative label) finds 細胞外小胞 on the Japanese page. Hits are ranked:
the whole label first; then, by the caller's weight (the site puts organisations, agreements,
documents and terms before the records about them), the start of a label before anywhere in it;
preferred labels before others.

>>> normalize("ｴｷｿｿｰﾑ") == normalize("エクソソーム")
True
>>> normalize("Extracellular-Vesicle ") == normalize("extracellular vesicle")
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


def normalize(text: str) -> str:
    """The search key of ``text`` (see the module docstring)."""
    key = _base(text)
    for variant, canonical in variants():
        if variant in key:
            key = key.replace(variant, canonical)
    return _IGNORED.sub("", key)


@dataclass(frozen=True)
class Entry:
    resource: str
    text: str
    lang: str
    preferred: bool
    key: str


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
        key = normalize(text)
        if key:
            self.entries.append(Entry(resource, text, lang, preferred, key))

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

        ``weight(resource)`` (smaller first) orders the hits that are not exact matches, e.g.
        organisations and agreements before the evidence records that quote them.
        """
        needle = normalize(query)
        if not needle:
            return []
        best: dict[str, tuple[tuple[int, int, int, int, int, str], Entry]] = {}
        matches = list(itertools.islice(self._matches(needle), MAX_MATCHES))
        if len(matches) == MAX_MATCHES:  # a very common needle ("a"): rank what was found, plus exact hits
            matches += list(self._exact(needle))
        for entry, at in matches:
            grade = 0 if entry.key == needle else 1 if at == 0 else 2
            rank = (
                0 if grade == 0 else 1,
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
