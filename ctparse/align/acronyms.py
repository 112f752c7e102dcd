"""Acronyms read through the other trial: "Current PD diagnosis" against "clinical
diagnosis of Parkinson's disease".

An acronym several concepts share ("PD": Parkinson's disease, peritoneal
dialysis, progressive disease; "AD": Alzheimer's disease, atopic dermatitis)
names no concept in the lexicon, so a criterion that uses it alone pairs with
nothing. Two trials put side by side are about the same disease, and the one
that spells the name out says which it is: an entity without a concept that is
an acronym takes the concept of an entity of either trial whose words it
spells, initial by initial, when exactly one concept is spelled so, or exactly one
of those spelled is one an inclusion requires (the disease the trials are about). The
extractor is left alone (``ctparse criteria`` keeps "PD" without a concept);
only the comparison reads it so. The same spelling overrides the lexicon's reading
of an acronym that neither trial names in words ("ASD" is an atrial septal defect
to the lexicon, autism spectrum disorder beside "autism spectrum disorder").

>>> from ctparse.schema import Concept, Criterion, Entity
>>> pd = Entity("inc-1/e1", "condition", "PD", 8, 10)
>>> a = Criterion("inc-1", "inclusion", "Current PD diagnosis", 0, 20, entities=(pd,))
>>> park = Entity("inc-1/e1", "condition", "Parkinson's disease", 26, 45,
...               concept=Concept("parkinsons_disease", "Parkinson's disease"))
>>> b = Criterion("inc-1", "inclusion", "with a clinical diagnosis of Parkinson's disease", 0, 45,
...               entities=(park,))
>>> (a2,), _ = resolve_acronyms((a,), (b,))
>>> a2.entities[0].concept.id
'parkinsons_disease'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..nlp.concepts import lexicon
from ..schema import Concept, Criterion, Entity

_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}s?")
#: Words an acronym skips ("Diagnostic and Statistical Manual of Mental Disorders": DSM).
_SKIPPED = frozenset({"of", "the", "and", "in", "with", "for", "to"})


def initials(name: str) -> str:
    """The initials of a name's words, small words skipped, a possessive "'s" dropped.

    >>> initials("Parkinson's disease"), initials("non-small cell lung cancer")
    ('pd', 'nsclc')
    """
    words = re.findall(r"[A-Za-z0-9]+(?:['’]s\b)?", name)
    return "".join(w[0].lower() for w in words if w.lower() not in _SKIPPED)


def _spelled(*sides: Sequence[Criterion]) -> dict[str, set[Concept]]:
    """The concepts the entities of the criteria name, by the initials of their text
    and of the concept's own names ("Alzheimer" names Alzheimer's disease: "ad")."""
    entries = lexicon().entries
    out: dict[str, set[Concept]] = {}
    for criterion in (c for side in sides for c in side):
        for e in criterion.entities:
            if e.concept is None:
                continue
            entry = entries.get(e.concept.id)
            names = [e.text]
            if entry is not None and not _ACRONYM.fullmatch(e.text):
                # Only the names that begin as written: "Alzheimer" is "Alzheimer's
                # disease", but "mental illness" is not spelled "psychiatric disorder".
                names += [n for n in entry.names if _first_word(n) == _first_word(e.text)]
            for letters in {initials(n) for n in names}:
                if len(letters) >= 2:
                    out.setdefault(letters, set()).add(e.concept)
    return out


def _first_word(text: str) -> str:
    return (re.findall(r"[A-Za-z0-9]+", text) or [""])[0].lower()


def resolve_acronyms(
    criteria_a: tuple[Criterion, ...], criteria_b: tuple[Criterion, ...]
) -> tuple[tuple[Criterion, ...], tuple[Criterion, ...]]:
    """Both sides' criteria, each acronym without a concept given the one concept
    whose name either trial spells out with its letters (see the module docstring)."""
    spelled = _spelled(criteria_a, criteria_b)
    # The concepts either trial names in words, not by an acronym.
    worded = {
        e.concept.id
        for c in (*criteria_a, *criteria_b)
        for e in c.entities
        if e.concept is not None and not _ACRONYM.fullmatch(e.text)
    }

    # What the trials' patients must have: the disease they are about.
    required = {
        e.concept.id
        for c in (*criteria_a, *criteria_b)
        if c.section == "inclusion"
        for e in c.entities
        if e.concept is not None and e.requirement == "required"
    }

    def resolved(entity: Entity) -> Entity:
        if not _ACRONYM.fullmatch(entity.text):
            return entity
        letters = entity.text.rstrip("s").lower()
        found = spelled.get(letters, set())
        if len(found) > 1:
            # "PD" beside "Parkinson's disease" required and "Paget's disease" excluded:
            # the disease the trials are about.
            found = {c for c in found if c.id in required}
        if len(found) != 1:
            return entity
        (concept,) = found
        if entity.concept is not None and (
            entity.concept.id == concept.id
            or entity.concept.id in worded
            or concept.id not in required
        ):
            return entity
        # "ASD" beside "autism spectrum disorder" required, where neither trial names
        # an atrial septal defect: the trials' own disease wins over the lexicon's
        # reading. A condition written elsewhere does not ("MI" beside an excluded
        # "mental illness" is still a myocardial infarction).
        return dataclasses.replace(entity, concept=concept)

    def side(criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
        out = []
        for c in criteria:
            entities = tuple(resolved(e) for e in c.entities)
            out.append(c if entities == c.entities else dataclasses.replace(c, entities=entities))
        return tuple(out)

    return side(criteria_a), side(criteria_b)
