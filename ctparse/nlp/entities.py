"""What a value limits: attaching value expressions to variables.

A value expression (:mod:`ctparse.nlp.values`) is attached to the variable(s)
named just before it: the nearest lexicon mention and every mention chained to
it by ``and``/``&``/``/``/commas; else the previous threshold's variable when
only a conjunction separates them; else ``age`` for "18 years or older"; else,
when a comparator is written and words name what is measured, ``other``.
Blood-pressure pairs, ranges written as two values and per-sex qualifiers are
resolved here too.
"""

from __future__ import annotations

import itertools
import re

from ..text import timeunits
from ..text.people import GROUP, PARTICIPANT, PERSON
from ..text.timeunits import is_time
from .counts import counted
from .rules import Variable, rules
from .units import conversion_factor, quantity
from .unnamed import _FUNCTION, _PARENTHETICAL, fallback_entity, known_entity
from .values import _MAX_GAP, _SMALL_SCALE, _Value, class_of, grammar

# ---------------------------------------------------------------- entities


# A colon right before a value labels it ("ASA: I-III", "Age: 20 years"), it does not end a clause.
_CLAUSE_BREAK = re.compile(r"[;]|:(?!\s*[<>≤≥=]?\s*(?:\d|(?:I{1,3}|IV|V)\b))|\.\s|\n")
_CHAIN_GAP = re.compile(r"(?i)^[\s,/&()+]*(?:and/or|and|or|&|/|,)?[\s,/&()]*(?:serum\s+)?$")
_INHERIT_GAP = re.compile(r"(?i)^[\s,;(]*(?:and/or|and|or|but|,)?[\s(]*$")
_AGE_ZONE = re.compile(
    rf"(?i)^[\s\-–•*.)(\d]*(?:(?:{PERSON}|and|or|of|both|sexes|genders?|healthy|aged?|between|"
    r"older|younger|any|must|be|who|are|is)\b[\s,;]*)*$"
)


