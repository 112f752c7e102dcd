"""What REF's own criteria say, reduced the way the dataset side reduces every
compared trial (:mod:`ctparse.landscape.query` is the SQL twin of this module).

Three kinds of item:

* a **limit**: a variable on one *scale*: its canonical unit (``''``), a
  multiple of the upper or lower limit of normal (``ULN``, ``LLN``: a scale of
  its own, never mixed with absolute values), or a unit that did not convert;
  the study's effective range is the intersection of its limits there;
* a **window**: a time constraint on one *target* (the concept of the entity
  it constrains, else its event as written) in one direction (``before`` /
  ``after`` the anchor), in days; the anchor (first dose, enrollment, …) is
  not part of the key;
* a **concept**: what the study asks of one concept id of the concept lexicon
  over all its mentions: ``excluded``, ``required``, ``allowed`` (any grant:
  allowed, possibly with conditions), ``both`` (required somewhere and
  excluded elsewhere) or ``mentioned`` (no requirement read). The same
  concept means the same concept id: no hierarchy ("metastasis" is not
  "brain metastases"); catch-all concepts (``broad`` in
  ``models/concepts.jsonl``: disease, treatment, …) and family history are
  left out.

Set aside from a range (they name the variable but do not bound what the
study admits): limits under a condition ("if liver metastases"), grants
(requirement ``allowed``) and limits without a bound. Alternatives
("creatinine ≤ 1.5 mg/dL or CrCl ≥ 60 mL/min") count as a limit on each
variable. The variable ``other`` (a limit on something the lexicon does not
know) is no variable and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..resources import per_models
from ..schema import Criterion, Entity, Threshold, Window
from .ranges import Interval, effective, snap

#: Variables no two trials share the meaning of: "other" (unknown) and "count"
#: (how many of something there are: drugs, risk factors, prior lines, lesions).
UNCOMPARED = ("other", "count")

Scale = str
Key = tuple[str, str]  # (target, scale)


@dataclass(frozen=True)
class VariableInfo:
    """A variable of ``models/variables.jsonl``: name, canonical unit, ordinal scale."""

    id: str
    name: str
    unit: str | None
    scale: tuple[int, int] | None


@per_models
def variables() -> dict[str, VariableInfo]:
    """Every variable of the lexicon, by id."""
    from ..resources import load_rules

    result = {}
    for entry in load_rules("variables.jsonl"):
        scale = entry.get("scale")
        result[entry["id"]] = VariableInfo(
            id=entry["id"],
            name=entry["name"],
            unit=entry.get("unit"),
            scale=(int(scale[0]), int(scale[1])) if scale else None,
        )
    return result


@per_models
def broad_concepts() -> frozenset[str]:
    """Ids of the catch-all concepts ("disease", "treatment", "medication", …)."""
    from ..resources import load_rules

    return frozenset(e["id"] for e in load_rules("concepts.jsonl") if e.get("broad"))


def scale_of(threshold: Threshold, variable: VariableInfo | None) -> Scale:
    """``ULN``/``LLN`` for a multiple of a normal limit; the unit of a limit
    that did not convert to the canonical one; else ``''``."""
    if threshold.relative_to:
        return threshold.relative_to
    unit = threshold.normalized.unit if threshold.normalized else None
    if variable is not None and variable.unit and unit and unit != variable.unit:
        return unit
    return ""


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 9)


def limit_interval(threshold: Threshold, variable: VariableInfo | None) -> Interval | None:
    """The range one limit admits (snapped on an ordinal scale), or ``None`` when
    it is set aside (a condition, a grant, no bound)."""
    eligible = threshold.eligible
    if (
        threshold.condition is not None
        or threshold.requirement == "allowed"
        or eligible is None
        or (eligible.lower is None and eligible.upper is None)
    ):
        return None
    interval = Interval(
        _round(eligible.lower),
        True if eligible.lower_inclusive is None else eligible.lower_inclusive,
        _round(eligible.upper),
        True if eligible.upper_inclusive is None else eligible.upper_inclusive,
    )
    if threshold.relative_to is None and variable is not None:
        interval = snap(interval, variable.scale)
        interval = Interval(
            _round(interval.lower),
            interval.lower_inclusive,
            _round(interval.upper),
            interval.upper_inclusive,
        )
    return interval


def window_interval(window: Window) -> Interval | None:
    """The range of days a window admits, or ``None`` (a grant, no bound)."""
    eligible = window.eligible
    if (
        window.requirement == "allowed"
        or eligible is None
        or (eligible.lower is None and eligible.upper is None)
    ):
        return None
    return Interval(
        _round(eligible.lower),
        True if eligible.lower_inclusive is None else eligible.lower_inclusive,
        _round(eligible.upper),
        True if eligible.upper_inclusive is None else eligible.upper_inclusive,
    )


def event_key(event: str) -> str:
    """An event as written, folded: lower case, spaces collapsed."""
    return re.sub(r"\s+", " ", event.strip().lower())


def window_target(
    window: Window, entities: dict[str, Entity], broad: frozenset[str]
) -> tuple[str, str] | None:
    """(target, name) of a window: its entity's concept, else its event."""
    entity = entities.get(window.entity or "")
    if entity is not None and entity.concept is not None and entity.concept.id not in broad:
        return entity.concept.id, entity.concept.name
    if window.event and window.event.strip():
        folded = event_key(window.event)
        return f"event:{folded}", folded
    return None


