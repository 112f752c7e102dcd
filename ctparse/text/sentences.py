"""Where sentences end: the one sentence splitter of ctparse.

A sentence ends at ".", "!" or "?" (and the CJK stops) followed by space and an
upper-case letter or an opening bracket or quote, unless the dot ends an
abbreviation of ``models/abbreviations.jsonl`` ("e.g.", "No.", "approx.") or is
a decimal point ("1.5", "10^9/L"). Segmentation splits paragraphs into
sentences with :func:`sentences`; the polarity rules scope their cues with
:func:`spans`, which also ends a sentence at ";" and at a line break.

>>> text = "Prior therapy (e.g. Chemotherapy) within 4 weeks. ECOG 0-1"
>>> [text[s:e] for s, e in sentences(text, 0, len(text))]
['Prior therapy (e.g. Chemotherapy) within 4 weeks. ', 'ECOG 0-1']
>>> scope = "A; b. C e.g. D. E"
>>> [scope[s:e] for s, e in spans(scope)]
['A;', ' b. ', 'C e.g. D. ', 'E']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..resources import load_rules, per_models

_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|[。！？]")
_BREAK = re.compile(r";|\n")


@dataclass(frozen=True)
class _Abbreviations:
    lower: frozenset[str]  # compared case-insensitively
    cased: frozenset[str]


@per_models
def abbreviations() -> _Abbreviations:
    """The abbreviations of ``models/abbreviations.jsonl``."""
    entries = load_rules("abbreviations.jsonl")
    return _Abbreviations(
        lower=frozenset(e["abbreviation"].lower() for e in entries if not e.get("case_sensitive")),
        cased=frozenset(e["abbreviation"] for e in entries if e.get("case_sensitive")),
    )


def sentences(
    text: str, start: int, end: int, *, joins: Callable[[str, int], bool] | None = None
) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` (spans; the spaces after a sentence stay
    with it). ``joins(text, pos)`` keeps a sentence opening at ``pos`` with the
    one before ("… lesions. Note: …")."""
    a = abbreviations()
    bounds: list[int] = []
    for match in _SENTENCE_END.finditer(text, start, end):
        after = match.end()
        nxt = after
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt >= end:
            continue
        if text[match.start()] not in "。！？":
            char = text[nxt]
            if not (char.isupper() or char in "([\"“'"):
                continue
            if text[match.start()] == "." and is_abbreviation(text, start, match.start(), a):
                continue
        if joins is not None and joins(text, nxt):
            continue
        bounds.append(nxt)
    if not bounds:
        return [(start, end)]
    result = []
    previous = start
    for bound in bounds:
        result.append((previous, bound))
        previous = bound
    result.append((previous, end))
    return result


def spans(text: str) -> list[tuple[int, int]]:
    """The text cut after every ";" and line break and between sentences: the
    scope of a polarity cue."""
    ends = {m.end() for m in _BREAK.finditer(text)}
    ends.update(start for start, _ in sentences(text, 0, len(text))[1:])
    cuts = sorted(e for e in ends if 0 < e < len(text))
    return list(zip([0, *cuts], [*cuts, len(text)], strict=True))


def is_abbreviation(text: str, start: int, dot: int, a: _Abbreviations | None = None) -> bool:
    """Does the dot at ``dot`` end an abbreviation ("e.g.", "No.")? ``start``
    bounds the word before it."""
    a = a or abbreviations()
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : dot + 1].lstrip("([{\"'“")
    return word.lower() in a.lower or word in a.cased
