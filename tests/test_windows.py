"""Time windows and the parse status of a criterion."""

from __future__ import annotations

import json

import pytest
from helpers import parse as pipeline_parse

from ctparse.errors import ResourceError
from ctparse.nlp.coordination import conjuncts
from ctparse.nlp.events import describe
from ctparse.nlp.study import text_criteria
from ctparse.resources import load_rules
from ctparse.schema import Criterion


def parse(text: str, section: str = "exclusion") -> Criterion:
    return pipeline_parse(text, section)


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


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("at 37 weeks 0 days to 37 weeks 6 days of gestation", 37, 37 + 6 / 7),
        ("Gestational age between 24+0 and 33+6 weeks", 24, 33 + 6 / 7),
        ("Singleton pregnancy at ≥ 34+2 weeks", 34 + 2 / 7, None),
        # days as sevenths of a week
        ("16 0/7 to 22 0/7 weeks of gestation", 16, 22),
        ("Gestational age between 24 0/7 and 33 6/7 weeks", 24, 33 + 6 / 7),
    ],
)
def test_a_gestational_age_in_weeks_and_days_is_an_age_not_a_window(text, low, high) -> None:
    criterion = parse(text, "inclusion")
    assert not criterion.windows
    (t,) = criterion.thresholds
    assert t.variable == "gestational_age"
    assert (t.value, t.value_max) == pytest.approx((low, high))


def test_a_gestational_age_that_dates_an_event_limits_no_age() -> None:
    criterion = parse("Ruptured membranes before 37 weeks 6 days of gestation")
    assert not [t for t in criterion.thresholds if t.variable == "gestational_age"]


def test_weeks_and_days_outside_a_gestation_stay_periods() -> None:
    assert parse("Chemotherapy within 2 weeks and 3 days").windows


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
    (w,) = pipeline_parse(text, "exclusion").windows
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
    windows = parse("User of dietary supplements or probiotics (within past 1-mo)").windows
    assert [w.event for w in windows] == ["dietary supplements", "probiotics"]
    assert {(w.start, w.end, w.days) for w in windows} == {(43, 59, 30)}


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


# ------------------------------------------------------------ coordinated events


