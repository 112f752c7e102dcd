"""Counts: a limit on how many things there are, not on a measured variable.

"Taking more than two antihypertensive drugs" limits a count of drugs, not
blood pressure; "at least three of the risk factors below" a count of risk
factors. The counted nouns are data (``models/counts.jsonl``). A limit with a
comparator (or a range), no unit and whole numbers, followed by up to three
modifier words and one of these nouns, is a threshold on the variable
``count`` whose entity is the counted phrase ("antihypertensive drugs",
"prior lines of chemotherapy"), whatever variable was named before it.

>>> counted("≥ 2 prior lines of chemotherapy", 3)
'prior lines of chemotherapy'
"""

from __future__ import annotations

import re

from ..resources import load_rules, per_models
from ..text.patterns import phrase_pattern

_FUNCTION = (
    r"(?:and|or|per|a|an|the|in|on|at|for|with|within|during|to|from|by|than|times|x|mg|g|"
    r"ml|mL|days?|weeks?|months?|years?|hours?)"
)


@per_models
def _pattern() -> re.Pattern[str]:
    nouns = [phrase for entry in load_rules("counts.jsonl") for phrase in entry["phrases"]]
    modifier = rf"(?!(?i:{_FUNCTION})\b)[A-Za-z][\w'-]*\s+"
    complement = rf"(?:\s+of\s+(?!(?i:{_FUNCTION})\b)[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)?"
    return re.compile(
        rf"\s*(?P<what>(?i:(?:out\s+)?of\s+(?:the\s+)?)?(?:{modifier}){{0,3}}"
        rf"(?i:{phrase_pattern(nouns)})(?![A-Za-z]))(?P<of>{complement})"
    )


_STOP = re.compile(r"(?i)\s+(?:of|per|in|for|with|and|or)$")


def counted(text: str, end: int) -> str | None:
    """The phrase a value ending at ``end`` counts, or None."""
    m = _pattern().match(text, end)
    if m is None:
        return None
    what = re.sub(r"(?i)^(?:out\s+)?of\s+(?:the\s+)?", "", m.group("what"))
    of = m.group("of") or ""
    # "lines of chemotherapy": the complement names what is counted; "episodes of
    # hypoglycemia per week" stops before "per".
    phrase = (what + _STOP.sub("", of)).strip()
    return " ".join(phrase.split()) or None
