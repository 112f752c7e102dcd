"""Assertions: how a criterion states each entity it names, and what it asks of it.

A ConText-style scanner (Harkema et al., J Biomed Inform 2009) over the
criterion text. The cues are data, ``models/assertions.jsonl``: trigger phrases
of a *kind* (negation, historical, hypothetical, possible, family, optional)
with a *direction* (forward: the entity follows the trigger; backward: it
precedes it; bidirectional) and a *scope* (sentence, clause, adjacent, and an
optional ``max_words``); pseudo-triggers that contain a trigger word but are
none ("no longer", "not only", "with or without" is an optional, not a
negation); terminations that end a trigger's scope ("but", "except", "due to",
";"). All phrases are compiled into one trie-shaped regex, found once per text,
longest match first, so that a pseudo-trigger or a longer trigger ("family
history of") hides the shorter one inside it ("history of").

An entity takes every kind whose trigger reaches it; its one ``assertion`` is
the first of family, negated, hypothetical, possible, historical that applies,
else present ("no history of" is negated, "no family history of" family).
Optional ("with or without X") and exception ("no malignancy except basal cell
carcinoma") triggers leave the assertion alone and decide the requirement.

>>> text = "No history of brain metastases but prior radiotherapy is allowed"
>>> assert_entities(text, [(14, 30), (41, 53)])
['negated', 'historical']

:func:`requirement_of` then says what the criterion asks of the entity:
required (inclusion), excluded (exclusion), flipped by the entity's negation
("Inclusion: no prior chemotherapy" excludes chemotherapy; "Exclusion:
patients without measurable disease" requires it), decided instead by a
permission or exclusion cue of ``models/polarity.jsonl`` in its sentence
("... may be included", "... are not eligible", via
:meth:`ctparse.nlp.polarity.Cues.nearest`), allowed for an optional entity
("with or without cirrhosis") and for an exception to an excluded one, excluded
for an exception to a required one ("any solid tumour except melanoma").

Performance (``ctparse.evaluation.assertions``, gold spans of the LCT dev
corpus, negated class; the documents split by trial id):

=====================  =========  ======  =====
part                   precision  recall  gold
=====================  =========  ======  =====
dev (tuned on)         0.815      0.926   190
held-back              0.779      0.896   106
=====================  =========  ======  =====

About 48,000 entities/s on one core (``make bench``, area ``entities``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ResourceError
from ..resources import load_rules, models_dir, per_models, per_text, spec, validate_entry
from ..text.patterns import phrase_pattern
from .polarity import Cues

EXAMPLE_FIELDS = {
    "text": spec(str),
    "entity": spec(str),
    "assertion": spec(str),
    "section": spec(str, required=False),
    "requirement": spec(str, required=False),
    "type": spec(str, required=False),
}
TRIGGER_KINDS = (
    "negation",
    "historical",
    "hypothetical",
    "possible",
    "family",
    "optional",
    "exception",
)
KINDS = (*TRIGGER_KINDS, "pseudo", "termination")
DIRECTIONS = ("forward", "backward", "bidirectional")
SCOPES = ("sentence", "clause", "adjacent")
ASSERTIONS = ("present", "negated", "historical", "hypothetical", "possible", "family")
REQUIREMENTS = ("required", "excluded", "allowed")
# Which kind names the entity's one assertion when several apply.
_PRIORITY = (
    ("family", "family"),
    ("negation", "negated"),
    ("hypothetical", "hypothetical"),
    ("possible", "possible"),
    ("historical", "historical"),
)

# Characters read as their ASCII form (one for one, so that offsets stay).
_SAME_LENGTH = str.maketrans(
    {"‐": "-", "‑": "-", "–": "-", "—": "-", "’": "'", "‘": "'"}
    | {"（": "(", "）": ")", "，": ",", "；": ";", "：": ":", "？": "?"}
)
_HYPHEN = r"(?:\s*-\s*|\s+)"
# Where a sentence ends, whatever the cues: a line break, a bullet, a full stop that is no
# decimal point (and no abbreviation, see _ABBREVIATION), a numbered item run into the text
# ("3.Chemotherapy-naive 4.ECOG").
_SENTENCE = re.compile(r"[\r\n•▪●]+|\.(?=\s|$)|(?<![\w.,])\d{1,2}[.)](?=\s?[A-Z])")
_ABBREVIATION = re.compile(r"(?<![A-Za-z])(?:e\.g|i\.e|etc|vs|approx|[A-Za-z])$")
_CLAUSE = re.compile(r"[,:;()\[\]]")
_ADJACENT = re.compile(r"[\s\-]*")
_WORD = re.compile(r"\w+")
_ONE_VERB = re.compile(r"\s*(?:become|get|be|remain|stay)\s+")


@dataclass(frozen=True)
class Cue:
    """One entry of ``models/assertions.jsonl``, compiled."""

    id: str
    kind: str
    direction: str | None
    scope: str | None
    max_words: int | None
    ends: frozenset[str]  # for a termination: the trigger kinds whose scope it ends
    # The entity types the trigger does not reach: "unable to" negates an act, not a
    # condition ("Unable to swallow tablets, nausea": the nausea is had).
    spares: frozenset[str] = frozenset()
    # A termination's direction: "forward" ends only the scope of a trigger before the entity.


@dataclass(frozen=True)
class Lexicon:
    """Every phrase of ``models/assertions.jsonl`` in one regex, and what each one is."""

    regex: re.Pattern[str]
    cue_of: dict[str, Cue]  # folded phrase -> its entry
    seen: dict[str, Cue | None] = field(default_factory=dict)  # matched text -> its entry

    def cue(self, matched: str) -> Cue | None:
        """The entry of a text the regex matched (its fold looked up once per spelling)."""
        try:
            return self.seen[matched]
        except KeyError:
            cue = self.seen[matched] = self.cue_of.get(fold(matched))
            return cue


@dataclass(frozen=True)
class Qualifiers:
    """The kinds of assertion cue that reach one entity, and the cues' ids.

    ``head_negated``: for an exception ("no malignancy except basal cell
    carcinoma"), whether what it is an exception to is negated.
    """

    kinds: frozenset[str] = frozenset()
    cues: tuple[str, ...] = ()
    head_negated: bool = False

    @property
    def assertion(self) -> str:
        """One of present, negated, historical, hypothetical, possible, family."""
        for kind, assertion in _PRIORITY:
            if kind in self.kinds:
                return assertion
        return "present"

    @property
    def negated(self) -> bool:
        return "negation" in self.kinds

    @property
    def optional(self) -> bool:
        return "optional" in self.kinds

    @property
    def exception(self) -> bool:
        return "exception" in self.kinds


def fold(phrase: str) -> str:
    """The lookup key of a phrase or a matched text: lower case, hyphens and runs of
    whitespace as one space."""
    return re.sub(r"[\s\-]+", " ", phrase.translate(_SAME_LENGTH).lower()).strip()


def _check(entry: dict[str, Any], where: str) -> Cue:
    kind = entry["kind"]  # its values, and those of direction and scope: models/manifest.json
    direction, scope = entry.get("direction"), entry.get("scope")
    if kind in TRIGGER_KINDS:
        if direction not in DIRECTIONS:
            raise ResourceError(where, f"a {kind} trigger needs a direction ({DIRECTIONS})")
        if scope not in SCOPES:
            raise ResourceError(where, f"a {kind} trigger needs a scope ({SCOPES})")
    elif kind == "pseudo" and direction is not None:
        raise ResourceError(where, "a pseudo-trigger has no direction")
    if kind not in TRIGGER_KINDS and (scope is not None or entry.get("max_words") is not None):
        raise ResourceError(where, f"a {kind} entry has no scope or max_words")
    ends = entry.get("kinds")
    if ends is not None and (kind != "termination" or set(ends) - set(TRIGGER_KINDS)):
        raise ResourceError(where, "kinds: only on a termination, and only trigger kinds")
    if not entry["phrases"] or not all(isinstance(p, str) and p.strip() for p in entry["phrases"]):
        raise ResourceError(where, "phrases must be a non-empty list of strings")
    for example in entry["examples"]:
        example = validate_entry(example, EXAMPLE_FIELDS, where=f"{where} example")
        if example["assertion"] not in ASSERTIONS:
            raise ResourceError(where, f"unknown assertion {example['assertion']!r}")
        if example.get("requirement") not in (None, *REQUIREMENTS):
            raise ResourceError(where, f"unknown requirement {example['requirement']!r}")
        if example["entity"] not in example["text"]:
            raise ResourceError(where, f"example entity {example['entity']!r} not in its text")
    return Cue(
        id=entry["id"],
        kind=kind,
        direction=direction,
        scope=scope,
        max_words=entry.get("max_words"),
        ends=frozenset(ends) if ends else frozenset(TRIGGER_KINDS),
        spares=frozenset(entry.get("spares") or ()),
    )


def load_cues(directory: Path | None = None) -> tuple[tuple[dict[str, Any], ...], Lexicon]:
    """Read and compile ``assertions.jsonl`` (from ``models/`` or ``directory``).

    Returns:
        The validated entries, and every phrase compiled into one :class:`Lexicon`.

    Raises:
        ResourceError: an unknown key, kind, direction or scope, an example whose
            entity is not in its text, or one phrase in two entries.
    """
    path = (directory or models_dir()) / "assertions.jsonl"
    entries = tuple(load_rules("assertions.jsonl", directory=directory))
    cue_of: dict[str, Cue] = {}
    words: list[str] = []
    marks: list[str] = []
    for index, entry in enumerate(entries):
        cue = _check(entry, f"{path}#{index}")
        for phrase in entry["phrases"]:
            key = fold(phrase)
            if key in cue_of and cue_of[key] != cue:
                raise ResourceError(
                    f"{path}#{index}", f"phrase {phrase!r} is also in {cue_of[key].id}"
                )
            cue_of[key] = cue
            (words if phrase[0].isalnum() and phrase[-1].isalnum() else marks).append(phrase)
    parts = [rf"(?<!\w)(?:{phrase_pattern(words, hyphen=_HYPHEN)})(?!\w)"]
    if marks:
        parts.append(phrase_pattern(marks, hyphen=_HYPHEN))
    return entries, Lexicon(regex=re.compile("(?i:" + "|".join(parts) + ")"), cue_of=cue_of)


@per_models
def _cues() -> tuple[tuple[dict[str, Any], ...], Lexicon]:
    return load_cues()


def cue_entries() -> tuple[dict[str, Any], ...]:
    """The validated entries of ``models/assertions.jsonl`` (cached)."""
    return _cues()[0]


def lexicon() -> Lexicon:
    """``models/assertions.jsonl`` compiled (cached)."""
    return _cues()[1]


class Scanner:
    """The cues of one text, found once, asked per entity span.

    :meth:`of` gives the one instance per text (the recognizer's entities and the
    lexicon's mentions of a criterion ask the same text); a scanner is never
    changed once made."""

    @staticmethod
    def of(text: str) -> Scanner:
        return _scanner_of(text, models_dir())

    def __init__(self, text: str) -> None:
        lex = lexicon()
        self.text = text = text.translate(_SAME_LENGTH)
        self.starts = [0]
        for m in _SENTENCE.finditer(text):
            if m.group() == "." and _ABBREVIATION.search(text[max(0, m.start() - 7) : m.start()]):
                continue
            self.starts.append(m.end())
        self.cues: dict[int, list[tuple[int, int, Cue]]] = {}
        for m in lex.regex.finditer(text):
            cue = lex.cue(m.group())
            if cue is not None and cue.kind != "pseudo":
                sentence = bisect.bisect_right(self.starts, m.start()) - 1
                self.cues.setdefault(sentence, []).append((m.start(), m.end(), cue))

    def qualify(self, start: int, end: int, kind: str | None = None) -> Qualifiers:
        """The assertion cues that reach the entity at ``start:end`` (of type ``kind``,
        when known: a cue that spares the type reaches it only right after its verb,
        "unable to become pregnant")."""
        sentence = bisect.bisect_right(self.starts, start) - 1
        found = self.cues.get(sentence)
        if not found:
            return Qualifiers()
        kinds: set[str] = set()
        ids: list[str] = []
        head_negated = False
        for t_start, t_end, cue in found:
            if cue.kind == "termination" or cue.kind in kinds:
                continue
            if t_end <= start and cue.direction != "backward":
                gap, forward = (t_end, start), True
            elif t_start >= end and cue.direction != "forward":
                gap, forward = (end, t_start), False
            else:
                continue
            if kind in cue.spares and not (forward and _ONE_VERB.fullmatch(self.text, *gap)):
                continue
            if self._reaches(cue, gap, forward, found):
                kinds.add(cue.kind)
                ids.append(cue.id)
                if cue.kind == "exception":
                    head_negated = self._negated_at(t_start, found)
        return Qualifiers(frozenset(kinds), tuple(ids), head_negated)

    def _negated_at(self, position: int, found: list[tuple[int, int, Cue]]) -> bool:
        """Whether a forward negation reaches ``position`` (where an exception starts)."""
        return any(
            cue.kind == "negation"
            and cue.direction != "backward"
            and t_end <= position
            and self._reaches(cue, (t_end, position), True, found)
            for _, t_end, cue in found
        )

    def _reaches(
        self, cue: Cue, gap: tuple[int, int], forward: bool, found: list[tuple[int, int, Cue]]
    ) -> bool:
        g0, g1 = gap
        way = "forward" if forward else "backward"
        text = self.text
        if cue.scope == "adjacent":
            return _ADJACENT.fullmatch(text, g0, g1) is not None
        if cue.scope == "clause" and _CLAUSE.search(text, g0, g1):
            return False
        if cue.max_words is not None and len(_WORD.findall(text, g0, g1)) > cue.max_words:
            return False
        # An exception ("no malignancy except basal cell carcinoma") ends every other
        # forward scope, as a termination does.
        return not any(
            g0 <= s
            and e <= g1
            and (
                (
                    other.kind == "termination"
                    and cue.kind in other.ends
                    and other.direction in (None, "bidirectional", way)
                )
                or (other.kind == "exception" and forward and cue.kind != "exception")
            )
            for s, e, other in found
        )


@per_text
@functools.lru_cache(maxsize=512)
def _scanner_of(text: str, directory: Path) -> Scanner:
    return Scanner(text)


def qualify(
    text: str, spans: Sequence[tuple[int, int]], kinds: Sequence[str | None] | None = None
) -> list[Qualifiers]:
    """The assertion cues reaching each entity span (``(start, end)`` offsets into
    ``text``; ``kinds``: the entities' types, when known)."""
    scanner = Scanner.of(text)
    kinds = kinds or [None] * len(spans)
    return [
        scanner.qualify(start, end, kind) for (start, end), kind in zip(spans, kinds, strict=True)
    ]


def assert_entities(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    """The assertion of each entity span: present, negated, historical, hypothetical,
    possible or family.

    Args:
        text: the criterion (or any text the offsets index).
        spans: ``(start, end)`` offsets of the entities, end exclusive.

    >>> assert_entities("Family history of long QT syndrome", [(18, 34)])
    ['family']
    """
    return [q.assertion for q in qualify(text, spans)]


def requirement_of(
    section: str,
    qualifiers: Qualifiers,
    *,
    permission: str | None = None,
) -> str | None:
    """What a criterion asks of an entity: required, excluded or allowed (None when the
    section is unknown and no cue says).

    Args:
        section: the criterion's section (inclusion, exclusion, unknown).
        qualifiers: the entity's assertion cues (:func:`qualify`).
        permission: the polarity cue of its sentence, ``"permit"`` (granted: "may be
            included") or ``"exclude"`` ("are not eligible"), as :func:`permission_of` finds it.

    >>> requirement_of("inclusion", Qualifiers(frozenset({"negation"})))
    'excluded'
    """
    if qualifiers.optional:
        return "allowed"
    if qualifiers.exception:
        # An exception is the opposite of what is asked of its head: an exception to an
        # excluded head is allowed, an exception to a required head excluded.
        head = Qualifiers(frozenset({"negation"}) if qualifiers.head_negated else frozenset())
        asked = requirement_of(section, head, permission=permission)
        return {"excluded": "allowed", "required": "excluded"}.get(asked or "")
    if permission == "permit":
        return "excluded" if qualifiers.negated else "allowed"
    if permission == "exclude":
        sign = -1
    elif section == "inclusion":
        sign = 1
    elif section == "exclusion":
        sign = -1
    else:
        return None
    if qualifiers.negated:
        sign = -sign
    return "required" if sign > 0 else "excluded"


def permission_of(cues: Cues, start: int, end: int) -> str | None:
    """``"permit"`` or ``"exclude"``: the nearest such polarity cue in the sentence of
    ``start:end`` (``models/polarity.jsonl``), or None."""
    rule = cues.nearest(start, end)
    return rule.kind if rule is not None else None


def requirements(
    text: str, spans: Sequence[tuple[int, int]], *, section: str
) -> list[tuple[str, str | None]]:
    """``(assertion, requirement)`` of each entity span of one criterion."""
    cues = Cues.of(text)
    scanner = Scanner.of(text)
    out = []
    for start, end in spans:
        qualifiers = scanner.qualify(start, end)
        permission = permission_of(cues, start, end)
        out.append(
            (qualifiers.assertion, requirement_of(section, qualifiers, permission=permission))
        )
    return out
