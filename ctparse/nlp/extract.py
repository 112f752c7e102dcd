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
had "≥") has no eligible range: the criterion is ``partial``. A number with
no unit and no words naming what it measures is left unplaced rather than
emitted as ``other``. A unit that does not convert to the variable's canonical
unit ("AST ≥ 100 IU/mL") leaves ``normalized`` and ``eligible`` null (the
criterion is partial): the limit is seen, not placed. Words between a
comparator and its number ("≥ level 50") are read through, and a per-sex
qualifier ("≥ 13 g/dL for men", "Men with BMI > 42, females with BMI > 35")
becomes the limit's condition.

Rules live in ``models/`` (see :mod:`ctparse.nlp.rules`).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass, field
from functools import cache

from ..schema import Criterion, Eligibility, Normalized, Range, Threshold
from . import numbers
from .polarity import Cues, Decision
from .rules import Variable, rules
from .units import (
    conversion_factor,
    is_exact,
    is_time,
    quantity,
    scientific_unit,
    to_canonical,
    unit_id,
)

_ANY_DIGIT = re.compile(r"\d")
HAS_NUMBER = re.compile(
    rf"\d|{numbers.WORD_NUMBER}|\b(?:I{{1,3}}|IV|VI?|ULN|LLN)\b|(?i:limit of normal)"
)
_LETTER_EDGE = r"(?:(?<=[A-Za-z.])(?![A-Za-z])|(?<![A-Za-z.]))"
_SMALL_SCALE = 10  # ordinal scales up to this span are sets of grades (ECOG 0-5)
_MAX_GAP = 48  # characters between a variable mention and its value


@dataclass(frozen=True)
class Grammar:
    value: re.Pattern[str]
    quantity: re.Pattern[str]
    relative_only: re.Pattern[str]
    condition: re.Pattern[str]
    prefix_before: re.Pattern[str]
    strip_pre: re.Pattern[str]
    qualifier_after: re.Pattern[str]
    qualifier_before: re.Pattern[str]
    qualifier_any: re.Pattern[str]


@cache
def grammar() -> Grammar:
    """The compiled value-expression grammar (built from the rule files once)."""
    r = rules()
    pre = rf"(?:(?<![A-Za-z])|(?![A-Za-z]))(?i:{r.patterns['prefix']}){_LETTER_EDGE}"
    post = (
        rf"(?:(?<![A-Za-z])|(?![A-Za-z]))(?i:{r.patterns['suffix']}){_LETTER_EDGE}"
        r"(?!\s+than\b)(?!\s*\d)"
    )
    rel = rf"(?i:{r.patterns['relative']})(?![A-Za-z])(?:\s*\((?:ULN|LLN)\))?"
    unit = rf"(?:{r.unit_pattern})(?![A-Za-z])"
    sci = rf"{numbers.SCIENTIFIC}(?=\s*(?:/|cells|G\b|per\b|c/))"
    num = rf"(?:{numbers.NUMBER}|(?<![A-Za-z]){numbers.ROMAN_NUMBER})"
    conn = rf"(?i:{r.patterns['range']}|{r.patterns['list']})"
    qty_plain = rf"{num}(?:\s*{sci.replace('?P<exp>', '')})?(?:\s*{unit})?(?:\s*{rel})?"
    qty_named = (
        rf"(?P<num>{num})(?:\s*(?P<sci>{sci}))?(?:\s*(?P<unit>{unit}))?(?:\s*(?P<rel>{rel}))?"
    )
    # "ALT ≥ level 50 IU/L": words naming what is limited, read through.
    filler = rf"(?i:{r.patterns['filler']})(?![A-Za-z])"
    value = (
        rf"(?P<pre>{pre}(?:\s*(?:of|to|the)(?![A-Za-z]))?(?:\s*{filler})?\s*)?"
        # "gestational age 35 to 39 weeks" is no age of the patient
        r"(?P<agekw>(?<![A-Za-z])(?<!(?i:gestational)\s)(?i:(?:the\s+)?age(?:\s*:\s*|\s+)(?:of\s+)?))?"
        rf"(?P<body>{qty_plain}(?:\s*{conn}\s*{qty_plain})*)"
        rf"(?P<tail>(?:\s+(?i:years?|yrs?))?(?:\s+(?i:old|of\s+age|in\s+age|of\s+age\s+and))?"
        rf"\s*(?P<post>{post}))?"
        # "18 years old", "50-year-old", "≥18 y.o.", "60 y/o", "65-80 aged", "20-70 age"
        r"(?P<old>(?:(?:\s+|-)(?i:years?-?\s*|yrs?\s+)?(?i:old)|\s+(?i:years?\s+)?(?i:of\s+age)"
        r"|\s*(?i:y\.\s?o\.?|y/o|yo)|(?<=[yY])(?:\.\s?o\.?|/o)|\s+(?i:aged?))(?![A-Za-z]))?"
    )
    relative_only = rf"(?P<pre>{pre})\s*(?i:the\s+)?(?P<rel>(?i:institutional\s+)?{rel})"
    condition = (
        rf"\s*[,(]?\s*(?P<cond>(?i:{r.patterns['condition']})(?![A-Za-z])[^;)(]*?)"
        r"(?=\s*(?:[;)]|,|\.(?:\s|$)|$))"
    )
    sex = rf"(?i:{r.patterns['qualifier']})(?![A-Za-z])"
    return Grammar(
        value=re.compile(value),
        quantity=re.compile(qty_named),
        relative_only=re.compile(relative_only),
        condition=re.compile(condition),
        prefix_before=re.compile(rf"(?P<pre>{pre})\s*$"),
        strip_pre=re.compile(
            rf"(?:\s*(?<![A-Za-z])(?i:of|to|the)(?![A-Za-z]))?(?:\s*(?<![A-Za-z]){filler})?\s*$"
        ),
        # "≥ 13 g/dL for men", "> 450 ms (men)", "< 35 in females"
        qualifier_after=re.compile(
            rf"\s*(?:\(\s*(?:(?i:for|in)\s+)?(?P<paren>{sex})\s*\)"
            rf"|,?\s*(?i:for|in|among)\s+(?i:the\s+)?(?P<word>{sex}))"
        ),
        # "Men with BMI", "; females: creatinine", "for women, hemoglobin"
        qualifier_before=re.compile(
            rf"[\s,;:.\-–•*)\d]*(?:(?i:and|or|but|for|in|among)\s+)?(?P<word>{sex})"
            r"\s*(?:(?i:with|who\s+have|having)(?![A-Za-z])|[:,\-–])?\s*"
        ),
        qualifier_any=re.compile(rf"(?<![A-Za-z]){sex}"),
    )


