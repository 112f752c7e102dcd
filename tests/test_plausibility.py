"""Plausibility: a normalized limit far outside what the variable can be is
``suspect``, with the reading it probably meant (the plausible ranges are in
``models/variables.jsonl``); the comparator does not call it the same as or
stricter than anything."""

from __future__ import annotations

import pytest
from helpers import parse

from ctparse.api import compare


@pytest.mark.parametrize(
    ("text", "section", "unit", "meant"),
    [
        # NCT03058679: the registrant wrote mg/dl for g/dL
        ("Albumin < 2.0 mg/dl", "exclusion", "g/dL", 20.0),
        ("Hemoglobin ≥ 9 g/L", "inclusion", "g/dL", 90.0),
        ("Serum creatinine ≤ 1.5 µmol/L", "inclusion", "mg/dL", 132.6),
        ("Total bilirubin ≤ 1.5 umol/L", "inclusion", "mg/dL", 25.65),
        ("Neutrophils ≥ 1500 × 10^9/L", "inclusion", "/mm3", 1.5),
        ("Platelets ≥ 100/mm3", "inclusion", "10^9/L", 100.0),
    ],
)
def test_an_implausible_unit_is_suspect_with_the_reading_it_probably_meant(
    text: str, section: str, unit: str, meant: float
) -> None:
    criterion = parse(text, section)
    (t,) = criterion.thresholds
    assert t.suspect is not None and t.suspect.reason == "implausible"
    assert t.suspect.unit == unit
    assert t.suspect.normalized is not None and t.suspect.normalized.value == meant
    assert criterion.status == "partial"


def test_a_suspect_limit_keeps_its_reading_as_written() -> None:
    (t,) = parse("Albumin < 2.0 mg/dl", "exclusion").thresholds
    assert t.normalized is not None and (t.normalized.value, t.normalized.unit) == (0.02, "g/L")
    assert t.to_dict()["suspect"]["plausible"] == {
        "lower": 5.0,
        "lower_inclusive": True,
        "upper": 80.0,
        "upper_inclusive": True,
    }


def test_a_value_no_unit_makes_plausible_is_suspect_without_a_guess() -> None:
    # 48 mmol/mol (IFCC) read as 48 %: no HbA1c is 48 %
    (t,) = parse("HbA1c above 48", "inclusion").thresholds
    assert t.suspect is not None and (t.suspect.unit, t.suspect.normalized) == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "Albumin ≥ 3.0 g/dL",
        "Hemoglobin ≥ 9 g/dL",
        "Serum creatinine ≤ 1.5 mg/dL",
        "ANC ≥ 1500/mm3",
        "Platelets ≥ 100 × 10^9/L",
        "AST ≤ 2.5 × ULN",  # a multiple of the ULN is no absolute value
        "Age ≥ 18 years",
        "LVEF ≥ 50%",
    ],
)
def test_plausible_limits_are_not_suspect(text: str) -> None:
    (t,) = parse(text).thresholds
    assert t.suspect is None


def test_the_comparator_does_not_rank_a_suspect_limit() -> None:
    comparison = compare(
        "Exclusion Criteria:\n* Albumin < 2.0 mg/dl", "Exclusion Criteria:\n* Albumin < 2.5 g/dL"
    )
    (pair,) = [p for p in comparison.pairs if p.variable == "albumin"]
    assert pair.verdict == "different"
    assert "implausible" in pair.detail and "probably g/dL: 20 g/L" in pair.detail


def test_csv_has_the_marks_a_curator_filters_on(tmp_path, capsys) -> None:
    """`thresholds --format csv` carries `suspect`, `suspect_unit`,
    `comparator_inferred` and `eligible_values`, as the dataset table does."""
    import csv
    import io

    from ctparse.cli import main

    text = "Exclusion Criteria:\n- Albumin < 2.0 mg/dl\n- ECOG 2-4\nInclusion Criteria:\n- ANC = 1.5 x 10^9/L"
    main(["thresholds", text, "--format", "csv", "--no-entities"])
    rows = {r["variable"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert (rows["albumin"]["suspect"], rows["albumin"]["suspect_unit"]) == ("implausible", "g/dL")
    assert rows["anc"]["comparator_inferred"] == "true" and rows["anc"]["suspect"] == ""
    assert rows["ecog"]["comparator_inferred"] == "false"
    assert rows["ecog"]["eligible_values"] == "0; 1"  # as `values` is written
