"""List markers that open a criterion: bullets, numbers, letters, roman numerals.

The markers are data (``models/bullets.jsonl``): each rule's ``pattern``
matches the marker itself, which must then be followed by a space (or, for a
``tight`` rule, may touch the text: "-Stroke", "1.Age"). Every stage that
recognises a marker uses :func:`match_marker` (segmentation, section headers
behind a bullet, the words before a limit), so there is one vocabulary of them.

>>> m = match_marker("  2. Age >= 18", 2)
>>> (m.kind, m.value, m.end)
('number_dot', 2, 5)
>>> strip_markers("1. - ANC >= 1.5")
'ANC >= 1.5'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..resources import load_rules, per_models

_ROMAN = {"i": 1, "v": 5, "x": 10}


@dataclass(frozen=True)
class _Markers:
    marker: re.Pattern[str]  # one alternation, group b<i> per bullet rule
    kinds: tuple[str, ...]
    ordinals: tuple[str | None, ...]
    ids: tuple[str, ...]


@per_models
def markers() -> _Markers:
    """The bullet rules of ``models/bullets.jsonl``, compiled."""
    entries = load_rules("bullets.jsonl")
    parts = []
    for index, entry in enumerate(entries):
        follow = r"(?:[ \t]+|(?=[^\W\d_]))" if entry["tight"] else r"[ \t]+"
        parts.append(f"(?P<b{index}>{entry['pattern']}){follow}")
    return _Markers(
        marker=re.compile("|".join(parts)),
        kinds=tuple(e["kind"] for e in entries),
        ordinals=tuple(e.get("ordinal") for e in entries),
        ids=tuple(e["id"] for e in entries),
    )


@dataclass(frozen=True)
class Marker:
    """A list marker at the start of a line: its rule, kind and ordinal value."""

    rule: str
    kind: str
    ordinal: str | None
    value: int | None
    start: int
    end: int  # where the criterion text starts (after the marker and spaces)


def match_marker(text: str, pos: int, endpos: int | None = None) -> Marker | None:
    """The list marker at ``text[pos]``, if there is one."""
    r = markers()
    match = r.marker.match(text, pos, len(text) if endpos is None else endpos)
    if match is None or match.lastgroup is None:
        return None
    index = int(match.lastgroup[1:])
    ordinal = r.ordinals[index]
    return Marker(
        r.ids[index],
        r.kinds[index],
        ordinal,
        _ordinal_value(match.group(match.lastgroup), ordinal),
        pos,
        match.end(),
    )


def _ordinal_value(marker: str, ordinal: str | None) -> int | None:
    core = marker.strip("()[].")
    if ordinal == "number":
        return int(core) if core.isdigit() else None
    if ordinal == "letter" and len(core) == 1:
        return ord(core.lower()) - ord("a") + 1
    if ordinal == "roman":
        total, last = 0, 0
        for char in reversed(core.lower()):
            value = _ROMAN.get(char, 0)
            total = total - value if value < last else total + value
            last = max(last, value)
        return total
    return None


def strip_markers(text: str) -> str:
    """``text`` without the list markers (and spaces) it opens with."""
    pos = len(text) - len(text.lstrip())
    while (marker := match_marker(text, pos)) is not None and marker.end > pos:
        pos = marker.end
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return text[pos:]
