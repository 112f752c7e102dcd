"""Physical lines of eligibility text as candidate criterion lines.

A flattened line (newlines lost) is split again at what still marks an item:
a bullet after a run of spaces, or numbers in sequence after a sentence end
("…; 2. Subject must"). A line without a marker continues the one before when
it was visibly hard-wrapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.bullets import Marker, match_marker

_SPACE_RUN = re.compile(r"(?<![ \t])[ \t]{2,}(?=\S)")
_ORDINAL_CANDIDATE = re.compile(r"(?<=[.;:!?,])[ \t]+(?=\(?(?:\d{1,2}|[A-Za-z]|[ivxIVX]{1,4})[.)])")
# Collapsed text (newlines joined by one space, no sentence punctuation): a number in
# sequence after a word ("… valve repair 2. Receiving heparin"), and a bullet after one
# space written as the list's other bullets are ("-  Obese (BMI ≥ 30) -  Referred by …").
_ORDINAL_BARE = re.compile(r"(?<=[A-Za-z)\]%'’])[ \t](?=\(?\d{1,2}[.)][ \t]+[A-Za-z(])")
_SYMBOL_BARE = re.compile(
    r"(?<=[^\s(/+=<>≤≥-])[ \t](?P<form>[*•●○◦▪■□‣⁃·∙➢►▸✓✔–—-][ \t]+)(?=[A-Za-z(\d\"“<>≤≥])"
)
# A line this long may have been hard-wrapped (legacy records wrap near 70-80).
_WRAP_WIDTH = 60
_BREAKS_OFF = re.compile(r"(?:[,(/&-]|\b(?i:and|or|of|the|with|to|for|in|a|an|than|by))$")


@dataclass
class Line:
    start: int  # first character of the marker or text
    end: int  # after the last non-space character
    indent: int
    marker: Marker | None
    blank_before: bool
    real_start: bool  # starts a physical line (not split out of a flattened one)


def lines(text: str, start: int, end: int) -> list[Line]:
    """Content lines of a region, with flattened lines split at inline bullets."""
    lines: list[Line] = []
    previous = start
    line_start = start
    while line_start < end:
        newline = text.find("\n", line_start, end)
        line_end = end if newline < 0 else newline
        next_start = line_end + 1
        content = line_start
        while content < line_end and text[content].isspace():
            content += 1
        if content >= line_end:
            line_start = next_start
            continue
        blank_before = text.count("\n", previous, line_start) >= 2
        previous = line_end
        while line_end > content and text[line_end - 1].isspace():
            line_end -= 1
        real = line_start == 0 or text[line_start - 1] == "\n"
        indent = content - line_start if real else max(0, content - line_start - 1)
        breaks = inline_breaks(text, content, line_end)
        pieces = [(content, indent), *breaks]
        for index, (piece_start, piece_indent) in enumerate(pieces):
            piece_end = pieces[index + 1][0] if index + 1 < len(pieces) else line_end
            while piece_end > piece_start and text[piece_end - 1] in " \t":
                piece_end -= 1
            if piece_end <= piece_start:
                continue
            marker = match_marker(text, piece_start, piece_end)
            lines.append(
                Line(
                    piece_start,
                    piece_end,
                    piece_indent,
                    marker,
                    blank_before if index == 0 else False,
                    real and index == 0,
                )
            )
        line_start = next_start
    return lines


def inline_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where a flattened line holds further list items: (position, indent).

    A bullet after a run of spaces ("…smokers   -  Wiling to…") always starts
    an item; a number starts one after a sentence end when it continues the
    numbering ("1. Age ≥ 18;   2. Subject …" or "…: 1. … 2. …").
    """
    if end - start < 8:
        return []
    breaks: list[tuple[int, int]] = []
    first = match_marker(text, start, end)
    bare = _bare_bullets(text, start, end, first, set())
    if text.find("  ", start, end) >= 0 or text.find("\t", start, end) >= 0:
        bullets = {at for at, _ in bare}
        for run in _SPACE_RUN.finditer(text, start, end):
            if run.start() - 1 in bullets:
                continue  # "-  (2) adults": the number belongs to the bullet's item
            if match_marker(text, run.end(), end) is not None:
                breaks.append((run.end(), len(run.group()) - 1))
    known = {b for b, _ in breaks}
    breaks.extend(b for b in bare if b[0] not in known)
    # numbers in sequence ("1. … 2. …", restarting at "1." after a colon);
    # letters and roman numerals only when they continue the line's own marker
    if first is not None and first.ordinal is not None and first.value is not None:
        kind: str | None = first.kind
        expected = first.value + 1
    else:
        kind, expected = None, 1
    numbered: list[tuple[int, int]] = []
    gaps = list(_ORDINAL_CANDIDATE.finditer(text, start, end))
    if first is not None and first.ordinal == "number":
        gaps = sorted(
            gaps + list(_ORDINAL_BARE.finditer(text, start, end)), key=lambda g: g.start()
        )
    for gap in gaps:
        marker = match_marker(text, gap.end(), end)
        if marker is None or marker.value is None or marker.ordinal is None:
            continue
        if marker.ordinal != "number" and marker.kind != kind:
            continue
        restart = marker.ordinal == "number" and marker.value == 1 and text[gap.start() - 1] == ":"
        if restart or (marker.value == expected and (kind is None or marker.kind == kind)):
            numbered.append((gap.end(), max(0, len(gap.group()) - 1)))
            kind = marker.kind
            expected = marker.value + 1
    started = first is not None and first.ordinal is not None
    if numbered and (len(numbered) >= 2 or started):
        known = {b for b, _ in breaks}
        breaks.extend(b for b in numbered if b[0] not in known)
        breaks.sort()
    return breaks


