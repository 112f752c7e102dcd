"""Thresholds: small cases named after the phenomenon, and the regressions
other rule-based parsers are known to get wrong."""

from __future__ import annotations

import pytest
from helpers import parse

from ctparse.nlp.extract import structured_criteria
from ctparse.nlp.study import text_criteria
from ctparse.schema import Eligibility, Threshold


def limits(text: str, section: str = "inclusion", start: int = 0) -> tuple[Threshold, ...]:
    return parse(text, section, start).thresholds


def one(text: str, section: str = "inclusion") -> Threshold:
    found = limits(text, section)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------ regressions peers get wrong


@pytest.mark.parametrize(
    ("text", "variable", "grades"),
    [
        ("American Society of Anesthesiologists GradeⅠ－II", "asa", (1.0, 2.0)),
        ("ASA Ⅰ-Ⅲ", "asa", (1.0, 2.0, 3.0)),
        ("NYHA class Ⅲ～Ⅳ", "nyha", (3.0, 4.0)),
    ],
)
def test_unicode_roman_numerals_and_fullwidth_signs_are_read(
    text: str, variable: str, grades: tuple
) -> None:
    t = one(text)
    assert t.variable == variable
    assert t.eligible_values == grades


@pytest.mark.parametrize(
    ("text", "variable"),
    [
        ("PaO2/FiO2 < 300", "pf_ratio"),
        ("P/F ratio ≤ 200 mmHg", "pf_ratio"),
        ("PaO2 < 60 mmHg on room air", "pao2"),
        ("PaCO2≥50mmHg when extubation", "paco2"),
        ("Partial pressure of arterial carbon dioxide (PaCO2) ≤ 45 mmHg", "paco2"),
    ],
)
def test_blood_gases_are_their_own_variables(text: str, variable: str) -> None:
    assert one(text).variable == variable


def test_european_thousands_per_mmc() -> None:
    t = one("Platelets <50.000 /mmc")
    assert (t.variable, t.comparator, t.value, t.unit) == ("platelets", "<", 50000, "/mmc")
    assert t.normalized is not None and (t.normalized.value, t.normalized.unit) == (50, "10^9/L")


def test_units_per_litre_are_not_inches() -> None:
    t = one("LDH > 200 U/L")
    assert (t.variable, t.comparator, t.value, t.normalized and t.normalized.unit) == (
        "ldh",
        ">",
        200,
        "U/L",
    )


def test_millimolar_is_not_millimetres() -> None:
    t = one("fasting glucose < 6 mM")
    assert t.variable == "glucose"
    assert t.normalized is not None and (t.normalized.value, t.normalized.unit) == (6, "mmol/L")


@pytest.mark.parametrize(
    ("text", "variable", "comparator", "value"),
    [
        ("AST > 5 times the upper normal range", "ast", ">", 5),
        ("total bilirubin<1.5 normal limit (ULN)", "bilirubin_total", "<", 1.5),
        ("ALT ≤ 3 x institutional ULN", "alt", "<=", 3),
        ("bilirubin ≤ 1.5 times the upper limit of normal", "bilirubin_total", "<=", 1.5),
    ],
)
def test_relative_to_uln(text: str, variable: str, comparator: str, value: float) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value, t.relative_to) == (
        variable,
        comparator,
        value,
        "ULN",
    )
    assert t.normalized is not None and t.normalized.unit == "ULN"


def test_ages_and_over_and_under_are_two_age_limits() -> None:
    low, high = limits("ages 19 and over, under 75")
    assert (low.variable, low.comparator, low.value) == ("age", ">=", 19)
    assert (high.variable, high.comparator, high.value) == ("age", "<", 75)


@pytest.mark.parametrize(
    ("text", "comparator", "values", "upper"),
    [
        ("ECOG 0,1", "in", (0, 1), 1),
        ("ECOG 0, 1 or 2", "in", (0, 1, 2), 2),
        ("ECOG performance status score of 0 or 1", "in", (0, 1), 1),
        ("WHO performance status 0-1", "in", (0, 1), 1),
        ("ECOG 0~2", "in", (0, 1, 2), 2),
        ("ECOG 2 or lower", "<=", None, 2),
        ("Zubrod ≤ 1", "<=", None, 1),
    ],
)
def test_ecog_forms(text: str, comparator: str, values: tuple | None, upper: float) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.values) == ("ecog", comparator, values)
    assert t.eligible is not None and t.eligible.upper == upper and t.eligible.upper_inclusive