@dataclass
class _Value:
    """One value expression found in a criterion (offsets local to its text)."""

    start: int
    end: int
    pre: str
    op: str | None
    shape: str  # single | range | list
    nums: list[float]
    raws: list[str]
    unit_written: str | None
    unit: str | None
    relative: str | None
    roman: bool
    old: bool
    num_start: int = 0
    source: str = ""
    units: list[str | None] = field(default_factory=list)
    parenthesized: bool = False
    condition: str | None = None
    pair: float | None = None  # the diastolic half of "140/90 mmHg"
    equivalent: _Value | None = None  # the same limit in another unit: "5.6 mmol/L (9 g/dL)"
    targets: list[tuple[str, str | None]] = field(default_factory=list)
    lead: tuple[int, int] | None = None  # the words before the variable named: "Men with "


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
    if not local or not (_ANY_DIGIT.search(local) or HAS_NUMBER.search(local)):
        return ()
    values = _find_values(local)
    if not values:
        return ()
    _attach(values, local)
    _propagate_age(values, local)
    _join_ranges(values, local)
    _blood_pressure_pairs(values, local)
    _drop_unknown(values)
    _sex_qualifiers(values, local)
    return _thresholds(values, criterion, local)


# ------------------------------------------------------------------ values


def _find_values(text: str) -> list[_Value]:
    g = grammar()
    r = rules()
    found: list[_Value] = []
    for match in g.value.finditer(text):
        if _SUM_AFTER.match(text, match.end()) or _SUM_BEFORE.search(text, 0, match.start()):
            continue  # "Gleason 3+4=7": the parts of a sum are no limits
        body_start = match.start("body")
        quantities = list(g.quantity.finditer(text, body_start, match.end("body")))
        if not quantities:
            continue
        pre = match.group("pre")
        op = (r.op_for("prefix", pre) or r.op_for("prefix", _strip_of(pre))) if pre else None
        post = match.group("post")
        if post and op in (None, "="):
            # "ANC = 1500/mm3 or more": the direction written after a mirror's "=" counts.
            op = r.op_for("suffix", post) or op
        end = match.end()
        if len(quantities) > 1 and quantities[0].group("unit"):
            connector = text[quantities[0].end() : quantities[1].start()].strip().lower()
            if not (r.ops["range"].get(connector) and connector != "and") and op != "between":
                # "1,500/mm3 and 3 prior lines": a unit closes the value, not a list.
                quantities = quantities[:1]
                end = quantities[0].end()
        nums, raws = [], []
        units: list[str | None] = []
        unit_written = unit = relative = None
        roman = False
        for q in quantities:
            own_unit = unit_id(q.group("unit")) if q.group("unit") else None
            raw = q.group("num")
            roman = roman or raw in numbers.ROMAN
            raws.append(raw)
            nums.append(numbers.parse_number(raw))
            if q.group("unit"):
                unit_written = q.group("unit")
                unit = unit_id(unit_written)
            if q.group("sci"):
                exp = numbers.exponent(q.group("exp"))
                unit = scientific_unit(exp, unit)
                unit_written = text[
                    q.start("sci") : q.end("unit") if q.group("unit") else q.end("sci")
                ]
            if q.group("sci"):
                own_unit = unit
            units.append(own_unit)
            if q.group("rel"):
                relative = r.op_for("relative", _strip_paren(q.group("rel")))
        shape = "single"
        if len(quantities) > 1:
            connector = text[quantities[0].end() : quantities[1].start()].strip().lower()
            if op == "between" or (r.ops["range"].get(connector) and connector != "and"):
                shape = "range"
            else:
                shape = "list"
        if op == "between" and shape != "range":
            op = None
        pre_text = (pre or "").strip().lower()
        old = pre_text.startswith(("older", "younger")) or bool(match.group("agekw"))
        old = (
            old
            or bool(match.group("old"))
            or bool(match.group("tail") and re.search(r"(?i)old|age", match.group("tail")))
        )
        found.append(
            _Value(
                start=match.start(),
                end=end,
                pre=(pre or "").strip().lower(),
                op=op,
                shape=shape,
                nums=nums,
                raws=raws,
                unit_written=unit_written,
                unit=unit,
                relative=relative,
                roman=roman,
                old=old,
                num_start=quantities[0].start(),
                source=text,
                units=units,
                parenthesized=text[: match.start()].rstrip().endswith("("),
            )
        )
    for match in g.relative_only.finditer(text):
        if any(v.start <= match.start() < v.end for v in found):
            continue
        op = r.op_for("prefix", match.group("pre"))
        rel = r.op_for("relative", _strip_paren(re.sub(r"(?i)^institutional\s+", "", match["rel"])))
        found.append(
            _Value(
                start=match.start(),
                end=match.end(),
                pre=match.group("pre").strip().lower(),
                op=op,
                shape="single",
                nums=[1.0],
                raws=["1"],
                unit_written=None,
                unit=None,
                relative=rel or "ULN",
                roman=False,
                old=False,
            )
        )
    found.sort(key=lambda v: v.start)
    for value in found:
        cond = grammar().condition.match(text, value.end)
        if cond and value.op is not None:
            value.condition = cond.group("cond").strip()
    return found


