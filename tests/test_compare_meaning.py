"""Compare at the level of what criteria mean, on the phrasings issue 10 names: eligible
sets of ordinal scales, paraphrases paired, unrelated criteria kept apart, verdicts
for criteria without numbers, and the inputs people have (plain text, one study of a
page, a record linked to its registry record)."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS, SAMPLES, need_shared
from helpers import exclusion, inclusion, rows, run

import ctparse
from ctparse.corpus import Corpus

PAGE = SAMPLES / "api_v2_studies_page.json"


def only_row(a: str, b: str):
    (row,) = rows(a, b)
    return row


# ----------------------------------------------------------- ordinal scales


@pytest.mark.parametrize(
    ("text", "grades"),
    [
        ("ECOG 2-4", (0, 1)),
        ("ECOG 3 or 4", (0, 1, 2)),
        ("ASA 4 or 5", (1, 2, 3)),
        ("NYHA class III-IV", (1, 2)),
        ("NYHA class II or higher", (1,)),
        ("Karnofsky < 70", (70, 80, 90, 100)),
    ],
)
def test_an_excluded_set_leaves_the_rest_of_the_scale(text: str, grades: tuple) -> None:
    (threshold,) = ctparse.thresholds(text, section="exclusion")
    assert threshold.eligible is not None
    assert threshold.eligible_values == tuple(float(g) for g in grades)


def test_excluding_iii_iv_against_excluding_ii_or_higher_makes_b_stricter() -> None:
    row = only_row(exclusion("NYHA class III-IV"), exclusion("NYHA class II or higher"))
    assert row.verdict == "b_stricter", row.detail
    assert row.detail == "A also admits NYHA functional class 2; B needs 1"


def test_two_exclusions_of_one_class_are_said_as_excluded() -> None:
    row = only_row(exclusion("NYHA class III-IV"), exclusion("NYHA functional class III or IV"))
    assert row.verdict == "same"
    assert row.detail.startswith("both exclude NYHA functional class 3–4"), row.detail


def test_an_inclusion_and_the_complementary_exclusion_are_the_same() -> None:
    row = only_row(inclusion("ECOG 0-1"), exclusion("ECOG performance status 2, 3 or 4"))
    assert (row.verdict, row.detail) == ("same", "both require ECOG 0–1")


def test_a_bare_class_of_heart_failure_is_the_nyha_class() -> None:
    # NCT05013879 exc-1 against NCT04175379 exc-1: both keep out classes III and IV
    row = only_row(
        exclusion("stage III or IV heart failure, stage III or IV renal failure"),
        exclusion("patients with heart failure (NYHA class III~IV)"),
    )
    assert "sets no limit" not in row.detail, row.detail
    assert row.detail.startswith("both exclude NYHA functional class 3–4"), row.detail


def test_an_excluded_class_is_never_said_as_required(samples) -> None:
    studies = {s.nct_id: s for s in ctparse.read_studies(PAGE)}
    comparison = ctparse.compare(studies["NCT06714279"], studies["NCT04175379"])
    (row,) = [p for p in comparison.pairs if p.variable == "nyha"]
    assert "B excludes NYHA functional class 3–4" in row.detail, row.detail


# ------------------------------------------------------------- paraphrases


@pytest.mark.parametrize(
    ("a", "b", "concept"),
    [
        ("Current PD diagnosis", "With a clinical diagnosis of Parkinson's disease", "Parkinson"),
        ("Chronic AD for at least 2 years", "Diagnosis of atopic dermatitis", "atopic"),
    ],
)
def test_an_ambiguous_acronym_is_read_through_the_name_the_other_trial_spells(
    a: str, b: str, concept: str
) -> None:
    row = only_row(inclusion(a), inclusion(b))
    assert row.verdict not in ("only_a", "only_b")
    assert concept.lower() in row.detail.lower()


def test_current_said_of_a_diagnosis_narrows_nothing() -> None:
    row = only_row(inclusion("Current diagnosis of asthma"), inclusion("Diagnosis of asthma"))
    assert row.verdict == "same", row.detail
    row = only_row(inclusion("Current asthma"), inclusion("History of asthma"))
    assert row.verdict == "a_stricter", row.detail


def test_an_acronym_two_names_spell_is_read_through_neither() -> None:
    """Both required: neither is the one disease the trials are about."""
    found = rows(
        inclusion("Current PD diagnosis"),
        inclusion("Parkinson's disease", "On peritoneal dialysis"),
    )
    assert any(r.verdict == "only_a" for r in found)


def test_a_difficult_airway_in_other_words_is_the_same() -> None:
    row = only_row(
        exclusion("anticipated difficult mask ventilation/ intubation"),
        exclusion("Difficult airway"),
    )
    assert row.verdict == "same", row.detail


def test_a_bracket_spelling_out_a_denied_entity_is_denied_with_it() -> None:
    row = only_row(
        inclusion("Without replacement therapy (dialysis or hemodialysis)"),
        exclusion("Patients on dialysis"),
    )
    assert row.verdict == "same", row.detail


def test_a_negative_pregnancy_test_required_is_pregnancy_excluded() -> None:
    row = only_row(inclusion("Negative serum pregnancy test"), exclusion("Pregnant women"))
    assert row.verdict == "same", row.detail
    row = only_row(inclusion("Negative pregnancy test"), exclusion("Pregnancy or breastfeeding"))
    assert row.verdict == "b_stricter", row.detail


def test_intact_membranes_required_are_rupture_excluded() -> None:
    row = only_row(inclusion("Intact membranes"), exclusion("Ruptured membranes"))
    assert (row.verdict, row.detail) == ("same", "both exclude rupture of membranes")


def test_a_need_for_intubation_and_an_order_against_it_are_one_question() -> None:
    row = only_row(exclusion("Immediate need for intubation"), exclusion("Do-not-intubate"))
    assert row.verdict == "different", row.detail


def test_an_allergy_reaches_every_conjunct_past_a_head_noun() -> None:
    """ "local anesthetic drug or opioids": the allergy is to both; an allergy to local
    anaesthesia is one to the local anaesthetic it gives."""
    row = only_row(
        exclusion("Allergy to local anaesthesia"),
        exclusion("Allergy to local anesthetic drug or opioids"),
    )
    assert (row.verdict, row.detail) == ("b_stricter", "B excludes an allergy to opioid")


def test_alternatives_an_inclusion_offers_admit_more() -> None:
    row = only_row(inclusion("Breast cancer"), inclusion("Breast or ovarian cancer"))
    assert (row.verdict, row.detail) == ("a_stricter", "B also admits ovarian cancer")
    row = only_row(inclusion("Breast, ovarian or endometrial cancer"), inclusion("Breast cancer"))
    assert row.verdict == "b_stricter", row.detail
    row = only_row(inclusion("Diabetes and hypertension"), inclusion("Diabetes or hypertension"))
    assert row.verdict == "a_stricter", row.detail
    assert row.detail.endswith(", B any one of them"), row.detail
    # A restated subject after "or" offers another kind of patient.
    row = only_row(
        inclusion("Patients with diabetes or patients with hypertension"), inclusion("Diabetes")
    )
    assert (row.verdict, row.detail) == ("b_stricter", "A also admits hypertension")
    # Exclusions of a list exclude each: no alternatives.
    row = only_row(exclusion("HIV or hepatitis B"), exclusion("HIV"))
    assert row.verdict == "a_stricter", row.detail


def test_a_hanging_prefix_offers_both_kinds() -> None:
    row = only_row(inclusion("Major depressive disorder"), inclusion("Uni- or bipolar depression"))
    assert (row.verdict, row.detail) == ("a_stricter", "B also admits bipolar disorder")


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        (
            "Radiotherapy within 14 days before the first dose",
            "Radiation therapy within 2 weeks prior to first dose",
            "same",
        ),
        ("Prior treatment with a PD-1 inhibitor", "Previous anti-PD-1 therapy", "same"),
        ("Pregnant or breastfeeding", "Women who are pregnant or nursing", "same"),
        ("Active HBV infection", "Active hepatitis B", "same"),
    ],
)
def test_paraphrases_pair_and_say_the_same(a: str, b: str, verdict: str) -> None:
    row = only_row(exclusion(a), exclusion(b))
    assert row.verdict == verdict, row.detail
    assert row.confidence is not None and row.confidence >= 0.5


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            inclusion("Patients have to be able to give informed consent"),
            exclusion("Participant is mentally or legally incapacitated"),
        ),
        (
            exclusion("Known hypersensitivity to any component of the study drug"),
            exclusion("Allergy to study medication"),
        ),
        (exclusion("Unable to read or write"), exclusion("Illiteracy")),
        (
            inclusion("Those who voluntarily decide to participate"),
            inclusion("Signed informed consent"),
        ),
        (inclusion("Written informed consent"), exclusion("Refusal to participate")),
        (exclusion("Patient refusal"), exclusion("Refusal to participate in the study")),
    ],
)
def test_administrative_demands_in_other_words_are_the_same(a, b) -> None:
    """Excluding incapacity is requiring consent (the lexicon's ``negates``); the
    components of the study drug are the study drug."""
    (row,) = rows(a, b)
    assert row.verdict == "same", row.detail


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        (inclusion("Adult patient"), inclusion("Over 18 years old"), "same"),
        (inclusion("Adults"), inclusion("Age 18 years or older"), "same"),
        (exclusion("Minors"), inclusion("Age ≥ 18 years"), "same"),
        (inclusion("Both sexes aged between 20-90 years."), inclusion("Adults"), "a_stricter"),
        (inclusion("Adult volunteers"), inclusion("Age 18 to 65 years"), "b_stricter"),
    ],
)
def test_an_age_said_in_words_is_an_age_limit(a, b, verdict: str) -> None:
    """ "Adult" is age 18 or older and "minors" are under 18 (compare reads the words;
    the extractor does not), and "over 18" is 18 or older."""
    (row,) = [r for r in rows(a, b) if r.variable == "age"]
    assert row.verdict == verdict, row.detail


def test_an_age_before_who_the_patient_is_is_a_piece_of_its_own() -> None:
    """ "Adults with a Colles' fracture": the adult is in the age row, the fracture not."""
    found = rows(
        inclusion("Adults with Colles' type fractures of the distal radius"),
        inclusion("Age > 18 years"),
    )
    (age,) = [p for p in found if p.variable == "age"]
    assert (age.a_ids, age.verdict) == (("inc-1.1",), "same"), age.detail
    assert [p.a_ids for p in found if p.verdict == "only_a"] == [("inc-1.2",)]


def test_an_age_before_what_the_patient_needs_is_a_piece_of_its_own() -> None:
    found = rows(
        inclusion("Patients under 40 or over 60 years of age who require spinal anesthesia"),
        inclusion("Age: 20 years old to 70 years of age."),
    )
    (age,) = [p for p in found if p.variable == "age"]
    assert (age.a_ids, age.verdict) == (("inc-1.1",), "different"), age.detail
    # The two limits are alternatives: over 65 is within one of them ("over 60" is 60 or
    # older in whole years).
    row = only_row(inclusion("Patients under 40 or over 60 years of age"), inclusion("Age over 65"))
    assert (row.verdict, row.detail) == (
        "b_stricter",
        "A admits age < 40 years or ≥ 60 years, B only > 65 years",
    )


def test_limits_of_another_criterion_narrow_each_alternative() -> None:
    row = only_row(
        inclusion("Age under 40 or over 60", "Age 18 years or older"), inclusion("Age 18-80")
    )
    assert row.verdict == "different", row.detail
    assert "≥ 18 and < 40 years or ≥ 60 years" in row.detail, row.detail


def test_in_an_exclusion_an_age_and_who_the_patient_is_stay_one() -> None:
    found = rows(
        exclusion("Patients over 75 years of age who require dialysis"), exclusion("Dialysis")
    )
    # (the verdict is not asserted: ctparse reads the age and the dialysis as excluded each
    # on its own; an exclusion of both together is not modelled)
    assert [r.a_ids for r in found] == [("exc-1",)]


def test_a_series_joins_alternatives_of_one_kind_only() -> None:
    row = only_row(
        inclusion("Stage IV breast cancer, HER2 or ER positive"),
        inclusion("Stage IV breast cancer"),
    )
    assert row.verdict == "a_stricter", row.detail
    row = only_row(
        inclusion("Treated with lopinavir/ritonavir"), inclusion("Treated with lopinavir")
    )
    assert row.verdict == "a_stricter", row.detail


def test_drug_use_in_general_is_a_fact() -> None:
    # A catch-all drug taken is what the criterion is about, unlike "any disease".
    row = only_row(
        inclusion("Medication use stable for 6 months prior"),
        exclusion("Subjects under pharmacological treatment (except oral contraceptives)"),
    )
    assert row.verdict == "different", row.detail
    row = only_row(
        exclusion("Taking regular medication"), exclusion("Use of any prescription drugs")
    )
    assert row.verdict == "same", row.detail


def test_what_a_comorbidity_may_contribute_to_is_not_asked() -> None:
    found = rows(
        exclusion("Active infection or other comorbidities that may contribute to fatigue"),
        inclusion("Presence of fatigue for at least 2 weeks"),
    )
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"], [p.detail for p in found]
    # What a thing causes, or a disease may affect, is still what the criterion is about.
    found = rows(
        exclusion("Any medication that can cause QT prolongation"),
        exclusion("Drugs that prolong the QT interval"),
    )
    assert "a_stricter" not in [p.verdict for p in found], [p.detail for p in found]
    row = only_row(
        exclusion("Neurological diseases that could affect the 6-minute walk test"),
        exclusion("Unable to perform the 6-minute walk test"),
    )
    assert row.verdict != "only_a", row.detail


def test_how_a_thing_is_documented_or_detected_is_not_asked() -> None:
    # What is documented on something ("progression on imatinib") is still asked.
    row = only_row(
        inclusion("Documented progression on imatinib"), inclusion("Prior treatment with imatinib")
    )
    assert row.verdict not in ("only_a", "only_b"), row.detail
    row = only_row(
        inclusion("no documented AF on ECG, ambulatory monitor, pacemaker or ICD interrogation"),
        exclusion("history of known AF episodes"),
    )
    assert (row.verdict, row.detail) == ("same", "both exclude atrial fibrillation")
    found = rows(
        exclusion("presence of a cardiac rhythm device capable of detecting atrial fibrillation"),
        exclusion("history of atrial fibrillation"),
    )
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"], [p.detail for p in found]


def test_drugs_abused_are_substance_abuse_not_drug_use() -> None:
    row = only_row(
        exclusion("current abuse of alcohol or drugs"),
        exclusion("Current substance use disorder"),
    )
    assert row.verdict in ("same", "a_stricter"), row.detail
    for text in ("Dependence on drugs", "Abuse of any drugs", "Abuse of prescription drugs"):
        (criterion,) = ctparse.criteria(text, section="exclusion")
        assert [e.concept.id for e in criterion.entities] == ["substance_abuse"], text


def test_a_catch_all_drug_said_of_something_named_is_no_drug_use() -> None:
    for text in (
        "Drug-resistant epilepsy",
        "Patients requiring medical treatment for hypertension",
    ):
        found = rows(exclusion(text), exclusion("Taking regular medication"))
        assert sorted(p.verdict for p in found) == ["only_a", "only_b"], text


def test_the_age_of_the_participants_named_by_role_is_their_age() -> None:
    for text in ("Mothers aged 18-45 years", "Healthy donors aged 18 to 65"):
        (limit,) = ctparse.thresholds(text)
        assert limit.condition is None, text


def test_the_age_of_someone_else_is_no_age_of_the_participant() -> None:
    (limit,) = ctparse.thresholds("infants born from mothers aged less than 18 years old")
    assert (limit.variable, limit.condition) == ("age", "of the mothers")
    found = rows(
        inclusion("Infant is 12-36 hours of age."),
        exclusion("infants born from mothers aged less than 18 years old"),
    )
    assert [p.verdict for p in found] == ["only_a", "only_b"], [p.detail for p in found]
    assert "(of the mothers)" in found[1].detail
    (own,) = ctparse.thresholds("Patients aged 18 or older")
    assert own.condition is None


def test_weight_stability_and_weight_fluctuations_are_one_variable() -> None:
    row = only_row(
        inclusion("Weight change (±3 kg) in the last 3 months"),
        exclusion("Subjects with large weight fluctuations of more than 4 kg"),
    )
    assert (row.verdict, row.variable) == ("a_stricter", "weight_change"), row.detail
    row = only_row(
        inclusion("Body weight stable for 3 months prior (±3 kg)"),
        exclusion("Subjects with large weight fluctuations of more than 4 kg"),
    )
    assert row.variable == "weight_change", row.detail
    (limit,) = ctparse.thresholds("Weight change (± 3 kg)", section="exclusion")
    assert (limit.variable, limit.eligible) == ("weight_change", None)
    (limit,) = ctparse.thresholds("changes in body weight more than 10 pounds", section="exclusion")
    assert (limit.variable, limit.eligible.upper) == ("weight_change", 4.536)
    # A stable weight is no variable of its own: the limits near it are another's.
    (limit,) = ctparse.thresholds("Weight stable and BMI ≤ 35")
    assert limit.variable == "bmi"
    (limit,) = ctparse.thresholds("Stable weight ≥ 40 kg")
    assert limit.variable == "weight"


def test_the_moment_an_age_is_taken_at_asks_nothing_more() -> None:
    row = only_row(
        inclusion("Age ≥ 18 years old at the time of hospitalization"),
        inclusion("≥18 years of age upon admission"),
    )
    assert (row.verdict, row.variable) == ("same", "age"), row.detail


def test_an_age_read_from_words_says_so() -> None:
    row = only_row(inclusion("Adult patients"), inclusion("Age ≥ 20 years"))
    assert row.verdict == "b_stricter", row.detail
    assert "read from words: A's from “Adult”" in row.detail, row.detail


def test_an_age_a_demand_applies_to_is_no_age_limit() -> None:
    # "if female and less than 60": who must have the test, not who may enrol
    found = rows(
        inclusion(
            "Male or female, 18 to 65 years of age.",
            "Negative pregnancy test if female and less then 60 y/o;",
        ),
        inclusion("Male or female, 18 years to 65 years old (inclusive)"),
    )
    (age,) = [p for p in found if p.variable == "age" and p.b_ids]
    assert age.verdict == "same" and age.a_ids == ("inc-1.2",), age.detail
    (sex,) = [p for p in found if p.variable == "sex"]
    assert sex.verdict == "same", sex.detail


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        (inclusion("Female"), exclusion("Male"), "same"),
        (inclusion("Female"), inclusion("Women"), "same"),
        (inclusion("Female (mandatory)"), inclusion("Male or female"), "a_stricter"),
        (inclusion("Both sexes"), exclusion("Male"), "b_stricter"),
        (inclusion("Men only"), inclusion("Female patients"), "different"),
    ],
)
def test_a_sex_said_in_words_is_a_limit_on_sex(a: str, b: str, verdict: str) -> None:
    row = only_row(a, b)
    assert row.verdict == verdict, row.detail
    assert "sex read from words" in row.detail, row.detail


def test_a_side_that_names_a_sex_with_more_sets_a_limit_on_it() -> None:
    found = rows(inclusion("Women of reproductive age"), inclusion("Female"))
    assert all("sets no limit on sex" not in p.detail for p in found), [p.detail for p in found]
    found = rows(inclusion("Female"), inclusion("Age 18 years or older"))
    assert any(
        "A sets no limit" not in p.detail and "B sets no limit on sex" in p.detail for p in found
    ), [p.detail for p in found]


@pytest.mark.parametrize(
    "text",
    [
        "Minor surgical procedure within 3 days",
        "Adults who lack the capacity to consent",
        "Adult and pediatric patients",
        "Adult-onset diabetes",
    ],
)
def test_words_that_are_not_an_age_set_no_age_limit(text: str) -> None:
    section = exclusion if text.startswith(("Minor", "Adults who")) else inclusion
    found = rows(section(text), inclusion("Age ≥ 18 years"))
    assert all(p.variable != "age" or p.a is None for p in found), [p.detail for p in found]


def test_a_comma_list_of_demands_pairs_each_with_its_own() -> None:
    """ "Female, age ≥ 18, signed consent" is three criteria: its consent is in the
    consent row, not in the age row."""
    found = rows(
        inclusion("Female, age ≥18 years and ≤70 years, signed informed consent."),
        inclusion("Age 18 years or older", "Written informed consent"),
    )
    by_variable = {p.variable: p for p in found if p.a and p.b}
    assert by_variable["age"].a_ids == ("inc-1.2",), by_variable["age"]
    (consent,) = [p for p in found if p.a and p.b and p.variable is None]
    assert consent.verdict == "same" and consent.a_ids == ("inc-1.3",), consent.detail


def test_legal_protection_is_not_consent() -> None:
    found = rows(inclusion("Signed informed consent"), exclusion("Patient under guardianship"))
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"], [p.detail for p in found]


def test_periods_in_other_units_are_the_same_period() -> None:
    row = only_row(
        exclusion("Radiotherapy within 14 days before the first dose"),
        exclusion("Radiation therapy within 2 weeks prior to first dose"),
    )
    assert "14 days = 2 weeks" in row.detail


# ------------------------------------------------------ verdicts on concepts


def test_excluding_more_conditions_is_stricter() -> None:
    row = only_row(exclusion("HIV, hepatitis B or C"), exclusion("HIV"))
    assert row.verdict == "a_stricter", row.detail
    assert row.detail == "A excludes hepatitis B or hepatitis C"


def test_the_parts_a_side_states_apart_join_its_row() -> None:
    row = only_row(
        exclusion("HIV, hepatitis B or C"), exclusion("HIV", "Hepatitis B", "Hepatitis C")
    )
    assert row.verdict == "same", row.detail
    assert row.b_ids == ("exc-1", "exc-2", "exc-3")


def test_a_narrowing_qualifier_makes_the_other_side_stricter() -> None:
    row = only_row(exclusion("Active hepatitis B"), exclusion("Any history of hepatitis B"))
    assert row.verdict == "b_stricter", row.detail
    assert row.detail == "B excludes hepatitis B at any time (A: active hepatitis B)"


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        # the limit in brackets says the degree: only "newly diagnosed" narrows
        (
            "Moderate to severe obstructive sleep apnoea (AHI ≥ 15)",
            "Newly diagnosed obstructive sleep apnoea with AHI ≥ 15",
            "b_stricter",
        ),
        ("Severe COPD (FEV1 < 50% predicted)", "COPD with FEV1 < 50% predicted", "same"),
        # without a limit in its bracket the degree narrows
        ("Severe COPD (see appendix)", "COPD", "a_stricter"),
        ("Severe COPD", "COPD", "a_stricter"),
    ],
)
def test_a_degree_defined_by_a_limit_in_brackets_is_the_limit(a: str, b: str, verdict: str) -> None:
    row = only_row(inclusion(a), inclusion(b))
    assert row.verdict == verdict, row.detail


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        # excluding any neuropathy keeps out more than excluding grade 2 or higher
        ("Peripheral neuropathy", "Peripheral neuropathy grade 2 or higher", "a_stricter"),
        ("Peripheral neuropathy", "Grade ≥ 2 peripheral neuropathy", "a_stricter"),
        # a grade and a degree in words are not on one scale
        ("Moderate or severe mitral stenosis", "Mitral stenosis > grade 2", "different"),
        # two grades of one condition are compared as limits
        (
            "Peripheral neuropathy grade 3 or higher",
            "Peripheral neuropathy grade 2 or higher",
            "b_stricter",
        ),
        # the class of a condition, with the scale named in brackets or not at all
        ("Heart failure", "heart failure (NYHA class III~IV)", "a_stricter"),
        ("Class III or IV congestive heart failure", "Heart failure", "b_stricter"),
    ],
)
def test_a_grade_of_a_condition_the_other_side_names_narrows_that_condition(
    a: str, b: str, verdict: str
) -> None:
    row = only_row(exclusion(a), exclusion(b))
    assert row.verdict == verdict, row.detail


def test_what_makes_a_patient_eligible_for_a_later_phase_is_not_asked_at_entry() -> None:
    row = only_row(
        inclusion(
            "have elected to undergo radical prostatectomy; those found to have circulating "
            "tumour cells will be eligible to proceed onto the treatment phase of the protocol"
        ),
        inclusion("Indication for radical prostatectomy"),
    )
    assert row.verdict == "same", row.detail


def test_two_treatments_of_one_class_at_other_times_are_not_paired() -> None:
    """Able to receive chemotherapy now is not having had hormone therapy before; two
    surgeries both planned are the procedure each trial is about."""
    found = rows(exclusion("Unable to receive chemotherapy"), inclusion("Prior hormone therapy"))
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"], [p.detail for p in found]
    row = only_row(
        inclusion("Scheduled for laparoscopic cholecystectomy"),
        inclusion("Scheduled for thoracoscopic lobectomy"),
    )
    assert row.verdict == "different"


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        ("History of malignancy", "History of breast cancer", "a_stricter"),
        ("Atrial fibrillation", "Any arrhythmia", "b_stricter"),
        ("Heart rhythm disturbances", "Second and third-degree heart block", "a_stricter"),
        ("Previous history of opiate abuse", "History of substance abuse", "b_stricter"),
        ("Other ocular diseases", "Glaucoma", "a_stricter"),
        ("Uncontrolled hypertension", "Cardiovascular disease", "b_stricter"),
        ("Psychiatric problems", "Schizophrenia", "a_stricter"),
        ("Pulmonary dysfunction", "Lung disease", "same"),
        (
            "Colonoscopy within the last 6 months",
            "Endoscopy within the last 6 months",
            "b_stricter",
        ),
        ("Prior PCI", "Prior coronary revascularization", "b_stricter"),
    ],
)
def test_a_condition_and_a_kind_of_it_pair_and_the_wider_side_is_stricter(
    a: str, b: str, verdict: str
) -> None:
    """The lexicon's classes: breast cancer is a cancer, glaucoma an eye disease; an
    organ with a vague head ("pulmonary dysfunction") is the organ's disease."""
    row = only_row(exclusion(a), exclusion(b))
    assert row.verdict == verdict, row.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anemia due to chronic kidney disease", "Anemia"),
        (
            "Atrial fibrillation associated with structural heart disease",
            "Structural heart disease",
        ),
    ],
)
def test_a_cause_narrows_what_it_follows(a: str, b: str) -> None:
    """ "X due to Y" excludes only some X, and not Y on its own: the other side, which
    excludes any X (or any Y), is stricter."""
    row = only_row(exclusion(a), exclusion(b))
    assert row.verdict == "b_stricter", row.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [("Breast cancer", "Lung cancer"), ("Atrial fibrillation", "Ventricular tachycardia")],
)
def test_two_kinds_of_one_class_are_not_paired(a: str, b: str) -> None:
    """Siblings share their nearest class once, not once more per ancestor (two
    arrhythmias are not paired for being heart and cardiovascular diseases too)."""
    found = rows(exclusion(a), exclusion(b))
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"], [p.detail for p in found]


