"""Unit conversion factors against published values, written here by hand from the
standard SI conversion tables (e.g. the AMA Manual of Style SI conversion table; the
JAMA "SI unit conversion" table; IFCC/WHO conventions), never recomputed through the
code: each sentence goes through the pipeline and its normalized value must be the
published one (to the 4 significant digits ctparse keeps for approximate factors)."""

from __future__ import annotations

import pytest

import ctparse

#: (criterion text, variable, value in the canonical unit, canonical unit)
PUBLISHED = [
    # creatinine: 1 mg/dL = 88.4 µmol/L
    ("Serum creatinine ≤ 1.5 mg/dL", "creatinine", 132.6, "umol/L"),
    # bilirubin: 1 mg/dL = 17.1 µmol/L
    ("Total bilirubin ≤ 2 mg/dL", "bilirubin_total", 34.2, "umol/L"),
    ("Direct bilirubin ≤ 1 mg/dL", "bilirubin_direct", 17.1, "umol/L"),
    # hemoglobin: 1 g/dL = 10 g/L; 1 mmol/L (Fe4) ≈ 16.11 g/L
    ("Hemoglobin ≥ 9 g/dL", "hemoglobin", 90.0, "g/L"),
    ("Hemoglobin ≥ 6.2 mmol/L", "hemoglobin", 99.91, "g/L"),
    # albumin: 1 g/dL = 10 g/L
    ("Serum albumin ≥ 3 g/dL", "albumin", 30.0, "g/L"),
    # glucose: 1 mg/dL = 0.0555 mmol/L (molar mass 180.16)
    ("Fasting glucose ≤ 126 mg/dL", "glucose", 6.993, "mmol/L"),
    # cholesterol (LDL, HDL): 1 mg/dL = 0.02586 mmol/L
    ("Total cholesterol < 300 mg/dL", "cholesterol", 7.758, "mmol/L"),
    ("LDL cholesterol ≥ 190 mg/dL", "ldl", 4.913, "mmol/L"),
    # triglycerides: 1 mg/dL = 0.01129 mmol/L
    ("Triglycerides > 500 mg/dL", "triglycerides", 5.645, "mmol/L"),
    # calcium: 1 mg/dL = 0.2495 mmol/L
    ("Serum calcium ≤ 12 mg/dL", "calcium", 2.994, "mmol/L"),
    # magnesium: 1 mg/dL = 0.4114 mmol/L
    ("Serum magnesium ≥ 1.2 mg/dL", "magnesium", 0.4937, "mmol/L"),
    # phosphate (phosphorus): 1 mg/dL = 0.3229 mmol/L
    ("Serum phosphate ≥ 2.5 mg/dL", "phosphate", 0.8073, "mmol/L"),
    # urea nitrogen: 1 mg/dL = 0.357 mmol/L
    ("BUN ≤ 30 mg/dL", "bun", 10.71, "mmol/L"),
    # uric acid: 1 mg/dL = 59.48 µmol/L
    ("Uric acid ≤ 8 mg/dL", "uric_acid", 475.8, "umol/L"),
    # cell counts: 1,500/mm³ = 1.5 × 10^9/L; 100,000/µL = 100 × 10^9/L
    ("Neutrophils ≥ 1,500/mm³", "anc", 1.5, "10^9/L"),
    ("Platelets ≥ 100,000/µL", "platelets", 100.0, "10^9/L"),
    ("Platelets ≥ 100 G/L", "platelets", 100.0, "10^9/L"),
    # CRP: 1 mg/dL = 10 mg/L; potassium: 1 mEq/L = 1 mmol/L (monovalent)
    ("CRP > 1 mg/dL", "crp", 10.0, "mg/L"),
    ("Potassium < 3.5 mEq/L", "potassium", 3.5, "mmol/L"),
    # HBV DNA: 1 IU/mL ≈ 5 copies/mL (WHO standard, assay-dependent)
    ("HBV DNA > 1000 copies/mL", "hbv_dna", 200.0, "IU/mL"),
    # weight: 1 lb = 0.4536 kg
    ("Body weight > 300 lb", "weight", 136.1, "kg"),
]


@pytest.mark.parametrize(("text", "variable", "value", "unit"), PUBLISHED)
def test_a_conversion_gives_the_published_value(text, variable, value, unit) -> None:
    (t,) = [t for t in ctparse.thresholds(text) if t.variable == variable]
    assert t.normalized is not None and t.normalized.unit == unit
    assert t.normalized.value == pytest.approx(value, rel=5e-4)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # DESIGN.md: week = 7 days, month = 30, year = 365
        ("Chemotherapy within 4 weeks before the first dose", 28),
        ("Surgery within 3 months before enrollment", 90),
        ("Malignancy within 2 years before enrollment", 730),
        ("Blood donation within 48 hours before screening", 2),
    ],
)
def test_periods_in_days_follow_design(text: str, days: float) -> None:
    assert [w.days for w in ctparse.windows(text)] == [days]
