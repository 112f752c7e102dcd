"""align() on hand-built studies and criteria: verdicts, details, pairing."""

from __future__ import annotations

import dataclasses
import random

import pytest

import ctparse
from ctparse.align import align, align_criteria
from ctparse.align.matching import assign, hungarian
from ctparse.nlp.windows import eligible_days
from ctparse.schema import (
    Arm,
    Criterion,
    Design,
    Eligibility,
    Enrollment,
    Intervention,
    Normalized,
    Outcome,
    Range,
    Source,
    Study,
    Threshold,
    Window,
)


def limit(
    variable: str,
    *,
    lower: float | None = None,
    upper: float | None = None,
    lower_inclusive: bool | None = True,
    upper_inclusive: bool | None = True,
    unit: str | None = None,
    relative_to: str | None = None,
    values: tuple[float, ...] | None = None,
) -> Threshold:
    return Threshold(
        variable=variable,
        entity=variable,
        comparator=">=",
        value=lower if lower is not None else upper,
        values=values,
        unit=unit,
        relative_to=relative_to,
        normalized=Normalized(value=lower if lower is not None else upper, unit=unit),
        eligible=Range(
            lower,
            lower_inclusive if lower is not None else None,
            upper,
            upper_inclusive if upper is not None else None,
        ),
    )


def crit(
    id: str,
    text: str,
    *thresholds: Threshold,
    section: str = "inclusion",
    windows: tuple[Window, ...] = (),
) -> Criterion:
    return Criterion(
        id=id,
        section=section,  # type: ignore[arg-type]
        text=text,
        start=0,
        end=len(text),
        thresholds=thresholds,
        windows=tuple(recorded(w, section) for w in windows),
    )


def recorded(window: Window, section: str) -> Window:
    """A hand-built window with what the extractor records of it in ``section``
    (what the criterion asks of its event, the eligible time range)."""
    if window.requirement is not None:
        return window
    requirement = {"inclusion": "required", "exclusion": "excluded"}.get(section)
    return dataclasses.replace(
        window, requirement=requirement, eligible=eligible_days(window, requirement)
    )


def washout(days: float, value: float, unit: str) -> Window:
    return Window(
        event="systemic anti-tumor therapy",
        comparator="<=",
        value=value,
        unit=unit,
        days=days,
        direction="before",
        anchor="first_dose",
    )


def one(a: Criterion, b: Criterion):
    pairs = align_criteria((a,), (b,))
    assert len(pairs) == 1, pairs
    return pairs[0]


def test_higher_minimum_is_stricter_and_the_detail_says_by_how_much() -> None:
    pair = one(
        crit("inc-1", "ANC ≥ 1.5 × 10^9/L", limit("anc", lower=1.5, unit="10^9/L")),
        crit("inc-4", "neutrophils ≥ 1,000/mm3", limit("anc", lower=1.0, unit="10^9/L")),
    )
    assert (pair.a, pair.b, pair.variable, pair.verdict) == ("inc-1", "inc-4", "anc", "a_stricter")
    assert "B admits ANC down to 1 × 10^9/L" in pair.detail
    assert "A needs ≥ 1.5 × 10^9/L" in pair.detail
    assert "0.5 higher" in pair.detail


def test_ordinal_subset_is_stricter() -> None:
    pair = one(
        crit("inc-2", "ECOG 0-1", limit("ecog", lower=0, upper=1, values=(0, 1))),
        crit("inc-2", "ECOG 0-2", limit("ecog", lower=0, upper=2, values=(0, 1, 2))),
    )
    assert pair.verdict == "a_stricter"
    assert "B also admits ECOG 2" in pair.detail


def test_ecog_as_range_and_as_set_agree() -> None:
    pair = one(
        crit("i", "ECOG < 2", limit("ecog", upper=2, upper_inclusive=False)),
        crit("j", "ECOG 0 or 1", limit("ecog", lower=0, upper=1, values=(0, 1))),
    )
    assert pair.verdict == "same"


def test_bounded_range_inside_open_range_is_stricter() -> None:
    pair = one(
        crit("inc-1", "Age 18-75", limit("age", lower=18, upper=75, unit="years")),
        crit("inc-1", "Age ≥ 18", limit("age", lower=18, unit="years")),
    )
    assert pair.verdict == "a_stricter"
    assert "B sets no upper limit on age; A needs ≤ 75 years" in pair.detail


