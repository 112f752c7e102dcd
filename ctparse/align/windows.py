"""Time windows of two studies lined up by what they constrain and their anchor.

A longer washout ("no chemotherapy within 4 weeks before the first dose") is
stricter; so is a shorter "must have X within N days". Periods are compared in
the finer of the two written units when one converts exactly into the other
(months↔years, weeks↔years as 52, days↔weeks), else in days.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..nlp.mentions import mentions
from ..schema import Criterion, Verdict, Window
from ..text import timeunits
from . import matching
from .wording import amount, window_phrase

#: Window events must be at least this similar to be lined up.
EVENT_FLOOR = 0.5


def is_duration(window: Window) -> bool:
    """Whether a window is how long a patient has had something ("on hemodialysis for
    at least 3 months", "stable metformin dose for ≥ 8 weeks"): at least a period
    required, with no direction and no anchor; not a time since it ("≥ 4 weeks since
    prior chemotherapy", "at least 4 weeks before enrollment", "no chemotherapy for at
    least 4 weeks")."""
    return (
        window.comparator in (">=", ">")
        and window.direction is None
        and not window.anchor
        and window.requirement == "required"
    )


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


def event_tokens(window: Window) -> list[str]:
    return matching.tokens(window.event or "")


#: Words that say the event's result, not whether it happened: "negative pregnancy
#: test within 7 days" and "positive pregnancy test within 7 days" are the same demand
#: asked both ways.
_RESULT = re.compile(
    r"\b(?:negative|positive|normal|abnormal|adequate|inadequate|free\s+(?:of|from)|"
    r"resolved|stable|unstable|controlled|uncontrolled)\b",
    re.IGNORECASE,
)


def _result_said(criterion: Criterion) -> bool:
    """Whether a criterion says what its event showed (a result word or a limit on a
    value), so that its requirement is not what happened."""
    return bool(criterion.thresholds) or bool(_RESULT.search(criterion.text or ""))


_WHY = {
    "same": ": the same times",
    "a_stricter": " (A's times lie within B's)",
    "b_stricter": " (B's times lie within A's)",
    "different": " (each admits times the other does not)",
}


def _by_ranges(x: Window, y: Window) -> Verdict | None:
    """The verdict on two windows of which one is a range of times since the event
    ("2 to 6 weeks before"), by their eligible times as sets; None otherwise."""
    rx, ry = x.eligible, y.eligible
    if rx is None or ry is None:
        return None
    if not any(r.lower is not None and r.upper is not None for r in (rx, ry)):
        return None
    inf = float("inf")
    lx, ux = rx.lower if rx.lower is not None else -inf, rx.upper if rx.upper is not None else inf
    ly, uy = ry.lower if ry.lower is not None else -inf, ry.upper if ry.upper is not None else inf
    if (lx, ux) == (ly, uy):
        return "same"
    if ly <= lx and ux <= uy:
        return "a_stricter"
    if lx <= ly and uy <= ux:
        return "b_stricter"
    return "different"


def compare_windows(ca: Criterion, x: Window, cb: Criterion, y: Window) -> tuple[Verdict, str]:
    period = periods(x, y)
    # "4 weeks (28 days)" when the periods are compared in days.
    in_days = period.unit == "day" and x.unit != y.unit and "day" not in (x.unit, y.unit)
    pa = window_phrase(ca, x, with_days=in_days)
    pb = window_phrase(cb, y, with_days=in_days)
    if is_duration(x) != is_duration(y):
        # "hemodialysis for at least 3 months" / "hemodialysis within the last 3 months"
        return "different", f"A {pa}; B {pb} (a time on it against a time since it)"
    ranged = _by_ranges(x, y)
    if ranged is not None:
        # "within 6 weeks" / "2 to 6 weeks before": a range is compared as a set of times
        return ranged, f"A {pa}; B {pb}" + _WHY[ranged]
    longer_stricter = _longer_is_stricter(x)
    opposite = (
        None not in (longer_stricter, _longer_is_stricter(y))
        and longer_stricter != _longer_is_stricter(y)
        and not (_result_said(ca) or _result_said(cb))
    )
    if period.same and opposite:
        # "received chemotherapy within 4 weeks" / "no chemotherapy within 4 weeks":
        # the same period, but nobody passes both (unless each says a result).
        return "different", f"A {pa}; B {pb} (one requires, the other excludes)"
    if period.same:
        if pa == pb:
            return "same", "both " + window_phrase(ca, x, both=True)
        equal = ""
        if x.unit != y.unit and x.value is not None and y.value is not None:
            equal = f" ({amount(x.value, x.unit)} = {amount(y.value, y.unit)})"
        return "same", f"A {pa}; B {pb}: the same period{equal}"
    longer_a = period.a > period.b
    if longer_stricter is None or longer_stricter != _longer_is_stricter(y):
        return "different", f"A {pa}; B {pb} (one requires, the other excludes)"
    a_stricter = longer_a == longer_stricter
    # A washout keeps a past event away; a period ahead ("plans to move away
    # within 6 months") is no washout.
    ahead = "after" in (x.direction, y.direction) and not x.anchor and not y.anchor
    what = (
        "window"
        if not longer_stricter
        else "duration"
        if is_duration(x)
        else "period"
        if ahead
        else "washout"
    )
    return ("a_stricter" if a_stricter else "b_stricter"), (
        f"A {pa}; B {pb}: {'A' if longer_a else 'B'}'s {what} is {period.gap()} longer"
    )


def event_score(x: Window, y: Window, weights: dict[str, float]) -> float:
    """How surely two windows constrain the same event: the same concept (radiotherapy /
    radiation therapy), else their words."""
    if not _compatible(x, y):
        return 0.0
    if matching.normalize(x.event or "") == matching.normalize(y.event or ""):
        return 1.0
    cx = {m.entry.id for m in mentions(x.event or "")}
    cy = {m.entry.id for m in mentions(y.event or "")}
    if cx and cx == cy:
        return 1.0
    if cx & cy:
        return 0.8
    return matching.similarity(event_tokens(x), event_tokens(y), weights)


def _compatible(x: Window, y: Window) -> bool:
    """Windows at different anchors or in other directions constrain other things
    (contraception "after the last dose" is not "before the first dose")."""
    entry = x.direction == y.direction == "before" and {x.anchor, y.anchor} <= _STUDY_ENTRY
    return (x.anchor == y.anchor or not x.anchor or not y.anchor or entry) and (
        x.direction == y.direction or not x.direction or not y.direction
    )


#: The steps of entering a study, days apart: a time before one is a time before the
#: others ("stroke onset within 72 hours before enrolment / 3 days before randomization").
_STUDY_ENTRY = {"screening", "consent", "enrollment", "randomization", "first_dose"}


def match_windows(
    wa: Sequence[tuple[Criterion, Window]], wb: Sequence[tuple[Criterion, Window]]
) -> list[tuple[Criterion, Window, Criterion, Window, Verdict, str]]:
    """The windows of two sides lined up one to one by event and anchor, with the
    verdict on each pair."""
    wa = [(c, w) for c, w in wa if w.event and w.days is not None]
    wb = [(c, w) for c, w in wb if w.event and w.days is not None]
    if not wa or not wb:
        return []
    weights = matching.idf([event_tokens(w) for _, w in [*wa, *wb]])
    scores = [[event_score(x, y, weights) for _, y in wb] for _, x in wa]
    out = []
    for i, j in matching.assign(scores, floor=EVENT_FLOOR):
        (ca, x), (cb, y) = wa[i], wb[j]
        verdict, detail = compare_windows(ca, x, cb, y)
        out.append((ca, x, cb, y, verdict, detail))
    return out
