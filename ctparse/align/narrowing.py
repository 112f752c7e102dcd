"""Words that narrow what the lexicon reads too wide: a generic head with a kind of
it before ("knee surgery", "abdominal surgery" are no surgery of any kind) and a
relation to something the lexicon does not know ("allergy to tree nuts" is no allergy
to anything). The comparator flags such a fact ``restricted`` ("as qualified"), so it is
neither the same as nor wider than the bare concept.
"""

from __future__ import annotations

import re

from ..schema import Criterion, Entity

#: Conditions that are a relation to something ("allergy", "intolerance"), and what
#: names that something right after them.
_RELATION_WORDS = frozenset({"allergy", "intolerance"})
_OBJECT = re.compile(r"(?i)\s+(?:to|against|of)\s+(?:(?:any|the|other|all|an?)\s+)?(?=[a-z])")


#: Concepts named by a generic head noun, which words before it may narrow to a kind.
_GENERIC_HEADS = frozenset({"surgery", "fracture", "infection", "injury"})
#: Words before such a head that say no kind of it (time, extent, how it is done or had,
#: and prepositions: "one lung ventilation during surgery").
# fmt: off
_NO_KIND = frozenset([
    "any", "other", "prior", "previous", "recent", "past", "history", "of", "planned",
    "elective", "major", "minor", "significant", "serious", "severe", "emergency", "urgent",
    "emergent", "scheduled", "current", "active", "undergo", "undergoing", "underwent",
    "undergone", "had", "have", "has", "having", "with", "without", "for", "to", "or", "and",
    "no", "a", "an", "the", "all", "recently", "known", "documented", "surgical", "open",
    "closed", "acute", "chronic", "concomitant", "ongoing", "further", "new", "during",
    "after", "before", "following", "from", "at", "in", "on", "by", "since", "until",
])
# fmt: on
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z'-]+)\s+$")


def _kind_before(criterion: Criterion, entity: Entity) -> bool:
    """Whether a word right before a generic head names a kind of it ("knee surgery",
    "abdominal surgery"; not "prior surgery", "major surgery")."""
    base = criterion.start or 0
    m = _WORD_BEFORE.search((criterion.text or "")[: entity.start - base])
    if m is None or m.group(1).lower() in _NO_KIND:
        return False
    # an entity of its own there ("cancer surgery") is a fact of its own
    return not any(e.end == base + m.end(1) for e in criterion.entities)


def _unknown_object(criterion: Criterion, entity: Entity) -> bool:
    """Whether words the lexicon does not know follow a relation ("allergy to tree nuts",
    not "allergy to any medication")."""
    base = criterion.start or 0
    m = _OBJECT.match(criterion.text or "", entity.end - base)
    return m is not None and not any(e.start == base + m.end() for e in criterion.entities)


def narrowed(concept: str, criterion: Criterion, entity: Entity) -> bool:
    """Whether words around an entity narrow its concept to something unnamed."""
    if concept in _GENERIC_HEADS:
        return _kind_before(criterion, entity)
    return concept in _RELATION_WORDS and _unknown_object(criterion, entity)
