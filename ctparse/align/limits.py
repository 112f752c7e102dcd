"""Limits on one variable: a side's thresholds reduced to the range of values a
patient may have to be eligible, compared, and put into words.

    >>> describe(Limit("anc", None, Range(1.5, True), None, "10^9/L", ()))
    '≥ 1.5 × 10^9/L'

Pure functions; :mod:`ctparse.align` pairs the limits of two studies.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..nlp.rules import Variable, rules
from ..schema import Criterion, Range, Threshold, Verdict
from . import matching
from .implied import SEXES

#: Bounds closer than this (relative) are equal: unit conversions round
#: (hemoglobin 5.6 mmol/L = 90.2 g/L is "9 g/dL").
TOLERANCE = 0.01

ORDINAL = frozenset({"ecog", "karnofsky"})
_ACRONYMS = frozenset(
    [
        "anc",
        "wbc",
        "ast",
        "alt",
        "alp",
        "inr",
        "aptt",
        "lvef",
        "qtc",
        "sbp",
        "dbp",
        "bmi",
        "crcl",
        "egfr",
        "ecog",
        "hba1c",
    ]
)
_UNITS = {"umol/L": "µmol/L", "10^9/L": "× 10^9/L", "10^12/L": "× 10^12/L"}


@dataclass(frozen=True)
class Limit:
    """All of one side's limits on a variable (under one condition, relative
    to the same reference), intersected."""

    variable: str
    relative_to: str | None
    eligible: Range | None
    values: frozenset[float] | None
    unit: str | None
    criteria: tuple[Criterion, ...]
    #: The first limit as written ("> 1000 copies/mL"), for a limit that has
    #: no eligible range to describe.
    stated: str | None = None
    #: The first implausible limit ("Albumin < 2.0 mg/dl"): compared with care.
    suspect: Threshold | None = None


def _intersect(x: Range | None, y: Range | None) -> Range | None:
    if x is None or y is None:
        return x or y
    lower, lower_inc = x.lower, x.lower_inclusive
    if y.lower is not None and (lower is None or y.lower > lower):
        lower, lower_inc = y.lower, y.lower_inclusive
    elif y.lower is not None and y.lower == lower:
        lower_inc = _inc(lower_inc) and _inc(y.lower_inclusive)
    upper, upper_inc = x.upper, x.upper_inclusive
    if y.upper is not None and (upper is None or y.upper < upper):
        upper, upper_inc = y.upper, y.upper_inclusive
    elif y.upper is not None and y.upper == upper:
        upper_inc = _inc(upper_inc) and _inc(y.upper_inclusive)
    return Range(lower, lower_inc, upper, upper_inc)


def _inc(flag: bool | None) -> bool:
    return flag is not False


def limits(criteria: Iterable[Criterion]) -> dict[tuple[str, str], dict[str | None, Limit]]:
    """Limits keyed by (variable, condition) and then by ``relative_to``."""
    found: dict[tuple[str, str], dict[str | None, Limit]] = defaultdict(dict)
    for criterion in criteria:
        for threshold in criterion.thresholds:
            key = (threshold.variable, matching.normalize(threshold.condition or ""))
            unit = threshold.normalized.unit if threshold.normalized else threshold.unit
            # An ordinal scale is compared by the grades it lets in, never by the
            # grades written ("NYHA III-IV" excluded lets in I-II).
            values = (
                frozenset(threshold.eligible_values)
                if threshold.eligible_values is not None
                else None
            )
            old = found[key].get(threshold.relative_to)
            if old is None:
                limit = Limit(
                    threshold.variable,
                    threshold.relative_to,
                    threshold.eligible,
                    values,
                    unit,
                    (criterion,),
                    stated(threshold),
                    threshold if threshold.suspect else None,
                )
            else:
                merged = (
                    old.values & values if old.values is not None and values is not None else values
                )
                limit = dataclasses.replace(
                    old,
                    eligible=_intersect(old.eligible, threshold.eligible),
                    values=merged if merged is not None else old.values,
                    criteria=old.criteria + ((criterion,) if criterion not in old.criteria else ()),
                    suspect=old.suspect or (threshold if threshold.suspect else None),
                )
            found[key][threshold.relative_to] = limit
    return found


def _variables() -> dict[str, Variable]:
    """The variable lexicon of the extractor (names, ordinal scales)."""
    return rules().variables


def label(variable: str) -> str:
    """How a variable is named in a sentence ("ANC", "total bilirubin")."""
    if variable in _ACRONYMS:
        return variable.upper()
    known = _variables().get(variable)
    return known.name if known else variable.replace("_", " ")


def number(x: float) -> str:
    return f"{x:.4g}"


def _ordinal(variable: str) -> Variable | None:
    known = _variables().get(variable)
    return known if known is not None and known.ordinal else None


def _unit(limit: Limit) -> str:
    if limit.relative_to:
        return f"× {limit.relative_to}"
    if not limit.unit or limit.variable in ORDINAL or _ordinal(limit.variable):
        return ""
    return _UNITS.get(limit.unit, limit.unit)


def _with_unit(x: float, unit: str) -> str:
    return f"{number(x)} {unit}".strip()


def _ordinal_set(limit: Limit) -> frozenset[float] | None:
    """The grades a limit on an ordinal scale lets in (its eligible set; for an
    older threshold without one, the grades of the scale in its eligible range)."""
    if limit.values is not None:
        return limit.values
    r, scale = limit.eligible, _ordinal(limit.variable)
    if scale is None or r is None:
        return None
    return frozenset(
        v
        for v in scale.grades()
        if (r.lower is None or v > r.lower or (v == r.lower and _inc(r.lower_inclusive)))
        and (r.upper is None or v < r.upper or (v == r.upper and _inc(r.upper_inclusive)))
    )


def _set_text(values: Iterable[float], variable: str | None = None) -> str:
    """A set of grades: a run as "0–1" ("70–100" for Karnofsky by tens), else a list."""
    ordered = sorted(values)
    if not ordered:
        return "no value"
    if variable == "sex":  # read from words (.implied): "female", "female or male"
        return " or ".join(SEXES.get(v, number(v)) for v in ordered)
    known = _ordinal(variable) if variable else None
    if known is not None and known.letters:
        # Grades written as letters are said as letters: Child-Pugh "B–C", not "2–3".
        letters = [known.letters[int(v) - 1] for v in ordered if 1 <= v <= len(known.letters)]
        if len(letters) == len(ordered):
            run = ordered == [ordered[0] + i for i in range(len(ordered))] and len(ordered) > 1
            return f"{letters[0]}–{letters[-1]}" if run else " or ".join(letters)
    grades = list(known.grades()) if known else []
    if len(ordered) > 1 and grades and all(v in grades for v in ordered):
        first = grades.index(ordered[0])
        if grades[first : first + len(ordered)] == ordered:
            return f"{number(ordered[0])}–{number(ordered[-1])}"
    if len(ordered) > 1 and ordered[-1] - ordered[0] == 10 * (len(ordered) - 1):
        return f"{number(ordered[0])}–{number(ordered[-1])}"  # Karnofsky 70–100
    if len(ordered) > 1 and ordered == [ordered[0] + i for i in range(len(ordered))]:
        return f"{number(ordered[0])}–{number(ordered[-1])}"
    return ", ".join(number(v) for v in ordered)


def stated(threshold: Threshold) -> str:
    """A threshold as written: "> 10%", "≥ 2 g", "3–6 months"."""
    unit = threshold.unit or ""
    space = "" if unit in ("%", "") else " "
    if threshold.comparator == "in" and threshold.values:
        return _set_text(threshold.values, threshold.variable)
    if threshold.comparator == "between" and threshold.value_max is not None:
        low = "" if threshold.value is None else number(threshold.value)
        return f"{low}–{number(threshold.value_max)}{space}{unit}"
    op = {">=": "≥", "<=": "≤"}.get(threshold.comparator, threshold.comparator)
    value = "" if threshold.value is None else number(threshold.value)
    return f"{op} {value}{space}{unit}".strip()


def describe_excluded(limit: Limit) -> str | None:
    """What a limit keeps out, in canonical units: "> 20 × 10^9/L", NYHA "3–4"; None
    when that is not one range (a closed eligible range keeps out two)."""
    ordinal = _ordinal_set(limit)
    known = _ordinal(limit.variable)
    if ordinal is not None and known is not None:
        rest = [g for g in known.grades() if g not in ordinal]
        return _set_text(rest, limit.variable) if rest else None
    r, unit = limit.eligible, _unit(limit)
    if r is None or (r.lower is not None and r.upper is not None):
        return None
    if r.lower is not None:
        return f"{'<' if _inc(r.lower_inclusive) else '≤'} {_with_unit(r.lower, unit)}"
    if r.upper is not None:
        return f"{'>' if _inc(r.upper_inclusive) else '≥'} {_with_unit(r.upper, unit)}"
    return None


def describe(limit: Limit) -> str:
    """The eligible range in words: "≥ 1.5 × 10^9/L", "18–75 years", "0–1"."""
    ordinal = _ordinal_set(limit)
    if ordinal is not None:
        return _set_text(ordinal, limit.variable)
    r, unit = limit.eligible, _unit(limit)
    if r is None:
        if limit.stated:
            return f"{limit.stated} (as written; no eligible range)"
        return "a limit that cannot be put on a scale"
    if r.lower is not None and r.upper is not None:
        if _inc(r.lower_inclusive) and _inc(r.upper_inclusive):
            return f"{number(r.lower)}–{_with_unit(r.upper, unit)}"
        low = "≥" if _inc(r.lower_inclusive) else ">"
        high = "≤" if _inc(r.upper_inclusive) else "<"
        return f"{low} {number(r.lower)} and {high} {_with_unit(r.upper, unit)}"
    if r.lower is not None:
        return f"{'≥' if _inc(r.lower_inclusive) else '>'} {_with_unit(r.lower, unit)}"
    if r.upper is not None:
        return f"{'≤' if _inc(r.upper_inclusive) else '<'} {_with_unit(r.upper, unit)}"
    return "any value"


def close(x: float, y: float) -> bool:
    return abs(x - y) <= TOLERANCE * max(abs(x), abs(y)) + 1e-12


def _lower_le(outer: Range, inner: Range) -> bool:
    """outer's lower bound admits everything inner's does."""
    if outer.lower is None:
        return True
    if inner.lower is None:
        return False
    if close(outer.lower, inner.lower):
        return _inc(outer.lower_inclusive) or not _inc(inner.lower_inclusive)
    return outer.lower < inner.lower


def _upper_ge(outer: Range, inner: Range) -> bool:
    if outer.upper is None:
        return True
    if inner.upper is None:
        return False
    if close(outer.upper, inner.upper):
        return _inc(outer.upper_inclusive) or not _inc(inner.upper_inclusive)
    return outer.upper > inner.upper


def _contains(outer: Range, inner: Range) -> bool:
    return _lower_le(outer, inner) and _upper_ge(outer, inner)


def _overlap(x: Range, y: Range) -> bool:
    def below(lo: Range, hi: Range) -> bool:  # lo lies entirely below hi
        if lo.upper is None or hi.lower is None:
            return False
        if close(lo.upper, hi.lower):
            return not (_inc(lo.upper_inclusive) and _inc(hi.lower_inclusive))
        return lo.upper < hi.lower

    return not below(x, y) and not below(y, x)


def _how_much(name: str, loose: tuple[str, Limit], strict: tuple[str, Limit], ordinal: bool) -> str:
    """Why the looser side admits more patients, bound by bound."""
    (ln, lim_l), (sn, lim_s) = loose, strict
    if ordinal:
        extra = (_ordinal_set(lim_l) or frozenset()) - (_ordinal_set(lim_s) or frozenset())
        return (
            f"{ln} also admits {name} {_set_text(extra, lim_l.variable)}; "
            f"{sn} needs {describe(lim_s)}"
        )
    rl, rs, unit = _in_whole_years(lim_l), _in_whole_years(lim_s), _unit(lim_s)
    assert rl is not None and rs is not None
    parts = []
    if not _lower_le(rs, rl) and rs.lower is not None:
        need = f"{'≥' if _inc(rs.lower_inclusive) else '>'} {_with_unit(rs.lower, unit)}"
        if rl.lower is None:
            parts.append(f"{ln} sets no lower limit on {name}; {sn} needs {need}")
        elif close(rl.lower, rs.lower):
            parts.append(f"{ln} admits {name} = {_with_unit(rl.lower, unit)}; {sn} needs {need}")
        else:
            gap = rs.lower - rl.lower
            parts.append(
                f"{ln} admits {name} down to {_with_unit(rl.lower, unit)}; "
                f"{sn} needs {need} ({number(gap)} higher)"
            )
    if not _upper_ge(rs, rl) and rs.upper is not None:
        need = f"{'≤' if _inc(rs.upper_inclusive) else '<'} {_with_unit(rs.upper, unit)}"
        if rl.upper is None:
            parts.append(f"{ln} sets no upper limit on {name}; {sn} needs {need}")
        elif close(rl.upper, rs.upper):
            parts.append(f"{ln} admits {name} = {_with_unit(rl.upper, unit)}; {sn} needs {need}")
        else:
            gap = rl.upper - rs.upper
            parts.append(
                f"{ln} admits {name} up to {_with_unit(rl.upper, unit)}; "
                f"{sn} needs {need} ({number(gap)} lower)"
            )
    return "; ".join(parts) or f"{sn} needs {name} {describe(lim_s)}; {ln} {describe(lim_l)}"


def compare_limits(la: Limit, lb: Limit) -> tuple[Verdict, str]:
    """The verdict on two limits of one variable, and a sentence saying why.

    An implausible limit ("Albumin < 2.0 mg/dl", 0.02 g/L) is never called the same
    as or stricter than another: the pair is ``different``, and the sentence says
    what it probably meant. A limit read from words ("Adult patients") says so.
    """
    verdict, detail = _compare_limits(la, lb)
    read = [
        f"{side}'s from “{t.entity}”"
        for side, limit in (("A", la), ("B", lb))
        for t in implied_by_words(limit)
    ]
    if read:
        detail += f" ({label(la.variable)} read from words: {', '.join(read)})"
    return verdict, detail


def _in_whole_years(limit: Limit) -> Range | None:
    """An age range as people say it: "over 18" is "18 or older" (an adult), so a
    lower age bound admits its own year either way; an upper bound is read as
    written ("under 80" keeps out the 80-year-olds "80 or younger" admits)."""
    r = limit.eligible
    if r is None or limit.variable != "age" or r.lower is None:
        return r
    return dataclasses.replace(r, lower_inclusive=True)


def implied_by_words(limit: Limit) -> list[Threshold]:
    """The first of a limit's thresholds read from words ("Adult patients"), if any."""
    return [
        t
        for c in limit.criteria
        for t in c.thresholds
        if t.variable == limit.variable and t.source == "implied"
    ][:1]


