"""Criteria and time windows put into words, for the details of a comparison.

"excludes weight loss > 10% within 3 months before screening", "requires ANC
≥ 1.5 × 10^9/L", "allows adverse event grade ≥ 2": everything is worded from the
fields the extractor recorded (a window's clean event and requirement, a
limit's requirement and eligible range); nothing here reads the criterion text
again.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..nlp.extract import of_someone_else
from ..schema import Criterion, Threshold, Window
from . import matching
from .limits import Limit, describe, describe_excluded, implied_by_words, label, limits, number
from .limits import stated as stated_text


def amount(value: float, unit: str | None) -> str:
    if not unit:
        return number(value)
    return f"{number(value)} {unit}{'' if value == 1 else 's'}"


#: Longer event texts are cut at a word boundary, with "…".
EVENT_CHARS = 60
#: What a window whose event the extractor could not name is called.
UNNAMED = "(event not stated)"


def _short(text: str) -> str:
    """``text`` cut at a word boundary after :data:`EVENT_CHARS`, without a
    dangling function word ("… medicine with…")."""
    if len(text) <= EVENT_CHARS:
        return text
    words = text[: EVENT_CHARS + 1].rsplit(" ", 1)[0].rstrip(",;: ").split()
    while len(words) > 1 and words[-1].lower() in matching.STOPWORDS:
        words.pop()
    return (" ".join(words) or text[:EVENT_CHARS]).rstrip() + "…"


def _same_event_threshold(criterion: Criterion, window: Window) -> Threshold | None:
    """A threshold of the criterion on the very thing the window constrains
    ("weight loss > 10% in the 3 months before screening"), not one of a clause
    after it ("3 times in the past 6 months, or more than 5 times in their lifetime")."""
    words = set(matching.tokens(window.event or ""))
    if not words:
        return None
    for threshold in criterion.thresholds:
        if _clause_after(criterion, window, threshold):
            continue
        names = (threshold.entity or "", label(threshold.variable))
        for name in names:
            other = set(matching.tokens(name))
            if other and (other <= words or words <= other):
                return threshold
    return None


def _clause_after(criterion: Criterion, window: Window, threshold: Threshold) -> bool:
    """Whether a threshold is written in a clause of its own after the window."""
    if window.end is None or threshold.start is None or threshold.start < window.end:
        return False
    base = criterion.start or 0
    between = (criterion.text or "")[window.end - base : threshold.start - base]
    return bool(re.search(r"[,;]|\b(?:or|and)\b", between))


def _period_text(window: Window, *, with_days: bool) -> str:
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
    text = _short(window.event or UNNAMED)
    threshold = threshold or _same_event_threshold(criterion, window)
    if threshold is not None:
        text = f"{text} {stated_text(threshold)}"
    verb = VERBS.get(window.requirement or "", "concern")
    verb = verb if both else verb + "s"
    period = _period_text(window, with_days=with_days)
    return f"{verb} {text} {period}"


VERBS = {"allowed": "allow", "required": "require", "excluded": "exclude"}


def limit_words(limit: Limit, criterion: Criterion | None = None) -> str:
    """A side's limit in a sentence: "excludes NYHA functional class 3–4" when its
    criteria exclude what is written, else "requires ANC ≥ 1.5 × 10^9/L"."""
    excluded = [
        t
        for c in limit.criteria
        for t in c.thresholds
        if t.variable == limit.variable and t.relative_to == limit.relative_to
    ]
    words = "".join(f" (read from “{t.entity}”)" for t in implied_by_words(limit))
    if excluded and all(t.requirement == "excluded" for t in excluded):
        kept_out = describe_excluded(limit) or limit.stated
        if kept_out:
            return f"excludes {label(limit.variable)} {kept_out}{words}"
    return f"requires {label(limit.variable)} {describe(limit)}{words}"


def facts(criterion: Criterion) -> str:
    """What a criterion demands, in words: "requires ANC ≥ 1.5 × 10^9/L; age
    18–80 years", "excludes other malignant tumors within 3 years before
    enrollment". A threshold that a window states ("weight loss > 10% within
    3 months") is said once, with the window."""
    windows = [w for w in criterion.windows if w.event and w.days is not None]
    told = {t.variable for w in windows if (t := _same_event_threshold(criterion, w)) is not None}
    allowed_variables = {t.variable for t in criterion.thresholds if t.requirement == "allowed"}
    # A limit the criterion excludes is said as written ("excludes BMI > 30 kg/m2",
    # "excludes NYHA functional class 3–4"), not as the range it leaves.
    excluded_sets = {
        t.variable
        for t in criterion.thresholds
        if t.requirement == "excluded"
        and all(
            u.requirement == "excluded" for u in criterion.thresholds if u.variable == t.variable
        )
    }
    required: list[str] = []
    mentioned: list[str] = []
    allowed: list[str] = []
    excluded: list[str] = []
    if "other" not in told:
        # A limit on something the lexicon does not know, each said as written.
        mentioned.extend(
            _unknown_as_written(criterion, t) + _condition(t.condition or "")
            for t in criterion.thresholds
            if t.variable == "other"
        )
    for (variable, condition), by_ref in limits([criterion]).items():
        if variable in told or variable == "other":
            continue
        for limit in by_ref.values():
            when = _condition(condition)
            if variable in excluded_sets and (describe_excluded(limit) or limit.stated):
                kept_out = describe_excluded(limit) or limit.stated
                excluded.append(f"{label(variable)} {kept_out}{when}")
            elif variable in allowed_variables:
                allowed.append(f"{label(variable)} {limit.stated or describe(limit)}{when}")
            elif limit.eligible is None and limit.values is None and limit.stated:
                # No eligible range (an allowance, a limit under a condition):
                # say what is written, not what it requires.
                mentioned.append(f"{label(variable)} {limit.stated}{when}")
            else:
                required.append(f"{label(variable)} {describe(limit)}{when}")
    parts = ["requires " + "; ".join(required)] if required else []
    if excluded:
        parts.append("excludes " + "; ".join(excluded))
    if allowed:
        parts.append("allows " + "; ".join(allowed))
    if mentioned:
        parts.append("mentions " + "; ".join(mentioned))
    parts.extend(window_phrase(criterion, w) for w in _joined_events(windows))
    return "; ".join(parts)


def _unknown_as_written(criterion: Criterion, threshold: Threshold) -> str:
    """ "IIEF ≤ 21"; "more than 5 times" when the words after the value name it."""
    name = " ".join((threshold.entity or "").split())
    base, text = criterion.start or 0, criterion.text or ""
    if name and threshold.start is not None and threshold.end is not None:
        after = text[threshold.end - base :]
        gap = len(after) - len(after.lstrip())
        if gap <= 1 and after[gap:].startswith(name):
            written = text[threshold.start - base : threshold.end - base] + after[: gap + len(name)]
            return f"“{' '.join(written.split())}”"
    return f"{_short(name or 'a value')} {stated_text(threshold) or ''}".strip()


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
    if of_someone_else(text) or re.match(
        r"^(?:must|should|shall|will|needs?|ha(?:s|ve)\s+to)\b", text, re.IGNORECASE
    ):
        return f" ({text})"
    return f" when {text}"