def test_unrelated_conditions_are_not_paired() -> None:
    found = rows(
        exclusion("Hepatic disorder"),
        exclusion(
            "Participants must not be receiving active therapy for neoplastic disorders "
            "(including hormone or radiation therapy for prostate cancer)"
        ),
    )
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"]


@pytest.mark.parametrize("b", ["Liver insufficiency > CHILD B", "Hepatic insufficiency (Child C)"])
def test_a_child_class_narrows_the_liver_disease_it_grades(b: str) -> None:
    """ "Child B" is the Child-Pugh class; excluding only class C liver disease admits
    the patients with class A or B that excluding any hepatic insufficiency keeps out."""
    row = only_row(exclusion("Hepatic insufficiency"), exclusion(b))
    assert row.verdict == "a_stricter", row.detail
    assert "Child-Pugh class C" in row.detail, row.detail


def test_what_a_thing_is_needed_for_is_not_asked() -> None:
    """ "medication required for surgery": the surgery is no criterion of its own."""
    found = rows(
        exclusion("History of knee surgery"),
        exclusion("Allergy against medication required for surgery or anaesthesia"),
    )
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"], [p.detail for p in found]


def test_an_adjective_of_a_stay_or_a_treatment_is_no_condition() -> None:
    """ "psychiatric hospitalisation" is a stay in hospital; "psychiatric diagnoses"
    are psychiatric disorders."""
    found = rows(
        exclusion("Very likely to require psychiatric hospitalisation"),
        exclusion("Severe psychiatric disorders"),
    )
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"], [p.detail for p in found]
    row = only_row(exclusion("Psychiatric diagnoses"), exclusion("Severe psychiatric disorders"))
    assert row.verdict == "a_stricter", row.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Intolerance or contra-indicated for the use of vardenafil", "Known soy intolerance"),
        ("Any serious disease that would interfere with the study", "Known Fabry disease"),
    ],
)
def test_criteria_sharing_only_a_catch_all_concept_are_not_paired(a: str, b: str) -> None:
    """A catch-all concept ("intolerance", "disease") names no patients by itself."""
    found = rows(exclusion(a), exclusion(b))
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"], [p.detail for p in found]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Antibiotic therapy within 2 weeks", "Use of systemic antibiotics within 14 days"),
        ("Current corticosteroid therapy", "Taking corticosteroids"),
        ("Immunosuppressive therapy", "Treatment with immunosuppressants"),
        ("Anticoagulation therapy", "Taking anticoagulants"),
    ],
)
def test_a_therapy_is_the_drug_it_gives(a: str, b: str) -> None:
    # the lexicon's treats_with: "corticosteroid therapy" is taking corticosteroids, no
    # kind of it (which would make the side excluding the drug stricter)
    row = only_row(exclusion(a), exclusion(b))
    assert row.verdict == "same", row.detail


