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
        ("Patients aged ≥ / = 12 years", "age (aged) >= 12 years, eligible [12, inf)"),
        ("Age = / > 18 years", "age >= 18 years, eligible [18, inf)"),
        ("Age => 18 years", "age >= 18 years, eligible [18, inf)"),
        (
            "Serum creatinine < / = 1.5 mg/dL",
            "creatinine (Serum creatinine) <= 1.5 mg/dL = 132.6 umol/L, eligible (-inf, 132.6]",
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
            "bilirubin_total (Total bilirubin) <= 1.5 mg/dL = 25.65 umol/L, eligible (-inf, 25.65]",
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
            "bilirubin_total (Serum bilirubin) <= 1.5 mg/dL = 25.65 umol/L, eligible (-inf, 25.65]",
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


# ------------------------------------------------------- comparators lost to "="


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        # the lexicon's direction, the section's side: an inclusion states what is required
        (
            "ANC = 1.5 × 10^9/L",
            "inclusion",
            "anc >= 1.5 × 10^9/L = 1.5 10^9/L, eligible [1.5, inf), comparator inferred",
        ),
        (
            "Platelet count = 100,000/mm3",
            "inclusion",
            "platelets (Platelet count) >= 100000 /mm3 = 100 10^9/L, eligible [100, inf), comparator inferred",
        ),
        (
            "Creatinine clearance = 60 mL/min (Cockcroft-Gault)",
            "inclusion",
            "crcl (Creatinine clearance) >= 60 mL/min, eligible [60, inf), comparator inferred",
        ),
        (
            "AST and ALT = 2.5 x ULN",
            "inclusion",
            "ast <= 2.5 x ULN = 2.5 ULN, eligible (-inf, 2.5], comparator inferred; "
            "alt <= 2.5 x ULN = 2.5 ULN, eligible (-inf, 2.5], comparator inferred",
        ),
        ("Age = 18 years", "inclusion", "age >= 18 years, eligible [18, inf), comparator inferred"),
        # an exclusion states the excluded side: low neutrophils, high bilirubin
        (
            "Neutrophils = 1000/µL",
            "exclusion",
            "anc (Neutrophils) <= 1000 /µL = 1 10^9/L, eligible (1, inf), comparator inferred",
        ),
        (
            "Serum bilirubin = 2 mg/dL",
            "exclusion",
            "bilirubin_total (Serum bilirubin) >= 2 mg/dL = 34.2 umol/L, eligible (-inf, 34.2), comparator inferred",
        ),
    ],
)
def test_a_lost_comparator_is_read_in_the_variables_direction(
    text: str, section: str, expected: str
) -> None:
    assert rendered(text, section) == expected


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("ANC = 1.5 × 10^9/L", "unknown"),  # no section: nothing says which side
        ("Age = 65 years", "inclusion"),  # no minimum age: could be either bound
        ("BMI = 30 kg/m2", "inclusion"),  # no direction in the lexicon
        ("Hemoglobin A1c = 7%", "inclusion"),
    ],
)
def test_a_lost_comparator_stays_partial_when_nothing_gives_the_side(
    text: str, section: str
) -> None:
    criterion = parse(text, section)
    (t,) = criterion.thresholds
    assert (t.comparator, t.eligible, t.comparator_inferred) == ("=", None, False)
    assert criterion.status == "partial"


def test_an_inferred_comparator_is_parsed_and_marked_for_curators() -> None:
    criterion = parse("Hemoglobin = 9 g/dL", "inclusion")
    (t,) = criterion.thresholds
    assert criterion.status == "parsed"
    assert t.to_dict()["comparator_inferred"] is True
    assert parse("Hemoglobin ≥ 9 g/dL").thresholds[0].comparator_inferred is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # spaced and glued forms of the multiplier and of a range
        (
            "Platelets = 100 × 109 / L",
            "platelets >= 100 × 109 / L = 100 10^9/L, eligible [100, inf), comparator inferred",
        ),
        (
            "ANC = 1.5 x 10 ^ 9/L",
            "anc >= 1.5 x 10 ^ 9/L = 1.5 10^9/L, eligible [1.5, inf), comparator inferred",
        ),
        ("WBC ≥ 3.0 × 10^9 / l", "wbc >= 3 × 10^9 / l = 3 10^9/L, eligible [3, inf)"),
        (
            "Neutrophils ≥ 1500 / µL",
            "anc (Neutrophils) >= 1500 / µL = 1.5 10^9/L, eligible [1.5, inf)",
        ),
        ("Age 18 to75 years", "age between 18-75 years, eligible [18, 75]"),
        ("Aged between 18 and75 years", "age (Aged) between 18-75 years, eligible [18, 75]"),
    ],
)
def test_spaced_and_glued_forms_are_read(text: str, expected: str) -> None:
    assert rendered(text) == expected
