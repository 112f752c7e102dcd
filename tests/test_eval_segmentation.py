"""``ctparse eval --task segmentation``: the scoring rule on small cases, a
malformed gold file, and the targets on the dev gold (when ../shared is here)."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD, need_shared
from helpers import run

from ctparse.evaluation.segmentation import evaluate, score_document
from ctparse.nlp.segment import segment


def record(text: str, lines: list[tuple[str, str | None]]) -> dict:
    criteria = []
    for line, section in lines:
        start = text.index(line)
        criteria.append({"start": start, "end": start + len(line), "section": section})
    return {"trial_id": "T", "text": text, "criteria": criteria, "headers": []}


TEXT = "Inclusion Criteria:\n  -  Age ≥ 18\n  -  ANC ≥ 1.5, platelets ≥ 100\nExclusion Criteria:\n  -  HIV"
LINES = [
    ("-  Age ≥ 18", "inclusion"),
    ("-  ANC ≥ 1.5, platelets ≥ 100", "inclusion"),
    ("-  HIV", "exclusion"),
]


def test_pieces_count_toward_the_line_that_contains_them() -> None:
    score = score_document(record(TEXT, LINES), segment(TEXT))
    assert (score.found, score.predicted, score.gold, score.section_right) == (3, 3, 3, 3)


def test_a_criterion_crossing_two_lines_finds_neither() -> None:
    text = "Inclusion Criteria:\nAge over 18\nand ECOG 0-1"
    gold = record(text, [("Age over 18", "inclusion"), ("and ECOG 0-1", "inclusion")])
    crossing = segment("Inclusion Criteria:\nAge over 18 and ECOG 0-1")
    score = score_document(gold, crossing)
    assert (score.found, score.predicted) == (0, 1)


def test_wrong_section_lowers_section_accuracy_only() -> None:
    lines = [(line, "exclusion") for line, _ in LINES]
    score = score_document(record(TEXT, lines), segment(TEXT))
    assert score.found == 3 and score.section_right == 1


@pytest.mark.parametrize(
    "content",
    [
        "not json\n",
        '{"text": 5, "criteria": []}\n',
        '{"text": "abc", "criteria": [{"start": 0, "end": 99, "section": "inclusion"}]}\n',
        '{"text": "abc", "criteria": [{"start": 0, "end": 2, "section": "maybe"}]}\n',
        "",
    ],
    ids=["not-json", "no-text", "offsets", "section", "empty"],
)
def test_malformed_gold_is_one_line_and_exit_2(capsys, tmp_path, content: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "eval", "--task", "segmentation", "--gold", str(gold))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("ctparse: error:") and str(gold) in err


def test_eval_json_report(capsys, tmp_path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record(TEXT, LINES)) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "eval", "--gold", str(gold), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["scores"]["as written"]["f1"] == 1.0
    assert set(report["scores"]) == {"as written", "flattened", "collapsed"}


def test_dev_gold_meets_the_targets() -> None:
    report = evaluate(need_shared(GOLD / "lct_dev_segmentation.jsonl"))
    written, flattened = report.scores["as written"], report.scores["flattened"]
    assert written.f1 >= 0.98
    assert written.section_accuracy >= 0.99
    assert flattened.f1 >= 0.90
    # issue 13: the trials whose lines lack end punctuation, newlines collapsed
    assert report.collapsed_documents >= 150
    assert report.scores["collapsed"].f1 >= 0.85


def test_task_follows_from_the_gold_file(capsys, tmp_path) -> None:
    segmentation = tmp_path / "seg.jsonl"
    segmentation.write_text(json.dumps(record(TEXT, LINES)) + "\n", encoding="utf-8")
    thresholds = tmp_path / "thr.jsonl"
    line = {"trial_id": "NCT0", "section": "inclusion", "text": "ECOG 0-1", "start": 0, "end": 8}
    thresholds.write_text(json.dumps({**line, "constraints": []}) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "eval", "--gold", str(segmentation), "--format", "json")
    assert code == 0 and json.loads(out)["task"] == "segmentation"
    code, out, _ = run(capsys, "eval", "--gold", str(thresholds), "--format", "json")
    assert code == 0 and "class_recall" in json.loads(out)


def test_gold_of_unknown_shape_asks_for_the_task(capsys, tmp_path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"x": 1}\n', encoding="utf-8")
    code, out, err = run(capsys, "eval", "--gold", str(gold))
    assert code == 2 and out == ""
    assert "pass --task" in err and err.count("\n") == 1