_SUM_AFTER = re.compile(r"\s*\+\s*\d")
_SUM_BEFORE = re.compile(r"\d\s*\+\s*$")


def _strip_of(pre: str) -> str:
    """The comparator of a prefix: "at least of" → "at least", "≥ level" → "≥"."""
    return grammar().strip_pre.sub("", " " + pre.strip()).strip()


def _strip_paren(rel: str) -> str:
    return re.sub(r"\s*\((?:ULN|LLN)\)$", "", rel.strip())


# ---------------------------------------------------------------- entities


# A colon right before a value labels it ("ASA: I-III", "Age: 20 years"), it does not end a clause.
_CLAUSE_BREAK = re.compile(r"[;]|:(?!\s*[<>≤≥=]?\s*(?:\d|(?:I{1,3}|IV|V)\b))|\.\s|\n")
_CHAIN_GAP = re.compile(r"(?i)^[\s,/&()+]*(?:and/or|and|or|&|/|,)?[\s,/&()]*(?:serum\s+)?$")
_INHERIT_GAP = re.compile(r"(?i)^[\s,;(]*(?:and/or|and|or|but|,)?[\s(]*$")
_AGE_ZONE = re.compile(
    r"(?i)^[\s\-–•*.)(\d]*(?:(?:male|female|men|women|adults?|patients?|participants?|subjects?|"
    r"children|boys|girls|volunteers?|and|or|of|both|sexes|genders?|healthy|aged?|between|"
    r"older|adults?|younger|any|must|be|who|are|is)\b[\s,;]*)*$"
)
_TRIM_WORDS = re.compile(
    r"(?i)(?:\b(?:of|is|are|must|be|should|was|were|has|have|had|a|an|the|with|than|to|at|"
    r"value|values|level|levels|score|count|concentration|result|results|measured|by|in|on|"
    r"that|which|as|defined|and|or)\b|[\s,:(=\-–])+$"
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
    for value in values:
        zone_start = previous_end
        for m in _CLAUSE_BREAK.finditer(text, previous_end):
            if m.start() >= value.start:
                break  # searched past value.start so that the colon rule sees the value
            zone_start = m.end()
        zone = text[zone_start : value.start]
        mentions = _mentions(zone)
        targets: list[tuple[str, str | None]] = []
        if mentions and len(zone) - mentions[-1][1] <= _MAX_GAP:
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
        elif previous is not None and previous.targets and _inherits(previous, value, text):
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
            targets = [("other", _fallback_entity(text, previous_end, value))]
        value.targets = [
            t for t in targets if _fits(value, t[0], variables) and _spelled_right(value, t)
        ]
        if value.targets:
            previous = value
            previous_end = value.end


_PERSON_YEARS = re.compile(
    r"(?i)\b(?:those|patients?|subjects?|participants?|men|women|males?|females?|adults?|"
    r"individuals?|persons?|people|volunteers?|children|adolescents?|teenagers?|boys|girls|"
    r"youths?|minors?|aged?|ages)(?:\s+(?:aged?|between|from|of))?\s*\(?\s*$"
)
# "patients 2 years after transplant" dates an event; it is no age.
_TIME_RELATION = re.compile(
    r"(?i)\s*\)?\s*(?:of\s+(?!age)|after|before|prior|since|from|post|ago|following|previously|"
    r"postmenopausal|post-?menopaus|out\s+(?:from|of)|beyond|earlier|later)\b"
)
_VERBAL_END = re.compile(r"(?i)(?:^|\s)(?:up|out|off|down|away)$")
_NO_ENTITY = frozenset(["there", "it", "this", "that", "these", "those", "which", "and", "or"])


def _sex_qualifiers(values: list[_Value], text: str) -> None:
    """Per-sex limits: "hemoglobin ≥ 13 g/dL for men and ≥ 12 g/dL for women", "QTcF > 450
    ms (men) or > 470 ms (women)", "Men with BMI > 42, females with BMI > 35". A qualifier
    after the value always restricts it; one opening the clause before the variable does
    only when the criterion names the other sex too ("Women with hemoglobin < 12 g/dL" says
    who may enrol)."""
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
            if any(other and other != sex for other in others):
                value.condition = sex


_LABEL = re.compile(r"[^;:.\n]*:\s*$")


def _drop_unknown(values: list[_Value]) -> None:
    """A number with no unit and nothing it measures ("defined as coughing up or spitting
    out ≥1 teaspoon …") stays unplaced: the criterion is partial, not wrong. (Run after
    ages are propagated: "≥ 3 and ≤ 18 years of age" names age once for both.)"""
    for value in values:
        if value.unit or value.relative:
            continue
        value.targets = [t for t in value.targets if t[0] != "other" or _known_entity(t[1])]


def _known_entity(entity: str | None) -> bool:
    """Whether fallback words name something measured: not empty, not only pronouns or
    generic subjects, not a phrasal verb whose object the number counts ("coughing up or
    spitting out ≥1 teaspoon")."""
    if not entity:
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w-]*", entity)]
    if not words or all(w in _NO_ENTITY or w in _GENERIC for w in words):
        return False
    return not _VERBAL_END.search(entity.strip())


