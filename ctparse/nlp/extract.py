"""Numeric and ordinal limits (thresholds) in criterion text.

A criterion is scanned once with one compiled expression for *value
expressions*: an optional comparator phrase, one or more numbers joined as a
range (``0-1``, ``18 to 65``, ``between 18 and 65``) or a list (``0, 1 or 2``),
a scientific multiplier (``× 10^9``), a unit, a ULN/LLN multiplier and a
trailing comparator (``or more``, ``and older``). Each value expression is then
attached to the variable(s) named just before it:

* the nearest lexicon mention, plus every mention chained to it by ``and``,
  ``&``, ``/`` or a comma ("AST and ALT ≤ 2.5 × ULN" gives two thresholds);
* else the previous threshold's variable when only a conjunction separates
  them ("Age ≥ 18 and ≤ 80 years", "ages 19 and over, under 75");
* else ``age`` for "18 years or older" / "18 years of age";
* else, when a comparator is written, variable ``other`` with the words
  before the value as entity.

A value in parentheses right after a threshold with no comparator of its own
is the same limit in another unit ("≥ 5.6 mmol/L (9 g/dL)"): it widens the
span instead of adding a threshold, and when it converts exactly (9 g/dL = 90
g/L) where the written unit does not (5.6 × 16.114), it gives the normalized
value. Conditions ("if liver metastases are present") and alternatives joined
by "or" share a ``group`` id.

``eligible`` is the stated range or its complement as
:mod:`ctparse.nlp.polarity` decides from the words around the limit. A
mirror's "=" on a continuous variable ("ANC = 1500/mm3", where the registry
had "≥") is read in the direction the variable's lexicon entry gives
(``bound``) when the section says which side the criterion states, and
marked ``comparator_inferred``; without both it has no eligible range and
the criterion is ``partial``. A limit outside the variable's plausible range
is ``suspect`` (:mod:`ctparse.nlp.plausible`), and the numbers of an aside
(:mod:`ctparse.nlp.asides`) are no limits. A number with
no unit and no words naming what it measures is left unplaced rather than
emitted as ``other``. A unit that does not convert to the variable's canonical
unit ("AST ≥ 100 IU/mL") leaves ``normalized`` and ``eligible`` null (the
criterion is partial): the limit is seen, not placed. Words between a
comparator and its number ("≥ level 50") are read through, and a per-sex
qualifier ("≥ 13 g/dL for men", "Men with BMI > 42, females with BMI > 35")
becomes the limit's condition.

The scan for value expressions is :mod:`ctparse.nlp.values`; attaching them to
variables is :mod:`ctparse.nlp.entities`; this module makes the thresholds.
Rules live in ``models/`` (see :mod:`ctparse.nlp.rules`).
"""

from __future__ import annotations

import dataclasses
import re

from ..schema import Criterion, Eligibility, Normalized, Range, Threshold
from ..text.people import SOMEONE_ELSE
from ..text.timeunits import YEARS_IN, plural
from . import numbers
from .asides import aside_spans, inside
from .entities import (
    _attach,
    _blood_pressure_pairs,
    _drop_unknown,
    _join_ranges,
    _propagate_age,
    _sex_qualifiers,
)
from .gestation import claim_gestational, gestational_values
from .plausible import suspect
from .polarity import Cues, Decision
from .rules import Variable, rules
from .units import (
    conversion_factor,
    is_exact,
    to_canonical,
)
from .values import _SMALL_SCALE, _find_values, _Value, holds_letter_grades


def add_thresholds(criterion: Criterion, text: str) -> Criterion:
    """Return ``criterion`` with its thresholds; offsets index ``text`` (the
    whole eligibility text ``criterion.start`` refers to)."""
    thresholds = extract_thresholds(criterion)
    if not thresholds and not criterion.thresholds:
        return criterion
    return dataclasses.replace(criterion, thresholds=thresholds)


def extract_thresholds(criterion: Criterion) -> tuple[Threshold, ...]:
    """The thresholds of one criterion, in text order."""
    local = numbers.ascii_punctuation(criterion.text or "")
    if not local or not (numbers.may_hold_a_limit(local) or holds_letter_grades(local)):
        return ()
    values = gestational_values(_find_values(local), local)
    if values and (asides := aside_spans(local)):
        values = [v for v in values if not inside(asides, v.start, v.end)]
    if not values:
        return ()
    _attach(values, local)
    claim_gestational(values, local)
    _propagate_age(values, local)
    _join_ranges(values, local)
    _blood_pressure_pairs(values, local)
    _drop_unknown(values)
    _sex_qualifiers(values, local)
    _someone_elses_age(values, local)
    return _thresholds(values, criterion, local)


