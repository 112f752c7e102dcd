"""Two studies → a :class:`~ctparse.schema.Comparison`, criterion by what it means.

Each criterion is read for what it lets in (:mod:`.meaning`): the variables it
decides eligibility on (a threshold's eligible range, or for an ordinal scale
its eligible set of grades), the concepts its entities name with what it asks
of them (required, excluded), their qualifiers ("active", "uncontrolled") and
time ("at any time", "within 12 months", "planned"), and its time windows.

The criteria of A and B are then linked (:mod:`.pairs`), each link with a
confidence:

1. **the same variable** decided on both sides: every criterion limiting age is
   in the age row, "ECOG 0-1" (inclusion) with "ECOG 2-4" (exclusion);
2. **the same concepts**, by an optimal one-to-one assignment above a
   confidence floor: radiotherapy = radiation therapy, nursing = breastfeeding,
   a drug and its class; the windows on them by event and anchor;
3. **the same words** where no concept says more;

and a criterion left alone joins a row whose criterion names all its concepts
(B's "HIV" and "hepatitis B" with A's "HIV, hepatitis B or C") or is first about
the same concept. The rows are the connected groups: every criterion of either
study is in exactly one row (``Pair.a_ids``/``b_ids``), alone if nothing links it.

A row's verdict (:mod:`.rows`) puts together its limits (:mod:`.limits`: the
narrower eligible range or set is stricter), windows (:mod:`.windows`: a longer
washout is stricter; 2 weeks = 14 days), facts (:mod:`.facts`: excluding more,
or more broadly, is stricter; a narrowing qualifier makes the other side
stricter) and, failing those, words (:mod:`.text`). "Stricter" always means:
fewer patients are eligible on that criterion.

``align`` is pure: it takes the criteria the pipeline produced, with their
entities (the recognizer's, or until it lands the dictionary tagger's, which
:func:`ctparse.api.compare` applies first), and reads what they record; it
never runs the NLP.

    meaning.py   a criterion as limits, facts and windows
    narrowing.py words that narrow a fact ("knee surgery", "allergy to tree nuts")
    pairs.py     the links, the assignment and the rows
    rows.py      a row's verdict from its parts
    limits.py    a side's thresholds on one variable as one eligible range or set
    windows.py   time windows lined up by event and anchor
    facts.py     verdicts on excluded and required concepts
    text.py      verdicts by words
    implied.py   age and sex limits said in words ("Adult patients", "Minors", "Female")
    acronyms.py  an ambiguous acronym read through the name either trial spells ("PD")
    study.py     study-level fields (phase, drugs, outcomes, …)
    wording.py   criteria and windows put into words
    matching.py  text normalization, similarity and the assignment
"""

from __future__ import annotations

from collections.abc import Sequence

from ..nlp.clauses import rules
from ..nlp.entity_facts import tag_entities
from ..schema import Comparison, Criterion, Study, StudyRef, Summary
from .acronyms import resolve_acronyms
from .implied import implied
from .pairs import align_criteria
from .study import study_diffs

__all__ = ["align", "align_criteria", "align_tagged", "has_criteria", "leaves"]


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
    # "Adult patients" is an age limit to compare (.implied), read on the leaves only.
    criteria_a = tuple(implied(c) for c in leaves(criteria_a))
    criteria_b = tuple(implied(c) for c in leaves(criteria_b))
    criteria_a, criteria_b = resolve_acronyms(criteria_a, criteria_b)
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
    for side, study in (("A", a), ("B", b)):
        if study.source.linked_from:
            notes.insert(
                0,
                f"{side} ({study.source.linked_from}) is compared through its registry record "
                f"{study.nct_id}, which `ctparse fetch --resolve --accept` linked to it.",
            )
    if neither:
        notes.append("Not stated in either record: " + ", ".join(neither) + ".")
    counts = {v: 0 for v in Summary.__dataclass_fields__}
    for pair in pairs:
        counts[pair.verdict] += 1
    counts["a_criteria"], counts["b_criteria"] = len(criteria_a), len(criteria_b)
    return Comparison(
        a=_ref(a, has_a),
        b=_ref(b, has_b),
        study=rows,
        pairs=pairs,
        summary=Summary(**counts),
        notes=tuple(notes),
    )


def align_tagged(
    a: Study,
    b: Study,
    criteria_a: tuple[Criterion, ...],
    criteria_b: tuple[Criterion, ...],
) -> tuple[Comparison, tuple[Criterion, ...], tuple[Criterion, ...]]:
    """:func:`align` on criteria completed by the dictionary tagger: a
    criterion without entities (the pipeline ran without its recognizer) gets
    the lexicon's mentions, so pairing by concept works either way.

    Returns:
        The comparison and the criteria as compared (with their entities).
    """
    tagged_a = tag_entities(criteria_a)
    tagged_b = tagged_a if criteria_b is criteria_a else tag_entities(criteria_b)
    comparison = align(a, b, criteria_a=tagged_a, criteria_b=tagged_b)
    return comparison, tagged_a, tagged_b


def leaves(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    """The atomic criteria: a registry line split into pieces is represented
    by its pieces, and a lead-in ("… the following:") by its items
    (``Criterion.parent``), so nothing is counted twice. A criterion with
    sub-items of its own ("Declined informed consent." above indented items)
    is a criterion too."""
    split = {c.parent for c in criteria if c.parent and c.id.startswith(f"{c.parent}.")}
    parents = {c.parent for c in criteria if c.parent}
    return tuple(
        c for c in criteria if c.id not in split and not (c.id in parents and _lead_in(c.text))
    )


def _lead_in(text: str) -> bool:
    """Whether a criterion only introduces the items below it."""
    stripped = text.rstrip()
    return stripped.endswith(":") or bool(rules().lead_in.fullmatch(stripped))


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
        linked_from=study.source.linked_from,
    )