def _mentions(zone: str) -> list[tuple[int, int, str]]:
    """Variable mentions in ``zone`` as (start, end, variable), longest first on overlap."""
    r = rules()
    spans = []
    for pattern in (r.variable_ci, r.variable_cs):
        for m in pattern.finditer(zone):
            variable = r.variable_for(m.group())
            if variable:
                spans.append((m.start(), m.end(), variable))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def _attach(values: list[_Value], text: str) -> None:
    """Decide the variable(s) each value expression limits (``value.targets``)."""
    variables = rules().variables
    previous: _Value | None = None
    previous_end = 0
    class_read: set[int] = set()
    for value in values:
        if value.letter_of is not None:
            # "Child-Pugh B": letters are read only after their variable's name, which
            # the value found with them.
            previous, previous_end = value, value.end
            continue
        what = _count_of(value, text)
        if what is not None:
            # "no more than 2 antihypertensive drugs": a count, whatever was named before it
            value.targets = [("count", what)]
            previous, previous_end = value, value.end
            continue
        if (
            previous is not None
            and previous.mirrored
            and not text[previous_end : value.start].strip()
        ):
            # "145 mmHg ≤ SBP ≤ 190 mmHg": the second limit is on the name between them.
            if previous.unit is None and previous.relative is None and value.unit is not None:
                previous.unit, previous.unit_written = value.unit, value.unit_written
                previous.units = [value.unit]  # "145 ≤ SBP ≤ 190 mmHg": both in mmHg
            value.targets = [t for t in previous.targets if _fits(value, t[0], variables)]
            previous, previous_end = value, value.end
            continue
        if value.mirrored:
            # "145 mmHg ≤ SBP": only a name right after the comparator; none, no limit
            # ("6 months ≤ time since stroke" is no age).
            after = _mentions_after(value, text)
            value.targets = [(v, text[s:e]) for s, e, v in after[:1] if _fits(value, v, variables)]
            if value.targets:
                previous, previous_end = value, after[0][1]
            continue
        zone_start = previous_end
        for m in _CLAUSE_BREAK.finditer(text, previous_end):
            if m.start() >= value.start:
                break  # searched past value.start so that the colon rule sees the value
            zone_start = m.end()
        zone = text[zone_start : value.start]
        mentions = _mentions(zone)
        targets: list[tuple[str, str | None]] = []
        if (
            mentions
            and len(zone) - mentions[-1][1] <= _MAX_GAP
            # "grade I-II according to the NYHA classification": the scale named after
            and not (
                zone[mentions[-1][0] :].strip().lower() == "grade" and _scale_after(value, text)
            )
        ):
            chain = [mentions[-1]]
            for mention in reversed(mentions[:-1]):
                gap = zone[mention[1] : chain[-1][0]]
                if not _CHAIN_GAP.match(gap) or (gap.strip() == "(" and mention[2] != chain[-1][2]):
                    break  # "liver enzymes (AST and ALT …)": a heading, not a listed variable
                chain.append(mention)
            value.lead = (zone_start, zone_start + chain[-1][0])
            if value.op is None:
                _comparator_before_name(value, text, zone_start + chain[-1][0])
            seen: set[str] = set()
            for start, end, variable in reversed(chain):
                if variable not in seen:
                    seen.add(variable)
                    targets.append((variable, zone[start:end]))
            # A parenthetical synonym names the first mention, not a new variable.
        elif after := _mentions_after(value, text):
            seen_after: set[str] = set()
            for start, end, variable in after:
                if variable not in seen_after:
                    seen_after.add(variable)
                    targets.append((variable, text[start:end]))
            value.targets = [t for t in targets if _fits(value, t[0], variables)]
            if value.targets:
                previous, previous_end = value, after[-1][1]
            continue
        elif value.old and (value.op or value.shape != "single" or value.unit):
            targets = [("age", None)]  # "over 60 years of age", "18 years old and older"
        elif value.unit is None and (graded := class_of(text, value.start, value.end)):
            # "Class III or IV heart failure", "CHF > class II": the scale of the condition
            if value.op is None:
                _comparator_before_name(value, text, graded[2])
            targets = [(graded[0], graded[1])]
            class_read.add(id(value))
        elif (
            previous is not None
            and previous.targets
            and id(previous) not in class_read  # "…heart failure, stage III renal failure"
            and _inherits(previous, value, text)
        ):
            if value.op is None and value.parenthesized and value.shape == "single":
                previous.end = max(previous.end, _close_paren(text, value.end))
                previous.equivalent = value
                value.targets = []
                continue
            targets = list(previous.targets)
        elif value.pre.startswith("within") and is_time(value.unit):
            pass  # "within 3 years": a window
        elif (
            value.unit == "year"
            and (value.op or value.shape == "range")
            and _PERSON_YEARS.search(zone)
            and not _TIME_RELATION.match(text, value.end)
        ):
            targets = [("age", None)]  # "consent for those 12-17 years", "participants 18-21 years"
        elif value.old or (
            value.unit in ("year", "month")
            and _AGE_ZONE.match(zone)
            and not _TIME_RELATION.match(text, value.end)
        ):
            if value.op or value.old or value.shape == "range":
                targets = [("age", None)]
        elif value.unit_written and rules().variable_for(value.unit_written):
            named = rules().variable_for(value.unit_written) or "other"
            targets = [(named, value.unit_written)]
        elif value.op and _PERSON_AGE.search(zone) and _age_like(value, text):
            targets = [("age", None)]  # "Any patient ≥18 who presents", "Men > 50"
        elif (value.op and not is_time(value.unit)) or (
            value.shape == "range" and value.unit and not is_time(value.unit)
        ):
            targets = [("other", fallback_entity(text, previous_end, value))]
        value.targets = [
            t for t in targets if _fits(value, t[0], variables) and _spelled_right(value, t)
        ]
        if value.targets:
            previous = value
            previous_end = value.end


