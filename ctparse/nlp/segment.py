"""Split eligibility text into atomic criteria.

``segment(text)`` returns ``Criterion`` values in text order. Offsets are
exact: for every criterion ``text[c.start:c.end] == c.text``. A criterion never
includes its bullet or number, nor surrounding spaces or a trailing ";"/","/
"; and"; a hard-wrapped criterion keeps its inner line breaks (the text is a
slice, never rewritten).

The text is read in three layers, all on character offsets:

1. **Sections** (``ctparse.nlp.sections``): headers cut the text into regions
   that are inclusion / exclusion / unknown.
2. **Lines to units.** A *unit* is what a registrant wrote as one criterion:
   a bullet or numbered item (all kinds of ``models/bullets.jsonl``; wrapped
   lines joined), or, in a paragraph without bullets, one sentence. Nesting
   comes from indentation and marker kind; an item's ``parent`` is the item
   or lead-in it hangs from ("Patients must have the following:" then
   "- ANC ≥ 1.5"). A "Note:" line or sentence stays with the unit before it.
   Flattened text (newlines lost) is read the same way: a run of spaces before
   a bullet, or numbers in sequence after a sentence end ("…; 2. Subject
   must"), start a new unit; a sentence that opens with "… the following …:"
   becomes a lead-in unit whose items (split at ";" or ",") are its children.
3. **Units to pieces.** A unit that packs several requirements is split into
   pieces whose ``parent`` is the unit: inline enumerations ("A. …; B. …",
   "1) … 2) …"), sentences, clauses between ";", items after a "following:"
   lead-in, and comma lists of measured values ("neutrophils ≥ 1,500/mm3,
   platelet count ≥ 100,000/mm3, hemoglobin ≥ 9 g/dL").

Ids are ``inc-N`` / ``exc-N`` / ``unk-N`` for units (numbered per section, in
text order) and ``inc-N.K`` for the pieces of unit ``inc-N``. A unit with
pieces spans them; consumers that want each fact once should read the leaves.

Sentence ends never fall inside "e.g.", "i.e.", "vs.", "approx.", "No." and
the other abbreviations of ``models/abbreviations.jsonl``, nor inside numbers
("1.5", "10^9/L", "×10⁹/L"), because a boundary needs a dot followed by space
and an upper-case letter, and the word before the dot is checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..resources import load_rules, per_models
from ..schema import Criterion, Section, SectionSpan
from .categorize import OTHER, categorize
from .sections import find_sections

_CLAUSE_KINDS = ("qualifier", "lead_in", "continuation")
_PREFIX: dict[str, str] = {"inclusion": "inc", "exclusion": "exc", "unknown": "unk"}
_ROMAN = {"i": 1, "v": 5, "x": 10}


# ------------------------------------------------------------------ resources


@dataclass(frozen=True)
class _Rules:
    marker: re.Pattern[str]  # one alternation, group b<i> per bullet rule
    kinds: tuple[str, ...]
    ordinals: tuple[str | None, ...]
    ids: tuple[str, ...]
    abbreviations: frozenset[str]  # lower-cased
    abbreviations_cased: frozenset[str]
    qualifier: re.Pattern[str]
    lead_in: re.Pattern[str]
    continuation: re.Pattern[str]


@per_models
def rules() -> _Rules:
    """The bullet, abbreviation and clause rules under ``models/``, compiled."""
    bullets = load_rules("bullets.jsonl")
    parts = []
    for index, entry in enumerate(bullets):
        follow = r"(?:[ \t]+|(?=[^\W\d_]))" if entry["tight"] else r"[ \t]+"
        parts.append(f"(?P<b{index}>{entry['pattern']}){follow}")
    abbreviations = load_rules("abbreviations.jsonl")
    clauses = load_rules("segmentation.jsonl")
    by_kind: dict[str, list[str]] = {kind: [] for kind in _CLAUSE_KINDS}
    for entry in clauses:
        by_kind[entry["kind"]].append(f"(?:{entry['pattern']})")
    return _Rules(
        marker=re.compile("|".join(parts)),
        kinds=tuple(e["kind"] for e in bullets),
        ordinals=tuple(e.get("ordinal") for e in bullets),
        ids=tuple(e["id"] for e in bullets),
        abbreviations=frozenset(
            e["abbreviation"].lower() for e in abbreviations if not e.get("case_sensitive")
        ),
        abbreviations_cased=frozenset(
            e["abbreviation"] for e in abbreviations if e.get("case_sensitive")
        ),
        qualifier=re.compile("(?i)" + "|".join(by_kind["qualifier"])),
        lead_in=re.compile("(?i)" + "|".join(by_kind["lead_in"])),
        continuation=re.compile(
            r"(?i)(?:and\s+|or\s+)?(?:" + "|".join(by_kind["continuation"]) + ")"
        ),
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
    r = rules()
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


# ---------------------------------------------------------------- the model


@dataclass
class _Line:
    start: int  # first character of the marker or text
    end: int  # after the last non-space character
    indent: int
    marker: Marker | None
    blank_before: bool
    real_start: bool  # starts a physical line (not split out of a flattened one)


@dataclass
class _Unit:
    start: int
    end: int
    section: Section
    parent: int | None = None  # index of the parent unit
    paragraph: bool = False  # no marker: split into sentences when finished
    pieces: list[tuple[int, int]] = field(default_factory=list)
    lead_in: bool = False  # ends in ":" -- the items below hang from it


@dataclass
class _Frame:
    """An open list level: a marker item, or a lead-in paragraph."""

    indent: int
    kind: str | None  # None for a lead-in paragraph
    value: int | None
    unit: int


_SPACE_RUN = re.compile(r"(?<![ \t])[ \t]{2,}(?=\S)")
_ORDINAL_CANDIDATE = re.compile(r"(?<=[.;:!?,])[ \t]+(?=\(?(?:\d{1,2}|[A-Za-z]|[ivxIVX]{1,4})[.)])")
_ENUM_CANDIDATE = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{2,4})[.)]")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|[。！？]")
_TERMINAL = frozenset(".:;!?")
# A line this long may have been hard-wrapped (legacy records wrap near 70-80).
_WRAP_WIDTH = 60
_BREAKS_OFF = re.compile(r"(?:[,(/&-]|\b(?i:and|or|of|the|with|to|for|in|a|an|than|by))$")
_LEADING_CONJUNCTION = re.compile(r"(?i)(?:and/or|and|or)\b[ \t]*|[,;:][ \t]*")
# a dangling conjunction at the end: "…; and" (a piece also drops "or", "and/or")
_TRAILING_UNIT = re.compile(r"(?<![^\s,;])(?i:and)$")
_TRAILING_PIECE = re.compile(r"(?<![^\s,;])(?i:and/or|and|or)$")
_ALNUM = re.compile(r"[^\W_]")
# a measured value: a word, then a comparator, then a number ("platelets ≥ 100")
_COMPARATOR = re.compile(
    r"[<>≤≥＜＞=]|\b(?i:greater|less|more|fewer|higher|lower|above|below|at\s+least|"
    r"at\s+most|no\s+more|up\s+to|exceed\w*)\b"
)
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_PARENS = re.compile(r"\([^()]*\)")


# ----------------------------------------------------------------- segment


def segment(
    text: str, *, sections: Sequence[SectionSpan] | None = None, default: Section = "unknown"
) -> list[Criterion]:
    """The atomic criteria of ``text`` (offsets index ``text`` exactly).

    Args:
        text: eligibility criteria text as read (``Eligibility.criteria_text``).
        sections: the headers of ``text``; found with ``find_sections`` when None.
        default: the section of text before any header (plain criteria text
            known to be inclusion or exclusion criteria).

    Returns:
        Criteria in text order: each unit followed by its pieces.

    >>> [c.text for c in segment("Inclusion Criteria:\\n* Age >= 18\\n* ECOG 0-1")]
    ['Age >= 18', 'ECOG 0-1']
    """
    if not text or not text.strip():
        return []
    if sections is None:
        sections = find_sections(text)
    units: list[_Unit] = []
    for section, start, end in _regions(text, sections, default):
        _read_region(text, start, end, section, units)
    return _criteria(text, units)


def _regions(
    text: str, sections: Sequence[SectionSpan], default: Section
) -> list[tuple[Section, int, int]]:
    regions: list[tuple[Section, int, int]] = []
    position: int = 0
    current: Section = default
    for span in sections:
        if span.start > position:
            regions.append((current, position, span.start))
        position = max(position, span.end)
        current = span.section
    if position < len(text):
        regions.append((current, position, len(text)))
    return regions


def _read_region(text: str, start: int, end: int, section: Section, units: list[_Unit]) -> None:
    """Units of one section region, appended to ``units`` with their parents."""
    stack: list[_Frame] = []
    current: _Unit | None = None  # the unit the last line went to
    for line in _lines(text, start, end):
        if (
            line.marker is None
            and current is not None
            and (
                _qualifier(text, line.start)
                or (not line.blank_before and line.real_start and _continues(text, current, line))
            )
        ):
            current.end = line.end
            continue
        if current is not None:
            _close(text, units, stack)
        if line.marker is not None:
            parent = _place_item(stack, line, units)
            units.append(_Unit(line.marker.end, line.end, section, parent))
            stack.append(_Frame(line.indent, line.marker.kind, line.marker.value, len(units) - 1))
        else:
            while stack and stack[-1].indent >= line.indent:
                stack.pop()
            parent = stack[-1].unit if stack else None
            units.append(_Unit(line.start, line.end, section, parent, paragraph=True))
            stack.append(_Frame(line.indent, None, None, len(units) - 1))
        current = units[-1]
    if current is not None:
        _close(text, units, stack)


def _close(text: str, units: list[_Unit], stack: list[_Frame]) -> None:
    """Finish the last unit; a paragraph frame stays open only for a lead-in."""
    lead = _finish(text, units, len(units) - 1)
    top = stack[-1] if stack else None
    if top is not None and top.kind is None and top.unit <= len(units) - 1:
        if lead is None:
            stack.pop()
        else:
            top.unit = lead


def _place_item(stack: list[_Frame], line: _Line, units: list[_Unit]) -> int | None:
    """Pop the list levels this item closes; return its parent unit."""
    marker = line.marker
    assert marker is not None
    indent = line.indent
    while stack:
        top = stack[-1]
        if top.kind is None:  # a paragraph: lead-ins hold any item below them
            break
        if top.indent > indent:
            stack.pop()
            continue
        if top.indent == indent:
            if top.kind == marker.kind or _compatible(top.kind, marker.kind):
                stack.pop()
                break
            if any(f.kind == marker.kind and f.indent == indent for f in stack[:-1]):
                while stack and not (stack[-1].kind == marker.kind and stack[-1].indent == indent):
                    stack.pop()
                if stack:
                    stack.pop()
                break
            if units[top.unit].lead_in:
                break  # "a. Adequate function as follows:" then "i. ANC ..."
            stack.pop()
            break
        # deeper than the top: a sub-item, unless it just continues the
        # numbering of the top item (sloppy indentation)
        if (
            top.kind == marker.kind
            and marker.value is not None
            and top.value is not None
            and marker.value == top.value + 1
        ):
            stack.pop()
        break
    return stack[-1].unit if stack else None


def _compatible(a: str | None, b: str | None) -> bool:
    """ "i." after "h." is a letter; "v." after "iv." is a roman numeral."""
    return {a, b} == {"lower_letter", "lower_roman"} or {a, b} == {"upper_letter", "upper_roman"}


def _lines(text: str, start: int, end: int) -> list[_Line]:
    """Content lines of a region, with flattened lines split at inline bullets."""
    lines: list[_Line] = []
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
        breaks = _inline_breaks(text, content, line_end)
        pieces = [(content, indent), *breaks]
        for index, (piece_start, piece_indent) in enumerate(pieces):
            piece_end = pieces[index + 1][0] if index + 1 < len(pieces) else line_end
            while piece_end > piece_start and text[piece_end - 1] in " \t":
                piece_end -= 1
            if piece_end <= piece_start:
                continue
            marker = match_marker(text, piece_start, piece_end)
            lines.append(
                _Line(
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


def _inline_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where a flattened line holds further list items: (position, indent).

    A bullet after a run of spaces ("…smokers   -  Wiling to…") always starts
    an item; a number starts one after a sentence end when it continues the
    numbering ("1. Age ≥ 18;   2. Subject …" or "…: 1. … 2. …").
    """
    if end - start < 8:
        return []
    breaks: list[tuple[int, int]] = []
    if text.find("  ", start, end) >= 0 or text.find("\t", start, end) >= 0:
        for run in _SPACE_RUN.finditer(text, start, end):
            if match_marker(text, run.end(), end) is not None:
                breaks.append((run.end(), len(run.group()) - 1))
    first = match_marker(text, start, end)
    # numbers in sequence ("1. … 2. …", restarting at "1." after a colon);
    # letters and roman numerals only when they continue the line's own marker
    if first is not None and first.ordinal is not None and first.value is not None:
        kind: str | None = first.kind
        expected = first.value + 1
    else:
        kind, expected = None, 1
    numbered: list[tuple[int, int]] = []
    for gap in _ORDINAL_CANDIDATE.finditer(text, start, end):
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