def test_life_expectancy_in_weeks_is_normalized_to_days() -> None:
    t = one("life expectancy of at least 12 weeks")
    assert (t.variable, t.comparator, t.value, t.unit) == ("life_expectancy", ">=", 12, "weeks")
    assert t.normalized is not None and (t.normalized.value, t.normalized.unit) == (84, "days")


def test_copies_with_iu_equivalent_is_one_limit() -> None:
    text = "HBV-DNA above 1000 copies/mL (200 IU/mL)"
    t = one(text)
    assert (t.variable, t.comparator, t.value, t.unit) == ("hbv_dna", ">", 1000, "copies/mL")
    assert t.normalized is not None and (t.normalized.value, t.normalized.unit) == (200, "IU/mL")
    assert text[t.start : t.end].endswith("(200 IU/mL)")


# ---------------------------------------------------------- number forms


@pytest.mark.parametrize(
    "text",
    [
        "ANC ≥ 1,500/mm³",
        "ANC ≥ 1500/µL",
        "ANC ≥ 1.5 x 10^9/L",
        "ANC ≥ 1.5×10⁹/L",
        "ANC ≥ 1.5 x 10(9)/L",
        "ANC ≥ 1.5*10^9/L",
        "ANC ≥ 1.5 × 109/L",
        "ANC ≥ 1.5 G/L",
        "absolute neutrophil count greater than or equal to 1500 cells/mm3",
        "neutrophils ≧ 1.5 × 10^9/L",
        "ANC => 1500/mcL",
    ],
)
def test_cell_count_forms_normalize_to_1_5(text: str) -> None:
    t = one(text)
    assert t.variable == "anc" and t.comparator == ">="
    assert t.normalized is not None and (t.normalized.value, t.normalized.unit) == (1.5, "10^9/L")


@pytest.mark.parametrize(
    ("text", "variable", "value", "unit"),
    [
        ("hemoglobin ≥ 9 g/dL", "hemoglobin", 90, "g/L"),
        ("Hb ≥ 5.6 mmol/L", "hemoglobin", 90.24, "g/L"),
        ("serum creatinine ≤ 1.5 mg/dL", "creatinine", 132.6, "umol/L"),
        ("total bilirubin ≤ 2 mg/dL", "bilirubin_total", 34.2, "umol/L"),
        ("fasting glucose ≥ 126 mg/dL", "glucose", 6.993, "mmol/L"),
        ("platelets ≥ 100 x 10^9/L", "platelets", 100, "10^9/L"),
        ("platelet count ≥ 100,000/mm3", "platelets", 100, "10^9/L"),
    ],
)
def test_normalized_to_canonical_unit(text: str, variable: str, value: float, unit: str) -> None:
    t = one(text)
    assert t.variable == variable
    assert t.normalized is not None
    assert t.normalized.value == pytest.approx(value, rel=1e-3) and t.normalized.unit == unit


def test_number_words() -> None:
    t = one("life expectancy of more than three months")
    assert (t.comparator, t.value, t.unit) == (">", 3, "months")


@pytest.mark.parametrize("dash", ["-", "–", "—", "~", " to "])
def test_ranges_with_any_dash(dash: str) -> None:
    t = one(f"Age 18{dash}75 years")
    assert (t.variable, t.comparator, t.value, t.value_max) == ("age", "between", 18, 75)


def test_between_x_and_y() -> None:
    t = one("BMI between 18.5 and 30 kg/m2")
    assert (t.variable, t.comparator, t.value, t.value_max) == ("bmi", "between", 18.5, 30)