def _spelled_right(value: _Value, target: tuple[str, str | None]) -> bool:
    """A misspelling names its variable only when the limit's unit converts to the
    variable's unit ("Creatine ≥1.5 mg/dL" is creatinine; "creatine 5 g/day" is not)."""
    variable, mention = target
    if not mention or " ".join(mention.lower().split()) not in rules().misspelled:
        return True
    return conversion_factor(variable, value.unit) is not None


_PERSON_AGE = re.compile(
    r"(?i)\b(?:patients?|subjects?|participants?|men|women|males?|females?|adults?|"
    r"individuals?|persons?|people|volunteers?|inpatients?|outpatients?)\s*$"
)


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
    if grammar().value.match(text, offset + mentions[0][1] + 1) or grammar().value.match(
        text, offset + mentions[0][1]
    ):
        return []  # the name starts the next limit
    chain = [mentions[0]]
    for mention in mentions[1:]:
        gap = window[chain[-1][1] : mention[0]]
        if not _CHAIN_GAP.match(gap) or not value.relative:
            break
        chain.append(mention)
    return [(offset + s, offset + e, v) for s, e, v in chain]


def _inherits(previous: _Value, value: _Value, text: str) -> bool:
    gap = text[previous.end : value.start]
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
_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


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


_FUNCTION = (
    r"(?:and|or|of|in|on|at|for|to|per|from|with|within|during|is|are|was|were|be|prior|before|"
    r"after|since|than|if|as|by|the|a|an|who|which|that|each|every|daily|weekly|using|"
    r"degrees?|points?|times|fold|c?Gy|units?|copies|cells|mmHg|ms|bpm|kg|g|mg|mL|ml|L|cm|mm|m)\b"
)
_AFTER_WORDS = re.compile(rf"\s*([A-Za-z][\w\-]*(?:\s+(?!(?i:{_FUNCTION}))[A-Za-z][\w\-]*){{0,3}})")
_AFTER_NOUN = re.compile(rf"(?!(?i:{_FUNCTION}))")
# A noun right after a limit names what it limits ("<2mm intraarticular stepoff").
_NOUN_AFTER = re.compile(rf"\s+(?!(?i:{_FUNCTION}))[A-Za-z][\w-]*(?![\w-]*/)")
# "a minimum of 10 mL of whole blood", "less than 50% of excess weight lost"
_OF_WHAT = re.compile(
    rf"(?:\s+per\s+[a-z]+)?\s+of\s+(?:the\s+)?((?!(?i:{_FUNCTION}))[A-Za-z][\w\-]*"
    rf"(?:\s+(?!(?i:{_FUNCTION}))[A-Za-z][\w\-]*){{0,3}})"
)
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]\s*|[-–•*]\s*)+")
_LAST_CLAUSE = re.compile(r"(?i)\b(?:who|which|that|with|having|has|have|had|whose|where)\b")
_LEAD_WORDS = re.compile(r"(?i)^(?:(?:if|when|where|the|a|an|any|all|both|each)\s+)+")
_GENERIC = frozenset(
    [
        "patient",
        "patients",
        "subject",
        "subjects",
        "participant",
        "participants",
        "men",
        "women",
        "male",
        "males",
        "female",
        "females",
        "adult",
        "adults",
        "individual",
        "individuals",
        "person",
        "persons",
        "people",
        "volunteer",
        "volunteers",
        "inpatient",
        "inpatients",
        "outpatient",
        "outpatients",
        "child",
        "children",
        "infant",
        "infants",
        "presence",
    ]
)
# "a score of greater than 5 on the Roland-Morris Disability Questionnaire": the scale is
# named after the value (also after a second limit: "a score > 1 or < -1 on the RASS").
_SCORE_BEFORE = re.compile(r"(?i)\b(?:scores?|points?)(?:\s+of)?\s*$")
_ON_SCALE = re.compile(
    r"(?i)\s*(?:points?\s+)?(?:(?:or|and)\s*[<>≤≥]=?\s*-?\d+(?:\.\d+)?\s+)?(?:on|in)\s+"
    r"(?:the\s+)?(?P<name>[^\s,;()]+(?:\s+[^\s,;()]+){0,7}?)(?<!\.)(?=\s*(?:[,;()]|\.(?:\s|$)|$))"
)


