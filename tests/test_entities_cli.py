"""Entities in the pipeline and on the command line: what a criterion is about,
with concepts, assertions and requirements, and the limits pointing at them."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

import ctparse
from ctparse.cli import cli


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_004_lists_the_conditions_a_curator_would_write_down() -> None:
    rows = json.loads(_run("entities", "--offline", "NCT05990231", "--format", "json"))
    exc19 = [(r["text"], r["concept"]["id"], r["assertion"], r["requirement"])
             for r in rows if r["criterion"] == "exc-19"]  # fmt: skip
    assert exc19 == [
        ("myocarditis", "myocarditis", "historical", "excluded"),
        ("cardiomyopathy", "cardiomyopathy", "historical", "excluded"),
        ("malignant arrhythmia", "arrhythmia", "historical", "excluded"),
    ]
    concepts = {r["concept"]["id"] for r in rows if r["concept"]}
    assert {
        "tuberculosis",
        "brain_metastases",
        "interstitial_lung_disease",
        "hepatitis_b",
    } <= concepts


def test_the_csv_is_one_row_per_entity() -> None:
    text = _run(
        "entities", "--format", "csv", "Exclusion Criteria:\n- History of myocarditis or stroke"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["type"], r["text"], r["requirement"]) for r in rows] == [
        ("condition", "myocarditis", "excluded"),
        ("condition", "stroke", "excluded"),
    ]
    assert rows[0]["start"] and rows[0]["concept"] == "myocarditis"


def test_no_entities_keeps_the_rule_pipeline() -> None:
    (out,) = json.loads(
        _run("criteria", "--no-entities", "--format", "json", "History of myocarditis")
    )
    assert out["criteria"][0]["entities"] == [] and out["criteria"][0]["status"] == "unparsed"
    (out,) = json.loads(_run("criteria", "--format", "json", "History of myocarditis"))
    assert out["criteria"][0]["entities"][0]["concept"]["id"] == "myocarditis"
    assert out["criteria"][0]["status"] == "parsed"


def test_a_window_points_at_the_procedure_it_constrains() -> None:
    (criterion,) = ctparse.criteria(
        "Radiotherapy within 14 days before the first dose", section="exclusion"
    )
    (window,) = criterion.windows
    entity = next(e for e in criterion.entities if e.id == window.entity)
    assert (entity.type, entity.text, entity.concept.id) == (
        "procedure",
        "Radiotherapy",
        "radiotherapy",
    )


def test_a_threshold_points_at_the_measurement_it_limits() -> None:
    (criterion,) = ctparse.criteria("Hemoglobin ≥ 9 g/dL")
    (threshold,) = criterion.thresholds
    entity = next(e for e in criterion.entities if e.id == threshold.entity_id)
    assert (entity.type, entity.concept.id) == ("measurement", "hemoglobin")
