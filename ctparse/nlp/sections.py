"""Find the section headers of an eligibility text: inclusion, exclusion, unknown.

The header vocabulary is data (``models/sections.jsonl``); this module holds
the grammar around it, i.e. *where* a header may stand:

* a **title** ("Inclusion Criteria:", "Key exclusion criteria", "INCLUSION:",
  "Exclusion criteria -", "Inclusion Criteria (ESRD group):") at the start of
  a line, ending the line or followed by ":" / "-"; behind a bullet only when
  it ends in ":" ("-  Exclusion criteria for MR:"). Inside a line when the
  text was flattened: after a sentence end or a run of spaces and followed by
  ":" / "-" / spaces ("… are eligible. Exclusion Criteria: Subjects who …");
  after any word only as a capitalized "… Criteria:" (a lost line break).
* a **clause** ("Subjects will be excluded if:", "Patients must meet all of
  the following") where a line starts, right after a title, or after a run of
  spaces, ending in ":" (or ending its line).

A title may carry a lead-in on its own line ("Inclusion Criteria-- Participants
must be:"); the lead-in is part of the header. Text before the first header
belongs to no section (``unknown``): it is never guessed.

Every function here is pure and works on character offsets over the text, so
a header's ``start``/``end`` index the criteria text exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..resources import load_rules, per_models
from ..schema import Section, SectionSpan
from ..text.bullets import match_marker
from ..text.people import PARTICIPANT


@dataclass(frozen=True)
class _Rule:
    id: str
    section: Section
    kind: str
    regex: re.Pattern[str]


# Around a title: markdown emphasis, an optional qualifier ("(ESRD group)",
# "for control group", ", includes"), then the terminator.
_TITLE_TAIL = re.compile(
    r"[*_]*(?:[ \t]*\([^()\n]{0,120}\))?"
    r"(?:[ \t]+(?i:for|of|in|at|among|specific\s+to|applicable\s+to)\b[^:\n.;()]{0,80}"
    r"(?:\([^()\n]{0,80}\))?)?"
    r"(?:[ \t]*,[ \t]*(?i:includes?|including))?[*_]*"
)
# What may end a title: ":" / "-" / "--" / "–" (then anything), a dot at the
# end of a line, or the end of the line.
_TITLE_END = re.compile(
    r"[ \t]*:[ \t*_]*|[ \t]?(?:-{1,2}|[–—])(?=\s|$)[ \t*_]*"
    r"|[ \t]*\.?[ \t]*(?=\n|$)|\.?(?=[ \t]{2,}\S|[ \t]*[•●▪◦])"
)
_LIST_AFTER = re.compile(r"[ \t]{2,}\S|[ \t]*(?:[•●▪◦]|\n|$)")
_FREE_TAIL = re.compile(r"[^\n:.;]{1,60}(?=:)")
# A lead-in on the header's own line that speaks of the section, not of one
# criterion: "Participants must be:", "Subjects who meet any of the following
# criteria will be ineligible to participate:".
# (Never over the next title: "Inclusion Criteria: Age above 18 … Exclusion Criteria:" is
# no lead-in, but collapsed text whose criteria lost their line breaks.)
_FREE = r"(?:(?!(?i:(?:in|ex)clusion\s+criteria))[^\n:.;])"
_LEAD_IN = re.compile(
    rf"(?i:{_FREE}{{0,120}}?\b(?!(?:in|ex)clusion\s+criteria)(?:criteria|criterion|eligib\w*|ineligib\w*|exclu\w+|inclu\w+|"
    rf"enrol\w*|participat\w+)\b{_FREE}{{0,100}}?"
    rf"|(?:{PARTICIPANT}|they)\b{_FREE}{{0,80}}?"
    rf"\b(?:must|should|will|are|need)\b{_FREE}{{0,80}}?)[ \t]*:[ \t]*"
)
# Where a header may start: the start of a line (after indentation, markdown
# heading/emphasis and optionally a bullet), or -- mid-line -- after a
# sentence end, a colon or a run of spaces.
_LINE_START = re.compile(r"^[ \t]*(?:#{1,6}[ \t]*)?[*_]{0,2}", re.M)
_MIDLINE_BEFORE = re.compile(r"(?:[.!?;:)\]]|[ \t]{2})[ \t]*$|^[ \t]*$")
_WORD_START = re.compile(r"(?<!\S)\S")
_QUALIFIER_BEFORE = re.compile(
    r"(?<!\S)(?:Key|KEY|Main|MAIN|Major|General|Specific|Additional|Other|Further)[ \t]+$"
)
_CUE = re.compile(
    r"(?i)inclu[dst]|exclu[ds]|eligib|enrol|non[- ]?inclu|following|not\s+(?:be\s+)?(?:allowed|permitted)"
)


@per_models
def rules() -> tuple[_Rule, ...]:
    """The header rules of ``models/sections.jsonl``, compiled, in file order."""
    compiled = []
    for entry in load_rules("sections.jsonl"):
        compiled.append(
            _Rule(entry["id"], entry["section"], entry["kind"], re.compile(entry["pattern"]))
        )
    return tuple(compiled)


def find_sections(text: str) -> list[SectionSpan]:
    """The headers of ``text``, in order of position.

    >>> [(s.section, s.rule) for s in find_sections("Inclusion Criteria:\\n- Adults")]
    [('inclusion', 'inclusion_title')]
    """
    if not text or not _CUE.search(text):
        return []
    found: list[SectionSpan] = []
    for cue in _CUE.finditer(text):
        if found and cue.start() < found[-1].end:
            continue
        span = _header_at(text, cue.start(), after=found[-1].end if found else 0)
        if span is not None and (not found or span.start >= found[-1].end):
            found.append(span)
            # A clause right behind a title ("Exclusion Criteria: Subjects who
            # meet any of the following ... will be ineligible:") is a header too.
            clause = _clause_at(text, _skip_space(text, span.end))
            if clause is not None:
                found.append(clause)
    return found


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _header_at(text: str, cue: int, *, after: int) -> SectionSpan | None:
    """A header whose keyword sits at ``cue``, or None.

    A title is tried from the start of the line, then -- inside a line -- from
    the keyword itself, widened over qualifier words ("Key", "Additional");
    a clause from the start of the line or from a sentence end / space run
    before the cue.
    """
    line = _line_start(text, cue)
    lo = max(line, after, cue - 240)
    at_line = lo == line
    line_starts: list[int] = []
    if at_line:
        head = _LINE_START.match(text, lo)
        pos = head.end() if head else lo
        line_starts.append(pos)
        bullet = match_marker(text, pos)
        if bullet and bullet.end <= cue:
            line_starts.append(bullet.end)
    for start in line_starts:
        span = _title_at(text, start, cue, at_line_start=True)
        if span is not None:
            return span
    span = _title_at(text, _widen(text, cue, lo), cue, at_line_start=False)
    if span is not None:
        return span
    for start in line_starts:
        span = _clause_at(text, start)
        if span is not None and span.start <= cue < span.end:
            return span
    for match in _WORD_START.finditer(text, lo, cue):
        start = match.start()
        if start in line_starts or not _MIDLINE_BEFORE.search(text, max(lo, start - 3), start):
            continue
        span = _clause_at(text, start)
        if span is not None and span.start <= cue < span.end:
            return span
    return None


def _widen(text: str, start: int, lo: int) -> int:
    """Take qualifier words before a mid-line title into it ("Key Exclusion Criteria")."""
    while True:
        match = _QUALIFIER_BEFORE.search(text, max(lo, start - 24), start)
        if match is None:
            return start
        start = match.start()


def _title_at(text: str, start: int, cue: int, *, at_line_start: bool) -> SectionSpan | None:
    for rule in rules():
        if rule.kind != "title":
            continue
        match = rule.regex.match(text, start)
        if match is None or match.end() <= cue:
            continue
        tail = _TITLE_TAIL.match(text, match.end())
        end = tail.end() if tail else match.end()
        term = _TITLE_END.match(text, end)
        if term is None and at_line_start:
            # "Inclusion criteria and justification hereof:" -- any short tail
            # when the line goes on to a colon
            free = _FREE_TAIL.match(text, end)
            term = _TITLE_END.match(text, free.end()) if free else None
        if term is None:
            continue
        colon_or_dash = bool(term.group().strip(" \t*_."))
        if at_line_start and _behind_bullet(text, start) and not colon_or_dash:
            continue  # "-  Exclusion criteria met" is a criterion, not a header
        if not at_line_start and not _midline_ok(text, start, term, match.group()):
            continue
        end = term.end()
        lead = _LEAD_IN.match(text, end)
        if lead is not None and colon_or_dash and _plain_clause(lead.group()):
            end = lead.end()
        return SectionSpan(start, _rstrip(text, start, end), rule.section, rule.id)
    return None


def _plain_clause(clause: str) -> bool:
    """A lead-in is one clause: it starts with a word and holds no list."""
    body = clause.strip()
    return body[:1].isalpha() and "  " not in body and "\t" not in body


def _behind_bullet(text: str, start: int) -> bool:
    head = _LINE_START.match(text, _line_start(text, start))
    pos = head.end() if head else start
    return pos < start and match_marker(text, pos) is not None


def _midline_ok(text: str, start: int, term: re.Match[str], header: str) -> bool:
    """A title inside a line (flattened text): is it really a header?

    After a sentence end or a run of spaces it needs ":" / "-" or a run of
    spaces / a bullet after it; after an ordinary word (a lost line break) it
    must be capitalized and end in ":" ("... ambulatory Exclusions:"), or be a
    capitalized "... Criteria" that a list follows ("... index Exclusion
    Criteria   -  Age < 6 months").
    """
    mark = term.group().strip(" \t*_")
    listed = _LIST_AFTER.match(text, term.end()) is not None or term.end() == len(text)
    if _MIDLINE_BEFORE.search(text, max(_line_start(text, start), start - 3), start):
        return bool(mark.strip(".")) or listed
    if not header[:1].isupper():
        return False
    return mark.startswith(":") or (listed and "criteri" in header.lower())


def _clause_at(text: str, start: int) -> SectionSpan | None:
    """A clause header ("Subjects will be excluded if:") starting at ``start``."""
    end_of_line = text.find("\n", start)
    if end_of_line < 0:
        end_of_line = len(text)
    window = text[start : min(end_of_line, start + 240)]
    if ":" not in window and "following" not in window.lower():
        return None
    for rule in rules():
        if rule.kind != "clause":
            continue
        match = rule.regex.match(text, start, min(end_of_line, start + 240))
        if match is None:
            continue
        rest = re.compile(r"[^\n:.;]{0,40}?[ \t]*(?::[ \t]*|(?=[ \t]*(?:\n|$)))").match(
            text, match.end()
        )
        if rest is None:
            continue
        return SectionSpan(start, _rstrip(text, start, rest.end()), rule.section, rule.id)
    return None


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t":
        end -= 1
    return end


def section_at(sections: list[SectionSpan] | tuple[SectionSpan, ...], pos: int) -> Section:
    """The section that the character at ``pos`` belongs to."""
    current: Section = "unknown"
    for span in sections:
        if span.start > pos:
            break
        current = span.section
    return current
