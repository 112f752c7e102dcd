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

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..schema import Criterion, Section, SectionSpan
from .categorize import OTHER, categorize
from .clauses import qualifies, rules, sentences_of
from .lines import Line, continues, lines
from .openings import split_run
from .pieces import ALNUM, list_items, pieces, trim
from .sections import find_sections

_PREFIX: dict[str, str] = {"inclusion": "inc", "exclusion": "exc", "unknown": "unk"}


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
    for line in lines(text, start, end):
        if (
            line.marker is None
            and current is not None
            and (
                qualifies(text, line.start)
                or (
                    not line.blank_before
                    and line.real_start
                    and continues(text, current.start, current.end, line)
                )
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


def _place_item(stack: list[_Frame], line: Line, units: list[_Unit]) -> int | None:
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


def _finish(text: str, units: list[_Unit], index: int) -> int | None:
    """Trim a finished unit, split a paragraph into sentence units, find pieces.

    Returns the index of the unit that stays open as a lead-in (the last one
    when it ends in ":"), else None.
    """
    unit = units[index]
    start, end = trim(text, unit.start, unit.end)
    unit.start, unit.end = start, end
    if end <= start:
        return None
    if not unit.paragraph:
        unit.lead_in = text[end - 1] == ":"
        unit.pieces = [] if unit.lead_in else pieces(text, start, end, section=unit.section)
        return index if unit.lead_in else None
    spans: list[tuple[int, int, bool]] = []  # (start, end, is lead-in)
    lead_in = rules().lead_in
    for s, e in (
        run for sentence in sentences_of(text, start, end) for run in split_run(text, *sentence)
    ):
        lead = lead_in.match(text, s, e)
        if lead is not None and ALNUM.search(text, lead.end(), e):
            spans.append((s, lead.end(), True))
            spans.extend((a, b, False) for a, b in list_items(text, lead.end(), e))
        else:
            spans.append((s, e, text[e - 1] == ":"))
    parent = unit.parent
    lead_index: int | None = None
    last: int | None = None
    for s, e, is_lead in spans:
        s, e = trim(text, s, e)
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
        target.pieces = [] if is_lead else pieces(text, s, e, section=unit.section)
        if is_lead:
            lead_index = target_index
        elif lead_index is not None and text[e - 1] in ".!?":
            lead_index = None  # a sentence end closes an inline list
    if last is not None and units[last].lead_in and text[units[last].end - 1] == ":":
        return last
    return None


# ------------------------------------------------------------- criteria


def _criteria(text: str, units: list[_Unit]) -> list[Criterion]:
    ids: list[str | None] = [None] * len(units)
    categories: list[str] = [OTHER] * len(units)
    counters: dict[str, int] = {}
    result: list[Criterion] = []
    for index, unit in enumerate(units):
        if unit.end <= unit.start or not ALNUM.search(text, unit.start, unit.end):
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
