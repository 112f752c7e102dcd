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
``align`` is pure apart from running the NLP pipeline on the criteria text
(or pass the criteria in).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import matching
from .align_study import study_diffs
from .limits import Limit, compare_limits, describe, label, limits
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
from .wording import amount, facts, window_phrase

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


#: Calendar units that convert exactly into a coarser one. Two periods are
#: compared in these units when both are written in them (12 months = 1 year,
#: 52 weeks = 1 year, 14 days = 2 weeks); otherwise in days (month = 30,
#: year = 365), so 30 days = 1 month but 4 weeks (28 days) ≠ 1 month.
CALENDAR = {("month", "year"): 12, ("week", "year"): 52, ("day", "week"): 7}


@dataclass(frozen=True)
class Period:
    """Two windows' periods in one unit (the finer written unit, or days)."""

    a: float
    b: float
    unit: str

    @property
    def same(self) -> bool:
        return abs(self.a - self.b) <= 1e-9 * max(abs(self.a), abs(self.b), 1.0)

    def gap(self) -> str:
        """|a − b| in words ("7 days", "6 months")."""
        return amount(abs(self.a - self.b), self.unit)


def periods(x: Window, y: Window) -> Period:
    """The periods of two windows in a common unit (see :data:`CALENDAR`)."""
    ux, uy = x.unit, y.unit
    if x.value is not None and y.value is not None and ux and uy:
        if ux == uy:
            return Period(x.value, y.value, ux)
        for (fine, coarse), size in CALENDAR.items():
            if {ux, uy} == {fine, coarse}:
                return Period(
                    x.value * (size if ux == coarse else 1),
                    y.value * (size if uy == coarse else 1),
                    fine,
                )
    assert x.days is not None and y.days is not None
    return Period(x.days, y.days, "day")


def _event_tokens(window: Window) -> list[str]:
    return matching.tokens(window.event or "")


def _compare_windows(ca: Criterion, x: Window, cb: Criterion, y: Window) -> tuple[Verdict, str]:
    period = periods(x, y)
    # "4 weeks (28 days)" when the periods are compared in days.
    in_days = period.unit == "day" and x.unit != y.unit and "day" not in (x.unit, y.unit)
    pa = window_phrase(ca, x, with_days=in_days)
    pb = window_phrase(cb, y, with_days=in_days)
    if period.same:
        if pa == pb:
            return "same", "both " + window_phrase(ca, x, both=True)
        equal = ""
        if x.unit != y.unit and x.value is not None and y.value is not None:
            equal = f" ({amount(x.value, x.unit)} = {amount(y.value, y.unit)})"
        return "same", f"A {pa}; B {pb}: the same period{equal}"
    longer_a = period.a > period.b
    longer_stricter = _longer_is_stricter(ca, x)
    if longer_stricter != _longer_is_stricter(cb, y):
        return "different", f"A {pa}; B {pb} (one includes, the other excludes)"
    a_stricter = longer_a == longer_stricter
    what = "washout" if longer_stricter else "window"
    return ("a_stricter" if a_stricter else "b_stricter"), (
        f"A {pa}; B {pb}: {'A' if longer_a else 'B'}'s {what} is {period.gap()} longer"
    )


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
        verdict, detail = _compare_windows(ca, x, cb, y)
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
    texts_a = [_Text.of(c.text) for c in rest_a]
    texts_b = [_Text.of(c.text) for c in rest_b]
    weights = matching.idf([t.tokens for t in texts_a + texts_b])
    core_weights = matching.idf([sorted(t.core) for t in texts_a + texts_b])
    scores = [
        [
            max(
                matching.similarity(ta.tokens, tb.tokens, weights),
                matching.similarity(sorted(ta.core), sorted(tb.core), core_weights),
            )
            if _same_section(ca, cb)
            else 0.0
            for cb, tb in zip(rest_b, texts_b, strict=True)
        ]
        for ca, ta in zip(rest_a, texts_a, strict=True)
    ]
    pairs = []
    matched = matching.assign(scores, floor=SIMILARITY_FLOOR)
    for i, j in matched:
        ca, cb = rest_a[i], rest_b[j]
        score = matching.similarity(texts_a[i].tokens, texts_b[j].tokens, weights)
        verdict, detail = _compare_texts(ca, cb, score, texts_a[i], texts_b[j])
        variable = next((t.variable for t in ca.thresholds + cb.thresholds), None)
        pairs.append(_pair(ca, cb, variable, verdict, detail, scores[i][j]))
    lone_a = sorted(set(range(len(rest_a))) - {i for i, _ in matched})
    lone_b = sorted(set(range(len(rest_b))) - {j for _, j in matched})
    for i in lone_a:
        pairs.append(_alone(rest_a[i], "a", missing_other=missing_b))
    for j in lone_b:
        pairs.append(_alone(rest_b[j], "b", missing_other=missing_a))
    return pairs


def _same_section(ca: Criterion, cb: Criterion) -> bool:
    return ca.section == cb.section or "unknown" in (ca.section, cb.section)


