"""Section headers: the variants registries write, where they may stand, and
that text before any header stays ``unknown``."""

from __future__ import annotations

import pytest

from ctparse.evaluation.examples import parse_example
from ctparse.nlp.sections import find_sections, rules, section_at
from ctparse.resources import models_dir, read_entries


def _headers(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.section) for s in find_sections(text)]


@pytest.mark.parametrize(
    ("text", "header", "section"),
    [
        ("Inclusion Criteria:\n- Adults", "Inclusion Criteria:", "inclusion"),
        ("Key inclusion criteria\n* Adults", "Key inclusion criteria", "inclusion"),
        ("INCLUSION:\n1. Adults", "INCLUSION:", "inclusion"),
        ("Exclusion criteria -\n- Pregnancy", "Exclusion criteria -", "exclusion"),
        ("Exclusions:\n  -  No insomnia", "Exclusions:", "exclusion"),
        ("Non-inclusion criteria:\n- Minors", "Non-inclusion criteria:", "exclusion"),
        ("Criteria for exclusion:\n- Minors", "Criteria for exclusion:", "exclusion"),
        (
            "Inclusion Criteria (ESRD group):\n- dialysis",
            "Inclusion Criteria (ESRD group):",
            "inclusion",
        ),
        ("**Exclusion Criteria:**\n* Pregnancy", "Exclusion Criteria:**", "exclusion"),
        (
            "Patients must meet all of the following\n- Adults",
            "Patients must meet all of the following",
            "inclusion",
        ),
        ("Subjects will be excluded if:\n- Smokers", "Subjects will be excluded if:", "exclusion"),
        (
            "Inclusion Criteria-- Participants must be:\n  -  Healthy",
            "Inclusion Criteria-- Participants must be:",
            "inclusion",
        ),
    ],
)
def test_header_variants_open_their_section(text: str, header: str, section: str) -> None:
    assert _headers(text)[0] == (header, section)


def test_header_inside_a_flattened_paragraph() -> None:
    text = "Inclusion Criteria: Adults. Both males and females are eligible. Exclusion Criteria: Subjects who smoke."
    assert [h for _, h in _headers(text)] == ["inclusion", "exclusion"]
    exclusion = find_sections(text)[1]
    assert text[exclusion.start : exclusion.end] == "Exclusion Criteria:"


def test_header_lead_in_is_part_of_the_header() -> None:
    text = (
        "Exclusion Criteria: Subjects who meet any of the following criteria will be ineligible"
        " to participate in this study: Subjects who smoke."
    )
    (span,) = find_sections(text)
    assert text[span.end :].strip() == "Subjects who smoke."


def test_bulleted_header_needs_its_colon() -> None:
    assert _headers("Inclusion Criteria:\n  -  Exclusion criteria for MR:\n  -  Pacemaker")[1] == (
        "Exclusion criteria for MR:",
        "exclusion",
    )
    assert len(_headers("Inclusion Criteria:\n  -  Not meeting inclusion criteria")) == 1


def test_criterion_that_mentions_criteria_is_no_header() -> None:
    text = "Exclusion Criteria:\n- Subjects not meeting the inclusion criteria of the main study"
    assert len(find_sections(text)) == 1


def test_lost_line_break_before_a_capitalized_header() -> None:
    text = "Inclusion Criteria:\n  -  Adults\n  -  Signed informed consent Exclusion criteria:\n  -  Pregnancy"
    assert [s for _, s in _headers(text)] == ["inclusion", "exclusion"]


def test_mid_line_title_does_not_swallow_the_criterion_before_it() -> None:
    text = (
        "Inclusion Criteria:   -  age 4-12 years old   -  ASA I-II Exclusion Criteria:   -  BMI>35"
    )
    headers = _headers(text)
    assert headers[1] == ("Exclusion Criteria:", "exclusion")


def test_text_before_any_header_is_unknown() -> None:
    text = "Healthy volunteers only.\nInclusion Criteria:\n- Adults"
    sections = find_sections(text)
    assert section_at(sections, 0) == "unknown"
    assert section_at(sections, len(text) - 1) == "inclusion"


@pytest.mark.parametrize(
    "text",
    ["", "Age 18 or older. ECOG 0-1.", "Critères d'inclusion : âge ≥ 18 ans", "患者年龄18-75岁。"],
)
def test_no_header_no_sections(text: str) -> None:
    assert find_sections(text) == []


@pytest.mark.parametrize(
    ("rule", "example"),
    [
        (e["id"], parse_example(x).text)
        for e in read_entries(models_dir() / "sections.jsonl")
        for x in e["examples"]
    ],
)
def test_every_header_rule_example_is_found_by_that_rule(rule: str, example: str) -> None:
    assert rule in {s.rule for s in find_sections(example)}, _headers(example)


def test_header_rules_load_with_unique_ids() -> None:
    ids = [r.id for r in rules()]
    assert len(ids) == len(set(ids)) > 5
