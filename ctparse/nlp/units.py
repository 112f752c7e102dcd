"""Units: from the spelling in the text to the variable's canonical unit.

Conversions are data (``models/conversions.jsonl``): canonical = value ×
factor, looked up per variable first and then for any variable with that
canonical unit. Cell counts go through the power of ten written with them
(``1.5 × 10^9/L``, ``1,500/mm³``, ``50.000 /mmc``).

>>> to_canonical("platelets", 50000, "/mm3")
(50.0, '10^9/L')
>>> to_canonical("hemoglobin", 9, "g/dL")
(90.0, 'g/L')
"""

from __future__ import annotations

from .rules import rules

TIME_UNITS = ("minute", "hour", "day", "week", "month", "year")
COUNT = "10^9/L"


def unit_id(written: str | None) -> str | None:
    """The unit id of a spelling (``"/mmc"`` → ``"/mm3"``), or None if unknown."""
    if not written:
        return None
    return rules().unit_for(written)


def quantity(unit: str | None) -> str | None:
    """``"count"``, ``"time"``, ``"mass_concentration"``, … for a unit id."""
    return rules().unit_quantity.get(unit) if unit else None


def is_time(unit: str | None) -> bool:
    return unit in TIME_UNITS


def scientific_unit(exp: int, per: str | None) -> str:
    """The unit id of ``× 10^exp`` followed by ``/L`` or ``/µL``: ``10^9/L`` etc."""
    if per == "/uL" or per == "/mm3":
        exp += 6  # per µL -> per L
    return f"10^{exp}/L"


def count_factor(unit: str) -> float | None:
    """Factor from a count unit (``/mm3``, ``10^6/L``…) to 10^9/L."""
    if unit.startswith("10^") and unit.endswith("/L"):
        return float(10 ** (int(unit[3:-2]) - 9))
    return rules().factor("*", unit, COUNT)


def to_canonical(variable: str, value: float, unit: str | None) -> tuple[float, str | None] | None:
    """``value`` in ``unit`` expressed in the canonical unit of ``variable``.

    Returns None when no conversion is known (the caller keeps the unit as
    written).
    """
    target = rules().variables[variable].unit if variable in rules().variables else None
    if unit is None or target is None:
        return None
    if target in (COUNT, "10^12/L") and (quantity(unit) == "count" or unit.startswith("10^")):
        factor = count_factor(unit)
        if factor is None:
            return None
        if target == "10^12/L":
            factor /= 1000.0
        return _round(value * factor), target
    factor = rules().factor(variable, unit, target)
    if factor is None:
        return None
    return _round(value * factor), target


def to_days(value: float, unit: str | None) -> float | None:
    """A time in days (week 7, month 30, year 365)."""
    if unit is None:
        return None
    factor = rules().factor("*", unit, "days")
    return None if factor is None else _round(value * factor)


def _round(value: float) -> float:
    """Round away floating noise (1.5 × 0.001 × 1000) without losing real digits."""
    return float(f"{value:.6g}")
