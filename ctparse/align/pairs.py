"""The passes of a comparison, in order: thresholds by variable, windows by
event and anchor, the rest by text; every criterion ends in exactly one pair."""

from __future__ import annotations

from collections.abc import Sequence

from ..schema import Criterion, Pair
from .limits import Limit, compare_limits, describe, label, limits
from .rows import pair
from .text import text_pairs
from .windows import window_pairs


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
    pairs.extend(window_pairs(criteria_a, criteria_b))
    used_a.update(p.a for p in pairs if p.a)
    used_b.update(p.b for p in pairs if p.b)
    rest_a = [c for c in criteria_a if c.id not in used_a]
    rest_b = [c for c in criteria_b if c.id not in used_b]
    pairs.extend(text_pairs(rest_a, rest_b, missing_a=missing_a, missing_b=missing_b))

    def key(pair: Pair) -> tuple[int, int, int, str]:
        rank = {"inclusion": 0, "exclusion": 1}.get(pair.section or "", 2)
        if pair.a is not None:
            return (rank, order[("a", pair.a)], 0, pair.variable or "")
        return (rank, 10_000 + order[("b", pair.b or "")], 0, pair.variable or "")

    return tuple(sorted(pairs, key=key))


# ------------------------------------------------------------ 1. thresholds


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
        pairs.append(pair(_binding(la, key), _binding(lb, key), key[0], verdict, detail))
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
                pair(
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
