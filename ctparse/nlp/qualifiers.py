"""Qualifiers: the words that narrow what an entity names ("active", "uncontrolled").

An exclusion of "active hepatitis B" keeps out fewer patients than one of "any
history of hepatitis B"; comparing two trials needs to know which. The
qualifiers are data, ``models/qualifiers.jsonl``: *flags* (active,
uncontrolled, symptomatic, significant, …), each narrowing the entity to those
that are so, and *severities* (mild, moderate, severe), alternatives when
written together ("moderate or severe").

An entity takes the qualifiers written right before it, within its clause,
the ones inside its own words ("uncontrolled hypertension" as one name), one
written right after it ("COPD final stage"), and those before the first
conjunct of a coordination it is in ("active hepatitis B or C": both active).
Examples given with "such as" / "including" take their head's ("active
infections such as hepatitis B": active).

    >>> text = "Uncontrolled hypertension or active hepatitis B or C"
    >>> [(m.entry.id, q) for m, q in zip(mentions(text), qualifiers(text, mentions(text)))]
    [('hypertension', ('uncontrolled',)), ('hepatitis_b', ('active',)), ('hepatitis_c', ('active',))]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..resources import load_rules, per_models
from ..text.patterns import phrase_pattern
from .mentions import Mention, mentions

__all__ = ["Qualifier", "concept_of", "kind_of", "mentions", "qualifiers", "relation_span"]

#: Words before an entity searched for its qualifiers.
LOOKBACK_WORDS = 5
_HARD = re.compile(r"[.;:\n]")
_SOFT = re.compile(r"[,(\[)\]]")
_EXAMPLES = re.compile(
    r"(?:[,(]\s*)?\b(?:such\s+as|including|e\.\s?g\.?|i\.\s?e\.?|like|especially|in\s+particular)\s*[:,]?\s*$",
    re.IGNORECASE,
)
_ASIDE = re.compile(r"\s*\([^()]*\)")
# "Current PD diagnosis", "current diagnosis of depression": "current" is said of the
# diagnosis, which a lasting condition has whether active or not.
_CURRENT_BEFORE = re.compile(r"(?i)\bcurrent(?:ly)?\s+$")
_DIAGNOSIS_AFTER = re.compile(r"(?i)\s+diagnos[ie]s\b")
_CURRENT_DIAGNOSIS = re.compile(
    r"(?i)\bcurrent(?:ly)?\s+(?:a\s+)?diagnos(?:is|ed)\s+(?:of|with|as)\s+(?:an?\s+)?$"
)
#: What joins two conjuncts; a head noun the first leaves out of its name may come
#: before the conjunction ("local anesthetic drug or opioids").
_JOIN = re.compile(
    r"^\s*(?:(?:drugs?|agents?|medications?|medicines?|products?|compounds?)\s*)?(?:,\s*)?"
    r"(?:(?:and\s*/\s*or|and|or|nor|&)\s+|,\s*|/\s*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Qualifier:
    id: str
    kind: str  # flag | relation | severity | course | extent
    concept: str | None = None  # the measurement a degree states ("localized": tumor stage)


@dataclass(frozen=True)
class _Lexicon:
    regex: re.Pattern[str]
    of: dict[str, Qualifier]  # folded phrase -> qualifier
    after: re.Pattern[str]  # a restricting clause right after an entity
    after_of: dict[str, Qualifier]


def _fold(phrase: str) -> str:
    return re.sub(r"[\s\-]+", " ", phrase.lower()).strip()


def load_qualifiers(directory: Path | None = None) -> _Lexicon:
    """``models/qualifiers.jsonl`` compiled into one regex."""
    of: dict[str, Qualifier] = {}
    after_of: dict[str, Qualifier] = {}
    for entry in load_rules("qualifiers.jsonl", directory=directory):
        qualifier = Qualifier(entry["id"], entry["kind"], entry.get("concept"))
        for phrase in entry["phrases"]:
            (after_of if entry.get("after") else of)[_fold(phrase)] = qualifier
    # A space of a folded phrase matches spaces or a hyphen ("end-stage", "new onset").
    pattern = phrase_pattern(sorted(of)).replace(r"\s+", r"[\s\-]+")
    regex = re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)
    tail = phrase_pattern(sorted(after_of)).replace(r"\s+", r"[\s\-]+")
    after = re.compile(rf"\s*,?\s*({tail})(?![\w-])", re.IGNORECASE)
    return _Lexicon(regex, of, after, after_of)


@per_models
def _lexicon() -> _Lexicon:
    return load_qualifiers()


def concept_of(qualifier: str) -> str | None:
    """The concept a degree states ("localized", "metastatic": the tumor stage), if any."""
    for q in _lexicon().of.values():
        if q.id == qualifier:
            return q.concept
    return None


def kind_of(qualifier: str) -> str:
    """``flag``, ``relation`` or the dimension of a qualifier (``severity``, ``course``)."""
    for q in _lexicon().of.values():
        if q.id == qualifier:
            return q.kind
    return "flag"


#: A flag written as one alternative of a time ("active or past history of", "history
#: or active", "current or previous"): together they narrow nothing.
_EITHER = re.compile(
    r"\b(\w+)\s+or\s+(?:past|prior|previous|history|former)\b"
    r"|\b(?:past|prior|previous|history|former)(?:\s+of)?\s+or\s+(\w+)\b",
    re.IGNORECASE,
)


def _found(text: str) -> list[str]:
    lex = _lexicon()
    out = []
    either = {(m.group(1) or m.group(2) or "").lower() for m in _EITHER.finditer(text)}
    for m in lex.regex.finditer(text):
        if m.group(0).lower() in either:
            continue
        qualifier = lex.of.get(_fold(m.group(0)))
        if qualifier is not None and qualifier.id not in out:
            out.append(qualifier.id)
    return out


def _window_start(text: str, end: int) -> int:
    """Where the words that can qualify what starts at ``end`` begin: the clause's
    start, through an "(such as" to its head, at most :data:`LOOKBACK_WORDS` words."""
    start = max(0, end - 160)
    window = text[start:end]
    hard = list(_HARD.finditer(window))
    if hard:
        start += hard[-1].end()
        window = text[start:end]
    example = _EXAMPLES.search(window)
    if example:
        stop = start + example.start()  # the head of the examples
    else:
        soft = list(_SOFT.finditer(window))
        if soft:
            start += soft[-1].end()
        stop = end
    words = list(re.finditer(r"\S+", text[start:stop]))
    if len(words) > LOOKBACK_WORDS:
        start += words[-LOOKBACK_WORDS].start()
    return start if not example else min(start, stop)


def _before(text: str, end: int, floor: int = 0) -> str:
    """The words before ``end`` that can qualify what follows (see :func:`_window_start`),
    not before ``floor`` (the end of the entity before, whose words they are)."""
    start = max(_window_start(text, end), floor)
    window = text[start:end]
    example = _EXAMPLES.search(window)
    if example:
        window = window[: example.start()]
    words = window.split()
    return " ".join(words[-LOOKBACK_WORDS:])


#: What may stand between a relation and its entity ("allergy to any of the", "to a").
_FILLER = re.compile(
    r"\s*(?:(?:any|all|one|either)\s+(?:of\s+)?)?(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE
)


def relation_span(text: str, mention: Mention) -> tuple[int, int] | None:
    """Where a relation to the mention is written right before it ("contraindications
    to", "allergy to any of the"), or None: the criterion asks about that relation, so
    what it asks is read there."""
    lex = _lexicon()
    start = max(0, mention.start - 80)
    # "hypersensitivity (including anaphylaxis) to": an aside inside the phrase is blanked
    masked = _ASIDE.sub(lambda m: " " * len(m.group()), text[: mention.start])
    found = None
    for m in lex.regex.finditer(masked, start, mention.start):
        qualifier = lex.of.get(_fold(m.group(0)))
        if (
            qualifier is not None
            and qualifier.kind == "relation"
            and _FILLER.fullmatch(masked[m.end() : mention.start])
        ):
            found = (m.start(), m.end())
    return found


def _relation(text: str, mention: Mention) -> list[str]:
    span = relation_span(text, mention)
    if span is None:
        return []
    qualifier = _lexicon().of.get(_fold(_ASIDE.sub(" ", text[span[0] : span[1]])))
    return [qualifier.id] if qualifier else []


#: Examples of the entity before ("infections such as hepatitis B"): they take its qualifiers.
_SUCH_AS = re.compile(
    r"^\s*[,(:]?\s*(?:such\s+as|including|e\.\s?g\.?|like|especially|in\s+particular)\s*[:,]?\s*$",
    re.IGNORECASE,
)


def _after(text: str, start: int) -> str:
    """A qualifier written right after an entity ("COPD final stage")."""
    tail = text[start : start + 40]
    m = re.match(r"\s+((?:\S+\s+){0,1}\S+)", tail)
    return m.group(1) if m else ""


def _of_the_diagnosis(text: str, mention: Mention) -> bool:
    """Whether "current" before a mention is said of its diagnosis ("Current PD
    diagnosis", "currently diagnosed with asthma"), not of the condition.

    >>> from ctparse.nlp.mentions import mentions
    >>> text = "Current diagnosis of asthma"
    >>> _of_the_diagnosis(text, mentions(text)[0])
    True
    """
    before = text[: mention.start]
    return bool(
        (_CURRENT_BEFORE.search(before) and _DIAGNOSIS_AFTER.match(text, mention.end))
        or _CURRENT_DIAGNOSIS.search(before)
    )


def qualifiers(text: str, found: Sequence[Mention]) -> list[tuple[str, ...]]:
    """The qualifiers of each mention of ``text`` (in their order), as ids."""
    out: list[tuple[str, ...]] = []
    # The qualifiers before the previous conjunct, for the next: in the sentence, and
    # inside an aside in brackets.
    leading: dict[bool, list[str]] = {False: [], True: []}
    asides = [(m.start(), m.end()) for m in _ASIDE.finditer(text)]
    last = -1  # the previous mention outside an aside in brackets
    for index, mention in enumerate(found):
        within = [(s, e) for s, e in asides if s <= mention.start and mention.end <= e]
        aside = bool(within)
        # "anticoagulation therapy (for prevention of stroke) and antiarrhythmic drugs":
        # the conjuncts are joined around the aside.
        previous = index - 1 if aside or last < 0 else last
        gap = text[found[previous].end : mention.start] if previous >= 0 else ""
        if not aside:
            gap = _ASIDE.sub("", gap)
        joined = previous >= 0 and bool(_JOIN.match(gap))
        if aside and previous >= 0 and not within[0][0] <= found[previous].start:
            joined = False  # an aside takes nothing from the words around it
        if not aside:
            last = index
        # A qualifier that is part of the concept's own name ("unstable angina") says
        # nothing more, and is not lent to the next conjunct.
        named = mention.entry.name.lower()
        inside = [q for q in _found(mention.text) if not _names(named, q)]
        if joined:
            own = _found(gap)
            if not own and not inside:
                # "active hepatitis B or C", "pregnant or breastfeeding" after "currently".
                own = list(leading[aside])
        elif index and _SUCH_AS.match(text[found[index - 1].end : mention.start]):
            own = [q for q in out[index - 1] if kind_of(q) == "flag"]
        else:
            floor = found[index - 1].end if index else 0
            own = [
                q for q in _found(_before(text, mention.start, floor)) if kind_of(q) != "relation"
            ]
        own += [q for q in _relation(text, mention) if q not in own]
        # Qualifiers at the start of the conjunct's own words are shared with the next.
        leading[aside] = own + [
            q for q in _leading(mention.text) if q not in own and not _names(named, q)
        ]
        own += [q for q in inside if q not in own]
        after = _after(text, mention.end)
        if after and (index + 1 == len(found) or found[index + 1].start > mention.end + len(after)):
            own += [q for q in _found(after) if q not in own and q == "end_stage"]
        clause = _lexicon().after.match(text, mention.end)
        if clause:
            restricting = _lexicon().after_of.get(_fold(clause.group(1)))
            if restricting is not None and restricting.id not in own:
                own.append(restricting.id)
        if "active" in own and "active" not in inside and _of_the_diagnosis(text, mention):
            own.remove("active")
        out.append(tuple(sorted(own)))
    # "local anesthetics and opioid allergy": a relation written after a coordination
    # is the relation of each of its conjuncts.
    for index in range(len(found) - 1, -1, -1):
        written = _RELATION_AFTER.match(text, found[index].end)
        if not written:
            continue
        if (
            _RELATION_WORDS[written.group(1).lower()] == "treatment"
            and found[index].entry.type != "condition"
        ):
            continue  # "aspirin therapy" is aspirin; "prostate cancer therapy" is not cancer
        first = index
        while first > 0 and _JOIN.match(text[found[first - 1].end : found[first].start]):
            first -= 1
        for k in range(first, index + 1):
            relation = _RELATION_WORDS[written.group(1).lower()]
            if relation == "treatment" and found[k].entry.type != "condition":
                continue
            out[k] = tuple(sorted({*out[k], relation}))
    return out


_RELATION_WORDS = {
    "allergy": "allergy",
    "allergies": "allergy",
    "hypersensitivity": "allergy",
    "intolerance": "intolerance",
    "therapy": "treatment",
    "therapies": "treatment",
    "treatment": "treatment",
    "treatments": "treatment",
}
_RELATION_AFTER = re.compile(
    r"\s+(allergy|allergies|hypersensitivity|intolerance|therapy|therapies|treatments?)\b",
    re.IGNORECASE,
)


def _names(name: str, qualifier: str) -> bool:
    """Whether a concept's name holds a phrase of the qualifier ("unstable angina")."""
    lex = _lexicon()
    return any(q.id == qualifier and phrase in name for phrase, q in lex.of.items())


def _leading(text: str) -> list[str]:
    """Qualifiers that open a text ("currently pregnant": active)."""
    lex = _lexicon()
    m = lex.regex.match(text)
    qualifier = lex.of.get(_fold(m.group(0))) if m else None
    return [qualifier.id] if qualifier else []
