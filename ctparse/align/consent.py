"""What a criterion asks of consent: consent given, or only the capacity to give it.

Consent given (signed, written; "refusal to participate", "unable or unwilling to
consent" excluded) asks that a patient can consent and will. "Able to consent",
"lacks the capacity to consent" ask only the first: someone able may still refuse,
so the side asking for consent given is the stricter, and the two are linked as one
demand.

    >>> part_of("Able to consent to being in the study")
    'consent_capacity'
    >>> part_of("Unable or unwilling to provide informed consent")
    'informed_consent'
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

#: A fact of :mod:`.meaning` (not imported: meaning calls this module).
F = TypeVar("F", bound=Any)

CONSENT = "informed_consent"
_CAPACITY = "consent_capacity"
_NAMES = {_CAPACITY: "capacity to consent"}

_ABLE = re.compile(
    r"(?i)\b(?:able|unable|inability|ability|capab\w*|incapab\w*|capacity|incapacit\w*|"
    r"competen\w*|incompeten\w*|understand\w*|comprehend\w*)\b"
)
_WILLING = re.compile(
    r"(?i)\b(?:willing\w*|unwilling\w*|refus\w*|declin\w*|reject\w*|object\w*|agree\w*|"
    r"disagree\w*|reluctan\w*|withdr[ae]w\w*)\b"
)
_GIVEN = re.compile(
    r"(?i)\b(?:sign(?:s|ed|ing|ature)?|written|dated|obtained|(?:has|have|had)\s+given)\b"
)


# Signing said as an ability ("Ability to sign informed consent", "unable to sign a
# written consent") asks the capacity, not a signature.
_ABLE_TO_SIGN = re.compile(
    r"(?i)\b(?:(?:un)?able|(?:in)?ability|(?:in)?capab\w*|(?:in)?capacity)\s+(?:to|of)\s+"
    r"sign(?:ing)?(?:\s+(?:an?|the|their|his|her))?(?:\s+written)?\b"
)


def part_of(text: str) -> str:
    """Which part of consent a criterion's words ask: the concept id.

    >>> part_of("Ability to sign informed consent"), part_of("Signed informed consent")
    ('consent_capacity', 'informed_consent')
    """
    text = _ABLE_TO_SIGN.sub("able", text)
    if _GIVEN.search(text):
        return CONSENT
    if _ABLE.search(text) and not _WILLING.search(text):
        return _CAPACITY
    return CONSENT


def with_part(fact: F, text: str) -> F:
    """``fact`` asked as what ``text`` says of consent: consent given reaches the
    capacity too, so that the capacity pairs with it and is the wider."""
    if fact.concept != CONSENT:
        return fact
    part = part_of(text)
    if part == CONSENT:
        return dataclasses.replace(
            fact,
            concept=CONSENT,
            broader=fact.broader | {CONSENT, _CAPACITY},
        )
    # Consent given is a kind of the capacity: linked to it, and narrower.
    return dataclasses.replace(fact, concept=part, name=_NAMES[part], broader=frozenset({part}))
