"""Numbers that are not limits: a value in an aside or an explanation, a count
of things, a percentile, a washout in half-lives, a version or a scale's name.
Each is the right kind of fact or nothing, never a limit on a neighbouring
word."""

from __future__ import annotations

import pytest
from helpers import parse

from ctparse.evaluation.examples import render_limits


def rendered(text: str, section: str = "inclusion") -> str:
    return render_limits([parse(text, section)])


# ------------------------------------------------------------ asides, explanations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Age 18 to 65 years (a cut-off of 70 years was considered but not used)",
            "age between 18-65 years, eligible [18, 65]",
        ),
        ("The protocol may be amended if more than 5 sites fail to recruit", "nothing"),
        (
            "BMI 18 to 30 kg/m2; this range was chosen because more than 40 kg/m2 precludes imaging",
            "bmi between 18-30 kg/m2, eligible [18, 30]",
        ),
        (
            "Platelets ≥ 100 × 10^9/L (a count of 75 × 10^9/L was used in the pilot study)",
            "platelets >= 100 × 10^9/L = 100 10^9/L, eligible [100, inf)",
        ),
        (
            "Weight loss > 10% in 6 months (the 10% threshold follows the ESPEN definition)",
            "weight_loss (Weight loss) > 10 %, eligible (10, inf); Weight loss: = 6 month, required, "
            "eligible [180, inf) days",
        ),
    ],
)
def test_a_number_in_an_aside_is_no_limit(text: str, expected: str) -> None:
    assert rendered(text) == expected


def test_an_aside_number_does_not_make_the_criterion_partial() -> None:
    criterion = parse("Age ≥ 18 years (a cut-off of 16 years was discussed)")
    assert criterion.status == "parsed"


# ------------------------------------------------------------------ counts


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        # the count of drugs is no blood pressure, although blood pressure is named first
        (
            "Blood pressure controlled with no more than 2 antihypertensive drugs",
            "antihypertensive drugs",
        ),
        (
            "Hypertension treated with more than two antihypertensive drugs",
            "antihypertensive drugs",
        ),
        ("At least three of the risk factors below", "risk factors"),
        ("Received at least 2 prior lines of chemotherapy", "prior lines of chemotherapy"),
        ("Failure of at least one weight loss medication", "weight loss medication"),
        ("At least 2 episodes of hypoglycemia per week", "episodes of hypoglycemia"),
        ("Meets at least three out of the following six conditions", "following"),
    ],
)
def test_a_count_of_things_is_a_count(text: str, entity: str) -> None:
    (t,) = parse(text).thresholds
    assert (t.variable, t.entity, t.unit) == ("count", entity, None)


def test_a_count_beside_a_measured_limit_keeps_both_apart() -> None:
    sbp, count = parse(
        "Systolic blood pressure ≥ 140 mmHg despite ≥ 2 antihypertensive medications"
    ).thresholds
    assert (sbp.variable, sbp.value) == ("sbp", 140)
    assert (count.variable, count.value, count.entity) == (
        "count",
        2,
        "antihypertensive medications",
    )


def test_a_count_of_criteria_leaves_the_listed_limits_to_their_variables() -> None:
    text = "Presence of at least 2 of the following: LDH > ULN, albumin < 35 g/L"
    assert [(t.variable, t.value) for t in parse(text).thresholds] == [
        ("count", 2),
        ("ldh", 1),
        ("albumin", 35),
    ]


# ------------------------------------------------------------ percentiles


@pytest.mark.parametrize(
    ("text", "variable", "value"),
    [
        ("CK above the 99th percentile of the reference range", "ck", 99),
        ("Troponin > 99th percentile upper reference limit", "troponin", 99),
        ("BMI ≥ 95th percentile for age and sex", "bmi", 95),
        ("Estimated fetal weight below the 10th percentile", "weight", 10),
    ],
)
def test_a_percentile_is_relative_to_the_reference_range(
    text: str, variable: str, value: float
) -> None:
    (t,) = parse(text).thresholds
    assert (t.variable, t.value, t.relative_to) == (variable, value, "percentile")
    assert t.unit is None and t.suspect is None  # 99 is a rank, not 99 U/L


# ------------------------------------------------------------ half-lives


@pytest.mark.parametrize(
    "text",
    [
        "Chemotherapy within 4 weeks or 5 half-lives, whichever is longer, before the first dose",
        "Investigational drug within 30 days or at least 5 half-lives before enrollment",
        "Prior investigational drug within 30 days or five PK half-lives (whichever is longer)",
    ],
)
def test_a_washout_in_half_lives_is_no_numeric_limit(text: str) -> None:
    criterion = parse(text, "exclusion")
    assert criterion.thresholds == ()
    (window,) = criterion.windows  # the washout in days stays
    assert window.unit == "day" or window.unit == "week"
    assert criterion.status == "parsed"


def test_a_washout_only_in_half_lives_gives_nothing() -> None:
    criterion = parse("Use of strong CYP3A4 inhibitors within 5 half-lives", "exclusion")
    assert (criterion.thresholds, criterion.windows) == ((), ())


# ------------------------------------------------------ versions, scale names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Toxicity grade ≥ 2 per CTCAE version 5.0",
            "ctcae_grade (Toxicity grade) >= 2, eligible (-inf, 2)",
        ),
        (
            "Grade 3 or higher adverse events per NCI CTCAE v4.03",
            "ctcae_grade (Grade) >= 3, eligible (-inf, 3)",
        ),
        ("Depression with PHQ-9 score ≥ 10", "phq9 (PHQ-9 score) >= 10, eligible (-inf, 10)"),
        (
            "SF-36 physical component below 40",
            "other (SF-36 physical component) < 40, eligible [40, inf)",
        ),
        ("EQ-5D index below 0.5", "other (EQ-5D index) < 0.5, eligible [0.5, inf)"),
    ],
)
def test_a_version_or_a_scales_name_is_no_limit(text: str, expected: str) -> None:
    assert rendered(text, "exclusion") == expected