def _bare_bullets(
    text: str, start: int, end: int, first: Marker | None, known: set[int]
) -> list[tuple[int, int]]:
    """Bullets after a single space in a collapsed line, where they repeat the line's own
    marker as written ("-  Patients aged 18-80 years -  Obese …"; "Bicarbonate - Concentration"
    is no item) or, in a line without one, recur written alike at least twice."""
    if end - start < 20:
        return []
    found = []
    for m in _SYMBOL_BARE.finditer(text, start, end):
        at, form = m.start("form"), m.group("form")
        if at in known:
            continue
        # "-  " (two spaces) is a bullet as written; "18 - 65", "type - Concentration" with
        # one space are not, unless a capital opens the item and no digit closes the last
        loose = len(form) > 2
        if not loose and (text[at - 2].isdigit() or not text[m.end()].isupper()):
            continue
        found.append((at, form, m.end()))
    if not found:
        return []
    if first is not None and first.ordinal is None and first.kind in ("symbol", "dash"):
        own = text[start : first.end]
        return [(at, 0) for at, form, _ in found if form == own]
    forms = [form for _, form, _ in found]
    return [(at, 0) for at, form, _ in found if forms.count(form) >= 2]


def continues(text: str, unit_start: int, unit_end: int, line: Line) -> bool:
    """Is ``line`` (no marker, no blank line before) a wrapped part of ``unit``?

    Only after a line long enough to have been wrapped (or one that visibly
    breaks off: "…, and", "… of"): short unbulleted lines one under the other
    are separate criteria.
    """
    last = text[unit_end - 1]
    if last in ".!?;:":
        return False
    first = text[line.start]
    previous_line = text.rfind("\n", 0, unit_end) + 1
    wrapped = unit_end - previous_line >= _WRAP_WIDTH or _BREAKS_OFF.search(
        text, max(previous_line, unit_end - 8), unit_end
    )
    if not wrapped:
        return False
    if first.islower() or first in "(&/+,)" or first.isdigit():
        return True
    # a hard-wrapped bullet item: the next line is indented under its text
    unit_indent = unit_start - (text.rfind("\n", 0, unit_start) + 1)
    return line.indent > 0 and line.indent >= unit_indent - 1