def _fallback_entity(text: str, floor: int, value: _Value) -> str | None:
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
        phrase = _LAST_CLAUSE.split(_LIST_MARK.sub("", segment.strip(" -–•*)]")))[-1]
        words = _LEAD_WORDS.sub("", _TRIM_WORDS.sub("", phrase.strip())).split()
        if words and all(w.lower() in _GENERIC for w in words):
            generic = True
            break
        if words:
            return " ".join(words[-6:])
        if phrase.strip() != segment.strip(" -–•*)]"):
            break  # "sites with at least 6 mm …": the words before "with" name something else
    after = _AFTER_WORDS.match(text, value.end)
    if after and (_AFTER_NOUN.match(after.group(1)) or not generic):
        return after.group(1)
    return None


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
    for pattern in rules().noise:
        for m in pattern.finditer(text, lo, value.end):
            if m.start() <= value.num_start < m.end():
                return True
    return False


# A time unit the value grammar left out: "33 Week", "24 + 0 weeks", "the 6 previous months"
# ("within 6-mo)"), but not "a >2.5-hour drive time": a hyphenated unit before a noun makes
# an attribute of that noun.
_TIME_WORD = r"(?:weeks?|months?|years?|days?|hours?|wks?|mos?|yrs?|hrs?)\b"
_PERIOD_AFTER = re.compile(
    rf"(?i)(?:\s*\+\s*\d+\s*|\s+)(?:(?:previous|past|last|preceding|prior)\s+)?{_TIME_WORD}"
    rf"|-{_TIME_WORD}(?![-\w])(?!\s+[A-Za-z])"
)