def _compare_limits(la: Limit, lb: Limit) -> tuple[Verdict, str]:
    name = label(la.variable)
    for side, limit in (("A", la), ("B", lb)):
        if limit.suspect is not None:
            return "different", _suspect_detail(side, name, limit.suspect)
    da, db = describe(la), describe(lb)
    if la.relative_to != lb.relative_to:
        ref = la.relative_to or lb.relative_to
        return "different", (
            f"not comparable without the {ref}: A limits {name} to {da}, B to {db} "
            f"(one is relative to the {ref}, the other absolute)"
        )
    set_a, set_b = _ordinal_set(la), _ordinal_set(lb)
    if set_a is not None and set_b is not None:
        if set_a == set_b:
            kept_out = describe_excluded(la)
            if kept_out and _excluded_only(la) and _excluded_only(lb):
                # "NYHA III-IV" excluded on both sides: said as written, not as its rest.
                return "same", f"both exclude {name} {kept_out} (both admit {da})"
            return "same", f"both require {name} {da}"
        if set_a < set_b:
            return "a_stricter", _how_much(name, ("B", lb), ("A", la), True)
        if set_b < set_a:
            return "b_stricter", _how_much(name, ("A", la), ("B", lb), True)
        return "different", f"A requires {name} {da}; B {db}"
    if _alternatives(la) or _alternatives(lb) or _cohorts(la) or _cohorts(lb):
        return _compare_either(la, lb)
    ra, rb = _in_whole_years(la), _in_whole_years(lb)
    if ra is None or rb is None:
        if da == db:
            return "same", f"both require {name} {da}"
        return "different", f"A requires {name} {da}; B {db} (cannot be put on one scale)"
    a_in_b, b_in_a = _contains(rb, ra), _contains(ra, rb)
    if a_in_b and b_in_a:
        if da == db:
            return "same", f"both require {name} {da}"
        if la.eligible != ra or lb.eligible != rb:
            return "same", f"both require {name} {da} (B: {db}; over N years is N or older)"
        return "same", f"both require {name} {da} (B: {db}, equal after unit conversion)"
    if a_in_b:
        return "a_stricter", _how_much(name, ("B", lb), ("A", la), False)
    if b_in_a:
        return "b_stricter", _how_much(name, ("A", la), ("B", lb), False)
    if _overlap(ra, rb):
        return "different", f"A admits {name} {da}, B {db}: each admits values the other excludes"
    return "different", f"A requires {name} {da}, B {db}: no patient meets both"