def test_an_allergy_to_a_class_holds_its_members() -> None:
    row = only_row(
        exclusion("Allergy to penicillin"), exclusion("Allergy to beta-lactam antibiotics")
    )
    assert row.verdict == "b_stricter", row.detail


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        # an allergy to something the lexicon does not know is no allergy to anything
        ("Known allergy to tree nuts", "Any known allergy", "b_stricter"),
        ("Known allergy to tree nuts or peanuts", "Allergy to aspirin", "different"),
        ("Allergy to any medication", "Known drug allergy", "same"),
        # a relation written as a coordination holds for what follows it
        ("Known hypersensitivity or contraindication to aspirin", "Allergy to aspirin", "same"),
        # and one with an aside in brackets inside it
        ("Known hypersensitivity (e.g., anaphylaxis) to aspirin", "Allergy to aspirin", "same"),
    ],
)
def test_what_an_allergy_is_to(a: str, b: str, verdict: str) -> None:
    found = rows(exclusion(a), exclusion(b))
    assert [p.verdict for p in found] == [verdict], [p.detail for p in found]


def test_a_drug_or_device_study_is_another_trial() -> None:
    row = only_row(
        exclusion("Concurrent participation in another investigational drug or device study"),
        exclusion("Currently enrolled in another clinical trial"),
    )
    assert row.verdict == "same", row.detail


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        # a kind of surgery the lexicon does not know is no surgery of any kind
        ("Prior knee surgery", "Any surgery within 3 months", "different"),
        ("Abdominal surgery", "Major surgery", "different"),
        # words of time or extent narrow nothing to a kind
        ("Prior surgery", "Major surgery within 4 weeks", "a_stricter"),
    ],
)
def test_a_kind_of_a_generic_head_is_no_any(a: str, b: str, verdict: str) -> None:
    row = only_row(exclusion(a), exclusion(b))
    assert row.verdict == verdict, row.detail