_SOMEONE_ELSE_AGED = re.compile(
    rf"(?i)\b(?:from|of|to|by|born\s+to|whose)\s+(?:an?\s+|the\s+|their\s+|his\s+|her\s+)?"
    rf"(?P<who>{SOMEONE_ELSE})(?:'s)?\s+(?:(?:who\s+)?(?:is|are)\s+)?(?:aged?|of\s+age)?\s*$"
)


def _someone_elses_age(values: list[_Value], text: str) -> None:
    """An age written of someone else ("infants born from mothers aged less than 18")
    is that person's: the limit is kept, with who it is of as its condition, and
    says nothing of the participant's age. Only where a word relates that person to
    the participant ("from", "of", "born to"): "Mothers aged 18-45" are the
    participants."""
    for value in values:
        if value.condition is None and any(v == "age" for v, _ in value.targets):
            found = _SOMEONE_ELSE_AGED.search(text, max(0, value.start - 40), value.start)
            if found is not None:
                value.condition = _OF + found.group("who").lower()


_OF = "of the "


def of_someone_else(condition: str | None) -> bool:
    """Whether a limit's ``condition`` says it limits someone other than the
    participant ("of the mothers"): it is compared with no limit of the participant."""
    return (condition or "").startswith(_OF)


# -------------------------------------------------------------- thresholds


def _thresholds(values: list[_Value], criterion: Criterion, text: str) -> tuple[Threshold, ...]:
    variables = rules().variables
    base = criterion.start or 0
    exclusion = criterion.section == "exclusion"
    placed = [v for v in values if v.targets]
    groups = _groups(placed, text, criterion.id)
    cues = Cues.of(text) if placed else None
    out: list[Threshold] = []
    for index, value in enumerate(placed):
        for variable, entity in value.targets:
            decision = (
                cues.decide(value.start, value.end, exclusion=exclusion, variable=variable)
                if cues
                else _AS_STATED
            )
            var = variables.get(variable)
            small = (
                var is not None
                and var.scale is not None
                and (var.scale[1] - var.scale[0] <= _SMALL_SCALE)
            )
            comparator, number, number_max, listed = _comparator(
                value, small, var.step if var is not None else 1.0
            )
            if value.pair is not None and variable == "dbp":
                number = value.pair
            if var is not None and var.unit == "10^9/L":
                number = _count_value(value, 0, number)
                if number_max is not None:
                    number_max = _count_value(value, len(value.raws) - 1, number_max)
            unit = value.unit
            if unit is None and variable == "age":
                unit = "year"
            normalized = _normalize(variable, value, number, number_max, listed, unit)
            # A mirror's "=" on a continuous variable ("ANC = 1500/mm3") hides a ≥ or ≤.
            unknown = value.op == "=" and comparator == "=" and not small
            inferred = None
            if unknown and normalized is not None:
                inferred = _lost_comparator(var, normalized, decision, criterion.section)
                if inferred is not None:
                    comparator, unknown = inferred, False
            eligible = (
                None
                if unknown or normalized is None
                else _eligible(comparator, normalized, listed, decision, var, value.closed)
            )
            grades = (
                None
                if unknown or normalized is None
                else _eligible_grades(comparator, normalized, listed, decision, var, eligible)
            )
            if eligible is None and grades:
                eligible = _bounds(grades, var)
            out.append(
                Threshold(
                    variable=variable,
                    entity=entity,
                    comparator=comparator,
                    value=number,
                    value_max=number_max,
                    values=listed,
                    unit=value.unit_written if value.unit_written else None,
                    relative_to=value.relative,
                    normalized=normalized,
                    eligible=eligible,
                    eligible_values=grades,
                    condition=value.condition or decision.condition,
                    group=groups.get((index, variable)),
                    requirement=decision.requirement,
                    start=base + value.start,
                    end=base + value.end,
                    comparator_inferred=inferred is not None,
                    suspect=(
                        None
                        if value.relative or listed is not None
                        else suspect(variable, number, number_max, value.unit, normalized)
                    ),
                )
            )
    return tuple(out)


