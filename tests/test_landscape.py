"""A landscape counted by hand: REF against the 20 trials of
``tests/landscape_helpers.py`` (the table there is the truth; every number
below is counted from it by hand)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from landscape_helpers import REF, TRIALS, build, names, trial_text, write_trials

from ctparse.landscape import landscape, write
from ctparse.landscape.facts import ref_facts
from ctparse.landscape.model import Landscape, LimitItem


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hand-trials")
    write_trials(folder, with_ref=True)  # REF's own text is in the dataset too
    return build(folder, tmp_path_factory.mktemp("hand-dataset") / "ds")


@pytest.fixture(scope="module")
def result(dataset: Path) -> Landscape:
    return landscape(REF, dataset)


@pytest.fixture(scope="module")
def trial(dataset: Path) -> dict[str, str]:
    return names(dataset)


def by_name(ids: tuple[str, ...] | list[str], trial: dict[str, str]) -> list[str]:
    return sorted(trial[i] for i in ids)


def limit(result: Landscape, key: str, kind: str = "limit") -> LimitItem:
    items = result.limits if kind == "limit" else result.windows
    return next(i for i in items if i.key == key)


def t(*numbers: int) -> list[str]:
    return [f"t{n:02d}" for n in numbers]


def test_the_twenty_trials_are_compared_and_ref_itself_is_left_out(result: Landscape) -> None:
    assert result.studies == 21
    assert result.ref_in_dataset
    assert result.compared == 20
    assert result.without_criteria == 0


def test_anc_minimum_against_ref_counted_by_hand(result: Landscape, trial: dict) -> None:
    anc = limit(result, "anc")
    assert anc.ref_text == "≥ 1.5 10^9/L"
    assert anc.unit == "10^9/L"
    assert by_name(anc.limited, trial) == t(*range(1, 13))
    assert anc.none == 8 and anc.mentions == ()
    assert by_name(anc.verdicts["same"], trial) == t(1, 2, 3, 4)
    # 2.0 is a higher minimum; "> 1.5" admits no patient at exactly 1.5
    assert by_name(anc.verdicts["stricter"], trial) == t(10, 11, 12)
    assert by_name(anc.verdicts["looser"], trial) == t(5, 6, 7, 8, 9)
    assert anc.verdicts["other"] == () and anc.verdicts["contradictory"] == ()
    assert anc.upper is None
    assert anc.lower is not None
    assert [(v.value, len(v.study_ids)) for v in anc.lower.values] == [(1.0, 5), (1.5, 5), (2.0, 2)]
    assert anc.lower.percentile == pytest.approx(62.5)  # (5 below + 5 equal / 2) / 12


def test_two_limits_of_one_trial_count_as_their_intersection(
    result: Landscape, trial: dict
) -> None:
    # t11: ANC ≥ 2.0 and ≥ 1.0 -> ≥ 2.0 (stricter); ECOG ≤ 1 and 0-2 -> ≤ 1 (same)
    anc, ecog = limit(result, "anc"), limit(result, "ecog")
    assert "t11" in by_name(anc.verdicts["stricter"], trial)
    assert "t11" in by_name(ecog.verdicts["same"], trial)


def test_ecog_on_its_ordinal_scale_counted_by_hand(result: Landscape, trial: dict) -> None:
    ecog = limit(result, "ecog")
    assert ecog.ref_text == "≤ 1"  # "0-1": grade 0 is the end of the scale, no bound
    assert by_name(ecog.limited, trial) == t(*range(1, 16))
    assert by_name(ecog.verdicts["same"], trial) == t(1, 2, 3, 4, 5, 6, 11)
    assert by_name(ecog.verdicts["stricter"], trial) == t(12)
    assert by_name(ecog.verdicts["looser"], trial) == t(7, 8, 9, 10, 13, 14, 15)
    assert ecog.none == 5
    assert ecog.lower is None and ecog.upper is not None
    assert [(v.value, len(v.study_ids)) for v in ecog.upper.values] == [(0, 1), (1, 7), (2, 7)]
    assert ecog.upper.percentile == pytest.approx(30.0)  # (1 + 7 / 2) / 15


def test_uln_multiples_are_their_own_scale_and_conditional_limits_set_aside(
    result: Landscape, trial: dict
) -> None:
    ast = limit(result, "ast@ULN")
    assert ast.unit == "× ULN" and ast.ref_text == "≤ 2.5 × ULN"
    # t08's "AST ≤ 100 U/L" is an absolute value: not on this scale
    assert by_name(ast.limited, trial) == t(1, 2, 3, 4, 5, 6, 7)
    assert by_name(ast.verdicts["same"], trial) == t(1, 2, 3, 4, 5)
    # t06's "≤ 5 × ULN if liver metastases" is conditional: its limit is ≤ 3
    assert by_name(ast.verdicts["looser"], trial) == t(6, 7)
    assert ast.upper is not None
    assert [(v.value, len(v.study_ids)) for v in ast.upper.values] == [(2.5, 5), (3.0, 2)]
    assert ast.none == 13
    assert not any(i.key == "ast" for i in result.limits)  # REF has no absolute AST limit


def test_a_longer_washout_is_stricter(result: Landscape, trial: dict) -> None:
    chemo = limit(result, "chemotherapy@before", kind="window")
    assert chemo.ref_text == "> 21 days before"
    assert by_name(chemo.limited, trial) == t(*range(1, 11))
    assert by_name(chemo.verdicts["stricter"], trial) == t(*range(1, 9))  # 4 weeks
    assert by_name(chemo.verdicts["looser"], trial) == t(9, 10)  # 2 weeks
    assert chemo.lower is not None
    assert [(v.value, len(v.study_ids)) for v in chemo.lower.values] == [(14.0, 2), (28.0, 8)]
    assert chemo.lower.percentile == pytest.approx(20.0)
    assert chemo.none == 10


def test_brain_metastases_excluded_or_allowed_with_conditions(
    result: Landscape, trial: dict
) -> None:
    brain = next(c for c in result.concepts if c.key == "brain_metastases")
    assert brain.ref_stance == "excluded"
    assert by_name(brain.stances["excluded"], trial) == t(*range(1, 11))
    assert by_name(brain.stances["allowed"], trial) == t(11, 12, 13)
    assert brain.stances["required"] == () and brain.stances["both"] == ()
    assert brain.none == 7


def test_what_most_trials_have_and_ref_lacks(result: Landscape, trial: dict) -> None:
    assert result.min_share == 0.5
    missing = [(m.kind, m.key, len(m.study_ids)) for m in result.missing]
    assert missing == [("limit", "age", 20), ("concept", "hepatitis_b", 17)]
    age, hepatitis = result.missing
    assert age.summary == "100 % limit it; most often ≥ 18 years (20)"
    assert hepatitis.summary == "85 % exclude"
    assert by_name(hepatitis.breakdown["excluded"], trial) == t(*range(1, 18))


def test_a_lower_share_lists_more(dataset: Path) -> None:
    keys = [m.key for m in landscape(REF, dataset, min_share=0.05).missing]
    # t06's liver metastases: 1 trial (5 %); t08's absolute AST limit is not
    # missing: REF limits AST (as a multiple of ULN)
    assert keys[:2] == ["age", "hepatitis_b"]
    assert "liver_metastases" in keys and "ast" not in keys


def test_where_chooses_the_compared_trials(dataset: Path, trial: dict) -> None:
    result = landscape(REF, dataset, where="criteria_text LIKE '%hepatitis B%'")
    assert result.compared == 17 and result.chosen == 17
    assert by_name(result.trials, trial) == t(*range(1, 18))
    anc = limit(result, "anc")
    assert len(anc.limited) == 12 and anc.none == 5
    assert [m.key for m in result.missing] == ["age", "hepatitis_b"]  # 17 of 17 now


def test_each_criterion_lists_its_items(result: Landscape) -> None:
    items = {c.id: [(i.kind, i.key) for i in c.items] for c in result.criteria}
    assert items == {
        "inc-1": [("limit", "anc")],
        "inc-2": [("limit", "ecog")],
        "inc-3": [("limit", "ast@ULN")],
        "exc-1": [("concept", "brain_metastases")],
        "exc-2": [("window", "chemotherapy@before")],
    }


def test_the_sql_reduction_agrees_with_the_python_one(dataset: Path) -> None:
    """For every trial, the ranges DuckDB computes equal those REF's code
    computes from the trial's own criteria."""
    from ctparse import criteria
    from ctparse.landscape.facts import broad_concepts, variables
    from ctparse.landscape.query import Compared

    compared = Compared(dataset)
    try:
        compared.prepare(exclude=None, variables=list(variables().values()), broad=broad_concepts())
        trial = names(dataset)
        for name in TRIALS:
            facts = ref_facts(criteria(trial_text(name)))
            for table, items in (("lim", facts.limits), ("win", facts.windows)):
                rows = compared.ranges(table, items)
                for key, ref_limit in items.items():
                    (row,) = [r for r in rows[key] if trial[r.study_id] == name]
                    mine = ref_limit.interval
                    assert mine is not None, (name, key)
                    assert (row.lower, row.upper) == (mine.lower, mine.upper), (name, key)
                    if row.lower is not None:
                        assert row.lower_inclusive == mine.lower_inclusive, (name, key)
                    if row.upper is not None:
                        assert row.upper_inclusive == mine.upper_inclusive, (name, key)
            stances = compared.stances(facts.concepts)
            for concept_id, concept in facts.concepts.items():
                found = [
                    s
                    for s, ids in stances[concept_id].items()
                    if any(trial[i] == name for i in ids)
                ]
                assert found == [concept.stance], (name, concept_id)
    finally:
        compared.close()