@pytest.mark.parametrize(
    ("phrase", "comparator"),
    [
        ("at least", ">="),
        ("no less than", ">="),
        ("not below", ">="),
        ("greater than or equal to", ">="),
        ("more than", ">"),
        ("over", ">"),
        ("exceeding", ">"),
        ("no more than", "<="),
        ("up to", "<="),
        ("not exceeding", "<="),
        ("under", "<"),
        ("below", "<"),
        ("≥", ">="),
        (">=", ">="),
        ("≤", "<="),
        ("<", "<"),
    ],
)
def test_prefix_comparator_phrases(phrase: str, comparator: str) -> None:
    assert one(f"creatinine clearance {phrase} 60 mL/min").comparator == comparator


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("Karnofsky 70 or more", ">="),
        ("Karnofsky 70 or above", ">="),
        ("Karnofsky 70 or higher", ">="),
        ("18 years and older", ">="),
        ("BMI 35 kg/m2 or less", "<="),
        ("BMI 35 or lower", "<="),
    ],
)
def test_suffix_comparator_phrases(text: str, comparator: str) -> None:
    assert one(text).comparator == comparator


# ---------------------------------------------------------- structure


def test_one_limit_applies_to_each_listed_variable() -> None:
    ast, alt = limits("AST and ALT ≤ 2.5 × ULN")
    assert (ast.variable, alt.variable) == ("ast", "alt")
    assert ast.value == alt.value == 2.5 and ast.start == alt.start


def test_typo_alst_is_alt() -> None:
    found = limits("ASAT & ALST ≤1.5 times ULN")
    assert [t.variable for t in found] == ["ast", "alt"]


def test_conditional_limit_shares_group_and_has_condition() -> None:
    base, conditional = limits("AST ≤ 2.5 × ULN (≤ 5 × ULN if liver metastases are present)")
    assert conditional.condition == "if liver metastases are present"
    assert base.condition is None
    assert base.group is not None and base.group == conditional.group


def test_alternatives_share_a_group() -> None:
    creatinine, clearance = limits("creatinine ≤ 1.5 mg/dL or CrCl ≥ 60 mL/min")
    assert (creatinine.variable, clearance.variable) == ("creatinine", "crcl")
    assert creatinine.group is not None and creatinine.group == clearance.group


def test_conjoined_limits_are_not_grouped() -> None:
    low, high = limits("Age ≥18 and ≤80 years")
    assert low.group is None and high.group is None


def test_exclusion_eligible_is_the_complement() -> None:
    t = one("ANC < 1.5 × 10^9/L", section="exclusion")
    assert t.eligible is not None
    assert (t.eligible.lower, t.eligible.lower_inclusive, t.eligible.upper) == (1.5, True, None)


def test_exclusion_of_an_interval_has_no_single_range() -> None:
    assert one("Age 18-65 years", section="exclusion").eligible is None


def test_exclusion_of_ordinal_set_keeps_the_rest_of_the_scale() -> None:
    t = one("ECOG 2-5", section="exclusion")
    assert t.eligible is not None and (t.eligible.lower, t.eligible.upper) == (0, 1)


def test_offsets_index_the_whole_eligibility_text() -> None:
    text = "Inclusion: ANC ≥ 1500/mm3"
    (criterion,) = text_criteria(text).criteria
    t = criterion.thresholds[0]
    assert criterion.start == 11 and text[t.start : t.end] == "≥ 1500/mm3"


def test_versions_and_list_markers_are_not_limits() -> None:
    # the count of lesions is a limit (a count); "1." and "v1.1" are not
    found = limits("1. According to RECIST v1.1, at least one measurable lesion")
    assert [(t.variable, t.value, t.entity) for t in found] == [("count", 1, "measurable lesion")]


def test_bare_number_after_lab_name_is_not_a_limit() -> None:
    assert limits("grade 3 ALT elevation on day 15") == () or all(
        t.variable != "alt" for t in limits("grade 3 ALT elevation on day 15")
    )


def test_structured_ages_become_age_thresholds() -> None:
    (criterion,) = structured_criteria(Eligibility(minimum_age="18 Years", maximum_age="6 Months"))
    low, high = criterion.thresholds
    assert (low.variable, low.comparator, low.value, low.source) == ("age", ">=", 18, "structured")
    assert high.normalized is not None and high.normalized.value == 0.5
    assert structured_criteria(Eligibility(minimum_age="N/A")) == ()


# ------------------------------------------------ phenomena from the dev-gold error analysis


