"""Eligible ranges as the landscape compares them, case by case."""

from __future__ import annotations

import pytest

from ctparse.landscape.ranges import (
    Interval,
    effective,
    interval_text,
    percentile,
    snap,
    verdict,
)
from ctparse.landscape.svg import Bar, Segment, bars, ecdf, stacked

ANC_15 = Interval(lower=1.5)


@pytest.mark.parametrize(
    ("trial", "expected"),
    [
        (Interval(lower=2.0), "stricter"),  # a higher minimum admits fewer
        (Interval(lower=1.5, lower_inclusive=False), "stricter"),  # "> 1.5" leaves out 1.5
        (Interval(lower=1.5), "same"),
        (Interval(lower=1.0), "looser"),
        (Interval(), "looser"),  # no bound at all
        (Interval(lower=2.0, upper=10), "stricter"),
        (Interval(lower=1.0, upper=10), "other"),  # admits 1.2, leaves out 12
    ],
)
def test_a_trials_anc_minimum_against_ref(trial: Interval, expected: str) -> None:
    assert verdict(trial, ANC_15) == expected


def test_a_lower_maximum_is_stricter() -> None:
    ecog_1 = Interval(upper=1)
    assert verdict(Interval(upper=0), ecog_1) == "stricter"
    assert verdict(Interval(upper=2), ecog_1) == "looser"
    assert verdict(Interval(upper=1, upper_inclusive=False), ecog_1) == "stricter"


def test_a_longer_washout_is_stricter() -> None:
    three_weeks = Interval(lower=21, lower_inclusive=False)  # excluded within 21 days
    assert verdict(Interval(lower=28, lower_inclusive=False), three_weeks) == "stricter"
    assert verdict(Interval(lower=14, lower_inclusive=False), three_weeks) == "looser"


def test_several_limits_intersect_to_the_strictest_bounds() -> None:
    assert effective([Interval(lower=1.0), Interval(lower=1.5), Interval(upper=10)]) == Interval(
        lower=1.5, upper=10
    )
    # at one value, the exclusive bound is the stricter one, whatever the order
    for order in ([Interval(lower=1.5), Interval(lower=1.5, lower_inclusive=False)],
                  [Interval(lower=1.5, lower_inclusive=False), Interval(lower=1.5)]):  # fmt: skip
        assert effective(order) == Interval(lower=1.5, lower_inclusive=False)
    assert effective([Interval(lower=5), Interval(upper=3)]).empty
    assert effective([Interval(lower=3), Interval(upper=3, upper_inclusive=False)]).empty
    assert not effective([Interval(lower=3), Interval(upper=3)]).empty


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (Interval(lower=0, upper=1), Interval(upper=1)),  # ECOG 0-1
        (Interval(upper=1), Interval(upper=1)),  # ECOG ≤ 1
        (Interval(upper=2, upper_inclusive=False), Interval(upper=1)),  # ECOG < 2
        (Interval(lower=0, upper=5), Interval()),  # the whole scale: no bound
        (Interval(lower=1, lower_inclusive=False), Interval(lower=2)),  # ECOG > 1
        (Interval(lower=0, upper=0), Interval(upper=0)),  # ECOG 0
    ],
)
def test_ordinal_bounds_snap_to_whole_grades_within_the_scale(
    written: Interval, expected: Interval
) -> None:
    assert snap(written, (0, 5)) == expected


def test_percentile_rank_counts_half_of_the_ties() -> None:
    assert percentile(1.5, [1.0] * 5 + [1.5] * 5 + [2.0] * 2) == pytest.approx(62.5)
    assert percentile(0.5, [1.0, 2.0]) == 0.0
    assert percentile(1.0, []) is None


def test_ranges_in_words() -> None:
    assert (
        interval_text(Interval(lower=21, lower_inclusive=False), "days before")
        == "> 21 days before"
    )
    assert interval_text(Interval(lower=132.60000000000002), "umol/L") == "≥ 132.6 umol/L"
    assert interval_text(Interval(), None) == "no bound"
    assert interval_text(Interval(lower=2, upper=1), None) == "contradictory limits"


def test_the_plots_write_every_number_they_show() -> None:
    plot = bars(
        [Bar("1", 5, "looser", "b0", "1: 5"), Bar("1.5", 4, "same", "b1", "1.5: 4", ref=True)],
        x_title="minimum (10^9/L)",
        label="ANC",
    )
    assert plot.count('data-count="5"') == 1 and plot.count('data-count="4"') == 1
    assert "▲ REF" in plot and "minimum (10^9/L)" in plot and 'data-bucket="b1"' in plot
    cdf = ecdf(
        [(float(v), 1, f"b{v}", str(v)) for v in range(18, 40)],
        ref=21.0,
        ref_percentile=13.6,
        x_title="minimum (years)",
        label="age",
    )
    assert 'data-count="22"' in cdf and "REF: percentile 14" in cdf and "minimum (years)" in cdf
    bar = stacked(
        [Segment("excluded", 17, "excluded", "b0", "17"), Segment("none", 3, "none", None, "3")],
        total=20,
        label="hepatitis B",
    )
    assert 'data-count="17"' in bar and 'data-count="3"' in bar
    # an escaped label: registry text is never markup
    assert "<script>" not in bars(
        [Bar("<script>", 1, "same", None, "<script>")], x_title="x", label="x"
    )
