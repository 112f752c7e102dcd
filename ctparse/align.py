"""Two studies → a :class:`~ctparse.schema.Comparison`.

The criteria of each study are lined up in three passes:

1. **Thresholds by variable.** Every limit on one variable (under one
   condition) is reduced to the range of values a patient may have to be
   eligible (``Threshold.eligible``, canonical units). Equal ranges are
   ``same``; if one range contains the other the narrower side is stricter;
   otherwise ``different``. A limit relative to the ULN is not comparable to an
   absolute one.
2. **Time windows by what they constrain** (event and anchor). A longer
   washout ("no chemotherapy within 4 weeks before the first dose") is
   stricter; so is a shorter "must have X within N days". Periods are
   compared in the finer of the two written units when one converts exactly
   into the other (months↔years, weeks↔years as 52, days↔weeks), else in
   days (month = 30, year = 365): 12 months = 1 year, 52 weeks = 1 year,
   30 days = 1 month, but 4 weeks < 1 month. Details are worded from the
   window's fields ("excludes weight loss > 10% within 3 months before
   screening"), without the clause glue an event text may carry.
3. **The rest by text similarity** (acronyms of ``models/acronyms.jsonl``
   spelled out, word order ignored), with an optimal one-to-one assignment
   above a similarity floor; a pair is ``same`` when both say the same thing
   (also when only hedges such as "past"/"confirmed" and examples "(such as
   …)" differ), ``different`` otherwise, saying which words only one side
   has. What stays alone is ``only_a`` / ``only_b``.

"Stricter" always means: fewer patients are eligible on that criterion.
``align`` is pure apart from running the NLP pipeline on the criteria text
(or pass the criteria in).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from . import matching
from .align_study import study_diffs
from .limits import Limit, compare_limits, describe, label, limits, number
from .limits import stated as stated_text
from .schema import (
    Comparison,
    Criterion,
    Pair,
    Study,
    StudyRef,
    Summary,
    Threshold,
    Verdict,
    Window,
)

#: Text pairs scoring below this (weighted Dice of content words) stay alone.
SIMILARITY_FLOOR = 0.35
#: Text pairs at or above this, stating the same numbers, say the same thing.
SAME_TEXT = 0.85
#: Window events must be at least this similar to be lined up.
EVENT_FLOOR = 0.5


def align(
    a: Study,
    b: Study,
    *,
    criteria_a: Sequence[Criterion] | None = None,
    criteria_b: Sequence[Criterion] | None = None,
) -> Comparison:
    """Compare two studies field by field and criterion by criterion.

    Args:
        a, b: the studies; ``a`` is "A" in every verdict.
        criteria_a, criteria_b: their criteria with thresholds and windows;
            by default the NLP pipeline is run on each eligibility text.
    """
    if criteria_a is None:
        criteria_a = criteria_of(a)
    if criteria_b is None:
        # Comparing a study with another copy of itself: run the pipeline once.
        same_text = a.eligibility == b.eligibility
        criteria_b = criteria_a if same_text else criteria_of(b)
    criteria_a, criteria_b = leaves(criteria_a), leaves(criteria_b)
    has_a, has_b = has_criteria(a), has_criteria(b)
    rows, neither = study_diffs(a, b)
    pairs = align_criteria(
        tuple(criteria_a), tuple(criteria_b), missing_a=not has_a, missing_b=not has_b
    )
    notes = []
    for side, study, has, other in (("A", a, has_a, "B"), ("B", b, has_b, "A")):
        if not has:
            notes.append(
                f"{side} ({study.ref}) has no eligibility criteria in its record "
                f"({study.source.format}): every criterion of {other} is listed as "
                f"only {other}; the study-level comparison is complete."
            )
    if neither:
        notes.append("Not stated in either record: " + ", ".join(neither) + ".")
    counts = {v: 0 for v in Summary.__dataclass_fields__}
    for pair in pairs:
        counts[pair.verdict] += 1
    return Comparison(
        a=_ref(a, has_a),
        b=_ref(b, has_b),
        study=rows,
        pairs=pairs,
        summary=Summary(**counts),
        notes=tuple(notes),
    )


def leaves(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    """The atomic criteria: a registry line split into pieces is represented
    by its pieces (``Criterion.parent``), so nothing is counted twice."""
    parents = {c.parent for c in criteria if c.parent}
    return tuple(c for c in criteria if c.id not in parents)


def has_criteria(study: Study) -> bool:
    """Whether the record carries eligibility criteria text at all."""
    text = study.eligibility.criteria_text
    return bool(text and text.strip())


def criteria_of(study: Study) -> tuple[Criterion, ...]:
    """The study's criteria with thresholds and windows (the NLP pipeline),
    followed by its structured age limits."""
    from .nlp.study import study_criteria  # spaCy: imported only when needed

    return tuple(study_criteria(study).criteria)


def _ref(study: Study, has: bool) -> StudyRef:
    return StudyRef(
        nct_id=study.nct_id,
        title=study.title,
        local_id=study.local_id,
        has_criteria=has,
        source=study.source.format,
    )


# ---------------------------------------------------------------- the passes


def align_criteria(
    criteria_a: tuple[Criterion, ...],
    criteria_b: tuple[Criterion, ...],
    *,
    missing_a: bool = False,
    missing_b: bool = False,
) -> tuple[Pair, ...]:
    """Line up two lists of criteria (see the module docstring)."""
    order = {("a", c.id): i for i, c in enumerate(criteria_a)}
    order.update({("b", c.id): i for i, c in enumerate(criteria_b)})
    pairs, used_a, used_b = _threshold_pairs(criteria_a, criteria_b)
    pairs.extend(_window_pairs(criteria_a, criteria_b))
    used_a.update(p.a for p in pairs if p.a)
    used_b.update(p.b for p in pairs if p.b)
    rest_a = [c for c in criteria_a if c.id not in used_a]
    rest_b = [c for c in criteria_b if c.id not in used_b]
    pairs.extend(_text_pairs(rest_a, rest_b, missing_a=missing_a, missing_b=missing_b))

    def key(pair: Pair) -> tuple[int, int, int, str]:
        rank = {"inclusion": 0, "exclusion": 1}.get(pair.section or "", 2)
        if pair.a is not None:
            return (rank, order[("a", pair.a)], 0, pair.variable or "")
        return (rank, 10_000 + order[("b", pair.b or "")], 0, pair.variable or "")

    return tuple(sorted(pairs, key=key))


# ------------------------------------------------------------ 1. thresholds


def _pair(
    ca: Criterion | None,
    cb: Criterion | None,
    variable: str | None,
    verdict: Verdict,
    detail: str,
    similarity: float | None = None,
) -> Pair:
    first = ca or cb
    assert first is not None
    return Pair(
        a=ca.id if ca else None,
        b=cb.id if cb else None,
        variable=variable,
        verdict=verdict,
        detail=detail,
        similarity=None if similarity is None else round(similarity, 3),
        a_text=ca.text if ca else None,
        b_text=cb.text if cb else None,
        section=first.section,
    )


def _threshold_pairs(
    criteria_a: Sequence[Criterion], criteria_b: Sequence[Criterion]
) -> tuple[list[Pair], set[str], set[str]]:
    """Pairs by variable, and the ids of every criterion they settle (all the
    criteria limiting a paired variable, not only the one shown)."""
    limits_a, limits_b = limits(criteria_a), limits(criteria_b)
    pairs: list[Pair] = []
    used_a: set[str] = set()
    used_b: set[str] = set()
    for key in [*limits_a, *(k for k in limits_b if k not in limits_a)]:
        by_ref_a, by_ref_b = limits_a.get(key, {}), limits_b.get(key, {})
        if not by_ref_a or not by_ref_b:
            continue  # one-sided: settled by the text pass or below
        common = [r for r in by_ref_a if r in by_ref_b]
        if common:
            # Compare like with like; prefer absolute limits.
            ref = None if None in common else common[0]
            la, lb = by_ref_a[ref], by_ref_b[ref]
        else:
            la, lb = next(iter(by_ref_a.values())), next(iter(by_ref_b.values()))
        verdict, detail = compare_limits(la, lb)
        if key[1]:
            detail = f"{detail} (when {key[1]})"
        pairs.append(_pair(_binding(la, key), _binding(lb, key), key[0], verdict, detail))
        used_a.update(c.id for limit in by_ref_a.values() for c in limit.criteria)
        used_b.update(c.id for limit in by_ref_b.values() for c in limit.criteria)
    # Limits of one side only, inside criteria already lined up on another variable.
    for side, found, other, used in (
        ("a", limits_a, limits_b, used_a),
        ("b", limits_b, limits_a, used_b),
    ):
        for key, by_ref in found.items():
            if key in other:
                continue
            limit = next(iter(by_ref.values()))
            criterion = limit.criteria[0]
            if criterion.id not in used:
                continue
            other_name = "B" if side == "a" else "A"
            detail = f"{other_name} sets no limit on {label(key[0])} ({describe(limit)} here)"
            pairs.append(
                _pair(
                    criterion if side == "a" else None,
                    criterion if side == "b" else None,
                    key[0],
                    "only_a" if side == "a" else "only_b",
                    detail,
                )
            )
    return pairs, used_a, used_b


def _binding(limit: Limit, key: tuple[str, str]) -> Criterion:
    """The criterion that states the whole limit on its own, else the first one
    (age ≥ 18 in the text plus a structured maximum of 80: the structured one)."""
    for criterion in limit.criteria:
        alone = limits([criterion]).get(key, {}).get(limit.relative_to)
        if alone and (alone.eligible, alone.values) == (limit.eligible, limit.values):
            return criterion
    return limit.criteria[0]


# --------------------------------------------------------------- 2. windows


def _longer_is_stricter(criterion: Criterion, window: Window) -> bool:
    """Exclusion "X within N days before …" (a washout): longer is stricter;
    inclusion "X within N days": shorter is stricter; "at least N days": the
    other way round."""
    at_least = window.comparator in (">", ">=")
    exclusion = criterion.section != "inclusion"
    return exclusion != at_least


#: Calendar units that convert exactly into a coarser one. Two periods are
#: compared in these units when both are written in them (12 months = 1 year,
#: 52 weeks = 1 year, 14 days = 2 weeks); otherwise in days (month = 30,
#: year = 365), so 30 days = 1 month but 4 weeks (28 days) ≠ 1 month.
CALENDAR = {("month", "year"): 12, ("week", "year"): 52, ("day", "week"): 7}


@dataclass(frozen=True)
class Period:
    """Two windows' periods in one unit (the finer written unit, or days)."""

    a: float
    b: float
    unit: str

    @property
    def same(self) -> bool:
        return abs(self.a - self.b) <= 1e-9 * max(abs(self.a), abs(self.b), 1.0)

    def gap(self) -> str:
        """|a − b| in words ("7 days", "6 months")."""
        return _amount(abs(self.a - self.b), self.unit)