@pytest.mark.parametrize(
    ("text", "comparator", "value"),
    [
        ("Minimum age: 18 years old", ">=", 18),
        ("Men >50-year-old", ">", 50),
        ("Inpatient ≥18 y.o. who are scheduled for colonoscopy", ">=", 18),
        ("female and less then 60 y/o", "<", 60),
        ("Any patient ≥18 who presents for a colonoscopy", ">=", 18),
    ],
)
def test_age_written_forms(text: str, comparator: str, value: float) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value) == ("age", comparator, value)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Age: 20 years old to 70 years of age.", 20, 70),
        ("being 65-80 aged.", 65, 80),
        ("20-70 age", 20, 70),
    ],
)
def test_age_range_written_without_comparator(text: str, low: float, high: float) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value, t.value_max) == ("age", "between", low, high)


def test_person_before_a_count_is_no_age() -> None:
    assert all(t.variable != "age" for t in limits("women >4 drinks/occasion for men"))


def test_page_number_is_no_age() -> None:
    assert limits("REDOSE, February 2019 Page 7 of 53 fatigue") == ()


def test_two_bounds_stay_two_limits_as_written() -> None:
    low, high = limits("Age ≥20 and ≤40 years")
    assert [(t.comparator, t.value) for t in (low, high)] == [(">=", 20), ("<=", 40)]


def test_decimal_comma_after_a_comparator() -> None:
    low, high = limits("BMI ≥18,5 and ≤27,5")
    assert (low.variable, low.value, high.value) == ("bmi", 18.5, 27.5)
    assert one("ANC ≥ 1,500/mm3").value == 1500  # a thousands comma stays one


@pytest.mark.parametrize(
    ("text", "variable", "value", "unit"),
    [
        ("Weight stable (±5kg) for at least 6 months", "weight", 5, "kg"),
        ("Weight change (± 5 kg) in the past 6 months", "weight_change", 5, "kg"),
        ("matched for age (± 5 years), sex and physical activity", "age", 5, "years"),
    ],
)
def test_plus_minus_tolerance(text: str, variable: str, value: float, unit: str) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value, t.unit) == (variable, "+-", value, unit)
    # A tolerance bounds the size of a change ("weight change ± 5 kg"); of anything
    # else it says no range ("matched for age ± 5 years", "weight stable ± 5 kg").
    upper = (t.eligible.upper, t.eligible.upper_inclusive) if t.eligible else None
    assert upper == ((5.0, True) if variable == "weight_change" else None)


@pytest.mark.parametrize(
    ("text", "variable", "values"),
    [
        ("Anesthesia classification (ASA): I-III.", "asa", (1, 2, 3)),
        ("Age: 45 years", "age", None),
    ],
)
def test_colon_labels_a_value(text: str, variable: str, values: tuple | None) -> None:
    t = one(text)
    assert t.variable == variable and t.values == values


@pytest.mark.parametrize(
    ("text", "variable", "comparator", "value"),
    [
        ("Co-morbidity >ASA II", "asa", ">", 2),
        ("heart failure greater than NYHA 2", "nyha", ">", 2),
    ],
)
def test_comparator_before_the_scale_name(text, variable, comparator, value) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value) == (variable, comparator, value)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("CHA2DS2VASc score ≥2 for male and ≥3 for female", "CHA2DS2VASc"),
        ("Cyclophosphamide + TBI (> 500 cGy (single) or > 800cGy (fractionated))", "TBI"),
        (
            "the curvature measured in the spine is less than 10 degrees or more than 40",
            "curvature",
        ),
        ("QTc values >440 ms (men) and >450 ms (women)", "QTc"),
    ],
)
def test_parallel_limits_with_qualifiers_share_the_entity(text: str, entity: str) -> None:
    first, second = limits(text)
    assert first.variable == second.variable and first.entity == second.entity
    assert entity in (first.entity or "")