def _count_of(value: _Value, text: str) -> str | None:
    """What a limit counts ("more than two antihypertensive drugs"), or None: a
    comparator or a range, whole numbers and no unit (:mod:`ctparse.nlp.counts`)."""
    if value.unit or value.relative or value.roman or value.old:
        return None
    if not (value.op or value.shape == "range") or value.op == "+-":
        return None
    if not all(n.is_integer() and n >= 0 for n in value.nums):
        return None
    what = counted(text, value.end)
    if what is None or _is_noise(value):
        return None  # "5 drug half-lives" is no count of drugs
    return what


_PERSON_YEARS = re.compile(
    rf"(?i)\b(?:{PERSON}|aged?|ages)(?:\s+(?:aged?|between|from|of))?\s*\(?\s*$"
)
# "patients 2 years after transplant" dates an event; it is no age.
_TIME_RELATION = re.compile(
    r"(?i)\s*\)?\s*(?:of\s+(?!age)|after|before|prior|since|from|post|ago|following|previously|"
    r"postmenopausal|post-?menopaus|out\s+(?:from|of)|beyond|earlier|later)\b"
)


def _sex_qualifiers(values: list[_Value], text: str) -> None:
    """Per-sex limits: "hemoglobin ≥ 13 g/dL for men and ≥ 12 g/dL for women", "QTcF > 450
    ms (men) or > 470 ms (women)", "Men with BMI > 42, females with BMI > 35". A qualifier
    after the value always restricts it, and so does a label ("Males: creatinine ≤ 1.4
    mg/dL", also in a piece split from its line); one opening the clause before the variable
    does only when the criterion names the other sex too ("Women with hemoglobin < 12 g/dL"
    says who may enrol). A part, cohort or arm of the study named after the value ("≥ 3
    months for part A", "(Cohort 2)") restricts it the same way."""
    g = grammar()
    r = rules()
    floor = 0
    for value in values:
        floor, previous_floor = value.end, floor
        if not value.targets or value.condition:
            continue
        after = g.qualifier_after.match(text, value.end)
        if after:
            value.condition = r.op_for("qualifier", after.group("paren") or after.group("word"))
            continue
        cohort = g.cohort_after.match(text, value.end)
        if cohort:  # "≥ 3 months for part A and ≥ 6 months for part B": one limit per cohort
            value.condition = "for " + " ".join(
                (cohort.group("paren") or cohort.group("word")).split()
            )
            continue
        if value.lead is None:
            continue
        start, stop = value.lead
        label = _LABEL.search(text, previous_floor, start)  # "Males: creatinine ≤ 1.4 mg/dL"
        before = g.qualifier_before.fullmatch(text, label.start() if label else start, stop)
        if before:
            sex = r.op_for("qualifier", before.group("word"))
            others = (
                r.op_for("qualifier", m.group())
                for m in g.qualifier_any.finditer(text)
                if m.start() != before.start("word")
            )
            # A label ("Males: …") always names the subgroup; a clause opening
            # ("Women with …") only beside the other sex.
            if label is not None or any(other and other != sex for other in others):
                value.condition = sex


_LABEL = re.compile(r"[^;:.\n]*:\s*$")


def _drop_unknown(values: list[_Value]) -> None:
    """A number with no unit and nothing it measures ("defined as coughing up or spitting
    out ≥1 teaspoon …") stays unplaced: the criterion is partial, not wrong. (Run after
    ages are propagated: "≥ 3 and ≤ 18 years of age" names age once for both.)"""
    for value in values:
        if value.unit or value.relative:
            continue
        value.targets = [t for t in value.targets if t[0] != "other" or known_entity(t[1])]


def _spelled_right(value: _Value, target: tuple[str, str | None]) -> bool:
    """A misspelling names its variable only when the limit's unit converts to the
    variable's unit ("Creatine ≥1.5 mg/dL" is creatinine; "creatine 5 g/day" is not)."""
    variable, mention = target
    if not mention or " ".join(mention.lower().split()) not in rules().misspelled:
        return True
    return conversion_factor(variable, value.unit) is not None