def events(text: str) -> list[str | None]:
    return [w.event for w in parse(text).windows]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Radiation or chemotherapy within 4 weeks of enrollment",
            ["Radiation", "chemotherapy"],
            id="two_nouns",
        ),
        pytest.param(
            "use of corticosteroids or calcineurin antagonists or phototherapy in the previous "
            "4 weeks",
            ["corticosteroids", "calcineurin antagonists", "phototherapy"],
            id="three_with_repeated_or",
        ),
        pytest.param(
            "Use of anti-secretory drugs, antibiotics or probiotics 4 weeks preceding the "
            "enrollment",
            ["anti-secretory drugs", "antibiotics", "probiotics"],
            id="comma_series",
        ),
        pytest.param(
            "Received deep-peeling, skin regeneration, plastic surgery, wrinkle improvement or "
            "acne scar treatment in the facial area within 24 weeks",
            [
                "deep-peeling in the facial area",
                "skin regeneration in the facial area",
                "plastic surgery in the facial area",
                "wrinkle improvement in the facial area",
                "acne scar treatment in the facial area",
            ],
            id="series_with_shared_prepositional_phrase",
        ),
        pytest.param(
            "antibiotic or probiotic use in the previous 90 days",
            ["antibiotic use", "probiotic use"],
            id="shared_head_noun_distributed",
        ),
        pytest.param(
            "Acute illness or infection within the last 4 weeks",
            ["Acute illness", "infection"],
            id="noun_phrase_and_noun",
        ),
        pytest.param(
            "live vaccine or attenuated live vaccine within 30 days prior to the first dose",
            ["live vaccine", "attenuated live vaccine"],
            id="same_head_noun_twice",
        ),
        pytest.param(
            "Chinese herbal medicine or traditional Chinese medicine with anti-tumor indications "
            "within 1 week before the first dose",
            [
                "Chinese herbal medicine with anti-tumor indications",
                "traditional Chinese medicine with anti-tumor indications",
            ],
            id="seed_004_herbal_medicine",
        ),
        pytest.param(
            "drug abuse and / or alcohol abuse 2 years prior to the screening period",
            ["drug abuse", "alcohol abuse"],
            id="and_or",
        ),
        pytest.param(
            "treatment with inotuzumab or gemtuzumab within 3 months prior to HSCT admission",
            ["inotuzumab", "gemtuzumab"],
            id="object_of_a_transparent_lead",
        ),
        pytest.param(
            "Has participated in any other clinical trial and/or has taken any investigational "
            "drug or product within 90 days prior to the study",
            ["investigational drug", "product"],
            id="second_coordination_when_the_first_is_of_clauses",
        ),
        pytest.param(
            "bone marrow radiation therapy or extensive radiation therapy is performed within "
            "4 weeks",
            ["bone marrow radiation therapy", "extensive radiation therapy"],
            id="predicate_left_out",
        ),
        pytest.param(
            "at least 4 weeks since the last chemotherapy or radiotherapy",
            ["last chemotherapy", "radiotherapy"],
            id="after_since",
        ),
        pytest.param(
            "diagnosed with either Frontal Temporal Dementia or Alzheimer's Disease 12 months "
            "ago or less",
            ["Frontal Temporal Dementia", "Alzheimer's Disease"],
            id="either_or",
        ),
        pytest.param(
            "Peritonitis or recovery from peritonitis for less than one month",
            ["Peritonitis", "recovery from peritonitis"],
            id="phrase_of_the_last_conjunct_only",
        ),
    ],
)
def test_coordinated_event_gives_one_window_per_conjunct(text: str, expected: list[str]) -> None:
    windows = parse(text).windows
    assert [w.event for w in windows] == expected
    # Everything but the event is the one period as written.
    assert (
        len(
            {
                (w.comparator, w.value, w.unit, w.days, w.direction, w.anchor, w.start, w.end)
                for w in windows
            }
        )
        == 1
    )


@pytest.mark.parametrize(
    ("text", "event"),
    [
        pytest.param(
            "systemic anti-tumor therapy (chemotherapy, immunotherapy, etc.) for non-target "
            "lesions within 3 weeks",
            "systemic anti-tumor therapy for non-target lesions",
            id="parenthetical_examples",
        ),
        pytest.param(
            "anticoagulants such as warfarin or heparin within 7 days",
            "anticoagulants such as warfarin or heparin",
            id="such_as",
        ),
        pytest.param(
            "immunosuppressive drugs including steroids or tacrolimus within 4 weeks",
            "immunosuppressive drugs including steroids or tacrolimus",
            id="including",
        ),
        pytest.param(
            "medication with antioxidant properties e.g., vitamin E or N-acetyl cysteine 7 days "
            "prior to CC",
            "medication with antioxidant properties e.g., vitamin E or N-acetyl cysteine",
            id="e_g",
        ),
        pytest.param(
            "intake of antibiotics or other medications affecting the periodontium in the "
            "previous 6 months",
            "intake of antibiotics or other medications affecting the periodontium",
            id="one_of_the_others",
        ),
        pytest.param(
            "hematopoietic stem cell transplantation within 6 months",
            "hematopoietic stem cell transplantation",
            id="fixed_name",
        ),
        pytest.param(
            "signs and symptoms of infection within 2 weeks",
            "signs and symptoms of infection",
            id="plain_and",
        ),
        pytest.param(
            "Crohn's disease and ulcerative colitis within 6 months",
            "Crohn's disease and ulcerative colitis",
            id="plain_and_between_names",
        ),
        pytest.param(
            "planned or received radiotherapy within 4 weeks",
            "planned or received radiotherapy",
            id="coordinated_verbs",
        ),
        pytest.param(
            "patients discharged or deceased less than 24 hours of admission",
            "patients discharged or deceased",
            id="coordinated_participles",
        ),
        pytest.param(
            "vascular or endovascular surgery in the last 3 months",
            "vascular or endovascular surgery",
            id="kinds_of_one_thing",
        ),
        pytest.param(
            "acute ischemic or hemorrhagic stroke (within 30 days)",
            "acute ischemic or hemorrhagic stroke",
            id="shared_modifier_and_head",
        ),
        pytest.param(
            "Hospitalization for respiratory, metabolic or cardiovascular event (< 2 months)",
            "Hospitalization for respiratory, metabolic or cardiovascular event",
            id="inside_a_modifier",
        ),
        pytest.param(
            "surgery on the knee or hip within 6 months",
            "surgery on the knee or hip",
            id="inside_a_prepositional_phrase",
        ),
        pytest.param(
            "at least 1 year since last menses or documented surgical sterilization will not "
            "require pregnancy testing",
            "last menses or documented surgical sterilization will not require pregnancy testing",
            id="since_clause_followed_by_a_predicate",
        ),
    ],
)
def test_coordination_that_is_one_event_stays_one_window(text: str, event: str) -> None:
    (w,) = parse(text).windows
    assert w.event == event


