"""Words naming a variable the lexicon does not know: the noun phrase before a
limit ("C/D ratio ≤ 0.8"), the scale a score is on ("≥ 22 on the MADRS"), the noun a
measure modifies ("a ≥20mm colorectal polyp"), and whether such words name anything.
"""

from __future__ import annotations

import re

from ..text import timeunits
from ..text.bullets import strip_markers
from ..text.timeunits import is_time
from .values import _Value

# Words that never start or continue a name after a value.
_FUNCTION = (
    r"(?:and|or|of|in|on|at|for|to|per|from|with|within|during|is|are|was|were|be|prior|before|"
    r"after|since|than|if|as|by|the|a|an|who|which|that|each|every|daily|weekly|using|"
    r"degrees?|points?|times|fold|c?Gy|units?|copies|cells|mmHg|ms|bpm|kg|g|mg|mL|ml|L|cm|mm|m)\b"
)

_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_TRIM_WORDS = re.compile(
    r"(?i)(?:\b(?:of|is|are|must|be|should|was|were|has|have|had|a|an|the|with|than|to|at|"
    r"value|values|level|levels|score|count|concentration|result|results|measured|by|in|on|"
    r"that|which|as|defined|and|or)\b|[\s,:(=\-–])+$"
)
_VERBAL_END = re.compile(r"(?i)(?:^|\s)(?:up|out|off|down|away)$")
_NO_ENTITY = frozenset(["there", "it", "this", "that", "these", "those", "which", "and", "or"])

# "3 times in the past 6 months": a frequency or a period belongs to its own number
_COUNTED = re.compile(rf"(?i)(?<![\w.\-/)])\d+(?:\.\d+)?\s+(?:times?\b|{timeunits.WORD})")
_AFTER_WORDS = re.compile(rf"\s*([A-Za-z][\w\-]*(?:\s+(?!(?i:{_FUNCTION}))[A-Za-z][\w\-]*){{0,3}})")
_AFTER_NOUN = re.compile(rf"(?!(?i:{_FUNCTION}))")
# "a minimum of 10 mL of whole blood", "less than 50% of excess weight lost"
_OF_WHAT = re.compile(
    rf"(?:\s+per\s+[a-z]+)?\s+of\s+(?:the\s+)?((?!(?i:{_FUNCTION}))[A-Za-z][\w\-]*"
    rf"(?:\s+(?!(?i:{_FUNCTION}))[A-Za-z][\w\-]*){{0,3}})"
)
_LAST_CLAUSE = re.compile(r"(?i)\b(?:who|which|that|with|having|has|have|had|whose|where)\b")
_LEAD_WORDS = re.compile(r"(?i)^(?:(?:if|when|where|the|a|an|any|all|both|each|and|or|and/or)\s+)+")
# fmt: off
_GENERIC = frozenset([
    "patient", "patients", "subject", "subjects", "participant", "participants", "men",
    "women", "male", "males", "female", "females", "adult", "adults", "individual",
    "individuals", "person", "persons", "people", "volunteer", "volunteers", "inpatient",
    "inpatients", "outpatient", "outpatients", "child", "children", "infant", "infants",
    "presence",
])
# fmt: on
# "a score of greater than 5 on the Roland-Morris Disability Questionnaire": the scale is
# named after the value (also after a second limit: "a score > 1 or < -1 on the RASS").
_SCORE_BEFORE = re.compile(r"(?i)\b(?:scores?|points?)(?:\s+of)?\s*$")
_ON_SCALE = re.compile(
    r"(?i)\s*(?:points?\s+)?(?:(?:or|and)\s*[<>≤≥]=?\s*-?\d+(?:\.\d+)?\s+)?(?:on|in)\s+"
    r"(?:the\s+)?(?P<name>[^\s,;()]+(?:\s+[^\s,;()]+){0,7}?)(?<!\.)(?=\s*(?:[,;()]|\.(?:\s|$)|$))"
)


def fallback_entity(text: str, floor: int, value: _Value) -> str | None:
    """Words naming an unknown variable: the noun phrase before the value ("C/D ratio ≤
    0.8", "Excess alcohol (>2 drinks/d)", "UAS7 score (range 0-42) ≥16"), the scale a score
    is on ("score of ≥ 22 on the Montgomery-Åsberg Depression Scale"), else the noun the
    measure modifies ("Patients with a ≥20mm colorectal polyp")."""
    before = text[floor : value.start]
    if _SCORE_BEFORE.search(before) or not before.strip(" -–•*(,;:"):
        on = _ON_SCALE.match(text, value.end)
        if on:
            return on.group("name")
    if value.unit_written and not is_time(value.unit) and value.unit != "%":
        # "10 mL of whole blood" measures the blood; "80% of the interventions" is a share
        # of a base, and the entity comes before it ("adherence rate of less than 80%").
        of_what = _OF_WHAT.match(text, value.end)
        if of_what:
            return of_what.group(1)
    generic = False
    for segment in reversed(re.split(r"[,;:(\[]", _PARENTHETICAL.sub(" ", before))):
        phrase = _LAST_CLAUSE.split(strip_markers(segment.strip(" -–•*)]")))[-1]
        words = _LEAD_WORDS.sub("", _TRIM_WORDS.sub("", phrase.strip())).split()
        if words and all(w.lower() in _GENERIC for w in words):
            generic = True
            break
        if words and _COUNTED.search(phrase):
            break  # "3 times in the past 6 months, or more than 5": words of another number
        if words:
            return " ".join(words[-6:])
        if phrase.strip() != segment.strip(" -–•*)]"):
            break  # "sites with at least 6 mm …": the words before "with" name something else
    after = _AFTER_WORDS.match(text, value.end)
    if after and (_AFTER_NOUN.match(after.group(1)) or not generic):
        return after.group(1)
    return None


def known_entity(entity: str | None) -> bool:
    """Whether fallback words name something measured: not empty, not only pronouns or
    generic subjects, not a phrasal verb whose object the number counts ("coughing up or
    spitting out ≥1 teaspoon")."""
    if not entity:
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w-]*", entity)]
    if not words or all(w in _NO_ENTITY or w in _GENERIC for w in words):
        return False
    return not _VERBAL_END.search(entity.strip())
