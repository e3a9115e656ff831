"""HTTP content and language negotiation: ``Accept`` and ``Accept-Language`` with q-values.

The approach is rdflib-endpoint's (``sparql_router.parse_accept_header``): split the header on
commas, read each range's ``q`` (default 1), and among equal q-values prefer the range that comes
first. On top of that, ranges match offers by specificity as RFC 9110 §12.5.1 says (``text/turtle``
beats ``text/*`` beats ``*/*`` for the same offer), ``q=0`` means "not acceptable", and headers are
bounded: a header longer than :data:`MAX_HEADER` characters or with more than :data:`MAX_RANGES`
ranges is refused with :class:`HeaderTooLarge` (the server answers 431), so that a hostile client
cannot make the server parse megabytes.

>>> negotiate("text/html;q=0.3, application/xhtml+xml, */*;q=0.8", ["text/turtle", "text/html"])
'text/turtle'
>>> negotiate("text/*;q=0.5, text/turtle", ["text/html", "text/turtle"])
'text/turtle'
>>> negotiate("application/json", ["text/turtle"]) is None
True
>>> negotiate(None, ["text/html", "text/turtle"])
'text/html'
>>> negotiate_language("ja-JP,ja;q=0.9,en;q=0.5", ["en", "ja"])
'ja'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Longest Accept / Accept-Language header evkg parses (real browsers send < 300 characters).
MAX_HEADER = 4096
#: Most media ranges (or language ranges) evkg reads from one header.
MAX_RANGES = 64


class HeaderTooLarge(ValueError):
    """A negotiation header is longer than :data:`MAX_HEADER` or has too many ranges."""

    def __init__(self, name: str, size: int, ranges: int | None = None) -> None:
        if ranges is None:
            text = f"the {name} header is too large ({size} characters; at most {MAX_HEADER} are read)"
        else:
            text = f"the {name} header has too many ranges ({ranges}; at most {MAX_RANGES} are read)"
        super().__init__(text)
        self.header = name


@dataclass(frozen=True)
class Range:
    """One media range (``type/subtype``) or language range of a header, with its q-value."""

    value: str
    q: float
    order: int  # position in the header: earlier wins among equal q-values

    @property
    def type(self) -> str:
        return self.value.partition("/")[0]

    @property
    def subtype(self) -> str:
        return self.value.partition("/")[2]


def _q(text: str) -> float:
    try:
        q = float(text)
    except ValueError:
        return 1.0
    return min(max(q, 0.0), 1.0) if q == q else 1.0  # NaN -> 1


def parse(header: str | None, name: str = "Accept") -> list[Range]:
    """The ranges of a header, most preferred first (q descending, then order of appearance).

    Raises:
        HeaderTooLarge: the header is longer than :data:`MAX_HEADER` or has too many ranges.

    >>> [r.value for r in parse("text/turtle;q=0.9, application/ld+json, text/html;q=0.9")]
    ['application/ld+json', 'text/turtle', 'text/html']
    """
    if not header:
        return []
    if len(header) > MAX_HEADER:
        raise HeaderTooLarge(name, len(header))
    parts = header.split(",")
    if len(parts) > MAX_RANGES:
        raise HeaderTooLarge(name, len(header), len(parts))
    ranges = []
    for order, part in enumerate(parts):
        pieces = [p.strip() for p in part.split(";")]
        value = pieces[0].lower()
        if not value:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, val = param.partition("=")
            if key.strip().lower() == "q":
                q = _q(val.strip())
                break
        ranges.append(Range(value, q, order))
    ranges.sort(key=lambda r: (-r.q, r.order))
    return ranges


def _media_match(rng: Range, offer: str) -> int:
    """Specificity of the match of ``rng`` with ``offer`` (-1: no match, 0: */*, 1: type/*, 2: exact)."""
    if rng.value == "*" or rng.value == "*/*":
        return 0
    otype, _, osub = offer.partition("/")
    if rng.subtype == "*":
        return 1 if rng.type == otype else -1
    return 2 if rng.value == offer else -1


def negotiate(header: str | None, offers: Sequence[str], name: str = "Accept") -> str | None:
    """The offer the client prefers, or None if it accepts none of them.

    ``offers`` are media types in the server's order of preference, which decides when the client
    has no preference (no header, ``*/*``, or equal q-values from the same range).

    Raises:
        HeaderTooLarge: see :func:`parse`.
    """
    ranges = parse(header, name)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int, int] | None = None  # (q, -order, -server position)
    chosen = None
    for position, offer in enumerate(offers):
        offer_l = offer.lower()
        match: tuple[int, Range] | None = None
        for rng in ranges:
            spec = _media_match(rng, offer_l)
            if spec >= 0 and (match is None or spec > match[0]):
                match = (spec, rng)
        if match is None or match[1].q <= 0:
            continue
        rng = match[1]
        key = (rng.q, -rng.order, -position)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def negotiate_language(header: str | None, offers: Sequence[str], default: str | None = None) -> str:
    """The language (of ``offers``) the ``Accept-Language`` header prefers; ``default`` or the first offer.

    A range matches an offer if it equals it or starts with ``offer-`` (``ja-JP`` matches ``ja``),
    ``*`` matches any. Oversized headers are ignored here (the language only picks labels).
    """
    fallback = default or offers[0]
    try:
        ranges = parse(header, "Accept-Language")
    except HeaderTooLarge:
        return fallback
    for rng in ranges:
        if rng.q <= 0:
            continue
        if rng.value == "*":
            return fallback
        for offer in offers:
            if rng.value == offer or rng.value.startswith(offer + "-"):
                return offer
    return fallback


__all__ = ["HeaderTooLarge", "MAX_HEADER", "negotiate", "negotiate_language", "parse"]
