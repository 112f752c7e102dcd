"""Criteria about concepts that bear on each other without one being a kind of the
other: a risk score and the treatment it decides, a treatment and the condition it
treats, a finding and the procedure it rules out, an extent of disease and a tumour
stage, receiving investigational agents and taking part in another trial. They are
linked (one row), and said ``different`` unless a class makes one side broader."""

from __future__ import annotations

import pytest
from helpers import exclusion, inclusion, rows

from ctparse.align.meaning import meaning_of, related
from ctparse.nlp.entity_facts import tag_entities
from ctparse.schema import Criterion


def facts(text: str, section: str = "exclusion"):
    (criterion,) = tag_entities([Criterion("x-1", section, text, 0, len(text))])
    return meaning_of(criterion).facts


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a risk score and the treatment it decides
        (inclusion("CHADS2 score of 2 or more"), inclusion("Indication for oral anticoagulation")),
        (inclusion("CHA2DS2-VASc ≥ 3"), inclusion("Patients requiring anticoagulation therapy")),
        # a treatment and the condition it treats
        (exclusion("Currently receiving psychiatric care"), exclusion("Severe mental illness")),
        (exclusion("Treated with antidepressants"), exclusion("Major depression")),
        (exclusion("Currently on dialysis"), exclusion("End-stage renal failure")),
        # a finding and the procedure it rules out
        (
            exclusion("Local infection at the injection site"),
            exclusion("Contraindication to spinal anaesthesia"),
        ),
        # metal in the body (MRI)
        (exclusion("Dental braces"), exclusion("Ferromagnetic implants")),
        # an exercise test and exercise
        (exclusion("Unable to complete the 6-minute walk test"), exclusion("Unable to exercise")),
        # the extent of a cancer and its stage
        (inclusion("TNM stage T1-T2 N0"), inclusion("Localised prostate cancer")),
    ],
)
def test_criteria_on_related_concepts_are_one_row_said_different(a: str, b: str) -> None:
    (row,) = rows(a, b)
    assert row.a and row.b, row
    assert row.verdict == "different", row.detail


def test_investigational_agents_are_a_part_of_another_trial() -> None:
    (row,) = rows(
        exclusion("Receiving any other investigational agents"),
        exclusion("Participation in another clinical trial"),
    )
    # Taking part in any trial keeps out more patients than receiving its drugs.
    assert (bool(row.a and row.b), row.verdict) == (True, "b_stricter")


def test_the_study_drug_is_not_another_trials_drug() -> None:
    """ "the study drug" is the trial's own: an allergy to it is not a part in another trial."""
    concepts = {f.concept for f in facts("Known allergy to the study drug")}
    assert "study_drug" in concepts and "investigational_drug" not in concepts
    assert (
        len(
            rows(
                exclusion("Known allergy to the study drug"),
                exclusion("Participation in another clinical trial"),
            )
        )
        == 2
    )


def test_a_plain_infection_bears_on_no_anaesthesia() -> None:
    (infection,) = facts("Active infection")
    (block,) = facts("Contraindication to regional anaesthesia")
    (site,) = facts("Infection at the puncture site")
    assert not related(infection, block)
    assert related(site, block) and related(block, site)


def test_a_degree_of_extent_bears_on_the_tumour_stage() -> None:
    (cancer,) = facts("Metastatic prostate cancer")
    assert "tumor_stage" in cancer.related
    (plain,) = facts("Prostate cancer")
    assert "tumor_stage" not in plain.related


def test_bearing_on_a_class_of_a_concept_is_a_weaker_link() -> None:
    """Psychiatric care bears on psychiatric disorders, schizophrenia is one: linked
    less surely than to the disorders named as such, and not enough to pull a single
    need for care into a row about named diagnoses."""
    (named,) = rows(exclusion("Receiving psychiatric care"), exclusion("Psychiatric disorder"))
    (member,) = rows(exclusion("Receiving psychiatric care"), exclusion("Schizophrenia"))
    assert named.confidence == 0.8 and member.confidence == 0.64
    found = rows(
        exclusion("Requires urgent mental health care"), exclusion("Autism or schizophrenia")
    )
    assert sorted(p.verdict for p in found) == ["only_a", "only_b"]


def test_a_treatment_beside_the_condition_it_treats_adds_no_link() -> None:
    """ "hypertension despite antihypertensive therapy" names hypertension itself: the
    therapy's bearing on it must not pull the criterion into another about hypertension."""
    text = exclusion(
        "Hypertensive crises or hypertensive encephalopathy",
        "Current hypertension with systolic blood pressure ≥160 mmHg despite oral "
        "antihypertensive therapy",
    )
    found = rows(text, text)
    assert [(p.a_ids, p.b_ids, p.verdict) for p in found] == [
        (("exc-1",), ("exc-1",), "same"),
        (("exc-2",), ("exc-2",), "same"),
    ]