def render(fmt: str, result: Landscape) -> str:
    buffer = io.StringIO()
    write(fmt, result, buffer)
    return buffer.getvalue()


def test_json_keeps_every_figure_and_the_trials_behind_it(result: Landscape, trial: dict) -> None:
    data = json.loads(render("json", result))
    assert data["dataset"]["compared"] == 20 and len(data["trials"]) == 20
    anc = next(i for i in data["limits"] if i["key"] == "anc")
    assert anc["limited"]["trials"] == 12 and anc["share"] == 0.6
    assert anc["verdicts"]["stricter"]["trials"] == 3
    assert by_name(anc["verdicts"]["stricter"]["study_ids"], trial) == t(10, 11, 12)
    assert anc["no_limit"] == {"trials": 8}
    assert anc["bounds"]["lower"]["percentile"] == 62.5
    assert [v["trials"] for v in anc["bounds"]["lower"]["values"]] == [5, 5, 2]
    brain = next(c for c in data["concepts"] if c["key"] == "brain_metastases")
    assert brain["stances"]["allowed"]["trials"] == 3 and brain["none"] == {"trials": 7}
    assert render("json", result) == render("json", result)  # deterministic


def test_csv_has_one_tidy_row_per_item_and_per_missing_item(result: Landscape) -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", result))))
    assert [(r["row"], r["criterion_id"], r["key"]) for r in rows] == [
        ("criterion", "inc-1", "anc"),
        ("criterion", "inc-2", "ecog"),
        ("criterion", "inc-3", "ast@ULN"),
        ("criterion", "exc-1", "brain_metastases"),
        ("criterion", "exc-2", "chemotherapy@before"),
        ("missing", "", "age"),
        ("missing", "", "hepatitis_b"),
    ]
    anc = rows[0]
    assert (anc["trials"], anc["share"], anc["stricter"], anc["same"], anc["looser"]) == (
        "12", "0.6", "3", "4", "5"
    )  # fmt: skip
    assert anc["percentile_lower"] == "62.5" and anc["none"] == "8"
    brain = rows[3]
    assert (brain["excluded"], brain["allowed"], brain["none"]) == ("10", "3", "7")