def _lost_comparator(
    var: Variable | None, normalized: Normalized, decision: Decision, section: str
) -> str | None:
    """The comparator a mirror's "=" stands for, or None when nothing says.

    The variable's lexicon entry gives the side eligibility requires (``bound``:
    a lower bound for neutrophils, an upper bound for bilirubin), and the section
    which side the criterion states: an inclusion states the required side ("ANC =
    1.5 × 10^9/L": ≥), an exclusion the excluded one ("bilirubin = 1.5 × ULN": ≥ is
    excluded). A mirror loses "≥" and "≤" ("<" and ">" survive), so the reading is
    inclusive. ``bound_range`` keeps it to values that are such a bound ("Age = 18
    years" is a minimum age; "Age = 65 years" says nothing).
    """
    if var is None or var.bound is None or section not in ("inclusion", "exclusion"):
        return None
    if decision.sign == 0 or normalized.value is None or normalized.value_max is not None:
        return None
    if var.bound_range is not None and normalized.unit == var.unit:
        low, high = var.bound_range
        if not low <= normalized.value <= high:
            return None
    required = ">=" if var.bound == "lower" else "<="
    if decision.sign > 0:
        return required
    return "<=" if required == ">=" else ">="


def _groups(placed: list[_Value], text: str, prefix: str) -> dict[tuple[int, str], str]:
    """Group ids for alternatives: limits joined by "or", and conditional limits
    on the same variable ("≤ 2.5 × ULN (≤ 5 × ULN if liver metastases)")."""
    groups: dict[tuple[int, str], str] = {}
    count = 0

    def new() -> str:
        nonlocal count
        count += 1
        return f"{prefix}.g{count}"

    for index in range(1, len(placed)):
        before, value = placed[index - 1], placed[index]
        gap = text[before.end : value.start]
        alternative = bool(re.search(r"(?i)\bor\b", gap)) and ";" not in gap
        if not (alternative or value.condition):
            continue
        previous_vars = [v for v, _ in before.targets]
        current_vars = [v for v, _ in value.targets]
        shared = [v for v in current_vars if v in previous_vars]
        if shared:
            for variable in shared:
                gid = groups.get((index - 1, variable)) or new()
                groups[(index - 1, variable)] = groups[(index, variable)] = gid
        elif alternative:
            known = [groups[(index - 1, v)] for v in previous_vars if (index - 1, v) in groups]
            gid = known[0] if known else new()
            for variable in previous_vars:
                groups[(index - 1, variable)] = gid
            for variable in current_vars:
                groups[(index, variable)] = gid
    return groups


def _comparator(
    value: _Value, small_ordinal: bool, step: float = 1.0
) -> tuple[str, float, float | None, tuple[float, ...] | None]:
    nums = value.nums
    if value.shape == "list":
        return "in", min(nums), None, tuple(sorted(set(nums)))
    if value.shape == "range":
        low, high = nums[0], nums[-1]
        if small_ordinal and low.is_integer() and high.is_integer() and low <= high:
            # The grades of the range on the scale's step (EDSS 0-1: 0, 0.5, 1).
            count = round((high - low) / step)
            listed = tuple(float(f"{low + i * step:.6g}") for i in range(count + 1))
            return "in", low, None, listed
        return "between", low, high, None
    if value.op is None:
        if small_ordinal:
            return "in", nums[0], None, (nums[0],)
        return "=", nums[0], None, None
    return value.op, nums[0], None, None


def _normalize(
    variable: str,
    value: _Value,
    number: float,
    number_max: float | None,
    listed: tuple[float, ...] | None,
    unit: str | None,
) -> Normalized | None:
    """The limit in the variable's canonical unit; None when the unit written does not
    convert to it ("AST ≥ 100 IU/mL": U/mL is no activity per litre): the limit is seen
    but not placed on the canonical scale, and the criterion is partial."""
    if value.relative:
        return Normalized(value=number, value_max=number_max, unit=value.relative)
    exact = _exact_equivalent(variable, value, unit)
    if exact is not None and number_max is None and listed is None:
        return exact
    var = rules().variables.get(variable)
    canonical = var.unit if var else None
    if canonical == "10^9/L" and unit is None:
        # No unit written: 1,500 is per mm³, 1.5 is already 10^9/L.
        unit = "/mm3" if number >= 200 else "10^9/L"
    if canonical == "g/L" and variable == "hemoglobin" and unit is None:
        unit = "g/dL" if number < 25 else "g/L"
    if canonical in ("%", "mmHg") and unit is None:
        unit = canonical  # "BP < 140/90", "LVEF ≥ 50"
    if canonical is None or unit is None:
        return Normalized(value=number, value_max=number_max, unit=plural(unit))
    if listed is not None:
        if conversion_factor(variable, unit) is None:
            return None
        return Normalized(value=number, value_max=number_max, unit=plural(unit))
    low_unit = (value.units[0] if value.units else None) or unit
    low = to_canonical(variable, number, low_unit)
    if low is None:
        return None
    high = to_canonical(variable, number_max, unit) if number_max is not None else None
    return Normalized(value=low[0], value_max=high[0] if high else None, unit=low[1])