@pytest.mark.parametrize(
    "other",
    [
        "Patients who do not accept the procedure",
        "Patients who declined to participate",
        "Unwilling to participate",
    ],
)
def test_ways_of_refusing_are_one_demand(other: str) -> None:
    (row,) = rows(exclusion("Patient refusal"), exclusion(other))
    assert (bool(row.a and row.b), row.verdict) == (True, "same"), row.detail


def test_consent_and_assent_ask_more_than_consent() -> None:
    (row,) = rows(
        exclusion("Unable to provide informed consent"),
        exclusion("Participant or caregiver unable to give consent and assent"),
    )
    assert row.verdict == "b_stricter", row.detail


@pytest.mark.parametrize("name", ["Non-valvular atrial fibrillation", "NVAF", "Valvular AF"])
def test_valvular_and_non_valvular_af_are_kinds_of_af(name: str) -> None:
    (row,) = rows(inclusion(name), inclusion("Atrial fibrillation"))
    assert row.verdict == "a_stricter", row.detail


def test_complying_with_visits_and_staying_for_follow_up_are_one_row() -> None:
    (row,) = rows(
        inclusion("Willing to comply with study visits"),
        exclusion("Unable to return for follow-up visits"),
    )
    assert row.a and row.b, row


def test_a_period_ahead_is_no_washout() -> None:
    (row,) = rows(
        inclusion("Able to attend follow-up visits for 12 months"),
        exclusion("Plans to move out of the area within 6 months"),
    )
    # A needs a year of follow-up; B lets in someone leaving after 7 months.
    assert row.verdict == "a_stricter", row.detail
    assert "washout" not in row.detail and "6 months longer" in row.detail


def test_a_criterion_repeated_for_each_cohort_joins_its_twin() -> None:
    a = inclusion(
        "Cohort 1: responders",
        "Confirmed type 2 diabetes",
        "Cohort 2: non-responders",
        "Confirmed type 2 diabetes",
    )
    b = inclusion("Diagnosed with type 2 diabetes mellitus", "Treated with metformin")
    found = [r for r in rows(a, b) if "inc-2" in r.a_ids]
    (row,) = found
    assert (row.a_ids, row.b_ids, row.verdict) == (("inc-2", "inc-4"), ("inc-1",), "same")


def test_hip_and_knee_replacement_are_kinds_of_joint_replacement() -> None:
    from ctparse.align.meaning import broader_concepts
    from ctparse.nlp.mentions import mentions

    named = [m.entry.id for m in mentions("total knee prosthesis or total hip arthroplasty")]
    assert named == ["knee_replacement", "hip_replacement"]
    assert "joint_replacement" in broader_concepts("knee_replacement")
    assert "cardiac_surgery" in broader_concepts("cabg")
    assert {"dementia", "cognitive_impairment"} <= broader_concepts("alzheimer_disease")


def test_allergies_to_different_things_are_not_paired() -> None:
    found = rows(exclusion("Allergic to latex"), exclusion("Known allergy to penicillin"))
    assert sorted(r.verdict for r in found) == ["only_a", "only_b"], found


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        # complying with the protocol: required on one side, its lack excluded on the other
        (
            inclusion("Willing and able to comply with the study protocol"),
            exclusion("Unable to comply with study procedures"),
            "same",
        ),
        (
            inclusion("Able to adhere to the study protocol"),
            inclusion("Must comply with scheduled visits"),
            "same",
        ),
        # being there for the follow-up, in other words
        (
            exclusion("Lost to follow-up risk: lives too far from the study site"),
            exclusion("Geographically inaccessible for follow-up"),
            "same",
        ),
        # affiliation to health insurance, written either way round
        (
            exclusion("Not affiliated to a social security scheme"),
            inclusion("Covered by health insurance"),
            "same",
        ),
        # a limitation of care, in other words
        (
            exclusion("Do not resuscitate order"),
            exclusion("Limitation of life-sustaining treatment"),
            "same",
        ),
        # agreeing to take part is consenting to it
        (
            inclusion("Agree to participate and sign the consent form"),
            inclusion("Written informed consent"),
            "same",
        ),
        # another study's exclusion period is taking part in another study
        (
            exclusion("Subject in the exclusion period of a previous study"),
            exclusion("Participation in another interventional study"),
            "same",
        ),
        # an allergy is said by what it is to: any allergy keeps out everyone an allergy to latex does, and more
        (exclusion("Any known allergy"), exclusion("Allergy to latex"), "a_stricter"),
        (exclusion("Allergy to latex"), exclusion("History of allergy"), "b_stricter"),
        # an allergy to more things keeps out more
        (exclusion("Allergy to latex"), exclusion("Allergy to latex or penicillin"), "b_stricter"),
        (
            exclusion("Hypersensitivity against iodinated contrast"),
            exclusion("Allergy to contrast media"),
            "same",
        ),
    ],
)
def test_criteria_about_one_thing_in_other_words_are_one_row(a: str, b: str, verdict: str) -> None:
    (row,) = rows(a, b)
    assert row.a and row.b, row
    assert row.verdict == verdict, row.detail
