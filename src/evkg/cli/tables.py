"""Result tables on the terminal: readable at 80 columns, plain when piped or with ``--wide``.

One renderer for every command that prints rows (``evkg sparql``, ``evkg query``, ``evkg stats``):

- cells are strings the caller made short already (IRIs as CURIEs of the prefix registry);
- on a terminal, a boxed table as wide as the terminal. A column whose cells have no spaces (CURIEs,
  IRIs, numbers, dates) is never broken; text columns wrap at word boundaries. When the unbreakable
  columns alone do not fit, each row is printed as a block of ``name  value`` lines instead (as
  ``psql``'s expanded mode does), so no IRI is ever cut in two;
- when standard output is not a terminal (a pipe, a file), or with ``wide=True``: plain aligned
  columns, one row per line, nothing wrapped or cut, no box characters.

Rich's own environment variables apply (``COLUMNS``, ``NO_COLOR``, ``TTY_COMPATIBLE=1`` to draw as on
a terminal).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evkg.wording import wrap

if TYPE_CHECKING:
    from rich.console import Console

#: Narrowest a wrapping text column is drawn (cells), when the words allow it.
MIN_TEXT = 10


def console() -> Console:
    """The standard-output console (soft-wrapped lines are never re-wrapped by the terminal)."""
    # lazy: rich loads only when a table is printed
    from rich.console import Console

    return Console(highlight=False)


def _unbreakable(cells: list[str]) -> bool:
    return all(" " not in c for c in cells)


def _widths(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[tuple[int, int, bool]]:
    """Per column: (widest cell, narrowest it may be drawn, unbreakable?)."""
    # lazy: rich loads only when a table is printed
    from rich.cells import cell_len

    out = []
    for i, name in enumerate(columns):
        cells = [r[i] for r in rows]
        widest = max([cell_len(name), *(cell_len(c) for c in cells)])
        if _unbreakable(cells):
            out.append((widest, widest, True))
        else:
            longest_word = max([cell_len(w) for c in cells for w in c.split()] or [0])
            out.append((widest, min(widest, max(MIN_TEXT, min(longest_word, MIN_TEXT * 2))), False))
    return out


def plain(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns separated by two spaces, one row per line, nothing cut (CJK counted as wide)."""
    # lazy: rich loads only when a table is printed
    from rich.cells import cell_len

    widths = [max([cell_len(name), *(cell_len(r[i]) for r in rows)]) for i, name in enumerate(columns)]
    lines = []
    for row in [list(columns), *[list(r) for r in rows]]:
        cells = [c + " " * (w - cell_len(c)) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    wide: bool = False,
    footer: str | None = None,
    out: Console | None = None,
) -> None:
    """Print ``rows`` under ``columns`` (see the module docstring), then ``footer`` (e.g. "7 rows")."""
    con = out or console()
    rows = [[c or "" for c in r] for r in rows]
    if wide or not con.is_terminal:
        con.file.write(plain(columns, rows))
    elif columns and sum(low for _w, low, _u in _widths(columns, rows)) + 3 * len(columns) + 1 > con.width:
        _records(con, columns, rows)
    else:
        _boxed(con, columns, rows)
    if footer:
        con.file.write(footer + "\n")
    con.file.flush()


def _boxed(con: Console, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    # lazy: rich loads only when a table is printed
    from rich.table import Table

    table = Table(show_edge=True)
    for name, (_widest, low, unbreakable) in zip(columns, _widths(columns, rows), strict=True):
        if unbreakable:
            table.add_column(name, no_wrap=True, min_width=low)
        else:
            table.add_column(name, overflow="fold", min_width=low)
    for row in rows:
        table.add_row(*row)
    con.print(table, crop=False, soft_wrap=False)


def _records(con: Console, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Each row as ``name  value`` lines under a rule with its number; long values wrap at spaces."""
    # lazy: rich loads only when a table is printed
    from rich.cells import cell_len


    names = max(cell_len(c) for c in columns)
    room = max(con.width - names - 2, 20)
    lines = []
    for number, row in enumerate(rows, start=1):
        lines.append(f"── {number} " + "─" * max(con.width - 4 - len(str(number)), 0))
        for name, value in zip(columns, row, strict=True):
            pieces = wrap(value, room, break_long_words=False)
            lines.append(f"{name}{' ' * (names - cell_len(name))}  {pieces[0]}".rstrip())
            lines += [f"{' ' * (names + 2)}{p}".rstrip() for p in pieces[1:]]
    con.file.write("\n".join(lines) + "\n")


__all__ = ["console", "plain", "print_table"]
