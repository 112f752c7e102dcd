"""Progress bars and summary lines on stderr, shared by the long commands.

A bar (rich) appears only when stderr is a terminal and ``--quiet`` is not
given; it shows the count, the rate and the time left. :func:`summary_line`
is the one line a long run ends with::

    ctparse: 598,112 studies, 7.4 M criteria, 9 errors, 14 min
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

import click


def human_count(count: int) -> str:
    """``7412345`` → ``7.4 M``; below a million, with thousands separators."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} M"
    return f"{count:,}"


def human_duration(seconds: float) -> str:
    """``0.4 s``, ``12 s``, ``14 min``, ``1 h 05 min``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{human_count(count)} {word if count == 1 else (words or word + 's')}"


def summary_line(
    *, studies: int, criteria: int, errors: int, seconds: float, extra: str = ""
) -> str:
    """The final line of a long run (without the ``ctparse:`` prefix)."""
    line = (
        f"{plural(studies, 'study', 'studies')}, {plural(criteria, 'criterion', 'criteria')}, "
        f"{plural(errors, 'error')}, {human_duration(seconds)}"
    )
    return line + (f"; {extra}" if extra else "")


class Bar:
    """The progress display of one run: a planning count, then a bar."""

    def __init__(self, progress: Any, unit: str) -> None:
        self._progress = progress
        self._unit = unit
        self._task: Any = None

    def say(self, message: str) -> None:
        if self._progress is not None:
            self._progress.console.print(f"ctparse: {message}", markup=False, highlight=False)

    def planned(self, count: int) -> None:
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task("planning", total=None, unit="inputs")
        self._progress.update(self._task, completed=count)

    def start(self, total: int, description: str = "parsing") -> None:
        if self._progress is None:
            return
        if self._task is not None:
            self._progress.remove_task(self._task)
        self._task = self._progress.add_task(description, total=total, unit=self._unit)

    def advance(self, count: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, count)


def bar_enabled(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@contextlib.contextmanager
def progress_bar(*, enabled: bool, unit: str = "studies") -> Iterator[Bar]:
    """A :class:`Bar` drawing on stderr, or a silent one."""
    if not enabled:
        yield Bar(None, unit)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            what = task.fields.get("unit", unit)
            return Text(f"{speed:,.0f} {what}/s" if speed else f"– {what}/s")

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield Bar(progress, unit)


def echo(message: str, *, quiet: bool = False) -> None:
    """A ``ctparse: …`` message on stderr unless quiet."""
    if not quiet:
        click.echo(f"ctparse: {message}", err=True)
