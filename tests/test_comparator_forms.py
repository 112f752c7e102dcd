"""How comparators reach us from text nobody tuned for: written with separators
(">/=", "> / =", "=<", "equal or superior to", "not more than" after the
value), and lost to "=" by mirrors and exports ("ANC = 1.5 × 10^9/L" where
the registry had "≥"). Each case is rendered as the rule files' examples are
(:func:`ctparse.evaluation.examples.render_limits`)."""

from __future__ import annotations

import pytest
from helpers import parse

from ctparse.evaluation.examples import render_limits


def rendered(text: str, section: str = "inclusion") -> str:
    return render_limits([parse(text, section)])


# ----------------------------------------------------- comparators with separators


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ">/= 18 years" is >= 18, never = 18, however the separator is spaced
        ("Age >/= 18 years", "age >= 18 years, eligible [18, inf)"),
        ("Age > / = 18 years", "age >= 18 years, eligible [18, inf)"),
        ("Age >/ = 18 years", "age >= 18 years, eligible [18, inf)"),
        ("Patients aged ≥ / = 12 years", "age >= 12 years, eligible [12, inf)"),
        ("Age = / > 18 years", "age >= 18 years, eligible [18, inf)"),
        ("Age => 18 years", "age >= 18 years, eligible [18, inf)"),
        (
            "Serum creatinine < / = 1.5 mg/dL",
            "creatinine <= 1.5 mg/dL = 132.6 umol/L, eligible (-inf, 132.6]",
        ),
        ("ECOG < / = 1", "ecog <= 1, eligible (-inf, 1]"),
        (
            "creatinine =< 1.5 mg/dL",
            "creatinine <= 1.5 mg/dL = 132.6 umol/L, eligible (-inf, 132.6]",
        ),
        ("Hemoglobin ≥/= 9 g/dL", "hemoglobin >= 9 g/dL = 90 g/L, eligible [90, inf)"),
    ],
)
def test_symbol_comparators_written_with_a_slash_or_spaces(text: str, expected: str) -> None:
    assert rendered(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ANC greater or equal 1.5 x 10^9/L",
            "anc >= 1.5 x 10^9/L = 1.5 10^9/L, eligible [1.5, inf)",
        ),
        # "superior to" alone is >, but "equal or superior to" includes the value
        (
            "Platelets equal or superior to 100 x 10^9/L",
            "platelets >= 100 x 10^9/L = 100 10^9/L, eligible [100, inf)",
        ),
        (
            "Total bilirubin equal or inferior to 1.5 mg/dL",
            "bilirubin_total <= 1.5 mg/dL = 25.65 umol/L, eligible (-inf, 25.65]",
        ),
        ("BMI superior or equal than 18.5 kg/m2", "bmi >= 18.5 kg/m2, eligible [18.5, inf)"),
        (
            "creatinine less or equal 1.5 mg/dL",
            "creatinine <= 1.5 mg/dL = 132.6 umol/L, eligible (-inf, 132.6]",
        ),
    ],
)
def test_comparator_words_without_their_preposition(text: str, expected: str) -> None:
    assert rendered(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Age 18 years minimum", "age >= 18 years, eligible [18, inf)"),
        ("Age 18 years at least", "age >= 18 years, eligible [18, inf)"),
        ("Age 75 years not more than", "age <= 75 years, eligible (-inf, 75]"),
        (
            "Serum bilirubin 1.5 mg/dL or not more than",
            "bilirubin_total <= 1.5 mg/dL = 25.65 umol/L, eligible (-inf, 25.65]",
        ),
        ("HbA1c 10% maximum", "hba1c <= 10 %, eligible (-inf, 10]"),
        # a comparator after the value, when a number follows, opens the next limit
        (
            "Age 18 years not more than 65 years",
            "age = 18 years, eligible [18, 18]; age <= 65 years, eligible (-inf, 65]",
        ),
    ],
)
def test_comparator_written_after_the_value(text: str, expected: str) -> None:
    assert rendered(text) == expected