def test_conjuncts_of_a_plain_event() -> None:
    assert conjuncts("Major surgery") == ("Major surgery",)
    assert conjuncts("antibiotic or probiotic use") == ("antibiotic use", "probiotic use")


def _coordination_examples() -> list[tuple[str, str, list[str]]]:
    entries = load_rules("coordination.jsonl")
    cases = []
    for entry in entries:
        for example in entry["examples"]:
            text, _, expected = example.partition(" ⇒ ")
            cases.append((entry["id"], text, [e.strip() for e in expected.split(" | ")]))
    return cases


@pytest.mark.parametrize(("rule", "text", "expected"), _coordination_examples())
def test_coordination_rule_example_gives_its_events(rule: str, text: str, expected: list) -> None:
    assert events(text) == expected, rule


def test_coordination_rules_reject_an_unknown_kind(tmp_path) -> None:
    entry = {"id": "x", "kind": "nonsense", "phrases": ["or"], "examples": ["x => x"]}
    (tmp_path / "coordination.jsonl").write_text(json.dumps(entry) + "\n")
    with pytest.raises(ResourceError, match=r"coordination.jsonl:1: key 'kind': 'nonsense'"):
        load_rules("coordination.jsonl", directory=tmp_path)


def test_coordination_rules_reject_an_unknown_key(tmp_path) -> None:
    entry = {"id": "x", "kind": "conjunction", "phrases": ["or"], "examples": [], "colour": 1}
    (tmp_path / "coordination.jsonl").write_text(json.dumps(entry) + "\n")
    with pytest.raises(ResourceError, match="unknown key"):
        load_rules("coordination.jsonl", directory=tmp_path)


@pytest.mark.parametrize(
    ("raw", "event", "negated"),
    [
        (
            "the beginning of screening and must agree to continue using contraceptive methods",
            "contraceptive methods",
            False,
        ),
        (
            "patients of childbearing potential must undergo a urine or serum pregnancy test",
            "urine or serum pregnancy test",
            False,
        ),
        (
            "excluding any blood components and growth factors used",
            "blood components and growth factors",
            True,
        ),
        ("no prior chemotherapy", "prior chemotherapy", True),
        ("and the", None, False),
        ("must", None, False),
    ],
    ids=["predicate_glue", "subject_and_modal", "negation", "no", "all_glue", "modal_only"],
)
def test_an_event_is_described_without_clause_glue(raw: str, event: str | None, negated: bool):
    assert describe(raw) == (event, negated)


