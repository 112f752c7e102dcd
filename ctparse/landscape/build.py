"""REF's facts and the compared trials' reduced tables → a :class:`Landscape`.

Per limit or window of REF: the compared trials with a range on the same key,
each trial's verdict against REF's range (:func:`ctparse.landscape.ranges.verdict`),
and per bound (minimum, maximum) the distribution of the trials' bounds with
REF's percentile rank among them. Per concept: the trials per stance. Then the
other way round: what at least ``min_share`` of the trials have and REF lacks.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from ..schema import Criterion
from .facts import Key, RefFacts, RefLimit, VariableInfo, variables
from .model import (
    STANCE_LABELS,
    ConceptItem,
    CriterionRow,
    ItemLink,
    Landscape,
    LimitItem,
    MissingItem,
    Side,
    Value,
    percent,
)
from .query import STANCES, Compared, StudyRange
from .ranges import Interval, interval_text, percentile, verdict

#: How many of the most common ranges a "missing in REF" limit lists.
TYPICAL = 3


def key_text(kind: str, key: Key | str) -> str:
    """The key of an item as reports show it: ``anc``, ``alt@ULN``, ``chemotherapy@before``."""
    if isinstance(key, str):
        return key
    target, scale = key
    return f"{target}@{scale}" if scale else target


def unit_of(kind: str, key: Key, lexicon: dict[str, VariableInfo]) -> str | None:
    """The unit an item's bounds are in."""
    target, scale = key
    if kind == "window":
        return f"days {scale}" if scale else "days"
    if scale in ("ULN", "LLN"):
        return f"× {scale}"
    if scale:
        return scale
    variable = lexicon.get(target)
    return variable.unit if variable else None


def display_name(kind: str, key: Key, name: str, lexicon: dict[str, VariableInfo]) -> str:
    if kind == "limit":
        variable = lexicon.get(key[0])
        return variable.name if variable else key[0]
    return name


def _interval(row: StudyRange) -> Interval:
    return Interval(row.lower, row.lower_inclusive, row.upper, row.upper_inclusive)


def _side(side: str, ref: Interval | None, ranges: list[tuple[str, Interval]]) -> Side | None:
    """The distribution of one bound; ``None`` when neither REF nor any trial sets it."""
    by_value: dict[float, list[str]] = defaultdict(list)
    for study, interval in ranges:
        bound = interval.lower if side == "lower" else interval.upper
        if bound is not None:
            by_value[bound].append(study)
    ref_bound = None if ref is None else (ref.lower if side == "lower" else ref.upper)
    if ref_bound is None and not by_value:
        return None
    values = [v for v, ids in by_value.items() for _ in ids]
    return Side(
        side=side,
        ref=ref_bound,
        percentile=None if ref_bound is None else percentile(ref_bound, values),
        values=tuple(Value(v, tuple(sorted(ids))) for v, ids in sorted(by_value.items())),
    )


def limit_item(
    kind: str,
    key: Key,
    ref: RefLimit,
    rows: list[StudyRange],
    *,
    compared: int,
    lexicon: dict[str, VariableInfo],
) -> LimitItem:
    """One limit or window of REF against the trials' ranges on the same key."""
    ref_range = ref.interval
    unit = unit_of(kind, key, lexicon)
    limited = [r for r in rows if r.limits > 0]
    ranges = [(r.study_id, _interval(r)) for r in limited]
    verdicts: dict[str, list[str]] = {}
    if ref_range is not None and not ref_range.empty:
        verdicts = {v: [] for v in ("stricter", "same", "looser", "other", "contradictory")}
        for study, interval in ranges:
            verdicts["contradictory" if interval.empty else verdict(interval, ref_range)].append(
                study
            )
    placed = [(s, i) for s, i in ranges if not i.empty]
    if ref_range is None:
        ref_text = "named only in conditional or granted limits"
    else:
        ref_text = interval_text(ref_range, unit)
    return LimitItem(
        kind=kind,
        key=key_text(kind, key),
        target=key[0],
        scale=key[1],
        name=display_name(kind, key, ref.name, lexicon),
        unit=unit,
        ref=ref_range,
        ref_text=ref_text,
        ref_criteria=tuple(ref.criteria),
        compared=compared,
        limited=tuple(sorted(r.study_id for r in limited)),
        verdicts={v: tuple(sorted(ids)) for v, ids in verdicts.items()},
        mentions=tuple(sorted(r.study_id for r in rows if r.limits == 0)),
        lower=_side("lower", ref_range, placed),
        upper=_side("upper", ref_range, placed),
    )


def _typical(rows: list[StudyRange], unit: str | None) -> dict[str, tuple[str, ...]]:
    """The most common ranges among the trials that limit something."""
    by_text: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.limits > 0:
            by_text[interval_text(_interval(row), unit)].append(row.study_id)
    ranked = sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {text: tuple(sorted(ids)) for text, ids in ranked[:TYPICAL]}


def _concept_summary(stances: dict[str, list[str]], compared: int) -> str:
    parts = [
        f"{percent(len(stances[s]), compared)} {STANCE_LABELS[s]}"
        for s in STANCES
        if stances.get(s)
    ]
    return ", ".join(parts)


