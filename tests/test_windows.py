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


@pytest.mark.parametrize(
    ("text", "comparator", "value", "value_max", "days", "days_max"),
    [
        ("concussion within 2-7 days of clinic presentation", "between", 2, 7, 2, 7),
        ("daily use between 12 and 15 hours", "between", 12, 15, 0.5, 0.625),
        ("gave birth in the last one to six months", "between", 1, 6, 30, 180),
        ("cycles lasting from 8 to 12 weeks", "between", 8, 12, 56, 84),
    ],
)
def test_window_range_keeps_its_upper_bound(text, comparator, value, value_max, days, days_max):
    (w,) = parse(text).windows
    assert (w.comparator, w.value, w.value_max, w.days, w.days_max) == (
        comparator,
        value,
        value_max,
        days,
        days_max,
    )


def test_window_list_of_times_is_no_range() -> None:
    (w,) = parse("unable to return for reassessments at 3, 6 and 12 months").windows
    assert (w.comparator, w.value, w.value_max) == ("=", 12, None)


@pytest.mark.parametrize(
    ("text", "comparator", "value", "value_max"),
    [
        ("surgical treatment of acetabular fracture between 2009 and 2018", "between", 2009, 2018),
        ("first-line treatment carried out between 2007 and June 2016", "between", 2007, 2016),
        ("kidney transplant recipients from 2008 to 2015", "between", 2008, 2015),
        ("first diagnostic kidney biopsy since 2010", ">=", 2010, None),
        ("former professional football play from 1960 to present", ">=", 1960, None),
        ("recent stroke (not before 2019)", ">=", 2019, None),
        ("diagnosed before 2019", "<", 2019, None),
    ],
)
def test_calendar_period(text: str, comparator: str, value: int, value_max: int | None) -> None:
    (w,) = parse(text, section="inclusion").windows
    assert (w.unit, w.days, w.comparator, w.value, w.value_max) == (
        "calendar_year",
        None,
        comparator,
        value,
        value_max,
    )


def test_year_in_a_name_is_no_calendar_period() -> None:
    assert parse("COVID-19 vaccination in 2 doses, ICD-10 2019 codes").windows == ()


@pytest.mark.parametrize(
    ("text", "comparator", "value", "days", "direction"),
    [
        ("diagnosed with Alzheimer's disease 12 months ago or less", "<=", 12, 360, "before"),
        ("cat desensibilisation within the 6 previous months", "<=", 6, 180, "before"),
        ("all births more than 24 + 3 weeks", ">", 24, 171, None),
        ("changes in birth control (within 6-mo)", "<=", 6, 180, None),
    ],
)
def test_window_written_forms(text, comparator, value, days, direction) -> None:
    c = parse(text)
    assert c.thresholds == ()
    (w,) = c.windows
    assert (w.comparator, w.value, w.days, w.direction) == (comparator, value, days, direction)


def test_two_d_is_a_dimension_not_a_period() -> None:
    assert parse("cardiac catheterization and 2D MRI for the diagnosis").windows == ()


def test_window_in_a_trailing_parenthesis_dates_what_precedes_it() -> None:
    (w,) = parse("User of dietary supplements or probiotics (within past 1-mo)").windows
    assert w.event == "User of dietary supplements or probiotics"


@pytest.mark.parametrize(
    ("text", "event"),
    [
        (
            "If a female patient of childbearing potential has sexual intercourse with an "
            "uncircumcised male partner, the subject must take effective contraceptive measures "
            "from the beginning of screening and must agree to continue using contraceptive "
            "methods for 120 days after the last dose of study drug",
            "contraceptive methods",
        ),
        (
            "If an uncircumcised male subject has sexual intercourse with a female partner of "
            "childbearing potential, the subject must take effective contraceptive measures from "
            "the beginning of screening until 120 days after the last dose",
            "effective contraceptive measures",
        ),
        (
            "Subjects must use effective contraception for 120 days after the last dose",
            "effective contraception",
        ),
    ],
)
def test_event_is_what_the_period_constrains_without_clause_glue(text: str, event: str) -> None:
    (w,) = parse(text, section="inclusion").windows
    assert (w.event, w.value, w.direction, w.anchor) == (event, 120, "after", "last_dose")


def test_change_over_a_period_is_the_event_of_a_look_back() -> None:
    text = "cachexia (known weight loss exceeding 10% in the 3 months prior to screening)"
    c = parse(text)
    (w,) = c.windows
    assert (w.event, w.comparator, w.days, w.direction, w.anchor) == (
        "weight loss",
        "<=",
        90,
        "before",
        "screening",
    )
    (t,) = c.thresholds
    assert (t.variable, t.comparator, t.value, t.unit) == ("weight_loss", ">", 10, "%")
