"""What a window constrains (its event), by the kinds of text the dev-gold misses
showed: the event after a frequency, a hyphenated period or a parenthesis after
"recent"; the thing before an aside on how it is known; the object of a verb
the period interrupts; being post-partum; a long clause keeping its head; a
dose inside the event's phrase. Our own examples of each kind."""

from __future__ import annotations

import pytest
from helpers import parse


def events(text: str, section: str = "exclusion") -> list[str | None]:
    return [w.event for w in parse(text, section).windows]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a frequency's event follows it
        (">/= 5 days per week e-cigarette use for the last 3 months", ["e-cigarette use"] * 2),
        ("At least 3 days a week alcohol consumption", ["alcohol consumption"]),
        # a hyphenated period modifies the noun after it
        ("High risk of 30-day readmission", ["readmission"]),
        ("Completed the 12-week lifestyle program", ["lifestyle program"]),
        ("24-hour urine protein < 1 g/24 h", ["urine protein"]),
        # a period in parentheses after "recent" dates what follows the parenthesis
        ("A recent (< 48 h) ICU admission", ["ICU admission"]),
        ("Any recent (<6 months) change in body weight", ["change in body weight"]),
        # an aside on how something is known dates the thing before it
        (
            "Serum creatinine > 1.5 mg/dL (by chart review within the past 6 months)",
            ["Serum creatinine"],
        ),
        # a period that interrupts a verb and its object
        (
            "Subjects who have undergone in the last six months a weight loss diet",
            ["weight loss diet"],
        ),
        # being post-something
        ("Less than 6 months post-partum", ["post-partum"]),
    ],
)
def test_the_event_is_where_the_text_puts_it(text: str, expected: list[str]) -> None:
    assert events(text) == expected


def test_a_long_clause_keeps_its_head_and_the_words_by_the_period() -> None:
    (event,) = events(
        "Use of any steroid with a cumulative dose equivalent to ≥ 1 g of methylprednisolone "
        "for the treatment of Graves orbitopathy within 3 weeks prior to screening"
    )
    assert event is not None and event.startswith("steroid")
    assert event.endswith("for the treatment of Graves orbitopathy")


def test_examples_after_a_thing_keep_the_thing() -> None:
    (event,) = events(
        "Using medication with antioxidant properties e.g., beta-carotene, vitamin E, "
        "vitamin C, selenium, theophylline or N-acetyl cysteine 7 days prior to the visit"
    )
    assert event is not None and event.startswith("medication with antioxidant properties")


def test_meeting_criteria_for_a_condition_is_the_condition() -> None:
    (event,) = events(
        "Meeting criteria for drug abuse of opioids or cocaine within the last 3 months"
    )
    assert event is not None and event.startswith("drug abuse")


def test_a_dose_inside_the_phrase_ends_no_clause() -> None:
    (window,) = parse(
        "Prednisone at a dose of more than 10 mg daily for rheumatoid arthritis within 4 weeks",
        "exclusion",
    ).windows
    assert window.event is not None and "Prednisone" in window.event
