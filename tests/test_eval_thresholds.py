"""``evaluate()`` for thresholds and windows: the matching rule, and the dev-gold figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GOLD, need_shared

from ctparse.errors import GoldError
from ctparse.evaluation.thresholds import LEVELS, RECONCILED, evaluate


def _write(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    return path


def _record(text: str, constraints: list[dict], section: str = "inclusion") -> dict:
    return {
        "criterion_id": "x#0",
        "section": section,
        "text": text,
        "start": 100,
        "end": 100 + len(text),
        "constraints": constraints,
    }


def _constraint(text: str, span_text: str, **fields) -> dict:
    start = 100 + text.index(span_text)
    return {"span": [start, start + len(span_text)], "span_text": span_text, **fields}


def test_span_overlap_value_comparator_entity(tmp_path: Path) -> None:
    text = "ANC ≥ 1,500/mm3 and platelets > 100,000/mm3"
    gold = [
        _constraint(
            text, "≥ 1,500/mm3", kind="numeric", entity="ANC", comparator=">=", value=1500.0
        ),
        # Wrong comparator in the gold: matches at value level only.
        _constraint(
            text,
            "> 100,000/mm3",
            kind="numeric",
            entity="platelets",
            comparator="<",
            value=100000.0,
        ),
    ]
    report = evaluate(_write(tmp_path, [_record(text, gold)]))
    scores = report.scores["thresholds"]
    assert (scores[LEVELS[0]].tp_gold, scores[LEVELS[1]].tp_gold, scores[LEVELS[2]].tp_gold) == (
        2,
        1,
        1,
    )
    assert scores[LEVELS[0]].precision == 1.0
    assert report.class_recall["ANC"] == (1, 1)


def test_implicit_gold_comparator_is_scored_on_value(tmp_path: Path) -> None:
    text = "Antibiotics in the past three months"
    gold = [
        _constraint(
            text,
            "past three months",
            kind="temporal",
            entity="Antibiotics",
            comparator="=",
            comparator_implicit=True,
            value=3.0,
        )
    ]
    scores = evaluate(_write(tmp_path, [_record(text, gold, "exclusion")])).scores["windows"]
    assert scores["value+comparator"].tp_gold == 1
    assert scores["value+comparator+entity"].tp_gold == 1


def test_prediction_on_another_kind_is_not_counted(tmp_path: Path) -> None:
    text = "at least 25 follicles per ovary"
    gold = [_constraint(text, "at least 25", kind="minimum-count", entity="follicles", value=25.0)]
    scores = evaluate(_write(tmp_path, [_record(text, gold)])).scores["thresholds"]
    assert scores["value"].predicted == 0 and scores["value"].gold == 0


def test_gold_range_written_as_two_bounds_matches_the_two_limits(tmp_path: Path) -> None:
    text = "Age ≥20 and ≤40 years"
    gold = [
        _constraint(
            text,
            "≥20 and ≤40 years",
            kind="age",
            entity="Age",
            comparator="between",
            value=20.0,
            value_max=40.0,
        )
    ]
    scores = evaluate(_write(tmp_path, [_record(text, gold)])).scores["thresholds"]
    for level in LEVELS:
        assert (scores[level].tp_gold, scores[level].tp_pred, scores[level].predicted) == (1, 2, 2)


def test_two_lower_bounds_do_not_make_a_range(tmp_path: Path) -> None:
    text = "Age ≥20 and ≥40 years"
    gold = [
        _constraint(
            text,
            "≥20 and ≥40 years",
            kind="age",
            entity="Age",
            comparator="between",
            value=20.0,
            value_max=40.0,
        )
    ]
    scores = evaluate(_write(tmp_path, [_record(text, gold)])).scores["thresholds"]
    assert scores["value"].tp_gold == 0


def test_ecog_class_follows_the_meaning_of_the_gold_entity(tmp_path: Path) -> None:
    dental = "Present locations with probing depth (PS)> 6 mm in at least 30% of the teeth."
    ecog = "ECOG PS 0-1"
    records = [
        _record(
            dental,
            [
                _constraint(
                    dental,
                    "> 6 mm",
                    kind="numeric",
                    entity="PS",
                    entity_aliases=["probing depth"],
                    comparator=">",
                    value=6.0,
                )
            ],
        ),
        _record(
            ecog,
            [
                _constraint(
                    ecog,
                    "0-1",
                    kind="numeric",
                    entity="PS",
                    comparator="range",
                    value=0.0,
                    value_max=1.0,
                )
            ],
        ),
    ]
    report = evaluate(_write(tmp_path, records))
    assert report.class_recall["ECOG"] == (1, 1) and report.ecog_items == (1, 1)


def test_blood_pressure_pair_is_one_gold_item_and_two_right_limits(tmp_path: Path) -> None:
    text = "BP >130/85 mmHg"
    gold = [
        _constraint(
            text,
            ">130/85 mmHg",
            kind="numeric",
            entity="BP",
            comparator=">",
            value=130.0,
            values=[130.0, 85.0],
        )
    ]
    scores = evaluate(_write(tmp_path, [_record(text, gold)])).scores["thresholds"]
    for level in LEVELS:
        assert (scores[level].tp_gold, scores[level].tp_pred, scores[level].predicted) == (1, 2, 2)


def test_unmatched_prediction_is_a_false_positive(tmp_path: Path) -> None:
    text = "BMI ≥ 30 kg/m2"
    scores = evaluate(_write(tmp_path, [_record(text, [])])).scores["thresholds"]
    assert scores["value"].predicted == 1 and scores["value"].precision == 0.0


def test_an_age_the_gold_calls_temporal_is_set_aside_only_in_the_reconciled_score(
    tmp_path: Path,
) -> None:
    text = "Adult patients (≥ 18 years) with no age limit"
    gold = [_constraint(text, "≥ 18 years", kind="temporal", comparator=">=", value=18.0)]
    report = evaluate(_write(tmp_path, [_record(text, gold)]))
    strict = report.scores["windows"]["value+comparator"]
    reconciled = report.scores[RECONCILED]["value+comparator"]
    assert (strict.gold, strict.tp_gold) == (1, 0)  # a miss in the headline score
    assert reconciled.gold == 0


def test_a_real_window_miss_stays_a_miss_when_reconciled(tmp_path: Path) -> None:
    text = "Fish meal intake more than 2 times a week"
    gold = [_constraint(text, "more than 2 times", kind="temporal", comparator=">", value=2.0)]
    reconciled = evaluate(_write(tmp_path, [_record(text, gold)])).scores[RECONCILED]
    assert (reconciled["value+comparator"].gold, reconciled["value+comparator"].tp_gold) == (1, 0)


def test_report_shapes(tmp_path: Path) -> None:
    report = evaluate(_write(tmp_path, [_record("Age ≥ 18 years", [])]))
    assert {"task", "level", "precision", "recall", "f1"} <= set(report.rows()[0])
    assert set(report.to_dict()["scores"]) == {"thresholds", "windows", RECONCILED}
    assert "value+comparator" in report.format_text()


def test_malformed_gold_is_a_gold_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{not json\n")
    with pytest.raises(GoldError):
        evaluate(path)


def test_dev_gold_targets() -> None:
    """Figures on ../shared/gold/lct_dev_criteria.jsonl, pinned at what is reached (the
    issue's targets: thresholds P ≥ 0.95 / R ≥ 0.90, with entity P ≥ 0.93 / R ≥ 0.85;
    windows P ≥ 0.90 / R ≥ 0.85; every ECOG item right)."""
    report = evaluate(need_shared(GOLD / "lct_dev_criteria.jsonl"))
    thresholds = report.scores["thresholds"]["value+comparator"]
    # 0.970 before gestational ages in weeks and days were read: the gold writes "between
    # 24 + 0 and 36 + 6 weeks of amenorrhea" as "between 0 and 24" and "in 36", so the
    # right reading (between 24 and 36.857) counts against precision (0.9699).
    assert thresholds.precision >= 0.965
    assert thresholds.recall >= 0.905
    entity = report.scores["thresholds"]["value+comparator+entity"]
    assert entity.precision >= 0.94
    assert entity.recall >= 0.88
    windows = report.scores["windows"]["value+comparator"]
    # 339/362 predicted, 339/375 gold: one window per coordinated event ("Radiation or
    # chemotherapy within 4 weeks" is two) matches the gold's one item per conjunct; of the 23
    # unmatched, 10 are conjuncts the gold annotated once ("drug abuse and / or alcohol abuse").
    assert windows.precision >= 0.93
    # The gold marks "Adult patients (≥ 18 years)" (NCT03927300#0) as a temporal constraint,
    # which ctparse reads as the age it is.
    assert windows.recall >= 0.90
    # Setting aside the 7 gold "temporal" items that ctparse states, at the same span
    # and value, as the age / life-expectancy / gestational-age thresholds DESIGN.md
    # defines them to be ("more than 24 + 0 weeks of amenorrhea" is a gestational age).
    reconciled = report.scores[RECONCILED]["value+comparator"]
    assert reconciled.gold == windows.gold - 7
    assert reconciled.precision >= 0.93 and reconciled.recall >= 0.915
    right, total = report.ecog_items
    assert total >= 8 and right == total
