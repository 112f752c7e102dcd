"""Atomic criteria: bullets, nesting, wrapping, lead-ins, flattened paragraphs,
packed lines, ids, offsets and categories (phenomena, one small case each)."""

from __future__ import annotations

import time

import pytest
from conftest import CORPUS, need_shared

from ctparse.nlp.segment import segment
from ctparse.schema import Criterion


def texts(text: str) -> list[str]:
    return [c.text for c in segment(text)]


def by_text(criteria: list[Criterion], start: str) -> Criterion:
    return next(c for c in criteria if c.text.startswith(start))


def assert_offsets_exact(text: str, criteria: list[Criterion]) -> None:
    for c in criteria:
        assert c.start is not None and c.end is not None
        assert text[c.start : c.end] == c.text


# ------------------------------------------------------------------ bullets


@pytest.mark.parametrize(
    "marker",
    ["*", "-", "•", "⁃", "·", "1.", "1)", "(1)", "a.", "A)", "i.", "(a)", "–"],
)
def test_every_bullet_kind_opens_a_criterion(marker: str) -> None:
    second = {
        "1.": "2.",
        "1)": "2)",
        "(1)": "(2)",
        "a.": "b.",
        "A)": "B)",
        "i.": "ii.",
        "(a)": "(b)",
    }
    text = f"Inclusion Criteria:\n{marker} Age over 18\n{second.get(marker, marker)} ECOG 0-1"
    assert texts(text) == ["Age over 18", "ECOG 0-1"]


def test_a_footnote_mark_glued_to_a_line_is_no_part_of_it() -> None:
    text = "Exclusion Criteria:\n- lower extremity lymphedema;3\n- revision of both knees;1,5\n- ECOG 0-1;2"
    assert texts(text) == ["lower extremity lymphedema", "revision of both knees", "ECOG 0-1;2"]


def test_a_comma_glued_between_two_demands_splits_them() -> None:
    found = segment("Inclusion Criteria:\n- Body Mass Index 18-25kg/m2,body weight 40-65 kilograms")
    assert [c.text for c in found if c.parent] == [
        "Body Mass Index 18-25kg/m2",
        "body weight 40-65 kilograms",
    ]
    assert texts("Inclusion Criteria:\n- Platelets ≥ 100,000/mm3") == ["Platelets ≥ 100,000/mm3"]


def test_a_second_kind_of_patient_after_or_is_excluded_on_its_own() -> None:
    line = "- Smokers or those subjects with high alcohol consumption (> 2 drinks/day)"
    found = segment(f"Exclusion Criteria:\n{line}")
    assert [c.text for c in found if c.parent] == [
        "Smokers",
        "those subjects with high alcohol consumption (> 2 drinks/day)",
    ]
    found = segment("Exclusion Criteria:\n- Weight change of more than 4 kg or who have dieted")
    assert [c.text for c in found if c.parent] == [
        "Weight change of more than 4 kg",
        "who have dieted",
    ]
    found = segment("Exclusion Criteria:\n- Prisoner or patient interned in psychiatric hospital")
    assert [c.text for c in found if c.parent] == [
        "Prisoner",
        "patient interned in psychiatric hospital",
    ]
    # In an inclusion the two kinds are alternatives: one criterion.
    assert not [c for c in segment(f"Inclusion Criteria:\n{line}") if c.parent]


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        (
            "Life expectancy < 3 months or in hospice care or nursing home",
            ["Life expectancy < 3 months", "in hospice care or nursing home"],
        ),
        (
            "Life expectancy < 24 hours or expected to require ventilation for < 24 hours",
            ["Life expectancy < 24 hours", "expected to require ventilation for < 24 hours"],
        ),
        # a second limit (its words may be the first one's), one word, no limit first
        (
            "Hypertension with systolic blood pressure ≥160 mmHg or diastolic blood "
            "pressure ≥100 mmHg despite antihypertensive therapy",
            [],
        ),
        ("Platelets < 100,000/mm3 or hemoglobin < 9 g/dL", []),
        ("Age less than 50 years or over 85 years", []),
        ("Creatinine > 1.5 mg/dL or creatinine clearance < 60 mL/min", []),
        ("ECOG 2 or higher", []),
        ("AST or ALT > 3 x ULN", []),
    ],
)
def test_an_excluded_limit_or_something_else_is_excluded_on_its_own(
    line: str, parts: list[str]
) -> None:
    found = segment(f"Exclusion Criteria:\n- {line}")
    assert [c.text for c in found if c.parent] == parts
    # In an inclusion they are alternatives: one criterion.
    assert not [c for c in segment(f"Inclusion Criteria:\n- {line}") if c.parent]