def _continues(text: str, unit: _Unit, line: _Line) -> bool:
    """Is ``line`` (no marker, no blank line before) a wrapped part of ``unit``?

    Only after a line long enough to have been wrapped (or one that visibly
    breaks off: "…, and", "… of"): short unbulleted lines one under the other
    are separate criteria.
    """
    last = text[unit.end - 1]
    if last in ".!?;:":
        return False
    first = text[line.start]
    previous_line = text.rfind("\n", 0, unit.end) + 1
    wrapped = unit.end - previous_line >= _WRAP_WIDTH or _BREAKS_OFF.search(
        text, max(previous_line, unit.end - 8), unit.end
    )
    if not wrapped:
        return False
    if first.islower() or first in "(&/+,)" or first.isdigit():
        return True
    # a hard-wrapped bullet item: the next line is indented under its text
    unit_indent = unit.start - (text.rfind("\n", 0, unit.start) + 1)
    return line.indent > 0 and line.indent >= unit_indent - 1


def _qualifier(text: str, pos: int) -> bool:
    return rules().qualifier.match(text, pos) is not None


# ------------------------------------------------------- units and pieces


def _finish(text: str, units: list[_Unit], index: int) -> int | None:
    """Trim a finished unit, split a paragraph into sentence units, find pieces.

    Returns the index of the unit that stays open as a lead-in (the last one
    when it ends in ":"), else None.
    """
    unit = units[index]
    start, end = _trim(text, unit.start, unit.end)
    unit.start, unit.end = start, end
    if end <= start:
        return None
    if not unit.paragraph:
        unit.lead_in = text[end - 1] == ":"
        unit.pieces = [] if unit.lead_in else _pieces(text, start, end)
        return index if unit.lead_in else None
    spans: list[tuple[int, int, bool]] = []  # (start, end, is lead-in)
    lead_in = rules().lead_in
    for s, e in _sentences(text, start, end):
        lead = lead_in.match(text, s, e)
        if lead is not None and _ALNUM.search(text, lead.end(), e):
            spans.append((s, lead.end(), True))
            spans.extend((a, b, False) for a, b in _list_items(text, lead.end(), e))
        else:
            spans.append((s, e, text[e - 1] == ":"))
    parent = unit.parent
    lead_index: int | None = None
    last: int | None = None
    for s, e, is_lead in spans:
        s, e = _trim(text, s, e)
        if e <= s:
            continue
        if last is None:
            target, target_index = unit, index
        else:
            target = _Unit(s, e, unit.section, parent)
            units.append(target)
            target_index = len(units) - 1
        last = target_index
        target.start, target.end = s, e
        target.parent = lead_index if (lead_index is not None and not is_lead) else parent
        target.lead_in = is_lead
        target.pieces = [] if is_lead else _pieces(text, s, e)
        if is_lead:
            lead_index = target_index
        elif lead_index is not None and text[e - 1] in ".!?":
            lead_index = None  # a sentence end closes an inline list
    if last is not None and units[last].lead_in and text[units[last].end - 1] == ":":
        return last
    return None


