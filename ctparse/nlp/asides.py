"""Asides and explanations: clauses about how the protocol was written, whose
numbers are no limits ("a cut-off of 70 years was considered but not used";
"the protocol may be amended if more than 5 sites fail to recruit").

The cues are data (``models/asides.jsonl``). A cue's clause is its
parentheses when it sits inside some, else the words from the last ",", ";"
or sentence start before it to the next ";", ")" or sentence end. Extraction
leaves the numbers of these clauses alone (no threshold, no window), and the
status counts them as known non-limits.

>>> text = "Age 18 to 65 years (a cut-off of 70 years was considered but not used)"
>>> [text[s:e] for s, e in aside_spans(text)]
['(a cut-off of 70 years was considered but not used)']
"""

from __future__ import annotations

import re

from ..resources import load_rules, per_models
from ..text.sentences import spans

_BEFORE = re.compile(r"[;,]")
_AFTER = re.compile(r"[;)]")


@per_models
def cues() -> re.Pattern[str]:
    """Every cue of ``models/asides.jsonl`` as one case-insensitive expression."""
    patterns = [f"(?:{entry['pattern']})" for entry in load_rules("asides.jsonl")]
    return re.compile("(?i:" + "|".join(patterns) + ")")


def aside_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every aside clause of ``text``."""
    cue = cues()
    if cue.search(text) is None:
        return []
    out: list[tuple[int, int]] = []
    sentences = spans(text)
    for m in cue.finditer(text):
        span = _parenthesis(text, m.start()) or _clause(text, m.start(), sentences)
        if out and span[0] < out[-1][1]:
            out[-1] = (min(out[-1][0], span[0]), max(out[-1][1], span[1]))
        else:
            out.append(span)
    return out


def inside(spans_: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start:end`` overlaps one of the aside spans."""
    return any(s < end and start < e for s, e in spans_)


def _parenthesis(text: str, at: int) -> tuple[int, int] | None:
    depth = 0
    for i in range(at - 1, -1, -1):
        char = text[i]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                close = text.find(")", at)
                return (i, close + 1) if close >= 0 else (i, len(text))
            depth -= 1
    return None


def _clause(text: str, at: int, sentences: list[tuple[int, int]]) -> tuple[int, int]:
    start, end = 0, len(text)
    for s, e in sentences:
        if s <= at < e:
            start, end = s, e
            break
    for m in _BEFORE.finditer(text, start, at):
        start = m.end()
    after = _AFTER.search(text, at, end)
    if after is not None:
        end = after.start()
    while start < end and text[start].isspace():
        start += 1
    return start, end