@pytest.mark.parametrize(
    ("text", "section", "requirement", "eligible"),
    [
        ("chemotherapy within 4 weeks before the first dose", "exclusion", "excluded", (28, False, None, None)),
        ("a pregnancy test within 3 days before the first dose", "inclusion", "required", (None, None, 3, True)),
        ("at least 4 weeks since major surgery", "inclusion", "required", (28, True, None, None)),
        ("contraception for 120 days after the last dose", "inclusion", "required", (120, True, None, None)),
        ("chemotherapy 4 weeks before study entry", "exclusion", "excluded", (28, False, None, None)),
        ("no blood transfusion within 14 days before screening", "inclusion", "excluded", (14, False, None, None)),
        ("excluding growth factors used within 14 days", "inclusion", "excluded", (14, False, None, None)),
        (
            "Brain metastases are allowed to enroll if stable for at least 2 weeks",
            "exclusion",
            "allowed",
            (14, True, None, None),
        ),
        ("Surgery between 2 and 6 months before enrollment", "exclusion", "excluded", None),
        ("a biopsy between 2 and 6 weeks before enrollment", "inclusion", "required", (14, True, 42, True)),
    ],
    ids=[
        "washout",
        "required_recent",
        "at_least_since",
        "duration",
        "bare_period_excluded",
        "negated_in_inclusion",
        "excluding_in_inclusion",
        "grant",
        "excluded_range_is_two_intervals",
        "required_range",
    ],
)  # fmt: skip
def test_a_window_records_what_it_asks_and_the_eligible_days(text, section, requirement, eligible):
    (window,) = parse(text, section).windows
    assert window.requirement == requirement
    got = window.eligible
    bounds = (
        None if got is None else (got.lower, got.lower_inclusive, got.upper, got.upper_inclusive)
    )
    assert bounds == eligible


def test_one_window_per_drug_where_the_text_gives_one_period_per_drug() -> None:
    text = (
        "Subjects may screen based upon the following wash out periods: 4 weeks for thiopurine "
        "and methotrexate and 8 weeks for natalizumab, vedolizumab, anti-TNF, or ustekinumab."
    )
    found = [
        (w.event, w.days)
        for c in text_criteria(text, section="exclusion").criteria
        for w in c.windows
    ]
    assert found == [
        ("thiopurine", 28),
        ("methotrexate", 28),
        ("natalizumab", 56),
        ("vedolizumab", 56),
        ("anti-TNF", 56),
        ("ustekinumab", 56),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Treatment with thiopurines or methotrexate within 4 weeks for thiopurine, 6 weeks "
            "for methotrexate and 8 weeks for natalizumab before screening",
            [("thiopurine", "<=", 28, "screening"), ("methotrexate", "<=", 42, "screening"),
             ("natalizumab", "<=", 56, "screening")],
        ),
        (
            "Start or change of dose within 4 weeks for thiopurines and 8 weeks for "
            "natalizumab prior to randomization",
            [("thiopurines", "<=", 28, "randomization"), ("natalizumab", "<=", 56, "randomization")],
        ),
        (
            "Washout: 2 weeks for aspirin; 5 days for clopidogrel",
            [("aspirin", "=", 14, None), ("clopidogrel", "=", 5, None)],
        ),
    ],
    ids=["within_three_drugs_anchor_last", "two_drugs_prior_to", "semicolon_no_comparator"],
)  # fmt: skip
def test_a_list_of_periods_each_for_a_thing_shares_its_comparator_and_anchor(
    text: str, expected: list[tuple[str, str, int, str | None]]
) -> None:
    """A list "within 4 weeks for A, 6 weeks for B and 8 weeks for C before screening": one
    window per thing, each "within" and before screening (it gave "for A" as the
    event of 6 weeks, and no anchor)."""
    found = [(w.event, w.comparator, w.days, w.anchor) for w in parse(text, "exclusion").windows]
    assert found == expected


