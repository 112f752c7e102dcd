"""Eligible ranges: one study's effective range on a variable, and how two compare.

A limit's ``eligible`` range is the set of values a patient may have, in the
variable's canonical unit (an exclusion's is already the complement of what it
excludes). A study with several limits on one variable admits only what all of
them admit, so its *effective range* is their intersection:

>>> effective([Interval(lower=1.0), Interval(lower=1.5)])
Interval(lower=1.5, lower_inclusive=True, upper=None, upper_inclusive=True)

On an ordinal scale (ECOG 0–5, NYHA 1–4; ``scale`` in ``models/variables.jsonl``)
bounds are whole grades and a bound at the end of the scale is no bound, so
"ECOG 0-1", "ECOG ≤ 1" and "ECOG < 2" are one range:

>>> snap(Interval(lower=0, upper=2, upper_inclusive=False), (0, 5))
Interval(lower=None, lower_inclusive=True, upper=1, upper_inclusive=True)

*Stricter* means fewer patients eligible: a range inside another is the
stricter one (a higher ANC minimum, a lower ECOG maximum, a longer washout).
Two ranges where neither holds the other ("age 18–65" and "age 21–75") are
``other``:

>>> verdict(Interval(lower=2.0), Interval(lower=1.5))
'stricter'
>>> verdict(Interval(lower=18, upper=65), Interval(lower=21, upper=75))
'other'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Verdicts of a compared trial's range against REF's, from the trial's side.
VERDICTS = ("stricter", "same", "looser", "other")


@dataclass(frozen=True)
class Interval:
    """A range of values; ``None`` bounds are open (no limit on that side)."""

    lower: float | None = None
    lower_inclusive: bool = True
    upper: float | None = None
    upper_inclusive: bool = True

    @property
    def empty(self) -> bool:
        """No value fits (contradictory limits as read)."""
        if self.lower is None or self.upper is None:
            return False
        if same_value(self.lower, self.upper):
            return not (self.lower_inclusive and self.upper_inclusive)
        return self.lower > self.upper

    @property
    def bounded(self) -> bool:
        return self.lower is not None or self.upper is not None


def same_value(a: float, b: float) -> bool:
    """Equal up to floating-point noise (1.5 mg/dL × 88.4 is 132.60000000000002)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _lower_key(value: float | None, inclusive: bool) -> tuple[float, int]:
    """Sort key of a lower bound: larger is stricter (``> 1.5`` above ``≥ 1.5``)."""
    if value is None:
        return (-math.inf, 0)
    return (value, 0 if inclusive else 1)


def _upper_key(value: float | None, inclusive: bool) -> tuple[float, int]:
    """Sort key of an upper bound: larger is looser (``≤ 1`` above ``< 1``)."""
    if value is None:
        return (math.inf, 0)
    return (value, 1 if inclusive else 0)


def _compare_lower(a: Interval, b: Interval) -> int:
    """-1 when a's lower bound is looser than b's, 0 equal, 1 stricter."""
    if a.lower is None and b.lower is None:
        return 0
    if a.lower is not None and b.lower is not None and same_value(a.lower, b.lower):
        return (not a.lower_inclusive) - (not b.lower_inclusive)
    ka, kb = _lower_key(a.lower, a.lower_inclusive), _lower_key(b.lower, b.lower_inclusive)
    return (ka > kb) - (ka < kb)


def _compare_upper(a: Interval, b: Interval) -> int:
    """-1 when a's upper bound is looser than b's, 0 equal, 1 stricter."""
    if a.upper is None and b.upper is None:
        return 0
    if a.upper is not None and b.upper is not None and same_value(a.upper, b.upper):
        return (not a.upper_inclusive) - (not b.upper_inclusive)
    ka, kb = _upper_key(a.upper, a.upper_inclusive), _upper_key(b.upper, b.upper_inclusive)
    return (ka < kb) - (ka > kb)


