"""Polarity of a stated limit: what the range written means for eligibility.

DESIGN.md: ``eligible`` is the stated range for an inclusion criterion and its
complement for an exclusion criterion. Eligibility text often says otherwise
inside a criterion, and the cues that do are data (``models/polarity.jsonl``),
looked for in the sentence, clause or words around each limit, never in the
whole criterion at once:

* an exception granted inside an exclusion ("For subjects with grade ≥2
  endocrine adverse events, if the condition is stable …, enrollment is
  allowed"; "Note: … are eligible") states what is *allowed*: as stated;
* a level not yet reached ("toxicities not yet resolved to grade 0 or 1")
  states the allowed level: as stated, and a bare "resolved to grade 1" is an
  upper bound (grade ≤ 1);
* a sentence that says its range is excluded ("Patients with ANC < 1500/mm3
  are excluded") is complemented, in the inclusion section too;
* a negation opening the clause of the limit ("no brain metastases with a
  long axis > 1.5 cm") flips the polarity decided so far;
* a limit that only names a subgroup on which the criterion places an
  obligation ("Participants with … HBV-DNA above 1000 copies/mL … must receive
  antiviral therapy"; "consent for those 12-17 years") restricts nobody: a
  curator writes down the limit and what it obliges, not an eligible range.
  Its polarity is 0: the threshold keeps the limit, has no ``eligible`` range
  and carries the obligation as its ``condition``.

>>> text = "Participants with HBV-DNA above 1000 copies/mL must receive antiviral therapy"
>>> Cues(text).decide(18, 46, exclusion=True).condition
'must receive antiviral therapy'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from ..resources import load_rules, models_dir, per_models, per_text
from ..text import sentences

KINDS = ("permit", "exclude", "allowed_level", "negation", "subgroup", "obligation")
SCOPES = ("sentence", "start", "before", "clause")

# A clause of a limit: what a comma, parenthesis, colon or coordinating conjunction bounds.
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]]|\b(?:and|or|but)\b")
_CONDITION_END = re.compile(r"[;.]\s|[;]|$")


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    scope: str
    regex: re.Pattern[str]
    implies: str | None
    variables: frozenset[str] | None  # the rule applies to limits on these variables only


@dataclass(frozen=True)
class Decision:
    """What a stated range means: ``sign`` 1 (eligible = as stated), -1 (the
    complement) or 0 (the limit names a subgroup: no eligible range)."""

    sign: int
    implies: str | None = None  # "<=": a value written with no comparator is an upper bound
    condition: str | None = None  # the obligation placed on a subgroup
    rules: tuple[str, ...] = ()
    permit: int | None = None  # where the grant that decided it starts ("enrollment is allowed")

    @property
    def requirement(self) -> str | None:
        """What a criterion asks of the limit or event: ``allowed`` (a grant decided
        it: what is let in, or a condition of letting it in), ``required`` (as
        stated), ``excluded`` (the complement), or None (a subgroup under an
        obligation)."""
        if self.permit is not None:
            return "allowed"
        if self.sign == 0:
            return None
        return "required" if self.sign > 0 else "excluded"


@per_models
def negation_rules() -> frozenset[str]:
    """The ids of the negation rules."""
    return frozenset(r.id for r in polarity_rules() if r.kind == "negation")


@per_models
def polarity_rules() -> tuple[Rule, ...]:
    """The rules of ``models/polarity.jsonl``, compiled (cached)."""
    out = []
    for entry in load_rules("polarity.jsonl"):
        out.append(
            Rule(
                id=entry["id"],
                kind=entry["kind"],
                scope=entry["scope"],
                regex=re.compile(f"(?i:{entry['pattern']})"),
                implies=entry.get("implies"),
                variables=frozenset(entry["variables"]) if entry.get("variables") else None,
            )
        )
    return tuple(out)


@per_models
def any_sentence_cue() -> re.Pattern[str]:
    """Every sentence-scope rule in one alternation (a text none matches has no cue)."""
    return re.compile(
        "|".join(f"(?:{r.regex.pattern})" for r in polarity_rules() if r.scope == "sentence")
    )


class Cues:
    """The polarity cues of one criterion text, found once and asked per limit.

    :meth:`of` gives the one instance per text (the thresholds, windows and
    entities of a criterion ask the same text)."""

    @staticmethod
    def of(text: str) -> Cues:
        return _cues_of(text, models_dir())

    def __init__(self, text: str) -> None:
        self.text = text
        self.rules = polarity_rules()
        self.sentences = sentences.spans(text)
        sentence_rules = [rule for rule in self.rules if rule.scope == "sentence"]
        # Most criteria hold no cue at all: one scan with every sentence rule says so.
        self.matches: dict[str, list[tuple[int, int]]]
        if any_sentence_cue().search(text) is None:
            self.matches = {rule.id: [] for rule in sentence_rules}
        else:
            self.matches = {
                rule.id: [(m.start(), m.end()) for m in rule.regex.finditer(text)]
                for rule in sentence_rules
            }

    def grant_texts(self) -> list[str]:
        """The words of every grant in the text ("are allowed to enroll")."""
        return [self.text[s:e] for s, e in self.permits()]

    def _sentence(self, start: int) -> tuple[int, int]:
        for s, e in self.sentences:
            if s <= start < e:
                return s, e
        return self.sentences[-1]

    def decide(
        self,
        start: int,
        end: int,
        *,
        exclusion: bool,
        variable: str | None = None,
        subject: int | None = None,
    ) -> Decision:
        """The polarity of a limit on ``variable`` written at ``start:end`` (offsets in
        the text). ``subject`` is where what the limit is of begins, when it is written
        before the limit: a window's event ("no antibiotics or steroids within 4
        weeks"), whose negation is the clause opening the first of a list of events."""
        text = self.text
        s0, s1 = self._sentence(start)
        for rule in self.rules:
            if rule.kind == "allowed_level" and rule.regex.search(text, s0, start):
                return Decision(1, implies=rule.implies, rules=(rule.id,))
        sign = -1 if exclusion else 1
        applied: list[str] = []
        found = self.nearest_match(start, end)
        permit = None
        if found is not None:
            rule, at = found
            sign = 1 if rule.kind == "permit" else -1
            applied.append(rule.id)
            if rule.kind == "permit" and (exclusion or self._opens_on_subgroup(s0, s1)):
                # A grant speaks of this limit where it lifts an exclusion, or where the
                # sentence opens on the subgroup it lets in ("For patients who …, if …,
                # they are allowed to be enrolled"); "Age ≥ 18, both males and females
                # are eligible" grants nothing about age.
                permit = at
        else:
            subgroup = self._subgroup(s0, s1, start, end, variable)
            if subgroup is not None:
                if subgroup.sign != 1:
                    return subgroup
                sign = 1
                applied.extend(subgroup.rules)
        opens = [(self._clause(s0, start), start)]
        if subject is not None and s0 <= subject < start and not applied:
            opens.append((self._clause(s0, subject), subject))
        for rule in self.rules:
            if rule.kind == "negation" and any(rule.regex.search(text, a, b) for a, b in opens):
                sign = -sign
                applied.append(rule.id)
                permit = None  # "no lesions > 1.5 cm … are eligible": a limit, not a grant
                break
        return Decision(sign, rules=tuple(applied), permit=permit)

    def _opens_on_subgroup(self, s0: int, s1: int) -> bool:
        head = self.text[s0:s1].lstrip()
        return any(
            rule.kind == "subgroup" and rule.scope == "start" and rule.regex.match(head)
            for rule in self.rules
        )

    def permits(self) -> list[tuple[int, int]]:
        """The spans of every grant (a ``permit`` rule) in the text."""
        return sorted(
            span
            for rule in self.rules
            if rule.kind == "permit"
            for span in self.matches.get(rule.id, ())
        )

    def nearest(self, start: int, end: int) -> Rule | None:
        """The permit or exclude rule matched nearest to ``start:end`` in its sentence
        ("..., enrollment is allowed"; "... are not eligible"), or None."""
        found = self.nearest_match(start, end)
        return found[0] if found is not None else None

    def nearest_match(self, start: int, end: int) -> tuple[Rule, int] | None:
        """:meth:`nearest`, with where its match starts."""
        s0, s1 = self._sentence(start)
        nearest: tuple[int, Rule, int] | None = None
        for rule in self.rules:
            if rule.kind not in ("permit", "exclude"):
                continue
            for m_start, m_end in self.matches[rule.id]:
                if m_end <= s0 or m_start >= s1:
                    continue
                distance = m_start - end if m_start >= end else start - m_end
                if nearest is None or distance < nearest[0]:
                    nearest = (distance, rule, m_start)
        return (nearest[1], nearest[2]) if nearest is not None else None

    def _clause(self, s0: int, start: int) -> int:
        clause = s0
        for m in _CLAUSE_BREAK.finditer(self.text, s0, start):
            clause = m.end()
        return clause

    def _subgroup(
        self, s0: int, s1: int, start: int, end: int, variable: str | None
    ) -> Decision | None:
        """Polarity 0 for a limit naming a subgroup that the sentence obliges to
        something; 1 for a limit the sentence requires of a subgroup; else None."""
        text = self.text
        opened: Rule | None = None
        for rule in self.rules:
            if rule.kind != "subgroup" or (rule.variables and variable not in rule.variables):
                continue
            if rule.scope == "before" and (m := rule.regex.search(text, s0, start)):
                # "consent for those 12-17 years": the requirement is the clause before "for".
                what = text[self._clause(s0, m.start()) : m.start()].strip(" ,;:-")
                condition = what if re.search(r"[A-Za-z]", what) else None
                return Decision(0, condition=condition, rules=(rule.id,))
            if rule.scope == "start" and rule.regex.match(text[s0:s1].lstrip()):
                opened = rule
        if opened is None:
            return None
        for rule in self.rules:
            if rule.kind != "obligation":
                continue
            for m_start, m_end in self.matches[rule.id]:
                if m_start < s0 or m_start >= s1:
                    continue
                if m_start >= end:
                    stop = _CONDITION_END.search(text, m_start, s1)
                    condition = text[m_start : stop.start() if stop else s1].strip(" ,;:.")
                    return Decision(0, condition=condition, rules=(opened.id, rule.id))
                if m_end <= start:
                    return Decision(1, rules=(opened.id, rule.id))
        return None


@per_text
@functools.lru_cache(maxsize=512)
def _cues_of(text: str, directory: Path) -> Cues:
    return Cues(text)
