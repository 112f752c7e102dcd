"""Time windows in criterion text.

A window is a period written with a number and a time unit that is not
already a threshold (age, life expectancy): "within 4 weeks before the first
dose", "for 120 days after the last dose", "in the past 3 years", "at least 4
weeks since the last chemotherapy". For each one:

* ``comparator``: as written (``within``/``up to`` → ``<=``, ``at least`` →
  ``>=``, …); a look-back ("in the past 3 years") is ``<=``; nothing written is
  ``=``;
* ``direction``: where the event lies relative to the anchor — ``before``
  ("prior to", "in the past", "since"), ``after`` ("after", "following",
  "in the next"), or null;
* ``anchor``: the reference point named after the direction word, from
  ``models/anchors.jsonl`` (first_dose, last_dose, enrollment, randomization,
  screening, consent, diagnosis, surgery), ``prior_therapy`` for a therapy the
  criterion names ("within 6 months of receiving any HER2-targeted therapy",
  its words in ``anchor_text``; :mod:`ctparse.nlp.relations`), or null;
* ``condition``: a part, cohort or sex the period applies to ("≥ 3 months
  for part A");
* ``event``: what must (not) happen in the window — the words before the
  period in the same clause, or after "since". A coordination of independent
  things ("antibiotic or probiotic use in the previous 90 days", "Radiation or
  chemotherapy within 4 weeks") states one constraint per thing: one window per
  conjunct, with the same period and offsets (see :func:`conjuncts` and
  ``models/coordination.jsonl``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from ..resources import per_models
from ..schema import Criterion, Range, Threshold, Window
from ..text import timeunits
from . import events as event_rules
from . import milestones, numbers, relations
from .asides import aside_spans
from .events import clean, describe, event_after, event_before, parenthesized, split_events
from .polarity import Cues, negation_rules
from .rules import Rules, rules
from .units import quantity, to_days, unit_id


@dataclass(frozen=True)
class WindowGrammar:
    window: re.Pattern[str]
    anchor: re.Pattern[str]
    since: re.Pattern[str]
    calendar: re.Pattern[str]
    then: re.Pattern[str]  # "before" / "after" opening an anchor after a "for" event
    for_what: re.Pattern[str]  # "<period> for <what>"


_YEAR = r"(?:19|20)\d{2}(?![\d/.,]\d)(?![\w/])"


@per_models
def window_grammar() -> WindowGrammar:
    r = rules()
    edge = r"(?:(?<=[A-Za-z.])(?![A-Za-z])|(?<![A-Za-z.]))"
    pre = rf"(?:(?<![A-Za-z])|(?![A-Za-z]))(?i:{r.patterns['prefix']}){edge}"
    post = rf"(?<![A-Za-z])(?i:{r.patterns['suffix']})(?![A-Za-z])(?!\s*\d)"
    look = rf"(?<![A-Za-z])(?i:{r.time_patterns['lookback']}|{r.time_patterns['lookahead']})"
    before = r.time_patterns["before"]
    after = r.time_patterns["after"]
    # "before" / "after" opening an anchor: after a period, and after its "for" event
    then = rf"\s*(?P<dir>(?i:(?P<before>{before})|(?P<after>{after})))(?![A-Za-z])"
    window = (
        rf"(?P<pre>{pre}\s*(?:(?P<pre2>[<>≤≥]=?)\s*)?)?"
        r"(?i:the\s+(?:first\s+)?)?"
        rf"(?P<look>{look}(?![A-Za-z])\s*)?"
        rf"(?P<num>{numbers.NUMBER})(?:\s*\+\s*(?P<plus>\d)(?=\s*weeks?\b))?"
        rf"(?:\s*(?:-|–|—|~|to|(?P<and>and))\s*(?P<num2>{numbers.NUMBER}))?\s*-?\s*"
        r"(?:(?P<look2>(?i:previous|past|last|preceding|prior))\s+)?"
        rf"(?P<unit>(?i:{timeunits.FORMS}))(?![A-Za-z])(?<![0-9]D)"  # "2D MRI" is no period
        rf"(?:\s*(?P<post>{post}))?"
        # "for at least 2 weeks (from the time of first administration of study drug)"
        rf"(?:\s*(?P<paren>\((?=\s*(?i:{before}|{after})\s))?"
        rf"{then})?"
        rf"(?:\s*(?P<post2>{post}))?"
    )
    phrases = r.time_patterns["anchor"]
    # An anchor phrase as written wins ("the start of the study treatment" is the first
    # dose); else one after "start of" or "study" ("the start of treatment", "study entry").
    anchor = (
        r"\s*(?i:the\s+|a\s+)?"
        rf"(?:(?P<anchor>(?i:{phrases}))(?![A-Za-z])"
        r"|(?i:(?:start|beginning|initiation|time|date)\s+of\s+(?:the\s+)?)?"
        r"(?i:(?:study|trial|protocol)\s+)?"
        rf"(?P<anchor2>(?i:{phrases}))(?![A-Za-z]))"
        # "the first dose of study drug": what was dosed belongs to the anchor
        r"(?:\s+(?i:of\s+(?:the\s+)?(?:study|trial|investigational|protocol)(?:\s+(?:drugs?|"
        r"treatments?|medications?|products?|agents?|therapy|therapies|interventions?))?"
        r")(?![A-Za-z]))?"
    )
    since = r"\s*(?P<event>[^,;.()]+)"
    calendar = (
        rf"(?<![A-Za-z])(?P<pre>(?i:{r.patterns['calendar']}))\s+(?i:the\s+years?\s+)?"
        rf"(?:(?i:{timeunits.MONTH_NAMES})\s+)?(?P<y1>{_YEAR})"
        rf"(?:\s*(?:-|–|—|(?i:to|and|through|until))\s*"
        rf"(?:(?:(?i:{timeunits.MONTH_NAMES})\s+)?(?P<y2>{_YEAR})|(?P<now>(?i:present|now|today|date)))"
        r")?"
    )
    # "<period> for <what>": a washout per drug ("4 weeks for methotrexate"), not a
    # duration ("for at least", "for men", "for the duration of"); the thing ends at
    # a list's next period or an anchor ("8 weeks for natalizumab before screening").
    for_what = (
        r"\s+for\s+(?!(?:at\s+least|at\s+most|a\s+minimum|a\s+maximum|up\s+to|more|less|"
        r"the\s+duration|the\s+rest|men|women|males?|females?|patients|subjects|participants|"
        r"those|\d))"
        r"(?P<event>[^;:.()\d]+?)(?=\s+(?:and|or)\s+\d|\s*[;:.()]|\s*,?\s+\d|\s*$"
        rf"|\s+(?i:{before}|{after})(?![A-Za-z]))"
    )
    return WindowGrammar(
        re.compile(window),
        re.compile(anchor),
        re.compile(since),
        re.compile(calendar),
        re.compile(then),
        re.compile(for_what, re.IGNORECASE),
    )


def add_windows(criterion: Criterion, text: str) -> Criterion:
    """Return ``criterion`` with its windows."""
    windows = extract_windows(criterion)
    if not windows and not criterion.windows:
        return criterion
    return dataclasses.replace(criterion, windows=windows)


def extract_windows(criterion: Criterion) -> tuple[Window, ...]:
    local = numbers.ascii_punctuation(criterion.text or "")
    if not local or not _may_hold_a_period(local):
        return ()  # a period needs a time unit, a calendar period a year
    if not re.search(r"\d", local) and not numbers.has_word_number(local):
        return ()
    g = window_grammar()
    r = rules()
    base = criterion.start or 0
    # The numbers of an aside ("a cut-off of 70 years was considered") are not
    # windows either: the spans are skipped like those thresholds took.
    taken = spans_of(criterion.thresholds, base) + aside_spans(local)
    out: list[Window] = []
    previous_end = 0
    previous: tuple[str | None, ...] = ()
    listed: list[int] = []  # the windows of a "<period> for X, <period> for Y" list
    for m in g.window.finditer(local):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in taken):
            continue
        value = numbers.parse_number(m.group("num"))
        value_max = numbers.parse_number(m.group("num2")) if m.group("num2") else None
        unit = unit_id(m.group("unit").lower()) or unit_id(m.group("unit"))
        if unit is None or relations.per_session(local, end, unit):
            continue  # "30 minutes per session": how long each time, no time since anything
        if m.group("and") and not _is_between(m, r):
            # "at 3 and 6 months": a list, of which only the last number is a period here.
            start, value, value_max = m.start("num2"), value_max or value, None
        if value_max is not None and value_max <= value:
            value_max = None  # "2-3" is a range; "10-6" is not
        comparator = _comparator(m, r) if value_max is not None or not m.group("num2") else "="
        direction = None
        if m.group("before"):
            direction = "before"
        elif m.group("after"):
            direction = "after"
        look = (m.group("look") or m.group("look2") or "").strip().lower()
        if direction is None and look:
            kind = r.time_kinds.get(re.sub(r"\s+", " ", look))
            # "in the following 4 weeks": a look-ahead, whichever list names the word first
            direction = "after" if kind in ("lookahead", "after") else "before"
        anchor = anchor_text = None
        event = None
        since_event = False
        post = _POST_WORD.match(local, m.start("dir")) if m.group("dir") else None
        if post is not None:
            # "< 6 months post-partum": being post-partum is the event, after delivery
            event, end = post.group(), post.end()
        elif m.group("dir"):
            word = m.group("dir").lower()
            if word == "since":
                since = g.since.match(local, end)
                if since:
                    event = clean(since.group("event"), limit=False) or None
                    since_event = True
                    end = since.end("event")
            else:
                am = g.anchor.match(local, end)
                ref = None if am else relations.reference(local, end)
                if am:
                    written = am.group("anchor") or am.group("anchor2")
                    anchor = r.anchors.get(re.sub(r"\s+", " ", written.lower()))
                    end = am.end()
                    dosed = relations.dosed(local, end) if anchor in _DOSES else None
                    if dosed is not None and word in _OF_WORDS:
                        # "4 weeks from the last dose of prior chemotherapy": not the study's
                        anchor, anchor_text, end = (
                            r.reference_anchor,
                            f"{written} {dosed[0]}",
                            dosed[1],
                        )
                        direction = "after"
                elif ref is not None and word in _OF_WORDS:
                    # "within 6 months of receiving any HER2-targeted therapy": after it
                    anchor, anchor_text, end = r.reference_anchor, ref[0], ref[1]
                    direction = "after"
                if m.group("paren") and anchor is not None:
                    close = re.match(r"[^()]*\)", local[end:])
                    end += close.end() if close else 0
        frequency = _FREQUENCY.match(local, end)
        if frequency is not None:
            end = frequency.end()  # "≥ 5 days per week": the rate is part of the period
        condition = None
        if (sub := relations.subgroup(local, end)) is not None:
            condition, end = sub  # "≥ 3 months for part A and ≥ 6 months for part B"
        if comparator == "=" and relations.is_cessation(local, start):
            comparator = ">="  # "discontinued corticosteroids for 7 days": at least
        # "wash out periods: 4 weeks for thiopurine and methotrexate and 8 weeks for
        # natalizumab": the period dates what follows "for", when nothing precedes it,
        # or when periods and "for" make a list ("within 4 weeks for thiopurine, 6
        # weeks for methotrexate and 8 weeks for natalizumab before screening").
        in_list = False
        if (
            event is None
            and not m.group("dir")
            and (named := g.for_what.match(local, end))
            and (
                (in_list := _listed(local, previous_end, start, named.end("event"), listed, out))
                or event_before(local, previous_end, start) is None
            )
        ):
            what = clean(named.group("event"), limit=False) or None
            if what is not None and _PURPOSE.fullmatch(what):
                # "within 2 weeks for palliative intent, or 4 weeks for curative
                # intent": what the period is for is a condition of the event before.
                condition = what
            else:
                event = what
            end = named.end("event")
            then = g.then.match(local, end) if in_list else None
            am = g.anchor.match(local, then.end()) if then else None
            if then is not None and am is not None:
                written = am.group("anchor") or am.group("anchor2")
                anchor = r.anchors.get(re.sub(r"\s+", " ", written.lower()))
                direction = "before" if then.group("before") else "after"
                end = am.end()
        if event is None:
            before_start = [
                t for t in criterion.thresholds if t.end is not None and t.end - base <= start
            ]
            floor = max(
                [previous_end]
                + [
                    t.end - base
                    for t in before_start
                    if t.end is not None
                    and not _in_parentheses(local, t.end - base, start)
                    and not _is_dose(t, local, t.end - base)
                ]
            )
            paren = parenthesized(local, floor, start, m.end())
            # "30-day mortality", "5 days per week E-cig use", "< 6 months post-partum"
            written = event_after(local, m.start("num"), m.end(), None)
            if written is None and paren is not None and paren[0] == "after":
                # "a recent (<48h) ICU entry": the noun phrase after the parenthesis
                phrase = _NOUN_PHRASE.match(local, paren[1])
                if phrase is not None:
                    written = phrase.group("np")
            # "X (via clinical record within the past 6 months)": what precedes the "("
            before_paren = paren is not None and paren[0] == "before"
            start_of_paren = paren[1] if paren is not None and before_paren else start
            near = [
                t
                for t in before_start
                if t.end is not None and start_of_paren - (t.end - base) <= 12
            ]
            if written is not None:
                events: tuple[str | None, ...] = split_events(written)
            elif near:
                event = near[-1].entity
                events = (event,)
            elif previous and _PARALLEL.fullmatch(local, previous_end, start):
                events = previous  # "≥ 3 months for part A and ≥ 6 months for part B"
            else:
                written = event_before(local, floor, start_of_paren)
                # "have undergone in six months a weight loss diet" (no anchor after it)
                verb = None if m.group("dir") else written
                after = event_after(local, m.start("num"), end, verb)
                if after is not None:
                    written = after
                measured = relations.interval(written) if written else None
                if measured is not None and anchor is None:
                    # "Disease-free interval from completion of adjuvant therapy to …"
                    written, anchor_text = measured
                    anchor, direction = r.reference_anchor, direction or "after"
                events = split_events(written)
        else:
            events = split_events(event, after_since=since_event)
        if listed and not in_list:
            out = _share_in_list(out, listed)
            listed = []
        first = len(out)
        for each in events:
            days = to_days(value, unit)
            if m.group("plus") and days is not None:
                days += int(m.group("plus"))  # "24 + 3 weeks": 24 weeks and 3 days
            out.append(
                Window(
                    event=each,
                    comparator=comparator,
                    value=value,
                    unit=unit,
                    days=days,
                    value_max=value_max,
                    days_max=to_days(value_max, unit) if value_max is not None else None,
                    direction=direction or ("after" if _INTENDED.match(each or "") else None),
                    anchor=anchor,
                    start=base + start,
                    end=base + end,
                    anchor_text=anchor_text,
                    condition=condition,
                )
            )
        if in_list:
            listed.extend(range(first, len(out)))
        previous_end, previous = end, events
    if listed:
        out = _share_in_list(out, listed)
    out.extend(_calendar_windows(criterion, local, [*taken, *spans_of(tuple(out), base)]))
    out = sorted((milestones.turned(w, local, base) for w in out), key=lambda w: w.start or 0)
    return _with_meaning(criterion, local, out)


def _with_meaning(criterion: Criterion, local: str, windows: list[Window]) -> tuple[Window, ...]:
    """Each window with what it means: a clean event, what the criterion asks of it
    (the polarity rules, as for thresholds: the section, grants such as "are allowed
    to enroll", a negation opening the clause of its first event: "No antibiotics or
    steroids within 4 weeks" excludes both) and the eligible time range in days."""
    if not windows:
        return ()
    cues, base, exclusion = Cues.of(local), criterion.start or 0, criterion.section == "exclusion"
    grants = cues.grant_texts()
    described = [describe(w.event, grants=grants) if w.event else (w.event, False) for w in windows]
    subjects: dict[int | None, int] = {}
    for w, (said, _) in zip(windows, described, strict=True) if not exclusion else ():
        at = local.rfind(said or w.event or "", 0, (w.start or base) - base) if w.event else -1
        if at >= 0 and not event_rules.NOT_A_LIST.search(local, at, (w.start or base) - base):
            subjects[w.start] = min(at, subjects.get(w.start, at))
    out = []
    for window, (event, negated) in zip(windows, described, strict=True):
        start, end = (window.start or base) - base, (window.end or base) - base
        subject = subjects.get(window.start)
        decision = cues.decide(start, end, exclusion=exclusion, subject=subject)
        requirement = decision.requirement
        if negated and not negation_rules().intersection(decision.rules):
            # "excluding blood components used within 14 days": the event's own negation
            requirement = _FLIPPED.get(requirement or "", requirement)
        out.append(
            dataclasses.replace(
                window,
                event=event,
                requirement=requirement,
                eligible=eligible_days(window, requirement),
            )
        )
    return tuple(out)


_FLIPPED = {"required": "excluded", "excluded": "required"}


def eligible_days(window: Window, requirement: str | None) -> Range | None:
    """The time between the event and the anchor (days) that a patient may have.

    "Chemotherapy within 28 days before the first dose" excluded: more than 28
    days (or never); required ("a pregnancy test within 3 days"): at most 3 days;
    "at least 4 weeks since surgery" required: 28 days or more. A bare period
    (comparator ``=``) reads as a duration where it is required or allowed
    ("contraception for 120 days after the last dose", "stable for 7 days": at
    least that long) and as a look-back where it is excluded ("chemotherapy 4
    weeks before study entry": within it). A calendar period, a window under an
    obligation and an excluded range (two intervals) have no such range.
    """
    days, high = window.days, window.days_max
    comparator = window.comparator
    if days is None or requirement is None or comparator is None:
        return None
    excluded = requirement == "excluded"
    if comparator == "=":
        comparator = "<=" if excluded else ">="
    if comparator == "between" and high is not None:
        return (
            None
            if excluded
            else Range(lower=days, lower_inclusive=True, upper=high, upper_inclusive=True)
        )
    inclusive = comparator in ("<=", ">=")
    if comparator in ("<=", "<"):
        if excluded:
            return Range(lower=days, lower_inclusive=not inclusive)
        return Range(upper=days, upper_inclusive=inclusive)
    if comparator in (">=", ">"):
        if excluded:
            return Range(upper=days, upper_inclusive=not inclusive)
        return Range(lower=days, lower_inclusive=inclusive)
    return None


#: "<period> for <what>" going on: a joiner, a number and "for" after a unit.
_FOR_NEXT = re.compile(
    rf"\s*(?:,\s*(?:and|or)?|and|or|;)\s*(?:{numbers.NUMBER})\s*[A-Za-z]+\s+for\s",
    re.IGNORECASE,
)


def _listed(
    local: str, previous_end: int, start: int, event_end: int, listed: list[int], out: list[Window]
) -> bool:
    """Whether the period at ``start`` is one of a list of periods each for a thing:
    another "<period> for" follows its "for" event, or the window before it was one
    and only a joiner stands between them."""
    if _FOR_NEXT.match(local, event_end):
        return True
    return (
        bool(listed)
        and listed[-1] == len(out) - 1
        and bool(_PARALLEL.fullmatch(local, previous_end, start))
    )


def _share_in_list(out: list[Window], listed: list[int]) -> list[Window]:
    """The windows of one list share what only one of them says: the comparator of
    the first ("within 4 weeks for A, 6 weeks for B": at most 6 weeks for B), the
    anchor of the last ("… and 8 weeks for C before screening")."""
    members = [out[i] for i in listed]
    first, last = members[0], members[-1]
    shared = []
    for window in members:
        changes: dict[str, Any] = {}
        if window.comparator == "=" and first.comparator != "=":
            changes["comparator"] = first.comparator
        if window.anchor is None and window.direction is None and last.anchor is not None:
            changes.update(anchor=last.anchor, direction=last.direction)
        shared.append(dataclasses.replace(window, **changes) if changes else window)
    result = list(out)
    for i, window in zip(listed, shared, strict=True):
        result[i] = window
    return result


def _calendar_windows(
    criterion: Criterion, local: str, taken: list[tuple[int, int]]
) -> list[Window]:
    """Calendar periods: "between 2008 and 2017", "from 1960 to present", "since 2010"."""
    if not _YEAR_HINT.search(local):
        return []
    r = rules()
    base = criterion.start or 0
    out: list[Window] = []
    for m in window_grammar().calendar.finditer(local):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in taken):
            continue
        event = split_events(event_before(local, 0, start))
        value = float(m.group("y1"))
        value_max = float(m.group("y2")) if m.group("y2") else None
        if value_max is not None and value_max < value:
            continue
        if value_max is not None:
            comparator = "between"
        elif m.group("now"):
            comparator = ">="  # "from 1960 to present"
        else:
            comparator = r.op_for("calendar", m.group("pre")) or "="
            if comparator == "between":
                continue  # "between 2010" alone is not a period
        out.extend(
            Window(
                event=each,
                comparator=comparator,
                value=value,
                unit="calendar_year",
                days=None,
                value_max=value_max,
                direction=None,
                anchor=None,
                start=base + start,
                end=base + end,
            )
            for each in event
        )
    return out


