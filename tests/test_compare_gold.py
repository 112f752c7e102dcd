"""The hand-judged compare gold (tests/gold/COMPARE_JUDGING.md): well formed, and
the comparator's figures on the pairs its rules were tuned on kept at the issue's
targets. The held-back and blind pairs are only reported on (README), never
asserted, so that no rule is shaped to pass them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import SHARED, need_shared

from ctparse.evaluation.compare import _together, evaluate, load_side, read_gold

GOLD_DIR = Path(__file__).parent / "gold"
FILES = sorted(p.name for p in GOLD_DIR.glob("compare_pairs*.jsonl"))


@pytest.mark.parametrize("name", FILES)
def test_every_criterion_of_a_gold_pair_is_in_one_place(name: str) -> None:
    need_shared(SHARED / "gold" / "lct_dev_segmentation.jsonl")
    for record in read_gold(GOLD_DIR / name):
        for side in ("a", "b"):
            load_side(record[side], SHARED, record["pair"])  # the judged text, by its SHA-1
            units = [u for link in record["links"] for u in link[side]]
            units += record[f"alone_{side}"]
            spans = sorted(u for u in units if u != "age")
            assert len(spans) == len(set(spans)), (record["pair"], side, "twice")
            for (_, end), (start, _) in itertools.pairwise(spans):
                assert end <= start, (record["pair"], side, "overlapping spans")


def test_no_trial_is_in_two_halves() -> None:
    halves: dict[str, set[str]] = {}
    for name in FILES:
        for record in read_gold(GOLD_DIR / name):
            for side in ("a", "b"):
                halves.setdefault(record[side]["trial"], set()).add(record["half"])
    assert {t: h for t, h in halves.items() if len(h) > 1} == {}


def test_the_dev_pairs_stay_at_the_targets() -> None:
    need_shared(SHARED / "gold" / "lct_dev_segmentation.jsonl")
    score = evaluate(GOLD_DIR / "compare_pairs.jsonl", shared=SHARED).halves["dev"]
    figures = score.as_dict()
    assert score.precision >= 0.95, figures
    assert score.recall >= 0.90, figures
    assert score.verdict_accuracy >= 0.90, figures


def test_there_are_all_the_halves() -> None:
    assert len(FILES) >= 11, FILES


@pytest.mark.parametrize(
    ("verdicts", "together"),
    [
        (["same", "b_stricter"], "b_stricter"),
        (["a_stricter", "same"], "a_stricter"),
        (["same", "same"], "same"),
        (["a_stricter", "b_stricter"], "different"),
        (["b_stricter", "different"], "different"),
        (["a_stricter", "a_stricter"], "a_stricter"),
    ],
)
def test_pieces_of_one_gold_criterion_are_judged_together(
    verdicts: list[str], together: str
) -> None:
    first: str | None = None
    for verdict in verdicts:
        first = _together(first, verdict)
    assert first == together