def test_a_noun_after_the_limit_names_a_new_entity() -> None:
    *_, last = limits(
        "without misalignment (axial radial shortening <5mm), <2mm intraarticular stepoff"
    )
    assert last.entity == "intraarticular stepoff"


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        (
            "A baseline score of greater than 5 on the Roland-Morris Disability Questionnaire",
            "Roland-Morris Disability Questionnaire",
        ),
        (
            "defined by a minimum score of ≥ 22 on the Montgomery-Åsberg Depression Scale.",
            "Montgomery-Åsberg Depression Scale",
        ),
    ],
)
def test_score_on_a_named_scale(text: str, entity: str) -> None:
    assert one(text).entity == entity


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("UAS7 score (range 0-42) ≥16", "UAS7"),
        (
            "Patients with a ≥20mm non-pedunculated colorectal polyp",
            "non-pedunculated colorectal polyp",
        ),
        ("Must be able to provide a minimum of 10 mL of whole blood at each visit", "whole blood"),
        ("Adherence rate of less than 80% of the total interventions.", "Adherence rate"),
        ("A minimum of 40% speech recognition in the Freiburg test", "speech recognition"),
    ],
)
def test_entity_of_an_unknown_variable(text: str, entity: str) -> None:
    assert one(text).entity == entity


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        # the conjunction joins two limits; it is no part of the second one's name
        ("Bishop score < 7 and cervical dilation ≤2 cm", ["Bishop", "cervical dilation"]),
        ("AFI < 5 or MVP < 2", ["AFI", "MVP"]),
        # a period or a frequency before belongs to a number of its own
        (
            "more than 3 ED visits in the prior 12 months, or at least 1 ambulatory "
            "care-sensitive hospitalization in the prior 12 months",
            ["ED visits", "ambulatory care-sensitive hospitalization"],
        ),
    ],
)
def test_entities_of_unknown_variables_side_by_side(text: str, entities: list[str]) -> None:
    assert [t.entity for t in limits(text)] == entities


@pytest.mark.parametrize(
    "text",
    ["All births more than 24 + 0 weeks", "Born beyond 33 Week", "within the 6 previous months"],
)
def test_a_period_is_left_to_windows(text: str) -> None:
    assert limits(text) == ()


@pytest.mark.parametrize(
    ("text", "comparator", "sbp", "dbp"),
    [
        ("BP ≥ 160/100 mmHg", ">=", 160, 100),
        ("Systolic/diastolic blood pressure < 140/90", "<", 140, 90),
        ("hypotension (blood pressure less than 90/60 mm Hg)", "<", 90, 60),
    ],
)
def test_blood_pressure_pair(text: str, comparator: str, sbp: float, dbp: float) -> None:
    systolic, diastolic = limits(text)
    assert (systolic.variable, systolic.comparator, systolic.value) == ("sbp", comparator, sbp)
    assert (diastolic.variable, diastolic.comparator, diastolic.value) == ("dbp", comparator, dbp)
    assert diastolic.normalized is not None and diastolic.normalized.unit == "mmHg"


def test_score_out_of_ten_is_no_blood_pressure() -> None:
    assert [t.variable for t in limits("neuropathic pain > 4/10 score")] == ["other"]


@pytest.mark.parametrize(
    ("text", "comparator", "value", "value_max"),
    [
        ("full-term (≥ 37 weeks of gestation)", ">=", 37, None),
        ("preterm neonates born at 26 to 34 weeks of gestational age", "between", 26, 34),
        ("intrauterine pregnancy (IUP) < 70 days' gestation on ultrasound", "<", 70, None),
    ],
)
def test_gestational_age_named_after_the_period(text, comparator, value, value_max) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value, t.value_max) == (
        "gestational_age",
        comparator,
        value,
        value_max,
    )


def test_a_period_of_treatment_stays_a_window() -> None:
    assert limits("at least 4 weeks of treatment") == ()


# ------------------------------------------------ curator's findings on seed 004


@pytest.mark.parametrize(
    ("text", "variable", "section"),
    [
        # no section says which side is stated (an inclusion reads the lexicon's
        # direction: tests/test_comparator_forms.py)
        ("ANC = 1500/mm3", "anc", "unknown"),
        ("hemoglobin = 9 g/dL", "hemoglobin", "unknown"),
        ("Age = 18 years", "age", "unknown"),
        # no direction in the lexicon
        ("Karnofsky = 70", "karnofsky", "inclusion"),
    ],
)
def test_mirror_equals_on_a_continuous_variable_has_no_direction(
    text: str, variable: str, section: str
) -> None:
    parsed = parse(text, section)
    (t,) = parsed.thresholds
    assert (t.variable, t.comparator, t.eligible) == (variable, "=", None)
    assert parsed.status == "partial"  # a number seen, its direction unknown