def test_a_preposition_before_a_generic_head_names_no_kind() -> None:
    # NCT04175379 inc-1: "... with one lung ventilation during surgery"
    row = only_row(
        inclusion(
            "planning to have thoracoscopic single lobectomy with one lung ventilation during surgery"
        ),
        inclusion("Scheduled for lobectomy"),
    )
    assert "as qualified" not in row.detail, row.detail


def test_current_use_of_a_drug_is_its_use() -> None:
    row = only_row(exclusion("Current use of opioids"), exclusion("Opioid use"))
    assert row.verdict == "same", row.detail


def test_a_measure_named_without_a_value_pairs_with_a_limit_on_it() -> None:
    # without a value the two cannot be put on one scale, and A does not "set no limit"
    row = only_row(
        exclusion("granulocyte-deficient patients."),
        exclusion("Absolute Neutrophil Count < 500/mm³"),
    )
    assert row.verdict == "different", row.detail
    assert "A names ANC without a value" in row.detail, row.detail
    assert "sets no limit" not in row.detail, row.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (exclusion("Neutropenia"), exclusion("ANC < 1500/mm3")),
        (exclusion("Anemia"), inclusion("Hemoglobin ≥ 9 g/dL")),
        (exclusion("Known hypokalaemia"), exclusion("Serum potassium > 5.0 mmol/L")),
        (exclusion("Secondary hypertension"), inclusion("145 mmHg ≤ msSBP ≤ 190 mmHg")),
    ],
)
def test_a_diagnosis_that_is_a_low_or_high_value_is_no_limit_on_it(a: str, b: str) -> None:
    # the lexicon's low / high: a diagnosis and a measured value are two criteria (the
    # judging rules: "a measured value is not linked to the diagnosis it defines")
    assert sorted(p.verdict for p in rows(a, b)) == ["only_a", "only_b"]


