"""The drug and endpoint lexicons: files load, and every example maps to its entry."""

from __future__ import annotations

import pytest

from ctparse.align.study import (
    drugs_in,
    endpoint_of,
    time_frame_months,
)
from ctparse.resources import load_rules

DRUGS = load_rules("drugs.jsonl")
ENDPOINTS = load_rules("endpoints.jsonl")


@pytest.mark.parametrize(
    ("drug_id", "example"),
    [(e["id"], x) for e in DRUGS for x in e["examples"]],
)
def test_every_drug_example_names_its_drug(drug_id: str, example: str) -> None:
    assert drug_id in drugs_in(example)


@pytest.mark.parametrize(
    ("endpoint_id", "example"),
    [(e["id"], x) for e in ENDPOINTS for x in e["examples"]],
)
def test_every_endpoint_example_maps_to_its_endpoint(endpoint_id: str, example: str) -> None:
    assert endpoint_of(example) == endpoint_id


def test_drug_entries_have_examples_and_a_class() -> None:
    assert all(e["examples"] and e["class"] for e in DRUGS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cadonilimab combined Anlotinib", ("cadonilimab", "anlotinib")),
        ("DRUG: Paclitaxel-albumin", ("nab-paclitaxel",)),  # not plain paclitaxel
        ("albumin-bound paclitaxel", ("nab-paclitaxel",)),
        ("paclitaxel", ("paclitaxel",)),
        ("anti-PD-1 antibody", ()),  # S-1 must not match inside PD-1
    ],
)
def test_drug_names_normalize_longest_first(text: str, expected: tuple[str, ...]) -> None:
    assert drugs_in(text) == expected


def test_two_letter_abbreviations_need_capitals() -> None:
    assert endpoint_of("OS at 12 months") == "os"
    assert endpoint_of("pros and cons") is None


@pytest.mark.parametrize(
    ("frame", "months"),
    [("2 years", 24), ("Up to 24 month", 24), ("12 weeks", 2.8), ("baseline", None)],
)
def test_time_frames_in_months(frame: str, months: float | None) -> None:
    got = time_frame_months(frame)
    assert got == months if months is None else round(got or 0, 1) == months


def test_conditions_that_differ_say_how_word_by_word() -> None:
    from ctparse.align.study import names_detail

    assert (
        names_detail(
            ["Esophageal Squamous Cell Carcinoma"], ["Stage IV Esophagus Squamous Cell Carcinoma"]
        )
        == "B adds: Stage IV; Esophageal/Esophagus taken as the same word"
    )
    assert names_detail(["Oesophageal cancer", "HIV"], ["Esophageal Cancers"]) == (
        "'Oesophageal cancer' vs 'Esophageal Cancers': Oesophageal/Esophageal taken as the "
        "same word | only A: HIV"
    )


@pytest.mark.parametrize(
    ("x", "y"),
    [("esophageal", "Esophagus"), ("oesophageal", "esophageal"), ("leukaemia", "leukemia"),
     ("colonic", "colon"), ("metastases", "metastasis")],
)  # fmt: skip
def test_word_keys_join_spelling_and_adjective_forms(x: str, y: str) -> None:
    from ctparse.align.matching import word_key

    assert word_key(x) == word_key(y)


ACRONYMS = load_rules("acronyms.jsonl")


@pytest.mark.parametrize(
    ("acronym", "expansion", "example"),
    [(e["acronym"], e["expansion"], x) for e in ACRONYMS for x in e["examples"]],
)
def test_every_acronym_example_is_spelled_out_once(
    acronym: str, expansion: str, example: str
) -> None:
    import re

    from ctparse.align.matching import expand

    assert re.search(rf"\b{re.escape(acronym)}\b", example)
    expanded = expand(example)
    assert expanded.lower().count(expansion.lower()) == 1, expanded
    assert not re.search(rf"(?<![\w-]){re.escape(acronym)}(?!\w)", expanded)