def _exact_equivalent(variable: str, value: _Value, unit: str | None) -> Normalized | None:
    """ "hemoglobin ≥ 5.6 mmol/L (9 g/dL)": the same limit written in a unit that
    converts exactly (9 g/dL = 90 g/L) normalizes better than 5.6 × 16.114."""
    other = value.equivalent
    if other is None or other.unit is None or value.shape != "single":
        return None
    own = conversion_factor(variable, unit)
    theirs = conversion_factor(variable, other.unit)
    if own is None or is_exact(own) or theirs is None or not is_exact(theirs):
        return None
    converted = to_canonical(variable, other.nums[0], other.unit)
    return None if converted is None else Normalized(value=converted[0], unit=converted[1])


def _count_value(value: _Value, index: int, number: float) -> float:
    """``50.000 /mmc`` is fifty thousand (European thousands) for a cell count."""
    thousands = numbers.european_thousands(value.raws[index]) if index < len(value.raws) else None
    return thousands if thousands is not None else number


_AS_STATED = Decision(1)


def _eligible(
    comparator: str,
    normalized: Normalized,
    listed: tuple[float, ...] | None,
    decision: Decision,
    var: Variable | None,
    closed: tuple[bool, bool] = (True, True),
) -> Range | None:
    """The range a patient must fall in: the stated range, its complement (an
    exclusion, see :mod:`ctparse.nlp.polarity`), or None (a subgroup, or a complement
    that is two intervals). ``closed``: whether a range's bounds are eligible
    themselves ("between 50 kg (inclusive) and 90 kg (exclusive)": 50 yes, 90 no)."""
    low, high = normalized.value, normalized.value_max
    if low is None or decision.sign == 0:
        return None
    exclusion = decision.sign < 0
    if comparator == "+-" and var is not None and var.change and not exclusion:
        # "weight stable (± 5 kg)": a change of 5 kg at most. An exclusion of it
        # ("weight stable for < 3 months (± 3 kg)") excludes a duration, not a change.
        comparator = "<="
    if decision.implies == "<=":
        # "not yet resolved to grade 1": the level reached is an upper bound.
        if comparator == "in" and listed and var is not None and var.scale is not None:
            return Range(
                lower=float(var.scale[0]),
                lower_inclusive=True,
                upper=max(listed),
                upper_inclusive=True,
            )
        if comparator == "=":
            comparator = "<="
    stated: Range | None
    if comparator == ">=":
        stated = Range(lower=low, lower_inclusive=True)
    elif comparator == ">":
        stated = Range(lower=low, lower_inclusive=False)
    elif comparator == "<=":
        stated = Range(upper=low, upper_inclusive=True)
    elif comparator == "<":
        stated = Range(upper=low, upper_inclusive=False)
    elif comparator == "between" and high is not None:
        stated = Range(lower=low, lower_inclusive=closed[0], upper=high, upper_inclusive=closed[1])
    elif comparator == "=":
        stated = Range(lower=low, lower_inclusive=True, upper=low, upper_inclusive=True)
    elif comparator == "in" and listed:
        return _eligible_set(listed, exclusion, var)
    else:
        return None
    if not exclusion:
        return stated
    if stated.lower is not None and stated.upper is not None:
        # The complement of a closed interval is two intervals, or one within the
        # scale ("NIHSS 0-3" excluded on 0-42: above 3).
        scale = var.scale if var is not None else None
        if scale is not None and stated.lower <= scale[0] < stated.upper:
            return Range(lower=stated.upper, lower_inclusive=not stated.upper_inclusive)
        if scale is not None and stated.lower < scale[1] <= stated.upper:
            return Range(upper=stated.lower, upper_inclusive=not stated.lower_inclusive)
        return None
    if stated.lower is not None:
        return Range(upper=stated.lower, upper_inclusive=not stated.lower_inclusive)
    return Range(lower=stated.upper, lower_inclusive=not stated.upper_inclusive)


def _eligible_set(listed: tuple[float, ...], exclusion: bool, var: Variable | None) -> Range | None:
    """Bounds of an allowed set of grades; for an exclusion, of the grades a living
    patient can have that the set leaves ("NYHA III-IV" excluded: I-II; "ECOG 2-4"
    excluded: 0-1, ECOG 5 being death). None when they are not one run of grades."""
    if var is None or not var.ordinal:
        if exclusion:
            return None
        grades = sorted(listed)
        if grades != [grades[0] + i for i in range(len(grades))]:
            return None
        return Range(lower=grades[0], lower_inclusive=True, upper=grades[-1], upper_inclusive=True)
    allowed = _set_grades(listed, exclusion, var)
    return _bounds(allowed, var) if allowed else None