@pytest.mark.parametrize(
    ("text", "eligible"),
    [("ECOG = 1", (1, 1)), ("grade 2 neuropathy", (2, 2))],
)
def test_ordinal_exact_value_stays_a_point(text: str, eligible: tuple) -> None:
    t = one(text)
    assert t.eligible is not None and (t.eligible.lower, t.eligible.upper) == eligible


def test_direction_written_after_a_mirror_equals_counts() -> None:
    t = one("ANC = 1500/mm3 or more")
    assert (t.comparator, t.eligible and t.eligible.lower) == (">=", 1.5)


@pytest.mark.parametrize(
    "text",
    [
        "hemoptysis (defined as coughing up or spitting out ≥1 teaspoon fresh blood or small clots)",
        "Subjects with a minimum of 1 and a maximum of 12 primary anterior teeth",
    ],
)
def test_number_with_no_unit_and_nothing_measured_stays_unplaced(text: str) -> None:
    parsed = parse(text, "exclusion")
    assert not [t for t in parsed.thresholds if t.variable == "other"]
    assert parsed.status == "partial"


def test_other_with_a_measured_entity_is_kept() -> None:
    t = one("Beighton score cut-off ≥ 5")
    assert (t.variable, t.entity, t.comparator) == ("other", "Beighton score cut-off", ">=")


@pytest.mark.parametrize(
    ("text", "comparator", "value", "value_max"),
    [
        ("parental consent/adolescent assent for those 12-17 years", "between", 12, 17),
        ("consent for those 18-21 years", "between", 18, 21),
        ("Every patient more than 18 years who was admitted", ">", 18, None),
        ("children aged 6-11 years", "between", 6, 11),
    ],
)
def test_years_after_a_person_are_an_age(text, comparator, value, value_max) -> None:
    parsed = parse(text, "inclusion")
    (t,) = parsed.thresholds
    assert (t.variable, t.comparator, t.value, t.value_max) == ("age", comparator, value, value_max)
    assert parsed.windows == ()


def test_years_after_a_person_that_date_an_event_are_no_age() -> None:
    assert not [
        t for t in limits("Patients > 2 years after transplantation") if t.variable == "age"
    ]


@pytest.mark.parametrize(
    ("text", "variable"),
    [
        ("Creatine ≥1.5 mg/dL", "creatinine"),  # a misspelling with creatinine's unit
        ("creatine kinase > 2.5 × ULN", "ck"),
        ("creatine supplements > 3 g/day", None),  # the supplement: no creatinine unit
    ],
)
def test_misspelled_variable_needs_its_unit(text: str, variable: str | None) -> None:
    assert [t.variable for t in limits(text)] == ([variable] if variable else [])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hemoglobin ≥5.6 mmol/L (9g/dL)", 90),  # the exact equivalent decides
        ("hemoglobin ≥ 9 g/dL (5.6 mmol/L)", 90),
        ("Haemoglobin < 6 mmol/L", 96.68),  # 6 × 16.114, to four significant digits
        ("Serum creatinine > 1.4 mg/dl", 123.8),
        ("Body weight > 450 lbs", 204.1),
        ("platelet count ≥ 123,456/mm3", 123.456),  # an exact conversion keeps every digit
    ],
)
def test_normalized_value_has_no_excess_precision(text: str, value: float) -> None:
    t = one(text)
    assert t.normalized is not None and t.normalized.value == value
    assert t.eligible is not None and value in (t.eligible.lower, t.eligible.upper)


# ------------------------------------------------ curator sample (ages, scores, sexes, units)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Adult patients (≥ 18 years) with no age limit", 18),
        ("Women (≥ 50 years)", 50),
        ("Subjects ≥ 18 years", 18),
    ],
)
def test_years_after_a_person_in_parentheses_are_an_age(text: str, value: float) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value) == ("age", ">=", value)
    assert t.normalized is not None and t.normalized.unit == "years"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Patients with chemotherapy within 3 years before enrollment", 1095),
        ("Patients treated with metformin for at least 2 years", 730),
        ("Participants with cancer in the past 5 years", 1825),
        ("Patients (≥ 2 years) after transplant", 730),
    ],
)
def test_years_dating_an_event_stay_a_window(text: str, days: int) -> None:
    criterion = parse(text, "inclusion")
    assert not [t for t in criterion.thresholds if t.variable == "age"]
    assert [w.days for w in criterion.windows] == [days]