_YEAR_HINT = re.compile(r"(?:19|20)\d\d")
# The direction words after which a reference names the anchor ("within 6 months of
# receiving …", "≥ 6 months from completion of …").
_OF_WORDS = frozenset({"of", "from", "after", "following", "since", "post"})
_DOSES = frozenset({"first_dose", "last_dose"})
# Nothing but a conjunction between two periods: the second dates what the first did.
#: A purpose, not a thing that happens: "palliative intent", "curative purposes",
#: "palliation", "symptom control".
_PURPOSE = re.compile(
    r"(?:(?:a|an|the)\s+)?(?:[a-z-]+\s+){0,2}(?:intent|intention|purposes?|aims?|goals?)"
    r"|palliation|symptom\s+control|pain\s+(?:control|relief)",
    re.IGNORECASE,
)
_PARALLEL = re.compile(r"\s*(?:,|;)?\s*(?:and/or|and|or)?\s*")
#: An event a patient intends ("plans to move out of the area within 6 months",
#: "planned surgery within 3 months"): it lies ahead, whatever the period's words.
_INTENDED = re.compile(
    r"(?:plan(?:s|ned|ning)?|intend(?:s|ed|ing)?|intention|scheduled|expect(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
_POST_WORD = re.compile(
    r"(?i)post-?(?:partum|operative(?:ly)?|op|transplant(?:ation)?|surgery|natal)\b"
)
_DOSE_UNIT = re.compile(r"\s*(?:mg|g|mcg|µg|μg|grams?|milligrams?)\b")
_FREQUENCY = re.compile(r"\s*(?:per|a|an|/|each|every)\s*(?:weeks?|months?|days?|years?)\b")

# The words a parenthesis dates when they follow it: up to a clause break, at most 6.
_NOUN_PHRASE = re.compile(
    r"\s*(?P<np>[^\s,;.()\[\]]+(?:\s+(?!(?i:for|within|at|during|before|after|since|who|which"
    r"|that|will|must|is|are|with)\b)[^\s,;.()\[\]]+){0,4})"
)


def _is_dose(threshold: Threshold, text: str, end: int) -> bool:
    """ "Use of any steroid with a cumulative dose ≥ 1 g of methylprednisolone … within 3
    weeks": a dose inside the event's phrase ends no clause."""
    if threshold.variable not in ("other", "count"):
        return False
    return quantity(unit_id(threshold.unit)) == "mass" or bool(_DOSE_UNIT.match(text, end))


def _in_parentheses(text: str, at: int, before: int) -> bool:
    """Whether ``at`` lies in a parenthesis closed before ``before`` ("congestive heart
    failure (NYHA class II or higher), vascular disease …"): an aside, no clause end."""
    opened = text.rfind("(", 0, at)
    if opened < 0 or text.rfind(")", opened, at) >= 0:
        return False
    closed = text.find(")", at)
    return 0 <= closed < before


def _is_between(m: re.Match[str], r: Rules) -> bool:
    pre = m.group("pre")
    return bool(pre) and r.op_for("prefix", re.sub(r"\s+", " ", pre.strip())) == "between"


def _comparator(m: re.Match[str], r: Rules) -> str:
    if m.group("num2"):
        return "between"
    if m.group("post2"):
        op = r.op_for("suffix", m.group("post2"))  # "12 months ago or less"
        if op:
            return op
    if m.group("pre2"):
        return {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}[m.group("pre2")]
    if m.group("post"):
        op = r.op_for("suffix", m.group("post"))
        if op:
            return op
    pre = re.sub(r"\s+", " ", (m.group("pre") or "").strip())
    over_the = pre.lower() == "over" and re.match(r"\s*the\b", m.string[m.end("pre") :])
    look = m.group("look") or over_the
    if pre and not (look and pre.lower() == "over"):
        # "over the past 4 weeks", "over the 2 months prior": a look back, not more than
        op = r.op_for("prefix", pre)
        if op:
            return op
    return "<=" if look else "="


_TIME_WORDS = frozenset(timeunits.FORMS.split("|"))
_LETTERS = re.compile(r"[a-z]+")
_YEAR_HINT_ANY = re.compile(r"(?:19|20)\d\d")


def _may_hold_a_period(text: str) -> bool:
    """A time unit as a word or glued to a number ("4wks", "12-month"), or a year:
    what every window holds."""
    words = _LETTERS.findall(text.lower())
    return not _TIME_WORDS.isdisjoint(words) or _YEAR_HINT_ANY.search(text) is not None


def spans_of(items: tuple[Threshold, ...] | tuple[Window, ...], base: int) -> list[tuple[int, int]]:
    """Local (start, end) of extracted items that have offsets."""
    return [
        (item.start - base, item.end - base)
        for item in items
        if item.start is not None and item.end is not None
    ]
