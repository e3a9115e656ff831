"""Progress bars for long operations (build, enrich, load to an endpoint), on the terminal only.

:func:`bar` yields a function to call after each step (``step("evkg.ttl")``). It draws a rich progress
bar on standard error when that is a terminal, and does nothing when it is not (a pipe, a file, CI) or
when ``quiet`` is true, so scripted runs and tests see exactly the output they saw before.

>>> with bar("counting", total=2, quiet=True) as step:
...     step("one")
...     step("two")
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Step = Callable[..., None]


def enabled(quiet: bool = False) -> bool:
    """True when a bar would be drawn: standard error is a terminal and ``quiet`` is false."""
    return not quiet and sys.stderr.isatty()


@contextmanager
def bar(description: str, total: int | None, *, quiet: bool = False) -> Iterator[Step]:
    """A progress bar of ``total`` steps (``None``: unknown) labelled ``description``."""
    if not enabled(quiet):
        yield lambda *args, **kwargs: None
        return
    # lazy: rich loads only when a bar is shown
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total, item="")

        def step(item: str = "", advance: int = 1) -> None:
            progress.update(task, advance=advance, item=item)

        yield step


__all__ = ["bar"]