def _list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items after an inline lead-in: split at ";" or, failing that, ","."""
    parts = _split_top(text, start, end, ";")
    if len(parts) < 2:
        parts = [p for p in _split_top(text, start, end, ",")]
        parts = _merge_alternatives(text, parts)
    return parts if parts else [(start, end)]


def _pieces(text: str, start: int, end: int, depth: int = 0) -> list[tuple[int, int]]:
    """The pieces of one unit (leaves of a recursive split), or [] if it is atomic."""
    if depth > 4 or end - start < 12:
        return []
    spans = _split_once(text, start, end)
    if len(spans) < 2:
        return []
    leaves: list[tuple[int, int]] = []
    for s, e in spans:
        s, e = _trim(text, s, e, piece=True)
        if e <= s or not _ALNUM.search(text, s, e):
            continue
        sub = _pieces(text, s, e, depth + 1)
        leaves.extend(sub or [(s, e)])
    return leaves if len(leaves) >= 2 else []


def _split_once(text: str, start: int, end: int) -> list[tuple[int, int]]:
    enumerated = _enumeration(text, start, end)
    if len(enumerated) >= 2:
        return enumerated
    sentences = _sentences(text, start, end)
    if len(sentences) >= 2:
        return sentences
    lead = rules().lead_in.match(text, start, end)
    if lead is not None and _ALNUM.search(text, lead.end(), end):
        items = _list_items(text, lead.end(), end)
        if len(items) >= 2:
            return items
    clauses = _clauses(text, start, end)
    if len(clauses) >= 2:
        return clauses
    return _measured_list(text, start, end)


def _enumeration(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Inline items "A. … B. …", "1) … 2) …", "(a) … (b) …", "i. … ii. …"."""
    found: list[Marker] = []
    expected: dict[str, int] = {}
    for candidate in _ENUM_CANDIDATE.finditer(text, start, end):
        pos = candidate.start()
        if pos > start and not text[pos - 1].isspace():
            continue
        marker = match_marker(text, pos, end)
        if marker is None or not _enumerates(text, start, pos, marker):
            continue
        assert marker.value is not None
        want = expected.get(marker.kind, 1)
        if marker.value == want:
            found.append(marker)
            expected[marker.kind] = want + 1
    if not found:
        return []
    kind = found[0].kind
    found = [m for m in found if m.kind == kind]
    if len(found) < 2:
        return []
    spans = []
    for index, marker in enumerate(found):
        piece_end = found[index + 1].start if index + 1 < len(found) else end
        spans.append((marker.end, piece_end))
    return spans