def test_a_side_that_limits_the_measure_elsewhere_pairs_its_limits() -> None:
    found = rows(exclusion("Neutropenia", "ANC < 1500/mm3"), exclusion("ANC < 1000/mm3"))
    assert [(p.a_ids, p.b_ids) for p in found if p.b_ids] == [(("exc-2",), ("exc-1",))]


def test_an_organ_disorder_is_no_value_of_its_enzymes() -> None:
    found = rows(exclusion("Hepatic disorder"), exclusion("AST > 3 x ULN"))
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"]


def test_a_time_on_a_treatment_is_no_time_since_it() -> None:
    # "for at least 3 months" is how long a patient has been on it, not a washout
    row = only_row(
        inclusion("Hemodialysis for at least 3 months"),
        exclusion("Hemodialysis within the last 3 months"),
    )
    assert row.verdict == "different", row.detail
    assert "a time on it against a time since it" in row.detail, row.detail


def test_two_times_on_a_treatment_compare_as_durations() -> None:
    row = only_row(
        inclusion("on stable dose of metformin for at least 3 months"),
        inclusion("Stable metformin dose for ≥ 8 weeks"),
    )
    assert row.verdict == "a_stricter", row.detail
    assert "duration is 34 days longer" in row.detail and "washout" not in row.detail


def test_a_time_on_a_treatment_is_no_exclusion_of_it() -> None:
    found = rows(
        inclusion("Received stable hemodialysis at least 3 months."),
        inclusion("Minimum of 3 hours of dialysis per session."),
    )
    assert all("A requires dialysis for at least 3 months" in p.detail for p in found), [
        p.detail for p in found
    ]


def test_an_unknown_variable_is_said_as_written_never_as_other() -> None:
    (row,) = rows(inclusion("CHA2DS2VASc score ≥2"), "")
    assert "other" not in row.detail.split() and "CHA2DS2VASc" in row.detail


def test_an_unknown_count_is_said_as_written_and_not_with_another_clause() -> None:
    # NCT05602779 inc-4: the "> 5" is of the lifetime clause, not of "6 months"
    (row,) = rows(
        "",
        inclusion(
            "Engaged in non-suicidal self-harm 3 times in the past 6 months or more than 5 "
            "times in their life time"
        ),
    )
    assert "“more than 5 times”" in row.detail, row.detail
    assert "months > 5" not in row.detail and "times > 5" not in row.detail, row.detail


def test_two_unknown_limits_are_each_said_with_their_own_name() -> None:
    (row,) = rows(inclusion("C/D ratio ≤ 0.8, or RNFL thickness ≤ 70 µm"), "")
    assert "C/D ratio ≤ 0.8" in row.detail and "RNFL thickness ≤ 70" in row.detail, row.detail


# ------------------------------------------------------------ the samples


def test_every_criterion_is_in_a_row_also_two_limits_of_one(samples) -> None:
    studies = {s.nct_id: s for s in ctparse.read_studies(PAGE)}
    comparison = ctparse.compare(studies["NCT05013879"], studies["NCT04175379"])
    (age,) = [p for p in comparison.pairs if "exc-11" in p.a_ids]
    assert age.variable == "age" and "inc-2" in age.a_ids  # "age < 50 or > 85" with "50-85"
    texts = [t for p in comparison.pairs for t in p.a_texts]
    assert "3" not in texts and "1,5" not in texts  # footnote markers are no criteria


@pytest.mark.parametrize(
    ("text", "rows_of_a"),
    [
        (  # items indented under a criterion: the criterion is one too
            "Exclusion Criteria:\n  -  Pregnancy or lactation.\n  -  Declined informed consent.\n"
            "       -  Patients with cognitive dysfunction.\n       -  Surgery within six weeks.\n",
            {"exc-1", "exc-2", "exc-3", "exc-4"},
        ),
        (  # items under a lead-in: the lead-in is said by its items
            "Exclusion Criteria:\n  -  Any of the following:\n       -  HIV\n       -  Hepatitis B\n",
            {"exc-2", "exc-3"},
        ),
    ],
)
def test_a_criterion_with_items_below_it_keeps_its_row(text: str, rows_of_a: set) -> None:
    comparison = ctparse.compare(text, "Exclusion Criteria:\n- Pregnancy\n")
    ids = [i for p in comparison.pairs for i in p.a_ids]
    assert set(ids) == rows_of_a and len(ids) == len(rows_of_a)
    assert comparison.summary.a_criteria == len(rows_of_a)


def test_a_consent_rule_for_an_age_band_claims_no_missing_age_limit(samples) -> None:
    studies = {s.nct_id: s for s in ctparse.read_studies(PAGE)}
    comparison = ctparse.compare(studies["NCT01511679"], studies["NCT05602779"])
    consent = [p for p in comparison.pairs if "inc-3" in p.a_ids]
    assert consent and "sets no limit on age" not in consent[0].detail
    pregnancy = [p for p in comparison.pairs if "exc-4" in p.a_ids]
    assert pregnancy[0].b_ids == ("exc-3",) and pregnancy[0].verdict == "different"


def test_a_range_with_its_unit_written_once_is_one_range(samples) -> None:
    (flow, volume) = ctparse.thresholds(
        "Urinary flow between 5 to 15ml/second in a total void volume >=150mL"
    )
    assert (flow.variable, flow.normalized.value, flow.normalized.value_max) == ("qmax", 5, 15)
    assert flow.normalized.unit == "mL/s"
    assert (volume.variable, volume.value) == ("voided_volume", 150)


def test_no_percentage_in_a_detail_disagrees_with_the_json(samples) -> None:
    studies = {s.nct_id: s for s in ctparse.read_studies(PAGE)}
    comparison = ctparse.compare(studies["NCT00517179"], studies["NCT01126879"])
    assert not any("% similar" in p.detail for p in comparison.pairs)


# ------------------------------------------------------------------ inputs


def test_one_study_of_a_page_is_chosen_by_its_id(capsys) -> None:
    page = str(need_shared(PAGE))
    code, out, err = run(
        capsys, "compare", "--offline", "-f", "json", f"{page}#NCT05013879", f"{page}#NCT04175379"
    )
    assert code == 0, err
    data = json.loads(out)
    assert (data["a"]["nct_id"], data["b"]["nct_id"]) == ("NCT05013879", "NCT04175379")
    code, out, err = run(
        capsys, "compare", "--offline", f"{page}#NCT00000001", f"{page}#NCT05013879"
    )
    assert code == 2 and "no study NCT00000001" in err
    code, out, err = run(capsys, "compare", "--offline", page, f"{page}#NCT05013879")
    assert code == 2 and "#NCT" in err  # it says how to choose one


