"""From recognized entity spans to the ``Entity`` values of a criterion.

The entity recognizer gives spans (offsets into a criterion's text and a
type); this turns them into :class:`ctparse.schema.Entity` values as
DESIGN.md defines them: a coordinated span split into one entity per
conjunct (:func:`ctparse.nlp.concepts.split_coordination`), each with its
concept (the lexicon's, or the MeSH term the record is indexed with), its
assertion and what the criterion asks of it
(:mod:`ctparse.nlp.assertions`).

>>> from ctparse.schema import Criterion
>>> text = "No myocarditis, cardiomyopathy or malignant arrhythmia"
>>> criterion = Criterion(id="inc-2", section="inclusion", text=text, start=100, end=154)
>>> [(e.text, e.concept.id, e.assertion, e.requirement)
...  for e in build_entities(criterion, [(3, 54, "condition")])][2]
('malignant arrhythmia', 'arrhythmia', 'negated', 'excluded')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..schema import Concept, Criterion, Entity, MeshTerm
from .assertions import Scanner, permission_of, requirement_of
from .concepts import ground, split_coordination
from .polarity import Cues


def build_entities(
    criterion: Criterion,
    spans: Sequence[tuple[int, int, str]],
    *,
    mesh: Sequence[MeshTerm] = (),
) -> tuple[Entity, ...]:
    """The entities of one criterion.

    Args:
        criterion: the criterion the spans are in.
        spans: ``(start, end, type)`` per recognized entity, offsets into
            ``criterion.text``, end exclusive.
        mesh: the record's MeSH terms (:func:`ctparse.nlp.concepts.mesh_terms`);
            an entity the record's indexing names gets that MeSH id.

    Returns:
        One :class:`Entity` per conjunct, ids ``<criterion id>/e<N>`` in text order;
        offsets index the eligibility text (``criterion.start`` + offset).
    """
    text = criterion.text
    base = criterion.start or 0
    scanner = Scanner(text)
    cues = Cues.of(text)
    out: list[Entity] = []
    for start, end, kind in sorted(spans):
        for part in split_coordination(text[start:end], kind):
            p_start, p_end = start + part.start, start + part.end
            concept = part.concept
            if mesh:
                (grounded,) = ground([part.name], mesh, kind=kind)
                if grounded is not None:
                    if concept is None:
                        term = next(t.term for t in mesh if t.id == grounded)
                        concept = Concept(id=f"mesh:{grounded}", name=term, mesh=grounded)
                    elif concept.mesh != grounded:
                        concept = Concept(id=concept.id, name=concept.name, mesh=grounded)
            qualifiers = scanner.qualify(p_start, p_end)
            requirement = requirement_of(
                criterion.section, qualifiers, permission=permission_of(cues, p_start, p_end)
            )
            out.append(
                Entity(
                    id=f"{criterion.id}/e{len(out) + 1}",
                    type=kind,
                    text=text[p_start:p_end],
                    start=base + p_start,
                    end=base + p_end,
                    concept=concept,
                    assertion=qualifiers.assertion,
                    requirement=requirement,
                )
            )
    return tuple(out)


def with_entities(
    criteria: Sequence[Criterion],
    spans: Sequence[Sequence[tuple[int, int, str]]],
    *,
    mesh: Sequence[MeshTerm] = (),
) -> list[Criterion]:
    """Each criterion with the entities of its spans (one list of spans per criterion,
    offsets into its text; a packed line that is split into pieces gets none of
    its own: its pieces have them), and its limits pointing at them."""
    parents = {c.parent for c in criteria if c.parent}
    out = []
    for criterion, found in zip(criteria, spans, strict=True):
        if criterion.id in parents or not found:
            out.append(criterion)
            continue
        entities = build_entities(criterion, found, mesh=mesh)
        out.append(link(dataclasses.replace(criterion, entities=entities)))
    return out


def link(criterion: Criterion) -> Criterion:
    """Point each threshold at the measurement it limits and each window at the entity
    its event names: "Hemoglobin ≥ 9 g/dL" → the measurement "Hemoglobin";
    "Radiotherapy within 14 days before the first dose" → the procedure.

    A threshold's entity is the last measurement (else any entity) that ends before
    its value without another limit in between; a window's is an entity whose text
    its event contains, else the last one before its period.
    """
    entities = criterion.entities
    if not entities or not (criterion.thresholds or criterion.windows):
        return criterion
    starts = sorted(
        [t.start for t in criterion.thresholds if t.start is not None]
        + [w.start for w in criterion.windows if w.start is not None]
    )
    thresholds = tuple(
        dataclasses.replace(t, entity_id=found.id)
        if t.entity_id is None
        and (found := _before(entities, t.start, starts, prefer="measurement"))
        else t
        for t in criterion.thresholds
    )
    windows = []
    for w in criterion.windows:
        found = None
        event = (w.event or "").lower()
        if event:
            found = next((e for e in entities if e.text.lower() in event), None)
        if found is None:
            found = _before(entities, w.start, starts, prefer=None)
        windows.append(dataclasses.replace(w, entity=found.id) if found and w.entity is None else w)
    return dataclasses.replace(criterion, thresholds=thresholds, windows=tuple(windows))


def _before(
    entities: Sequence[Entity], start: int | None, limits: Sequence[int], *, prefer: str | None
) -> Entity | None:
    """The entity nearest before ``start`` with no other limit between them."""
    if start is None:
        return None
    floor = max((s for s in limits if s < start), default=-1)
    candidates = [e for e in entities if floor <= e.start and e.end <= start]
    preferred = [e for e in candidates if prefer is None or e.type == prefer]
    chosen = preferred or candidates
    return chosen[-1] if chosen else None