def _empty(r: Range | None) -> bool:
    """Whether no value is in ``r``: the limits of one side contradict each other."""
    if r is None or r.lower is None or r.upper is None:
        return False
    if close(r.lower, r.upper):
        return not (_inc(r.lower_inclusive) and _inc(r.upper_inclusive))
    return r.lower > r.upper


def _alternatives(limit: Limit) -> list[Threshold] | None:
    """The limits of one criterion that contradict each other, so are alternatives
    ("under 40 or over 60 years of age"), or None."""
    if not _empty(limit.eligible):
        return None
    for criterion in limit.criteria:
        own = _own(limit, criterion)
        if len(own) > 1 and _empty(_together(own)):
            return own
    return None


def _together(thresholds: list[Threshold]) -> Range | None:
    """What a criterion's limits on one variable admit together."""
    together: Range | None = None
    for t in thresholds:
        together = _intersect(together, t.eligible)
    return together


def _cohorts(limit: Limit) -> list[Range] | None:
    """The ranges of a side whose criteria each admit a range no other admits ("BMI
    30-40 kg/m2" and "BMI 18-25 kg/m2" on two lines: an obese and a lean cohort), so
    that the side admits either; None when the limits do not contradict, or one
    criterion's own do (:func:`_alternatives`)."""
    if not _empty(limit.eligible) or len(limit.criteria) < 2:
        return None
    ranges = []
    for criterion in limit.criteria:
        together = _together(_own(limit, criterion))
        if together is None or _empty(together):
            return None
        ranges.append(together)
    return ranges


