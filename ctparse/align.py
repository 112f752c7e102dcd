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
   stricter; so is a shorter "must have X within N days".
3. **The rest by text similarity**, with an optimal one-to-one assignment
   above a similarity floor; a pair is ``same`` when both say the same thing,
   ``different`` otherwise. What stays alone is ``only_a`` / ``only_b``.

"Stricter" always means: fewer patients are eligible on that criterion.
``align`` is pure apart from running the NLP pipeline on the criteria text
(or pass the criteria in).
"""

from __future__ import annotations

from collections.abc import Sequence

from . import matching
from .align_study import study_diffs
from .limits import Limit, close, compare_limits, describe, label, limits, number
from .schema import (
    Comparison,
    Criterion,
    Pair,
    Study,
    StudyRef,
    Summary,
    Verdict,
    Window,
)

#: Text pairs scoring below this (weighted Dice of content words) stay alone.
SIMILARITY_FLOOR = 0.35
#: Text pairs at or above this, stating the same numbers, say the same thing.
SAME_TEXT = 0.85
#: Window events must be at least this similar to be lined up.
EVENT_FLOOR = 0.5


def align(
    a: Study,
    b: Study,
    *,
    criteria_a: Sequence[Criterion] | None = None,
    criteria_b: Sequence[Criterion] | None = None,
) -> Comparison:
    """Compare two studies field by field and criterion by criterion.

    Args:
        a, b: the studies; ``a`` is "A" in every verdict.
        criteria_a, criteria_b: their criteria with thresholds and windows;
            by default the NLP pipeline is run on each eligibility text.
    """
    if criteria_a is None:
        criteria_a = criteria_of(a)
    if criteria_b is None:
        # Comparing a study with another copy of itself: run the pipeline once.
        same_text = a.eligibility == b.eligibility
        criteria_b = criteria_a if same_text else criteria_of(b)
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


def criteria_of(study: Study) -> tuple[Criterion, ...]:
    """The study's criteria with thresholds and windows (the NLP pipeline),
    followed by its structured age limits."""
    from .nlp.study import study_criteria  # spaCy: imported only when needed

    return tuple(study_criteria(study).criteria)


def _ref(study: Study, has: bool) -> StudyRef:
    return StudyRef(
        nct_id=study.nct_id,
        title=study.title,
        local_id=study.local_id,
        has_criteria=has,
        source=study.source.format,
    )


# ---------------------------------------------------------------- the passes


def align_criteria(
    criteria_a: tuple[Criterion, ...],
    criteria_b: tuple[Criterion, ...],
    *,
    missing_a: bool = False,
    missing_b: bool = False,
) -> tuple[Pair, ...]:
    """Line up two lists of criteria (see the module docstring)."""
    order = {("a", c.id): i for i, c in enumerate(criteria_a)}
    order.update({("b", c.id): i for i, c in enumerate(criteria_b)})
    pairs, used_a, used_b = _threshold_pairs(criteria_a, criteria_b)
    pairs.extend(_window_pairs(criteria_a, criteria_b))
    used_a.update(p.a for p in pairs if p.a)
    used_b.update(p.b for p in pairs if p.b)
    rest_a = [c for c in criteria_a if c.id not in used_a]
    rest_b = [c for c in criteria_b if c.id not in used_b]
    pairs.extend(_text_pairs(rest_a, rest_b, missing_a=missing_a, missing_b=missing_b))

    def key(pair: Pair) -> tuple[int, int, int, str]:
        rank = {"inclusion": 0, "exclusion": 1}.get(pair.section or "", 2)
        if pair.a is not None:
            return (rank, order[("a", pair.a)], 0, pair.variable or "")
        return (rank, 10_000 + order[("b", pair.b or "")], 0, pair.variable or "")

    return tuple(sorted(pairs, key=key))


# ------------------------------------------------------------ 1. thresholds


def _pair(
    ca: Criterion | None,
    cb: Criterion | None,
    variable: str | None,
    verdict: Verdict,
    detail: str,
    similarity: float | None = None,
) -> Pair:
    first = ca or cb
    assert first is not None
    return Pair(
        a=ca.id if ca else None,
        b=cb.id if cb else None,
        variable=variable,
        verdict=verdict,
        detail=detail,
        similarity=None if similarity is None else round(similarity, 3),
        a_text=ca.text if ca else None,
        b_text=cb.text if cb else None,
        section=first.section,
    )


def _threshold_pairs(
    criteria_a: Sequence[Criterion], criteria_b: Sequence[Criterion]
) -> tuple[list[Pair], set[str], set[str]]:
    """Pairs by variable, and the ids of every criterion they settle (all the
    criteria limiting a paired variable, not only the one shown)."""
    limits_a, limits_b = limits(criteria_a), limits(criteria_b)
    pairs: list[Pair] = []
    used_a: set[str] = set()
    used_b: set[str] = set()
    for key in [*limits_a, *(k for k in limits_b if k not in limits_a)]:
        by_ref_a, by_ref_b = limits_a.get(key, {}), limits_b.get(key, {})
        if not by_ref_a or not by_ref_b:
            continue  # one-sided: settled by the text pass or below
        common = [r for r in by_ref_a if r in by_ref_b]
        if common:
            # Compare like with like; prefer absolute limits.
            ref = None if None in common else common[0]
            la, lb = by_ref_a[ref], by_ref_b[ref]
        else:
            la, lb = next(iter(by_ref_a.values())), next(iter(by_ref_b.values()))
        verdict, detail = compare_limits(la, lb)
        if key[1]:
            detail = f"{detail} (when {key[1]})"
        pairs.append(_pair(_binding(la, key), _binding(lb, key), key[0], verdict, detail))
        used_a.update(c.id for limit in by_ref_a.values() for c in limit.criteria)
        used_b.update(c.id for limit in by_ref_b.values() for c in limit.criteria)
    # Limits of one side only, inside criteria already lined up on another variable.
    for side, found, other, used in (
        ("a", limits_a, limits_b, used_a),
        ("b", limits_b, limits_a, used_b),
    ):
        for key, by_ref in found.items():
            if key in other:
                continue
            limit = next(iter(by_ref.values()))
            criterion = limit.criteria[0]
            if criterion.id not in used:
                continue
            other_name = "B" if side == "a" else "A"
            detail = f"{other_name} sets no limit on {label(key[0])} ({describe(limit)} here)"
            pairs.append(
                _pair(
                    criterion if side == "a" else None,
                    criterion if side == "b" else None,
                    key[0],
                    "only_a" if side == "a" else "only_b",
                    detail,
                )
            )
    return pairs, used_a, used_b


def _binding(limit: Limit, key: tuple[str, str]) -> Criterion:
    """The criterion that states the whole limit on its own, else the first one
    (age ≥ 18 in the text plus a structured maximum of 80: the structured one)."""
    for criterion in limit.criteria:
        alone = limits([criterion]).get(key, {}).get(limit.relative_to)
        if alone and (alone.eligible, alone.values) == (limit.eligible, limit.values):
            return criterion
    return limit.criteria[0]


# --------------------------------------------------------------- 2. windows


def _longer_is_stricter(criterion: Criterion, window: Window) -> bool:
    """Exclusion "X within N days before …" (a washout): longer is stricter;
    inclusion "X within N days": shorter is stricter; "at least N days": the
    other way round."""
    at_least = window.comparator in (">", ">=")
    exclusion = criterion.section != "inclusion"
    return exclusion != at_least


def _window_text(window: Window) -> str:
    amount = ""
    if window.value is not None and window.unit:
        amount = f"{number(window.value)} {window.unit}{'' if window.value == 1 else 's'}"
        if window.days is not None and window.unit not in ("day", "days"):
            amount += f" ({number(window.days)} days)"
    elif window.days is not None:
        amount = f"{number(window.days)} days"
    where = " ".join(x for x in (window.direction, (window.anchor or "").replace("_", " ")) if x)
    return f"{amount} {where}".strip()


def _event_tokens(window: Window) -> list[str]:
    return matching.tokens(window.event or "")


def _window_pairs(criteria_a: Sequence[Criterion], criteria_b: Sequence[Criterion]) -> list[Pair]:
    wa = [(c, w) for c in criteria_a for w in c.windows if w.event and w.days is not None]
    wb = [(c, w) for c in criteria_b for w in c.windows if w.event and w.days is not None]
    if not wa or not wb:
        return []
    weights = matching.idf([_event_tokens(w) for _, w in wa + wb])
    scores = []
    for _, x in wa:
        row = []
        for _, y in wb:
            compatible = (x.anchor == y.anchor or not x.anchor or not y.anchor) and (
                x.direction == y.direction or not x.direction or not y.direction
            )
            if not compatible:
                row.append(0.0)
            elif matching.normalize(x.event or "") == matching.normalize(y.event or ""):
                row.append(1.0)
            else:
                row.append(matching.similarity(_event_tokens(x), _event_tokens(y), weights))
        scores.append(row)
    pairs = []
    for i, j in matching.assign(scores, floor=EVENT_FLOOR):
        (ca, x), (cb, y) = wa[i], wb[j]
        assert x.days is not None and y.days is not None
        event = x.event or ""
        text = f"A: {event} within {_window_text(x)}; B: within {_window_text(y)}"
        if close(x.days, y.days):
            verdict: Verdict = "same"
            detail = f"both: {event} within {_window_text(x)}"
        else:
            longer_a = x.days > y.days
            longer_stricter = _longer_is_stricter(ca, x)
            if longer_stricter != _longer_is_stricter(cb, y):
                verdict, detail = "different", f"{text} (one includes, the other excludes)"
            else:
                gap = abs(x.days - y.days)
                a_stricter = longer_a == longer_stricter
                verdict = "a_stricter" if a_stricter else "b_stricter"
                what = "washout" if longer_stricter else "window"
                detail = f"{text}: {'A' if longer_a else 'B'}'s {what} is {number(gap)} days longer"
        pairs.append(_pair(ca, cb, None, verdict, detail, scores[i][j]))
    return pairs


# ------------------------------------------------------------------ 3. text


def _text_pairs(
    rest_a: Sequence[Criterion],
    rest_b: Sequence[Criterion],
    *,
    missing_a: bool,
    missing_b: bool,
) -> list[Pair]:
    tokens_a = [matching.tokens(c.text) for c in rest_a]
    tokens_b = [matching.tokens(c.text) for c in rest_b]
    weights = matching.idf(tokens_a + tokens_b)
    scores = [
        [
            matching.similarity(ta, tb, weights) if _same_section(ca, cb) else 0.0
            for cb, tb in zip(rest_b, tokens_b, strict=True)
        ]
        for ca, ta in zip(rest_a, tokens_a, strict=True)
    ]
    pairs = []
    matched = matching.assign(scores, floor=SIMILARITY_FLOOR)
    for i, j in matched:
        ca, cb, score = rest_a[i], rest_b[j], scores[i][j]
        verdict, detail = _compare_texts(ca, cb, score)
        variable = next((t.variable for t in ca.thresholds + cb.thresholds), None)
        pairs.append(_pair(ca, cb, variable, verdict, detail, score))
    lone_a = sorted(set(range(len(rest_a))) - {i for i, _ in matched})
    lone_b = sorted(set(range(len(rest_b))) - {j for _, j in matched})
    for i in lone_a:
        pairs.append(_alone(rest_a[i], "a", missing_other=missing_b))
    for j in lone_b:
        pairs.append(_alone(rest_b[j], "b", missing_other=missing_a))
    return pairs


def _same_section(ca: Criterion, cb: Criterion) -> bool:
    return ca.section == cb.section or "unknown" in (ca.section, cb.section)


def _compare_texts(ca: Criterion, cb: Criterion, score: float) -> tuple[Verdict, str]:
    if matching.normalize(ca.text) == matching.normalize(cb.text):
        return "same", "the same text"
    na, nb = matching.numbers(ca.text), matching.numbers(cb.text)
    if score >= SAME_TEXT and na == nb:
        return "same", f"the same criterion, worded slightly differently ({score:.0%} similar)"
    if na != nb:
        return "different", (
            f"similar criteria ({score:.0%} similar) stating different numbers: "
            f"A {', '.join(na) or 'none'}; B {', '.join(nb) or 'none'}"
        )
    return "different", f"similar criteria ({score:.0%} similar) that are worded differently"


def _facts(criterion: Criterion) -> str:
    """What a criterion demands, in words: "ANC ≥ 1.5 × 10^9/L; age 18–80 years"."""
    parts = []
    for (variable, condition), by_ref in limits([criterion]).items():
        for limit in by_ref.values():
            when = f" when {condition}" if condition else ""
            parts.append(f"{label(variable)} {describe(limit)}{when}")
    parts.extend(
        f"no {w.event} within {_window_text(w)}"
        if criterion.section == "exclusion"
        else f"{w.event} within {_window_text(w)}"
        for w in criterion.windows
        if w.event and w.days is not None
    )
    return "; ".join(parts)


def _alone(criterion: Criterion, side: str, *, missing_other: bool) -> Pair:
    other = "B" if side == "a" else "A"
    if missing_other:
        detail = f"not in {other}'s record: it has no eligibility criteria"
    else:
        detail = f"no matching criterion in {other}"
        variables = list(dict.fromkeys(t.variable for t in criterion.thresholds))
        if variables:
            detail += f"; {other} sets no limit on " + ", ".join(label(v) for v in variables)
    facts = _facts(criterion)
    if facts:
        detail += f" ({side.upper()} requires {facts})"
    variable = criterion.thresholds[0].variable if criterion.thresholds else None
    return _pair(
        criterion if side == "a" else None,
        criterion if side == "b" else None,
        variable,
        "only_a" if side == "a" else "only_b",
        detail,
    )
