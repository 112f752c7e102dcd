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

__all__ = ["SEVERITIES", "Qualifier", "mentions", "qualifiers"]

#: Words before an entity searched for its qualifiers.
LOOKBACK_WORDS = 5
_HARD = re.compile(r"[.;:\n]")
_SOFT = re.compile(r"[,(\[)\]]")
_EXAMPLES = re.compile(
    r"(?:[,(]\s*)?\b(?:such\s+as|including|e\.\s?g\.?|i\.\s?e\.?|like|especially|in\s+particular)\s*[:,]?\s*$",
    re.IGNORECASE,
)
_JOIN = re.compile(r"^\s*(?:,\s*)?(?:(?:and\s*/\s*or|and|or|nor|&)\s+|,\s*|/\s*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Qualifier:
    id: str
    kind: str  # flag | severity


@dataclass(frozen=True)
class _Lexicon:
    regex: re.Pattern[str]
    of: dict[str, Qualifier]  # folded phrase -> qualifier


def _fold(phrase: str) -> str:
    return re.sub(r"[\s\-]+", " ", phrase.lower()).strip()


def load_qualifiers(directory: Path | None = None) -> _Lexicon:
    """``models/qualifiers.jsonl`` compiled into one regex."""
    of: dict[str, Qualifier] = {}
    for entry in load_rules("qualifiers.jsonl", directory=directory):
        qualifier = Qualifier(entry["id"], entry["kind"])
        for phrase in entry["phrases"]:
            of[_fold(phrase)] = qualifier
    # A space of a folded phrase matches spaces or a hyphen ("end-stage", "new onset").
    pattern = phrase_pattern(sorted(of)).replace(r"\s+", r"[\s\-]+")
    regex = re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)
    return _Lexicon(regex, of)


@per_models
def _lexicon() -> _Lexicon:
    return load_qualifiers()


SEVERITIES = ("mild", "moderate", "severe")


def _found(text: str) -> list[str]:
    lex = _lexicon()
    out = []
    for m in lex.regex.finditer(text):
        qualifier = lex.of.get(_fold(m.group(0)))
        if qualifier is not None and qualifier.id not in out:
            out.append(qualifier.id)
    return out


def _before(text: str, end: int) -> str:
    """The words before ``end`` that can qualify what follows: back to the clause's
    start, through an "(such as" to its head, at most :data:`LOOKBACK_WORDS`."""
    window = text[max(0, end - 160) : end]
    hard = list(_HARD.finditer(window))
    if hard:
        window = window[hard[-1].end() :]
    example = _EXAMPLES.search(window)
    if example:
        window = window[: example.start()]  # the head of the examples
    else:
        soft = list(_SOFT.finditer(window))
        if soft:
            window = window[soft[-1].end() :]
    words = window.split()
    return " ".join(words[-LOOKBACK_WORDS:])


def _after(text: str, start: int) -> str:
    """A qualifier written right after an entity ("COPD final stage")."""
    tail = text[start : start + 40]
    m = re.match(r"\s+((?:\S+\s+){0,1}\S+)", tail)
    return m.group(1) if m else ""


def qualifiers(text: str, found: Sequence[Mention]) -> list[tuple[str, ...]]:
    """The qualifiers of each mention of ``text`` (in their order), as ids."""
    out: list[tuple[str, ...]] = []
    leading: list[str] = []  # the qualifiers before the previous conjunct, for the next
    for index, mention in enumerate(found):
        joined = index > 0 and bool(_JOIN.match(text[found[index - 1].end : mention.start]))
        inside = _found(mention.text)
        if joined:
            own = _found(text[found[index - 1].end : mention.start])
            if not own and not inside:
                # "active hepatitis B or C", "pregnant or breastfeeding" after "currently".
                own = list(leading)
        else:
            own = _found(_before(text, mention.start))
        # Qualifiers at the start of the conjunct's own words are shared with the next.
        leading = own + [q for q in _leading(mention.text) if q not in own]
        own += [q for q in inside if q not in own]
        after = _after(text, mention.end)
        if after and (index + 1 == len(found) or found[index + 1].start > mention.end + len(after)):
            own += [q for q in _found(after) if q not in own and q == "end_stage"]
        out.append(tuple(sorted(own)))
    return out


def _leading(text: str) -> list[str]:
    """Qualifiers that open a text ("currently pregnant": active)."""
    lex = _lexicon()
    m = lex.regex.match(text)
    qualifier = lex.of.get(_fold(m.group(0))) if m else None
    return [qualifier.id] if qualifier else []