#: Examples of a general term: "(such as Crohn's disease or ulcerative colitis)",
#: ", including but not limited to …" up to the end of the sentence.
_EXAMPLES = re.compile(
    r"\(\s*(?:such\s+as|e\.?\s?g\.?|i\.?\s?e\.?|including|for\s+(?:example|instance)|like)"
    r"\b[^()]*\)"
    r"|,?\s*\b(?:such\s+as|including(?:\s+but\s+not\s+limited\s+to)?)\b[^.;()]*(?=[.;]|$)",
    re.IGNORECASE,
)
#: Words that do not change whom a criterion admits: "active or past history of
#: confirmed X" and "history or active X" say the same.
HEDGES = frozenset(
    matching.word_key(w)
    for w in ("past", "confirmed", "documented", "known", "diagnosed", "evidence", "any")
)


@dataclass(frozen=True)
class _Text:
    """A criterion's text as the text pass sees it."""

    expanded: str  # acronyms spelled out
    tokens: list[str]  # content words of the expanded text (bag, any order)
    core: frozenset[str]  # loose content words without examples and hedges
    examples: tuple[str, ...]  # the examples left out of ``core``

    @classmethod
    def of(cls, text: str) -> _Text:
        expanded = matching.expand(text)
        examples = tuple(
            " ".join(m.group(0).strip(" ,").split()) for m in _EXAMPLES.finditer(expanded)
        )
        core = frozenset(
            t for t in matching.loose_tokens(_EXAMPLES.sub(" ", expanded)) if t not in HEDGES
        )
        return cls(expanded, matching.tokens(expanded), core, examples)


def _word_runs(words: list[str], limit: int = 80) -> str:
    """Runs of words for a detail, stop words trimmed at their edges, cut with …"""
    runs = []
    for run in words:
        kept = run.split()
        while kept and kept[0].lower().strip("(),;:") in matching.STOPWORDS:
            kept.pop(0)
        while kept and kept[-1].lower().strip("(),;:") in matching.STOPWORDS:
            kept.pop()
        if kept:
            runs.append(" ".join(kept).strip("(),;: "))
    text = ", ".join(r for r in runs if r)
    if len(text) > limit:
        text = text[: limit + 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
    return text


def _wording(ta: _Text, tb: _Text) -> str:
    """What one text says that the other does not, word by word."""
    only_a, only_b, _ = matching.word_diff(ta.expanded, tb.expanded)
    parts = [
        f"only A says: {said}" if (said := _word_runs(only_a)) else "",
        f"only B says: {said}" if (said := _word_runs(only_b)) else "",
    ]
    return "; ".join(p for p in parts if p)


def _compare_texts(
    ca: Criterion, cb: Criterion, score: float, ta: _Text, tb: _Text
) -> tuple[Verdict, str]:
    if matching.normalize(ca.text) == matching.normalize(cb.text):
        return "same", "the same text"
    na, nb = matching.numbers(ca.text), matching.numbers(cb.text)
    if score >= SAME_TEXT and na == nb:
        return "same", f"the same criterion, worded slightly differently ({score:.0%} similar)"
    if ta.core and ta.core == tb.core and sorted(na) == sorted(nb):
        # The same words once acronyms are spelled out and word order, hedges
        # ("past", "confirmed") and examples are set aside.
        notes = matching.expansions(ca.text) + [
            e for e in matching.expansions(cb.text) if e not in matching.expansions(ca.text)
        ]
        for side, text in (("A", ta), ("B", tb)):
            if text.examples and set(text.examples) != set((tb if side == "A" else ta).examples):
                notes.append(f"{side} gives examples {'; '.join(text.examples)}")
        hedges_a, hedges_b, _ = matching.word_diff(ta.expanded, tb.expanded)
        hedged = [
            w
            for w in " ".join(hedges_a + hedges_b).split()
            if matching.word_key(w.strip("(),;:")) in HEDGES
        ]
        if hedged:
            notes.append("hedges aside: " + ", ".join(dict.fromkeys(w.lower() for w in hedged)))
        said = f": {'; '.join(notes)}" if notes else ""
        return (
            "same",
            f"the same criterion in other words{said} ({score:.0%} similar word for word)",
        )
    wording = _wording(ta, tb)
    wording = f": {wording}" if wording else ""
    if na != nb:
        return "different", (
            f"similar criteria ({score:.0%} similar) stating different numbers: "
            f"A {', '.join(na) or 'none'}; B {', '.join(nb) or 'none'}"
        )
    return (
        "different",
        f"similar criteria ({score:.0%} similar) that are worded differently{wording}",
    )


def _alone(criterion: Criterion, side: str, *, missing_other: bool) -> Pair:
    other = "B" if side == "a" else "A"
    if missing_other:
        detail = f"not in {other}'s record: it has no eligibility criteria"
    else:
        detail = f"no matching criterion in {other}"
        variables = list(dict.fromkeys(t.variable for t in criterion.thresholds))
        if variables:
            detail += f"; {other} sets no limit on " + ", ".join(label(v) for v in variables)
    demands = facts(criterion)
    if demands:
        detail += f" ({side.upper()} {demands})"
    variable = criterion.thresholds[0].variable if criterion.thresholds else None
    return _pair(
        criterion if side == "a" else None,
        criterion if side == "b" else None,
        variable,
        "only_a" if side == "a" else "only_b",
        detail,
    )