def _enumerates(text: str, start: int, pos: int, marker: Marker) -> bool:
    """Can this marker be an inline item? "2." only at the start or after ";", ".", ":"."""
    if marker.ordinal is None or marker.value is None or marker.kind == "decimal":
        return False
    if marker.kind == "number_dot":
        return pos == start or text[pos - 2 : pos - 1] in (";", ".", ":", ",")
    return True


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]``; a "Note:" sentence joins the one before."""
    r = rules()
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
            if text[match.start()] == "." and _abbreviation(text, start, match.start(), r):
                continue
        if r.qualifier.match(text, nxt):
            continue  # "… lesions. Note: …" stays one sentence
        bounds.append(nxt)
    if not bounds:
        return [(start, end)]
    spans = []
    previous = start
    for bound in bounds:
        spans.append((previous, bound))
        previous = bound
    spans.append((previous, end))
    return spans


def _abbreviation(text: str, start: int, dot: int, r: _Rules) -> bool:
    """Does the dot at ``dot`` end an abbreviation ("e.g.", "No.")?"""
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : dot + 1].lstrip("([{\"'“")
    return word.lower() in r.abbreviations or word in r.abbreviations_cased


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clauses between top-level ";" (not before "whether …", "which …")."""
    if text.find(";", start, end) < 0:
        return []
    cut = end
    note = _note_start(text, start, end)
    if note is not None:
        cut = note
    parts = _split_top(text, start, cut, ";")
    if len(parts) < 2:
        return []
    continuation = rules().continuation
    merged: list[tuple[int, int]] = []
    for s, e in parts:
        head = s
        while head < e and text[head].isspace():
            head += 1
        if merged and continuation.match(text, head, e):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    if cut != end and merged:
        merged[-1] = (merged[-1][0], end)
    return merged if len(merged) >= 2 else []


