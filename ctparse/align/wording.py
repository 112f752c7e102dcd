"""Criteria and time windows put into words, for the details of a comparison.

"excludes weight loss > 10% within 3 months before screening", "requires ANC
≥ 1.5 × 10^9/L", "allows adverse event grade ≥ 2": a window is worded from its
fields, never from the clause glue its event text may carry; a limit that names
a subgroup its sentence lets in is said as allowed, not required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from ..schema import Criterion, Threshold, Window
from . import matching
from .limits import describe, label, limits, number
from .limits import stated as stated_text


def amount(value: float, unit: str | None) -> str:
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
    from ..nlp.polarity import polarity_rules

    return tuple(r.regex for r in polarity_rules() if r.kind == "subgroup" and r.scope == "start")


def _period_text(window: Window, *, with_days: bool, until: bool) -> str:
    """ "within 3 months before screening", "for at least 2 weeks (14 days)"."""
    if window.value is not None and window.unit:
        span = amount(window.value, window.unit)
        if window.value_max is not None:
            span = f"{number(window.value)}–{amount(window.value_max, window.unit)}"
        if with_days and window.days is not None and window.unit not in ("day", "days"):
            span += f" ({amount(window.days, 'day')})"
    else:
        span = amount(window.days or 0, "day")
    where = ""
    if window.anchor:
        anchor = window.anchor.replace("_", " ")
        where = f" {window.direction} {anchor}" if window.direction else f" at {anchor}"
    if until:
        return f"until {span}{where}"
    lead = {"<=": "within", "<": "within", ">=": "at least", ">": "more than"}
    how = lead.get(window.comparator or "", "")
    if window.comparator == "=" or (not where and window.comparator in (">=", ">", None)):
        # A duration: "stable for at least 2 weeks", "contraception for 120 days
        # after the last dose".
        how = f"for {how}".strip()
    return f"{how} {span}{where}".strip()


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


def facts(criterion: Criterion) -> str:
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
    parts.extend(window_phrase(criterion, w) for w in _joined_events(windows))
    return "; ".join(parts)


def _joined_events(windows: list[Window]) -> list[Window]:
    """Windows split from one coordination ("live vaccine or attenuated live
    vaccine within 30 days") share their span and period: say them once, with
    the events joined by "or"."""
    groups: dict[tuple[object, ...], list[Window]] = {}
    for w in windows:
        key = (w.start, w.end, w.comparator, w.days, w.days_max, w.direction, w.anchor)
        groups.setdefault(key, []).append(w)
    return [
        group[0]
        if len(group) == 1
        else replace(group[0], event=_or([w.event or "" for w in group]))
        for group in groups.values()
    ]


def _or(events: list[str]) -> str:
    """ "A with X", "B with X" → "A or B with X": a tail the split gave to every
    event is said once."""
    words = [event.split() for event in events]
    tail: list[str] = []
    while (
        all(len(w) > len(tail) + 1 for w in words) and len({w[-len(tail) - 1] for w in words}) == 1
    ):
        tail.insert(0, words[0][-len(tail) - 1])
    heads = [" ".join(w[: len(w) - len(tail)]) for w in words]
    return " or ".join(heads) + (" " + " ".join(tail) if tail else "")


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
