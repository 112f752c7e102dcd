"""Gestational ages written in weeks and days: "37 weeks 0 days", "34+0 weeks", "33+6",
"16 0/7 weeks".

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

from ..resources import per_models
from .rules import rules
from .units import unit_id
from .values import _Value

#: A criterion about a gestation: only there are "weeks + days" a gestational age.
_CUE = re.compile(r"(?i)gestation|\bGA\b|pregnan|amenorrh|\bterm\b|\bpreterm\b")
_WEEKS = r"(?:weeks?|wks?|w)\b\.?"
#: One age: whole weeks, then days as "+d" or "d days" (either may be missing).
_OF = r"(?:\s+of\s+(?:amenorrh\w*|gestation|pregnancy))?"
_ONE = (
    rf"\d{{1,2}}(?:\s*\+\s*[0-6](?!\d)|\s+[0-6]\s*/\s*7(?!\d))?(?:\s*{_WEEKS})?"
    rf"(?:\s*(?:\+|and|,)?\s*[0-6]\s*(?:days?|d)\b)?{_OF}"
)
#: Before or after a gestational age: below or above it, when what is dated is the
#: pregnancy itself ("Pregnant women before 14+0 weeks"); an event dated so ("ruptured
#: membranes before 37 weeks 6 days") limits no age of the patient's.
_WHEN = {"before": "<", "prior to": "<", "after": ">"}
_OF_THE_PREGNANCY = re.compile(
    r"(?i)(?:gestation(?:al\s+age)?|\bGA|pregnan\w*(?:\s+(?:wom[ae]n|patients?|subjects?))?|"
    r"\bterm)\s*(?:\([^()]*\)\s*)?(?:at\s+|of\s+)?$"
)
#: A period of something ("hyperemesis for 3 weeks and 2 days"), not an age.
_PERIOD_BEFORE = re.compile(r"(?i)\b(?:for|since|within|during|last|past|lasting)\s*$")
#: Gestational ages a criterion sets: from the 4th to the 44th week.
_PLAUSIBLE = (4, 44)


@per_models
def _value() -> re.Pattern[str]:
    """One gestational age or a range of two, with the comparator phrases of
    ``models/comparators.jsonl`` before it ("not more than", "up to", "≥")."""
    r = rules()
    return re.compile(
        rf"(?P<pre>(?:(?i:{r.patterns['prefix']})|before|prior\s+to|after)\s*)?"
        rf"(?<![\w+])(?P<first>{_ONE})"
        rf"(?:\s*(?P<joint>-|–|to|and|until|through)\s*(?P<second>{_ONE}))?"
        r"(?:\s+(?P<post>or\s+(?:more|later|above|greater|less|earlier|below)))?",
        re.IGNORECASE,
    )


_PARTS = re.compile(
    rf"(?P<w>\d{{1,2}})(?:\s*\+\s*(?P<a>[0-6])|\s+(?P<c>[0-6])\s*/\s*7)?(?:\s*{_WEEKS})?"
    r"(?:.*?(?P<b>[0-6])\s*(?:days?|d)\b)?",
    re.I | re.S,
)


def _weeks(text: str) -> float:
    parts = _PARTS.match(text.strip())
    assert parts is not None
    days = parts.group("a") or parts.group("c") or parts.group("b") or "0"
    return int(parts.group("w")) + int(days) / 7


def _compound(text: str) -> bool:
    """Whether an age says its days ("+0", "6 days"): a plain "37 weeks" is read as
    any other value; "16 0/7" says its days as sevenths."""
    return "+" in text or re.search(r"(?i)\d\s*(?:days?|d)\b|\d\s*/\s*7\b", text) is not None


def _marked(text: str) -> bool:
    """Whether an age is written as weeks (a unit, "+d" or days), not a bare number."""
    return _compound(text) or re.search(rf"(?i){_WEEKS}", text) is not None


def gestational_values(values: list[_Value], text: str) -> list[_Value]:
    """``values`` with each gestational age in weeks and days read as one value
    (see the module docstring); unchanged in a text about no gestation."""
    if ("+" not in text and "day" not in text.lower() and "/7" not in text) or not _CUE.search(
        text
    ):
        return values
    r = rules()
    unit = unit_id("weeks")
    found: list[_Value] = []
    for m in _value().finditer(text):
        first, second = m.group("first"), m.group("second")
        if second and not (
            _marked(second)
            and (m.group("joint").lower() != "and" or "between" in (m.group("pre") or "").lower())
        ):
            second = None  # "≥ 34+0 weeks and 2 or more previous deliveries"
        if not (_compound(first) or (second and _compound(second))):
            continue
        nums = [_weeks(first)] + ([_weeks(second)] if second else [])
        if not all(_PLAUSIBLE[0] <= n <= _PLAUSIBLE[1] for n in nums):
            continue  # parity "para 1+0", a sum
        start = m.start("pre") if m.group("pre") else m.start("first")
        if _PERIOD_BEFORE.search(text, 0, start):
            continue
        pre = re.sub(r"\s+", " ", (m.group("pre") or "").strip().lower())
        if pre in _WHEN:
            if not _OF_THE_PREGNANCY.search(text, 0, start):
                continue  # an event dated by the gestational age
            op: str | None = _WHEN[pre]
        else:
            op = r.op_for("prefix", pre) if pre else None
        if m.group("post"):
            op = r.op_for("suffix", re.sub(r"\s+", " ", m.group("post").lower())) or op
        end = m.end("second") if second else m.end("first")
        if m.group("post"):
            end = m.end("post")
        found.append(
            _Value(
                start=start,
                end=end,
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
                source=text[start:end],
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
