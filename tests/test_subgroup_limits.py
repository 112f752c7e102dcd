"""One limit per cohort or subgroup: "≥ 3 months for part A and ≥ 6 months for
part B" gives two limits, each with its condition; so do the sexes ("< 12 g/dL
(women) or < 13 g/dL (men)"), for thresholds and for windows."""

from __future__ import annotations

import pytest
from helpers import parse


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        (
            "Life expectancy ≥ 3 months for part A and ≥ 6 months for part B",
            "inclusion",
            [("life_expectancy", 90, "for part A"), ("life_expectancy", 180, "for part B")],
        ),
        (
            "Life expectancy of ≥ 3 months (part A) or ≥ 6 months (part B)",
            "inclusion",
            [("life_expectancy", 90, "for part A"), ("life_expectancy", 180, "for part B")],
        ),
        (
            "Age ≥ 18 years for cohort 1 and ≥ 12 years for cohort 2",
            "inclusion",
            [("age", 18, "for cohort 1"), ("age", 12, "for cohort 2")],
        ),
        (
            "ANC ≥ 1.5 × 10^9/L (Cohort A) or ≥ 1.0 × 10^9/L (Cohort B)",
            "inclusion",
            [("anc", 1.5, "for Cohort A"), ("anc", 1.0, "for Cohort B")],
        ),
        (
            "Platelets ≥ 100 × 10^9/L in the dose-escalation part and ≥ 75 × 10^9/L in the "
            "expansion part",
            "inclusion",
            [
                ("platelets", 100, "for the dose-escalation part"),
                ("platelets", 75, "for the expansion part"),
            ],
        ),
        (
            "Hemoglobin < 12 g/dL (women) or < 13 g/dL (men)",
            "exclusion",
            [("hemoglobin", 120, "for women"), ("hemoglobin", 130, "for men")],
        ),
        (
            "Anemia (hemoglobin < 12 g/dL in women, < 13 g/dL in men)",
            "exclusion",
            [("hemoglobin", 120, "for women"), ("hemoglobin", 130, "for men")],
        ),
    ],
)
def test_one_threshold_per_subgroup_each_with_its_condition(
    text: str, section: str, expected: list[tuple[str, float, str]]
) -> None:
    found = parse(text, section).thresholds
    got = [(t.variable, t.normalized and t.normalized.value, t.condition) for t in found]
    assert got == expected


def test_subgroup_limits_on_one_variable_are_alternatives() -> None:
    low, high = parse("Life expectancy ≥ 3 months for part A and ≥ 6 months for part B").thresholds
    assert low.group is not None and low.group == high.group


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Prior therapy completed ≥ 3 months for part A and ≥ 6 months for part B",
            [
                ("Prior therapy completed", 90, "for part A"),
                ("Prior therapy completed", 180, "for part B"),
            ],
        ),
        (
            "Contraception for 6 months (women) or 3 months (men) after the last dose",
            [("Contraception", 180, "for women"), ("Contraception", 90, "for men")],
        ),
    ],
)
def test_one_window_per_subgroup_each_with_its_condition(
    text: str, expected: list[tuple[str, float, str]]
) -> None:
    found = parse(text).windows
    assert [(w.event, w.days, w.condition) for w in found] == expected


def test_a_study_phase_without_an_identifier_is_no_subgroup() -> None:
    (t,) = parse("Age ≥ 18 years in the phase").thresholds
    assert t.condition is None


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("Subjects aged 7 to 17 willing to sign assent", "willing to sign assent"),
        (
            "Children aged 7 years and older willing and able to provide written assent",
            "willing and able to provide written assent",
        ),
    ],
)
def test_an_age_band_asked_to_assent_is_a_subgroup_not_a_limit(text: str, condition: str) -> None:
    """Assent is asked of minors: the ages name who must assent, and admit no one."""
    (limit,) = parse(text, "inclusion").thresholds
    assert (limit.variable, limit.eligible, limit.condition) == ("age", None, condition)


def test_an_age_band_willing_to_consent_is_still_a_limit() -> None:
    (limit,) = parse(
        "Subjects aged 18 to 65 willing to sign informed consent", "inclusion"
    ).thresholds
    assert limit.eligible is not None and limit.condition is None


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        # a range has two ends: a smaller number after it counts something else
        ("Adolescents aged 12-17 and one parent", (12, 17)),
        ("Aged 12 to 17 and 1 parent or guardian", (12, 17)),
        # a larger one goes on with the scale
        ("ECOG 0-1 or 2", (0, 2)),
    ],
)
def test_a_range_ends_at_its_second_number(text: str, limits: tuple[int, int]) -> None:
    (limit,) = parse(text, "inclusion").thresholds
    assert (limit.eligible.lower, limit.eligible.upper) == limits