@pytest.mark.parametrize(
    ("text", "variable", "comparator", "value"),
    [
        ("Gleason score >= 8", "gleason", ">=", 8),
        ("International Prostate Symptom Score (IPSS) >=8", "ipss", ">=", 8),
        ("MMSE score ≥ 24", "mmse", ">=", 24),
        ("NIHSS score ≥ 6", "nihss", ">=", 6),
        ("Glasgow Coma Scale < 8", "gcs", "<", 8),
        ("HAM-D score ≥ 18", "hamd", ">=", 18),
        ("EDSS score ≤ 5.5", "edss", "<=", 5.5),
        ("MELD score < 15", "meld", "<", 15),
        ("Charlson Comorbidity Index ≥ 3", "charlson", ">=", 3),
        ("pre-stroke modified Rankin Scale score ≤ 1", "mrs", "<=", 1),
        ("ISUP grade group ≥ 2", "grade_group", ">=", 2),
        ("PSA doubling time ≤ 10 months", "psa_doubling_time", "<=", 10),
    ],
)
def test_named_clinical_scores_are_variables(
    text: str, variable: str, comparator: str, value: float
) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value) == (variable, comparator, value)


def test_gleason_sum_parts_are_no_limits() -> None:
    t = one("Gleason 3+4=7")
    assert (t.variable, t.value, t.eligible and t.eligible.lower) == ("gleason", 7, 7)


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("BMI large than 35 kg/m2", ">"),
        ("BMI larger then 35 kg/m2", ">"),
        ("BMI bigger then 35 kg/m2", ">"),
        ("BMI less or equal to 35 kg/m2", "<="),
        ("BMI lesser than 35 kg/m2", "<"),
    ],
)
def test_misspelled_comparators(text: str, comparator: str) -> None:
    t = one(text)
    assert (t.variable, t.comparator, t.value) == ("bmi", comparator, 35)


@pytest.mark.parametrize(
    ("text", "conditions"),
    [
        (
            "Men with body mass index(BMI) large than 42，Females with BMI large than 35.",
            ["for men", "for women"],
        ),
        ("hemoglobin ≥ 13 g/dL for men and ≥ 12 g/dL for women", ["for men", "for women"]),
        ("QTcF > 450 ms (men) or > 470 ms (women)", ["for men", "for women"]),
        (
            "Males: creatinine ≤ 1.4 mg/dL; females: creatinine ≤ 1.2 mg/dL",
            ["for men", "for women"],
        ),
        ("Women with hemoglobin < 12 g/dL", [None]),
        ("Men and women with BMI > 30 kg/m2", [None]),
    ],
)
def test_per_sex_limits_carry_their_sex_as_condition(text: str, conditions: list) -> None:
    found = limits(text)
    assert [t.condition for t in found] == conditions
    if len(found) == 2:
        assert found[0].variable == found[1].variable and found[0].group == found[1].group


def test_fullwidth_punctuation_separates_like_ascii() -> None:
    low, high = limits("Men with BMI large than 42，Females with BMI large than 35；")
    assert (low.value, high.value) == (42, 35)
    assert (low.entity, high.entity) == ("BMI", "BMI")


@pytest.mark.parametrize(
    ("text", "variable", "value", "unit"),
    [
        ("ALT ≥ level 50 IU/L", "alt", 50, "IU/L"),
        ("platelets above values of 100 × 10^9/L", "platelets", 100, "× 10^9/L"),
        ("CD4 > count of 200 cells/µL", "cd4", 200, "cells/µL"),
    ],
)
def test_filler_words_between_comparator_and_number(
    text: str, variable: str, value: float, unit: str
) -> None:
    t = one(text)
    assert (t.variable, t.value, t.unit) == (variable, value, unit)
    assert t.comparator in (">", ">=")


