"""Seed 004 (NCT05990231): every limit and window, pinned by a golden file.

Regenerate after an intended change with ``CTPARSE_REGEN_GOLDEN=1 pytest
tests/test_thresholds_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import CORPUS, ROOT

import ctparse
from ctparse.cli.thresholds import rows_and_objects
from ctparse.refs import load_studies
from ctparse.schema import dumps

GOLDEN = ROOT / "tests" / "golden" / "thresholds" / "NCT05990231.json"
RECORD = CORPUS / "NCT05990231.page.txt"


@pytest.fixture(scope="module")
def seed_objects() -> list[dict]:
    if not RECORD.exists():
        pytest.skip(f"{RECORD} is not in the corpus")
    (study,) = load_studies(str(RECORD), offline=True)
    _, objects = rows_and_objects(study.ref, ctparse.criteria(study))
    return objects


def test_seed_004_matches_golden(seed_objects: list[dict]) -> None:
    text = dumps(seed_objects) + "\n"
    if os.environ.get("CTPARSE_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "run with CTPARSE_REGEN_GOLDEN=1 to create the golden file"
    assert json.loads(text) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def _find(objects: list[dict], kind: str, **fields) -> list[dict]:
    return [
        o for o in objects if o["kind"] == kind and all(o.get(k) == v for k, v in fields.items())
    ]


@pytest.mark.parametrize(
    ("variable", "comparator", "value", "normalized"),
    [
        ("age", ">=", 18, 18),
        ("age", "<=", 80, 80),
        ("life_expectancy", ">=", 3, 90),
        ("anc", ">=", 1500, 1.5),
        ("platelets", ">=", 100000, 100),
        ("hemoglobin", ">=", 5.6, 90),  # from the exact "(9g/dL)", not 5.6 × 16.114
        ("creatinine", "<=", 1.5, 132.6),
        ("crcl", ">=", 60, 60),
        ("bilirubin_total", "<=", 1.5, 1.5),
        ("ast", "<=", 1.5, 1.5),
        ("alt", "<=", 1.5, 1.5),
        ("sbp", ">=", 160, 160),
        ("dbp", ">=", 100, 100),
        ("hbv_dna", ">", 1000, 200),
        ("wbc", ">", 20, 20),
        ("weight_loss", ">", 10, 10),
    ],
)
def test_seed_004_limits(seed_objects, variable, comparator, value, normalized) -> None:
    found = _find(seed_objects, "threshold", variable=variable, comparator=comparator, value=value)
    found = [o for o in found if o["source"] == "text"]
    assert found, f"{variable} {comparator} {value} missing"
    assert found[0]["normalized"]["value"] == pytest.approx(normalized)


def test_seed_004_ecog_is_zero_or_one(seed_objects) -> None:
    (ecog,) = _find(seed_objects, "threshold", variable="ecog")
    assert ecog["comparator"] == "in" and ecog["values"] == [0, 1]


def test_seed_004_creatinine_alternatives_share_a_group(seed_objects) -> None:
    (creatinine,) = _find(seed_objects, "threshold", variable="creatinine")
    (clearance,) = _find(seed_objects, "threshold", variable="crcl")
    assert creatinine["group"] and creatinine["group"] == clearance["group"]


@pytest.mark.parametrize(
    ("value", "unit", "direction", "anchor"),
    [
        (14, "day", None, None),  # blood components and growth factors
        (3, "day", "before", "first_dose"),  # pregnancy test
        (120, "day", "after", "last_dose"),  # contraception (twice)
        (3, "year", "before", "enrollment"),  # other malignancies
        (3, "week", "before", "first_dose"),  # systemic anti-tumour therapy
        (2, "week", "before", "first_dose"),  # local / immunomodulatory therapy
        (1, "week", "before", "first_dose"),  # herbal medicine
        (2, "year", "before", None),  # autoimmune disease
        (12, "month", "before", "first_dose"),  # cardiac events
        (6, "month", "before", "first_dose"),  # arterial thrombosis
        (1, "month", "before", "first_dose"),  # COPD, bleeding
        (4, "week", "before", "first_dose"),  # severe infection
        (30, "day", "before", "first_dose"),  # major surgery, live vaccine
        (30, "day", "after", "first_dose"),  # planned surgery
        (3, "month", "before", "screening"),  # weight loss
    ],
)
def test_seed_004_windows(seed_objects, value, unit, direction, anchor) -> None:
    assert _find(
        seed_objects, "window", value=value, unit=unit, direction=direction, anchor=anchor
    ), f"window {value} {unit} {direction} {anchor} missing"


def test_seed_004_contraception_windows(seed_objects) -> None:
    found = _find(seed_objects, "window", value=120, anchor="last_dose")
    assert len(found) == 2 and all("contracept" in o["event"] for o in found)


@pytest.mark.parametrize(
    ("criterion", "variable", "eligible"),
    [
        ("exc-29", "ctcae_grade", (0, 1)),  # not yet resolved to grade 0 or 1: the allowed level
        ("exc-9", "ctcae_grade", (0, 1)),  # not … resolved to grade 1
        ("exc-10", "ctcae_grade", (2, None)),  # grade ≥2 …, enrollment is allowed
        ("exc-16", "tumor_size", (None, 15)),  # eligible …: no brain metastases > 1.5 cm
        ("exc-26.1", "hbv_dna", None),  # names the subgroup that must receive antiviral therapy
    ],
)
def test_seed_004_polarity(seed_objects, criterion, variable, eligible) -> None:
    (found,) = _find(seed_objects, "threshold", criterion=criterion, variable=variable)
    got = found["eligible"] and (found["eligible"]["lower"], found["eligible"]["upper"])
    assert got == eligible


def test_seed_004_hemoptysis_number_is_left_unplaced(seed_objects) -> None:
    assert not _find(seed_objects, "threshold", criterion="exc-22.2")
    (window,) = _find(seed_objects, "window", criterion="exc-22.2")
    assert window["status"] == "partial"
