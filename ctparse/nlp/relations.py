"""How a window relates to the rest of its criterion, beyond its anchor words.

* **References**: "within 6 months of receiving any HER2-targeted therapy" is
  anchored on that therapy, not on the study's first dose: a reference lead
  (``kind: reference`` in ``models/anchors.jsonl``: "receiving", "completion
  of", …) after "of"/"from" names the anchor (``prior_therapy``), whose words
  the window keeps (``Window.anchor_text``), and the event lies after it.
* **Intervals**: "Disease-free interval from completion of adjuvant therapy to
  recurrence of ≥ 6 months" measures the interval from that reference.
* **Cessations**: "discontinued corticosteroid hormones for 7 days before
  administration" is a minimum (≥ 7 days): the words of ``kind: cessation``.
* **Subgroups**: "≥ 3 months for part A and ≥ 6 months for part B": a part,
  cohort or sex named after the period is the window's condition.

>>> reference("within 6 months of receiving any HER2-targeted therapy", 19)
('any HER2-targeted therapy', 54)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..resources import per_models
from .rules import rules
from .values import grammar

# What ends a reference: a clause break, or a word that starts a new relation.
_STOP = (
    r"(?=\s*(?:[,;.()\[\]]|$|\b(?i:and|or|but|before|after|prior|until|in\s+the|during|who|which"
    r"|that|if|with\s+(?:the\s+)?exception|is|are|was|were|must|should|will)\b))"
)


@dataclass(frozen=True)
class _Patterns:
    reference: re.Pattern[str]
    interval: re.Pattern[str]
    cessation: re.Pattern[str]


@per_models
def _patterns() -> _Patterns:
    r = rules()
    lead = rf"(?i:{r.time_patterns['reference']})(?![A-Za-z])"
    stops = r"[^,;.()\[\]]"
    return _Patterns(
        reference=re.compile(rf"\s*(?:the\s+)?(?P<lead>{lead})\s+(?P<what>{stops}+?){_STOP}"),
        interval=re.compile(
            rf"(?i)^(?P<event>.*?\binterval)\s+from\s+(?P<ref>{lead}\s+{stops}+?)\s+to\s+{stops}+$"
        ),
        cessation=re.compile(
            rf"(?<![A-Za-z])(?i:{r.time_patterns['cessation']})(?![A-Za-z]){stops}{{0,80}}?"
            r"\bfor\s*$"
        ),
    )


def reference(text: str, end: int) -> tuple[str, int] | None:
    """The words of a reference opening at ``end`` ("receiving any HER2-targeted
    therapy" → "any HER2-targeted therapy") and where it ends, or None."""
    m = _patterns().reference.match(text, end)
    if m is None:
        return None
    what = " ".join(m.group("what").split())
    lead = m.group("lead").lower()
    # "completion of adjuvant therapy": the completion is the anchor; "receiving X": X is
    anchor = what if lead in ("receiving", "receipt of", "the receipt of") else f"{lead} {what}"
    return " ".join(anchor.split()), m.end()


_DOSED = re.compile(
    rf"\s+(?P<of>of\s+(?:the\s+|any\s+|a\s+)?)(?!(?i:study|trial|investigational|protocol)\b)"
    rf"(?P<what>[^,;.()\[\]]+?){_STOP}"
)


def dosed(text: str, end: int) -> tuple[str, int] | None:
    """What a dose anchor doses when it is no study drug ("the last dose of prior
    chemotherapy" → "of prior chemotherapy"), and where it ends, or None."""
    m = _DOSED.match(text, end)
    if m is None:
        return None
    return " ".join((m.group("of") + m.group("what")).split()), m.end()


def interval(event: str) -> tuple[str, str] | None:
    """ "Disease-free interval from completion of adjuvant therapy to recurrence":
    (the interval, the reference it is measured from), or None."""
    m = _patterns().interval.match(event.strip())
    if m is None:
        return None
    return m.group("event").strip(), " ".join(m.group("ref").split())


def is_cessation(text: str, start: int) -> bool:
    """Whether the period at ``start`` follows "discontinued X for": a minimum."""
    return _patterns().cessation.search(text, max(0, start - 100), start) is not None


def subgroup(text: str, end: int) -> tuple[str, int] | None:
    """A part, cohort or sex named right after a period ("for part A", "(women)"):
    (the condition, where it ends), or None."""
    g = grammar()
    sex = g.qualifier_after.match(text, end)
    if sex is not None:
        condition = rules().op_for("qualifier", sex.group("paren") or sex.group("word"))
        if condition:
            return condition, sex.end()
    cohort = g.cohort_after.match(text, end)
    if cohort is not None:
        name = " ".join((cohort.group("paren") or cohort.group("word")).split())
        return f"for {name}", cohort.end()
    return None


_PER_SESSION = re.compile(
    r"(?i)\s*(?:(?:per|a|an|/|each|every|in\s+(?:each|every|one)|of)\s*(?:sessions?|visits?|"
    r"treatments?|classes|class|days?|nights?|weeks?|bouts?)|(?:\w+\s+)?times?\s+(?:a|per|each)"
    r"\s+(?:day|week|month))\b"
)


def per_session(text: str, end: int, unit: str) -> bool:
    """Whether a period of ``unit`` ending at ``end`` is how long each time ("30 minutes
    per session", "150 minutes per week", "45 minutes three times a week"), not a time
    since anything. (How often, "≥ 14 days/month", stays a window: the annotated gold
    counts it as one.)

    >>> per_session("Walk for 30 minutes per session", 19, "minute")
    True
    >>> per_session("Surgery within 24 hours before", 23, "hour")
    False
    """
    return unit in ("minute", "hour") and _PER_SESSION.match(text, end) is not None
