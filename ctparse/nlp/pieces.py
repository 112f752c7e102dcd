"""A criterion unit split into the pieces it packs.

Inline enumerations ("A. …; B. …", "1) … 2) …"), sentences, clauses between
";", items after a "following:" lead-in, and comma lists of measured values
("neutrophils ≥ 1,500/mm3, platelet count ≥ 100,000/mm3, …") each become a
piece whose parent is the unit. A unit that is one requirement gets no pieces.
"""

from __future__ import annotations

import itertools
import re

from ..text.bullets import Marker, match_marker
from .clauses import rules, sentences_of

_ENUM_CANDIDATE = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{2,4})[.)]")
_ENUM_AFTER_SPACE = re.compile(r"(?<=\s)\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{2,4})[.)]")
_LEADING_CONJUNCTION = re.compile(r"(?i)(?:and/or|and|or)\b[ \t]*|[,;:][ \t]*")
# a dangling conjunction at the end: "…; and" (a piece also drops "or", "and/or")
_TRAILING_UNIT = re.compile(r"(?<![^\s,;])(?i:and)$")
_TRAILING_PIECE = re.compile(r"(?<![^\s,;])(?i:and/or|and|or)$")
# A footnote mark glued to the end of a line: "lower extremity lymphedema;3", "knees;1,5".
_FOOTNOTE_MARK = re.compile(r"(?<=[A-Za-z)]);\d{1,2}(?:,\d{1,2})*$")
ALNUM = re.compile(r"[^\W_]")
# a measured value: a word, then a comparator, then a number ("platelets ≥ 100")
_COMPARATOR = re.compile(
    r"[<>≤≥＜＞=]|\b(?i:greater|less|more|fewer|higher|lower|above|below|at\s+least|"
    r"at\s+most|no\s+more|up\s+to|exceed\w*)\b"
)
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_PARENS = re.compile(r"\([^()]*\)")
_FOOTNOTE = re.compile(r"\d{1,2}(?:\s*,\s*\d{1,2})*")


def list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items after an inline lead-in: split at ";" or, failing that, ","."""
    parts = _split_top(text, start, end, ";")
    if len(parts) < 2:
        parts = [p for p in _split_top(text, start, end, ",")]
        parts = _merge_alternatives(text, parts)
    return parts if parts else [(start, end)]


def pieces(
    text: str, start: int, end: int, depth: int = 0, *, section: str | None = None
) -> list[tuple[int, int]]:
    """The pieces of one unit (leaves of a recursive split), or [] if it is atomic.
    In an exclusion, a restated subject after "or" opens a piece of its own
    ("Smokers or those subjects with high alcohol consumption")."""
    if depth > 4 or end - start < 12:
        return []
    exclusion = section == "exclusion"
    spans = _split_once(text, start, end, exclusion=exclusion)
    if len(spans) < 2 and exclusion:
        spans = (
            _restated_subject(text, start, end)
            or _limit_or(text, start, end)
            or _bracketed_or(text, start, end)
        )
    if len(spans) < 2:
        return []
    leaves: list[tuple[int, int]] = []
    for s, e in spans:
        s, e = trim(text, s, e, piece=True)
        if e <= s or not ALNUM.search(text, s, e):
            continue
        if leaves and _FOOTNOTE.fullmatch(text, s, e):
            # "lymphedema;3", "knees;1,5": footnote markers, not criteria of their own.
            leaves[-1] = (leaves[-1][0], e)
            continue
        sub = pieces(text, s, e, depth + 1, section=section)
        leaves.extend(sub or [(s, e)])
    return leaves if len(leaves) >= 2 else []


#: Who a criterion restates it is about: "those", "patients", "those subjects".
PEOPLE = r"(?:patients?|subjects?|participants?|individuals?|persons?|people)"
SUBJECT = rf"(?:those|{PEOPLE})(?:\s+{PEOPLE})?"
# "… or those subjects with …", "… or who have undergone …": a second kind of patient.
_RESTATED = re.compile(
    rf"\s*,?\s+(?:or|and/or)\s+(?={SUBJECT}\s+(?:who|with|that|having|under|on|in|"
    r"(?:admitted|interned|hospitali[sz]ed|treated|receiving|undergoing|taking|living)\b)\b|"
    r"who\s+(?:have|has|had|are|is|were|was|will|cannot|can|did|do|does|underwent|received|"
    r"take|took)\b)",
    re.IGNORECASE,
)


def _restated_subject(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An exclusion that goes on to a second kind of patient after "or": each kind is
    excluded, a piece each (outside brackets)."""
    spans, previous = [], start
    for m in _RESTATED.finditer(text, start, end):
        if text.count("(", start, m.start()) != text.count(")", start, m.start()):
            continue
        spans.append((previous, m.start()))
        previous = m.end()
    return [*spans, (previous, end)] if spans else []