def test_bullet_without_space_and_number_without_space() -> None:
    assert texts("Exclusion Criteria:\n-Stroke within 30 days\n-Pregnancy") == [
        "Stroke within 30 days",
        "Pregnancy",
    ]


def test_nested_bullets_hang_from_their_item() -> None:
    text = "Inclusion Criteria:\n* Adequate organ function\n  * ANC >= 1.5\n  * Platelets >= 100\n* ECOG 0-1"
    criteria = segment(text)
    organ = by_text(criteria, "Adequate organ function")
    assert [c.parent for c in criteria if c.text.startswith(("ANC", "Platelets"))] == [organ.id] * 2
    assert by_text(criteria, "ECOG").parent is None


def test_numbering_that_continues_is_a_sibling_despite_indentation() -> None:
    criteria = segment("Inclusion Criteria:\n1. Adults\n   2. Signed consent")
    assert [c.parent for c in criteria] == [None, None]


def test_lettered_sub_list_after_a_colon_in_flat_text() -> None:
    text = "Inclusion Criteria:\n1. Adequate function as follows:\na. ANC >= 1.5\nb. Platelets >= 100\n2. Consent"
    criteria = segment(text)
    lead = by_text(criteria, "Adequate function")
    assert [c.parent for c in criteria] == [None, lead.id, lead.id, None]


# ----------------------------------------------------------- hard wrapping


def test_hard_wrapped_lines_are_joined_and_offsets_stay_exact() -> None:
    text = (
        "        Exclusion Criteria:\n\n"
        "          -  American Society of Anesthesiologists classification of physical status 4 and 5,\n"
        "             including hepatic or renal failure, severe obstructive sleep apnea and severe\n"
        "             chronic obstructive pulmonary disease.\n\n"
        "          -  Mallampati score 4 or 5.\n"
    )
    criteria = segment(text)
    assert len(criteria) == 2
    assert criteria[0].text.endswith("chronic obstructive pulmonary disease.")
    assert "\n" in criteria[0].text  # a slice of the text, never rewritten
    assert_offsets_exact(text, criteria)


def test_short_unbulleted_lines_are_separate_criteria() -> None:
    text = "Inclusion Criteria:\npatients with broken vital teeth\ngood oral hygiene\nyoung adults"
    assert len(segment(text)) == 3


# ---------------------------------------------------------------- lead-ins


def test_lead_in_ending_in_the_following_is_parent_of_its_items() -> None:
    text = (
        "Inclusion Criteria:\nThe presence of fever plus four of the following criteria:\n"
        "  1. Polymorphous exanthema\n  2. Cervical lymphadenopathy\n"
        "Parents must be biological parents."
    )
    criteria = segment(text)
    lead = by_text(criteria, "The presence of fever")
    assert [c.parent for c in criteria[1:3]] == [lead.id, lead.id]
    assert by_text(criteria, "Parents").parent is None


def test_inline_lead_in_splits_into_items_in_a_flattened_sentence() -> None:
    text = (
        "Inclusion Criteria: The function of important organs meets the following requirements:"
        " Normal bone marrow function; Normal renal function; Normal liver function. Adults."
    )
    criteria = segment(text)
    lead = by_text(criteria, "The function of important organs")
    assert lead.text.endswith("requirements:")
    items = [c for c in criteria if c.parent == lead.id]
    assert [c.text for c in items] == [
        "Normal bone marrow function",
        "Normal renal function",
        "Normal liver function.",
    ]
    assert by_text(criteria, "Adults").parent is None


# ------------------------------------------------------ flattened paragraphs


@pytest.mark.parametrize(
    "sentence",
    [
        "Prior therapy (e.g. Chemotherapy) within 4 weeks.",
        "Brain metastases (i.e. No symptoms) are allowed.",
        "Drug vs. Placebo in a prior study.",
        "Weight loss of approx. 10% in 3 months.",
        "Protocol No. 5 patients are excluded.",
        "Hemoglobin ≥ 1.5 g/dL in 3 months.",
        "ANC ≥ 1.5 × 10^9/L. Platelets ≥ 100 ×10⁹/L.",
    ],
)
def test_sentences_never_split_inside_abbreviations_or_numbers(sentence: str) -> None:
    result = texts("Exclusion Criteria: " + sentence)
    if sentence.startswith("ANC"):
        assert result == ["ANC ≥ 1.5 × 10^9/L.", "Platelets ≥ 100 ×10⁹/L."]
    else:
        assert result == [sentence]


