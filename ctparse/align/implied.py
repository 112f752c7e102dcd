"""What a criterion says about age or sex without a number: "Adult patients" in
the inclusion criteria admits age 18 or more, "Minors" in the exclusion criteria
keeps out age under 18, "Female" admits women and "Male" excluded leaves them --
when that is all the criterion says (the age of "Adults with a distal radius
fracture" cannot be compared apart from the fracture).

The comparator reads these as age limits, so that they pair and weigh with the
other trial's age criteria ("Adult patient" against "Over 18 years old" is the
same); the extractor does not (``ctparse thresholds``, the datasets and the
threshold gold keep what is written). A limit read so has ``source="implied"``
and the comparison says it was read from the word.

>>> from ctparse.schema import Criterion
>>> c = implied(Criterion(id="inc-1", section="inclusion", text="Adult patient", start=0, end=13))
>>> [(t.comparator, t.value, t.source, t.entity) for t in c.thresholds]
[('>=', 18.0, 'implied', 'Adult')]
>>> minor = Criterion(id="exc-1", section="exclusion", text="Minor surgery", start=0, end=13)
>>> implied(minor).thresholds
()
>>> more = Criterion(id="inc-2", section="inclusion", text="Adults with a fracture", start=0, end=22)
>>> implied(more).thresholds
()
>>> male = Criterion(id="exc-2", section="exclusion", text="Male", start=0, end=4)
>>> [(t.variable, t.eligible_values, t.requirement) for t in implied(male).thresholds]
[('sex', (1.0,), 'excluded')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from ..nlp.clauses import rules as demand_rules
from ..schema import Criterion, Normalized, Range, Threshold

#: The age of majority the words are read at.
AGE_OF_MAJORITY = 18.0

_PEOPLE = r"(?:patients?|subjects?|participants?|volunteers?|individuals?|persons?|people)"
# "Adult patients ...", "Healthy adults", "Adult (>18 years old) outpatients": the
# criterion opens with the adult it asks for.
_ADULT = re.compile(
    rf"(?i)(?:{_PEOPLE}\s+(?:who\s+are\s+|being\s+)?)?(?:(?:healthy|consecutive)\s+)?"
    r"(?:adults?)\b(?!\s*[-‐]?\s*onset)"
)
# "Minors", "Minor patients", "Patients who are minors", "Persons under legal age".
_MINOR = re.compile(
    rf"(?i)(?:{_PEOPLE}\s+(?:who\s+are\s+|being\s+)?)?(?:minors\b|minor(?=\s*(?:$|[.,;(])|\s+{_PEOPLE}\b)|(?:under|below)\s+"
    r"(?:the\s+)?(?:legal\s+age|age\s+of\s+(?:majority|consent))\b)"
)
# A criterion about other people, other ages, or capacity, not about being adult.
_ELSE = re.compile(
    r"(?i)\b(?:child(?:ren)?|p(?:a)?ediatric|adolescents?|teen\w*|infants?|young|older|"
    r"elderly|caregivers?|carers?|parents?|family|relatives?|guardians?|lack\w*|unable|"
    r"unwilling|incapable|incapacit\w*|protected|vulnerable)\b"
)


# What may follow the word in a criterion that says only it: "Adult patients.",
# "Adults (≥ 18 years)". "Adults with a Colles' fracture …" says more: its age cannot be
# compared apart from the fracture, so it is read as written.
_REST = re.compile(rf"(?i)\s*(?:{_PEOPLE}|outpatients?|inpatients?)?\s*(?:\([^()]*\))?\s*[.;,]?\s*")


def _alone(text: str, end: int) -> bool:
    return _REST.fullmatch(text, end) is not None


#: The grades of the variable ``sex`` a criterion said in words is read on.
SEXES = {1.0: "female", 2.0: "male"}
_FEMALE = r"(?:females?|wom[ae]n|girls?)"
_MALE = r"(?:males?|m[ae]n|boys?)"
_BOTH = re.compile(r"(?i)\b(?:both|either|all|any)\s+(?:sex(?:es)?|genders?)\b")


_NAMES_SEX = re.compile(rf"(?i)\b(?:{_FEMALE}|{_MALE}|sex(?:es)?|genders?)\b")


def names_sex(criteria: Iterable[Criterion]) -> frozenset[str]:
    """``{"sex"}`` when a criterion names a sex ("Women of reproductive age")."""
    named = any(_NAMES_SEX.search(c.text or "") for c in criteria)
    return frozenset({"sex"}) if named else frozenset()


def _sexes(text: str) -> tuple[float, ...] | None:
    """The sexes a criterion that is only a demand on sex (the segmentation rule
    ``demand_sex``: "Female", "Men only", "Male or female patients", "Both sexes")
    names, as grades."""
    if demand_rules().sex.fullmatch(text.strip(" .;,")) is None:
        return None
    if _BOTH.search(text):
        return (1.0, 2.0)
    female = re.search(rf"(?i)\b{_FEMALE}\b", text) is not None
    male = re.search(rf"(?i)\b{_MALE}\b", text) is not None
    return tuple(v for v, named in ((1.0, female), (2.0, male)) if named)


def _sex_limit(criterion: Criterion) -> Threshold | None:
    """ "Female" (inclusion), "Male" (exclusion): a limit on sex, read from the words."""
    text = criterion.text or ""
    named = _sexes(text)
    if named is None or criterion.section not in ("inclusion", "exclusion"):
        return None
    excluded = criterion.section == "exclusion"
    eligible = tuple(v for v in SEXES if v not in named) if excluded else named
    if not eligible:
        return None
    base = criterion.start or 0
    lead = len(text) - len(text.lstrip())
    return Threshold(
        variable="sex",
        entity=text.strip(" .;,"),
        comparator="in",
        value=named[0],
        unit=None,
        values=named,
        eligible=Range(
            lower=eligible[0], lower_inclusive=True, upper=eligible[-1], upper_inclusive=True
        ),
        eligible_values=eligible,
        source="implied",
        start=base + lead,
        end=base + len(text.rstrip()),
        requirement="excluded" if excluded else "required",
    )


def implied(criterion: Criterion) -> Criterion:
    """The criterion with the age or sex limit its words imply, when it states none."""
    text = criterion.text or ""
    if not criterion.thresholds and (sex := _sex_limit(criterion)) is not None:
        return replace(criterion, thresholds=(sex,))
    if any(t.variable == "age" for t in criterion.thresholds) or _ELSE.search(text):
        return criterion
    if criterion.section == "inclusion":
        found, requirement, comparator = _ADULT.match(text), "required", ">="
    elif criterion.section == "exclusion":
        found, requirement, comparator = _MINOR.match(text), "excluded", "<"
    else:
        return criterion
    if found is None or not _alone(text, found.end()):
        return criterion
    base = criterion.start or 0
    threshold = Threshold(
        variable="age",
        entity=found.group(0),
        comparator=comparator,
        value=AGE_OF_MAJORITY,
        unit="years",
        normalized=Normalized(value=AGE_OF_MAJORITY, unit="years"),
        eligible=Range(lower=AGE_OF_MAJORITY, lower_inclusive=True),
        source="implied",
        start=base + found.start(),
        end=base + found.end(),
        requirement=requirement,
    )
    return replace(criterion, thresholds=(*criterion.thresholds, threshold))