_PERSON_AGE = re.compile(rf"(?i)\b(?:{PARTICIPANT}|{GROUP}|inpatients?|outpatients?)\s*$")


_AGE_AFTER = re.compile(
    r"(?i)\s*(?:$|[,;.)(]|(?:who|that|and|or|with|in|at|on|undergoing|scheduled|presenting|"
    r"admitted|treated|referred|diagnosed|having|of\s+(?:either|both|any))\b)"
)


def _age_like(value: _Value, text: str) -> bool:
    """ "Any patient ≥18 who presents": a bare whole number after a person, followed by
    nothing that it could count ("women >4 drinks/occasion")."""
    n = value.nums[0]
    if value.unit is not None or value.shape != "single" or not n.is_integer():
        return False
    return 1 <= n <= 120 and bool(_AGE_AFTER.match(text, value.end))


def _comparator_before_name(value: _Value, text: str, name_start: int) -> None:
    """ "> ASA II", "greater than NYHA 2": the comparator is written before the scale name."""
    m = grammar().prefix_before.search(text, max(0, name_start - 40), name_start)
    if m:
        value.op = rules().op_for("prefix", m.group("pre"))
        value.pre = m.group("pre").strip().lower()
        value.start = m.start("pre")


_AFTER_LEAD = re.compile(r"(?i)['’]?\s*(?:(?:of|for|in)\s+)?(?:the\s+)?")


def _mentions_after(value: _Value, text: str) -> list[tuple[int, int, str]]:
    """Variables named right after their limit: "(≥140 mmHg systolic and/or …)",
    "1.5 times upper limit of normal of serum creatinine, ALP, AST"."""
    period = is_time(value.unit)  # "26 to 34 weeks of gestational age", "< 70 days' gestation"
    if value.unit is None and value.relative is None and (scale := _scale_after(value, text)):
        return [scale]
    if value.op is None and value.relative is None and not (period and value.shape == "range"):
        return []
    lead = _AFTER_LEAD.match(text, value.end)
    offset = lead.end() if lead else value.end
    if text[value.end : offset].strip(" '’") and not (value.relative or period):
        return []  # "of"/"for" after a plain value starts a condition, not a name
    window = text[offset : offset + 200]
    mentions = _mentions(window)
    if not mentions or mentions[0][0] != 0:
        return []
    if not value.mirrored and (
        grammar().value.match(text, offset + mentions[0][1] + 1)
        or grammar().value.match(text, offset + mentions[0][1])
    ):
        return []  # the name starts the next limit, unless "18 ≤ BMI ≤ 30" shares it
    chain = [mentions[0]]
    for mention in mentions[1:]:
        gap = window[chain[-1][1] : mention[0]]
        if not _CHAIN_GAP.match(gap) or not value.relative:
            break
        chain.append(mention)
    return [(offset + s, offset + e, v) for s, e, v in chain]


_SCALE_LEAD = re.compile(r"(?i)\s*(?:of|according\s+to|by|per|as\s+per|on|using|in)\s+(?:the\s+)?")


def _scale_after(value: _Value, text: str) -> tuple[int, int, str] | None:
    """An ordinal scale named after its grades: "I-III of American Society of
    Anesthesiologists", "class I-II according to the NYHA classification"."""
    lead = _SCALE_LEAD.match(text, value.end)
    if lead is None:
        return None
    mentions = _mentions(text[lead.end() : lead.end() + 80])
    if not mentions or mentions[0][0] != 0:
        return None
    start, end, variable = mentions[0]
    if not rules().variables[variable].ordinal or grammar().value.match(text, lead.end() + end):
        return None
    return lead.end() + start, lead.end() + end, variable