@pytest.mark.parametrize(
    ("text", "variable"),
    [
        ("AST level ≥100 IU/mL", "ast"),
        ("platelets ≥ 100 mg/dL", "platelets"),
        ("weight loss > 5 kg", "weight_loss"),
    ],
)
def test_unit_that_does_not_fit_the_variable_is_not_normalized(text: str, variable: str) -> None:
    criterion = parse(text, "inclusion")
    (t,) = criterion.thresholds
    assert (t.variable, t.normalized, t.eligible) == (variable, None, None)
    assert t.unit is not None and criterion.status == "partial"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("CD4 count > 350 cells/µL", 0.35, "10^9/L"),
        ("estimated glomerular filtration rate < 35 mL/min", 35, "mL/min/1.73m2"),
        ("infants younger than 72 hours of age", 0.008219, "years"),
        ("Body mass index 18.5-29.9 kg∙m-2", 18.5, "kg/m2"),
    ],
)
def test_units_that_fit_are_normalized(text: str, value: float, unit: str) -> None:
    t = one(text)
    assert t.normalized is not None
    assert (t.normalized.value, t.normalized.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    ("text", "variable", "grades"),
    [
        # an ordinal scale named after its grades
        (
            "general health condition I-III of American Society of Anesthesiologists (ASA)",
            "asa",
            (1, 2, 3),
        ),
        ("class I-II according to ASA classification", "asa", (1, 2)),
        ("grade I-II according to the NYHA classification", "nyha", (1, 2)),
        ("Stages of the disease 2-3 of Hoehn and Yahr", "hoehn_yahr", (2, 2.5, 3)),
        # a bare class beside a condition the scale grades
        ("Class III or IV congestive heart failure", "nyha", (1, 2)),
    ],
)
def test_a_scale_named_after_its_grades(text: str, variable: str, grades: tuple) -> None:
    threshold = one(text, "exclusion" if "heart failure" in text else "inclusion")
    assert threshold.variable == variable
    assert threshold.eligible_values == tuple(float(g) for g in grades)


@pytest.mark.parametrize(
    "text", ["Gleason score 7 of the prostate", "class II obesity", "grade 3 neuropathy"]
)
def test_words_after_a_grade_that_name_no_other_scale(text: str) -> None:
    assert all(t.variable in ("gleason", "ctcae_grade") for t in limits(text))


@pytest.mark.parametrize(
    ("text", "variable", "unit", "expected"),
    [
        ("145 mmHg ≤ msSBP ≤ 190 mmHg", "sbp", "mmHg", [(">=", 145.0), ("<=", 190.0)]),
        # The unit written once, after the second limit, is the first's too.
        ("145 ≤ SBP ≤ 190 mmHg", "sbp", "mmHg", [(">=", 145.0), ("<=", 190.0)]),
        ("190 ≥ SBP ≥ 145 mmHg", "sbp", "mmHg", [("<=", 190.0), (">=", 145.0)]),
        ("18 <Age <80 years old", "age", "years", [(">", 18.0), ("<", 80.0)]),
        ("30 < BMI", "bmi", None, [(">", 30.0)]),
    ],
)
def test_a_limit_written_before_its_name_is_read_the_other_way_round(
    text: str, variable: str, unit: str | None, expected: list[tuple[str, float]]
) -> None:
    """ "145 mmHg ≤ SBP" is SBP ≥ 145; between two limits the name takes both."""
    found = limits(text)
    assert [(t.variable, t.comparator, t.value) for t in found] == [
        (variable, op, value) for op, value in expected
    ], found
    assert [t.unit for t in found] == [unit] * len(found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A number that ends a name is no limit before a comparator.
        ("CA 125 > ULN", [("ca125", ">", 1.0)]),
        ("IL 6 > upper limit of normal", [("other", ">", 1.0)]),
        # A comparator followed by no variable name limits nothing.
        ("6 months ≤ time since stroke", []),
        ("Aged 18 > and < 65", [("age", "<", 65.0)]),
    ],
)
def test_a_number_before_a_comparator_limits_only_a_name_written_after_it(
    text: str, expected: list[tuple[str, str, float]]
) -> None:
    assert [(t.variable, t.comparator, t.value) for t in limits(text)] == expected