def missing_items(
    facts: RefFacts,
    compared: Compared,
    *,
    trials: int,
    min_share: float,
    lexicon: dict[str, VariableInfo],
) -> list[MissingItem]:
    """What at least ``min_share`` of the compared trials have and REF lacks."""
    if not trials:
        return []
    at_least = max(1, math.ceil(min_share * trials - 1e-9))
    found: list[MissingItem] = []
    ref_targets = {k[0] for k in facts.windows}
    for kind, table in (("limit", "lim"), ("window", "win")):
        keys = []
        for target, scale, name, _n in compared.common(table, at_least=at_least):
            if kind == "limit" and target in facts.variables_seen:
                continue
            if kind == "window" and target in ref_targets:
                continue
            keys.append(((target, scale), name))
        ranges = compared.ranges(table, [k for k, _ in keys])
        for key, name in keys:
            unit = unit_of(kind, key, lexicon)
            rows = ranges[key]
            ids = tuple(sorted(r.study_id for r in rows if r.limits > 0))
            typical = _typical(rows, unit)
            common = ", ".join(f"{text} ({len(t)})" for text, t in typical.items())
            verb = "limit it" if kind == "limit" else "set a window"
            found.append(
                MissingItem(
                    kind=kind,
                    key=key_text(kind, key),
                    name=display_name(kind, key, name, lexicon),
                    unit=unit,
                    compared=trials,
                    study_ids=ids,
                    breakdown=typical,
                    summary=f"{percent(len(ids), trials)} {verb}; most often {common}",
                )
            )
    # a measurement concept listed as a missing limit already: the limit says more
    limited = {m.key.split("@")[0] for m in found if m.kind == "limit"}
    lacking = [
        (c, n, t)
        for c, n, t, _k in compared.common_concepts(at_least=at_least)
        if c not in facts.concepts
        and c not in facts.variables_seen
        and c not in ref_targets
        and c not in limited
    ]
    stances = compared.stances(c for c, _, _ in lacking)
    for concept_id, name, _type in lacking:
        per = stances[concept_id]
        ids = tuple(sorted(i for group in per.values() for i in group))
        found.append(
            MissingItem(
                kind="concept",
                key=concept_id,
                name=name,
                unit=None,
                compared=trials,
                study_ids=ids,
                breakdown={s: tuple(per[s]) for s in STANCES if per.get(s)},
                summary=_concept_summary(per, trials),
            )
        )
    order = {"limit": 0, "window": 1, "concept": 2}
    found.sort(key=lambda m: (-len(m.study_ids), order[m.kind], m.name, m.key))
    return found


def _criterion_rows(criteria: Sequence[Criterion], facts: RefFacts) -> list[CriterionRow]:
    parents = {c.parent for c in criteria if c.parent is not None}
    rows = []
    for criterion in criteria:
        items = facts.items.get(criterion.id, [])
        if not items and criterion.id in parents:
            continue  # a packed line or a lead-in: its pieces carry what it says
        rows.append(
            CriterionRow(
                id=criterion.id,
                section=criterion.section,
                text=criterion.text,
                items=tuple(ItemLink(i.kind, key_text(i.kind, i.key), i.stance) for i in items),
            )
        )
    return rows


def build(
    criteria: Sequence[Criterion],
    facts: RefFacts,
    compared: Compared,
    *,
    ref: str,
    title: str | None,
    source: str | None,
    has_criteria: bool,
    ref_in_dataset: bool,
    min_share: float,
    notes: Sequence[str] = (),
) -> Landscape:
    """The landscape of REF (its criteria and their ``facts``) among the compared
    trials (``compared``, already prepared)."""
    lexicon = variables()
    trials = tuple(compared.compared_ids())
    n = len(trials)
    limit_rows = compared.ranges("lim", facts.limits)
    window_rows = compared.ranges("win", facts.windows)
    position = {c.id: i for i, c in enumerate(criteria)}

    def in_order(items: dict[Key, RefLimit]) -> list[tuple[Key, RefLimit]]:
        """REF's order: by the first criterion that has it."""
        return sorted(items.items(), key=lambda kv: (position.get(kv[1].criteria[0], 0), kv[0]))

    limits = [
        limit_item("limit", key, ref_limit, limit_rows[key], compared=n, lexicon=lexicon)
        for key, ref_limit in in_order(facts.limits)
    ]
    windows = [
        limit_item("window", key, ref_limit, window_rows[key], compared=n, lexicon=lexicon)
        for key, ref_limit in in_order(facts.windows)
    ]
    shown = sorted(
        {
            i.key
            for items in facts.items.values()
            for i in items
            if i.kind == "concept" and isinstance(i.key, str)
        }
    )
    per_concept = compared.stances(shown)
    concepts = [
        ConceptItem(
            key=concept_id,
            name=facts.concepts[concept_id].name,
            type=facts.concepts[concept_id].type,
            ref_stance=facts.concepts[concept_id].stance,
            ref_criteria=tuple(facts.concepts[concept_id].criteria),
            compared=n,
            stances={s: tuple(per_concept[concept_id].get(s, ())) for s in STANCES},
        )
        for concept_id in shown
    ]
    # the concepts most trials speak of first
    concepts.sort(key=lambda c: (c.none, c.name, c.key))
    chosen, without = compared.chosen()
    return Landscape(
        ref=ref,
        title=title,
        source=source,
        has_criteria=has_criteria,
        dataset=str(compared.directory),
        where=compared.where,
        min_share=min_share,
        studies=compared.studies(),
        chosen=chosen,
        without_criteria=without,
        ref_in_dataset=ref_in_dataset,
        trials=trials,
        criteria=tuple(_criterion_rows(criteria, facts)),
        limits=tuple(limits),
        windows=tuple(windows),
        concepts=tuple(concepts),
        missing=tuple(
            missing_items(facts, compared, trials=n, min_share=min_share, lexicon=lexicon)
        ),
        notes=tuple(notes),
    )


__all__ = ["build", "key_text", "limit_item", "missing_items"]