def stance(requirements: Iterable[str | None]) -> str:
    """What a study asks of a concept over its mentions (see the module docstring).

    >>> stance(["excluded", "allowed"]), stance(["required", "excluded"]), stance([None])
    ('allowed', 'both', 'mentioned')
    """
    found = set(requirements)
    if "allowed" in found:
        return "allowed"
    if "excluded" in found and "required" in found:
        return "both"
    if "excluded" in found:
        return "excluded"
    if "required" in found:
        return "required"
    return "mentioned"


@dataclass
class RefLimit:
    """REF's limits (or windows) on one key."""

    key: Key
    name: str
    intervals: list[Interval] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    mentions: int = 0

    @property
    def interval(self) -> Interval | None:
        """The effective range (``None``: only set-aside limits)."""
        return effective(self.intervals) if self.intervals else None


@dataclass
class RefConcept:
    concept_id: str
    name: str
    type: str
    requirements: list[str | None] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)

    @property
    def stance(self) -> str:
        return stance(self.requirements)


@dataclass(frozen=True)
class ItemRef:
    """One item a criterion of REF has: ``kind`` limit/window/concept, its key,
    and for a concept what this criterion asks of it."""

    kind: str
    key: Key | str
    stance: str | None = None


@dataclass
class RefFacts:
    limits: dict[Key, RefLimit] = field(default_factory=dict)
    windows: dict[Key, RefLimit] = field(default_factory=dict)
    concepts: dict[str, RefConcept] = field(default_factory=dict)
    items: dict[str, list[ItemRef]] = field(default_factory=dict)
    variables_seen: set[str] = field(default_factory=set)


def _add(
    store: dict[Key, RefLimit], key: Key, name: str, cid: str, interval: Interval | None
) -> None:
    item = store.setdefault(key, RefLimit(key=key, name=name))
    if interval is None:
        item.mentions += 1
    else:
        item.intervals.append(interval)
    if cid not in item.criteria:
        item.criteria.append(cid)


def ref_facts(
    criteria: Sequence[Criterion],
    *,
    lexicon: dict[str, VariableInfo] | None = None,
    broad: frozenset[str] | None = None,
) -> RefFacts:
    """REF's limits, windows and concepts, and which criterion has which."""
    lexicon = variables() if lexicon is None else lexicon
    broad = broad_concepts() if broad is None else broad
    facts = RefFacts()
    for criterion in criteria:
        items: list[ItemRef] = []
        entities = {e.id: e for e in criterion.entities}
        constrained: set[str] = set()
        for threshold in criterion.thresholds:
            if not threshold.variable or threshold.variable in UNCOMPARED:
                continue
            variable = lexicon.get(threshold.variable)
            key = (threshold.variable, scale_of(threshold, variable))
            interval = limit_interval(threshold, variable)
            _add(facts.limits, key, threshold.variable, criterion.id, interval)
            facts.variables_seen.add(threshold.variable)
            if threshold.entity_id:
                constrained.add(threshold.entity_id)
            if ItemRef("limit", key) not in items:
                items.append(ItemRef("limit", key))
        for window in criterion.windows:
            target = window_target(window, entities, broad)
            if target is None:
                continue
            key = (target[0], window.direction or "")
            _add(facts.windows, key, target[1], criterion.id, window_interval(window))
            if window.entity:
                constrained.add(window.entity)
            if ItemRef("window", key) not in items:
                items.append(ItemRef("window", key))
        here: dict[str, list[str | None]] = {}
        for entity in criterion.entities:
            concept = entity.concept
            if concept is None or concept.id in broad or entity.assertion == "family":
                continue
            item = facts.concepts.setdefault(
                concept.id, RefConcept(concept.id, concept.name, entity.type)
            )
            item.requirements.append(entity.requirement)
            if criterion.id not in item.criteria:
                item.criteria.append(criterion.id)
            if entity.id not in constrained:
                here.setdefault(concept.id, []).append(entity.requirement)
        for concept_id, requirements in here.items():
            # a measurement concept a limit of this criterion is on: the limit speaks for it
            if not any(i.kind == "limit" and i.key[0] == concept_id for i in items):
                items.append(ItemRef("concept", concept_id, stance(requirements)))
        facts.items[criterion.id] = items
    return facts