_OR = re.compile(r"\s+(?:or|and/or)\s+(?=[A-Za-z])", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z][\w'-]*")
#: The words of a limit, written with or without the variable ("over 85 years",
#: "BMI larger than 42").
_LIMIT_WORDS = (
    r"[<>≤≥＜＞=]|\b(?:over|under|above|below|beyond|greater|less|more|fewer|older|younger|"
    r"higher|lower|larger?|smaller?|at\s+(?:least|most)|up\s+to|exceed\w*)\b"
)
#: The other end of a range, the variable left out: "over 85 years", "greater than 2".
_LIMIT_START = re.compile(rf"(?i)(?:{_LIMIT_WORDS})")
#: A limit with its number: "larger than 42", "> 35".
_LIMIT = re.compile(rf"(?i)(?:{_LIMIT_WORDS})\s*(?:than\s*)?\d")


def _limit_or(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An exclusion of a limit "or" something else ("Life expectancy < 3 months or in
    hospice care", "Life expectancy < 24 hours or expected to require mechanical
    ventilation"): either excludes, a piece each. Not a second limit ("platelets < 100
    or hemoglobin < 9", "creatinine > 1.5 mg/dL or creatinine clearance < 60"), whose
    words the first may share, nor one word ("ECOG 2 or higher")."""
    m = _first_or(text, start, end)
    if m is None:
        return []
    before, after = text[start : m.start()], text[m.end() : end]
    if (
        _measured(_PARENS.sub("", before))
        and len(after.split()) >= 2
        # a second limit said with the first one's words ("hypertension with SBP
        # ≥160 mmHg or DBP ≥100 mmHg despite therapy") is the same criterion
        and not _measured(" ".join(after.split()[:4]))
        and not _LIMIT_START.match(after)  # "age < 50 years or over 85 years"
        and _other_head(text, start, m)
    ):
        return [(start, m.start()), (m.end(), end)]
    return []


def _first_or(text: str, start: int, end: int) -> re.Match[str] | None:
    """The first "or" of ``text[start:end]`` outside brackets."""
    for m in _OR.finditer(text, start, end):
        if text.count("(", start, m.start()) == text.count(")", start, m.start()):
            return m
    return None


def _other_head(text: str, start: int, m: re.Match[str]) -> bool:
    """Whether what follows an "or" opens with another word than what precedes it
    ("Severe hepatic … or renal …"; not "Hepatitis B … or hepatitis C …")."""
    first = _FIRST_WORD.match(text[start : m.start()].strip())
    then = _FIRST_WORD.match(text, m.end())
    return first is not None and then is not None and first.group().lower() != then.group().lower()


def _bracketed_or(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An exclusion of two things "or" each other, each defined in its own brackets
    ("Severe hepatic (Child B and C) or renal insufficiency (GFR<30 mL/min)"): either
    excludes, a piece each."""
    body_end = trim(text, start, end, piece=True)[1]
    while body_end > start and text[body_end - 1] in ".;,":
        body_end -= 1
    m = _first_or(text, start, body_end)
    if (
        m is None
        or text[body_end - 1 : body_end] != ")"
        or not text[start : m.start()].rstrip().endswith(")")
        or "(" not in text[m.end() : body_end]
        or not _other_head(text, start, m)
    ):
        return []
    if any(len(_split_top(text, s, e, ",")) > 1 for s, e in ((start, m.start()), (m.end(), end))):
        return []  # two things, not a list: "lesions (…) associated with …, ADH (…) or …"
    return [(start, m.start()), (m.end(), end)]


def _split_once(
    text: str, start: int, end: int, *, exclusion: bool = False
) -> list[tuple[int, int]]:
    enumerated = _enumeration(text, start, end)
    if len(enumerated) >= 2:
        return enumerated
    sentences = sentences_of(text, start, end)
    if len(sentences) >= 2:
        return sentences
    lead = rules().lead_in.match(text, start, end)
    if lead is not None and ALNUM.search(text, lead.end(), end):
        items = list_items(text, lead.end(), end)
        if len(items) >= 2:
            return items
    clauses = _clauses(text, start, end)
    if len(clauses) >= 2:
        return clauses
    measured = _measured_list(text, start, end)
    if measured:
        return measured
    if exclusion:
        # "Men over 70 years", "Children under 2 years of age with bronchiolitis": in an
        # exclusion a sex or an age and who the patient is describe one patient together.
        return _demand_list(text, start, end)
    return (
        _demand_list(text, start, end)
        or _demand_with(text, start, end)
        or _age_then_rest(text, start, end)
        or _who_then_with(text, start, end)
        or _sex_then_age(text, start, end)
        or _sex_then_who(text, start, end)
    )


def _enumeration(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Inline items "A. … B. …", "1) … 2) …", "(a) … (b) …", "i. … ii. …"."""
    found: list[Marker] = []
    expected: dict[str, int] = {}
    # a marker opens the unit or follows a space
    at_start = [start] if _ENUM_CANDIDATE.match(text, start, end) else []
    spaced = (m.start() for m in _ENUM_AFTER_SPACE.finditer(text, start + 1, end))
    for pos in itertools.chain(at_start, spaced):
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


def _demand_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A comma list of demands of their own -- a sex, an age, a score, a consent, a
    measured value ("Female, age ≥ 18 years, signed informed consent") -- is split at
    its commas; so is one that opens with such a demand and goes on with parts that open
    as criteria do ("Patients aged 18-74, receiving therapy for active ulcerative
    colitis"). A part that is neither (a condition in a list, "such as …", a name), or
    a list that opens with a condition ("History of MI, unstable angina, …": its lead
    may be shared) keeps the line whole."""
    if text.count(",", start, end) == 0:
        return []
    parts = _merge_alternatives(text, _split_top(text, start, end, ",", need_space=True))
    if len(parts) < 2:
        return []
    opening = rules().opening
    asks = 0
    for s, e in parts:
        s, e = trim(text, s, e, piece=True)
        while e > s and text[e - 1] in ".":
            e -= 1
        if _a_demand(text, s, e, measured_up_to=60):
            asks += 1
        elif (
            not asks  # "History of MI, unstable angina, …": a lead shared by the list
            or opening.match(text, s, e) is None
            or len(text[s:e].split()) < 2
            or _MODIFIER_END.search(text, s, e)
        ):
            # Not a criterion of its own: "age, 18 to 65 years"; a series of modifiers
            # of one noun: "written, signed and dated informed consent".
            return []
    return parts if asks else []


# Who a criterion goes on to be about, after a demand on age: "Subjects over 60
# years of age | with a clinical diagnosis of Parkinson's disease".
#: The words that go on to who the patient is, after a demand of their own.
_WHO_WORDS = (
    r"diagnosed\s+with|suffering\s+from|undergoing|scheduled\s+for|planned\s+for|"
    r"presenting\s+with"
)
_WITH = re.compile(
    r"[ \t]+(?=(?:with|who\s+(?:have|has|are|underwent|undergo|will\s+undergo|require|requires|"
    rf"need|needs)|{_WHO_WORDS}|requiring|admitted\s+(?:to|for|with|in)|"
    r"hospitali[sz]ed\s+(?:in|for|with|at)|referred\s+(?:to|for))\b)",
    re.IGNORECASE,
)


def _demand_with(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A demand on age, then who the patient is ("Adult patients with colorectal
    cancer", "Subjects over 60 years of age with a clinical diagnosis of Parkinson's
    disease"): two pieces."""
    found = _WITH.search(text, start, end)
    if found is None or not ALNUM.search(text, found.end(), end):
        return []
    s, e = trim(text, start, found.start(), piece=True)
    if not _an_age(text, s, e):
        return []
    return [(start, found.start()), (found.end(), end)]


def _age_then_rest(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A demand on age, a comma, then a sentence of its own ("Adults (ages 18-65),
    current service users, with severe and enduring mental ill-health, which …"): the
    age is one piece, the rest another."""
    parts = _split_top(text, start, end, ",", need_space=True)
    if len(parts) < 2:
        return []
    s, e = trim(text, *parts[0], piece=True)
    if not _an_age(text, s, e):
        return []
    rest = parts[1][0]
    first = _FIRST_WORD.search(text, rest, end)
    if len(parts) < 3 or first is None or _OF_THE_AGE.fullmatch(first.group()):
        return []  # "Aged 18-35 years, established by …", "Age 5-8 years, both inclusive"
    return [(start, parts[0][1]), (rest, end)]


#: A first word that goes on about the age before it, not a demand of its own.
_OF_THE_AGE = re.compile(
    r"(?i)\w+ed|both|inclusive|exclusive|at|as|in|on|by|per|according|when|which|who|or|and"
)


#: Who a patient is, then ", with" what they have: "Current service users, with severe
#: and enduring mental disorder".
_WHO_THEN_WITH = re.compile(
    r"(?i)(?:[A-Za-z][\w'-]*\s+){0,3}(?:users?|patients?|subjects?|participants?|"
    r"individuals?|adults?|children|women|men|volunteers?|people|persons?|residents?|"
    r"members?|veterans?|students?|workers?)\s*,\s*(?=with\b)"
)


def _who_then_with(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Who the patient is, a comma, then what they have ("Current service users, with
    severe and enduring mental disorder"): two pieces."""
    s, e = trim(text, start, end, piece=True)
    who = _WHO_THEN_WITH.match(text, s, e)
    if who is None or not ALNUM.search(text, who.end(), e):
        return []
    return [(start, who.end()), (who.end(), end)]


def _sex_then_age(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A demand on sex, then one on age without a comma ("Men and women from 18 to 65
    years old", "Females aged ≥ 18"): two pieces."""
    s, e = trim(text, start, end, piece=True)
    sex = rules().sex.match(text, s, e)
    if sex is None or not text[sex.end() : sex.end() + 1].isspace():
        return []
    rest, stop = trim(text, sex.end(), e, piece=True)
    while stop > rest and text[stop - 1] == ".":
        stop -= 1
    if not _an_age(text, rest, stop):
        return []
    return [(start, sex.end()), (sex.end(), end)]


#: What follows a sex said as the patient, naming something of its own: "Women | called
#: back from a screening mammography", "Men | with type 2 diabetes" (not "Women who are
#: pregnant": one demand).
_WHO = re.compile(
    rf"[ \t]+(?=(?:with|who\s+(?:have|has|underwent|undergo|will)|{_WHO_WORDS}|"
    r"(?:called|recalled|referred|admitted|hospitali[sz]ed)\s+(?:back|to|for|from|with|in)|"
    r"aged?\b)\b)",
    re.IGNORECASE,
)


def _sex_then_who(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sex said as the patient, then what else the criterion asks of them ("Women
    called back from a screening mammography", "Male patients with prostate cancer"):
    two pieces, the sex compared as sex."""
    s, e = trim(text, start, end, piece=True)
    sex = rules().sex.match(text, s, e)
    if sex is None:
        return []
    who = _WHO.match(text, sex.end(), e)
    if who is None or not ALNUM.search(text, who.end(), e):
        return []
    if _LIMIT.search(text, who.end(), e):
        return []  # "Men with BMI larger than 42, females with BMI > 35": a limit for each sex
    return [(start, sex.end()), (who.end(), end)]


def _a_demand(text: str, start: int, end: int, *, measured_up_to: int) -> bool:
    """Whether ``text[start:end]`` asks one thing of its own: a demand rule's whole text,
    or a short measured value."""
    return rules().demand.fullmatch(text, start, end) is not None or (
        end - start <= measured_up_to and _measured(_PARENS.sub("", text[start:end]))
    )


# An age: "over 60 years of age", "≥ 18 y.o.", "Adult patients" (no sex alone, no consent,
# no procedure: "Women | who are pregnant" is one demand).
_AGE = re.compile(r"(?i)\b(?:adults?|aged?|years?|yrs?|y\.\s?o)\b|\d\s*(?:-|–|to)\s*\d")


def _an_age(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a demand on age of its own ("Adults (ages 18-65)",
    "≥ 18 years old")."""
    return bool(_AGE.search(text, start, end)) and _a_demand(text, start, end, measured_up_to=40)


# A part ending in a modifier or a function word is the start of a series of modifiers.
_MODIFIER_END = re.compile(
    r"(?i)\b(?:written|signed|dated|oral|verbal|informed|voluntary|severe|moderate|mild|"
    r"active|chronic|acute|uncontrolled|significant|known|prior|previous|current|"
    r"a|an|the|of|to|for|with|and|or|in|on|at|by)\s*$"
)


def _measured(part: str) -> bool:
    """Does ``part`` hold a word, a comparator and then a number?"""
    for comparator in _COMPARATOR.finditer(part):
        if _LETTER.search(part, 0, comparator.start()) and _DIGIT.search(part, comparator.end()):
            return True
    return False


def _merge_alternatives(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ ", or …" continues the part before: alternatives are one requirement. So do
    the bare names of a series that ends so ("8 weeks for natalizumab, vedolizumab,
    anti-TNF, or ustekinumab": the names are one list, not items of their own)."""
    merged: list[tuple[int, int]] = []
    bare: list[bool] = []
    for s, e in parts:
        head = s
        while head < e and text[head].isspace():
            head += 1
        if merged and text.startswith(("or ", "and/or ", "nor "), head):
            merged[-1] = (merged[-1][0], e)
            # back over the bare names of the series to the item that opens it
            while len(merged) > 1 and bare[-1]:
                start = merged[-2][0]
                merged.pop()
                bare.pop()
                merged[-1] = (start, e)
            bare[-1] = False
        else:
            merged.append((s, e))
            bare.append(_BARE.fullmatch(text, head, e) is not None)
    return merged


# A name alone in a series: a few words, no number, no comparator, no verb-like glue.
_BARE = re.compile(r"[^\W\d_][\w'’+/-]*(?:\s+[^\W\d_][\w'’+/-]*){0,2}\s*")


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
        # A comma glued between a word and the next ("18-25kg/m2,body weight 40-65 kg")
        # separates as a spaced one does; one between digits is a number's ("1,500").
        spaced = pos + 1 < end and (
            text[pos + 1].isspace() or (text[pos + 1].isalpha() and text[pos - 1].isalnum())
        )
        if (not need_space or spaced) and depth <= 0:
            parts.append((previous, pos))
            previous = pos + 1
        pos = text.find(separator, pos + 1, end)
    parts.append((previous, end))
    return [(s, e) for s, e in parts if ALNUM.search(text, s, e)]


def trim(text: str, start: int, end: int, *, piece: bool = False) -> tuple[int, int]:
    """Drop surrounding space, a trailing ";"/","/"; and" or footnote mark
    (";3"), and for a piece a leading conjunction or separator.

    >>> text = "prior history of lower extremity lymphedema;3"
    >>> text[slice(*trim(text, 0, len(text)))]
    'prior history of lower extremity lymphedema'
    """
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
        mark = _FOOTNOTE_MARK.search(text, max(start, end - 8), end)
        if mark is not None and mark.start() > start:
            end = mark.start()
            continue
        tail = _TRAILING_PIECE if piece else _TRAILING_UNIT
        word = tail.search(text, max(start, end - 8), end)
        if word is None or word.start() <= start:
            break
        end = word.start()
    return start, end
