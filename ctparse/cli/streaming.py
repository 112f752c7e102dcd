"""Criteria of many inputs, parsed as they are read and written as they come.

``ctparse criteria`` and ``ctparse thresholds`` take thousands of REFs (a
shell's argument list holds ~45,000 cache paths). :func:`parsed` reads the
REFs one at a time, parses them in batches (``nlp.pipe``), in this process
or in ``--workers N`` processes that each load the pipeline once, and yields
the results in input order with at most a few batches in flight, so memory
stays flat whatever the number of inputs and the output can be written as
it is produced.

Every REF is checked before the first is read (a missing path or a
malformed NCT id fails before any output); a record that turns out
unreadable stops the run with its one error line (with ``-o FILE`` nothing
is written).
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from ..refs import CriteriaText, classify, looks_like_path
from ..schema import Criterion, Study
from .options import Settings

BATCH = 32  # inputs per batch (one nlp.pipe call, one task for a worker)


@dataclass(frozen=True)
class Item:
    """One input: a study, or plain criteria text (``text``), with its ref."""

    ref: str
    argument: int  # position of the REF it came from (for progress)
    study: Study | None = None
    text: str | None = None


@dataclass(frozen=True)
class Parsed:
    item: Item
    criteria: tuple[Criterion, ...]


def check(arguments: tuple[str, ...], *, allow_text: bool) -> None:
    """Fail on the first REF that cannot be anything, before reading any.

    Raises:
        BadReferenceError, MissingInputError: as reading it would.
    """
    import os

    from ..errors import MissingInputError

    for argument in arguments:
        kind = classify(argument)  # raises on a malformed NCT or local id
        if kind != "path" or os.path.exists(argument):
            continue
        if not allow_text or looks_like_path(argument):
            raise MissingInputError(argument, "no such file (and not an NCT id or local id)")


def items(settings: Settings, arguments: tuple[str, ...], *, as_study: bool) -> Iterator[Item]:
    """The inputs of every argument, read lazily (one argument at a time).

    Args:
        as_study: give plain criteria text as a Study holding it (``criteria``),
            else as text (``thresholds``, which reads one line of text as one criterion).
    """
    for index, argument in enumerate(arguments):
        for found in settings.inputs(argument):
            if isinstance(found, CriteriaText):
                if as_study:
                    yield Item(found.ref, index, study=found.as_study())
                else:
                    yield Item(found.ref, index, text=found.text)
            else:
                yield Item(found.ref, index, study=found)


def parse_batch(batch: list[Item]) -> list[Parsed]:
    """Criteria of a batch of inputs (the pipeline is loaded once per process)."""
    from ..nlp.study import studies_criteria
    from .thresholds import criteria_of_text

    studies = [item.study for item in batch if item.study is not None]
    results = iter(studies_criteria(studies))
    out = []
    for item in batch:
        if item.study is not None:
            out.append(Parsed(item, next(results).criteria))
        else:
            out.append(Parsed(item, criteria_of_text(item.text or "")))
    return out


def _batches(inputs: Iterable[Item]) -> Iterator[list[Item]]:
    iterator = iter(inputs)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def parsed(inputs: Iterable[Item], *, workers: int) -> Iterator[Parsed]:
    """Every input with its criteria, in input order.

    With ``workers > 1`` batches go to a pool of processes; at most
    ``2 × workers`` batches are in flight, so reading never runs far ahead.
    """
    if workers <= 1:
        for batch in _batches(inputs):
            yield from parse_batch(batch)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ctparse.cli.streaming", "ctparse.nlp.study"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[list[Parsed]]] = deque()
        for batch in _batches(inputs):
            pending.append(pool.submit(parse_batch, batch))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