def test_a_record_linked_by_resolve_is_compared_through_its_registry_record(
    capsys, tmp_path
) -> None:
    """Seed 000 has no NCT id; once ``fetch --resolve --accept`` stored its link, the
    comparison reads the linked record (placed in a test corpus, as the fetch writes it)
    wherever the local id or the file is given, and every format says so."""
    record = need_shared(SAMPLES / "api_v2_study_NCT05894239.json")
    shutil.copy(record, tmp_path / "NCT05894239.json")
    with Corpus(tmp_path) as corpus:
        corpus.link("local-8446462a6559f0be", "NCT05894239")
    for given in ("local-8446462a6559f0be", str(CORPUS / "local-8446462a6559f0be.csv.txt")):
        code, out, err = run(
            capsys, "compare", "--offline", "--corpus", str(tmp_path), "-f", "json",
            "NCT05990231", given,
        )  # fmt: skip
        assert code == 0, err
        data = json.loads(out)
        assert data["b"]["nct_id"] == "NCT05894239"
        assert data["b"]["linked_from"] == "local-8446462a6559f0be"
        assert data["b"]["has_criteria"] is True and data["summary"]["b_criteria"] > 0
        assert "compared through its registry record NCT05894239" in data["notes"][0]
    for fmt in ("table", "markdown", "csv", "html"):
        code, out, err = run(
            capsys, "compare", "--offline", "--corpus", str(tmp_path), "-f", fmt,
            "NCT05990231", "local-8446462a6559f0be",
        )  # fmt: skip
        assert code == 0, err
        assert "compared through its registry record NCT05894239" in " ".join(out.split()), fmt


