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


class OutputError(EvkgError):
    """An output file or folder cannot be written. Nothing is left half-written."""

    exit_code = 1
