"""The values a landscape is made of: one trial (REF) against the compared trials.

Every figure keeps the ids of the trials behind it (``study_ids``: NCT ids,
else local ids); only the complement buckets ("say nothing", "no limit") are
counts, as they are the compared trials minus the others. ``to_dict()`` is the
JSON shape (sorted keys when dumped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..schema import dumps
from .ranges import VERDICTS, Interval

#: What a trial asks of a concept, in words (the column heads of every report).
STANCE_LABELS = {
    "excluded": "exclude",
    "required": "require",
    "allowed": "allow with conditions",
    "both": "require and exclude",
    "mentioned": "mention",
    "none": "say nothing",
}
#: What REF does with a concept, in words ("REF excludes").
REF_LABELS = {
    "excluded": "excludes",
    "required": "requires",
    "allowed": "allows with conditions",
    "both": "requires and excludes",
    "mentioned": "mentions",
}
VERDICT_LABELS = {
    "stricter": "stricter",
    "same": "same",
    "looser": "looser",
    "other": "overlapping",
    "contradictory": "contradictory",
}
#: A trial's verdict buckets in report order (``contradictory``: its limits exclude everyone).
VERDICT_ORDER = (*VERDICTS, "contradictory")
SIDE_LABELS = {"lower": "minimum", "upper": "maximum"}


def share(count: int, total: int) -> float:
    """``count / total`` (0 when there is nothing to share)."""
    return count / total if total else 0.0


def percent(count: int, total: int) -> str:
    """``"60 %"``; a share under 1 % but above 0 as ``"< 1 %"``."""
    if not total:
        return "–"
    value = 100 * count / total
    if 0 < value < 1:
        return "< 1 %"
    return f"{value:.0f} %"


@dataclass(frozen=True)
class Value:
    """One distinct bound among the compared trials, and the trials with it."""

    value: float
    study_ids: tuple[str, ...]


@dataclass(frozen=True)
class Side:
    """The distribution of one bound (``lower``: minimum, ``upper``: maximum) of
    the trials that set it, and where REF's bound stands among them."""

    side: str
    ref: float | None
    percentile: float | None
    values: tuple[Value, ...]

    @property
    def trials(self) -> int:
        return sum(len(v.study_ids) for v in self.values)


@dataclass(frozen=True)
class LimitItem:
    """A variable (``kind`` ``limit``) or a time window's target (``window``):
    REF's effective range and the compared trials' ranges."""

    kind: str
    key: str
    target: str
    scale: str
    name: str
    unit: str | None
    ref: Interval | None
    ref_text: str
    ref_criteria: tuple[str, ...]
    compared: int
    limited: tuple[str, ...]  # trials with a range on it (contradictory ones included)
    verdicts: dict[str, tuple[str, ...]]  # empty when REF has no range of its own
    mentions: tuple[str, ...]  # trials naming it only in set-aside limits
    lower: Side | None = None
    upper: Side | None = None

    @property
    def none(self) -> int:
        """Compared trials that do not limit it at all."""
        return self.compared - len(self.limited) - len(self.mentions)

    @property
    def sides(self) -> tuple[Side, ...]:
        return tuple(s for s in (self.lower, self.upper) if s is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "target": self.target,
            "scale": self.scale,
            "name": self.name,
            "unit": self.unit,
            "ref": _interval(self.ref),
            "ref_text": self.ref_text,
            "ref_criteria": list(self.ref_criteria),
            "compared": self.compared,
            "limited": {"trials": len(self.limited), "study_ids": list(self.limited)},
            "share": round(share(len(self.limited), self.compared), 4),
            "verdicts": {
                v: {"trials": len(ids), "study_ids": list(ids)} for v, ids in self.verdicts.items()
            },
            "mentions": {"trials": len(self.mentions), "study_ids": list(self.mentions)},
            "no_limit": {"trials": self.none},
            "bounds": {
                s.side: {
                    "ref": s.ref,
                    "percentile": None if s.percentile is None else round(s.percentile, 1),
                    "trials": s.trials,
                    "values": [
                        {
                            "value": v.value,
                            "trials": len(v.study_ids),
                            "study_ids": list(v.study_ids),
                        }
                        for v in s.values
                    ],
                }
                for s in self.sides
            },
        }