def _inherits(previous: _Value, value: _Value, text: str) -> bool:
    gap = text[previous.end : value.start]
    cohort = grammar().cohort_after.match(text, previous.end, value.start)
    if cohort is not None:
        gap = text[cohort.end() : value.start]  # "≥ 18 years for cohort 1 and ≥ 12 years"
    short = len(gap) <= 12 and _INHERIT_GAP.match(gap)
    parallel = (
        previous.op and value.op and _parallel(gap) and not _NOUN_AFTER.match(text, value.end)
    )
    if not (short or parallel):
        return False
    if value.op is None and value.parenthesized and value.shape == "single":
        return True  # the same limit in another unit: "≥ 5.6 mmol/L (9 g/dL)"
    if value.op is None and value.shape == "single" and not value.relative:
        return False  # a bare number after a limit is a list marker or a count, not a limit
    if value.unit and previous.unit:
        return quantity(value.unit) == quantity(previous.unit)
    return True


_PARALLEL_GAP = re.compile(
    r"(?i)(?P<tail>[^;:.<>≤≥=\d]{0,60}?)\s*(?:,\s*(?:and/or|and|or)?|\b(?:and/or|and|or|but)\b)"
    r"\s*[(\[]?\s*"
)


def _parallel(gap: str) -> bool:
    """Whether a gap separates two limits on one variable, each with its own qualifier:
    "≥2 for male and ≥3 for female", ">440 ms (men) and >450 ms (women)", "> 500 cGy
    (single) or > 800 cGy", "> 38 degrees Celsius (C) or < 36 degrees C". The words
    before the conjunction qualify the first limit; nothing may follow the conjunction
    (", waist ≥ 88 cm" names a new variable)."""
    m = _PARALLEL_GAP.fullmatch(gap)
    if not m:
        return False
    words = re.findall(r"[A-Za-z]+", _PARENTHETICAL.sub(" ", m.group("tail")))
    return len(words) <= 4


def _close_paren(text: str, end: int) -> int:
    m = re.match(r"\s*\)", text[end:])
    return end + m.end() if m else end


# A noun right after a limit names what it limits ("<2mm intraarticular stepoff").
_NOUN_AFTER = re.compile(rf"\s+(?!(?i:{_FUNCTION}))[A-Za-z][\w-]*(?![\w-]*/)")


def _propagate_age(values: list[_Value], text: str) -> None:
    """ "≥ 3 and ≤ 18 years of age", "<30 or >69 years old": the age named once covers both."""
    placed = [v for v in values if v.targets]
    for left, right in itertools.pairwise(placed):
        gap = text[left.end : right.start]
        if not re.fullmatch(r"(?i)\s*(?:and|or|,|-|to)?\s*", gap):
            continue
        for a, b in ((left, right), (right, left)):
            if (
                any(v == "age" for v, _ in a.targets)
                and b.targets
                and all(v == "other" for v, _ in b.targets)
                and b.unit in (None, "year")
            ):
                b.targets = [("age", a.targets[0][1])]


_BP_PAIR = re.compile(r"\s*/\s*(\d{2,3})(?![\d.,/])(?:\s*(mm\s?Hg))?")
_BP_WORDS = re.compile(r"(?i)blood\s+pressure|\bBP\b|hypertension|hypotension")


def _blood_pressure_pairs(values: list[_Value], text: str) -> None:
    """ "BP < 140/90 mmHg", "systolic/diastolic blood pressure > 140/90": systolic over
    diastolic, one comparator for both."""
    for value in values:
        if not value.targets or value.shape != "single" or value.unit not in (None, "mmHg"):
            continue
        m = _BP_PAIR.match(text, value.end)
        if not m or not 50 <= value.nums[0] <= 300:
            continue
        variables = [v for v, _ in value.targets]
        if not {"sbp", "dbp"} & set(variables):
            entity = value.targets[0][1] or ""
            zone = text[max(0, value.start - 60) : value.start]
            named = variables == ["blood_pressure"] or (
                variables == ["other"] and (_BP_WORDS.search(entity) or _BP_WORDS.search(zone))
            )
            if not named:
                continue
            value.targets = [("sbp", entity or None), ("dbp", entity or None)]
        value.pair = float(m.group(1))
        value.end = m.end()
        if m.group(2):
            value.unit, value.unit_written = "mmHg", m.group(2)


