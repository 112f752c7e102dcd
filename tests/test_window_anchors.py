"""Windows with the right anchor and direction: a therapy named after "of" or
"from" is the anchor ("within 6 months of receiving any HER2-targeted therapy"),
an interval is measured from its reference, an anchor in parentheses counts,
a period after stopping something is a minimum, and a period after a series
of things dates each of them (seed 004 exc-16 and exc-20, NCT05894239)."""

from __future__ import annotations

import pytest
from helpers import parse

from ctparse.evaluation.examples import render_window


def windows(text: str, section: str = "exclusion") -> list[str]:
    return [render_window(w) for w in parse(text, section).windows]


@pytest.mark.parametrize(
    ("text", "section", "event", "anchor_text"),
    [
        # NCT05894239 exc-4: anchored on that therapy, not "before" with no anchor
        (
            "Disease progression within 6 months of receiving any HER2-targeted therapy",
            "exclusion",
            "Disease progression",
            "any HER2-targeted therapy",
        ),
        (
            "Disease-free interval ≥ 6 months from completion of adjuvant therapy",
            "inclusion",
            "Disease-free interval",
            "completion of adjuvant therapy",
        ),
        # NCT05894239 inc-5: the interval written before its length
        (
            "Disease-free interval from completion of adjuvant or neoadjuvant systemic "
            "non-hormonal treatment to recurrence of >= 6 months",
            "inclusion",
            "Disease-free interval",
            "completion of adjuvant or neoadjuvant systemic non-hormonal treatment",
        ),
        (
            "Platinum-sensitive relapse: recurrence more than 6 months after completing "
            "platinum-based chemotherapy",
            "inclusion",
            "recurrence",
            "completing platinum-based chemotherapy",
        ),
        (
            "At least 4 weeks from the last dose of prior chemotherapy",
            "inclusion",
            None,
            "last dose of prior chemotherapy",
        ),
    ],
)
def test_a_named_therapy_is_the_anchor_and_the_event_follows_it(
    text: str, section: str, event: str | None, anchor_text: str
) -> None:
    (w,) = parse(text, section).windows
    assert (w.event, w.anchor, w.anchor_text, w.direction) == (
        event,
        "prior_therapy",
        anchor_text,
        "after",
    )


def test_the_study_drug_stays_the_first_dose() -> None:
    (w,) = parse("Chemotherapy within 4 weeks of the first dose of study drug", "exclusion").windows
    assert (w.anchor, w.anchor_text, w.direction) == ("first_dose", None, "before")


SEED_004_EXC_16 = (
    "Presence of active central nervous system (CNS) metastatic lesions. Note: Subjects with "
    "previously treated brain metastases (such as surgery or radiotherapy) are allowed to enroll "
    "if they are clinically stable for at least 2 weeks (from the time of first administration "
    "of study drug) and have discontinued corticosteroid hormones for 7 days before "
    "administration of study drug"
)


def test_an_anchor_in_parentheses_after_the_period_counts() -> None:
    stable, _ = parse(SEED_004_EXC_16, "exclusion").windows
    assert (stable.comparator, stable.days, stable.anchor) == (">=", 14, "first_dose")


def test_a_period_after_stopping_something_is_a_minimum() -> None:
    _, steroids = parse(SEED_004_EXC_16, "exclusion").windows
    assert (steroids.event, steroids.comparator, steroids.days) == (
        "discontinued corticosteroid hormones",
        ">=",
        7,
    )
    assert (steroids.anchor, steroids.direction, steroids.requirement) == (
        "first_dose",
        "before",
        "allowed",
    )
    (off,) = parse("Off steroids for 14 days before randomization", "inclusion").windows
    assert (off.comparator, off.eligible and off.eligible.lower) == (">=", 14)


SEED_004_EXC_20 = (
    "Unstable angina pectoris requiring hospitalization within 12 months before the first dose "
    "of study drug, myocardial infarction, congestive heart failure (New York Heart Association "
    "functional class II or higher), vascular disease (such as aortic aneurysm at risk of "
    "rupture), or other cardiac damage that may affect the safety evaluation of the study drug "
    "(such as poorly controlled arrhythmia or myocardial ischemia) within 12 months before the "
    "first dose of study drug."
)


def test_a_series_closed_by_a_hypernym_shares_its_period() -> None:
    found = parse(SEED_004_EXC_20, "exclusion").windows
    events = [w.event for w in found]
    assert events[:4] == [
        "Unstable angina pectoris requiring hospitalization",
        "myocardial infarction",
        "congestive heart failure",
        "vascular disease",
    ]
    assert events[4].startswith("other cardiac damage")
    assert {(w.days, w.direction, w.anchor) for w in found} == {(360, "before", "first_dose")}


@pytest.mark.parametrize(
    ("text", "events"),
    [
        (
            "Radiotherapy, chemotherapy, or immunotherapy within 4 weeks before the first dose",
            ["Radiotherapy", "chemotherapy", "immunotherapy"],
        ),
        (
            "Myocardial infarction, unstable angina, or stroke within 6 months",
            ["Myocardial infarction", "unstable angina", "stroke"],
        ),
        # kinds of one thing stay one event; a plan in the last member keeps its period
        (
            "urinary tract, lung, or gastrointestinal hemorrhage within the three weeks",
            ["urinary tract, lung, or gastrointestinal hemorrhage"],
        ),
        (
            "Pregnant, breastfeeding, or planning to become pregnant in the next 6 months",
            ["planning to become pregnant"],
        ),
    ],
)
def test_a_series_of_things_each_get_the_period(text: str, events: list[str]) -> None:
    assert [w.event for w in parse(text, "exclusion").windows] == events


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Plans to move out of the area within 6 months", "Plans to move out of the area"),
        ("Planned major surgery within 3 months", "Planned major surgery"),
        ("Scheduled elective surgery in 4 weeks", "Scheduled elective surgery"),
        ("Intends to become pregnant within 12 months", "Intends to become pregnant"),
    ],
)
def test_an_intended_event_lies_ahead(text: str, event: str) -> None:
    (w,) = parse(text, section="exclusion").windows
    assert (w.event, w.direction) == (event, "after")


def test_a_past_event_without_direction_words_has_none() -> None:
    (w,) = parse("Chemotherapy within 4 weeks", section="exclusion").windows
    assert w.direction is None
