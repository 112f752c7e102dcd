"""The parse status of each criterion, and each limit reported once.

The last stage of the pipeline (``ctparse_status``):

* ``parsed``: at least one threshold, window or entity (what the criterion is
  about, with its assertion), and every number is placed;
* ``partial``: a number in the text is in no threshold, window or known
  non-limit (version, list marker, name such as "PD-1", a number of an aside
  such as "a cut-off of 70 years was considered"), a limit's
  direction is unknown ("ANC = 1500/mm3": a registry mirror's "=" for ≥), or
  its unit does not convert to the variable's ("AST ≥ 100 IU/mL": no
  normalized value), or its value is implausible for the variable
  ("Albumin < 2.0 mg/dl": ``suspect``);
* ``unparsed``: nothing structured was found.

A limit found in a piece of a packed line is reported on the piece only
(:func:`without_repeats_in_parents`).
"""

from __future__ import annotations

import dataclasses
import re

from ..schema import Criterion, Status, Threshold, Window
from .asides import aside_spans
from .rules import rules
from .windows import spans_of

_DIGIT = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_ANY_DIGIT = re.compile(r"\d")

_WRITTEN_EQUAL = re.compile(r"(?i)=|\bequals?\b")


def _direction_unknown(threshold: Threshold, text: str, base: int) -> bool:
    """ "ANC = 1500/mm3": a mirror's "=" on a continuous variable, whose ≥ or ≤ is lost
    (the threshold has no eligible range; "ECOG = 1" has one)."""
    if threshold.comparator != "=" or threshold.eligible is not None or threshold.start is None:
        return False
    variable = rules().variables.get(threshold.variable)
    if (
        variable is not None
        and variable.scale is not None
        and variable.scale[1] - variable.scale[0] <= 10
    ):
        return False  # an ordinal grade: "= 1" is that grade
    span = text[threshold.start - base : (threshold.end or threshold.start) - base]
    return bool(_WRITTEN_EQUAL.search(span))


def status(criterion: Criterion, windows: tuple[Window, ...]) -> Status:
    """``parsed``, ``partial`` or ``unparsed`` (see the module docstring)."""
    found = bool(criterion.thresholds or windows or criterion.entities)
    text = criterion.text or ""
    base = criterion.start or 0
    if any(
        _direction_unknown(t, text, base)
        or (t.normalized is None and t.unit is not None)
        or t.suspect is not None
        for t in criterion.thresholds
    ):
        return "partial"
    if not _ANY_DIGIT.search(text):
        return "parsed" if found else "unparsed"
    covered = spans_of(criterion.thresholds, base) + spans_of(windows, base)
    loose = [
        m.start()
        for m in _DIGIT.finditer(text)
        if not any(s <= m.start() and m.end() <= e for s, e in covered)
    ]
    if loose:
        # Only now look for numbers that are not limits (versions, list markers, names).
        noise = [(m.start(), m.end()) for p in rules().noise for m in p.finditer(text)]
        noise += aside_spans(text)
        if any(not any(s <= pos < e for s, e in noise) for pos in loose):
            return "partial"
    return "parsed" if found else "unparsed"


def without_repeats_in_parents(criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
    """A limit found in a piece belongs to the piece only.

    A packed registry line ("neutrophils ≥ 1,500/mm3, platelets ≥ …") is kept as
    the parent of the pieces split out of it, and its text contains theirs; each
    threshold or window is reported once, on the piece it lies in. What lies
    outside every piece (a lead-in's own window) stays with the parent.
    """
    pieces: dict[str, list[tuple[int, int]]] = {}
    for criterion in criteria:
        if criterion.parent and criterion.start is not None and criterion.end is not None:
            pieces.setdefault(criterion.parent, []).append((criterion.start, criterion.end))
    if not pieces:
        return criteria

    def outside(item: Threshold | Window, spans: list[tuple[int, int]]) -> bool:
        if item.start is None:
            return True
        end = item.end if item.end is not None else item.start
        return not any(start <= item.start and end <= stop for start, stop in spans)

    result = []
    for criterion in criteria:
        spans = pieces.get(criterion.id)
        if spans:
            criterion = dataclasses.replace(
                criterion,
                thresholds=tuple(t for t in criterion.thresholds if outside(t, spans)),
                windows=tuple(w for w in criterion.windows if outside(w, spans)),
            )
        result.append(criterion)
    return tuple(result)


def finish(criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
    """Every criterion's status (a packed line's from all its limits), then each
    limit reported on one criterion only."""
    return without_repeats_in_parents(
        tuple(dataclasses.replace(c, status=status(c, c.windows)) for c in criteria)
    )