@dataclass(frozen=True)
class ConceptItem:
    """A concept: what REF asks of it and what the compared trials do."""

    key: str
    name: str
    type: str
    ref_stance: str
    ref_criteria: tuple[str, ...]
    compared: int
    stances: dict[str, tuple[str, ...]]  # excluded / required / allowed / both / mentioned

    @property
    def none(self) -> int:
        return self.compared - sum(len(ids) for ids in self.stances.values())

    def count(self, stance: str) -> int:
        return self.none if stance == "none" else len(self.stances.get(stance, ()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "concept",
            "key": self.key,
            "name": self.name,
            "type": self.type,
            "ref_stance": self.ref_stance,
            "ref_criteria": list(self.ref_criteria),
            "compared": self.compared,
            "stances": {
                s: {"trials": len(ids), "study_ids": list(ids)} for s, ids in self.stances.items()
            },
            "none": {"trials": self.none},
        }


@dataclass(frozen=True)
class MissingItem:
    """Something at least ``min_share`` of the compared trials have and REF lacks."""

    kind: str  # limit | window | concept
    key: str
    name: str
    unit: str | None
    compared: int
    study_ids: tuple[str, ...]
    breakdown: dict[str, tuple[str, ...]]  # concepts: per stance; limits: per typical range
    summary: str

    @property
    def share(self) -> float:
        return share(len(self.study_ids), self.compared)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "name": self.name,
            "unit": self.unit,
            "compared": self.compared,
            "trials": len(self.study_ids),
            "share": round(self.share, 4),
            "study_ids": list(self.study_ids),
            "breakdown": {
                k: {"trials": len(ids), "study_ids": list(ids)} for k, ids in self.breakdown.items()
            },
            "summary": self.summary,
        }


@dataclass(frozen=True)
class ItemLink:
    """An item of one criterion: ``kind`` limit/window/concept and the item's key;
    for a concept what this criterion asks of it."""

    kind: str
    key: str
    stance: str | None = None


@dataclass(frozen=True)
class CriterionRow:
    id: str
    section: str
    text: str
    items: tuple[ItemLink, ...] = ()


@dataclass(frozen=True)
class Landscape:
    """REF against the compared trials of a dataset."""

    ref: str
    title: str | None
    source: str | None
    has_criteria: bool
    dataset: str
    where: str | None
    min_share: float
    studies: int  # in the dataset
    chosen: int  # kept by --where
    without_criteria: int  # of those, no criteria text
    ref_in_dataset: bool
    trials: tuple[str, ...]  # the compared trials
    criteria: tuple[CriterionRow, ...] = ()
    limits: tuple[LimitItem, ...] = ()
    windows: tuple[LimitItem, ...] = ()
    concepts: tuple[ConceptItem, ...] = ()
    missing: tuple[MissingItem, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def compared(self) -> int:
        return len(self.trials)

    def item(self, link: ItemLink) -> LimitItem | ConceptItem | None:
        """The item a criterion's link points at."""
        pool: Sequence[LimitItem | ConceptItem] = ()
        if link.kind == "limit":
            pool = self.limits
        elif link.kind == "window":
            pool = self.windows
        elif link.kind == "concept":
            pool = self.concepts
        return next((i for i in pool if i.key == link.key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": {
                "id": self.ref,
                "title": self.title,
                "source": self.source,
                "has_criteria": self.has_criteria,
            },
            "dataset": {
                "directory": self.dataset,
                "where": self.where,
                "studies": self.studies,
                "chosen": self.chosen,
                "without_criteria": self.without_criteria,
                "ref_in_dataset": self.ref_in_dataset,
                "compared": self.compared,
            },
            "min_share": self.min_share,
            "trials": list(self.trials),
            "criteria": [
                {
                    "id": c.id,
                    "section": c.section,
                    "text": c.text,
                    "items": [{"kind": i.kind, "key": i.key, "stance": i.stance} for i in c.items],
                }
                for c in self.criteria
            ],
            "limits": [i.to_dict() for i in self.limits],
            "windows": [i.to_dict() for i in self.windows],
            "concepts": [i.to_dict() for i in self.concepts],
            "missing": [i.to_dict() for i in self.missing],
            "notes": list(self.notes),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return dumps(self.to_dict(), indent=indent)


def _interval(interval: Interval | None) -> dict[str, Any] | None:
    if interval is None:
        return None
    return {
        "lower": interval.lower,
        "lower_inclusive": interval.lower_inclusive if interval.lower is not None else None,
        "upper": interval.upper,
        "upper_inclusive": interval.upper_inclusive if interval.upper is not None else None,
    }