def _own(limit: Limit, criterion: Criterion) -> list[Threshold]:
    return [
        t
        for t in criterion.thresholds
        if t.variable == limit.variable
        and t.eligible is not None
        and t.relative_to == limit.relative_to
    ]


def _parts(limit: Limit) -> list[tuple[Range, str]]:
    """The ranges a side admits, each with its words: one range, or, where the limits
    of one criterion are alternatives (:func:`_alternatives`), each of those limits'
    own range within what the side's other limits admit, or each cohort's
    (:func:`_cohorts`). Ranges that touch (ages
    18-64 and 65 or older) are one."""
    alternatives = _alternatives(limit)
    cohorts = _cohorts(limit) if alternatives is None else None
    if alternatives is None and cohorts is None:
        whole = _in_whole_years(limit)
        return [(whole, describe(limit))] if whole is not None else []
    others = [
        t.eligible
        for c in limit.criteria
        for t in _own(limit, c)
        if alternatives is not None and t not in alternatives and t.eligible is not None
    ]
    rest: Range | None = None
    for r in others:
        rest = _intersect(rest, r)
    ranges = []
    parts: list[Range | None] = list(cohorts or ())
    parts += [_intersect(t.eligible, rest) for t in alternatives or ()]
    for part in parts:
        if part is None or _empty(part):
            continue
        ranges.append(
            _in_whole_years(dataclasses.replace(limit, eligible=part, values=None)) or part
        )
    merged: list[Range] = []
    for r in sorted(ranges, key=lambda r: -math.inf if r.lower is None else r.lower):
        if merged and _touch(merged[-1], r, whole=limit.variable == "age"):
            last = merged[-1]
            upper_last = math.inf if last.upper is None else last.upper
            upper_r = math.inf if r.upper is None else r.upper
            merged[-1] = (
                last
                if upper_last >= upper_r
                else dataclasses.replace(last, upper=r.upper, upper_inclusive=r.upper_inclusive)
            )
        else:
            merged.append(r)
    return [(r, describe(dataclasses.replace(limit, eligible=r, values=None))) for r in merged]


