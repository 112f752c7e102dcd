"""The pipeline as a whole: each limit is reported once, on the piece it lies in."""

from __future__ import annotations

from ctparse.nlp.study import text_criteria

PACKED = (
    "Inclusion Criteria:\n"
    "* Adequate organ function (no transfusion within 14 days): neutrophils ≥ 1,500/mm3, "
    "platelet count ≥ 100,000/mm3, hemoglobin ≥ 9 g/dL\n"
)


def test_a_limit_inside_a_piece_is_not_repeated_on_its_parent() -> None:
    criteria = text_criteria(PACKED).criteria
    parents = {c.parent for c in criteria if c.parent}
    assert parents, "the packed line is split into pieces"
    variables = [t.variable for c in criteria for t in c.thresholds]
    assert sorted(variables) == ["anc", "hemoglobin", "platelets"]
    for criterion in criteria:
        if criterion.id in parents:
            assert criterion.thresholds == ()


def test_a_parent_keeps_what_lies_outside_its_pieces() -> None:
    criteria = text_criteria(PACKED).criteria
    windows = [(c.id, w.days) for c in criteria for w in c.windows]
    assert len(windows) == 1 and windows[0][1] == 14