def _set_grades(listed: tuple[float, ...], exclusion: bool, var: Variable) -> tuple[float, ...]:
    """The grades a listed set admits: itself, or for an exclusion the rest of the scale."""
    stated = {float(v) for v in listed}
    return tuple(g for g in var.grades() if (g in stated) != exclusion)


def _bounds(grades: tuple[float, ...], var: Variable | None) -> Range | None:
    """The closed range of a run of grades ([0, 1] for ECOG 0-1), None when the set has
    gaps (ECOG 0, 1, 3, 4) and no range can say it."""
    scale = var.grades() if var is not None else ()
    if not grades or not scale:
        return None
    first, last = scale.index(grades[0]), scale.index(grades[-1])
    if scale[first : last + 1] != grades:
        return None
    return Range(lower=grades[0], lower_inclusive=True, upper=grades[-1], upper_inclusive=True)


def _eligible_grades(
    comparator: str,
    normalized: Normalized,
    listed: tuple[float, ...] | None,
    decision: Decision,
    var: Variable | None,
    eligible: Range | None,
) -> tuple[float, ...] | None:
    """The grades of an ordinal scale a patient may have to be eligible, in order
    ("ECOG 2-4" excluded: 0, 1; "Karnofsky ≥ 70": 70, 80, 90, 100). None for a
    variable without an ordinal scale and for a limit that decides nothing (a
    subgroup); a set may have gaps ("ECOG 2" excluded: 0, 1, 3, 4)."""
    if var is None or not var.ordinal or decision.sign == 0 or normalized.value is None:
        return None
    exclusion = decision.sign < 0
    if comparator == "in" and listed and decision.implies != "<=":
        return _set_grades(listed, exclusion, var)
    if eligible is not None:
        return tuple(g for g in var.grades() if _within(g, eligible))
    if comparator == "between" and normalized.value_max is not None:
        low, high = normalized.value, normalized.value_max
        return tuple(g for g in var.grades() if (low <= g <= high) != exclusion)
    return None


def _within(value: float, r: Range) -> bool:
    if r.lower is not None and (value < r.lower or (value == r.lower and not r.lower_inclusive)):
        return False
    return not (
        r.upper is not None and (value > r.upper or (value == r.upper and not r.upper_inclusive))
    )


def structured_criteria(eligibility: Eligibility) -> tuple[Criterion, ...]:
    """``age`` thresholds from the structured minimum/maximum age fields.

    >>> [t.comparator for t in structured_criteria(Eligibility(minimum_age="18 Years"))[0].thresholds]
    ['>=']
    """
    thresholds = []
    for text, comparator in ((eligibility.minimum_age, ">="), (eligibility.maximum_age, "<=")):
        years = _age_in_years(text)
        if years is None or text is None:
            continue
        bound = (
            Range(lower=years, lower_inclusive=True)
            if comparator == ">="
            else Range(upper=years, upper_inclusive=True)
        )
        number, unit = text.split()[0], text.split()[1] if len(text.split()) > 1 else "Years"
        thresholds.append(
            Threshold(
                variable="age",
                entity="minimum age" if comparator == ">=" else "maximum age",
                comparator=comparator,
                value=float(number),
                unit=unit,
                normalized=Normalized(value=years, unit="years"),
                eligible=bound,
                source="structured",
                requirement="required",
            )
        )
    if not thresholds:
        return ()
    text = "; ".join(
        f"{label}: {value}"
        for label, value in (
            ("Minimum age", eligibility.minimum_age),
            ("Maximum age", eligibility.maximum_age),
        )
        if _age_in_years(value) is not None
    )
    return (
        Criterion(
            id="age",
            section="inclusion",
            text=text,
            start=None,
            end=None,
            category="age",
            thresholds=tuple(thresholds),
            status="parsed",
        ),
    )


def _age_in_years(text: str | None) -> float | None:
    """``"18 Years"`` → 18.0, ``"6 Months"`` → 0.5; ``"N/A"`` → None."""
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+?)s?\s*", text)
    if not m or m.group(2).lower() not in YEARS_IN:
        return None
    return float(f"{float(m.group(1)) * YEARS_IN[m.group(2).lower()]:.6g}")
