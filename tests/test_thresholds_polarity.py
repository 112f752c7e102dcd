"""Polarity: what a stated range means for eligibility when the words around it say
more than the section does (models/polarity.jsonl, ctparse.nlp.polarity)."""

from __future__ import annotations

import pytest
from helpers import parse

from ctparse.schema import Criterion, Range, Threshold


def _criterion(text: str, section: str) -> Criterion:
    return Criterion(id="c", section=section, text=text, start=0, end=len(text))  # type: ignore[arg-type]


def limits(text: str, section: str) -> tuple[Threshold, ...]:
    return parse(text, section).thresholds


def only(text: str, section: str, variable: str) -> Threshold:
    found = [t for t in limits(text, section) if t.variable == variable]
    assert len(found) == 1, limits(text, section)
    return found[0]


def bounds(r: Range | None) -> tuple | None:
    if r is None:
        return None
    return (r.lower, r.lower_inclusive, r.upper, r.upper_inclusive)


@pytest.mark.parametrize(
    ("text", "eligible"),
    [
        (
            "Unresolved toxicities from prior anti-tumor therapy, defined as toxicities not yet "
            "resolved to NCI CTCAE version 5.0 grade 0 or 1, with the exception of alopecia.",
            (0, True, 1, True),
        ),
        ("Adverse events that have not recovered to ≤ grade 1", (None, None, 1, True)),
        ("Toxicity that has not returned to baseline or grade ≤1", (None, None, 1, True)),
        # a bare level reached is an upper bound: resolved to grade 1 = grade 0-1
        (
            "All adverse events during previous PD-1 inhibitor treatment have not been completely "
            "resolved or resolved to grade 1 before screening for this study.",
            (0, True, 1, True),
        ),
    ],
)
def test_level_not_yet_reached_in_an_exclusion_is_the_allowed_level(text, eligible) -> None:
    assert bounds(only(text, "exclusion", "ctcae_grade").eligible) == eligible


@pytest.mark.parametrize(
    ("text", "variable", "eligible"),
    [
        (
            "For subjects with grade ≥2 endocrine adverse events, if the condition is stable with "
            "appropriate alternative treatment and asymptomatic, enrollment is allowed.",
            "ctcae_grade",
            (2, True, None, None),
        ),
        (
            "Subjects with grade 2 alopecia are allowed to enroll.",
            "ctcae_grade",
            (2, True, 2, True),
        ),
        (
            "Participants with grade ≤ 2 neuropathy may be included.",
            "ctcae_grade",
            (None, None, 2, True),
        ),
        ("Patients with HBV DNA < 500 IU/mL are eligible.", "hbv_dna", (None, None, 500, False)),
        (
            "Prior radiotherapy to ≤ 25% of the bone marrow is permitted.",
            "other",
            (None, None, 25, True),
        ),
        ("Patients with HBV DNA < 500 IU/mL can be enrolled.", "hbv_dna", (None, None, 500, False)),
        (
            "Active brain metastases. Note: a QTc ≤ 480 ms on stable treatment is allowed.",
            "qtc",
            (None, None, 480, True),
        ),
    ],
)
def test_permission_inside_an_exclusion_is_as_stated(text, variable, eligible) -> None:
    assert bounds(only(text, "exclusion", variable).eligible) == eligible


def test_permission_reaches_only_its_own_sentence() -> None:
    text = "QTc > 470 ms. Note: patients with grade 2 alopecia are allowed to enroll."
    assert bounds(only(text, "exclusion", "qtc").eligible) == (None, None, 470, True)


@pytest.mark.parametrize(
    ("text", "variable", "eligible"),
    [
        ("Patients with an ANC < 1500/mm3 are excluded.", "anc", (1.5, True, None, None)),
        ("Subjects with a QTc > 470 ms are not eligible.", "qtc", (None, None, 470, True)),
    ],
)
def test_exclusion_stated_inside_an_inclusion_is_complemented(text, variable, eligible) -> None:
    assert bounds(only(text, "inclusion", variable).eligible) == eligible


@pytest.mark.parametrize(
    ("text", "section", "variable", "eligible"),
    [
        (
            "untreated asymptomatic brain metastases (i.e., no neurological symptoms, no brain "
            "metastases with a long axis >1.5 cm) are eligible to enroll.",
            "exclusion",
            "tumor_size",
            (None, None, 15, True),
        ),
        (
            "No competing illness that would limit the life expectancy to less than 6 months",
            "inclusion",
            "life_expectancy",
            (180, True, None, None),
        ),
    ],
)
def test_negation_opening_the_clause_flips_the_polarity(text, section, variable, eligible) -> None:
    assert bounds(only(text, section, variable).eligible) == eligible


@pytest.mark.parametrize("section", ["inclusion", "exclusion"])
def test_limit_that_names_a_subgroup_under_an_obligation_has_no_eligible_range(section) -> None:
    text = (
        "Participants with active hepatitis B (HBsAg-positive with HBV-DNA levels above 1000 "
        "copies/mL (200 IU/mL) or higher than the lower limit of detection, whichever is higher) "
        "must receive antiviral therapy for hepatitis B during the study treatment period"
    )
    t = only(text, section, "hbv_dna")
    assert (t.comparator, t.value, t.eligible) == (">", 1000, None)
    assert t.condition == (
        "must receive antiviral therapy for hepatitis B during the study treatment period"
    )
    assert parse(text, section).status == "parsed"  # every number is placed


def test_limit_required_of_a_subgroup_is_as_stated() -> None:
    t = only("Patients with HIV infection must have a CD4 count ≥ 350 cells/µL", "exclusion", "cd4")
    assert bounds(t.eligible) == (0.35, True, None, None)


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        (
            "parental consent/adolescent assent for those 12-17 years",
            "parental consent/adolescent assent",
        ),
        ("consent for those 18-21 years", "consent"),
    ],
)
def test_age_range_after_for_those_names_a_subgroup(text: str, condition: str) -> None:
    t = only(text, "inclusion", "age")
    assert (t.comparator, t.eligible, t.condition) == ("between", None, condition)


def test_for_women_before_a_count_names_no_subgroup() -> None:
    text = "excessive alcohol use (>3 drinks/occasion for women >4 drinks/occasion for men)"
    assert all(t.eligible is not None for t in limits(text, "inclusion"))