def test_exclusion_complements_compare_with_inclusivity() -> None:
    # Exclusion SBP ≥ 160 → eligible < 160; exclusion SBP > 150 → eligible ≤ 150.
    pair = one(
        crit(
            "exc-1",
            "SBP ≥ 160",
            limit("sbp", upper=160, upper_inclusive=False, unit="mmHg"),
            section="exclusion",
        ),
        crit("exc-1", "SBP > 150", limit("sbp", upper=150, unit="mmHg"), section="exclusion"),
    )
    assert pair.verdict == "b_stricter"
    assert "A admits SBP up to 160 mmHg; B needs ≤ 150 mmHg (10 lower)" in pair.detail


def test_same_value_different_inclusivity() -> None:
    pair = one(
        crit("a", "x > 2", limit("crcl", lower=2, lower_inclusive=False, unit="mL/min")),
        crit("b", "x >= 2", limit("crcl", lower=2, unit="mL/min")),
    )
    assert pair.verdict == "a_stricter"


def test_uln_relative_and_absolute_are_not_comparable() -> None:
    pair = one(
        crit(
            "a",
            "bilirubin ≤ 1.5 × ULN",
            limit("bilirubin_total", upper=1.5, relative_to="ULN", unit="ULN"),
        ),
        crit("b", "bilirubin ≤ 26 µmol/L", limit("bilirubin_total", upper=26, unit="umol/L")),
    )
    assert pair.verdict == "different"
    assert pair.detail.startswith("not comparable without the ULN")
    assert "≤ 1.5 × ULN" in pair.detail and "≤ 26 µmol/L" in pair.detail


def test_conversion_rounding_counts_as_equal() -> None:
    pair = one(
        crit("a", "Hb ≥ 5.6 mmol/L", limit("hemoglobin", lower=90.2, unit="g/L")),
        crit("b", "Hb ≥ 9 g/dL", limit("hemoglobin", lower=90, unit="g/L")),
    )
    assert pair.verdict == "same"
    assert "equal after unit conversion" in pair.detail


def test_overlapping_and_disjoint_ranges_are_different() -> None:
    overlap = one(
        crit("a", "age 18-75", limit("age", lower=18, upper=75)),
        crit("b", "age 20-80", limit("age", lower=20, upper=80)),
    )
    assert overlap.verdict == "different" and "each admits values" in overlap.detail
    disjoint = one(
        crit("a", "age 18-40", limit("age", lower=18, upper=40)),
        crit("b", "age 50-80", limit("age", lower=50, upper=80)),
    )
    assert disjoint.verdict == "different" and "no patient meets both" in disjoint.detail


def test_longer_washout_is_stricter() -> None:
    pair = one(
        crit(
            "exc-3",
            "anti-tumor therapy within 4 weeks",
            section="exclusion",
            windows=(washout(28, 4, "week"),),
        ),
        crit(
            "exc-2",
            "anti-tumor therapy within 21 days",
            section="exclusion",
            windows=(washout(21, 21, "day"),),
        ),
    )
    assert pair.verdict == "a_stricter"
    assert "7 days longer" in pair.detail


def test_shorter_required_window_is_stricter_for_inclusion() -> None:
    test = Window("pregnancy test", "<=", 3, "day", 3, "before", "first_dose")
    other = Window("pregnancy test", "<=", 7, "day", 7, "before", "first_dose")
    pair = one(
        crit("a", "test within 3 days", windows=(test,)),
        crit("b", "test within 7 days", windows=(other,)),
    )
    assert pair.verdict == "a_stricter"


def test_same_text_is_same_and_unrelated_texts_stay_alone() -> None:
    text = "Known history of allogeneic organ transplantation."
    pairs = align_criteria(
        (
            crit("exc-1", text, section="exclusion"),
            crit("exc-2", "Pregnant women.", section="exclusion"),
        ),
        (
            crit("exc-9", text, section="exclusion"),
            crit("exc-8", "Active tuberculosis infection.", section="exclusion"),
        ),
    )
    verdicts = {(p.a, p.b): p.verdict for p in pairs}
    assert verdicts == {
        ("exc-1", "exc-9"): "same",
        ("exc-2", None): "only_a",
        (None, "exc-8"): "only_b",
    }


def test_similar_texts_with_other_numbers_are_different() -> None:
    pair = one(
        crit("e", "Other malignant tumors within 3 years prior to enrollment", section="exclusion"),
        crit("f", "Other malignant tumors within 5 years prior to enrollment", section="exclusion"),
    )
    assert pair.verdict == "different"
    assert "A 3; B 5" in pair.detail


