"""Value expressions in criterion text: the compiled grammar and the scan.

One compiled expression finds every *value expression*: an optional comparator
phrase, one or more numbers joined as a range (``0-1``, ``18 to 65``,
``between 18 and 65``) or a list (``0, 1 or 2``), a scientific multiplier
(``× 10^9``), a unit, a ULN/LLN multiplier and a trailing comparator (``or
more``, ``and older``). :mod:`ctparse.nlp.entities` then says what each value
limits, and :mod:`ctparse.nlp.extract` turns them into thresholds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..resources import per_models
from . import numbers
from .rules import rules
from .units import (
    scientific_unit,
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
    relative_hint: re.Pattern[str]  # a relative phrase alone: the cheap test before relative_only
    condition: re.Pattern[str]
    prefix_before: re.Pattern[str]
    strip_pre: re.Pattern[str]
    qualifier_after: re.Pattern[str]
    qualifier_before: re.Pattern[str]
    qualifier_any: re.Pattern[str]
    cohort_after: re.Pattern[str]


@per_models
def grammar() -> Grammar:
    """The compiled value-expression grammar (built from the rule files once)."""
    r = rules()
    pre = rf"(?:(?<![A-Za-z])|(?![A-Za-z]))(?i:{r.patterns['prefix']}){_LETTER_EDGE}"
    post = (
        rf"(?:(?<![A-Za-z])|(?![A-Za-z]))(?i:{r.patterns['suffix']}){_LETTER_EDGE}"
        r"(?!\s+than\b)(?!\s*\d)"
    )
    # "the 99th percentile": the ordinal ending belongs to a rank
    rank = r"(?:(?<=\d)(?i:st|nd|rd|th)\s*(?=(?i:percentile|centile)))?"
    rel = rf"{rank}(?i:{r.patterns['relative']})(?![A-Za-z])(?:\s*\((?:ULN|LLN)\))?"
    unit = rf"(?:{r.unit_pattern})(?![A-Za-z])"
    sci = rf"{numbers.SCIENTIFIC}(?=\s*(?:/|cells|G\b|per\b|c/))"
    num = (
        rf"(?:{numbers.NUMBER}|(?<![A-Za-z]){numbers.ROMAN_NUMBER}|{numbers.UNICODE_ROMAN_NUMBER})"
    )
    conn = rf"(?i:{r.patterns['range']}|{r.patterns['list']})"
    # "between 50kg (inclusive) and 90kg (exclusive)": whether a bound is eligible
    # (comparators.jsonl kind "bound")
    bound = rf"\s*[(\[]\s*(?i:{r.patterns['bound']})\s*[)\]]"
    qty_plain = rf"{num}(?:\s*{sci.replace('?P<exp>', '')})?(?:\s*{unit})?(?:\s*{rel})?(?:{bound})?"
    qty_named = (
        rf"(?P<num>{num})(?:\s*(?P<sci>{sci}))?(?:\s*(?P<unit>{unit}))?(?:\s*(?P<rel>{rel}))?"
        rf"(?:\s*[(\[]\s*(?P<bound>(?i:{r.patterns['bound']}))\s*[)\]])?"
    )
    # "ALT ≥ level 50 IU/L": words naming what is limited, read through.
    # "less than an estimate of the 10th percentile": a filler may take its article
    filler = rf"(?i:{r.patterns['filler']})(?![A-Za-z])(?:\s+(?i:the|a|an)(?![A-Za-z]))?"
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
    noun = rf"(?i:{r.patterns['cohort']})s?(?![A-Za-z])"
    cohort = (
        rf"(?:(?i:the)\s+(?:(?!(?i:and|or|of)\b)[\w-]+\s+){{1,2}}{noun}"
        rf"(?:\s+(?:[A-Z]{{1,2}}\d?|\d{{1,2}}[A-Za-z]?|[IVX]{{1,4}}[ab]?)(?![\w]))?"
        rf"|{noun}\s+(?:[A-Z]{{1,2}}\d?|\d{{1,2}}[A-Za-z]?|[IVX]{{1,4}}[ab]?)(?![\w]))"
    )
    return Grammar(
        value=re.compile(value),
        quantity=re.compile(qty_named),
        relative_only=re.compile(relative_only),
        relative_hint=re.compile(rel),
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
        # "≥ 3 months for part A", "(Cohort 2)", "in the dose-escalation part"
        cohort_after=re.compile(
            rf"\s*(?:\(\s*(?:(?i:for|in)\s+)?(?P<paren>{cohort})\s*\)"
            rf"|,?\s*(?i:for|in|among)\s+(?P<word>{cohort}))"
        ),
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
    # Whether a range's lower and upper bounds are eligible ("(exclusive)" after one).
    closed: tuple[bool, bool] = (True, True)
    # The variable whose grades it writes as letters ("Child-Pugh B or C"), if it does.
    letter_of: str | None = None
    # A gestational age in weeks and days read as one value (:mod:`ctparse.nlp.gestation`).
    gestational: bool = False
    # Written before its comparator and name ("145 mmHg ≤ SBP"): see :func:`_mirrored`.
    mirrored: bool = False


# ------------------------------------------------------------------ values


def _range_ends(text: str, quantities: list[re.Match[str]], op: str | None) -> bool:
    """Whether the first two quantities are a range and the third is below its end."""
    connector = text[quantities[0].end() : quantities[1].start()].strip().lower()
    ranged = op == "between" or (rules().ops["range"].get(connector) and connector != "and")
    second, third = (numbers.parse_number(q.group("num")) for q in quantities[1:3])
    return bool(ranged) and second is not None and third is not None and third < second


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
        if len(quantities) > 2 and _range_ends(text, quantities, op):
            # "aged 12-17 and one parent": a range has two ends; a smaller number after
            # it counts something else.
            quantities = quantities[:2]
            end = quantities[1].end()
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
        marks = [
            not q.group("bound") or r.op_for("bound", q.group("bound")) != "exclusive"
            for q in quantities
        ]
        found.append(
            _Value(
                closed=(marks[0], marks[-1]) if shape == "range" else (True, True),
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
    for match in g.relative_only.finditer(text) if g.relative_hint.search(text) else ():
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
    found += [
        v
        for v in _letter_values(text)
        if not any(v.start < o.end and o.start < v.end for o in found)
    ]
    found.sort(key=lambda v: v.start)
    for value in found:
        _mirrored(value, text)
        cond = grammar().condition.match(text, value.end)
        if cond and value.op is not None:
            value.condition = cond.group("cond").strip()
    return found


#: A comparator after a value and before a name: "145 mmHg ≤ SBP ≤ 190 mmHg".
_OP_AFTER = re.compile(
    r"\s*(?P<op>≤|≥|<=|>=|=<|=>|<|>)\s*"
    r"(?=[A-Za-z])(?!(?i:ULN|LLN|upper|lower|normal|and|or|to|than|the\s+upper)\b)"
)
#: A number that ends a name ("CA 125 > ULN", "IL 6", "CD 4 < LLN"), not a limit.
_NAME_BEFORE = re.compile(r"(?<![A-Za-z])[A-Z]{1,4}[ -]?$")
_MIRROR = {"<=": ">=", ">=": "<=", "<": ">", ">": "<"}


def _mirrored(value: _Value, text: str) -> None:
    """A value written before the comparator and the name it limits ("145 mmHg ≤ SBP",
    "18 ≤ BMI ≤ 30") limits the name the other way round: SBP ≥ 145."""
    if value.op is not None or value.shape != "single" or value.relative:
        return
    if _NAME_BEFORE.search(text, 0, value.start):
        return
    match = _OP_AFTER.match(text, value.end)
    op = rules().op_for("prefix", match.group("op")) if match else None
    if match and op in _MIRROR:
        value.op, value.end, value.mirrored = _MIRROR[op], match.end(), True


_SUM_AFTER = re.compile(r"\s*\+\s*\d")
_SUM_BEFORE = re.compile(r"\d\s*\+\s*$")


def _strip_of(pre: str) -> str:
    """The comparator of a prefix: "at least of" → "at least", "≥ level" → "≥"."""
    return grammar().strip_pre.sub("", " " + pre.strip()).strip()


def _strip_paren(rel: str) -> str:
    """The relative phrase without "(ULN)" after it or a rank's ending before it."""
    rel = re.sub(r"(?i)^(?:st|nd|rd|th)\s*", "", rel.strip())
    return re.sub(r"\s*\((?:ULN|LLN)\)$", "", rel)


