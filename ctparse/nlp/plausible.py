"""Plausibility of a limit: a normalized value far outside what the variable can be.

"Albumin < 2.0 mg/dl" normalizes to 0.02 g/L, which no patient has and no
criterion means: the registrant wrote mg/dL for g/dL. Each variable of
``models/variables.jsonl`` may give its ``plausible`` range in the canonical
unit; a limit outside it is *suspect* (:class:`~ctparse.schema.Suspect`),
with the unit it probably meant: the one unit of the variable's conversions
that brings the number into the range (preferring a slip of a power of ten
to another unit system, then the written unit's denominator: mg/dL → g/dL),
else none. The threshold keeps its reading as
written; the suspicion is for the curator and the comparator.

>>> from ctparse.schema import Normalized
>>> s = suspect("albumin", 2.0, None, "mg/dL", Normalized(0.02, unit="g/L"))
>>> s.unit, s.normalized.value
('g/dL', 20.0)
"""

from __future__ import annotations

import math

from ..resources import per_models
from ..schema import Normalized, Range, Suspect
from .rules import rules
from .units import is_exact, to_canonical


@per_models
def _candidates() -> dict[str, tuple[str, ...]]:
    """Per variable with a plausible range: the units its limits convert from."""
    r = rules()
    out: dict[str, tuple[str, ...]] = {}
    for variable in r.variables.values():
        if variable.plausible is None or variable.unit is None:
            continue
        units = [variable.unit]
        for key_variable, unit, target in r.conversions:
            if target == variable.unit and key_variable in (variable.id, "*") and unit not in units:
                units.append(unit)
        out[variable.id] = tuple(units)
    return out


def suspect(
    variable: str,
    number: float,
    number_max: float | None,
    unit: str | None,
    normalized: Normalized | None,
) -> Suspect | None:
    """A :class:`Suspect` when the normalized limit lies outside the variable's
    plausible range, else None.

    Args:
        variable: the variable id.
        number, number_max: the limit as written (a range's upper bound).
        unit: the unit id written (None: none was, the canonical unit was assumed).
        normalized: the limit in the canonical unit.
    """
    var = rules().variables.get(variable)
    if var is None or var.plausible is None or normalized is None or normalized.value is None:
        return None
    if normalized.unit != var.unit:
        return None  # a multiple of the ULN, or a unit that does not convert
    low, high = var.plausible
    values = [v for v in (normalized.value, normalized.value_max) if v is not None]
    if all(low <= v <= high for v in values):
        return None
    probable = _probable(variable, (low, high), number, number_max, unit)
    return Suspect(
        reason="implausible",
        plausible=Range(lower=low, lower_inclusive=True, upper=high, upper_inclusive=True),
        unit=probable[0] if probable else None,
        normalized=probable[1] if probable else None,
    )


def _probable(
    variable: str,
    plausible: tuple[float, float],
    number: float,
    number_max: float | None,
    written: str | None,
) -> tuple[str, Normalized] | None:
    low, high = plausible
    same = to_canonical(variable, 1.0, written) if written else None
    centre = math.sqrt(max(low, 1e-9) * high)
    found: list[tuple[int, int, float, str, Normalized]] = []
    for unit in _candidates().get(variable, ()):
        one = to_canonical(variable, 1.0, unit)
        if one is None or (same is not None and math.isclose(one[0], same[0])):
            continue  # the unit written, or one that reads the same
        converted = to_canonical(variable, number, unit)
        top = to_canonical(variable, number_max, unit) if number_max is not None else None
        if converted is None or not low <= converted[0] <= high:
            continue
        if top is not None and not low <= top[0] <= high:
            continue
        # A slip of a prefix (mg for g, L for dL) is likelier than another unit system.
        slip = 0 if is_exact(one[0] / (same[0] if same else 1.0)) else 1
        kin = 0 if written and _denominator(unit) == _denominator(written) else 1
        distance = abs(math.log(max(converted[0], 1e-12) / centre))
        reading = Normalized(
            value=converted[0], value_max=top[0] if top else None, unit=converted[1]
        )
        found.append((slip, kin, distance, unit, reading))
    if not found:
        return None
    *_, unit, reading = min(found, key=lambda item: item[:3])
    return unit, reading


def _denominator(unit: str) -> str:
    return unit.rpartition("/")[2].lower() if "/" in unit else ""