def test_inclusion_never_pairs_with_exclusion() -> None:
    text = "Active hepatitis B infection."
    pairs = align_criteria(
        (crit("a", text, section="inclusion"),), (crit("b", text, section="exclusion"),)
    )
    assert sorted(p.verdict for p in pairs) == ["only_a", "only_b"]


def test_a_variable_only_one_side_limits_is_said_in_the_row_of_its_criterion() -> None:
    pair_a = crit(
        "inc-5", "ANC ≥ 1.5, Hb ≥ 90", limit("anc", lower=1.5), limit("hemoglobin", lower=90)
    )
    pair_b = crit("inc-3", "ANC ≥ 1.5", limit("anc", lower=1.5))
    (pair,) = align_criteria((pair_a,), (pair_b,))  # one row: each criterion once
    assert (pair.variable, pair.verdict) == ("anc", "a_stricter")
    assert "both require ANC" in pair.detail
    assert "B sets no limit on hemoglobin" in pair.detail


# ------------------------------------------------------------ whole studies


def study(**kwargs) -> Study:
    return Study(nct_id=kwargs.pop("nct_id", None), source=Source("page_text", "x"), **kwargs)


A = study(
    nct_id="NCT05990231",
    brief_title="Cadonilimab/Anlotinib in ESCC",
    phases=("PHASE2",),
    study_type="INTERVENTIONAL",
    design=Design(allocation="NA", intervention_model="SINGLE_GROUP"),
    enrollment=Enrollment(35, "ESTIMATED"),
    conditions=("Esophageal Squamous Cell Carcinoma",),
    interventions=(Intervention("DRUG", "Cadonilimab combined Anlotinib"),),
    arms=(Arm("Cadonilimab combined with anlotinib", "EXPERIMENTAL"),),
    outcomes=(
        Outcome("primary", "Objective response rate", time_frame="2 years"),
        Outcome("secondary", "Adverse events", time_frame="2 years"),
    ),
    eligibility=Eligibility(criteria_text="Inclusion Criteria: ...", minimum_age="18 Years"),
)
B = study(
    local_id="local-1",
    brief_title="Camrelizumab + chemotherapy or anlotinib",
    phases=("PHASE2",),
    conditions=("Stage IV Esophagus Squamous Cell Carcinoma",),
    interventions=(
        Intervention("DRUG", "Camrelizumab"),
        Intervention("DRUG", "Paclitaxel-albumin"),
        Intervention("DRUG", "Anlotinib"),
    ),
    outcomes=(Outcome("primary", "Objective response rate (ORR)", time_frame="Up to 24 month"),),
)


def test_study_level_fields_and_drugs() -> None:
    comparison = align(
        A, B, criteria_a=(crit("inc-1", "Voluntarily sign consent."),), criteria_b=()
    )
    rows = {row.field: row for row in comparison.study}
    assert rows["phases"].verdict == "same"
    assert rows["conditions"].verdict == "different"
    assert rows["enrollment"].verdict == "only_a" and rows["enrollment"].a == "35 (estimated)"
    assert "masking" not in rows  # stated in neither record
    assert rows["interventions"].a == ["cadonilimab", "anlotinib"]
    assert rows["interventions"].b == ["camrelizumab", "nab-paclitaxel", "anlotinib"]
    detail = rows["interventions"].detail or ""
    assert "shared: anlotinib (multi-target VEGFR TKI)" in detail
    assert "only A: cadonilimab (anti-PD-1/CTLA-4 bispecific)" in detail
    assert "camrelizumab (anti-PD-1)" in detail
    assert rows["outcome: Objective response rate"].verdict == "same"  # 2 years = 24 months
    assert rows["outcome: Adverse events"].verdict == "only_a"


def test_missing_criteria_on_one_side_is_said_up_front() -> None:
    comparison = align(
        A, B, criteria_a=(crit("inc-1", "Voluntarily sign consent."),), criteria_b=()
    )
    assert comparison.b.has_criteria is False and comparison.a.has_criteria is True
    assert "B (local-1) has no eligibility criteria in its record" in comparison.notes[0]
    (pair,) = comparison.pairs
    assert pair.verdict == "only_a"
    assert pair.detail == "not in B's record: it has no eligibility criteria"
    assert comparison.summary.only_a == 1