# ------------------------------------------------------------ letter grades

_LETTER_OPS = {
    "≥": ">=", ">=": ">=", "at least": ">=", ">": ">", "greater than": ">", "more than": ">",
    "worse than": ">", "≤": "<=", "<=": "<=", "at most": "<=", "<": "<", "less than": "<",
    "better than": "<",
}  # fmt: skip
_LETTER_POST = {"higher": ">=", "above": ">=", "more": ">=", "greater": ">=", "worse": ">=",
                "lower": "<=", "below": "<=", "less": "<=", "better": "<="}  # fmt: skip
_LETTER_RANGE = frozenset({"-", "–", "to"})


@dataclass(frozen=True)
class _LetterScale:
    variable: str
    letters: tuple[str, ...]
    letter: re.Pattern[str]  # one letter grade
    limit: re.Pattern[str]  # a limit written with them ("Child-Pugh class B or C")


@per_models
def _letter_scales() -> list[_LetterScale]:
    """The variables graded by letters, each with the expressions of its limits, read
    after its own names and those of the variable it is a graded form of."""
    r = rules()
    ops = "|".join(re.escape(o) for o in sorted(_LETTER_OPS, key=len, reverse=True))
    out = []
    for variable in r.variables.values():
        if not variable.letters:
            continue
        named = {variable.id, variable.letters_after}
        names = sorted(
            {n for n, v in r.variable_of.items() if v in named} | set(variable.letter_names),
            key=len,
            reverse=True,
        )
        one = rf"(?:{'|'.join(map(re.escape, variable.letters))})(?![A-Za-z0-9])"
        limit = (
            # the comparator may come first: "liver insufficiency > Child B"
            rf"(?:(?P<lead>(?i:{ops}))\s*)?"
            rf"(?<![A-Za-z])(?P<name>(?i:{'|'.join(map(re.escape, names))}))"
            r"(?:\s+(?i:class(?:ification)?|category|grade|stage|score))?"
            rf"\s*(?::|=|(?i:of))?\s*(?P<pre>(?i:{ops}))?\s*"
            rf"(?P<letters>{one}(?:\s*(?:,|/|-|–|(?i:to|or|and|and/or))\s*{one})*)"
            rf"(?:\s+(?i:or)\s+(?P<post>(?i:{'|'.join(_LETTER_POST)}))(?![A-Za-z]))?"
        )
        out.append(_LetterScale(variable.id, variable.letters, re.compile(one), re.compile(limit)))
    return out


