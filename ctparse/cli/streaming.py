"""Criteria of many inputs, parsed as they are read and written as they come.

``ctparse criteria`` and ``ctparse thresholds`` take thousands of REFs (a
shell's argument list holds ~45,000 cache paths). :func:`parsed` reads the
REFs one at a time and streams them through ``nlp.pipe`` (with ``--workers N``,
spaCy's ``n_process``: processes that each load the pipeline once), yielding the
results in input order, so memory stays flat whatever the number of inputs and
the output can be written as it is produced.

Every REF is checked before the first is read (a missing path or a
malformed NCT id fails before any output); a record that turns out
unreadable stops the run with its one error line (with ``-o FILE`` nothing
is written).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..refs import CriteriaText, classify, looks_like_path
from ..schema import Criterion, Study
from .options import Settings


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
    from ..refs import names_one_study

    for argument in arguments:
        kind = classify(argument)  # raises on a malformed NCT or local id
        if kind != "path" or os.path.exists(argument) or names_one_study(argument):
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


def parsed(inputs: Iterable[Item], *, workers: int, entities: bool = True) -> Iterator[Parsed]:
    """Every input with its criteria, in input order, streamed through ``nlp.pipe``
    (``workers > 1``: spaCy's own ``n_process``, each process loading the pipeline
    once); plain criteria text is read as a study holding only that text."""
    from ..nlp import load
    from ..nlp.study import studies_criteria

    queue: deque[Item] = deque()

    def studies() -> Iterator[Study]:
        for item in inputs:
            queue.append(item)
            yield (
                item.study
                if item.study is not None
                else CriteriaText(item.text or "", location=item.ref).as_study()
            )

    for result in studies_criteria(studies(), nlp=load(entities=entities), n_process=workers):
        yield Parsed(queue.popleft(), result.criteria)
