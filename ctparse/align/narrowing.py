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
#: Procedures done to a site, which a site after them narrows.
_SITED = frozenset({"radiotherapy", "surgery", "resection", "biopsy", "irradiation"})
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


#: An adjective of kind before a condition the lexicon names without it ("conductive
#: hearing loss", "perianal Crohn's disease", "post-capillary pulmonary hypertension"):
#: the endings of adjectives of kind, not the words of a diagnosis said ("clinical",
#: "medical", "confirmed").
_KIND_ADJECTIVE = re.compile(
    r"(?i)(?!(?:clinical|medical|physical|mental|general|usual|typical|additional|"
    r"potential|principal|initial|historical|critical|serious|various|previous|"
    r"systemic|symptomatic|asymptomatic|specific|non-specific|diagnostic|"
    r"therapeutic|progressive|active|inactive|positive|negative|extensive|"
    r"aggressive|invasive|non-invasive|primary|secondary|ordinary|temporary|"
    r"necessary|similar|regular|particular|familiar|bilateral|unilateral)$)"
    r"[a-z'-]+(?:al|ic|ive|ous|ar|ary|oid)$"
)


def _kind_before(
    criterion: Criterion, entity: Entity, kind: re.Pattern[str] | None = None
) -> str | None:
    """Whether a word right before a generic head names a kind of it ("knee surgery",
    "abdominal surgery"; not "prior surgery", "major surgery"); with ``kind``, only a
    word it matches does. The word, lower-cased, or None."""
    base = criterion.start or 0
    m = _WORD_BEFORE.search((criterion.text or "")[: entity.start - base])
    if m is None or m.group(1).lower() in _NO_KIND:
        return None
    if kind is not None and not kind.fullmatch(m.group(1)):
        return None
    # an entity of its own there ("cancer surgery") is a fact of its own
    if any(e.end == base + m.end(1) for e in criterion.entities):
        return None
    return m.group(1).lower()


def _unknown_object(criterion: Criterion, entity: Entity) -> str | None:
    """The words the lexicon does not know after a relation ("allergy to tree nuts",
    not "allergy to any medication"): "to" and the next word, lower-cased, or None."""
    base = criterion.start or 0
    text = criterion.text or ""
    m = _OBJECT.match(text, entity.end - base)
    if m is None or any(e.start == base + m.end() for e in criterion.entities):
        return None
    word = re.match(r"[\w'-]+", text[m.end() :])
    return "to " + (word.group(0).lower() if word else "")


#: Where a procedure is done, after it: "radiotherapy to the central nervous system",
#: "surgery on the spine", "resection of the liver".
_SITE = re.compile(r"(?i)\s+(?:to|on|of)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+)?(?P<w>[a-z][\w-]*)")
#: Words after "of" / "to" that name no site ("surgery of any kind", "radiotherapy to
#: treat", "chemotherapy of at least 2 cycles").
_NO_SITE = frozenset(
    [
        "any",
        "kind",
        "type",
        "sort",
        "form",
        "at",
        "least",
        "more",
        "less",
        "which",
        "whom",
        "whose",
        "be",
        "treat",
        "receive",
        "participate",
        "study",
        "trial",
        "curative",
        "palliative",
    ]
)


def _site_after(criterion: Criterion, entity: Entity) -> str | None:
    """ "to <site>" when a site follows a procedure ("radiotherapy to the brain"), or
    None."""
    base = criterion.start or 0
    m = _SITE.match(criterion.text or "", entity.end - base)
    if m is None or m.group("w").lower() in _NO_SITE or m.group("w").isdigit():
        return None
    return f"to {m.group('w').lower()}"


def narrowed(concept: str, criterion: Criterion, entity: Entity) -> str | None:
    """The word that narrows an entity's concept to something unnamed ("knee" in
    "knee surgery", "conductive" in "conductive hearing loss"), or None. Two kinds of
    one concept are told apart by it: "conductive" and "sensorineural" hearing loss
    are neither the same nor one wider than the other."""
    if concept in _GENERIC_HEADS:
        return _kind_before(criterion, entity)
    if entity.type == "condition" and (word := _kind_before(criterion, entity, _KIND_ADJECTIVE)):
        return word
    if entity.type == "procedure" and concept in _SITED:
        return _site_after(criterion, entity)
    return _unknown_object(criterion, entity) if concept in _RELATION_WORDS else None
