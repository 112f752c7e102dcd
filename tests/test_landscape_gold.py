"""The landscape on real eligibility texts: the 491 development gold trials
(``../shared/gold/lct_dev_segmentation.jsonl``, 2019 registrations of every
kind) written as criteria text files and built into a dataset.

Two checks of "how many trials limit each common variable":

* exactly equal to a direct count over the Parquet tables with pandas (an
  independent implementation of the rules in ``ctparse.landscape.facts``);
* close to the count in the gold annotations themselves (trials whose
  annotators marked a numeric limit on that variable): what extraction
  misses or adds shows here, within a tolerance per variable.

Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GOLD, need_shared

from ctparse.landscape import landscape
from ctparse.landscape.facts import UNCOMPARED, variables
from ctparse.landscape.model import Landscape

pytestmark = pytest.mark.slow

REF = """Inclusion Criteria:
- Age ≥ 18 years
- BMI ≤ 30 kg/m2
- ASA physical status I-II
- Life expectancy ≥ 3 months
- Systolic blood pressure < 160 mmHg
- Serum creatinine ≤ 1.5 mg/dL
- Body weight ≥ 50 kg
- Diastolic blood pressure < 100 mmHg
- ECOG performance status 0-1
- eGFR ≥ 60 mL/min/1.73m2
- NYHA class I-II
- Hemoglobin ≥ 9 g/dL
- Platelets ≥ 100,000/mm3
- ALT ≤ 2.5 × ULN
- AST ≤ 2.5 × ULN
- HbA1c ≤ 10 %
- LVEF ≥ 50 %
- Creatinine clearance ≥ 60 mL/min
- INR ≤ 1.5
- Fasting glucose ≤ 7 mmol/L
- Gestational age ≥ 37 weeks
- Child-Pugh class A
- Weight change (± 5 kg)
"""
#: Variables whose gold annotation names them the way ctparse does (blood
#: pressure pairs "BP > 140/90" are one gold item but two limits here, sbp and
#: dbp; "weight" in the gold also covers weight-for-age and weight gain).
AGREE = (
    "age", "bmi", "asa", "life_expectancy", "creatinine", "ecog", "egfr", "nyha",
    "hemoglobin", "platelets", "hba1c", "lvef",
)  # fmt: skip


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ctparse.dataset import build as builder
    from ctparse.dataset.sources import classify

    path = need_shared(GOLD / "lct_dev_segmentation.jsonl")
    folder = tmp_path_factory.mktemp("gold-texts")
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            (folder / f"{record['trial_id']}.txt").write_text(record["text"], encoding="utf-8")
    directory = tmp_path_factory.mktemp("gold-dataset") / "ds"
    builder.build(directory, classify((str(folder),)), options=builder.Options(workers=2))
    return directory


@pytest.fixture(scope="module")
def result(dataset: Path) -> Landscape:
    return landscape(REF, dataset)


def direct_counts(directory: Path) -> dict[tuple[str, str], int]:
    """Trials with a placeable limit per (variable, scale), counted with pandas."""
    import ctparse.dataset

    ds = ctparse.dataset.open(directory)
    studies = ds.studies
    with_text = set(studies.study_id[studies.criteria_text.fillna("").str.strip() != ""])
    t = ds.thresholds
    t = t[t.study_id.isin(with_text) & ~t.variable.isin(UNCOMPARED)]
    t = t[t.condition.isna() & (t.requirement.fillna("") != "allowed")]
    t = t[t.eligible_lower.notna() | t.eligible_upper.notna()]
    canonical = t.variable.map(lambda v: variables()[v].unit if v in variables() else None)
    converted = t.normalized_unit.isna() | canonical.isna() | (t.normalized_unit == canonical)
    scale = t.relative_to.where(t.relative_to.notna(), t.normalized_unit.where(~converted, ""))
    counts = t.assign(scale=scale).groupby(["variable", "scale"]).study_id.nunique()
    return {(str(v), str(s)): int(n) for (v, s), n in counts.items()}


def gold_counts() -> dict[str, set[str]]:
    """Trials whose gold annotations put a numeric (or age) limit on a variable."""
    from ctparse.nlp.rules import rules

    lexicon = rules()
    found: dict[str, set[str]] = {}
    with (GOLD / "lct_dev_criteria.jsonl").open(encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            for constraint in record["constraints"]:
                if constraint.get("kind") == "age":
                    found.setdefault("age", set()).add(record["trial_id"])
                    continue
                if constraint.get("kind") != "numeric":
                    continue
                for name in [constraint.get("entity"), *(constraint.get("entity_aliases") or [])]:
                    match = lexicon.variable_cs.search(name or "") or lexicon.variable_ci.search(
                        name or ""
                    )
                    variable = lexicon.variable_for(match.group()) if match else None
                    if variable:
                        found.setdefault(variable, set()).add(record["trial_id"])
                        break
    return found


def test_every_gold_trial_is_compared(result: Landscape) -> None:
    assert result.compared == 491 and result.studies == 491


def test_the_share_of_trials_per_variable_equals_a_direct_count(
    result: Landscape, dataset: Path
) -> None:
    direct = direct_counts(dataset)
    print("\nvariable          landscape  direct count  share")
    for item in result.limits:
        n = len(item.limited)
        print(
            f"{item.key:16}  {n:9}  {direct.get((item.target, item.scale), 0):12}  {n / 491:6.1%}"
        )
        assert n == direct.get((item.target, item.scale), 0), item.key
        assert item.none + len(item.limited) + len(item.mentions) == 491
    assert len(result.limits) == 23  # each line of REF is one variable
    # REF names every variable that 5 or more trials limit
    common = {k for k, n in direct.items() if n >= 5}
    assert common <= {(i.target, i.scale) for i in result.limits}


def test_the_counts_agree_with_the_gold_annotations(result: Landscape, dataset: Path) -> None:
    import ctparse.dataset

    studies = ctparse.dataset.open(dataset).studies
    trial = {s: Path(i).stem for s, i in zip(studies.study_id, studies.input, strict=True)}
    gold = gold_counts()
    named: dict[str, set[str]] = {}
    for item in result.limits:  # every limit, conditional ones too, on any scale
        named.setdefault(item.target, set()).update(
            trial[s] for s in (*item.limited, *item.mentions)
        )
    print("\nvariable          landscape  gold  both")
    for variable, trials in sorted(named.items(), key=lambda kv: -len(gold.get(kv[0], ()))):
        truth = gold.get(variable, set())
        print(f"{variable:16}  {len(trials):9}  {len(truth):4}  {len(trials & truth):4}")
        if variable in AGREE:
            assert abs(len(trials) - len(truth)) <= max(2, 0.1 * len(truth)), variable
            assert len(trials & truth) >= 0.75 * len(truth), variable