def test_json_shape_is_the_contract() -> None:
    data = align(A, B, criteria_a=(), criteria_b=()).to_dict()
    assert {"a", "b", "study", "pairs", "summary"} <= set(data)
    assert set(data["summary"]) >= {
        "same",
        "a_stricter",
        "b_stricter",
        "different",
        "only_a",
        "only_b",
    }
    assert data["a"]["nct_id"] == "NCT05990231" and data["b"]["nct_id"] is None


# -------------------------------------------------------------- assignment


def test_assignment_is_optimal_not_greedy() -> None:
    # Greedy would take (0, 0) = 0.9 and leave row 1 with 0.1 (total 1.0).
    assert assign([[0.9, 0.8], [0.85, 0.1]], floor=0.3) == [(0, 1), (1, 0)]


def test_assignment_respects_the_floor() -> None:
    assert assign([[0.2]], floor=0.3) == []
    assert assign([], floor=0.3) == []


def test_hungarian_matches_brute_force() -> None:
    from itertools import permutations

    rng = random.Random(7)
    for _ in range(30):
        n = rng.randint(1, 5)
        cost = [[rng.random() for _ in range(n)] for _ in range(n)]
        best = min(sum(cost[i][p[i]] for i in range(n)) for p in permutations(range(n)))
        got = hungarian(cost)
        assert sorted(got) == list(range(n))
        assert sum(cost[i][got[i]] for i in range(n)) == pytest.approx(best)


def test_assignment_by_groups_is_the_dense_optimum() -> None:
    """``assign`` solves each connected group of candidate pairs alone: on sparse
    random scores it reaches the total of one assignment over the whole matrix,
    with each pair at or above the floor and every row and column used once."""
    from ctparse.align.matching import _assign_dense

    rng = random.Random(11)
    for _ in range(300):
        rows, columns = rng.randint(1, 9), rng.randint(1, 9)
        scores = [
            [rng.choice([0.4, 0.5, 0.7, 1.0, round(rng.random(), 2)]) if rng.random() < 0.3 else 0.0
             for _ in range(columns)]
            for _ in range(rows)
        ]  # fmt: skip
        grouped = assign(scores, floor=0.5)
        dense = _assign_dense(scores, 0.5)
        assert sum(scores[i][j] for i, j in grouped) == pytest.approx(
            sum(scores[i][j] for i, j in dense)
        )
        assert all(scores[i][j] >= 0.5 for i, j in grouped)
        assert len({i for i, _ in grouped}) == len({j for _, j in grouped}) == len(grouped)


def test_pieces_replace_their_parent_line() -> None:
    parent = crit("inc-10", "ANC ≥ 1.5, platelets ≥ 100", limit("anc", lower=1.5))
    piece = dataclasses.replace(
        crit("inc-10.1", "ANC ≥ 1.5", limit("anc", lower=1.5)), parent="inc-10"
    )
    comparison = align(A, B, criteria_a=(parent, piece), criteria_b=())
    assert [p.a for p in comparison.pairs] == ["inc-10.1"]


def test_a_lone_criterion_says_what_it_requires() -> None:
    comparison = align(
        A,
        B,
        criteria_a=(crit("inc-3", "ANC ≥ 1.5", limit("anc", lower=1.5, unit="10^9/L")),),
        criteria_b=(),
    )
    assert comparison.pairs[0].detail.endswith("(A requires ANC ≥ 1.5 × 10^9/L)")


def test_the_criterion_stating_the_whole_limit_is_shown() -> None:
    text_age = crit("inc-1", "Adults (18 years or more)", limit("age", lower=18))
    structured = crit(
        "age", "Minimum age: 18 Years; Maximum age: 95 Years", limit("age", lower=18, upper=95)
    )
    other = crit("age", "Minimum age: 18 Years", limit("age", lower=18))
    (pair,) = align_criteria((text_age, structured), (other,))  # inc-1 is settled too
    assert (pair.a, pair.b, pair.verdict) == ("age", "age", "a_stricter")


# --------------------------------------------------- windows put into words


