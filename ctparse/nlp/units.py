"""Units: from the spelling in the text to the variable's canonical unit.

Conversions are data (``models/conversions.jsonl``): canonical = value ×
factor, looked up per variable first and then for any variable with that
canonical unit. A factor that is a whole number or a power of ten is exact;
any other (a molar mass, a convention) is an approximation, and its result is
rounded to ``SIGNIFICANT`` (4) significant digits. Cell counts go through the
power of ten written with them (``1.5 × 10^9/L``, ``1,500/mm³``, ``50.000 /mmc``).

>>> to_canonical("platelets", 50000, "/mm3")
(50.0, '10^9/L')
>>> to_canonical("hemoglobin", 9, "g/dL")
(90.0, 'g/L')
"""

from __future__ import annotations

import math

from .rules import rules

COUNT = "10^9/L"
SIGNIFICANT = 4  # significant digits of a value converted with an approximate factor


def unit_id(written: str | None) -> str | None:
    """The unit id of a spelling (``"/mmc"`` → ``"/mm3"``), or None if unknown."""
    if not written:
        return None
    return rules().unit_for(written)


def quantity(unit: str | None) -> str | None:
    """``"count"``, ``"time"``, ``"mass_concentration"``, … for a unit id."""
    return rules().unit_quantity.get(unit) if unit else None


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
    if not is_exact(factor):
        return _round(value * factor, digits=SIGNIFICANT), target
    return _round(value * factor), target


def is_exact(factor: float) -> bool:
    """Whether a conversion keeps the number as written: a whole number (week = 7 days)
    or a power of ten (g/dL → g/L, /mm³ → 10^9/L). Molar masses (mmol/L → g/L for
    hemoglobin) and conventions (5 copies ≈ 1 IU) are approximations."""
    if factor <= 0:
        return False
    if factor.is_integer():
        return True
    exponent = math.log10(factor)
    return abs(exponent - round(exponent)) < 1e-9


def conversion_factor(variable: str, unit: str | None) -> float | None:
    """The factor from ``unit`` to the canonical unit of ``variable`` (None if unknown)."""
    target = rules().variables[variable].unit if variable in rules().variables else None
    if unit is None or target is None:
        return None
    if target in (COUNT, "10^12/L") and (quantity(unit) == "count" or unit.startswith("10^")):
        factor = count_factor(unit)
        return None if factor is None else factor / (1000.0 if target == "10^12/L" else 1.0)
    return rules().factor(variable, unit, target)


def to_days(value: float, unit: str | None) -> float | None:
    """A time in days (week 7, month 30, year 365)."""
    if unit is None:
        return None
    factor = rules().factor("*", unit, "days")
    return None if factor is None else _round(value * factor)


def _round(value: float, *, digits: int = 6) -> float:
    """Round away floating noise (1.5 × 0.001 × 1000) without losing real digits; an
    approximate conversion keeps ``SIGNIFICANT`` digits (5.6 mmol/L × 16.114 → 90.24 g/L,
    not 90.2384: the limit was written with two)."""
    return float(f"{value:.{digits}g}")
