"""Identifier handling for evkg: one module for every external identifier
(docs/decisions/0005-link-snapshots-and-citation-styles.md).

Each ``normalize_<kind>`` function takes what a user, a curator or a registry wrote
(``https://doi.org/10.1002/JEV2.12404``, ``doi:10.1002/jev2.12404``, ``PMID: 38326288``,
``https://orcid.org/0000-0002-1825-0097``) and returns the one normalised string that the graph
stores as a literal, or raises :class:`IdentifierError` (a :class:`ValueError`) whose message names
the kind, the value and what is wrong with it.

:data:`PATTERNS` holds, per kind, the regular expression that a *normalised* value matches. The
patterns are anchored (``^…$``) and use only the syntax shared by Python ``re``, XML Schema / XPath
regular expressions (SHACL ``sh:pattern``, SPARQL ``REGEX``) and the Rust ``regex`` crate used by
pyoxigraph: no ``\\d``, no ``(?:``, no look-around, no inline flags. The SHACL shapes use the same
strings; a test checks that they agree. Check digits (ORCID, ROR, ISSN) cannot be written as a
pattern, so the shapes check the syntax and this module also checks the digits.

The ``*_iri`` functions build the resolvable IRI of a normalised identifier
(``https://doi.org/10.1002/jev2.12404``). The resolver bases live in :data:`RESOLVERS`; those that
are also prefixes in ``ontology/prefixes.ttl`` (``wd``, ``obo``, ``mesh``) are checked against that
registry by a test.

>>> normalize_doi("https://doi.org/10.1002/JEV2.12404")
'10.1002/jev2.12404'
>>> normalize_orcid("https://orcid.org/0000-0002-1825-0097")
'0000-0002-1825-0097'
>>> str(doi_iri("doi:10.1002/jev2.12404"))
'https://doi.org/10.1002/jev2.12404'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import quote, unquote

from rdflib import URIRef

__all__ = [
    "IdentifierError",
    "KINDS",
    "LABELS",
    "PATTERNS",
    "RESOLVERS",
    "doi_iri",
    "doi_slug",
    "go_iri",
    "identifier_of_iri",
    "iri",
    "is_valid",
    "issn_check_digit",
    "issn_iri",
    "mesh_iri",
    "ncit_iri",
    "normalize",
    "normalize_doi",
    "normalize_go",
    "normalize_issn",
    "normalize_mesh",
    "normalize_ncit",
    "normalize_orcid",
    "normalize_pii",
    "normalize_pmcid",
    "normalize_pmid",
    "normalize_qid",
    "normalize_ror",
    "orcid_check_digit",
    "orcid_iri",
    "pmc_iri",
    "pubmed_iri",
    "record_identifier",
    "ror_check_digits",
    "ror_iri",
    "wikidata_iri",
]

#: Regular expression that a normalised identifier of each kind matches (anchored; portable to
#: XSD/XPath, SHACL ``sh:pattern`` and SPARQL ``REGEX``).
PATTERNS: dict[str, str] = {
    # Crossref's recommended pattern /^10.\d{4,9}/[-._;()/:A-Z0-9]+$/i, applied to the lower-cased DOI
    # (the dot escaped, \d spelled [0-9], the hyphen escaped inside the class).
    "doi": r"^10\.[0-9]{4,9}/[a-z0-9\-._;()/:]+$",
    "pmid": r"^[1-9][0-9]{0,8}$",
    "pmcid": r"^PMC[1-9][0-9]{0,8}$",
    "orcid": r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$",
    # leading 0, six Crockford base32 characters (no i, l, o, u), two check digits
    "ror": r"^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$",
    "issn": r"^[0-9]{4}-[0-9]{3}[0-9X]$",
    "wikidata": r"^Q[1-9][0-9]*$",
    "go": r"^GO:[0-9]{7}$",
    # MeSH unique IDs: descriptors D, supplementary concepts C, qualifiers Q; 6 or 9 digits
    "mesh": r"^[CDQ]([0-9]{6}|[0-9]{9})$",
    "ncit": r"^C[1-9][0-9]{0,6}$",
    # Elsevier publisher item identifier, as printed (S0167-7799(20)30118-9) or compact (S0167779920301189)
    "pii": r"^[SB][0-9]{4}-?[0-9]{3}[0-9X]\(?[0-9]{2}\)?[0-9]{5}-?[0-9X]$",
}

#: Human-readable name of each kind, used in error messages.
LABELS: dict[str, str] = {
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "orcid": "ORCID iD",
    "ror": "ROR ID",
    "issn": "ISSN",
    "wikidata": "Wikidata QID",
    "go": "GO ID",
    "mesh": "MeSH ID",
    "ncit": "NCIt code",
    "pii": "PII",
}

KINDS: tuple[str, ...] = tuple(PATTERNS)

#: Resolver bases of the resolvable IRIs (the IRI is base + normalised local part).
RESOLVERS: dict[str, str] = {
    "doi": "https://doi.org/",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/",
    "pmc": "https://pmc.ncbi.nlm.nih.gov/articles/",
    "orcid": "https://orcid.org/",
    "ror": "https://ror.org/",
    "issn": "https://portal.issn.org/resource/ISSN/",
    "wd": "http://www.wikidata.org/entity/",
    "obo": "http://purl.obolibrary.org/obo/",
    "mesh": "http://id.nlm.nih.gov/mesh/",
}

_COMPILED = {kind: re.compile(pattern) for kind, pattern in PATTERNS.items()}
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
# invisible or look-alike characters that copy-paste from PDFs and web pages brings in
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")


class IdentifierError(ValueError):
    """An identifier that is not well-formed for its kind.

    Attributes:
        kind: the identifier kind (a key of :data:`PATTERNS`).
        value: the value as given.
        reason: what is wrong, in a few words.
    """

    def __init__(self, kind: str, value: object, reason: str) -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        label = LABELS.get(kind, kind)
        super().__init__(f"invalid {label} {value!r}: {reason}")


def _clean(kind: str, value: object) -> str:
    if not isinstance(value, str):
        raise IdentifierError(kind, value, f"expected a string, got {type(value).__name__}")
    text = unicodedata.normalize("NFKC", value).translate(_INVISIBLE).translate(_DASHES).strip()
    if not text:
        raise IdentifierError(kind, value, "empty")
    return text


def _strip_prefix(text: str, prefixes: re.Pattern[str]) -> str:
    return prefixes.sub("", text, count=1).strip()


def _check_pattern(kind: str, value: object, text: str, hint: str) -> str:
    if not _COMPILED[kind].fullmatch(text):
        raise IdentifierError(kind, value, f"does not match {PATTERNS[kind]} ({hint})")
    return text


# --- DOI -------------------------------------------------------------------------------------------

_DOI_PREFIX = re.compile(
    r"^(?:https?://(?:dx\.|www\.)?doi\.org/|doi\.org/|info:doi/|urn:doi:|doi\s*:\s*|doi\s+)", re.IGNORECASE
)


def normalize_doi(value: str) -> str:
    """Return the DOI lower-cased, without resolver or ``doi:`` prefix.

    Raises:
        IdentifierError: if the result does not match Crossref's DOI pattern.

    >>> normalize_doi("doi: 10.1016/J.TIBTECH.2020.04.013")
    '10.1016/j.tibtech.2020.04.013'
    >>> normalize_doi("https://doi.org/10.1016/S0167-7799%2820%2930118-9")
    '10.1016/s0167-7799(20)30118-9'
    """
    text = _clean("doi", value)
    stripped = _strip_prefix(text, _DOI_PREFIX)
    if stripped != text and "%" in stripped:
        stripped = unquote(stripped)  # resolver URLs percent-encode ( ) and friends
    doi = stripped.lower()
    if not doi.startswith("10."):
        raise IdentifierError("doi", value, "a DOI starts with '10.'")
    return _check_pattern("doi", value, doi, "10.<registrant>/<suffix>; see Crossref's DOI pattern")


def doi_slug(doi: str) -> str:
    """Slug of a DOI for minting IRIs: lower-case ASCII letters and digits joined by hyphens.

    >>> doi_slug("10.1002/jev2.12404")
    '10-1002-jev2-12404'
    """
    return re.sub(r"[^a-z0-9]+", "-", normalize_doi(doi)).strip("-")


# --- PubMed / PMC ----------------------------------------------------------------------------------

_PMID_PREFIX = re.compile(
    r"^(?:https?://(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/)"
    r"|pmid\s*[:=]?\s*|pubmed\s*:\s*)",
    re.IGNORECASE,
)
_PMCID_PREFIX = re.compile(
    r"^(?:https?://(?:pmc\.ncbi\.nlm\.nih\.gov/articles/|(?:www\.)?ncbi\.nlm\.nih\.gov/pmc/articles/"
    r"|europepmc\.org/article/pmc/)|pmcid\s*[:=]?\s*|pmc\s*:\s*)",
    re.IGNORECASE,
)


def normalize_pmid(value: str | int) -> str:
    """Return a PubMed ID as its digits (no leading zero).

    >>> normalize_pmid("PMID: 38326288")
    '38326288'
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _strip_prefix(_clean("pmid", value), _PMID_PREFIX).rstrip("/")
    return _check_pattern("pmid", value, text, "digits only, no leading zero")


