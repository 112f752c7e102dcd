"""A range whose bounds are marked "(inclusive)" / "(exclusive)" in brackets is
read, and its eligible range keeps or drops each bound as marked."""

from __future__ import annotations

import pytest
from helpers import parse


@pytest.mark.parametrize(
    ("text", "section", "variable", "bounds"),
    [
        (
            "Subjects weighing between 50kg (inclusive) and 90kg (exclusive)",
            "inclusion",
            "weight",
            (50.0, True, 90.0, False),
        ),
        (
            "Age between 18 (inclusive) and 65 (exclusive) years",
            "inclusion",
            "age",
            (18, True, 65, False),
        ),
        (
            "BMI between 18 (excluded) and 30 kg/m2 (included)",
            "inclusion",
            "bmi",
            (18, False, 30, True),
        ),
        ("aged 18 to 65 years (inclusive)", "inclusion", "age", (18, True, 65, True)),
        ("NIHSS 0 (inclusive) to 3 (exclusive)", "exclusion", "nihss", (3, True, None, None)),
    ],
)
def test_a_marked_bound_is_eligible_or_not_as_marked(
    text: str, section: str, variable: str, bounds: tuple
) -> None:
    (t,) = parse(text, section).thresholds
    assert t.variable == variable
    e = t.eligible
    assert e is not None
    assert (e.lower, e.lower_inclusive, e.upper, e.upper_inclusive) == bounds