def test_flattened_paragraph_splits_at_sentence_ends() -> None:
    text = "Inclusion Criteria: Voluntarily sign consent. Age ≥18 years. ECOG 0 or 1."
    assert texts(text) == ["Voluntarily sign consent.", "Age ≥18 years.", "ECOG 0 or 1."]


def test_note_sentence_stays_with_the_criterion_it_qualifies() -> None:
    text = (
        "Exclusion Criteria: Presence of active CNS metastases. Note: Subjects with treated brain"
        " metastases are allowed; untreated asymptomatic ones are eligible. Pregnancy."
    )
    criteria = segment(text)
    assert [c.text for c in criteria] == [
        "Presence of active CNS metastases. Note: Subjects with treated brain metastases are"
        " allowed; untreated asymptomatic ones are eligible.",
        "Pregnancy.",
    ]


def test_note_line_stays_with_the_item_above() -> None:
    text = "Inclusion Criteria:\n  4. Taking antibiotics for diarrhea.\n[Note: diarrhea must be controlled]"
    assert len(segment(text)) == 1


def test_flattened_bullets_after_a_run_of_spaces() -> None:
    text = "Inclusion Criteria:   -  Healthy   -  Between the ages of 18-55 years old   -  Smokers"
    assert texts(text) == ["Healthy", "Between the ages of 18-55 years old", "Smokers"]


def test_flattened_numbering_in_sequence() -> None:
    text = "Inclusion Criteria:   1. Age ≥ 18 years;   2. Documented MM;   3. Measurable disease"
    assert texts(text) == ["Age ≥ 18 years", "Documented MM", "Measurable disease"]


# ------------------------------------------------------------ packed lines


def test_packed_lettered_line_is_split_into_pieces() -> None:
    text = "Inclusion Criteria:\n- A. BIL < 1.25 ULN; B. ALT and AST < 2.5 ULN; C. Creatinine < 1.5 ULN"
    criteria = segment(text)
    line = criteria[0]
    assert [(c.text, c.parent) for c in criteria[1:]] == [
        ("BIL < 1.25 ULN", line.id),
        ("ALT and AST < 2.5 ULN", line.id),
        ("Creatinine < 1.5 ULN", line.id),
    ]
    assert_offsets_exact(text, criteria)


def test_packed_lab_values_are_split_into_pieces() -> None:
    text = "Inclusion Criteria:\n* neutrophils ≥ 1,500/mm3, platelet count ≥ 100,000/mm3, hemoglobin ≥ 9 g/dL"
    pieces = [c.text for c in segment(text) if c.parent]
    assert pieces == [
        "neutrophils ≥ 1,500/mm3",
        "platelet count ≥ 100,000/mm3",
        "hemoglobin ≥ 9 g/dL",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Age ≥18 and ≤80 years, both males and females are eligible",
        "serum creatinine ≤ 1.5 mg/dL, or creatinine clearance ≥ 60 mL/min",
        "Contraception for 120 days; whether to stop should be discussed with the investigator",
        "Live vaccine within 30 days; use of inactivated vaccine is allowed",
    ],
)
def test_lines_that_are_one_requirement_stay_whole(line: str) -> None:
    assert texts("Inclusion Criteria:\n* " + line) == [line]


def test_inline_numbered_alternatives_become_pieces() -> None:
    text = "Inclusion Criteria:\n- Dysregulation as evidenced by 1) self-injury and/or 2) substance use."
    pieces = [c.text for c in segment(text) if c.parent]
    assert pieces == ["self-injury", "substance use."]


# --------------------------------------------------------- ids and sections


def test_ids_per_section_and_pieces_under_their_unit() -> None:
    text = "Background text.\nInclusion Criteria:\n* Adults\n* ANC ≥ 1.5; platelets ≥ 100\nExclusion Criteria:\n* HIV"
    assert [(c.id, c.section, c.parent) for c in segment(text)] == [
        ("unk-1", "unknown", None),
        ("inc-1", "inclusion", None),
        ("inc-2", "inclusion", None),
        ("inc-2.1", "inclusion", "inc-2"),
        ("inc-2.2", "inclusion", "inc-2"),
        ("exc-1", "exclusion", None),
    ]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Age ≥ 18 years", "demographics"),
        ("ECOG performance status 0-1", "performance status"),
        ("Platelet count ≥ 100,000/mm3", "laboratory"),
        ("Histologically confirmed adenocarcinoma of the pancreas", "disease characteristics"),
        ("Prior treatment with a PD-1 inhibitor", "prior therapy"),
        ("History of myocardial infarction", "comorbidity"),
        ("Pregnant or breastfeeding women", "reproductive"),
        ("Signed informed consent", "consent/compliance"),
        ("Tattoo near the incision site", "other"),
    ],
)
def test_category_from_rules(text: str, category: str) -> None:
    assert segment("Inclusion Criteria:\n* " + text)[0].category == category


