"""Constructed pairs, from criteria text through the whole NLP pipeline to the
verdict: each pins one judgement a researcher relies on."""

from __future__ import annotations

import pytest

import ctparse
from ctparse.api import compare as align
from ctparse.schema import Comparison, Eligibility, Source, Study


def study(nct_id: str, text: str) -> Study:
    return Study(
        nct_id=nct_id,
        source=Source("api_v2_json", f"{nct_id}.json"),
        eligibility=Eligibility(criteria_text=text),
    )


def compare(text_a: str, text_b: str) -> Comparison:
    return align(study("NCT00000001", text_a), study("NCT00000002", text_b))


def inclusion(line: str) -> str:
    return f"Inclusion Criteria:\n\n* {line}\n"


def exclusion(line: str) -> str:
    return f"Exclusion Criteria:\n\n* {line}\n"


def only_pair(comparison: Comparison):
    """The one pair lining up a criterion of A with one of B; nothing left alone."""
    paired = [p for p in comparison.pairs if p.a and p.b]
    alone = [p for p in comparison.pairs if not (p.a and p.b)]
    assert len(paired) == 1 and not alone, comparison.pairs
    return paired[0]


def test_anc_higher_minimum_is_stricter_across_units() -> None:
    pair = only_pair(
        compare(
            inclusion("Absolute neutrophil count (ANC) ≥ 1.5 × 10^9/L"),
            inclusion("Neutrophils ≥ 1,000/mm³"),
        )
    )
    assert (pair.variable, pair.verdict) == ("anc", "a_stricter")
    assert "B admits ANC down to 1 × 10^9/L" in pair.detail
    assert "A needs ≥ 1.5 × 10^9/L" in pair.detail


def test_ecog_0_1_is_stricter_than_0_2() -> None:
    pair = only_pair(
        compare(inclusion("ECOG performance status 0-1"), inclusion("ECOG performance status 0-2"))
    )
    assert (pair.variable, pair.verdict) == ("ecog", "a_stricter")
    assert "B also admits ECOG 2" in pair.detail


def test_age_with_upper_limit_is_stricter() -> None:
    pair = only_pair(compare(inclusion("Age 18-75 years"), inclusion("Age ≥ 18 years")))
    assert (pair.variable, pair.verdict) == ("age", "a_stricter")
    assert "B sets no upper limit on age" in pair.detail


def test_lower_excluded_blood_pressure_is_stricter() -> None:
    # Excluding SBP ≥ 160 admits < 160; excluding SBP > 150 admits only ≤ 150.
    pair = only_pair(
        compare(
            exclusion("Systolic blood pressure ≥ 160 mmHg"),
            exclusion("Systolic blood pressure > 150 mmHg"),
        )
    )
    assert (pair.variable, pair.verdict) == ("sbp", "b_stricter")
    assert "A admits SBP up to 160 mmHg; B needs ≤ 150 mmHg" in pair.detail


def test_longer_washout_is_stricter() -> None:
    pair = only_pair(
        compare(
            exclusion("Chemotherapy within 4 weeks before the first dose of study drug"),
            exclusion("Chemotherapy within 21 days before the first dose of study drug"),
        )
    )
    assert pair.verdict == "a_stricter"
    assert "7 days longer" in pair.detail


def test_the_same_text_is_same() -> None:
    text = exclusion("Known history of allogeneic organ transplantation.")
    pair = only_pair(compare(text, text))
    assert pair.verdict == "same"


@pytest.mark.parametrize("unit", ["µmol/L", "umol/L"])
def test_uln_relative_and_absolute_bilirubin_are_not_comparable(unit: str) -> None:
    pair = only_pair(
        compare(inclusion("Total bilirubin ≤ 1.5 × ULN"), inclusion(f"Total bilirubin ≤ 26 {unit}"))
    )
    assert (pair.variable, pair.verdict) == ("bilirubin_total", "different")
    assert pair.detail.startswith("not comparable without the ULN")
    assert "1.5 × ULN" in pair.detail and "26 µmol/L" in pair.detail


# ----------------------------------------------- periods in calendar units


@pytest.mark.parametrize(
    ("period_a", "period_b"),
    [
        ("12 months", "1 year"),
        ("52 weeks", "1 year"),
        ("24 months", "2 years"),
        ("30 days", "1 month"),
        ("14 days", "2 weeks"),
    ],
)
def test_the_same_span_in_other_calendar_units_is_same(period_a: str, period_b: str) -> None:
    pair = only_pair(
        compare(
            exclusion(f"Myocardial infarction within {period_a} before the first dose"),
            exclusion(f"Myocardial infarction within {period_b} before the first dose"),
        )
    )
    assert pair.verdict == "same", pair.detail
    assert "longer" not in pair.detail
    assert f"({period_a} = {period_b})" in pair.detail


@pytest.mark.parametrize(
    ("period_a", "period_b"),
    [("4 weeks", "4 weeks"), ("4 weeks", "28 days"), ("4 weeks", "8 weeks")],
)
def test_a_required_and_an_excluded_event_are_different_whatever_the_period(
    period_a: str, period_b: str
) -> None:
    """Nobody who must have had chemotherapy in the last 4 weeks passes an exclusion
    of chemotherapy in the last 4 weeks: the period alone is not the verdict."""
    pair = only_pair(
        compare(
            inclusion(f"Received chemotherapy within {period_a} before enrollment"),
            exclusion(f"Chemotherapy within {period_b} before enrollment"),
        )
    )
    assert pair.verdict == "different", pair.detail
    assert "one requires, the other excludes" in pair.detail


