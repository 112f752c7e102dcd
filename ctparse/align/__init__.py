"""Two studies → a :class:`~ctparse.schema.Comparison`.

The criteria of each study are lined up in three passes:

1. **Thresholds by variable.** Every limit on one variable (under one
   condition) is reduced to the range of values a patient may have to be
   eligible (``Threshold.eligible``, canonical units). Equal ranges are
   ``same``; if one range contains the other the narrower side is stricter;
   otherwise ``different``. A limit relative to the ULN is not comparable to an
   absolute one.
2. **Time windows by what they constrain** (event and anchor). A longer
   washout ("no chemotherapy within 4 weeks before the first dose") is
   stricter; so is a shorter "must have X within N days". Periods are
   compared in the finer of the two written units when one converts exactly
   into the other (months↔years, weeks↔years as 52, days↔weeks), else in
   days (month = 30, year = 365): 12 months = 1 year, 52 weeks = 1 year,
   30 days = 1 month, but 4 weeks < 1 month. Details are worded from the
   window's fields ("excludes weight loss > 10% within 3 months before
   screening"), without the clause glue an event text may carry.
3. **The rest by text similarity** (acronyms of ``models/acronyms.jsonl``
   spelled out, word order ignored), with an optimal one-to-one assignment
   above a similarity floor; a pair is ``same`` when both say the same thing
   (also when only hedges such as "past"/"confirmed" and examples "(such as
   …)" differ), ``different`` otherwise, saying which words only one side
   has. What stays alone is ``only_a`` / ``only_b``.

"Stricter" always means: fewer patients are eligible on that criterion.
``align`` is pure: it takes the criteria the pipeline produced and reads what
they record (eligible ranges, requirements, events); it never runs the NLP.

    pairs.py     the passes, in order, and the one-to-one bookkeeping
    limits.py    a side's thresholds on one variable as one eligible range
    windows.py   time windows lined up by event and anchor
    text.py      the remaining criteria by text similarity
    study.py     study-level fields (phase, drugs, outcomes, …)
    wording.py   criteria and windows put into words
    matching.py  text normalization, similarity and the assignment
"""

from __future__ import annotations

from collections.abc import Sequence

from ..schema import Comparison, Criterion, Study, StudyRef, Summary
from .pairs import align_criteria
from .study import study_diffs

__all__ = ["align", "align_criteria", "has_criteria", "leaves"]


def align(
    a: Study,
    b: Study,
    *,
    criteria_a: Sequence[Criterion],
    criteria_b: Sequence[Criterion],
) -> Comparison:
    """Compare two studies field by field and criterion by criterion.

    Args:
        a, b: the studies; ``a`` is "A" in every verdict.
        criteria_a, criteria_b: their criteria as the pipeline gave them
            (:func:`ctparse.api.criteria`); ``align`` never runs the NLP.
    """
    criteria_a, criteria_b = leaves(criteria_a), leaves(criteria_b)
    has_a, has_b = has_criteria(a), has_criteria(b)
    rows, neither = study_diffs(a, b)
    pairs = align_criteria(
        tuple(criteria_a), tuple(criteria_b), missing_a=not has_a, missing_b=not has_b
    )
    notes = []
    for side, study, has, other in (("A", a, has_a, "B"), ("B", b, has_b, "A")):
        if not has:
            notes.append(
                f"{side} ({study.ref}) has no eligibility criteria in its record "
                f"({study.source.format}): every criterion of {other} is listed as "
                f"only {other}; the study-level comparison is complete."
            )
    if neither:
        notes.append("Not stated in either record: " + ", ".join(neither) + ".")
    counts = {v: 0 for v in Summary.__dataclass_fields__}
    for pair in pairs:
        counts[pair.verdict] += 1
    return Comparison(
        a=_ref(a, has_a),
        b=_ref(b, has_b),
        study=rows,
        pairs=pairs,
        summary=Summary(**counts),
        notes=tuple(notes),
    )


def leaves(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    """The atomic criteria: a registry line split into pieces is represented
    by its pieces (``Criterion.parent``), so nothing is counted twice."""
    parents = {c.parent for c in criteria if c.parent}
    return tuple(c for c in criteria if c.id not in parents)


def has_criteria(study: Study) -> bool:
    """Whether the record carries eligibility criteria text at all."""
    text = study.eligibility.criteria_text
    return bool(text and text.strip())


def _ref(study: Study, has: bool) -> StudyRef:
    return StudyRef(
        nct_id=study.nct_id,
        title=study.title,
        local_id=study.local_id,
        has_criteria=has,
        source=study.source.format,
    )