# --------------------------------------------------------- bad and odd input


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "Age 18 or older. ECOG 0-1.",  # no headers
        "Critères d'inclusion : âge ≥ 18 ans. Critères de non-inclusion : grossesse.",
        "患者年龄18-75岁。签署知情同意书。",
        "Inclusion Criteria:\x00\x07 Age\x0b≥ 18\x1b[0m\x0c- ECOG 0-1\r\n- Consent\u200b",
    ],
)
def test_odd_input_gives_criteria_with_exact_offsets_and_no_error(text: str) -> None:
    criteria = segment(text)
    assert_offsets_exact(text, criteria)
    if not text.strip():
        assert criteria == []


def test_text_without_headers_is_unknown_never_guessed() -> None:
    assert {c.section for c in segment("Age 18 or older. No prior chemotherapy.")} == {"unknown"}


@pytest.mark.parametrize(
    "text",
    [
        "Inclusion Criteria: " + "Age ≥ 18 years, ECOG 0-1; no prior therapy. " * 450,
        "x" * 20_000,
        "(" * 20_000,
        " " * 10_000 + "a" + " " * 10_000,
        "1. " * 7_000,
        ("word " * 40 + "\n") * 100,
    ],
    ids=["sentences", "one-word", "parens", "spaces", "markers", "lines"],
)
def test_20000_characters_in_bounded_time(text: str) -> None:
    started = time.perf_counter()
    criteria = segment(text)
    assert time.perf_counter() - started < 10  # generous for CI; typically well under 0.5 s
    assert_offsets_exact(text, criteria)


# ------------------------------------------------------------------ seed 004


def _seed_text() -> str:
    from ctparse.refs import load_studies

    path = CORPUS / "NCT05990231.page.txt"
    if not path.exists():
        path = need_shared(
            need_shared(CORPUS.parent.parent / "shared" / "seeds") / "004_a803df08c1dbcb20.txt"
        )
    (study,) = load_studies(str(path), offline=True)
    text = study.eligibility.criteria_text
    assert text
    return text


def test_seed_004_atomic_criteria_count_and_sections() -> None:
    text = _seed_text()
    criteria = segment(text)
    assert_offsets_exact(text, criteria)
    parents = {c.parent for c in criteria if c.parent and c.id.startswith(c.parent + ".")}
    atomic = [c for c in criteria if c.id not in parents]
    assert 40 <= len(atomic) <= 90
    boundary = text.index("Exclusion Criteria:")
    for c in criteria:
        assert c.end <= boundary or c.start >= boundary, c.text  # type: ignore[operator]
        assert c.section == ("inclusion" if c.start < boundary else "exclusion")  # type: ignore[operator]