def test_four_weeks_is_not_a_month() -> None:
    pair = only_pair(
        compare(
            exclusion("Chemotherapy within 4 weeks before the first dose"),
            exclusion("Chemotherapy within 1 month before the first dose"),
        )
    )
    assert pair.verdict == "b_stricter"
    assert "4 weeks (28 days)" in pair.detail and "1 month (30 days)" in pair.detail
    assert pair.detail.endswith("B's washout is 2 days longer")


def test_a_gap_between_months_and_years_is_said_in_months() -> None:
    pair = only_pair(
        compare(
            exclusion("Myocardial infarction within 6 months before the first dose"),
            exclusion("Myocardial infarction within 1 year before the first dose"),
        )
    )
    assert pair.verdict == "b_stricter"
    assert pair.detail.endswith("B's washout is 6 months longer")


# ------------------------------------------------- windows put into words


def test_a_window_with_a_threshold_on_its_event_names_the_threshold() -> None:
    text = exclusion(
        "Cachexia (known weight loss exceeding 10% in the 3 months prior to screening)"
    )
    (pair,) = compare(text, "").pairs
    assert "excludes weight loss > 10% within 3 months before screening" in pair.detail
    assert "no weight loss" not in pair.detail and "weight loss ≤ 10" not in pair.detail


def test_a_window_detail_prints_no_clause_glue() -> None:
    text = inclusion(
        "If a female patient of childbearing potential has sexual intercourse with an "
        "uncircumcised male partner, the subject must take effective contraceptive measures "
        "from the beginning of screening and must agree to continue using contraceptive "
        "methods for 120 days after the last dose of study drug."
    )
    (pair,) = compare(text, "").pairs
    assert "(A requires contraceptive methods for 120 days after last dose)" in pair.detail
    for glue in ("must", "agree to", "beginning of screening and", "continue using"):
        assert glue not in pair.detail


# ------------------------------------------- acronyms, word order, hedges


def test_acronyms_word_order_hedges_and_examples_do_not_make_criteria_different() -> None:
    pair = only_pair(
        compare(
            exclusion(
                "Active or past history of confirmed inflammatory bowel disease (such as "
                "Crohn's disease, ulcerative colitis, or chronic diarrhea)."
            ),
            exclusion("History or active IBD"),
        )
    )
    assert pair.verdict == "same", pair.detail
    assert pair.detail.startswith("both exclude inflammatory bowel disease"), pair.detail
    assert "A gives examples (such as Crohn's disease" in pair.detail


def test_reordered_words_are_the_same_criterion() -> None:
    pair = only_pair(
        compare(
            exclusion("Pregnant or breastfeeding women."),
            exclusion("Women who are breastfeeding or pregnant"),
        )
    )
    assert pair.verdict == "same", pair.detail


def test_excluding_any_history_is_stricter_than_excluding_the_active_disease() -> None:
    pair = only_pair(compare(exclusion("History of IBD"), exclusion("Active IBD")))
    assert pair.verdict == "a_stricter", pair.detail
    assert "at any time" in pair.detail and "B: active inflammatory bowel disease" in pair.detail


def test_a_permission_inside_exclusions_is_said_as_allowed_not_required() -> None:
    comparison = align(
        study(
            "NCT00000001",
            exclusion(
                "For subjects with grade ≥2 endocrine adverse events, if the condition is "
                "stable, enrollment is allowed."
            ),
        ),
        Study(nct_id="NCT00000002", source=Source("csv_export", "b.csv")),
    )
    (pair,) = comparison.pairs
    assert pair.verdict == "only_a"
    assert "allows adverse event grade ≥ 2" in pair.detail
    assert "requires" not in pair.detail


@pytest.mark.parametrize(
    ("text", "event", "anchor"),
    [
        ("Enrolled within 72 hours of stroke onset", "stroke onset", "enrollment"),
        ("Randomized within 2 weeks after surgery", "surgery", "randomization"),
        ("Start study treatment within 6 weeks following resection", "resection", "first_dose"),
        # The study step first: the window stays as written.
        ("Randomized within 2 weeks before surgery", "Randomized", "surgery"),
    ],
)
def test_a_study_step_dated_from_a_patients_event_times_that_event(
    text: str, event: str, anchor: str
) -> None:
    (criterion,) = ctparse.criteria(inclusion(text))
    (window,) = criterion.windows
    assert (window.event, window.anchor, window.direction) == (event, anchor, "before")


def test_windows_before_different_steps_of_entry_are_lined_up_and_ranges_compared() -> None:
    row = only_pair(
        ctparse.compare(
            inclusion("Enrolled within 72 hours of stroke onset"),
            inclusion("Stroke onset less than 3 days before randomization"),
        )
    )
    assert row.verdict == "same", row.detail
    row = only_pair(
        ctparse.compare(
            inclusion("Start study treatment within 6 weeks following resection"),
            inclusion("Surgical resection 2 to 6 weeks before randomization"),
        )
    )
    assert row.verdict == "b_stricter", row.detail


def test_the_patients_event_of_a_turned_window_is_a_fact_of_its_criterion() -> None:
    # "mammography" is the window's event: it says what the criterion is about, so the
    # criterion lines up with the other side's mammography, which has no window.
    comparison = ctparse.compare(
        inclusion("Women recalled from a screening mammography\n* Age 40 or older"),
        inclusion("Could participate within 2 weeks after mammography\n* Aged 40 to 75"),
    )
    rows = {(a, b) for r in comparison.pairs for a in r.a_ids for b in r.b_ids}
    assert ("inc-1.2", "inc-1") in rows, comparison.pairs  # "Women | recalled from …"