def effective(intervals: Iterable[Interval]) -> Interval:
    """The intersection: the strictest lower and the strictest upper bound."""
    result = Interval()
    for interval in intervals:
        lower = interval if _compare_lower(interval, result) > 0 else result
        upper = interval if _compare_upper(interval, result) > 0 else result
        result = Interval(lower.lower, lower.lower_inclusive, upper.upper, upper.upper_inclusive)
    return result


def snap(interval: Interval, scale: Sequence[int] | None) -> Interval:
    """Bounds of an ordinal scale ``[min, max]`` as whole grades, both inclusive;
    a bound at or beyond the end of the scale is none. Other ranges unchanged."""
    if scale is None:
        return interval
    low, high = scale
    lower = upper = None
    if interval.lower is not None:
        lower = (
            math.ceil(interval.lower - 1e-9)
            if interval.lower_inclusive
            else math.floor(interval.lower + 1e-9) + 1
        )
        lower = None if lower <= low else lower
    if interval.upper is not None:
        upper = (
            math.floor(interval.upper + 1e-9)
            if interval.upper_inclusive
            else math.ceil(interval.upper - 1e-9) - 1
        )
        upper = None if upper >= high else upper
    return Interval(lower, True, upper, True)


def contains(outer: Interval, inner: Interval) -> bool:
    """Whether every value of ``inner`` is in ``outer``."""
    return _compare_lower(outer, inner) <= 0 and _compare_upper(outer, inner) <= 0


def verdict(trial: Interval, ref: Interval) -> str:
    """A trial's range against REF's: ``stricter`` (admits fewer), ``same``,
    ``looser`` (admits more) or ``other`` (each admits someone the other does not)."""
    inside, around = contains(ref, trial), contains(trial, ref)
    if inside and around:
        return "same"
    if inside:
        return "stricter"
    if around:
        return "looser"
    return "other"


def percentile(value: float, values: Sequence[float]) -> float | None:
    """The percentile rank of ``value`` among ``values`` (mid-rank: those below
    plus half of those equal, in percent); ``None`` for no values.

    >>> percentile(1.5, [1.0, 1.5, 1.5, 2.0])
    50.0
    >>> percentile(2.0, [1.0, 1.5])
    100.0
    """
    if not values:
        return None
    below = sum(1 for v in values if v < value and not same_value(v, value))
    equal = sum(1 for v in values if same_value(v, value))
    return 100.0 * (below + 0.5 * equal) / len(values)


def bound_text(value: float | None) -> str:
    """A bound as a short number (``1.5``, ``100``, ``0.25``)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}"


def interval_text(interval: Interval, unit: str | None = None) -> str:
    """``≥ 1.5 10^9/L``, ``≤ 1``, ``18–80 years``, ``> 21 days``; ``no bound``.

    >>> interval_text(Interval(lower=18, upper=80), "years")
    '18–80 years'
    >>> interval_text(Interval(upper=1.5, upper_inclusive=False), "× ULN")
    '< 1.5 × ULN'
    """
    suffix = f" {unit}" if unit else ""
    if interval.empty:
        return "contradictory limits"
    low, high = interval.lower, interval.upper
    if low is not None and high is not None:
        if interval.lower_inclusive and interval.upper_inclusive:
            if same_value(low, high):
                return f"= {bound_text(low)}{suffix}"
            return f"{bound_text(low)}–{bound_text(high)}{suffix}"
        left = "≥" if interval.lower_inclusive else ">"
        right = "≤" if interval.upper_inclusive else "<"
        return f"{left} {bound_text(low)} and {right} {bound_text(high)}{suffix}"
    if low is not None:
        return f"{'≥' if interval.lower_inclusive else '>'} {bound_text(low)}{suffix}"
    if high is not None:
        return f"{'≤' if interval.upper_inclusive else '<'} {bound_text(high)}{suffix}"
    return "no bound"
