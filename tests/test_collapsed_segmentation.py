"""Flattened text without sentence punctuation: a mirror joined the lines of a
record whose registrant used no periods. Segmentation uses what such text
still has: bullets written alike, numbers in sequence, known criterion
openings after a complete clause, repeated sentence shapes. The collapsed-text
evaluation (``ctparse eval --task segmentation``, row ``collapsed``) is built
from the dev gold; these are our own examples of each cue."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD, need_shared

from ctparse.evaluation.segmentation import collapse, evaluate, read_gold, unpunctuated
from ctparse.nlp.segment import segment


def leaves(text: str) -> list[str]:
    criteria = segment(text)
    parents = {c.parent for c in criteria if c.parent}
    return [c.text for c in criteria if c.id not in parents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the issue's own shape: no marker, no period, capitalized openings after a clause
        (
            "Inclusion Criteria: Age 18 to 65 years Diagnosis of type 2 diabetes for at least 6 "
            "months HbA1c between 7% and 10% Body mass index below 40",
            [
                "Age 18 to 65 years",
                "Diagnosis of type 2 diabetes for at least 6 months",
                "HbA1c between 7% and 10%",
                "Body mass index below 40",
            ],
        ),
        (
            "Exclusion Criteria: Pregnant or breastfeeding women Known hypersensitivity to "
            "metformin Inability to give informed consent",
            [
                "Pregnant or breastfeeding women",
                "Known hypersensitivity to metformin",
                "Inability to give informed consent",
            ],
        ),
    ],
)
def test_known_criterion_openings_split_a_run(text: str, expected: list[str]) -> None:
    assert leaves(text) == expected


def test_bullets_written_alike_split_a_collapsed_list() -> None:
    text = (
        "Inclusion Criteria: -  Patients aged from 18 to 80 years -  Obese (BMI ≥ 30 kg/m²) "
        "-  Bicarbonate - concentration ≥ 27 mmol/L -  analgesic plan includes a nerve block"
    )
    assert leaves(text) == [
        "Patients aged from 18 to 80 years",
        "Obese (BMI ≥ 30 kg/m²)",
        "Bicarbonate - concentration ≥ 27 mmol/L",  # a dash inside an item is no bullet
        "analgesic plan includes a nerve block",
    ]


def test_numbers_in_sequence_split_without_punctuation() -> None:
    text = (
        "Inclusion Criteria: 1. Patients undergoing first time cardiopulmonary bypass surgery "
        "2. Receiving intravenous heparin for bypass 3. able to give consent"
    )
    assert leaves(text) == [
        "Patients undergoing first time cardiopulmonary bypass surgery",
        "Receiving intravenous heparin for bypass",
        "able to give consent",
    ]


def test_repeated_sentence_shapes_open_criteria() -> None:
    text = (
        "Exclusion Criteria: Teeth that are previously restored or have caries Patients who "
        "have orthodontic treatment Teeth that have dental fluorosis"
    )
    assert leaves(text) == [
        "Teeth that are previously restored or have caries",
        "Patients who have orthodontic treatment",
        "Teeth that have dental fluorosis",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # names and titles, function words, asides and units open nothing
        "Concomitant Aortic Stenosis which is associated with an acquired von Willebrand "
        "Syndrome in patients treated prior to Day 1",
        "ANC ≥ 1.5 × 10^9/L (Cohort A) or ≥ 1.0 × 10^9/L (Cohort B) in patients with HBV DNA "
        "< 500 IU/mL",
        # punctuated as written: its clauses are the pieces' job
        "Hematopoietic growth factors within 2 weeks before the first dose of study drug; or "
        "Chinese herbal medicine or traditional Chinese medicine with anti-tumor indications",
    ],
)
def test_a_single_criterion_is_not_split(text: str) -> None:
    found = leaves("Exclusion Criteria: " + text)
    assert all("Chinese medicine" not in t or "traditional Chinese medicine" in t for t in found)
    assert not any(t in ("Syndrome in patients treated prior to Day 1", "Cohort B)") for t in found)
    assert len(found) <= 2


def test_a_title_is_no_lead_in_for_the_next_section() -> None:
    text = (
        "Inclusion Criteria: Age above 18 years Indication for colonoscopy with propofol "
        "sedation Written informed consent Exclusion Criteria: Pregnancy"
    )
    criteria = segment(text)
    assert [(c.section, c.text) for c in criteria] == [
        ("inclusion", "Age above 18 years"),
        ("inclusion", "Indication for colonoscopy with propofol sedation"),
        ("inclusion", "Written informed consent"),
        ("exclusion", "Pregnancy"),
    ]


def test_collapse_maps_gold_offsets_onto_the_joined_text() -> None:
    text = "Inclusion Criteria:\n  -  Age ≥ 18\n  -  HIV negative"
    record = {
        "text": text,
        "criteria": [
            {"start": text.index("-  Age"), "end": text.index("18") + 2, "section": "inclusion"},
            {"start": text.index("-  HIV"), "end": len(text), "section": "inclusion"},
        ],
        "headers": [{"start": 0, "end": 19, "text": "Inclusion Criteria:", "section": "inclusion"}],
    }
    assert unpunctuated(record)
    joined = collapse(record)
    assert joined["text"] == "Inclusion Criteria: -  Age ≥ 18 -  HIV negative"
    spans = [joined["text"][g["start"] : g["end"]] for g in joined["criteria"]]
    assert spans == ["-  Age ≥ 18", "-  HIV negative"]
    assert json.dumps(joined)  # a plain record, nothing written anywhere


def test_collapsed_dev_text_meets_the_target() -> None:
    path = need_shared(GOLD / "lct_dev_segmentation.jsonl")
    report = evaluate(path)
    collapsed = report.scores["collapsed"]
    assert collapsed.f1 >= 0.85
    assert report.collapsed_documents == sum(1 for r in read_gold(path) if unpunctuated(r))
