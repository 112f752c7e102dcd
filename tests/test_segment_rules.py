"""The segmentation rule files under models/: they load through the validating
loader, ids are unique, and every example does what its rule says."""

from __future__ import annotations

import json

import pytest

from ctparse.errors import ResourceError
from ctparse.evaluation.examples import parse_example
from ctparse.nlp.categorize import categorize, matching_rule, pattern_stems
from ctparse.nlp.segment import segment
from ctparse.resources import load_rules
from ctparse.text.bullets import match_marker

FILES = (
    "bullets.jsonl",
    "abbreviations.jsonl",
    "segmentation.jsonl",
    "categories.jsonl",
)


def _cases(name: str) -> list[tuple[dict, str]]:
    """(rule, example text): what each example gives is checked by
    tests/test_rule_examples.py; these tests check what its rule does to it."""
    return [(e, parse_example(x).text) for e in load_rules(name) for x in e["examples"]]


def _ids(cases: list[tuple[dict, str]]) -> list[str]:
    return [f"{e['id']}:{x[:30]}" for e, x in cases]


@pytest.mark.parametrize("name", sorted(FILES))
def test_rule_file_loads_with_unique_ids_and_examples(name: str) -> None:
    entries = load_rules(name)
    assert entries
    assert all(e["examples"] for e in entries)


def test_a_typo_in_a_rule_file_fails_loudly(tmp_path) -> None:
    entry = {"id": "x", "kind": "symbol", "pattern": "-", "tight": True, "examples": ["- a"]}
    (tmp_path / "bullets.jsonl").write_text(json.dumps({**entry, "exampels": []}) + "\n")
    with pytest.raises(ResourceError, match="unknown key"):
        load_rules("bullets.jsonl", directory=tmp_path)


BULLETS = _cases("bullets.jsonl")


@pytest.mark.parametrize(("rule", "example"), BULLETS, ids=_ids(BULLETS))
def test_bullet_example_starts_with_that_marker(rule: dict, example: str) -> None:
    """A line of the example opens with this rule's marker (for a rule that is not
    tight, a marker touching the text opens none)."""
    found = []
    for line in example.split("\n"):
        start = len(line) - len(line.lstrip())
        marker = match_marker(line, start)
        found.append(marker.rule if marker else None)
    assert rule["id"] in found or (not rule["tight"] and not any(found)), found


ABBREVIATIONS = _cases("abbreviations.jsonl")


@pytest.mark.parametrize(("rule", "example"), ABBREVIATIONS, ids=_ids(ABBREVIATIONS))
def test_abbreviation_example_stays_one_sentence(rule: dict, example: str) -> None:
    assert rule["abbreviation"] in example
    assert [c.text for c in segment("Inclusion Criteria: " + example)] == [example]


CLAUSES = _cases("segmentation.jsonl")


@pytest.mark.parametrize(("rule", "example"), CLAUSES, ids=_ids(CLAUSES))
def test_clause_rule_example_does_what_the_rule_says(rule: dict, example: str) -> None:
    criteria = segment("Exclusion Criteria:\n" + example) if rule["kind"] == "qualifier" else []
    if rule["kind"] == "qualifier":
        # a "Note:" sentence or line stays with the criterion before it
        assert len([c for c in criteria if c.parent is None]) == 1
    elif rule["kind"] == "continuation":
        # the clause after ";" is not split off
        assert [c.text for c in segment("Exclusion Criteria:\n* " + example)] == [example]
    elif rule["kind"] == "opening":
        # a run of criteria without punctuation opens a new one at the word
        criteria = segment("Exclusion Criteria: " + example)
        assert len(criteria) >= 2 and all(c.parent is None for c in criteria)
        assert any(rule_matches(rule, c.text) for c in criteria[1:])
    elif rule["kind"] == "demand":
        # a comma list of demands: the line's pieces hang from it, one is this demand
        criteria = segment("Inclusion Criteria:\n* " + example)
        line, pieces = criteria[0], criteria[1:]
        assert len(pieces) >= 2 and all(c.parent == line.id for c in pieces)
        assert any(rule_fullmatches(rule, c.text.rstrip(".")) for c in pieces)
    else:
        # a lead-in: its items become criteria that hang from it
        criteria = segment("Exclusion Criteria: " + example)
        lead = criteria[0]
        assert lead.text.endswith(":")
        children = [c for c in criteria if c.parent == lead.id]
        assert len(children) >= 2


def rule_fullmatches(rule: dict, text: str) -> bool:
    import re

    return re.fullmatch(f"(?i:{rule['pattern']})", text) is not None


def rule_matches(rule: dict, text: str) -> bool:
    import re

    return re.match(f"(?i:{rule['pattern']})", text) is not None


CATEGORIES = _cases("categories.jsonl")


@pytest.mark.parametrize(("rule", "example"), CATEGORIES, ids=_ids(CATEGORIES))
def test_category_example_gets_that_category(rule: dict, example: str) -> None:
    assert categorize(example) == rule["category"], matching_rule(example)


def test_category_rules_are_indexed_by_word_stem() -> None:
    assert pattern_stems(r"pregnan\w*|breast[- ]?feed|(?:male|female)s?") == [
        "pregnan",
        "breast",
        "male",
        "female",
    ]
    assert pattern_stems(r"[a-z]+ disease") is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Expected survival≥3 months.", "disease characteristics"),  # a prognosis
        ("Life expectancy of at least 12 weeks", "disease characteristics"),
        ("ECOG 0-1 and life expectancy ≥ 12 weeks", "performance status"),
        ("LVEF ≥ 50% by echocardiogram", "comorbidity"),  # heart function, not a specimen test
        ("QTcF > 470 ms", "comorbidity"),
        ("positive HIV antibody test", "comorbidity"),  # the infection
        ("HBsAg-positive", "comorbidity"),
        ("HBV-DNA ≥ 2000 IU/mL", "laboratory"),
        ("HER2-positive breast cancer", "disease characteristics"),
    ],
)
def test_category_boundaries(text: str, category: str) -> None:
    assert categorize(text) == category, matching_rule(text)
