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
the whole label, then the start of a label, then anywhere in it; then by the caller's weight (the
site puts organisations, agreements, documents and terms first); preferred labels before others.

>>> normalize("ｴｷｿｿｰﾑ") == normalize("エクソソーム")
True
>>> normalize("Extracellular-Vesicle ") == normalize("extracellular vesicle")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources

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
    """Normalised labels of the resources, searched by substring."""

    entries: list[Entry] = field(default_factory=list)

    def add(self, resource: str, text: str, lang: str, preferred: bool) -> None:
        key = normalize(text)
        if key:
            self.entries.append(Entry(resource, text, lang, preferred, key))

    def extend(self, items: Iterable[tuple[str, str, str, bool]]) -> None:
        for resource, text, lang, preferred in items:
            self.add(resource, text, lang, preferred)

    def search(
        self, query: str, limit: int = 100, weight: Callable[[str], int] | None = None
    ) -> list[tuple[str, Entry]]:
        """``(resource, best matching label)`` pairs, best first (at most ``limit``).

        ``weight(resource)`` (smaller first) orders hits of the same grade, e.g. organisations and
        agreements before the evidence records that quote them.
        """
        needle = normalize(query)
        if not needle:
            return []
        best: dict[str, tuple[tuple[int, int, int, int, str], Entry]] = {}
        for entry in self.entries:
            at = entry.key.find(needle)
            if at < 0:
                continue
            grade = 0 if entry.key == needle else 1 if at == 0 else 2
            rank = (
                grade,
                weight(entry.resource) if weight else 0,
                0 if entry.preferred else 1,
                len(entry.key),
                entry.resource,
            )
            current = best.get(entry.resource)
            if current is None or rank < current[0]:
                best[entry.resource] = (rank, entry)
        ordered = sorted(best.values(), key=lambda item: item[0])
        return [(entry.resource, entry) for _, entry in ordered[:limit]]