def test_markdown_says_it_in_words(result: Landscape) -> None:
    text = render("markdown", result)
    assert "20 compared trials" in text
    assert "12/20 limit it (60 %); REF's minimum at percentile 62" in text  # 62.5
    assert "trials stricter 3, same 4, looser 5" in text
    assert "exclude 10 (50 %), allow with conditions 3 (15 %), say nothing 7 (35 %)" in text
    assert "| concept | hepatitis B | 17 | 85 % | 85 % exclude |" in text


def cells(text: str, starts: str) -> list[str]:
    """The cells of the first table row whose first cell starts with ``starts``."""
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("│")[1:-1]]
        if parts and parts[0].startswith(starts):
            return parts
    raise AssertionError(f"no row {starts!r}")


def test_the_table_has_the_same_numbers(result: Landscape) -> None:
    text = render("table", result)
    assert "20 compared trials" in text
    assert cells(text, "absolute neutrophil")[2:] == [
        "≥ 1.5 10^9/L", "12", "60 %", "minimum 62", "3", "4", "5", "0", "0", "8"
    ]  # fmt: skip
    assert cells(text, "brain metastases")[2:] == ["excludes", "10", "0", "3", "0", "0", "7"]
    assert cells(text, "concept")[1:4] == ["hepatitis B", "17", "85 %"]