def test_without_a_link_the_csv_row_is_compared_as_it_is(capsys, tmp_path) -> None:
    code, out, err = run(
        capsys, "compare", "--offline", "--corpus", str(tmp_path), "-f", "json",
        "NCT05990231", "local-8446462a6559f0be",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert (
        data["b"]["linked_from"] is None
        and data["summary"]["only_a"] == data["summary"]["a_criteria"] - 0
    )


def test_module_examples_hold() -> None:
    import doctest

    from ctparse import api
    from ctparse.align import facts, limits, matching

    for module in (api, facts, limits, matching):
        assert doctest.testmod(module).failed == 0, module.__name__


# ------------------------------------------- a criterion alone, a shared concept

_OTHERS = ("Pregnancy", "HIV infection", "Epilepsy")


def test_a_criterion_alone_joins_the_one_asking_a_kind_of_its_concept() -> None:
    """B's "kidney disease" is about A's "renal failure", though A's criterion is in a
    row with B's heart failure already."""
    found = rows(
        exclusion("Heart failure or renal failure", *_OTHERS),
        exclusion("Heart failure", "Liver disease or kidney disease", *_OTHERS),
    )
    row = found[0]
    assert (row.a_ids, row.b_ids) == (("exc-1",), ("exc-1", "exc-2"))
    assert row.verdict == "b_stricter", row.detail


def test_a_concept_asked_of_another_time_joins_nothing() -> None:
    """Ongoing chemotherapy is not chemotherapy planned during the study: B's criterion
    about it stays alone."""
    found = rows(
        exclusion("Heart failure or chemotherapy ongoing", *_OTHERS),
        exclusion(
            "Heart failure", "Liver disease or chemotherapy planned during the study", *_OTHERS
        ),
    )
    assert [p.verdict for p in found if "exc-2" in p.b_ids] == ["only_b"]


def test_the_object_of_a_word_of_time_is_no_fact() -> None:
    """ "before surgery" says when the opioids were used; the criterion asks nothing of
    a surgery, so it is not about A's revision surgery."""
    found = rows(
        exclusion("Revision surgery", *_OTHERS),
        exclusion("Daily opioid use for pain control before surgery", *_OTHERS),
    )
    assert [p.verdict for p in found if "exc-1" in p.a_ids + p.b_ids] == ["only_a", "only_b"]


@pytest.mark.parametrize(
    ("inner", "outer", "shared"),
    [
        ("Any surgery", "Heart failure or resection of the liver", 1.0),
        (
            "Any surgery within the last 6 months",
            "Heart failure or surgery within the last 3 months",
            1.0,
        ),
        # a surgery in the last 6 months is not a resection now
        ("Any surgery within the last 6 months", "Heart failure or resection of the liver", 0.0),
        # a kind of it, not a class of it: "resection" is no "surgery" the other asks
        ("Resection of the liver", "Heart failure or any surgery", 0.0),
    ],
)
def test_what_a_criterion_alone_shares_is_asked_of_the_same_time(
    inner: str, outer: str, shared: float
) -> None:
    from ctparse.align.meaning import meaning_of
    from ctparse.align.pairs import _shares

    def meaning(line: str):
        (criterion,) = ctparse.criteria(exclusion(line))
        return meaning_of(criterion)

    assert _shares(meaning(inner), meaning(outer), {}) == shared


def test_an_excluded_history_joins_a_required_history_of_a_kind_of_it() -> None:
    """ "History of anti-cancer therapy" excluded and "prior endocrine therapy" required
    are about one thing, the treatment the patients have had."""
    found = rows(
        inclusion("Metastatic breast cancer")
        + exclusion("History of anti-cancer therapy for metastatic disease", *_OTHERS),
        inclusion("Received prior endocrine therapy") + exclusion(*_OTHERS),
    )
    row = next(p for p in found if "exc-1" in p.a_ids)
    assert (row.b_ids, row.verdict) == (("inc-1",), "different"), row.detail


def test_a_condition_to_come_is_a_risk_and_a_treatment_to_come_is_planned() -> None:
    about = {
        p.about
        for p in rows(
            exclusion("Subjects at risk of developing fistula"),
            exclusion("Planned surgery during the study"),
        )
    }
    assert about == {"a risk of fistula", "planned surgery"}


def test_letter_grades_are_an_ordinal_scale_said_as_letters() -> None:
    row = only_row(exclusion("Child-Pugh B or C"), inclusion("Child-Pugh class A"))
    assert row.verdict == "same", row.detail
    assert row.detail == "both require Child-Pugh class A"


def test_a_graded_form_pairs_with_its_score_and_claims_no_missing_limit() -> None:
    """ "Child-Pugh A" and "Child-Pugh score ≤ 7" limit one scale in two forms: one row,
    "different" (not on one scale), and neither side is said to set no limit."""
    row = only_row(inclusion("Child-Pugh A or B"), inclusion("Child-Pugh score ≤ 7"))
    assert row.verdict == "different", row.detail
    assert "sets no limit" not in row.detail


def test_a_wish_to_become_pregnant_is_a_future_pregnancy() -> None:
    """Excluding pregnancy or a wish to become pregnant keeps out women B admits, and
    B keeps out breastfeeding women A admits: neither is stricter."""
    row = only_row(
        exclusion("Pregnancy or wishing/trying to get pregnant"),
        exclusion("Pregnancy or lactation."),
    )
    assert row.verdict == "different", row.detail
    assert "A excludes a future pregnancy" in row.detail, row.detail


def test_a_side_restating_in_its_exclusions_what_its_inclusions_ask_is_one_row() -> None:
    """ "Not currently pregnant or nursing" (inclusion) with "Pregnant" and "Nursing"
    (exclusion) on both sides: one row, the same."""
    text = inclusion("Not currently pregnant or nursing") + exclusion("Pregnant", "Nursing")
    (row,) = rows(text, text.replace("currently ", ""))
    assert (row.a_ids, row.b_ids) == (("inc-1", "exc-1", "exc-2"),) * 2, row
    assert row.verdict == "same", row.detail


def test_two_criteria_of_one_section_about_one_thing_keep_their_rows() -> None:
    """Only a restatement in the other section joins: an AF trial's criteria are not
    one row for naming AF."""
    found = rows(
        inclusion("Atrial fibrillation", "Atrial fibrillation documented on ECG"),
        inclusion("Atrial fibrillation", "Atrial fibrillation documented on ECG"),
    )
    assert len(found) == 2, [(p.a_ids, p.b_ids) for p in found]


def test_why_a_criterion_is_there_is_not_asked() -> None:
    row = only_row(
        inclusion("Not currently pregnant or nursing (pregnancy affects PdG levels)"),
        inclusion("Not pregnant or nursing"),
    )
    assert row.verdict == "same", row.detail


def test_an_acronym_the_trials_spell_otherwise_overrides_the_lexicon() -> None:
    """ "ASD" is an atrial septal defect to the lexicon; beside "autism spectrum
    disorder", in trials naming no heart defect, it is autism."""
    row = only_row(
        inclusion("Diagnosis of autism spectrum disorder based on clinical evaluation"),
        inclusion("Children with ASD"),
    )
    assert row.verdict == "same", row.detail
    assert "septal" not in row.detail
    # A trial that names the lexicon's reading in words keeps it: the heart defect
    # is not paired with autism.
    found = rows(
        inclusion("Autism spectrum disorder"),
        exclusion("History of patent foramen ovale", "Unrepaired ASD"),
    )
    assert sorted(r.verdict for r in found) == ["only_a", "only_b", "only_b"], found


def test_an_acronym_keeps_its_lexicon_reading_beside_a_condition_only_excluded() -> None:
    """ "MI" spells "mental illness" too, but a mental illness the other trial only
    excludes is not the trials' disease: MI stays a myocardial infarction."""
    found = rows(
        inclusion("Heart failure") + exclusion("Severe mental illness"),
        inclusion("Heart failure") + exclusion("MI within 6 months"),
    )
    assert sorted(r.verdict for r in found) == ["only_a", "only_b", "same"], found


def test_what_a_patient_answers_when_asked_is_asked() -> None:
    row = only_row(
        inclusion("Answers yes when asked about suicidal ideation"),
        inclusion("Current suicidal ideation"),
    )
    assert row.a and row.b, row


def test_a_result_required_and_its_opposite_excluded_are_the_same_demand() -> None:
    """A negative test required is a positive one excluded; a treatment received
    against one excluded is not."""
    row = only_row(
        inclusion("Negative pregnancy test within 7 days before enrolment"),
        exclusion("Positive pregnancy test within 7 days before enrolment"),
    )
    assert row.verdict == "same", row.detail
    row = only_row(
        inclusion("Received chemotherapy within 4 weeks"),
        exclusion("Chemotherapy within 4 weeks"),
    )
    assert row.verdict == "different", row.detail


def test_what_a_patient_is_asked_about_is_not_asked_of_them() -> None:
    """Being questioned about a pregnancy requires none; the negative test that
    follows excludes one now, not a planned one."""
    row = only_row(
        inclusion(
            "Patients will be questioned regarding the possibility of pregnancy and will need "
            "a negative pregnancy test prior the study intervention."
        ),
        exclusion("During pregnancy"),
    )
    assert (row.verdict, row.detail) == ("same", "both exclude pregnancy"), row.detail


def test_lacking_the_capacity_to_consent_is_unable_to_consent() -> None:
    row = only_row(
        inclusion("Able to consent to being in the study"),
        exclusion("Are deemed to lack capacity to give informed consent"),
    )
    assert (row.verdict, row.detail) == ("same", "both require capacity to consent"), row.detail


def test_a_procedure_alone_joins_the_row_of_a_kind_of_it() -> None:
    """A prior knee surgery excluded is about the knee replacement the other trial's
    patients are to have; a disease class is not joined so ("other pulmonary disease"
    is not about the COPD a trial requires)."""
    found = rows(
        inclusion("Patient requiring a first total knee prosthesis")
        + exclusion("The subject has a history of knee surgery."),
        inclusion("Patients undergoing elective, primary knee joint replacement"),
    )
    assert [r.verdict for r in found if not (r.a and r.b)] == [], found
    found = rows(
        inclusion("Severe COPD"),
        inclusion("Diagnosis of COPD") + exclusion("Any significant other pulmonary disease"),
    )
    assert "only_b" in [r.verdict for r in found], found


def test_an_acronym_is_read_through_a_name_of_the_concept_the_other_trial_writes() -> None:
    """ "AD" beside "Alzheimer" (whose concept is Alzheimer's disease: "AD"); but
    "PD-1" is not read as "psychiatric disorder" beside "mental illness", a name of
    that concept the trial does not write."""
    row = only_row(
        inclusion("Having mild or moderate severity of AD"),
        inclusion("Neurocognitive disorder of the Alzheimer type"),
    )
    assert row.verdict not in ("only_a", "only_b"), row.detail
    found = rows(
        inclusion("Current PD diagnosis"),
        inclusion("No mental illness."),
    )
    assert sorted(r.verdict for r in found) == ["only_a", "only_b"], found


def test_an_acronym_two_names_spell_is_the_disease_an_inclusion_requires() -> None:
    """ "PD" beside "Parkinson's disease" required and "Paget's disease" excluded is
    Parkinson's disease, the disease the trials are about."""
    found = rows(
        inclusion("Current PD diagnosis"),
        inclusion("Clinical diagnosis of Parkinson's disease") + exclusion("Paget's disease"),
    )
    paired = [r for r in found if r.a and r.b]
    assert len(paired) == 1 and "parkinson" in paired[0].detail.lower(), found


@pytest.mark.parametrize(
    ("a", "b", "verdict", "said"),
    [
        # Two kinds of one condition the lexicon names only as the condition.
        (
            inclusion("Severe to profound sensory-neural hearing loss"),
            inclusion("Bilateral conductive hearing loss"),
            "different",
            "sensory-neural hearing loss",
        ),
        # A kind is narrower than the condition of any kind.
        (
            inclusion("Documented diagnosis of Crohn's disease"),
            inclusion("Confirmed diagnosis of perianal Crohn's disease"),
            "b_stricter",
            "perianal Crohn",
        ),
        # Words of how a diagnosis is said are no kind of it.
        (
            inclusion("Clinical diagnosis of Crohn's disease"),
            inclusion("Medical diagnosis of Crohn's disease"),
            "same",
            "Crohn",
        ),
    ],
)
def test_an_adjective_of_kind_narrows_a_condition(a: str, b: str, verdict: str, said: str) -> None:
    row = only_row(a, b)
    assert row.verdict == verdict, row.detail
    assert said in row.detail, row.detail


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        # Someone able to consent may still refuse: consent given is the stricter.
        (inclusion("Signed informed consent"), inclusion("Able to consent"), "a_stricter"),
        (
            exclusion("Lacks the capacity to give informed consent"),
            inclusion("Written informed consent obtained"),
            "b_stricter",
        ),
        # Unable or unwilling, refusal: what consent given asks.
        (
            exclusion("Unable or unwilling to provide consent"),
            inclusion("Written informed consent"),
            "same",
        ),
        (exclusion("Refusal to participate"), inclusion("Signed informed consent"), "same"),
        # Signing said as an ability asks the capacity; willing to sign asks consent given.
        (
            inclusion("Ability to sign informed consent"),
            inclusion("Signed informed consent"),
            "b_stricter",
        ),
        (exclusion("Unable to sign a written consent"), inclusion("Able to consent"), "same"),
        (
            inclusion("Willing and able to sign informed consent"),
            inclusion("Signed informed consent"),
            "same",
        ),
    ],
)
def test_consent_given_is_within_the_capacity_to_consent(a: str, b: str, verdict: str) -> None:
    row = only_row(a, b)
    assert row.verdict == verdict, row.detail


def test_a_step_of_the_study_a_fact_is_dated_by_is_no_fact() -> None:
    """ "at any time before study consent": the consent dates the diagnosis."""
    row = only_row(
        inclusion("Diagnosed as HIV positive"),
        inclusion("HIV infection diagnosis at any time before study consent"),
    )
    assert row.verdict == "same", row.detail


def test_nursing_on_a_line_of_its_own_joins_its_sides_pregnancy_row() -> None:
    found = rows(
        exclusion("Pregnancy", "Lactation", "Epilepsy"), exclusion("Pregnancy", "Epilepsy")
    )
    row = next(p for p in found if "exc-1" in p.a_ids)
    assert (row.a_ids, row.b_ids, row.verdict) == (("exc-1", "exc-2"), ("exc-1",), "a_stricter")
    assert "breastfeeding" in row.detail