def holds_letter_grades(text: str) -> bool:
    """Whether a text may limit a scale graded by letters (the cheap test beside
    :func:`ctparse.nlp.numbers.may_hold_a_limit`)."""
    return any(scale.limit.search(text) for scale in _letter_scales())


def _letter_values(text: str) -> list[_Value]:
    """Limits on a scale graded by letters: "Child-Pugh A" (grade 1), "Child-Pugh
    class B or C" (2, 3), "Child-Pugh ≥ B", "Child-Pugh B or worse"."""
    found = []
    for scale in _letter_scales():
        for m in scale.limit.finditer(text):
            raws = scale.letter.findall(m["letters"])
            between = [c.strip().lower() for c in scale.letter.split(m["letters"])[1:-1]]
            shape = "single" if len(raws) == 1 else "list"
            if len(raws) == 2 and between[0] in _LETTER_RANGE:
                shape = "range"
            pre = (m["pre"] or m["lead"] or "").lower()
            op = _LETTER_OPS.get(pre) or (_LETTER_POST[m["post"].lower()] if m["post"] else None)
            if op and shape != "single":
                continue  # "≥ B or C": no one reading
            found.append(
                _Value(
                    start=next(m.start(g) for g in ("pre", "lead", "letters") if m[g]),
                    end=m.end(),
                    pre=pre,
                    op=op,
                    shape=shape,
                    nums=[float(scale.letters.index(r) + 1) for r in raws],
                    raws=raws,
                    unit_written=None,
                    unit=None,
                    relative=None,
                    roman=False,
                    old=False,
                    num_start=m.start("letters"),
                    source=text,
                    units=[None] * len(raws),
                    letter_of=scale.variable,
                    targets=[(scale.variable, m["name"])],
                )
            )
    return found


@dataclass(frozen=True)
class _ClassOf:
    variable: str
    after: re.Pattern[str]  # the condition, right after it: "III or IV heart failure"
    named_before: re.Pattern[str]  # the condition, then "class": "heart failure (class"


_CLASS_WORD = r"(?i:(?:functional\s+)?(?:class|stage))"
_CLASS_BEFORE = re.compile(rf"(?<![A-Za-z]){_CLASS_WORD}\s*(?::|=|(?i:of))?\s*$")  # "class"


@per_models
def _classes_of() -> list[_ClassOf]:
    """The scales a bare "class" grades when a condition of theirs is beside it."""
    out = []
    for variable in rules().variables.values():
        if not variable.class_of:
            continue
        names = "|".join(
            # an all-capitals abbreviation ("CHF") is matched as written
            re.escape(n) if n.isupper() else f"(?i:{re.escape(n)})"
            for n in sorted(variable.class_of, key=len, reverse=True)
        )
        condition = rf"(?:(?i:congestive|chronic|symptomatic)\s+)?(?P<name>{names})(?![A-Za-z])"
        out.append(
            _ClassOf(
                variable.id,
                re.compile(rf"\s*{condition}"),
                re.compile(
                    rf"{condition}\s*(?:\(|:|-|(?i:of|with))?\s*"
                    rf"(?:[<>≤≥]=?\s*)?{_CLASS_WORD}\s*(?::|=|(?i:of))?\s*$"
                ),
            )
        )
    return out


def class_of(text: str, start: int, end: int) -> tuple[str, str, int] | None:
    """The scale a value written with a bare "class" beside a condition grades, as
    (variable, the condition as written, where "class" starts): "Class III or IV heart
    failure", "heart failure (class 3 or 4)", "CHF > class II" are NYHA classes; "class
    II obesity" is none.

    >>> class_of("Class III or IV heart failure", 6, 15)
    ('nyha', 'heart failure', 0)
    >>> class_of("class II obesity", 6, 8) is None
    True
    """
    word = _CLASS_BEFORE.search(text, max(0, start - 24), start)
    if word is None:
        return None
    for scale in _classes_of():
        after = scale.after.match(text, end)
        if after is not None:
            return scale.variable, after["name"], word.start()
        named = scale.named_before.search(text, max(0, start - 60), start)
        if named is not None:
            return scale.variable, named["name"], word.start()
    return None