_RANGE_GAP = re.compile(r"(?i)\s*(?:to|through|-|–|—)\s*")


def _join_ranges(values: list[_Value], text: str) -> None:
    """ "20 years old to 70 years of age": two bare values on one variable joined by "to"
    are one range (two values with comparators stay two limits, as written)."""
    placed = [v for v in values if v.targets]
    for left, right in itertools.pairwise(placed):
        if not (left.targets and right.targets) or left.op or right.op:
            continue
        if left.shape != "single" or right.shape != "single" or left.relative or right.relative:
            continue
        if [v for v, _ in left.targets] != [v for v, _ in right.targets]:
            continue
        if not _RANGE_GAP.fullmatch(text, left.end, right.start):
            continue
        if left.unit and right.unit and quantity(left.unit) != quantity(right.unit):
            continue
        if not left.nums[0] < right.nums[0]:
            continue
        left.nums, left.raws = [left.nums[0], right.nums[0]], [*left.raws, *right.raws]
        left.units = [*left.units, *right.units] if left.units or right.units else []
        left.unit = left.unit or right.unit
        left.unit_written = left.unit_written or right.unit_written
        left.shape, left.end, right.targets = "range", right.end, []


def _is_noise(value: _Value) -> bool:
    """Whether the value's first number is part of a version, list marker or name."""
    text = value.source
    lo = max(0, value.num_start - 24)
    hi = min(len(text), value.end + 24)  # "5 half-lives": the noise may follow the number
    for pattern in rules().noise:
        for m in pattern.finditer(text, lo, hi):
            if m.start() <= value.num_start < m.end():
                return True
    return False


# A time unit the value grammar left out: "33 Week", "24 + 0 weeks", "the 6 previous months"
# ("within 6-mo)"), but not "a >2.5-hour drive time": a hyphenated unit before a noun makes
# an attribute of that noun.
_TIME_WORD = timeunits.WORD
_PERIOD_AFTER = re.compile(
    rf"(?i)(?:\s*\+\s*\d+\s*|\s+)(?:(?:previous|past|last|preceding|prior)\s+)?{_TIME_WORD}"
    rf"|-{_TIME_WORD}(?![-\w])(?!\s+[A-Za-z])"
)


def _fits(value: _Value, variable: str, variables: dict[str, Variable]) -> bool:
    """Whether the value can be a limit on ``variable`` at all."""
    if variable == "count":  # "2 or 3 prior regimens", inherited from the count before
        return not value.unit and not value.relative and all(n.is_integer() for n in value.nums)
    if variable == "other":
        # "(n=20)", "one or more", "version 10 or higher" are not limits on a variable.
        if value.roman or value.op == "=" or (value.raws[0][:1].isalpha() and not value.unit):
            return False
        if is_time(value.unit) or _PERIOD_AFTER.match(value.source, value.end):
            return False  # a period with no named variable is a window ("24 + 0 weeks")
        return not _is_noise(value)
    var = variables[variable]
    if is_time(value.unit) and var.unit not in ("years", "days", "weeks"):
        return False
    scale = var.scale
    if scale is not None:
        if value.roman and not var.roman:
            return False
        if (
            value.op is None
            and value.shape == "single"
            and scale[1] - scale[0] > _SMALL_SCALE
            and _is_noise(value)
        ):
            return False  # "severe scores on the HAM-A, PSS, or … (PCL-5)": a name's number
        if value.relative:
            return False
        return all(scale[0] <= n <= scale[1] for n in value.nums)
    if value.roman:
        return False
    if value.op is None and value.shape == "single" and not value.relative:
        # A bare number after a lab name is rarely a limit ("grade 3 ALT 5"); a bare
        # age needs its unit ("aged 18 years").
        return variable == "age" and (value.old or value.unit in ("year", "month"))
    return not (
        variable == "age" and value.unit not in (None, "year", "month", "week", "day", "hour")
    )
