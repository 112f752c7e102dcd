"""Time windows of two studies lined up by what they constrain and their anchor.

A longer washout ("no chemotherapy within 4 weeks before the first dose") is
stricter; so is a shorter "must have X within N days". Periods are compared in
the finer of the two written units when one converts exactly into the other
(months↔years, weeks↔years as 52, days↔weeks), else in days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..schema import Criterion, Pair, Verdict, Window
from ..text import timeunits
from . import matching
from .rows import pair
from .wording import amount, window_phrase

#: Window events must be at least this similar to be lined up.
EVENT_FLOOR = 0.5


def _longer_is_stricter(window: Window) -> bool | None:
    """Whether a longer period admits fewer patients, from the eligible time range
    the extractor recorded: "more than N days since X" (a washout, X excluded within
    N days) is stricter when longer, "at most N days" (X required within N days)
    when shorter; None when the window has no such range."""
    if window.eligible is None:
        return None
    return window.eligible.lower is not None


#: Two periods are compared in the calendar units of :data:`CALENDAR` when both
#: are written in them (12 months = 1 year, 52 weeks = 1 year, 14 days = 2 weeks);
#: otherwise in days (month = 30, year = 365), so 30 days = 1 month but 4 weeks
#: (28 days) ≠ 1 month.
CALENDAR = timeunits.CALENDAR


@dataclass(frozen=True)
class Period:
    """Two windows' periods in one unit (the finer written unit, or days)."""

    a: float
    b: float
    unit: str

    @property
    def same(self) -> bool:
        return abs(self.a - self.b) <= 1e-9 * max(abs(self.a), abs(self.b), 1.0)

    def gap(self) -> str:
        """|a − b| in words ("7 days", "6 months")."""
        return amount(abs(self.a - self.b), self.unit)


def periods(x: Window, y: Window) -> Period:
    """The periods of two windows in a common unit (see :data:`CALENDAR`)."""
    ux, uy = x.unit, y.unit
    if x.value is not None and y.value is not None and ux and uy:
        if ux == uy:
            return Period(x.value, y.value, ux)
        for (fine, coarse), size in CALENDAR.items():
            if {ux, uy} == {fine, coarse}:
                return Period(
                    x.value * (size if ux == coarse else 1),
                    y.value * (size if uy == coarse else 1),
                    fine,
                )
    assert x.days is not None and y.days is not None
    return Period(x.days, y.days, "day")


def _event_tokens(window: Window) -> list[str]:
    return matching.tokens(window.event or "")


def _compare_windows(ca: Criterion, x: Window, cb: Criterion, y: Window) -> tuple[Verdict, str]:
    period = periods(x, y)
    # "4 weeks (28 days)" when the periods are compared in days.
    in_days = period.unit == "day" and x.unit != y.unit and "day" not in (x.unit, y.unit)
    pa = window_phrase(ca, x, with_days=in_days)
    pb = window_phrase(cb, y, with_days=in_days)
    if period.same:
        if pa == pb:
            return "same", "both " + window_phrase(ca, x, both=True)
        equal = ""
        if x.unit != y.unit and x.value is not None and y.value is not None:
            equal = f" ({amount(x.value, x.unit)} = {amount(y.value, y.unit)})"
        return "same", f"A {pa}; B {pb}: the same period{equal}"
    longer_a = period.a > period.b
    longer_stricter = _longer_is_stricter(x)
    if longer_stricter is None or longer_stricter != _longer_is_stricter(y):
        return "different", f"A {pa}; B {pb} (one requires, the other excludes)"
    a_stricter = longer_a == longer_stricter
    what = "washout" if longer_stricter else "window"
    return ("a_stricter" if a_stricter else "b_stricter"), (
        f"A {pa}; B {pb}: {'A' if longer_a else 'B'}'s {what} is {period.gap()} longer"
    )


def window_pairs(criteria_a: Sequence[Criterion], criteria_b: Sequence[Criterion]) -> list[Pair]:
    wa = [(c, w) for c in criteria_a for w in c.windows if w.event and w.days is not None]
    wb = [(c, w) for c in criteria_b for w in c.windows if w.event and w.days is not None]
    if not wa or not wb:
        return []
    weights = matching.idf([_event_tokens(w) for _, w in wa + wb])
    scores = []
    for _, x in wa:
        row = []
        for _, y in wb:
            compatible = (x.anchor == y.anchor or not x.anchor or not y.anchor) and (
                x.direction == y.direction or not x.direction or not y.direction
            )
            if not compatible:
                row.append(0.0)
            elif matching.normalize(x.event or "") == matching.normalize(y.event or ""):
                row.append(1.0)
            else:
                row.append(matching.similarity(_event_tokens(x), _event_tokens(y), weights))
        scores.append(row)
    pairs = []
    for i, j in matching.assign(scores, floor=EVENT_FLOOR):
        (ca, x), (cb, y) = wa[i], wb[j]
        verdict, detail = _compare_windows(ca, x, cb, y)
        pairs.append(pair(ca, cb, None, verdict, detail, scores[i][j]))
    return pairs