def _note_start(text: str, start: int, end: int) -> int | None:
    lowered = text[start:end].lower()
    index = lowered.find("note")
    while index > 0:
        if rules().qualifier.match(text, start + index):
            return start + index
        index = lowered.find("note", index + 1)
    return None


def _measured_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A comma list with at least two measured values is split at its commas."""
    if text.count(",", start, end) == 0:
        return []
    parts = _split_top(text, start, end, ",", need_space=True)
    if len(parts) < 2:
        return []
    parts = _merge_alternatives(text, parts)
    measured = sum(1 for s, e in parts if e - s <= 300 and _measured(_PARENS.sub("", text[s:e])))
    return parts if measured >= 2 and len(parts) >= 2 else []


def _measured(part: str) -> bool:
    """Does ``part`` hold a word, a comparator and then a number?"""
    for comparator in _COMPARATOR.finditer(part):
        if _LETTER.search(part, 0, comparator.start()) and _DIGIT.search(part, comparator.end()):
            return True
    return False


def _merge_alternatives(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ ", or …" continues the part before: alternatives are one requirement."""
    merged: list[tuple[int, int]] = []
    for s, e in parts:
        head = s
        while head < e and text[head].isspace():
            head += 1
        if merged and text.startswith(("or ", "and/or ", "nor "), head):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _split_top(
    text: str, start: int, end: int, separator: str, *, need_space: bool = False
) -> list[tuple[int, int]]:
    """Split at ``separator`` outside brackets."""
    parts: list[tuple[int, int]] = []
    previous = start
    depth = 0
    counted = start
    pos = text.find(separator, start, end)
    while pos >= 0:
        depth += (
            text.count("(", counted, pos)
            - text.count(")", counted, pos)
            + text.count("[", counted, pos)
            - text.count("]", counted, pos)
        )
        counted = pos
        spaced = pos + 1 < end and text[pos + 1].isspace()
        if (not need_space or spaced) and depth <= 0:
            parts.append((previous, pos))
            previous = pos + 1
        pos = text.find(separator, pos + 1, end)
    parts.append((previous, end))
    return [(s, e) for s, e in parts if _ALNUM.search(text, s, e)]


