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

from collections.abc import Sequence

from ..schema import Concept, Criterion, Entity
from .assertions import Scanner, permission_of, requirement_of
from .concepts import MeshTerm, ground, split_coordination
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
    cues = Cues(text)
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
