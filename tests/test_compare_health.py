"""Health asked in general ("Healthy volunteers", "Any medical condition") against the
named conditions of the other trial (ctparse/align/health.py)."""

from __future__ import annotations

import ctparse
from ctparse.align.health import joins
from ctparse.align.meaning import meaning_of
from ctparse.schema import Comparison, Pair


def _text(inclusion: list[str], exclusion: list[str]) -> str:
    lines = ["Inclusion Criteria:", *(f"* {c}" for c in inclusion)]
    lines += ["Exclusion Criteria:", *(f"* {c}" for c in exclusion)]
    return "\n".join(lines)


def _row(comparison: Comparison, criterion: str, side: str = "a") -> Pair:
    return next(p for p in comparison.pairs if criterion in (p.a_ids if side == "a" else p.b_ids))


HEALTHY = _text(["Healthy volunteers", "Age 18 to 45 years"], ["Any medical condition"])
NAMED = _text(
    ["Age 18 to 40 years"],
    [
        "Any diagnosed cardiovascular disease",
        "Known severe kidney problems",
        "Known allergy for acipimox",
        "Serum potassium > 5.0 mmol/L",
        "Any condition that in the opinion of the investigator would interfere with the study",
    ],
)


def test_health_in_general_is_one_row_with_the_named_conditions_and_stricter() -> None:
    comparison = ctparse.compare(HEALTHY, NAMED)
    row = _row(comparison, "inc-1")
    assert set(row.a_ids) == {"inc-1", "exc-1"}
    assert set(row.b_ids) == {"exc-1", "exc-2"}, row
    assert row.verdict == "a_stricter", row.detail
    assert "cardiovascular disease" in row.detail and " other " not in row.detail
    # An allergy to an agent, a limit on a value and a catch-all join nothing.
    for alone in ("exc-3", "exc-4", "exc-5"):
        assert _row(comparison, alone, "b").verdict == "only_b", alone
    # Every criterion is in one row.
    ids = [
        (s, i) for p in comparison.pairs for s, ids in (("a", p.a_ids), ("b", p.b_ids)) for i in ids
    ]
    assert len(ids) == len(set(ids))


def test_the_same_from_the_other_side() -> None:
    row = _row(ctparse.compare(NAMED, HEALTHY), "inc-1", "b")
    assert row.verdict == "b_stricter", row.detail


def test_a_kind_of_illness_only_is_different() -> None:
    comparison = ctparse.compare(
        _text(["Age 18 or older"], ["Any chronic disease"]),
        _text(["Age 18 or older"], ["Known severe kidney problems"]),
    )
    row = _row(comparison, "exc-1")
    assert row.b_ids == ("exc-1",)
    assert row.verdict == "different", row.detail


def test_a_required_condition_against_good_health_is_different() -> None:
    comparison = ctparse.compare(
        _text(["Healthy volunteers"], ["Pregnancy"]),
        _text(["Intermittent asthma"], ["Pregnancy"]),
    )
    row = _row(comparison, "inc-1")
    assert row.b_ids == ("inc-1",)
    assert row.verdict == "different", row.detail


def test_the_trials_own_disease_is_not_joined() -> None:
    # "Physically healthy" in a trial of autism says nothing of autism.
    mine = [
        meaning_of(c)
        for c in ctparse.criteria(_text(["Autism spectrum disorder", "Physically healthy"], []))
    ]
    theirs = [
        meaning_of(c)
        for c in ctparse.criteria(_text([], ["Autism spectrum disorder", "Kidney disease"]))
    ]
    assert joins(mine, theirs, {0}, set()) == ([1], [1])


def test_health_in_general_on_both_sides_the_kind_is_the_wider() -> None:
    comparison = ctparse.compare(
        _text(["Physically healthy"], []),
        _text([], ["Other serious chronic diseases"]),
    )
    row = _row(comparison, "inc-1")
    assert row.b_ids == ("exc-1",)
    assert row.verdict == "a_stricter", row.detail


def test_health_in_general_on_both_sides_gathers_the_named_conditions_of_both() -> None:
    comparison = ctparse.compare(
        _text([], ["Presence of malignancy", "Clinically significant diseases"]),
        _text([], ["Severe systemic disease", "Advanced chronic liver disease", "Pregnancy"]),
    )
    row = _row(comparison, "exc-2")
    assert (set(row.a_ids), set(row.b_ids)) == ({"exc-1", "exc-2"}, {"exc-1", "exc-2"}), row
    assert row.verdict == "different", row.detail
    assert "cancer" in row.detail and "liver disease" in row.detail


def test_a_kind_said_outside_the_words_of_illness_still_narrows_them() -> None:
    comparison = ctparse.compare(
        _text([], ["Clinically significant diseases"]),
        _text([], ["Known severe kidney problems"]),
    )
    row = _row(comparison, "exc-1")
    assert row.verdict == "different", row.detail
    assert "excludes only significant illness" in row.detail
