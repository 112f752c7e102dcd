"""A landscape that can be counted by hand: 20 trials with known limits.

Every trial is a plain criteria text file, built into a dataset by the real
``ctparse dataset build`` path (pipeline with the entity stage). The table
below is the whole truth; the expected figures in the tests are counted from
it by hand, never recomputed by code.

    trial  ANC (10^9/L)  ECOG   AST (× ULN)        brain metastases   hep. B   chemo washout
    t01-04 ≥ 1.5         0-1    ≤ 2.5              excluded           excl.    4 weeks
    t05    ≥ 1.0         0-1    ≤ 2.5              excluded           excl.    4 weeks
    t06    ≥ 1.0         0-1    ≤ 3 (≤ 5 if liver) excluded           excl.    4 weeks
    t07    ≥ 1.0         0-2    ≤ 3                excluded           excl.    4 weeks
    t08    ≥ 1.0         0-2    (≤ 100 U/L)        excluded           excl.    4 weeks
    t09    ≥ 1.0         0-2    –                  excluded           excl.    2 weeks
    t10    ≥ 2.0         0-2    –                  excluded           excl.    2 weeks
    t11    ≥ 2.0 and ≥ 1.0  ≤ 1 and 0-2  –            allowed (treated)  excl.    –
    t12    > 1.5         0      –                  allowed (treated)  excl.    –
    t13    –             0-2    –                  allowed (treated)  excl.    –
    t14-15 –             0-2    –                  –                  excl.    –
    t16-17 –             –      –                  –                  excl.    –
    t18-20 –             –      –                  –                  –        –

t11 states two limits on ANC and two on ECOG: it counts by their intersection
(ANC ≥ 2.0, ECOG ≤ 1). Every trial also requires age ≥ 18 years. REF: ANC ≥ 1.5 × 10^9/L, ECOG 0-1,
AST ≤ 2.5 × ULN, no brain metastases, no chemotherapy within 3 weeks; nothing
on age or hepatitis B.
"""

from __future__ import annotations

from pathlib import Path

ANC = {
    **{f"t{i:02d}": "ANC ≥ 1,500/mm³" for i in range(1, 5)},
    **{f"t{i:02d}": "ANC ≥ 1.0 x 10^9/L" for i in range(5, 10)},
    "t10": "ANC ≥ 2,000/µL",
    "t11": "ANC ≥ 2,000/µL",
    "t12": "Absolute neutrophil count > 1500/mm3",
}
ECOG = {
    **{f"t{i:02d}": "ECOG performance status 0-1" for i in range(1, 7)},
    **{f"t{i:02d}": "ECOG performance status 0-2" for i in (7, 8, 9, 10, 13, 14, 15)},
    "t11": "ECOG ≤ 1",
    "t12": "ECOG performance status of 0",
}
AST = {
    **{f"t{i:02d}": "AST ≤ 2.5 × ULN" for i in range(1, 6)},
    "t06": "AST ≤ 3 × ULN (≤ 5 × ULN if liver metastases)",
    "t07": "AST ≤ 3 × ULN",
    "t08": "AST ≤ 100 U/L",
}
BRAIN = {
    **{f"t{i:02d}": "Known brain metastases" for i in range(1, 11)},
    **{
        f"t{i:02d}": "Symptomatic brain metastases; patients with treated brain metastases are allowed."
        for i in (11, 12, 13)
    },
}
HEPATITIS_B = {f"t{i:02d}": "Active hepatitis B infection" for i in range(1, 18)}
CHEMO = {
    **{f"t{i:02d}": "Chemotherapy within 4 weeks before the first dose" for i in range(1, 9)},
    "t09": "Chemotherapy within 2 weeks before the first dose",
    "t10": "Chemotherapy within 2 weeks before the first dose",
}
# t11's second limits: the intersection keeps the stricter ones above
ALSO = {"t11": ["Absolute neutrophil count ≥ 1.0 x 10^9/L", "ECOG performance status 0-2"]}
TRIALS = [f"t{i:02d}" for i in range(1, 21)]

REF = """Inclusion Criteria:
- ANC ≥ 1.5 x 10^9/L
- ECOG performance status 0-1
- AST ≤ 2.5 × ULN
Exclusion Criteria:
- Known brain metastases
- Chemotherapy within 3 weeks before the first dose
"""


def trial_text(trial: str) -> str:
    inclusion = ["Age ≥ 18 years"] + [t[trial] for t in (ANC, ECOG, AST) if trial in t]
    inclusion += ALSO.get(trial, [])
    exclusion = [t[trial] for t in (BRAIN, HEPATITIS_B, CHEMO) if trial in t]
    # the first line makes every text distinct (a dataset keeps one copy of a text)
    lines = [f"Trial {trial} of the hand-counted landscape.", "Inclusion Criteria:"]
    lines += [f"- {x}" for x in inclusion]
    if exclusion:
        lines += ["Exclusion Criteria:", *(f"- {x}" for x in exclusion)]
    return "\n".join(lines) + "\n"


def write_trials(folder: Path, *, with_ref: bool = False) -> None:
    """The 20 trials as criteria text files (and REF's own text, when asked)."""
    folder.mkdir(parents=True, exist_ok=True)
    for trial in TRIALS:
        (folder / f"{trial}.txt").write_text(trial_text(trial), encoding="utf-8")
    if with_ref:
        (folder / "ref.txt").write_text(REF, encoding="utf-8")


def build(folder: Path, directory: Path) -> Path:
    """``ctparse dataset build FOLDER -o DIR``, in this process."""
    from ctparse.dataset import build as builder
    from ctparse.dataset.sources import classify

    builder.build(directory, classify((str(folder),)), options=builder.Options(workers=1))
    return directory


def names(directory: Path) -> dict[str, str]:
    """study_id -> trial name (t01 …), from the ``input`` column."""
    import ctparse.dataset

    studies = ctparse.dataset.open(directory).studies
    return {row.study_id: Path(row.input).stem for row in studies.itertuples()}
