"""Gestational ages written in weeks and days: "37 weeks 0 days", "34+0 weeks", "33+6".

Obstetric criteria write a gestational age as completed weeks plus days, "37 weeks
6 days" or "37+6 weeks". The value grammar (:mod:`ctparse.nlp.values`) reads such a
text as two periods ("37 weeks", "6 days") and the window stage as times since an
event. In a criterion about a gestation, :func:`gestational_values` reads each as one
value in weeks (37 + 6/7), a range of two as a range, and replaces the values the
grammar found there; the limit then goes to the gestational age named around it,
and no window is made of it.

>>> from ctparse import thresholds
>>> [(t.variable, t.comparator, round(t.value, 3), round(t.value_max, 3))
...  for t in thresholds("at 37 weeks 0 days to 37 weeks 6 days of gestation")]
[('gestational_age', 'between', 37.0, 37.857)]
>>> [(t.variable, t.comparator, t.value) for t in thresholds("gestational age 34+0 weeks or more")]
[('gestational_age', '>=', 34.0)]
>>> [(t.variable, t.comparator, t.value) for t in thresholds("Singleton pregnancy at ≥ 37+0 weeks")]
[('gestational_age', '>=', 37.0)]
"""

from __future__ import annotations

import re

from .rules import rules
from .units import unit_id
from .values import _Value

#: A criterion about a gestation: only there are "weeks + days" a gestational age.
_CUE = re.compile(r"(?i)gestation|\bGA\b|pregnan|amenorrh|\bterm\b|\bpreterm\b")
_WEEKS = r"(?:weeks?|wks?|w)\b\.?"
#: One age: whole weeks, then days as "+d" or "d days" (either may be missing).
_OF = r"(?:\s+of\s+(?:amenorrh\w*|gestation|pregnancy))?"
_ONE = (
    rf"\d{{1,2}}(?:\s*\+\s*[0-6](?!\d))?(?:\s*{_WEEKS})?"
    rf"(?:\s*(?:\+|and|,)?\s*[0-6]\s*(?:days?|d)\b)?{_OF}"
)
_VALUE = re.compile(
    r"(?P<pre>(?:[≥≤<>]=?|>=|<=|at\s+least|more\s+than|greater\s+than|less\s+than|over|"
    r"under|above|below|beyond|between|from|before|prior\s+to|after)\s*)?"
    rf"(?P<first>{_ONE})"
    rf"(?:\s*(?:-|–|to|and|until|through)\s*(?P<second>{_ONE}))?"
    r"(?:\s+(?P<post>or\s+(?:more|later|above|greater|less|earlier|below)))?",
    re.IGNORECASE,
)
#: Words that date an event by the gestational age ("rupture of membranes before 37
#: weeks"): no limit of the patient's.
_WHEN = frozenset({"before", "prior to", "after"})
_PARTS = re.compile(
    rf"(?P<w>\d{{1,2}})(?:\s*\+\s*(?P<a>[0-6]))?(?:\s*{_WEEKS})?(?:.*?(?P<b>[0-6])\s*(?:days?|d)\b)?",
    re.I | re.S,
)


def _weeks(text: str) -> float:
    parts = _PARTS.match(text.strip())
    assert parts is not None
    days = parts.group("a") or parts.group("b") or "0"
    return int(parts.group("w")) + int(days) / 7


def _compound(text: str) -> bool:
    """Whether an age says its days ("+0", "6 days"): a plain "37 weeks" is read as
    any other value."""
    return "+" in text or re.search(r"(?i)\d\s*(?:days?|d)\b", text) is not None


def gestational_values(values: list[_Value], text: str) -> list[_Value]:
    """``values`` with each gestational age in weeks and days read as one value
    (see the module docstring); unchanged in a text about no gestation."""
    if ("+" not in text and "day" not in text.lower()) or not _CUE.search(text):
        return values
    r = rules()
    unit = unit_id("weeks")
    found: list[_Value] = []
    for m in _VALUE.finditer(text):
        first, second = m.group("first"), m.group("second")
        if not (_compound(first) or (second and _compound(second))):
            continue
        if second and not re.search(rf"(?i){_WEEKS}|\+|days?", first + second):
            continue
        pre = (m.group("pre") or "").strip()
        said = re.sub(r"\s+", " ", pre.lower())
        if said in _WHEN:
            # "ruptured membranes before 37 weeks 6 days": when something happened, not
            # a limit on the patient's gestational age.
            continue
        op = r.op_for("prefix", said) if pre else None
        if m.group("post"):
            op = r.op_for("suffix", re.sub(r"\s+", " ", m.group("post"))) or op
        nums = [_weeks(first)] + ([_weeks(second)] if second else [])
        found.append(
            _Value(
                start=m.start(),
                end=m.end(),
                pre=pre,
                op=None if second else op,
                shape="range" if second else "single",
                nums=nums,
                raws=[first.strip()] + ([second.strip()] if second else []),
                unit_written="weeks",
                unit=unit,
                relative=None,
                roman=False,
                old=False,
                num_start=m.start("first"),
                source=m.group(0),
                units=[unit] * len(nums),
                gestational=True,
            )
        )
    if not found:
        return values
    kept = [v for v in values if not any(v.start < f.end and f.start < v.end for f in found)]
    return sorted([*kept, *found], key=lambda v: v.start)


def claim_gestational(values: list[_Value], text: str) -> None:
    """Give a gestational age in weeks and days that limits nothing named
    ("singleton pregnancy at ≥ 37+0 weeks") to the gestational age: in a text
    about a gestation, nothing else is counted so."""
    if not _CUE.search(text):
        return
    for v in values:
        if v.gestational and not v.targets:
            v.targets.append(("gestational_age", None))