def periods(x: Window, y: Window) -> Period:
    """The periods of two windows in a common unit (see :data:`CALENDAR`)."""
    ux, uy = x.unit, y.unit
    if x.value is not None and y.value is not None and ux and uy:
        if ux == uy:
            return Period(x.value, y.value, ux)
        for (fine, coarse), size in CALENDAR.items():
            if {ux, uy} == {fine, coarse}:
                return Period(
                    x.value * (size if ux == coarse else 1),
                    y.value * (size if uy == coarse else 1),
                    fine,
                )
    assert x.days is not None and y.days is not None
    return Period(x.days, y.days, "day")


def _amount(value: float, unit: str | None) -> str:
    if not unit:
        return number(value)
    return f"{number(value)} {unit}{'' if value == 1 else 's'}"


# Clause glue around the event a window constrains. The extractor's event text
# may be a clean noun phrase ("weight loss") or run over clause boundaries
# ("the beginning of screening and must agree to continue using contraceptive
# methods"); the part nearest the period is what the period qualifies.
_CLAUSE = re.compile(
    r"[,;:]\s*(?:(?:and|or|but)\s+)?(?:if|when|whenever|where|unless|once|which|who)\b"
    r"|\band\s+(?=(?:must|should|shall|will|agrees?|need|are\s+required)\b)"
    r"|\b(?:must|should|shall|needs?\s+to|ha(?:s|ve)\s+to|(?:is|are)\s+required\s+to"
    r"|agree(?:s|d)?\s+to|(?:is|are)\s+willing\s+to)\b",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:(?:and|or|but|then|also|if|when|who|which|that|the|a|an|any|of|to|be|been|being"
    r"|continue|continues|continuing|undergo|undergoes|take|takes|taking|use|uses|using"
    r"|receive|receives|received|receiving|have|has|had|having|perform|performed|get|show)\s+)+",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"^(?:excluding|without|no|not|never)\s+", re.IGNORECASE)
_TAIL = re.compile(
    r"(?:[\s,;:(\-–]+(?:and|or|but|until|if|when|of|for|to|from|by|with|in|at|on|the|a|an"
    r"|used|using|occurs?|occurred|was|were|is|are|be|been|being|that|which|who|during"
    r"|within|since|having|has|have|had|than|after|before|prior))+[\s,;:(\-–]*$"
    r"|[\s,;:(\-–]+$",
    re.IGNORECASE,
)
_ALLOWANCE = re.compile(
    r"\s*\b(?:are|is|be|were|will\s+be)\s+(?:allowed|permitted|eligible)\b"
    r"(?:\s+to\s+(?:enroll|enrol|be\s+enrolled|be\s+included|participate))?"
    r"|\ballows?\s+(?:for\s+)?(?:inclusion|enrol\w*)"
    r"|\b(?:may|can)\s+(?:be\s+)?(?:enrolled|included|eligible|participate)\b",
    re.IGNORECASE,
)
#: Longer event texts are cut at a word boundary, with "…".
EVENT_CHARS = 60
#: What an event that is all glue ("and the") is called.
UNNAMED = "(event not stated)"


@dataclass(frozen=True)
class Event:
    text: str
    negated: bool = False  # "excluding blood transfusions used within 14 days"
    until: bool = False  # "… from screening until 120 days after the last dose"
    allowance: bool = False  # "… are allowed to enroll if clinically stable for 2 weeks"


def _tail(text: str) -> tuple[str, bool]:
    """``text`` without trailing glue words, and whether "until" was among them."""
    match = _TAIL.search(text)
    if not match:
        return text, False
    until = re.search(r"\buntil\b", match.group(0), re.IGNORECASE) is not None
    return text[: match.start()], until


def clean_event(event: str) -> Event:
    """What a window constrains, as a short noun phrase without clause glue.

    >>> clean_event("patients of childbearing potential must undergo a pregnancy test").text
    'pregnancy test'
    """
    text = " ".join(event.split())
    allowance = False
    match = _ALLOWANCE.search(text)
    if match:
        allowance = True
        text = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
    pieces = [p for p in _CLAUSE.split(text)]
    text = next((p for p in reversed(pieces) if _LEAD.sub("", p.strip()).strip()), text)
    text, until = _tail(text.strip())
    negated = False
    for _ in range(3):  # "and the", "excluding any": glue, then negation, then glue
        stripped = _LEAD.sub("", text)
        negation = _NEGATION.match(stripped)
        if negation:
            negated, stripped = True, stripped[negation.end() :]
        if stripped == text:
            break
        text = stripped
    text, until_again = _tail(text.strip())
    text = text.strip()
    if not text or _LEAD.fullmatch(text + " ") or _CLAUSE.fullmatch(text):
        text = UNNAMED
    if len(text) > EVENT_CHARS:
        cut = text[: EVENT_CHARS + 1].rsplit(" ", 1)[0]
        cut, _ = _tail(cut)
        text = (cut or text[:EVENT_CHARS]).rstrip() + "…"
    return Event(text, negated, until or until_again, allowance)


def _same_event_threshold(criterion: Criterion, event: str) -> Threshold | None:
    """A threshold of the criterion on the very thing the window constrains
    ("weight loss > 10% in the 3 months before screening")."""
    words = set(matching.tokens(event))
    if not words:
        return None
    for threshold in criterion.thresholds:
        names = (threshold.entity or "", label(threshold.variable))
        for name in names:
            other = set(matching.tokens(name))
            if other and (other <= words or words <= other):
                return threshold
    return None


def _allowed_here(criterion: Criterion, window: Window) -> bool:
    """Whether the window sits in a sentence that allows something ("Subjects
    with treated brain metastases are allowed to enroll if … and have
    discontinued corticosteroids for 7 days before …")."""
    if window.start is None or criterion.start is None:
        return False
    offset = window.start - criterion.start
    if not 0 <= offset <= len(criterion.text):
        return False
    before = re.split(r"[.;]\s", criterion.text[:offset])[-1]
    return _ALLOWANCE.search(before) is not None


def _in_allowance(criterion: Criterion, start: int | None) -> bool:
    """Whether a limit names a subgroup that its sentence lets in ("For subjects
    with grade ≥2 endocrine adverse events, if …, enrollment is allowed"): the
    sentence opens on the subgroup (the polarity rules' subgroup openers) and
    grants entry after the limit. Such a limit says who may enter, not what
    everyone must meet; a limit placed after the grant ("allowed if stable for
    at least 2 weeks") is still a requirement."""
    if start is None or criterion.start is None:
        return False
    offset = start - criterion.start
    if not 0 <= offset <= len(criterion.text):
        return False
    head = re.split(r"[.;]\s", criterion.text[:offset])[-1]
    tail = re.split(r"[.;]\s", criterion.text[offset:])[0]
    return _ALLOWANCE.search(tail) is not None and any(
        opener.match(head.lstrip()) for opener in _subgroup_openers()
    )


@cache
def _subgroup_openers() -> tuple[re.Pattern[str], ...]:
    from .nlp.polarity import polarity_rules

    return tuple(r.regex for r in polarity_rules() if r.kind == "subgroup" and r.scope == "start")


def _period_text(window: Window, *, with_days: bool, until: bool) -> str:
    """ "within 3 months before screening", "for at least 2 weeks (14 days)"."""
    if window.value is not None and window.unit:
        amount = _amount(window.value, window.unit)
        if window.value_max is not None:
            amount = f"{number(window.value)}–{_amount(window.value_max, window.unit)}"
        if with_days and window.days is not None and window.unit not in ("day", "days"):
            amount += f" ({_amount(window.days, 'day')})"
    else:
        amount = _amount(window.days or 0, "day")
    where = ""
    if window.anchor:
        anchor = window.anchor.replace("_", " ")
        where = f" {window.direction} {anchor}" if window.direction else f" at {anchor}"
    if until:
        return f"until {amount}{where}"
    lead = {"<=": "within", "<": "within", ">=": "at least", ">": "more than"}
    how = lead.get(window.comparator or "", "")
    if window.comparator == "=" or (not where and window.comparator in (">=", ">", None)):
        # A duration: "stable for at least 2 weeks", "contraception for 120 days
        # after the last dose".
        how = f"for {how}".strip()
    return f"{how} {amount}{where}".strip()


def window_phrase(
    criterion: Criterion,
    window: Window,
    *,
    both: bool = False,
    with_days: bool = False,
    threshold: Threshold | None = None,
) -> str:
    """A window in words, from its fields: "excludes weight loss > 10% within
    3 months before screening", "requires urine or serum pregnancy test within
    3 days before first dose", "allows treated brain metastases if they are
    clinically stable for at least 2 weeks". ``both`` gives the plural verb."""
    event = clean_event(window.event or "")
    text = event.text
    threshold = threshold or _same_event_threshold(criterion, window.event or "")
    if threshold is not None:
        text = f"{text} {stated_text(threshold)}"
    if event.allowance or _allowed_here(criterion, window):
        verb = "allow"
    elif criterion.section == "inclusion":
        verb = "require"
        if event.negated:
            text = f"no {text}"
    elif criterion.section == "exclusion":
        verb = "exclude"
        if event.negated:
            text = f"no {text}"
    else:
        verb = "concern"
    verb = verb if both else verb + "s"
    period = _period_text(window, with_days=with_days, until=event.until)
    return f"{verb} {text} {period}"


def _event_tokens(window: Window) -> list[str]:
    return matching.tokens(window.event or "")


def _compare_windows(ca: Criterion, x: Window, cb: Criterion, y: Window) -> tuple[Verdict, str]:
    period = periods(x, y)
    # "4 weeks (28 days)" when the periods are compared in days.
    in_days = period.unit == "day" and x.unit != y.unit and "day" not in (x.unit, y.unit)
    pa = window_phrase(ca, x, with_days=in_days)
    pb = window_phrase(cb, y, with_days=in_days)
    if period.same:
        if pa == pb:
            return "same", "both " + window_phrase(ca, x, both=True)
        equal = ""
        if x.unit != y.unit and x.value is not None and y.value is not None:
            equal = f" ({_amount(x.value, x.unit)} = {_amount(y.value, y.unit)})"
        return "same", f"A {pa}; B {pb}: the same period{equal}"
    longer_a = period.a > period.b
    longer_stricter = _longer_is_stricter(ca, x)
    if longer_stricter != _longer_is_stricter(cb, y):
        return "different", f"A {pa}; B {pb} (one includes, the other excludes)"
    a_stricter = longer_a == longer_stricter
    what = "washout" if longer_stricter else "window"
    return ("a_stricter" if a_stricter else "b_stricter"), (
        f"A {pa}; B {pb}: {'A' if longer_a else 'B'}'s {what} is {period.gap()} longer"
    )


def _window_pairs(criteria_a: Sequence[Criterion], criteria_b: Sequence[Criterion]) -> list[Pair]:
    wa = [(c, w) for c in criteria_a for w in c.windows if w.event and w.days is not None]
    wb = [(c, w) for c in criteria_b for w in c.windows if w.event and w.days is not None]
    if not wa or not wb:
        return []
    weights = matching.idf([_event_tokens(w) for _, w in wa + wb])
    scores = []
    for _, x in wa:
        row = []
        for _, y in wb:
            compatible = (x.anchor == y.anchor or not x.anchor or not y.anchor) and (
                x.direction == y.direction or not x.direction or not y.direction
            )
            if not compatible:
                row.append(0.0)
            elif matching.normalize(x.event or "") == matching.normalize(y.event or ""):
                row.append(1.0)
            else:
                row.append(matching.similarity(_event_tokens(x), _event_tokens(y), weights))
        scores.append(row)
    pairs = []
    for i, j in matching.assign(scores, floor=EVENT_FLOOR):
        (ca, x), (cb, y) = wa[i], wb[j]
        verdict, detail = _compare_windows(ca, x, cb, y)
        pairs.append(_pair(ca, cb, None, verdict, detail, scores[i][j]))
    return pairs


# ------------------------------------------------------------------ 3. text


def _text_pairs(
    rest_a: Sequence[Criterion],
    rest_b: Sequence[Criterion],
    *,
    missing_a: bool,
    missing_b: bool,
) -> list[Pair]:
    texts_a = [_Text.of(c.text) for c in rest_a]
    texts_b = [_Text.of(c.text) for c in rest_b]
    weights = matching.idf([t.tokens for t in texts_a + texts_b])
    core_weights = matching.idf([sorted(t.core) for t in texts_a + texts_b])
    scores = [
        [
            max(
                matching.similarity(ta.tokens, tb.tokens, weights),
                matching.similarity(sorted(ta.core), sorted(tb.core), core_weights),
            )
            if _same_section(ca, cb)
            else 0.0
            for cb, tb in zip(rest_b, texts_b, strict=True)
        ]
        for ca, ta in zip(rest_a, texts_a, strict=True)
    ]
    pairs = []
    matched = matching.assign(scores, floor=SIMILARITY_FLOOR)
    for i, j in matched:
        ca, cb = rest_a[i], rest_b[j]
        score = matching.similarity(texts_a[i].tokens, texts_b[j].tokens, weights)
        verdict, detail = _compare_texts(ca, cb, score, texts_a[i], texts_b[j])
        variable = next((t.variable for t in ca.thresholds + cb.thresholds), None)
        pairs.append(_pair(ca, cb, variable, verdict, detail, scores[i][j]))
    lone_a = sorted(set(range(len(rest_a))) - {i for i, _ in matched})
    lone_b = sorted(set(range(len(rest_b))) - {j for _, j in matched})
    for i in lone_a:
        pairs.append(_alone(rest_a[i], "a", missing_other=missing_b))
    for j in lone_b:
        pairs.append(_alone(rest_b[j], "b", missing_other=missing_a))
    return pairs


def _same_section(ca: Criterion, cb: Criterion) -> bool:
    return ca.section == cb.section or "unknown" in (ca.section, cb.section)


#: Examples of a general term: "(such as Crohn's disease or ulcerative colitis)",
#: ", including but not limited to …" up to the end of the sentence.
_EXAMPLES = re.compile(
    r"\(\s*(?:such\s+as|e\.?\s?g\.?|i\.?\s?e\.?|including|for\s+(?:example|instance)|like)"
    r"\b[^()]*\)"
    r"|,?\s*\b(?:such\s+as|including(?:\s+but\s+not\s+limited\s+to)?)\b[^.;()]*(?=[.;]|$)",
    re.IGNORECASE,
)
#: Words that do not change whom a criterion admits: "active or past history of
#: confirmed X" and "history or active X" say the same.
HEDGES = frozenset(
    matching.word_key(w)
    for w in ("past", "confirmed", "documented", "known", "diagnosed", "evidence", "any")
)


@dataclass(frozen=True)
class _Text:
    """A criterion's text as the text pass sees it."""

    expanded: str  # acronyms spelled out
    tokens: list[str]  # content words of the expanded text (bag, any order)
    core: frozenset[str]  # loose content words without examples and hedges
    examples: tuple[str, ...]  # the examples left out of ``core``

    @classmethod
    def of(cls, text: str) -> _Text:
        expanded = matching.expand(text)
        examples = tuple(
            " ".join(m.group(0).strip(" ,").split()) for m in _EXAMPLES.finditer(expanded)
        )
        core = frozenset(
            t for t in matching.loose_tokens(_EXAMPLES.sub(" ", expanded)) if t not in HEDGES
        )
        return cls(expanded, matching.tokens(expanded), core, examples)


def _word_runs(words: list[str], limit: int = 80) -> str:
    """Runs of words for a detail, stop words trimmed at their edges, cut with …"""
    runs = []
    for run in words:
        kept = run.split()
        while kept and kept[0].lower().strip("(),;:") in matching.STOPWORDS:
            kept.pop(0)
        while kept and kept[-1].lower().strip("(),;:") in matching.STOPWORDS:
            kept.pop()
        if kept:
            runs.append(" ".join(kept).strip("(),;: "))
    text = ", ".join(r for r in runs if r)
    if len(text) > limit:
        text = text[: limit + 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
    return text


def _wording(ta: _Text, tb: _Text) -> str:
    """What one text says that the other does not, word by word."""
    only_a, only_b, _ = matching.word_diff(ta.expanded, tb.expanded)
    parts = [
        f"only A says: {said}" if (said := _word_runs(only_a)) else "",
        f"only B says: {said}" if (said := _word_runs(only_b)) else "",
    ]
    return "; ".join(p for p in parts if p)


def _compare_texts(
    ca: Criterion, cb: Criterion, score: float, ta: _Text, tb: _Text
) -> tuple[Verdict, str]:
    if matching.normalize(ca.text) == matching.normalize(cb.text):
        return "same", "the same text"
    na, nb = matching.numbers(ca.text), matching.numbers(cb.text)
    if score >= SAME_TEXT and na == nb:
        return "same", f"the same criterion, worded slightly differently ({score:.0%} similar)"
    if ta.core and ta.core == tb.core and sorted(na) == sorted(nb):
        # The same words once acronyms are spelled out and word order, hedges
        # ("past", "confirmed") and examples are set aside.
        notes = matching.expansions(ca.text) + [
            e for e in matching.expansions(cb.text) if e not in matching.expansions(ca.text)
        ]
        for side, text in (("A", ta), ("B", tb)):
            if text.examples and set(text.examples) != set((tb if side == "A" else ta).examples):
                notes.append(f"{side} gives examples {'; '.join(text.examples)}")
        hedges_a, hedges_b, _ = matching.word_diff(ta.expanded, tb.expanded)
        hedged = [
            w
            for w in " ".join(hedges_a + hedges_b).split()
            if matching.word_key(w.strip("(),;:")) in HEDGES
        ]
        if hedged:
            notes.append("hedges aside: " + ", ".join(dict.fromkeys(w.lower() for w in hedged)))
        said = f": {'; '.join(notes)}" if notes else ""
        return (
            "same",
            f"the same criterion in other words{said} ({score:.0%} similar word for word)",
        )
    wording = _wording(ta, tb)
    wording = f": {wording}" if wording else ""
    if na != nb:
        return "different", (
            f"similar criteria ({score:.0%} similar) stating different numbers: "
            f"A {', '.join(na) or 'none'}; B {', '.join(nb) or 'none'}"
        )
    return (
        "different",
        f"similar criteria ({score:.0%} similar) that are worded differently{wording}",
    )


def _facts(criterion: Criterion) -> str:
    """What a criterion demands, in words: "requires ANC ≥ 1.5 × 10^9/L; age
    18–80 years", "excludes other malignant tumors within 3 years before
    enrollment". A threshold that a window states ("weight loss > 10% within
    3 months") is said once, with the window."""
    windows = [w for w in criterion.windows if w.event and w.days is not None]
    told = {
        t.variable
        for w in windows
        if (t := _same_event_threshold(criterion, w.event or "")) is not None
    }
    allowed_variables = {
        t.variable for t in criterion.thresholds if _in_allowance(criterion, t.start)
    }
    required, mentioned, allowed = [], [], []
    for (variable, condition), by_ref in limits([criterion]).items():
        if variable in told:
            continue
        for limit in by_ref.values():
            when = _condition(condition)
            if variable in allowed_variables:
                allowed.append(f"{label(variable)} {limit.stated or describe(limit)}{when}")
            elif limit.eligible is None and limit.values is None and limit.stated:
                # No eligible range (an allowance, a limit under a condition):
                # say what is written, not what it requires.
                mentioned.append(f"{label(variable)} {limit.stated}{when}")
            else:
                required.append(f"{label(variable)} {describe(limit)}{when}")
    parts = ["requires " + "; ".join(required)] if required else []
    if allowed:
        parts.append("allows " + "; ".join(allowed))
    if mentioned:
        parts.append("mentions " + "; ".join(mentioned))
    parts.extend(window_phrase(criterion, w) for w in windows)
    return "; ".join(parts)


_SUBORDINATE = re.compile(
    r"^(?:if|when|whenever|for|in|unless|with|without|except|during|after|before|while)\b",
    re.IGNORECASE,
)


def _condition(condition: str) -> str:
    """A limit's condition as a tail: " if liver metastases", " when on
    dialysis", or in parentheses when it is no clause of its own."""
    if not condition:
        return ""
    text = " ".join(condition.split())
    if len(text) > EVENT_CHARS:
        text = text[: EVENT_CHARS + 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
    if _SUBORDINATE.match(text):
        return f" {text}"
    if re.match(r"^(?:must|should|shall|will|needs?|ha(?:s|ve)\s+to)\b", text, re.IGNORECASE):
        return f" ({text})"
    return f" when {text}"


def _alone(criterion: Criterion, side: str, *, missing_other: bool) -> Pair:
    other = "B" if side == "a" else "A"
    if missing_other:
        detail = f"not in {other}'s record: it has no eligibility criteria"
    else:
        detail = f"no matching criterion in {other}"
        variables = list(dict.fromkeys(t.variable for t in criterion.thresholds))
        if variables:
            detail += f"; {other} sets no limit on " + ", ".join(label(v) for v in variables)
    facts = _facts(criterion)
    if facts:
        detail += f" ({side.upper()} {facts})"
    variable = criterion.thresholds[0].variable if criterion.thresholds else None
    return _pair(
        criterion if side == "a" else None,
        criterion if side == "b" else None,
        variable,
        "only_a" if side == "a" else "only_b",
        detail,
    )
