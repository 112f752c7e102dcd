"""Coordinated events of a window: "antibiotic or probiotic use in the previous
90 days" states one constraint per thing, so a window's event splits into one
event per conjunct. The rule words are in ``models/coordination.jsonl``.
"""

from __future__ import annotations

import itertools
import re

from .rules import Coordination, coordination

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
    series = _series_before_hypernym(c, event, spans, words, cut)
    if series is not None:
        return series
    for k in range(cut):
        if c.at("conjunction", words, k):
            # The first coordination of things wins ("participated in any other trial and/or
            # has taken any investigational drug or product": the second one).
            split = _split_at(c, event, spans, words, cut, k, after_since=after_since)
            if split:
                return split
    return (event,)


def _series_before_hypernym(
    c: Coordination, event: str, spans: list[tuple[int, int]], words: list[str], cut: int
) -> tuple[str, ...] | None:
    """ "myocardial infarction, heart failure, vascular disease, or other cardiac damage":
    a series of things closed by a hypernym ("or other …") names each member and the
    hypernym; "antibiotics or other medications" (no series) stays one event."""
    if cut >= len(words) or cut < 3 or words[cut - 1] != ",":
        return None
    if words[cut] not in ("or", "and", "and/or"):
        return None  # "such as", "except": examples and exceptions, no hypernym
    commas = [i for i in range(cut - 1) if words[i] == ","]
    if not commas:
        return None
    bounds = [-1, *commas, cut - 1]
    members = []
    for a, b in itertools.pairwise(bounds):
        first = a + 1
        while first < b and c.at("lead", words, first):
            first += 1
        if (
            first >= b
            or b - first > 6
            or any(c.at("conjunction", words, i) for i in range(first, b))
        ):
            return None  # an empty member, a clause, or a coordination inside a member
        members.append(event[spans[first][0] : spans[b - 1][1]])
    hypernym = event[spans[cut + 1][0] :].strip() if cut + 1 < len(words) else ""
    parts = [*members, hypernym] if hypernym else members
    unique = tuple(dict.fromkeys(" ".join(p.split()) for p in parts if p))
    return unique if len(unique) > 1 else None


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
    # "Radiotherapy, chemotherapy, or immunotherapy": a series split only where every
    # member before the last names a thing ("urinary tract, lung, or gastrointestinal
    # hemorrhage" is kinds of one bleeding)
    oxford = texts is not None and k > 0 and words[k - 1] == "," and len(texts) > 2
    if oxford and not all(_names_a_thing(event, spans, t) for t in (texts or [])[:-1]):
        return None
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


def _names_a_thing(event: str, spans: list[tuple[int, int]], ranges: list[tuple[int, int]]) -> bool:
    """Whether a conjunct is a concept of the lexicon (a condition, drug, procedure …)."""
    from .concepts import concept_of  # the lexicon loads once, only for a series

    text = " ".join(event[spans[a][0] : spans[b - 1][1]] for a, b in ranges)
    return concept_of(text) is not None


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
