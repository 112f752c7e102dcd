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

Before the recognizer lands, :func:`tag_entities` gives criteria the entities of
the concept lexicon's dictionary tagger (:mod:`ctparse.nlp.mentions`), with the
same assertions, requirements and qualifiers; ``ctparse.api.compare`` applies it
to criteria that have no entities yet.

>>> c = Criterion(id="exc-1", section="exclusion", text="Active hepatitis B or C", start=0, end=23)
>>> [(e.text, e.concept.id, e.requirement, e.qualifiers) for e in tag_entities([c])[0].entities]
[('Active hepatitis B', 'hepatitis_b', 'excluded', ('active',)), ('C', 'hepatitis_c', 'excluded', ('active',))]
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence

from ..schema import Concept, Criterion, Entity
from .assertions import Scanner, permission_of, requirement_of
from .concepts import MeshTerm, ground, split_coordination
from .mentions import Mention, mentions
from .polarity import Cues
from .qualifiers import kind_of, qualifiers, relation_span


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
    parts = [
        (start + part.start, start + part.end, kind, part)
        for start, end, kind in sorted(spans)
        for part in split_coordination(text[start:end], kind)
    ]
    narrowing = qualifiers(text, [_as_mention(text, s, e, p.name) for s, e, _, p in parts])
    for (p_start, p_end, kind, part), qualified in zip(parts, narrowing, strict=True):
        concept = part.concept
        if mesh:
            (grounded,) = ground([part.name], mesh, kind=kind)
            if grounded is not None:
                if concept is None:
                    term = next(t.term for t in mesh if t.id == grounded)
                    concept = Concept(id=f"mesh:{grounded}", name=term, mesh=grounded)
                elif concept.mesh != grounded:
                    concept = Concept(id=concept.id, name=concept.name, mesh=grounded)
        said = scanner.qualify(p_start, p_end)
        requirement = requirement_of(
            criterion.section, said, permission=permission_of(cues, p_start, p_end)
        )
        out.append(
            Entity(
                id=f"{criterion.id}/e{len(out) + 1}",
                type=kind,
                text=text[p_start:p_end],
                start=base + p_start,
                end=base + p_end,
                concept=concept,
                assertion=said.assertion,
                requirement=requirement,
                qualifiers=qualified,
            )
        )
    return tuple(out)


#: A prohibition written in an exclusion ("must not be receiving", "may not have").
_PROHIBITION = re.compile(
    r"\b(?:must|may|should|shall|will|can|are|is|to)\s+not\b|\bmust\s+never\b", re.IGNORECASE
)


def _prohibits(text: str, start: int) -> bool:
    """Whether a modal prohibition opens the sentence of ``start`` before it."""
    sentence = re.split(r"[.;:]\s", text[:start])[-1]
    return bool(_PROHIBITION.search(sentence))


def _as_mention(text: str, start: int, end: int, name: str) -> Mention:
    from .concepts import ConceptEntry

    return Mention(start, end, text[start:end], name, ConceptEntry("", "", name))


def tag_entities(criteria: Iterable[Criterion]) -> tuple[Criterion, ...]:
    """The criteria with the entities of the dictionary tagger, where they have none.

    A criterion that has entities (the recognizer's) keeps them; one without
    offsets (the structured age limits) gets none. Pure: the concept lexicon is
    the only thing it reads.
    """
    out = []
    for criterion in criteria:
        if criterion.entities or criterion.start is None or not criterion.text:
            out.append(criterion)
            continue
        found = mentions(criterion.text)
        if not found:
            out.append(criterion)
            continue
        text, base = criterion.text, criterion.start
        scanner, cues = Scanner(text), Cues(text)
        entities = []
        relation: tuple[int, int] | None = None
        for number, (mention, qualified) in enumerate(
            zip(found, qualifiers(text, found), strict=True), start=1
        ):
            # "Without contraindications to X": what is asked is asked of the relation.
            if any(kind_of(q) == "relation" for q in qualified):
                relation = relation_span(text, mention) or relation
            else:
                relation = None
            at = relation or (mention.start, mention.end)
            said = scanner.qualify(*at)
            requirement = requirement_of(
                criterion.section, said, permission=permission_of(cues, *at)
            )
            if requirement == "required" and said.negated and _prohibits(text, at[0]):
                # "Exclusion: participants must not be receiving X" restates the
                # exclusion; it is no double negative.
                requirement = "excluded"
            entities.append(
                Entity(
                    id=f"{criterion.id}/e{number}",
                    type=mention.entry.type,
                    text=mention.text,
                    start=base + mention.start,
                    end=base + mention.end,
                    concept=mention.entry.concept(),
                    assertion=said.assertion,
                    requirement=requirement,
                    qualifiers=qualified,
                )
            )
        out.append(dataclasses.replace(criterion, entities=tuple(entities)))
    return tuple(out)
