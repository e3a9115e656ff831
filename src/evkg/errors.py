"""Errors evkg reports to its users.

Every error a user can cause (a Turtle syntax error in a source file, an unknown format name, an
output path that cannot be written, a SPARQL syntax error) is an :class:`EvkgError`. Its ``str()``
is one line that names the file, line and column or the value at fault, so that the CLI can print
it on stderr as it is, without a traceback, and exit with :attr:`EvkgError.exit_code`.

>>> str(SourceSyntaxError("graph/x.ttl", 3, 11, "Unexpected end of file"))
'graph/x.ttl:3:11: Unexpected end of file'
>>> UsageError("unknown format 'yaml'").exit_code
2
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path


class EvkgError(Exception):
    """Base class of the errors evkg reports as one line (exit code 1 unless a subclass says so)."""

    exit_code: int = 1

    def __str__(self) -> str:
        # One line, whatever the message carried.
        return " ".join(super().__str__().split())


class UsageError(EvkgError):
    """The user asked for something that does not exist (a format, a file, a data folder)."""

    exit_code = 2


class DataDirError(UsageError):
    """The data folder (``--data DIR``) does not have the repository's layout."""


class SourceSyntaxError(EvkgError):
    """A source file (Turtle) does not parse. ``str()`` is ``FILE:LINE:COL: message``."""

    exit_code = 2

    def __init__(self, path: str | Path, line: int | None, column: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.message = " ".join(message.split())
        super().__init__(self._render())

    def _render(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class QuerySyntaxError(EvkgError):
    """A SPARQL query does not parse, or uses a feature evkg refuses (``SERVICE``).

    >>> str(QuerySyntaxError("expected [_]", 2, 22))
    'SPARQL syntax error at 2:22: expected [_]'
    >>> str(QuerySyntaxError("expected [_]", 2, 22).in_file("q.rq"))
    'q.rq:2:22: SPARQL syntax error: expected [_]'
    """

    exit_code = 2

    def __init__(
        self, detail: str, line: int | None = None, column: int | None = None, source: str | None = None
    ) -> None:
        self.detail, self.line, self.column, self.source = " ".join(detail.split()), line, column, source
        super().__init__(self._render())

    def in_file(self, source: str) -> QuerySyntaxError:
        """The same error, naming the file (or ``<stdin>``) the query came from."""
        return QuerySyntaxError(self.detail, self.line, self.column, source)

    def _render(self) -> str:
        if self.line is None:
            return f"{self.source}: {self.detail}" if self.source else self.detail
        if self.source:
            return f"{self.source}:{self.line}:{self.column}: SPARQL syntax error: {self.detail}"
        return f"SPARQL syntax error at {self.line}:{self.column}: {self.detail}"


class ShapesError(EvkgError):
    """A SHACL shapes graph evkg will not run: a malformed constraint (``sh:minCount "two"``), or SPARQL
    that would reach the network or that SHACL says to refuse. ``str()`` names the shape, the
    constraint and the value. Nothing has been validated when it is raised.

    >>> str(ShapesError("ex:PersonShape: sh:minCount 'two' is not a non-negative integer"))
    "ex:PersonShape: sh:minCount 'two' is not a non-negative integer"
    """

    exit_code = 2


class OutputError(EvkgError):
    """An output file or folder cannot be written. Nothing is left half-written."""

    exit_code = 1


# --- wording shared by every message ------------------------------------------------------------------------
def did_you_mean(word: str, choices: Iterable[str], *, suffix: str = "") -> str:
    """``" (did you mean X?)"`` for the choice nearest to ``word``, or ``""`` if none is near.

    >>> did_you_mean("fo", ["foaf", "dcterms"], suffix=":")
    ' (did you mean foaf:?)'
    >>> did_you_mean("zzz", ["foaf"])
    ''
    """
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = [lowered[w] for w in difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)]
    return f" (did you mean {close[0]}{suffix}?)" if close else ""


_PNAME = re.compile(r"(?<![\w?$<:/#@])([A-Za-z][\w.\-]*)?:(?!//)")
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def explain_sparql(detail: str, line: int, column: int, query: str, prefixes: Iterable[str] = ()) -> str:
    """pyoxigraph's parser message (``expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' …``)
    in words a user understands, with a suggestion where there is one.

    >>> query = "SELECT * WHERE { ?s fo:bar ?o }"
    >>> print(explain_sparql("expected one of Prefix not found, ['%']", 1, 28, query, ["foaf"]))
    unknown prefix fo: (did you mean foaf:?); declare it with PREFIX fo: <namespace IRI>
    >>> print(explain_sparql("expected [_]", 1, 6, "SELEC * WHERE {}"))  # doctest: +NORMALIZE_WHITESPACE
    'SELEC' is not a query (did you mean SELECT?): a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE
    (after any PREFIX lines)
    """
    lines = query.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if "Prefix not found" in detail:
        before = [m for m in _PNAME.finditer(text) if m.start() < column]
        if before:
            name = before[-1].group(1) or ""
            return (
                f"unknown prefix {name}:{did_you_mean(name, prefixes, suffix=':')}; "
                f"declare it with PREFIX {name}: <namespace IRI>"
            )
        return "unknown prefix; declare it with PREFIX name: <namespace IRI>"
    body = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+[\w.\-]*:\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*)\s*)*", "", query)
    first = re.match(r"[A-Za-z]+", body)
    if first is None or first.group(0).upper() not in _FORMS:
        word = first.group(0) if first else body[:10].strip()
        near = did_you_mean(word.upper(), _FORMS)
        return (
            f"{word!r} is not a query{near}: a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE "
            "(after any PREFIX lines)"
        )
    token = re.match(r"\S{1,30}", text[column - 1 :]) if 0 < column <= len(text) + 1 else None
    found = f"unexpected {token.group(0)!r}" if token else "unexpected end of the query"
    # pyoxigraph lists what it expected: keywords, and character classes ("[_]", "['A' ..= 'Z' | …]")
    # that say nothing to a user: keep the keywords
    expected = [e.strip() for e in re.sub(r"\[[^\]]*\]", "", detail.removeprefix("expected one of ")).split(",")]
    words = [e for e in expected if re.fullmatch(r"[A-Z][A-Za-z0-9_]*|'[^']+'", e)]
    if not detail.startswith("expected") or not words:
        return found
    return f"{found}; expected {' or '.join(words) if len(words) < 3 else 'one of ' + ', '.join(words)}"


__all__ = [
    "DataDirError",
    "EvkgError",
    "OutputError",
    "QuerySyntaxError",
    "ShapesError",
    "SourceSyntaxError",
    "UsageError",
    "did_you_mean",
    "explain_sparql",
]