@pytest.mark.parametrize(
    ("a", "b", "verdict", "said"),
    [
        # An exception granted on one side lets in patients the other excludes.
        (
            exclusion("Use of medications"),
            exclusion(
                "Chronic use of any prescribed or over the counter pharmaceuticals (except oral contraceptives)"
            ),
            "a_stricter",
            "B allows hormonal contraceptive, which A excludes",
        ),
        # Alternatives offered: the side offering more admits more.
        (
            inclusion("Diagnosis of ALS or PLS"),
            inclusion("Diagnosed with definite, probable, or possible ALS"),
            "b_stricter",
            "A also admits primary lateral sclerosis",
        ),
        # Epileptic seizures bear on epilepsy: one row.
        (
            exclusion("Severe epilepsy"),
            exclusion("Having epileptic seizures not controlled"),
            "different",
            "",
        ),
    ],
)
def test_exceptions_alternatives_and_related_conditions(
    a: str, b: str, verdict: str, said: str
) -> None:
    row = only_row(a, b)
    assert row.verdict == verdict, row.detail
    assert said in row.detail, row.detail


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        # A site narrows a procedure: radiotherapy to the brain is no radiotherapy at all.
        (
            exclusion("Prior radiotherapy to the central nervous system"),
            exclusion("Prior radiotherapy"),
            "b_stricter",
        ),
        (
            exclusion("Radiotherapy to the chest"),
            exclusion("Radiotherapy to the pelvis"),
            "different",
        ),
        # No site: "of any kind".
        (exclusion("Surgery of any kind"), exclusion("Surgery"), "same"),
    ],
)
def test_a_site_after_a_procedure_narrows_it(a: str, b: str, verdict: str) -> None:
    row = only_row(a, b)
    assert row.verdict == verdict, row.detail


def test_what_a_trial_requires_elsewhere_is_required_of_its_patients() -> None:
    """ "singleton" in a trial of pregnant women is a singleton pregnancy: against
    "singleton pregnant women" it is the same, not wider."""
    found = rows(
        inclusion("Pregnant women", "Singleton"),
        inclusion("Singleton pregnant women"),
    )
    row = next(p for p in found if "inc-2" in p.a_ids)
    assert row.verdict == "same", row.detail
    # Alone, the requirement is wider.
    row = only_row(inclusion("Singleton"), inclusion("Singleton pregnant women"))
    assert row.verdict == "b_stricter", row.detail


@pytest.mark.parametrize(
    "cause",
    [
        "Conditions associated with chronic pain, such as peripheral neuropathy",
        "Conditions causing chronic pain",
        "Diseases that cause chronic pain",
    ],
)
def test_a_condition_named_by_the_pain_it_causes_is_not_the_pain(cause: str) -> None:
    """Required pain and excluded conditions that cause pain are two demands: the
    excluded condition is another disease, not the pain the trial asks for."""
    comparison = ctparse.compare(inclusion("Chronic pain for at least 3 months"), exclusion(cause))
    assert [r.verdict for r in comparison.pairs] == ["only_a", "only_b"]
    row = only_row(exclusion("Conditions associated with chronic pain"), exclusion(cause))
    assert row.verdict == "same", row.detail
    assert "a condition causing chronic pain" in row.detail, row.detail


def test_a_criterion_alone_on_a_kind_joins_the_row_asking_of_its_class() -> None:
    """ "Mental retardation" alone joins the row of "another psychiatric disease" (paired
    with "substance abuse"): the class excluded holds both, so B is stricter."""
    comparison = ctparse.compare(
        exclusion("Current substance abuse", "Mental retardation"),
        exclusion("Having another psychiatric disease"),
    )
    (row,) = comparison.pairs
    assert row.verdict == "b_stricter", row.detail
    assert "intellectual disability" in row.detail
    # Asked another way (required, not excluded), a kind does not join its class.
    comparison = ctparse.compare(
        exclusion("Current substance abuse") + "\n" + inclusion("Mental retardation"),
        exclusion("Having another psychiatric disease"),
    )
    assert sorted(r.verdict for r in comparison.pairs) == ["b_stricter", "only_a"]


@pytest.mark.parametrize(
    "text",
    [
        "Prior treatment with a VEGFR TKI or an EGFR TKI",
        "Previously received treatment with bevacizumab, ramucirumab, or any other anti-VEGF agent",
    ],
)
def test_a_conjunct_takes_the_past_of_its_list(text: str) -> None:
    """The cue's reach of words ends before the last conjunct; the list is one past."""
    (criterion,) = ctparse.criteria(text, section="exclusion")
    assert [e.assertion for e in criterion.entities] == ["historical"] * len(criterion.entities)
    assert len(criterion.entities) >= 2


def test_whom_a_criterion_applies_to_is_not_asked_of_the_patient() -> None:
    """ "matched to PD group", "for healthy subjects": the people named there are the
    other cohort, or the cohort the line is for, not a condition asked of the patient."""
    from ctparse.align.meaning import meaning_of

    row = only_row(
        inclusion("Age- and sex-matched to PD group (aged 18 or more)"),
        inclusion("Aged 18 or more"),
    )
    assert row.verdict == "same", row.detail
    (criterion,) = ctparse.criteria("Dementia for all subjects", section="exclusion")
    (fact,) = meaning_of(criterion).facts
    assert (fact.concept, fact.requirement) == ("dementia", "excluded")
    (criterion,) = ctparse.criteria(
        "Psychiatric diagnosis for healthy subjects", section="exclusion"
    )
    assert [f.concept for f in meaning_of(criterion).facts] == ["psychiatric_disorder"]


def test_what_a_value_is_based_on_is_not_asked() -> None:
    """ "based on … the earliest ultrasound": how the gestational age is known, not an
    ultrasound asked of the patient; "16 0/7" weeks is read as weeks and sevenths."""
    row = only_row(
        inclusion(
            "Gestational age between 16 weeks 0 days and 23 weeks 6 days based on clinical "
            "information and evaluation of the earliest ultrasound"
        ),
        inclusion("16 0/7 to 22 0/7 weeks of gestation"),
    )
    assert row.verdict == "b_stricter", row.detail
    assert "ultraso" not in row.detail


@pytest.mark.parametrize(
    ("a", "verdict", "said"),
    [
        ("BMI >= 30 kg/m^2", "different", "18–25 kg/m2 or 30–40 kg/m2"),
        ("BMI 30-40 kg/m2", "a_stricter", "A only 30–40"),
    ],
)
def test_disjoint_limits_on_two_lines_are_cohorts(a: str, verdict: str, said: str) -> None:
    """ "BMI 30-40" and "BMI 18-25" on two lines admit no one together: they are an
    obese and a lean cohort, and the trial admits either."""
    row = only_row(inclusion(a), inclusion("BMI 30-40 kg/m2", "BMI 18-25 kg/m2"))
    assert row.verdict == verdict, row.detail
    assert said in row.detail, row.detail


def test_limits_on_two_lines_that_meet_are_still_one_range() -> None:
    row = only_row(inclusion("Age 18-65"), inclusion("Age >= 18", "Age <= 65"))
    assert row.verdict == "same", row.detail


def test_how_health_is_determined_is_not_asked() -> None:
    """ "as determined by medical evaluation including blood pressure (BP) and pulse
    rate (PR) measurement, 12 lead ECG": the means of the evaluation, brackets and all."""
    row = only_row(
        inclusion(
            "Participants who are healthy as determined by medical evaluation including blood "
            "pressure (BP) and pulse rate (PR) measurement, 12 lead ECG, and laboratory tests"
        ),
        inclusion("Apparently healthy"),
    )
    assert row.verdict == "same", row.detail


def test_use_of_illicit_drugs_bears_on_substance_abuse() -> None:
    comparison = ctparse.compare(
        exclusion("Illicit drug use or dependence within 6 months"),
        exclusion("Use of illicit drugs"),
    )
    assert len(comparison.pairs) == 1, [p.detail for p in comparison.pairs]
