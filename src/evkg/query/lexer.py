"""The SPARQL lexer: the one place evkg reads a query's tokens before the query runs.

Every check that looks into SPARQL text goes through :func:`tokens`: the store's refusal of
``SERVICE`` (:func:`evkg.query.engine.check_query`), the endpoint's guard (:mod:`evkg.serve.guard`), the
binding of parameters (:func:`where_group_start`, :mod:`evkg.query.engines`) and the SPARQL of SHACL shapes
(:mod:`evkg.quality.shacl_sparql`). It follows the lexical grammar of SPARQL 1.1 (§19.8) after the
``\\u``/``\\U`` escapes are decoded as §19.2 requires (:func:`decode_escapes`); strings, IRIs and
comments are single tokens, so a keyword is found exactly where a parser would find it (``?service``,
``ex:SERVICE``, ``"SERVICE"`` and ``# SERVICE`` are not the keyword).

:func:`network_clauses` names what would make a request to another host: ``SERVICE`` (federated
query), ``LOAD`` (an update that fetches a document) and ``FROM`` / ``FROM NAMED`` (a dataset
clause, which some engines fetch). Each caller decides what to refuse.

>>> [t.text for t in tokens("SELECT ?s # SERVICE\\nWHERE { ?s a 'SERVICE' }")]
['SELECT', '?s', 'WHERE', '{', '?s', 'a', "'SERVICE'", '}']
>>> network_clauses("SELECT * { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }")
['SERVICE']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from evkg.errors import QuerySyntaxError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_CHARS_BASE = r"^\W\d_"  # used inside [...]: a letter (any script), as PN_CHARS_BASE
_PN_CHARS = r"\w\u00b7\u0300-\u036f\u203f-\u2040\-"
_VARNAME = r"\w\u00b7\u0300-\u036f\u203f-\u2040"  # no hyphen: ?a-?b is a subtraction
_TOKEN = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<comment>#[^\n\r]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    r"|(?P<var>[?$][" + _VARNAME + r"]+)"
    r"|(?P<bnode>_:[" + _PN_CHARS + r"](?:[" + _PN_CHARS + r".]*[" + _PN_CHARS + r"])?)"
    r"|(?P<pname>(?:[" + _PN_CHARS_BASE + r"](?:[" + _PN_CHARS + r".]*[" + _PN_CHARS + r"])?)?:"
    r"(?:(?:[" + _PN_CHARS + r":%]|\\.)(?:(?:[" + _PN_CHARS + r".:%]|\\.)*(?:[" + _PN_CHARS + r":%]|\\.))?)?)"
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<punct>\^\^|&&|\|\||!=|<=|>=|.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One token: its kind (iri, var, bnode, pname, lang, number, name, string, punct), text and offset."""

    kind: str
    text: str
    at: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a bare word (``select`` -> ``SELECT``), else ""."""
        return self.text.upper() if self.kind == "name" else ""

    @property
    def variable(self) -> str:
        """The name of a variable token (``$this`` -> ``this``), else ""."""
        return self.text[1:] if self.kind == "var" else ""


def decode_escapes(text: str) -> str:
    r"""Decode ``\uXXXX`` and ``\UXXXXXXXX`` as SPARQL does before parsing (§19.2).

    Raises:
        QuerySyntaxError: an escape that names no character.
    """

    def replace(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            raise QuerySyntaxError(f"SPARQL syntax error: invalid escape {m.group(0)}") from None

    return _ESCAPE.sub(replace, text)


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text (whitespace and comments dropped); offsets are into ``text``.

    Decode escapes first (:func:`decode_escapes`) to see keywords as a parser does; leave them to keep
    offsets into the text as written (to insert into it).
    """
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        yield Token(kind, m.group(0), m.start())


def masked(text: str) -> str:
    """``text`` with every string, IRI and comment blanked out (same length, same offsets)."""
    out = list(text)
    for m in _TOKEN.finditer(text):
        if m.lastgroup in ("string", "iri", "comment"):
            out[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(out)


def keywords(text: str) -> list[str]:
    """The keywords (bare words, upper-cased) of a query, escapes decoded."""
    return [t.keyword for t in tokens(decode_escapes(text)) if t.kind == "name"]


def network_clauses(text: str) -> list[str]:
    """What in ``text`` would fetch from another host: ``SERVICE``, ``LOAD``, ``FROM``, ``FROM NAMED``."""
    found: list[str] = []
    words = keywords(text)
    for j, word in enumerate(words):
        if word == "FROM":
            named = j + 1 < len(words) and words[j + 1] == "NAMED"
            found.append("FROM NAMED" if named else "FROM")
        elif word in ("SERVICE", "LOAD"):
            found.append(word)
    return found


def declared_prefixes(text: str) -> set[str]:
    """The prefixes a query declares with ``PREFIX p: <...>`` (``""`` for the empty prefix)."""
    toks = list(tokens(text))
    return {
        toks[j + 1].text[:-1]
        for j, t in enumerate(toks[:-1])
        if t.keyword == "PREFIX" and toks[j + 1].kind == "pname" and toks[j + 1].text.endswith(":")
    }


def where_group_start(text: str) -> int:
    """Offset just after the ``{`` that opens the query's top-level WHERE group.

    >>> where_group_start("SELECT ?x WHERE { ?x ?p ?o }")
    17
    """
    toks = list(tokens(text))
    for j, t in enumerate(toks):
        if t.keyword == "WHERE" and j + 1 < len(toks) and toks[j + 1].text == "{":
            return toks[j + 1].at + 1
    for j, t in enumerate(toks):  # SELECT * { ... }, ASK { ... }: WHERE is optional
        if t.keyword in ("SELECT", "ASK", "DESCRIBE", "CONSTRUCT"):
            if t.keyword == "CONSTRUCT":  # CONSTRUCT { template } WHERE ...: no short form with a template
                break
            brace = next((u for u in toks[j + 1 :] if u.text == "{"), None)
            if brace is not None:
                return brace.at + 1
            break
    raise QuerySyntaxError("cannot bind parameters: the query has no WHERE group")


__all__ = [
    "Token",
    "declared_prefixes",
    "decode_escapes",
    "keywords",
    "masked",
    "network_clauses",
    "tokens",
    "where_group_start",
]