def _fits(value: _Value, variable: str, variables: dict[str, Variable]) -> bool:
    """Whether the value can be a limit on ``variable`` at all."""
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
        if value.roman and variable not in ("nyha", "asa"):
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


# -------------------------------------------------------------- thresholds


def _thresholds(values: list[_Value], criterion: Criterion, text: str) -> tuple[Threshold, ...]:
    variables = rules().variables
    base = criterion.start or 0
    exclusion = criterion.section == "exclusion"
    placed = [v for v in values if v.targets]
    groups = _groups(placed, text, criterion.id)
    cues = Cues(text) if placed else None
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
            comparator, number, number_max, listed = _comparator(value, small)
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
            eligible = (
                None
                if unknown or normalized is None
                else _eligible(comparator, normalized, listed, decision, var)
            )
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
                    condition=value.condition or decision.condition,
                    group=groups.get((index, variable)),
                    start=base + value.start,
                    end=base + value.end,
                )
            )
    return tuple(out)


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
    value: _Value, small_ordinal: bool
) -> tuple[str, float, float | None, tuple[float, ...] | None]:
    nums = value.nums
    if value.shape == "list":
        return "in", min(nums), None, tuple(sorted(set(nums)))
    if value.shape == "range":
        low, high = nums[0], nums[-1]
        if small_ordinal and low.is_integer() and high.is_integer() and low <= high:
            listed = tuple(float(n) for n in range(int(low), int(high) + 1))
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
        return Normalized(value=number, value_max=number_max, unit=_unit_name(unit))
    if listed is not None:
        if conversion_factor(variable, unit) is None:
            return None
        return Normalized(value=number, value_max=number_max, unit=_unit_name(unit))
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


def _unit_name(unit: str | None) -> str | None:
    if unit in ("year", "month", "week", "day", "hour", "minute"):
        return unit + "s"
    return unit


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
) -> Range | None:
    """The range a patient must fall in: the stated range, its complement (an
    exclusion, see :mod:`ctparse.nlp.polarity`), or None (a subgroup, or a complement
    that is two intervals)."""
    low, high = normalized.value, normalized.value_max
    if low is None or decision.sign == 0:
        return None
    exclusion = decision.sign < 0
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
        stated = Range(lower=low, lower_inclusive=True, upper=high, upper_inclusive=True)
    elif comparator == "=":
        stated = Range(lower=low, lower_inclusive=True, upper=low, upper_inclusive=True)
    elif comparator == "in" and listed:
        return _eligible_set(listed, exclusion, var.scale if var else None)
    else:
        return None
    if not exclusion:
        return stated
    if stated.lower is not None and stated.upper is not None:
        return None  # the complement of a closed interval is two intervals
    if stated.lower is not None:
        return Range(upper=stated.lower, upper_inclusive=not stated.lower_inclusive)
    return Range(lower=stated.upper, lower_inclusive=not stated.upper_inclusive)


def _eligible_set(
    listed: tuple[float, ...], exclusion: bool, scale: tuple[int, int] | None
) -> Range | None:
    """Bounds of an allowed set of grades; for an exclusion, of the grades left on the scale."""
    grades = sorted(listed)
    if exclusion:
        if scale is None:
            return None
        grades = [float(g) for g in range(scale[0], scale[1] + 1) if float(g) not in listed]
    if not grades or grades != [grades[0] + i for i in range(len(grades))]:
        return None
    return Range(lower=grades[0], lower_inclusive=True, upper=grades[-1], upper_inclusive=True)


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


_AGE_UNITS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365, "day": 1 / 365, "hour": 1 / 8760}


def _age_in_years(text: str | None) -> float | None:
    """``"18 Years"`` → 18.0, ``"6 Months"`` → 0.5; ``"N/A"`` → None."""
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+?)s?\s*", text)
    if not m or m.group(2).lower() not in _AGE_UNITS:
        return None
    return float(f"{float(m.group(1)) * _AGE_UNITS[m.group(2).lower()]:.6g}")