@pytest.mark.parametrize(
    ("event", "requirement", "comparator", "expected"),
    [
        (
            "contraceptive methods",
            "required",
            "=",
            "requires contraceptive methods for 120 days after last dose",
        ),
        (
            "urine or serum pregnancy test",
            "required",
            "<=",
            "requires urine or serum pregnancy test within 120 days after last dose",
        ),
        (
            "blood components and growth factors",
            "excluded",
            "<=",
            "excludes blood components and growth factors within 120 days after last dose",
        ),
        (
            "Chinese herbal medicine or traditional Chinese medicine with anti-tumor indications",
            "excluded",
            "<=",
            "excludes Chinese herbal medicine or traditional Chinese medicine… "
            "within 120 days after last dose",
        ),
        (None, "required", "<=", "requires (event not stated) within 120 days after last dose"),
    ],
)
def test_window_wording_comes_from_the_fields(
    event: str | None, requirement: str, comparator: str, expected: str
) -> None:
    from ctparse.align.wording import window_phrase

    window = Window(
        event, comparator, 120, "day", 120, "after", "last_dose", requirement=requirement
    )
    assert window_phrase(crit("c", "text"), window) == expected


def test_an_exclusion_window_excludes_and_names_a_threshold_on_its_event() -> None:
    from ctparse.align.wording import window_phrase

    loss = Threshold(
        variable="weight_loss", entity="weight loss", comparator=">", value=10, unit="%",
        eligible=Range(None, None, 10, True),
    )  # fmt: skip
    criterion = crit(
        "exc-38.2",
        "cachexia (known weight loss exceeding 10% in the 3 months prior to screening)",
        loss,
        section="exclusion",
        windows=(Window("weight loss", "<=", 3, "month", 90, "before", "screening"),),
    )
    phrase = window_phrase(criterion, criterion.windows[0])
    assert phrase == "excludes weight loss > 10% within 3 months before screening"
    (pair,) = align_criteria((criterion,), ())
    assert pair.detail.endswith("(A excludes weight loss > 10% within 3 months before screening)")


def test_an_allowance_window_allows() -> None:
    from ctparse.align.wording import window_phrase

    text = (
        "Exclusion Criteria:\n* Active CNS metastases. Note: Subjects with previously treated "
        "brain metastases are allowed to enroll if they are clinically stable for at least 2 "
        "weeks and have discontinued corticosteroid hormones for 7 days before administration "
        "of study drug."
    )
    (criterion,) = ctparse.criteria(text)
    stable, steroids = criterion.windows
    assert window_phrase(criterion, stable) == (
        "allows treated brain metastases if they are clinically stable for at least 2 weeks"
    )
    # a period after stopping something is a minimum (issue 13): at least 7 days
    assert window_phrase(criterion, steroids) == (
        "allows discontinued corticosteroid hormones at least 7 days before first dose"
    )


def test_a_limit_without_an_eligible_range_is_said_as_written() -> None:
    # "Active hepatitis B (HBV-DNA above 1000 copies/mL) must receive antiviral
    # therapy": a limit under a condition, with no eligible range of its own.
    dna = dataclasses.replace(
        limit("hbv_dna", lower=1000, unit="copies/mL"),
        comparator=">",
        value=1000,
        eligible=None,
        condition="must receive antiviral therapy for hepatitis B",
    )
    liver = dataclasses.replace(
        limit("ast", upper=5, relative_to="ULN"), condition="if liver metastases"
    )
    (pair,) = align_criteria((crit("exc-26", "HBV", dna, liver, section="exclusion"),), ())
    assert "cannot be put on a scale" not in pair.detail and "when if" not in pair.detail
    assert "mentions hbv DNA" not in pair.detail
    assert pair.detail.endswith(
        "(A requires AST ≤ 5 × ULN if liver metastases; "
        "mentions HBV DNA > 1000 copies/mL (must receive antiviral therapy for hepatitis b))"
    )


@pytest.mark.parametrize(
    ("events", "said"),
    [
        (["Radiation", "chemotherapy"], "Radiation or chemotherapy"),
        (["antibiotic use", "probiotic use"], "antibiotic or probiotic use"),
        (
            ["herbal medicine with anti-tumor indications", "TCM with anti-tumor indications"],
            "herbal medicine or TCM with anti-tumor indications",
        ),
    ],
    ids=["two_nouns", "shared_head", "shared_tail"],
)
def test_windows_split_from_one_coordination_are_said_once(events, said) -> None:
    from ctparse.align.wording import facts

    text = f"{' or '.join(events)} within 4 weeks before the first dose"
    windows = tuple(
        Window(event, "<=", 4, "week", 28, "before", "first_dose", start=0, end=len(text))
        for event in events
    )
    criterion = crit("exc-1", text, section="exclusion", windows=windows)
    assert facts(criterion) == f"excludes {said} within 4 weeks before first dose"