def normalize_pmcid(value: str) -> str:
    """Return a PubMed Central ID as ``PMC`` followed by digits.

    >>> normalize_pmcid("https://pmc.ncbi.nlm.nih.gov/articles/PMC10850029/")
    'PMC10850029'
    """
    text = _strip_prefix(_clean("pmcid", value), _PMCID_PREFIX).rstrip("/").upper()
    if text.isdigit():
        raise IdentifierError("pmcid", value, "a PMCID needs its 'PMC' prefix (bare digits look like a PMID)")
    return _check_pattern("pmcid", value, text, "'PMC' followed by digits")


# --- ORCID -----------------------------------------------------------------------------------------

_ORCID_PREFIX = re.compile(r"^(?:https?://(?:www\.|sandbox\.)?orcid\.org/|orcid\s*:?\s*)", re.IGNORECASE)


def orcid_check_digit(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits of an ORCID iD.

    >>> orcid_check_digit("000000021825009")
    '7'
    """
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str) -> str:
    """Return an ORCID iD as ``NNNN-NNNN-NNNN-NNNC`` after checking its check character.

    >>> normalize_orcid("0000000218250097")
    '0000-0002-1825-0097'
    """
    text = _strip_prefix(_clean("orcid", value), _ORCID_PREFIX).rstrip("/").upper()
    compact = text.replace("-", "").replace(" ", "")
    if re.fullmatch(r"[0-9]{15}[0-9X]", compact):
        text = "-".join(compact[i : i + 4] for i in range(0, 16, 4))
    _check_pattern("orcid", value, text, "four groups of four digits, last may be X")
    expected = orcid_check_digit(compact[:15])
    if compact[15] != expected:
        raise IdentifierError("orcid", value, f"check character is {compact[15]}, expected {expected}")
    return text


# --- ROR -------------------------------------------------------------------------------------------

_ROR_PREFIX = re.compile(r"^(?:https?://(?:www\.)?ror\.org/|ror\s*:\s*)", re.IGNORECASE)


def ror_check_digits(base: str) -> str:
    """Two check digits of a ROR ID: ISO 7064 MOD 97-10 of the Crockford base32 value of its first 7 characters.

    >>> ror_check_digits("04xfq0f")
    '34'
    """
    number = 0
    for char in base:
        number = number * 32 + _CROCKFORD.index(char)
    return f"{98 - (number * 100) % 97:02d}"


def normalize_ror(value: str) -> str:
    """Return a ROR ID as its 9-character lower-case identifier after checking its check digits.

    >>> normalize_ror("https://ror.org/04XFQ0F34")
    '04xfq0f34'
    """
    text = _strip_prefix(_clean("ror", value), _ROR_PREFIX).rstrip("/").lower()
    if len(text) != 9:
        raise IdentifierError("ror", value, f"a ROR ID has 9 characters, this has {len(text)}")
    if not text.startswith("0"):
        raise IdentifierError("ror", value, "a ROR ID starts with 0")
    _check_pattern("ror", value, text, "Crockford base32 without i, l, o, u, then two digits")
    expected = ror_check_digits(text[:7])
    if text[7:] != expected:
        raise IdentifierError("ror", value, f"check digits are {text[7:]}, expected {expected}")
    return text


# --- ISSN ------------------------------------------------------------------------------------------

_ISSN_PREFIX = re.compile(
    r"^(?:https?://portal\.issn\.org/resource/ISSN/|urn:issn:|e?-?issn\s*[:=]?\s*)", re.IGNORECASE
)


def issn_check_digit(base_digits: str) -> str:
    """MOD 11 check character of the first 7 digits of an ISSN.

    >>> issn_check_digit("2001307")
    '8'
    """
    total = sum(int(d) * w for d, w in zip(base_digits, range(8, 1, -1), strict=True))
    result = (11 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_issn(value: str) -> str:
    """Return an ISSN as ``NNNN-NNNC`` after checking its check character.

    >>> normalize_issn("ISSN 0167-7799")
    '0167-7799'
    """
    text = _strip_prefix(_clean("issn", value), _ISSN_PREFIX).upper()
    compact = text.replace("-", "").replace(" ", "")
    if re.fullmatch(r"[0-9]{7}[0-9X]", compact):
        text = f"{compact[:4]}-{compact[4:]}"
    _check_pattern("issn", value, text, "NNNN-NNNC")
    expected = issn_check_digit(compact[:7])
    if compact[7] != expected:
        raise IdentifierError("issn", value, f"check character is {compact[7]}, expected {expected}")
    return text


# --- Wikidata, GO, MeSH, NCIt, PII ----------------------------------------------------------------

_QID_PREFIX = re.compile(
    r"^(?:https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/|wd\s*:\s*|wikidata\s*:\s*)", re.IGNORECASE
)
_GO_PREFIX = re.compile(r"^(?:https?://purl\.obolibrary\.org/obo/GO_|GO[:_]\s*)", re.IGNORECASE)
_MESH_PREFIX = re.compile(r"^(?:https?://id\.nlm\.nih\.gov/mesh/|mesh\s*:\s*)", re.IGNORECASE)
_NCIT_PREFIX = re.compile(r"^(?:https?://purl\.obolibrary\.org/obo/NCIT_|ncit\s*:\s*)", re.IGNORECASE)


def normalize_qid(value: str) -> str:
    """Return a Wikidata item ID as ``Q`` followed by digits.

    >>> normalize_qid("http://www.wikidata.org/entity/q42")
    'Q42'
    """
    text = _strip_prefix(_clean("wikidata", value), _QID_PREFIX).rstrip("/").upper()
    return _check_pattern("wikidata", value, text, "'Q' followed by digits")


def normalize_go(value: str) -> str:
    """Return a Gene Ontology term ID as ``GO:NNNNNNN``.

    >>> normalize_go("http://purl.obolibrary.org/obo/GO_1903561")
    'GO:1903561'
    """
    text = _clean("go", value)
    digits = _strip_prefix(text, _GO_PREFIX)
    if digits == text:
        raise IdentifierError("go", value, "expected GO:NNNNNNN")
    return _check_pattern("go", value, f"GO:{digits}", "'GO:' and seven digits")


def normalize_mesh(value: str) -> str:
    """Return a MeSH unique ID (``D055354``).

    >>> normalize_mesh("mesh:d055354")
    'D055354'
    """
    text = _strip_prefix(_clean("mesh", value), _MESH_PREFIX).upper()
    return _check_pattern("mesh", value, text, "C, D or Q and 6 or 9 digits")


def normalize_ncit(value: str) -> str:
    """Return an NCI Thesaurus code (``C12345``).

    >>> normalize_ncit("NCIT:C12345")
    'C12345'
    """
    text = _strip_prefix(_clean("ncit", value), _NCIT_PREFIX).upper()
    return _check_pattern("ncit", value, text, "'C' followed by digits")


def normalize_pii(value: str) -> str:
    """Return an Elsevier PII in its printed form ``S0167-7799(20)30118-9`` (the compact form is expanded).

    >>> normalize_pii("S0167779920301189")
    'S0167-7799(20)30118-9'
    """
    text = _clean("pii", value).upper()
    _check_pattern("pii", value, text, "e.g. S0167-7799(20)30118-9")
    compact = re.sub(r"[^0-9A-Z]", "", text)
    return f"{compact[0]}{compact[1:5]}-{compact[5:9]}({compact[9:11]}){compact[11:16]}-{compact[16]}"


# --- generic entry points --------------------------------------------------------------------------

_NORMALIZERS: dict[str, Callable[[str], str]] = {
    "doi": normalize_doi,
    "pmid": normalize_pmid,
    "pmcid": normalize_pmcid,
    "orcid": normalize_orcid,
    "ror": normalize_ror,
    "issn": normalize_issn,
    "wikidata": normalize_qid,
    "go": normalize_go,
    "mesh": normalize_mesh,
    "ncit": normalize_ncit,
    "pii": normalize_pii,
}


def normalize(kind: str, value: str) -> str:
    """Normalise ``value`` as an identifier of ``kind`` (a key of :data:`PATTERNS`).

    >>> normalize("pmcid", "pmc7666064")
    'PMC7666064'
    """
    try:
        normalizer = _NORMALIZERS[kind]
    except KeyError:
        raise IdentifierError(kind, value, f"unknown identifier kind; known: {', '.join(KINDS)}") from None
    return normalizer(value)


def is_valid(kind: str, value: str) -> bool:
    """True if ``value`` normalises as an identifier of ``kind``."""
    try:
        normalize(kind, value)
    except IdentifierError:
        return False
    return True


# --- IRI builders ----------------------------------------------------------------------------------


def doi_iri(doi: str) -> URIRef:
    """``https://doi.org/<doi>`` for a DOI (normalised first; characters not allowed in an IRI escaped)."""
    return URIRef(RESOLVERS["doi"] + quote(normalize_doi(doi), safe="/:;()._-"))


def pubmed_iri(pmid: str | int) -> URIRef:
    """``https://pubmed.ncbi.nlm.nih.gov/<pmid>/``."""
    return URIRef(f"{RESOLVERS['pubmed']}{normalize_pmid(pmid)}/")


def pmc_iri(pmcid: str) -> URIRef:
    """``https://pmc.ncbi.nlm.nih.gov/articles/<PMCID>/``."""
    return URIRef(f"{RESOLVERS['pmc']}{normalize_pmcid(pmcid)}/")


def orcid_iri(orcid: str) -> URIRef:
    """``https://orcid.org/<orcid>``."""
    return URIRef(RESOLVERS["orcid"] + normalize_orcid(orcid))


def ror_iri(ror: str) -> URIRef:
    """``https://ror.org/<ror>``."""
    return URIRef(RESOLVERS["ror"] + normalize_ror(ror))


def issn_iri(issn: str) -> URIRef:
    """``https://portal.issn.org/resource/ISSN/<issn>``."""
    return URIRef(RESOLVERS["issn"] + normalize_issn(issn))


def wikidata_iri(qid: str) -> URIRef:
    """``http://www.wikidata.org/entity/<QID>`` (the ``wd:`` namespace)."""
    return URIRef(RESOLVERS["wd"] + normalize_qid(qid))


def go_iri(go_id: str) -> URIRef:
    """``http://purl.obolibrary.org/obo/GO_<digits>``."""
    return URIRef(RESOLVERS["obo"] + normalize_go(go_id).replace(":", "_"))


def mesh_iri(mesh_id: str) -> URIRef:
    """``http://id.nlm.nih.gov/mesh/<ID>``."""
    return URIRef(RESOLVERS["mesh"] + normalize_mesh(mesh_id))


def ncit_iri(code: str) -> URIRef:
    """``http://purl.obolibrary.org/obo/NCIT_<code>``."""
    return URIRef(RESOLVERS["obo"] + "NCIT_" + normalize_ncit(code))


_IRI_BUILDERS: dict[str, Callable[[str], URIRef]] = {
    "doi": doi_iri,
    "pmid": pubmed_iri,
    "pmcid": pmc_iri,
    "orcid": orcid_iri,
    "ror": ror_iri,
    "issn": issn_iri,
    "wikidata": wikidata_iri,
    "go": go_iri,
    "mesh": mesh_iri,
    "ncit": ncit_iri,
}


def iri(kind: str, value: str) -> URIRef:
    """Resolvable IRI of an identifier of ``kind`` (PII has none: it raises).

    >>> str(iri("pmid", "38326288"))
    'https://pubmed.ncbi.nlm.nih.gov/38326288/'
    """
    try:
        builder = _IRI_BUILDERS[kind]
    except KeyError:
        raise IdentifierError(kind, value, "no resolvable IRI is defined for this kind") from None
    return builder(value)


# --- reading identifiers back ---------------------------------------------------------------------------------
# the resolvable IRIs of :func:`iri` (and the forms registries use), read back to (kind, normalised value)
_IRI_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("doi", re.compile(r"^https?://(?:dx\.)?doi\.org/(.+)$", re.IGNORECASE)),
    ("pmid", re.compile(r"^https?://pubmed\.ncbi\.nlm\.nih\.gov/([0-9]+)/?$")),
    ("pmcid", re.compile(r"^https?://pmc\.ncbi\.nlm\.nih\.gov/articles/(PMC[0-9]+)/?$")),
    ("orcid", re.compile(r"^https?://orcid\.org/([0-9X-]+)/?$")),
    ("ror", re.compile(r"^https?://ror\.org/([0-9a-z]+)/?$")),
    ("issn", re.compile(r"^https?://portal\.issn\.org/resource/ISSN/([0-9X-]+)/?$")),
    ("wikidata", re.compile(r"^https?://www\.wikidata\.org/(?:entity|wiki)/(Q[0-9]+)$")),
    ("go", re.compile(r"^http://purl\.obolibrary\.org/obo/GO_([0-9]{7})$")),
    ("ncit", re.compile(r"^http://purl\.obolibrary\.org/obo/NCIT_(C[0-9]+)$")),
    ("mesh", re.compile(r"^https?://id\.nlm\.nih\.gov/mesh/([CDQ][0-9]+)$")),
)