@pytest.mark.parametrize(
    "text",
    [
        "Prior radiotherapy within 2 weeks for palliative intent, or 4 weeks for curative "
        "intent, before the first dose",
        "Radiation therapy within 2 weeks for palliative purposes and 4 weeks for curative "
        "purposes prior to the first dose",
    ],
)
def test_a_list_of_periods_each_for_a_purpose_dates_the_event_before(text: str) -> None:
    """What each period is for is a condition of the one event, not the event."""
    found = [(w.condition, w.days, w.anchor) for w in parse(text, "exclusion").windows]
    events = {w.event for w in parse(text, "exclusion").windows}
    assert len(events) == 1 and "radi" in next(iter(events)).lower()
    assert [days for _, days, _ in found] == [14, 28]
    assert {anchor for _, _, anchor in found} == {"first_dose"}
    assert all(
        condition and condition.split()[-1].startswith(("intent", "purpose"))
        for condition, _, _ in found
    )


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("aspirin and clopidogrel within 7 days", ["aspirin", "clopidogrel"]),
        ("alcohol and drug abuse within 2 years", ["alcohol and drug abuse"]),
        ("chemotherapy and radiotherapy within 4 weeks", ["chemotherapy and radiotherapy"]),
        ("contraception for 120 days after the last dose", ["contraception"]),
    ],
    ids=["two_drugs_split", "not_all_drugs", "procedures_stay_one", "duration_is_no_washout"],
)
def test_and_splits_a_list_of_drugs_only(text: str, events: list[str]) -> None:
    assert [w.event for w in parse(text).windows] == events


@pytest.mark.parametrize(
    "text",
    [
        "No antibiotics or steroids within 4 weeks",
        "No history of intake of antibiotics or other medications affecting the periodontium "
        "in the previous 6 months",
        "Not having received chemotherapy within 4 weeks",
        "Has not been treated with steroids in the past 2 weeks",
    ],
    ids=["list_after_no", "or_other_after_no_history", "not_having_received", "not_been_treated"],
)
def test_a_negation_opening_the_events_excludes_each_of_them(text: str) -> None:
    """The negation opens the clause of the first event, not of the period: every event
    of the list before the period is what the inclusion excludes."""
    windows = parse(text, "inclusion").windows
    assert windows and all(w.requirement == "excluded" for w in windows), [
        (w.event, w.requirement) for w in windows
    ]


def test_an_event_after_the_negated_clause_is_asked_as_written() -> None:
    (window,) = parse("Chemotherapy within 4 weeks, or no response to steroids").windows
    assert window.requirement == "excluded"
    (window,) = parse("Chemotherapy within 4 weeks", "inclusion").windows
    assert window.requirement == "required"


@pytest.mark.parametrize(
    "text",
    [
        "No history of seizures, but surgery within 6 months",
        "No contraindication to surgery and scheduled for surgery within 4 weeks",
        "No known allergy to contrast media, with CT scan within 4 weeks",
    ],
)
def test_a_negation_does_not_reach_across_a_clause_to_the_period(text: str) -> None:
    (window,) = parse(text, "inclusion").windows
    assert window.requirement == "required", window.event


def test_not_received_negates_only_what_it_opens() -> None:
    (limit,) = parse(
        "Patients who have not received insulin with HbA1c ≥ 7%", "inclusion"
    ).thresholds
    assert (limit.eligible.lower, limit.eligible.upper) == (7.0, None)


@pytest.mark.parametrize(
    "text",
    [
        "Able to walk for 30 minutes per session",
        "Exercise at least 150 minutes per week",
        "Sessions of 45 minutes three times a week",
        "Sleep less than 6 hours a night",
    ],
)
def test_how_long_each_time_is_no_window(text: str) -> None:
    assert parse(text, "inclusion").windows == ()


def test_a_period_in_hours_before_an_event_is_still_a_window() -> None:
    (w,) = parse("Symptom onset less than 6 hours before randomization", "inclusion").windows
    assert (w.days, w.anchor) == (0.25, "randomization")


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        # "over the …" looks back over the period: within it, not more than it
        ("Treatment with topical immunomodulators over the three months prior to enrolment", "<="),
        ("Pelvic pain present for ≥ 14 days/month over the 2 months prior to enrollment", "<="),
        ("Symptoms present over the past 3 months", "<="),
        # "over 3 months" with no "the" is more than 3 months
        ("Pain for over 3 months", ">"),
    ],
)
def test_over_the_period_is_a_look_back(text: str, comparator: str) -> None:
    windows = [w for w in parse(text, "inclusion").windows if w.days and w.days >= 60]
    assert [w.comparator for w in windows] == [comparator]