def test_seed_004_organ_function_requirements_are_pieces() -> None:
    criteria = segment(_seed_text())
    lead = by_text(criteria, "The function of important organs")
    items = [c.text for c in criteria if c.parent == lead.id]
    assert [t.split()[1] for t in items] == ["bone", "renal", "liver"]
    leaves = [
        c.text
        for c in criteria
        if (c.parent and c.parent != lead.id and "ULN" in c.text) or "≥1,500" in c.text
    ]
    assert any(t.startswith("neutrophils ≥1,500/mm3") for t in leaves)
    for word in ("neutrophils", "platelet count", "hemoglobin", "creatinine", "bilirubin"):
        holders = [c for c in criteria if word in c.text and c.id.count(".") == 1]
        assert len(holders) <= 2, word  # each requirement is its own piece


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        (
            "Female, age ≥18 years and ≤70 years, signed informed consent.",
            ["Female", "age ≥18 years and ≤70 years", "signed informed consent."],
        ),
        (
            "Patients aged 18-74, receiving therapy for active ulcerative colitis",
            ["Patients aged 18-74", "receiving therapy for active ulcerative colitis"],
        ),
        ("Over 18 years old, ASA I-III", ["Over 18 years old", "ASA I-III"]),
        (
            "Subjects over 60 years of age with a clinical diagnosis of Parkinson's disease",
            ["Subjects over 60 years of age", "with a clinical diagnosis of Parkinson's disease"],
        ),
        ("Adult patients with colorectal cancer.", ["Adult patients", "with colorectal cancer."]),
        (
            "Women called back from a screening mammography",
            ["Women", "called back from a screening mammography"],
        ),
        ("Male patients with prostate cancer", ["Male patients", "with prostate cancer"]),
        (
            "Adult patients (age >= 18) admitted to the intensive care unit",
            ["Adult patients (age >= 18)", "admitted to the intensive care unit"],
        ),
        (
            "Patients aged ≥ 65 years hospitalized for heart failure",
            ["Patients aged ≥ 65 years", "hospitalized for heart failure"],
        ),
        # an age, then a sentence of its own; who the patient is, then ", with" what
        (
            "Adults (ages 18-65), current service users, with severe mental ill-health, "
            "which typically relates to bipolar disorder",
            [
                "Adults (ages 18-65)",
                "current service users",
                "with severe mental ill-health, which typically relates to bipolar disorder",
            ],
        ),
        ("Woman ≥ 18 years old", ["Woman", "≥ 18 years old"]),
        (
            "All patients aged 18 or older and with a recent ICU entry",
            ["All patients aged 18 or older", "with a recent ICU entry"],
        ),
        ("Male or female ≥ 18 years of age.", ["Male or female", "≥ 18 years of age."]),
        (
            "Current service users, with severe and enduring mental disorder",
            ["Current service users", "with severe and enduring mental disorder"],
        ),
    ],
)
def test_a_comma_list_of_demands_is_split_into_them(line: str, parts: list[str]) -> None:
    """Each part asks one thing of its own (a sex, an age, a score, a consent), or
    opens as a criterion does beside one that does."""
    criteria = segment("Inclusion Criteria:\n- " + line)
    assert [c.text for c in criteria] == [line, *parts]
    assert all(c.parent == criteria[0].id for c in criteria[1:])


@pytest.mark.parametrize(
    "line",
    [
        "Aged 18-35 years, established by visual inspection of a government-issued ID",
        "Age 5-8 years, both inclusive, at inclusion",
    ],
)
def test_words_that_go_on_about_the_age_keep_the_line_whole(line: str) -> None:
    assert texts("Inclusion Criteria:\n- " + line) == [line]


@pytest.mark.parametrize(
    "line",
    [
        "Subjects must give written, signed and dated informed consent",
        "age, 18 to 65 years old",
        "Cardiovascular disease, such as coronary heart disease, heart failure greater than NYHA 2",
        "History of myocardial infarction, unstable angina, creatinine > 2 mg/dL",
        "Have at least 10 teeth in function, excluding third molars",
        "Minor burn, TBSA < 20 %",
        "Women who are pregnant or breastfeeding",
        "Undergoing primary total knee arthroplasty with spinal anesthesia",
        "Consent to follow with study procedures",
        "Chronic ankle sprain more than 3 months with chronic ankle pain",
    ],
)
def test_a_comma_list_with_a_part_that_asks_nothing_alone_stays_whole(line: str) -> None:
    assert texts("Inclusion Criteria:\n- " + line) == [line]


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        (
            "Severe hepatic (Child B and C) or renal insufficiency (GFR<30 mL/min)",
            ["Severe hepatic (Child B and C)", "renal insufficiency (GFR<30 mL/min)"],
        ),
        (
            "Resting hypotension (systolic < 90 mmHg) or hypertension (resting blood pressure >170/110)",
            [
                "Resting hypotension (systolic < 90 mmHg)",
                "hypertension (resting blood pressure >170/110)",
            ],
        ),
    ],
)
def test_an_exclusion_of_two_things_each_in_its_brackets_is_two_pieces(line, parts) -> None:
    criteria = segment("Exclusion Criteria:\n- " + line)
    assert [c.text for c in criteria] == [line, *parts]


@pytest.mark.parametrize(
    "line",
    [
        # one head said twice: one criterion
        "Hepatitis B (HBsAg positive) or hepatitis C (HCV antibody positive)",
        # a list, not two things
        "Lesions (other than fibroadenomas) associated with a mass, ADH (atypia) or papilloma (any)",
    ],
)
def test_a_bracketed_or_that_is_no_pair_of_things_stays_whole(line: str) -> None:
    assert texts("Exclusion Criteria:\n- " + line) == [line]
