"""Unit spellings and conversions to canonical units."""

from __future__ import annotations

import pytest

from ctparse.nlp.numbers import european_thousands, exponent, parse_number
from ctparse.nlp.units import to_canonical, to_days, unit_id


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("/mm³", "/mm3"),
        ("/mmc", "/mm3"),
        ("/µL", "/uL"),
        ("/mcL", "/uL"),
        ("mM", "mmol/L"),
        ("mm", "mm"),
        ("U/L", "U/L"),
        ("IU/L", "U/L"),
        ("µmol/L", "umol/L"),
        ("mg/dl", "mg/dL"),
        ("ml/min", "mL/min"),
        ("mL/min/1.73 m2", "mL/min/1.73m2"),
        ("mm Hg", "mmHg"),
    ],
)
def test_spellings(written: str, unit: str) -> None:
    assert unit_id(written) == unit


@pytest.mark.parametrize(
    ("variable", "value", "unit", "expected"),
    [
        ("anc", 1500, "/mm3", (1.5, "10^9/L")),
        ("platelets", 100000, "/uL", (100, "10^9/L")),
        ("platelets", 1.0e11, "/L", (100, "10^9/L")),
        ("wbc", 3.0, "10^9/L", (3.0, "10^9/L")),
        ("hemoglobin", 9, "g/dL", (90, "g/L")),
        ("hemoglobin", 5.6, "mmol/L", (90.2384, "g/L")),
        ("creatinine", 1.5, "mg/dL", (132.6, "umol/L")),
        ("bilirubin_total", 1, "mg/dL", (17.1, "umol/L")),
        ("glucose", 100, "mg/dL", (5.55, "mmol/L")),
        ("weight", 220, "lb", (99.792, "kg")),
    ],
)
def test_conversions(variable: str, value: float, unit: str, expected: tuple) -> None:
    result = to_canonical(variable, value, unit)
    assert result is not None
    assert result[0] == pytest.approx(expected[0], rel=1e-4) and result[1] == expected[1]


def test_unknown_conversion_is_none() -> None:
    assert to_canonical("creatinine", 1.5, "mmHg") is None


@pytest.mark.parametrize(
    ("value", "unit", "days"),
    [(1, "week", 7), (1, "month", 30), (1, "year", 365), (48, "hour", 2), (14, "day", 14)],
)
def test_times_in_days(value: float, unit: str, days: float) -> None:
    assert to_days(value, unit) == days


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,500", 1500), ("1.5", 1.5), (".5", 0.5), ("three", 3), ("twenty-four", 24), ("1,5", 1.5)],
)
def test_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_european_thousands_only_with_three_digit_groups() -> None:
    assert european_thousands("50.000") == 50000
    assert european_thousands("1.5") is None


@pytest.mark.parametrize(("text", "power"), [("9", 9), ("⁹", 9), ("12", 12)])
def test_exponents(text: str, power: int) -> None:
    assert exponent(text) == power
