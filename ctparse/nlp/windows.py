"""Time windows in criterion text, and the final parse status of a criterion.

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
  screening, consent, diagnosis, surgery) or null;
* ``event``: what must (not) happen in the window — the words before the
  period in the same clause, or after "since". A coordination of independent
  things ("antibiotic or probiotic use in the previous 90 days", "Radiation or
  chemotherapy within 4 weeks") states one constraint per thing: one window per
  conjunct, with the same period and offsets (see :func:`conjuncts` and
  ``models/coordination.jsonl``).

Status (set here because this component runs last):

* ``parsed``: at least one threshold or window, and every number is placed;
* ``partial``: a number in the text is in no threshold, window or known
  non-limit (version, list marker, name such as "PD-1"), a limit's
  direction is unknown ("ANC = 1500/mm3": a registry mirror's "=" for ≥), or
  its unit does not convert to the variable's ("AST ≥ 100 IU/mL": no
  normalized value);
* ``unparsed``: no number and nothing extracted (a text-only criterion).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cache

from ..schema import Criterion, Status, Threshold, Window
from . import numbers
from .rules import Coordination, Rules, coordination, rules
from .units import to_days, unit_id

TIME_FORMS = (
    "minutes|minute|mins|min|hours|hour|hrs|hr|h|days|day|d|weeks|week|wks|wk|"
    "months|month|mos|mo|years|year|yrs|yr|y"
)
_DIGIT = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_ANY_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class WindowGrammar:
    window: re.Pattern[str]
    anchor: re.Pattern[str]
    since: re.Pattern[str]
    calendar: re.Pattern[str]


_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d{2}(?![\d/.,]\d)(?![\w/])"


@cache
def window_grammar() -> WindowGrammar:
    r = rules()
    edge = r"(?:(?<=[A-Za-z.])(?![A-Za-z])|(?<![A-Za-z.]))"
    pre = rf"(?:(?<![A-Za-z])|(?![A-Za-z]))(?i:{r.patterns['prefix']}){edge}"
    post = rf"(?<![A-Za-z])(?i:{r.patterns['suffix']})(?![A-Za-z])(?!\s*\d)"
    look = rf"(?<![A-Za-z])(?i:{r.time_patterns['lookback']}|{r.time_patterns['lookahead']})"
    before = r.time_patterns["before"]
    after = r.time_patterns["after"]
    window = (
        rf"(?P<pre>{pre}\s*(?:(?P<pre2>[<>≤≥]=?)\s*)?)?"
        r"(?i:the\s+(?:first\s+)?)?"
        rf"(?P<look>{look}(?![A-Za-z])\s*)?"
        rf"(?P<num>{numbers.NUMBER})(?:\s*\+\s*(?P<plus>\d)(?=\s*weeks?\b))?"
        rf"(?:\s*(?:-|–|—|~|to|(?P<and>and))\s*(?P<num2>{numbers.NUMBER}))?\s*-?\s*"
        r"(?:(?P<look2>(?i:previous|past|last|preceding|prior))\s+)?"
        rf"(?P<unit>(?i:{TIME_FORMS}))(?![A-Za-z])(?<![0-9]D)"  # "2D MRI" is no period
        rf"(?:\s*(?P<post>{post}))?"
        rf"(?:\s*(?P<dir>(?i:(?P<before>{before})|(?P<after>{after})))(?![A-Za-z]))?"
        rf"(?:\s*(?P<post2>{post}))?"
    )
    anchor = (
        r"\s*(?i:the\s+|a\s+)?(?i:(?:start|beginning|initiation|time|date)\s+of\s+(?:the\s+)?)?"
        r"(?i:(?:study|trial|protocol)\s+)?"
        rf"(?P<anchor>(?i:{r.time_patterns['anchor']}))(?![A-Za-z])"
    )
    since = r"\s*(?P<event>[^,;.()]+)"
    calendar = (
        rf"(?<![A-Za-z])(?P<pre>(?i:{r.patterns['calendar']}))\s+(?i:the\s+years?\s+)?"
        rf"(?:(?i:{_MONTHS})\s+)?(?P<y1>{_YEAR})"
        rf"(?:\s*(?:-|–|—|(?i:to|and|through|until))\s*"
        rf"(?:(?:(?i:{_MONTHS})\s+)?(?P<y2>{_YEAR})|(?P<now>(?i:present|now|today|date)))"
        r")?"
    )
    return WindowGrammar(
        re.compile(window), re.compile(anchor), re.compile(since), re.compile(calendar)
    )


_LEAD = re.compile(
    r"(?i)^(?:[\s,;:.\-–•*]|\d{1,2}[.)]\s|(?:or|and|and/or|but|including|if|when|unless)\b)*"
    r"(?:(?:any|the|a|an|no)\s+)?"
    r"(?:(?:subjects?|patients?|participants?|women|men|individuals?|those|persons?|people)"
    r"\s+(?:(?:who|that|with|having)\s+|(?=(?:must|should|shall|will|agrees?)\b)))?"
    r"(?:(?:have|has|had|are|is|were|was|must|will|should|shall|did|not|be|been|ever|"
    r"previously|currently|already|agrees?\s+to|willing\s+to|continue\s+to|continue)\s+)*"
    r"(?:(?:received|undergone|undergo|had|used|taken|experienced|participated\s+in|"
    r"(?:use|using)(?:\s+of)?|treatment\s+with|history\s+of|receipt\s+of|any|take|practi[cs]e|"
    r"employ|maintain)\s+)*"
)
_TRAIL = re.compile(
    r"(?i)(?:[\s,;:(\-–]+|\b(?:of|in|for|the|during|and|or|occurring|within|at|which|that|is|"
    r"are|was|were|has|have|had|any|to|from|by|since|over|last|past|previous|prior|next|"
    r"first|a|an|be|been)\b)+$"
)


def add_windows(criterion: Criterion, text: str) -> Criterion:
    """Return ``criterion`` with its windows and final ``status``."""
    windows = extract_windows(criterion)
    return dataclasses.replace(criterion, windows=windows, status=status(criterion, windows))


def extract_windows(criterion: Criterion) -> tuple[Window, ...]:
    local = numbers.ascii_punctuation(criterion.text or "")
    if not local or (not _ANY_DIGIT.search(local) and not _has_word_number(local)):
        return ()
    g = window_grammar()
    r = rules()
    base = criterion.start or 0
    taken = _spans(criterion.thresholds, base)
    out: list[Window] = []
    previous_end = 0
    for m in g.window.finditer(local):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in taken):
            continue
        value = numbers.parse_number(m.group("num"))
        value_max = numbers.parse_number(m.group("num2")) if m.group("num2") else None
        unit = unit_id(m.group("unit").lower()) or unit_id(m.group("unit"))
        if unit is None:
            continue
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
            direction = "after" if kind == "lookahead" else "before"
        anchor = None
        event = None
        since_event = False
        if m.group("dir"):
            word = m.group("dir").lower()
            if word == "since":
                since = g.since.match(local, end)
                if since:
                    event = _clean(since.group("event"), limit=False) or None
                    since_event = True
                    end = since.end("event")
            else:
                am = g.anchor.match(local, end)
                if am:
                    anchor = r.anchors.get(re.sub(r"\s+", " ", am.group("anchor").lower()))
                    end = am.end()
        if event is None:
            before_start = [
                t for t in criterion.thresholds if t.end is not None and t.end - base <= start
            ]
            floor = max([previous_end] + [t.end - base for t in before_start if t.end is not None])
            near = [t for t in before_start if t.end is not None and start - (t.end - base) <= 12]
            if near:
                event = near[-1].entity
                events: tuple[str | None, ...] = (event,)
            else:
                events = _events(_event(local, floor, start))
        else:
            events = _events(event, after_since=since_event)
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
                    direction=direction,
                    anchor=anchor,
                    start=base + start,
                    end=base + end,
                )
            )
        previous_end = end
    out.extend(_calendar_windows(criterion, local, [*taken, *_spans(tuple(out), base)]))
    out.sort(key=lambda w: w.start or 0)
    return tuple(out)


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
        event = _events(_event(local, 0, start))
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
    if m.group("pre"):
        op = r.op_for("prefix", re.sub(r"\s+", " ", m.group("pre").strip()))
        if op:
            return op
    if m.group("look"):
        return "<="
    return "="


_PARENS = re.compile(r"\([^()]*\)")


# "must take contraception from the beginning of screening until 120 days after …": the
# start of the period is no part of what must happen in it.
_FROM_UNTIL = re.compile(r"(?i)\s+from\s+[^,;()]*?\b(?:until|till|through|up\s+to)\s*$")
# "… from screening and must agree to continue using contraceptive methods for 120 days":
# the last of two coordinated predicates is the one the period belongs to.
_NEXT_PREDICATE = re.compile(
    r"(?i)\s+and\s+(?=(?:must|should|shall|will|agrees?\s+to)\b)"
    # "If a subject has intercourse with a partner, the subject must take …": the main clause.
    r"|,\s+(?=(?:(?:the|each|all|any)\s+)?(?:subjects?|patients?|participants?|women|men|"
    r"individuals?|partners?)\s+(?:must|should|shall|will|agrees?\s+to)\b)"
)


def _event(text: str, floor: int, start: int) -> str | None:
    """The clause before the period, parenthetical asides and clause glue removed."""
    clause = text[floor:start]
    for _ in range(2):
        clause = _PARENS.sub(" ", clause)
    clause = _FROM_UNTIL.sub("", clause)
    clause = re.split(r"[;:]|\.\s|\n|,\s+(?:or|and)\s", clause)[-1]
    pieces = _NEXT_PREDICATE.split(clause)[-1].split("(")
    # "probiotics (within past 1 month)": a period opening a parenthesis dates what precedes it.
    for piece in reversed(pieces):
        event = _clean(piece.replace(")", " "), limit=False)
        if event:
            return event
    return None


#: Words an event keeps: the end of a long clause (the event lies just before the period),
#: the start of a conjunct (it begins where its coordination does).
EVENT_WORDS = 12


def _clean(phrase: str, *, limit: bool = True) -> str:
    phrase = _LEAD.sub("", phrase.strip())
    phrase = _TRAIL.sub("", phrase).strip(" ,;:-")
    words = phrase.split()
    return " ".join(words[-EVENT_WORDS:] if limit else words)


def _events(event: str | None, *, after_since: bool = False) -> tuple[str | None, ...]:
    """The event of each window a period gives: one per conjunct of a coordination."""
    if not event:
        return (event,)
    split = conjuncts(event, after_since=after_since)
    if len(split) == 1:
        return (" ".join(event.split()[-EVENT_WORDS:]),)
    return tuple(" ".join(each.split()[:EVENT_WORDS]) for each in split)


_TOKEN = re.compile(r",|[^\s,]+")


def conjuncts(event: str, *, after_since: bool = False) -> tuple[str, ...]:
    """The independent things a coordinated event names, each an event of its own.

    Splits at a conjunction ("or", "and/or"; commas before it make a series) between
    phrases that each can stand alone; the rule words are in ``models/coordination.jsonl``.

    >>> conjuncts("antibiotic or probiotic use")
    ('antibiotic use', 'probiotic use')
    >>> conjuncts("Major injuries or surgery of the target knee")
    ('Major injuries of the target knee', 'surgery of the target knee')
    >>> conjuncts("systemic anti-tumor therapy for non-target lesions")
    ('systemic anti-tumor therapy for non-target lesions',)
    >>> conjuncts("vascular or endovascular surgery")  # kinds of one thing
    ('vascular or endovascular surgery',)
    """
    c = coordination()
    if not c.hint.search(event):
        return (event,)
    spans = [m.span() for m in _TOKEN.finditer(event)]
    words = [event[s:e].lower() for s, e in spans]
    cut = next((i for i in range(len(words)) if c.at("blocker", words, i)), len(words))
    for k in range(cut):
        if c.at("conjunction", words, k):
            # The first coordination of things wins ("participated in any other trial and/or
            # has taken any investigational drug or product": the second one).
            split = _split_at(c, event, spans, words, cut, k, after_since=after_since)
            if split:
                return split
    return (event,)


def _split_at(
    c: Coordination,
    event: str,
    spans: list[tuple[int, int]],
    words: list[str],
    cut: int,
    k: int,
    *,
    after_since: bool,
) -> tuple[str, ...] | None:
    """The events of the coordination whose first conjunction is ``words[k]``, or None."""

    def ends_conjunct(i: int) -> bool:
        kinds = ("preposition", "predicate", "clause", "conjunction")
        return any(c.at(kind, words, i) for kind in kinds)

    # Left of the conjunction: back to a boundary or a transparent lead; commas there separate
    # the members of a series ("A, B or C").
    first = k
    while first > 0:
        w = first - 1
        if words[w] != "," and (ends_conjunct(w) or c.ends("transparent", words, w)):
            break
        first -= 1
    if first > 0 and not c.ends("transparent", words, first - 1):
        return None  # inside a modifier: "Hospitalization for respiratory or cardiac event"
    members: list[tuple[int, int]] = []
    piece = first
    for i in range(first, k + 1):
        if i == k or words[i] == ",":
            members.append((piece, i))
            piece = i + 1
    if len(members) > 1 and members[-1][0] == members[-1][1]:
        members.pop()  # "A, B, or C"
    # Right of it: each conjunct runs to the next conjunction, a comma or a boundary.
    i = k
    while True:
        i += c.at("conjunction", words, i)
        begin = i
        while i < cut and words[i] != "," and not ends_conjunct(i):
            i += 1
        members.append((begin, i))
        if i < cut and c.at("conjunction", words, i):
            continue
        if i + 1 < cut and words[i] == "," and c.at("conjunction", words, i + 1):
            i += 1
            continue
        break
    texts = _members(c, words, members)
    rest = event[spans[i][0] :].strip() if i < len(words) else ""
    if texts is None or "," in rest:
        return None  # "A or B, C …": no clean end to the coordination
    predicate = i < cut and c.at("predicate", words, i)
    if predicate and after_since:
        return None  # "since last menses or sterilization will not require …": a new clause
    phrases = [" ".join(event[spans[a][0] : spans[b - 1][1]] for a, b in t) for t in texts]
    shared = i < cut and c.at("preposition", words, i)
    if shared and any(w in _content(rest) for p in phrases for w in _content(p)):
        shared = False  # "Peritonitis or recovery from peritonitis": the phrase is the last's
    if predicate:
        parts = phrases  # "… or extensive radiation therapy is performed"
    elif shared:
        parts = [f"{p} {rest}" for p in phrases]  # "injuries or surgery of the target knee"
    else:
        parts = [*phrases[:-1], f"{phrases[-1]} {rest}".strip()]  # "the wish to …", a blocker
    unique = tuple(dict.fromkeys(parts))
    return unique if len(unique) > 1 else None


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{4,}", text.lower())}


def _members(
    c: Coordination, words: list[str], members: list[tuple[int, int]]
) -> list[list[tuple[int, int]]] | None:
    """Each conjunct as word ranges (a distributed head is a range of its own), or None
    when the coordination is not one of things that can each stand alone."""
    out = []
    for a, b in members:
        while a < b and c.at("lead", words, a):
            a += 1
        if a >= b:
            return None
        if b - a == 1 and _predicate_word(c, words[a]):
            return None  # "discharged or deceased", "unable or unwilling"
        out.append((a, b))
    *front, (la, lb) = out
    # "X or Y Z": X is a whole noun phrase ("corticosteroids or calcineurin antagonists",
    # "live vaccine or attenuated live vaccine", "acute myocardial infarction or …"), or words
    # that share Z with Y — the use of two things ("antibiotic or probiotic use", split with Z
    # distributed), or kinds of one thing ("vascular or endovascular surgery", "acute ischemic or
    # hemorrhagic stroke", "urine or serum β-hCG test"), one event. A determiner opens a noun
    # phrase ("rituximab or any monoclonal antibody"), and so does a series with a member of
    # several words ("deep-peeling, skin regeneration or acne scar treatment"); otherwise X is
    # taken as whole only on evidence: three words or more, a plural, Z's head word or a head
    # noun ("alcohol abuse or binge drinking").
    series = len(front) > 1 and any(b - a > 1 for a, b in front)
    if lb - la > 1 and not series and not c.at("lead", words, members[-1][0]):
        head = words[lb - 1]
        whole = [
            b - a >= 3
            or _plural(words[b - 1])
            or words[b - 1] == head
            or c.at("head", words, b - 1)
            for a, b in front
        ]
        if not all(whole):
            if all(b - a == 1 for a, b in front) and c.at("head", words, lb - 1):
                return [[(a, b), (lb - 1, lb)] for a, b in front] + [[(la, lb)]]
            return None
    return [[(a, b)] for a, b in out]


def _predicate_word(c: Coordination, word: str) -> bool:
    if c.at("verb", [word], 0):
        return True
    return any(word.endswith(s) and len(word) > len(s) + 3 for s in c.suffixes)


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


_WORD_NUMBER = re.compile(rf"(?<![\w-]){numbers.WORD_NUMBER}(?![\w-])")


def _has_word_number(text: str) -> bool:
    return bool(_WORD_NUMBER.search(text))


def _spans(items: tuple[Threshold, ...] | tuple[Window, ...], base: int) -> list[tuple[int, int]]:
    """Local (start, end) of extracted items that have offsets."""
    return [
        (item.start - base, item.end - base)
        for item in items
        if item.start is not None and item.end is not None
    ]


_WRITTEN_EQUAL = re.compile(r"(?i)=|\bequals?\b")


def _direction_unknown(threshold: Threshold, text: str, base: int) -> bool:
    """ "ANC = 1500/mm3": a mirror's "=" on a continuous variable, whose ≥ or ≤ is lost
    (the threshold has no eligible range; "ECOG = 1" has one)."""
    if threshold.comparator != "=" or threshold.eligible is not None or threshold.start is None:
        return False
    variable = rules().variables.get(threshold.variable)
    if (
        variable is not None
        and variable.scale is not None
        and variable.scale[1] - variable.scale[0] <= 10
    ):
        return False  # an ordinal grade: "= 1" is that grade
    span = text[threshold.start - base : (threshold.end or threshold.start) - base]
    return bool(_WRITTEN_EQUAL.search(span))


def status(criterion: Criterion, windows: tuple[Window, ...]) -> Status:
    """``parsed``, ``partial`` or ``unparsed`` (see the module docstring)."""
    found = bool(criterion.thresholds or windows)
    text = criterion.text or ""
    base = criterion.start or 0
    if any(
        _direction_unknown(t, text, base) or (t.normalized is None and t.unit is not None)
        for t in criterion.thresholds
    ):
        return "partial"
    if not _ANY_DIGIT.search(text):
        return "parsed" if found else "unparsed"
    covered = _spans(criterion.thresholds, base) + _spans(windows, base)
    loose = [
        m.start()
        for m in _DIGIT.finditer(text)
        if not any(s <= m.start() and m.end() <= e for s, e in covered)
    ]
    if loose:
        # Only now look for numbers that are not limits (versions, list markers, names).
        noise = [(m.start(), m.end()) for p in rules().noise for m in p.finditer(text)]
        if any(not any(s <= pos < e for s, e in noise) for pos in loose):
            return "partial"
    return "parsed" if found else "unparsed"
