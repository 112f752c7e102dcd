"""Time windows and the parse status of a criterion."""

from __future__ import annotations

import pytest

from ctparse.nlp.extract import add_thresholds
from ctparse.nlp.windows import add_windows
from ctparse.schema import Criterion


def parse(text: str, section: str = "exclusion") -> Criterion:
    criterion = Criterion(id="c", section=section, text=text, start=0, end=len(text))  # type: ignore[arg-type]
    return add_windows(add_thresholds(criterion, text), text)


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit", "days", "direction", "anchor"),
    [
        ("within 4 weeks before the first dose", "<=", 4, "week", 28, "before", "first_dose"),
        ("for 120 days after the last dose", "=", 120, "day", 120, "after", "last_dose"),
        ("in the past 3 years", "<=", 3, "year", 1095, "before", None),
        ("within 14 days prior to day 1", "<=", 14, "day", 14, "before", "first_dose"),
        ("at least 4 weeks since the last chemotherapy", ">=", 4, "week", 28, "before", None),
        ("within 28 days before randomization", "<=", 28, "day", 28, "before", "randomization"),
        ("within 3 years prior to enrollment", "<=", 3, "year", 1095, "before", "enrollment"),
        ("in the 3 months prior to screening", "<=", 3, "month", 90, "before", "screening"),
        ("in the next 30 days", "<=", 30, "day", 30, "after", None),
        ("within 48 hours of surgery", "<=", 48, "hour", 2, "before", "surgery"),
        ("in the past two years", "<=", 2, "year", 730, "before", None),
    ],
)
def test_window_forms(text, comparator, value, unit, days, direction, anchor) -> None:
    (w,) = parse(text).windows
    assert (w.comparator, w.value, w.unit, w.days, w.direction, w.anchor) == (
        comparator,
        value,
        unit,
        days,
        direction,
        anchor,
    )


def test_event_is_the_clause_before_the_period() -> None:
    (w,) = parse(
        "Subjects who have had other malignant tumors within 3 years prior to enrollment"
    ).windows
    assert w.event == "other malignant tumors"


def test_event_after_since() -> None:
    (w,) = parse("at least 4 weeks since the last chemotherapy").windows
    assert w.event == "last chemotherapy"


def test_parenthetical_aside_is_not_the_event() -> None:
    text = "non-specific immunomodulatory therapy (such as interleukin, etc.) within 2 weeks"
    (w,) = parse(text).windows
    assert w.event == "non-specific immunomodulatory therapy"


def test_event_of_window_after_a_threshold_is_its_variable() -> None:
    c = parse("cachexia (known weight loss exceeding 10% in the 3 months prior to screening)")
    assert [t.variable for t in c.thresholds] == ["weight_loss"]
    (w,) = c.windows
    assert (w.event, w.days, w.anchor) == ("weight loss", 90, "screening")


def test_two_windows_in_one_criterion() -> None:
    c = parse(
        "Major surgery within 30 days prior to the first dose of study drug, or planned major "
        "surgical procedure within 30 days after the first dose of study drug"
    )
    assert [(w.direction, w.event) for w in c.windows] == [
        ("before", "Major surgery"),
        ("after", "planned major surgical procedure"),
    ]


def test_a_threshold_in_time_units_is_not_a_window() -> None:
    c = parse("Life expectancy ≥ 3 months", section="inclusion")
    assert c.windows == () and c.thresholds[0].variable == "life_expectancy"


def test_window_offsets_index_the_whole_text() -> None:
    text = "Exclusion: surgery within 4 weeks before the first dose"
    criterion = Criterion(id="e", section="exclusion", text=text[11:], start=11, end=len(text))
    (w,) = add_windows(add_thresholds(criterion, text), text).windows
    assert text[w.start : w.end] == "within 4 weeks before the first dose"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ANC ≥ 1,500/mm3", "parsed"),
        ("Surgery within 4 weeks", "parsed"),
        ("Pregnant or breastfeeding women", "unparsed"),
        ("25 follicles in each ovary", "partial"),
        ("According to RECIST v1.1, PD-1 inhibitors", "unparsed"),
        ("ANC ≥ 1,500/mm3 and 3 prior lines", "partial"),
    ],
)
def test_status_never_silent(text: str, status: str) -> None:
    assert parse(text, section="inclusion").status == status