def _trim(text: str, start: int, end: int, *, piece: bool = False) -> tuple[int, int]:
    """Drop surrounding space, a trailing ";"/","/"; and", and for a piece a
    leading conjunction or separator."""
    while start < end and text[start].isspace():
        start += 1
    if piece:
        while True:
            lead = _LEADING_CONJUNCTION.match(text, start, end)
            if lead is None or lead.end() == start or lead.end() >= end:
                break
            start = lead.end()
            while start < end and text[start].isspace():
                start += 1
    while end > start:
        char = text[end - 1]
        if char.isspace() or char in ",;":
            end -= 1
            continue
        tail = _TRAILING_PIECE if piece else _TRAILING_UNIT
        word = tail.search(text, max(start, end - 8), end)
        if word is None or word.start() <= start:
            break
        end = word.start()
    return start, end


# ------------------------------------------------------------- criteria


def _criteria(text: str, units: list[_Unit]) -> list[Criterion]:
    ids: list[str | None] = [None] * len(units)
    categories: list[str] = [OTHER] * len(units)
    counters: dict[str, int] = {}
    result: list[Criterion] = []
    for index, unit in enumerate(units):
        if unit.end <= unit.start or not _ALNUM.search(text, unit.start, unit.end):
            continue
        prefix = _PREFIX[unit.section]
        counters[prefix] = counters.get(prefix, 0) + 1
        ids[index] = f"{prefix}-{counters[prefix]}"
    order = sorted(range(len(units)), key=lambda i: (units[i].start, i))
    for index in order:
        unit = units[index]
        uid = ids[index]
        if uid is None:
            continue
        parent_index = unit.parent
        while parent_index is not None and ids[parent_index] is None:
            parent_index = units[parent_index].parent
        parent = ids[parent_index] if parent_index is not None else None
        body = text[unit.start : unit.end]
        category = categorize(body)  # items under a lead-in keep their own category
        categories[index] = category
        result.append(
            Criterion(
                id=uid,
                section=unit.section,
                text=body,
                start=unit.start,
                end=unit.end,
                parent=parent,
                category=category,
            )
        )
        for number, (s, e) in enumerate(unit.pieces, start=1):
            piece = text[s:e]
            piece_category = categorize(piece)
            result.append(
                Criterion(
                    id=f"{uid}.{number}",
                    section=unit.section,
                    text=piece,
                    start=s,
                    end=e,
                    parent=uid,
                    category=category if piece_category == OTHER else piece_category,
                )
            )
    return result