# addresses of a registry's own record, which name the identifier of the record they show (a PubMed Central
# article page names its PMCID, an Elsevier full-text page its PII): (kind, pattern with the identifier)
_RECORD_PAGES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "pmcid",
        re.compile(
            r"^https?://(?:pmc\.ncbi\.nlm\.nih\.gov|www\.ncbi\.nlm\.nih\.gov/pmc)/articles/(PMC[0-9]+)(?:[/?#]|$)"
        ),
    ),
    ("pmid", re.compile(r"^https?://pubmed\.ncbi\.nlm\.nih\.gov/([0-9]+)(?:[/?#]|$)")),
    ("doi", re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.[^?#]+)$", re.IGNORECASE)),
    ("orcid", re.compile(r"^https?://orcid\.org/([0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])(?:[/?#]|$)")),
    ("ror", re.compile(r"^https?://ror\.org/(0[0-9a-z]{8})(?:[/?#]|$)")),
    ("wikidata", re.compile(r"^https?://www\.wikidata\.org/(?:entity|wiki)/(Q[0-9]+)(?:[/?#]|$)")),
    (
        "pii",
        re.compile(
            r"^https?://(?:www\.)?cell\.com/[^?#]*/fulltext/(S[0-9]{4}-[0-9]{3}[0-9X]\([0-9]{2}\)[0-9]{5}-[0-9X])(?:[/?#]|$)"
        ),
    ),
    (
        "pii",
        re.compile(r"^https?://(?:www\.)?sciencedirect\.com/science/article/(?:abs/)?pii/([SB][0-9X]{16})(?:[/?#]|$)"),
    ),
)


def identifier_of_iri(value: str) -> tuple[str, str] | None:
    """The identifier a resolvable IRI stands for, as ``(kind, normalised value)``; None for other IRIs.

    >>> identifier_of_iri("http://purl.obolibrary.org/obo/GO_1990742")
    ('go', 'GO:1990742')
    >>> identifier_of_iri("https://doi.org/10.1002/JEV2.12404")
    ('doi', '10.1002/jev2.12404')
    """
    for kind, pattern in _IRI_FORMS:
        m = pattern.match(value)
        if m:
            local = unquote(m.group(1))
            try:
                return kind, normalize(kind, f"GO:{local}" if kind == "go" else local)
            except IdentifierError:
                return None
    return None


def record_identifier(url: str) -> tuple[str, str] | None:
    """The identifier that the address of a registry's own record names, as ``(kind, normalised value)``.

    A page read from such an address is that record, so the identifier is stated by where it was read
    even when the stored text (often starting at the abstract) does not print it.

    >>> record_identifier("https://pmc.ncbi.nlm.nih.gov/articles/PMC10850029/table/jev212404-tbl-0002")
    ('pmcid', 'PMC10850029')
    >>> record_identifier("https://bohrium.dp.tech/paper/arxiv/32622558") is None
    True
    """
    for kind, pattern in _RECORD_PAGES:
        m = pattern.match(url)
        if m:
            try:
                return kind, normalize(kind, unquote(m.group(1)))
            except IdentifierError:
                return None
    return None