def _touch(low: Range, high: Range, *, whole: bool) -> bool:
    """Whether ``high`` starts where ``low`` ends or before (for whole years, in the
    next year: 18-64 and 65 or older)."""
    if low.upper is None or high.lower is None:
        return True
    gap = high.lower - low.upper
    if whole and _inc(low.upper_inclusive) and _inc(high.lower_inclusive) and gap <= 1 + 1e-9:
        return True
    return gap < 0 or (close(gap, 0) and (_inc(low.upper_inclusive) or _inc(high.lower_inclusive)))


def _compare_either(la: Limit, lb: Limit) -> tuple[Verdict, str]:
    """Two sides' limits where one admits alternatives ("under 40 or over 60"): a side
    admits everyone the other does when each range of the other lies in one of its."""
    name = label(la.variable)
    pa, pb = _parts(la), _parts(lb)
    da = " or ".join(words for _, words in pa)
    db = " or ".join(words for _, words in pb)
    a_in_b = all(any(_contains(outer, inner) for outer, _ in pb) for inner, _ in pa)
    b_in_a = all(any(_contains(outer, inner) for outer, _ in pa) for inner, _ in pb)
    if a_in_b and b_in_a:
        return "same", f"both require {name} {da}"
    if a_in_b:
        return "a_stricter", f"B admits {name} {db}, A only {da}"
    if b_in_a:
        return "b_stricter", f"A admits {name} {da}, B only {db}"
    return "different", f"A admits {name} {da}, B {db}: each admits values the other excludes"


def _excluded_only(limit: Limit) -> bool:
    """Whether every threshold of a limit on its variable is an exclusion."""
    asked = [
        t.requirement for c in limit.criteria for t in c.thresholds if t.variable == limit.variable
    ]
    return bool(asked) and all(r == "excluded" for r in asked)


def _suspect_detail(side: str, name: str, threshold: Threshold) -> str:
    """ "A's albumin limit < 2 mg/dl is implausible (0.02 g/L; probably g/dL: 20 g/L)"."""
    suspect = threshold.suspect
    assert suspect is not None
    read = threshold.normalized
    as_read = f"{number(read.value)} {read.unit}" if read and read.value is not None else ""
    meant = suspect.normalized
    probably = (
        f"probably {suspect.unit}: {number(meant.value)} {meant.unit}"
        if suspect.unit and meant is not None and meant.value is not None
        else "no unit makes it plausible"
    )
    why = "; ".join(part for part in (as_read, probably) if part)
    return f"not compared: {side}'s {name} limit {stated(threshold)} is implausible ({why})"
