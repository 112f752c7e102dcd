"""The extraction rules: data files under ``models/``, validated and compiled once.

Every file is read through :func:`ctparse.resources.load_rules` with a field
spec, so a typo in a rule file fails at load time. Phrase lists become
trie-shaped regular expressions (one alternation per kind), which keeps
matching in C and fast on tens of thousands of criteria.

    models/variables.jsonl    variable lexicon (synonyms, canonical unit, LOINC)
    models/units.jsonl        unit spellings
    models/conversions.jsonl  unit -> canonical unit factors (per variable)
    models/comparators.jsonl  comparator, range, list, ULN/LLN, condition, filler, per-sex
                              qualifier and calendar phrases
    models/anchors.jsonl      time anchors and direction words for windows
    models/noise.jsonl        numbers that are not limits (versions, list markers)
    models/coordination.jsonl where a window's event splits into one event per conjunct
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ResourceError
from ..resources import load_rules, per_models, where_is
from ..text.patterns import phrase_pattern

COMPARATOR_KINDS = (
    "prefix",
    "suffix",
    "range",
    "list",
    "relative",
    "condition",
    "filler",
    "qualifier",
    "calendar",
    "cohort",
    "bound",
)
ANCHOR_KINDS = ("anchor", "before", "after", "lookback", "lookahead", "reference", "cessation")
COORDINATION_KINDS = (
    "conjunction",
    "blocker",
    "preposition",
    "predicate",
    "clause",
    "transparent",
    "head",
    "verb",
    "verb_suffix",
    "lead",
)


#: An ordinal scale has at most this many grades (ECOG 0-5, Karnofsky 0-100 by 10,
#: EDSS 0-10 by 0.5): a limit on it admits a set of grades. Longer scales (NIHSS 0-42,
#: PHQ-9 0-27) are scores whose limits are ranges.
ORDINAL_GRADES = 21


@dataclass(frozen=True)
class Variable:
    """One variable of ``models/variables.jsonl``.

    ``scale`` is the range of the scale as written (ECOG 0-5), ``step`` its grade
    step (Karnofsky 10, EDSS 0.5) and ``living`` the grades a living patient can have
    (ECOG 5, the modified Rankin scale's 6 and ASA VI are death or brain death), which
    is where the complement of an excluded set is taken.
    """

    id: str
    name: str
    unit: str | None
    loinc: str | None
    cls: str | None
    scale: tuple[int, int] | None
    # The side eligibility requires ("lower": ANC ≥ …, "upper": bilirubin ≤ …), read
    # into a mirror's lost "=" for values within ``bound_range`` (canonical unit).
    bound: str | None = None
    bound_range: tuple[float, float] | None = None
    # Limits outside this range (canonical unit) are suspect ("Albumin < 2.0 mg/dl").
    plausible: tuple[float, float] | None = None
    step: float = 1.0
    living: tuple[float, float] | None = None
    # Grades written as letters, from grade 1 ("A", "B", "C" of the Child-Pugh class),
    # read after the variable's own names and those of ``letters_after`` (the variable
    # they are a graded form of: the Child-Pugh score).
    letters: tuple[str, ...] = ()
    letters_after: str | None = None
    # Names said only right before a letter grade ("Child B", never "child" alone).
    letter_names: tuple[str, ...] = ()
    # Conditions a bare "class" or "stage" grades on this scale ("class III or IV heart
    # failure" is the NYHA class).
    class_of: tuple[str, ...] = ()
    # A change ("weight change"): a tolerance ("stable ± 5 kg") bounds its size.
    change: bool = False
    # Its grades are written in Roman numerals too ("NYHA III", "GMFCS IV").
    roman: bool = False

    @property
    def ordinal(self) -> bool:
        """Whether a limit on this variable admits a set of grades (see :data:`ORDINAL_GRADES`)."""
        if self.scale is None:
            return False
        return (self.scale[1] - self.scale[0]) / self.step + 1 <= ORDINAL_GRADES + 1e-9

    def grades(self) -> tuple[float, ...]:
        """The grades a living patient can have, in order ("ECOG": 0, 1, 2, 3, 4);
        empty for a variable without an ordinal scale.

        >>> Variable("ecog", "ECOG", None, None, None, (0, 5), living=(0, 4)).grades()
        (0.0, 1.0, 2.0, 3.0, 4.0)
        """
        if not self.ordinal or self.scale is None:
            return ()
        low, high = self.living or self.scale
        count = round((high - low) / self.step)
        return tuple(float(f"{low + i * self.step:.6g}") for i in range(count + 1))


@dataclass(frozen=True)
class Rules:
    """Everything the extractors need, compiled."""

    variables: dict[str, Variable]
    variable_ci: re.Pattern[str]
    variable_cs: re.Pattern[str]
    variable_of: dict[str, str]  # lower-cased synonym / exact abbreviation -> variable id
    misspelled: frozenset[
        str
    ]  # lower-cased misspellings: they name the variable only with its unit
    unit_of: dict[str, str]  # written form -> unit id
    unit_quantity: dict[str, str]
    unit_pattern: str
    conversions: dict[tuple[str, str, str], float]  # (variable or *, from, to) -> factor
    ops: dict[str, dict[str, str]]  # kind -> lower-cased phrase -> op
    patterns: dict[str, str]  # kind -> regex alternation
    anchors: dict[str, str]  # lower-cased phrase -> anchor id
    reference_anchor: str  # the anchor of a therapy a criterion names ("prior_therapy")
    time_kinds: dict[str, str]  # lower-cased time phrase -> kind (before, lookahead, ...)
    time_patterns: dict[str, str]  # anchor kind -> regex alternation
    noise: tuple[re.Pattern[str], ...]
    #: The same patterns by id ("named_version": a classification cited by its version).
    noise_by_id: dict[str, re.Pattern[str]]

    def variable_for(self, mention: str) -> str | None:
        return self.variable_of.get(mention) or self.variable_of.get(_fold(mention))

    def op_for(self, kind: str, phrase: str) -> str | None:
        return self.ops[kind].get(_fold(phrase))

    def unit_for(self, written: str) -> str | None:
        return self.unit_of.get(written) or self.unit_of.get(re.sub(r"\s+", " ", written))

    def factor(self, variable: str, unit: str, canonical: str) -> float | None:
        if unit == canonical:
            return 1.0
        for key in ((variable, unit, canonical), ("*", unit, canonical)):
            if key in self.conversions:
                return self.conversions[key]
        return None


def _pair(values: list[float] | None, variable: str) -> tuple[float, float] | None:
    """A ``[low, high]`` range of a lexicon entry."""
    if not values:
        return None
    if len(values) != 2 or not values[0] < values[1]:
        raise ResourceError(f"variables.jsonl#{variable}", f"expected [low, high], got {values}")
    return float(values[0]), float(values[1])


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


@per_models
def rules() -> Rules:
    """Load and compile every rule file (cached)."""
    variables: dict[str, Variable] = {}
    variable_of: dict[str, str] = {}
    misspelled: set[str] = set()
    ci: list[str] = []
    cs: list[str] = []
    for entry in load_rules("variables.jsonl"):
        scale = entry.get("scale")
        variables[entry["id"]] = Variable(
            id=entry["id"],
            name=entry["name"],
            unit=entry.get("unit"),
            loinc=entry.get("loinc"),
            cls=entry.get("class"),
            scale=(int(scale[0]), int(scale[1])) if scale else None,
            bound=entry.get("bound"),
            bound_range=_pair(entry.get("bound_range"), entry["id"]),
            plausible=_pair(entry.get("plausible"), entry["id"]),
            step=float(entry.get("step") or 1.0),
            living=(float(living[0]), float(living[1]))
            if (living := entry.get("living"))
            else None,
            letters=tuple(entry.get("letters") or ()),
            letters_after=entry.get("letters_after"),
            letter_names=tuple(entry.get("letter_names") or ()),
            class_of=tuple(entry.get("class_of") or ()),
            change=bool(entry.get("change")),
            roman=bool(entry.get("roman")),
        )
        for synonym in entry["synonyms"]:
            variable_of.setdefault(_fold(synonym), entry["id"])
            ci.append(synonym.lower())
        for misspelling in entry.get("misspellings") or ():
            if variable_of.setdefault(_fold(misspelling), entry["id"]) == entry["id"]:
                misspelled.add(_fold(misspelling))
                ci.append(misspelling.lower())
        named = {_fold(n): n for n in [*entry["synonyms"], *(entry.get("misspellings") or ())]}
        for abbreviation in entry.get("abbreviations") or ():
            if (same := named.get(_fold(abbreviation))) is not None:
                # The synonym is matched in any case: the abbreviation adds nothing
                # an example could tell, and a rule nobody can test is refused.
                raise ResourceError(
                    where_is("variables.jsonl", entry["id"]),
                    f"abbreviation {abbreviation!r}: the synonym {same!r} matches it already",
                )
            variable_of.setdefault(abbreviation, entry["id"])
            cs.append(abbreviation)
    edge_l, edge_r = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
    variable_ci = re.compile(f"{edge_l}(?i:{phrase_pattern(ci)}){edge_r}")
    variable_cs = re.compile(f"{edge_l}(?:{phrase_pattern(cs)}){edge_r}")

    unit_of: dict[str, str] = {}
    unit_quantity: dict[str, str] = {}
    forms: list[str] = []
    for entry in load_rules("units.jsonl"):
        unit_quantity[entry["id"]] = entry["quantity"]
        for form in entry["forms"]:
            unit_of.setdefault(form, entry["id"])
            forms.append(form)
    conversions = {
        (e["variable"], e["from"], e["to"]): float(e["factor"])
        for e in load_rules("conversions.jsonl")
    }

    ops: dict[str, dict[str, str]] = {kind: {} for kind in COMPARATOR_KINDS}
    phrases: dict[str, list[str]] = {kind: [] for kind in COMPARATOR_KINDS}
    for entry in load_rules("comparators.jsonl"):
        kind = entry["kind"]  # one of COMPARATOR_KINDS (models/manifest.json)
        for phrase in entry["phrases"]:
            ops[kind].setdefault(_fold(phrase), entry["op"])
            phrases[kind].append(phrase)
    patterns = {kind: phrase_pattern(values) for kind, values in phrases.items()}

    anchors: dict[str, str] = {}
    reference_anchor = "prior_therapy"
    time_kinds: dict[str, str] = {}
    time_phrases: dict[str, list[str]] = {kind: [] for kind in ANCHOR_KINDS}
    for entry in load_rules("anchors.jsonl"):
        kind = entry["kind"]  # one of ANCHOR_KINDS (models/manifest.json)
        for phrase in entry["phrases"]:
            time_phrases[kind].append(phrase)
            time_kinds.setdefault(_fold(phrase), kind)
            if kind in ("anchor", "reference"):
                anchors.setdefault(_fold(phrase), entry["anchor"])
        if kind == "reference":
            reference_anchor = entry["anchor"]
    time_patterns = {kind: phrase_pattern(values) for kind, values in time_phrases.items()}

    noise_by_id = {e["id"]: re.compile(e["pattern"]) for e in load_rules("noise.jsonl")}
    noise = tuple(noise_by_id.values())
    return Rules(
        variables=variables,
        variable_ci=variable_ci,
        variable_cs=variable_cs,
        variable_of=variable_of,
        misspelled=frozenset(misspelled),
        unit_of=unit_of,
        unit_quantity=unit_quantity,
        unit_pattern=phrase_pattern(forms),
        conversions=conversions,
        ops=ops,
        patterns=patterns,
        anchors=anchors,
        reference_anchor=reference_anchor,
        time_kinds=time_kinds,
        time_patterns=time_patterns,
        noise=noise,
        noise_by_id=noise_by_id,
    )


@dataclass(frozen=True)
class Coordination:
    """The coordination rules (``models/coordination.jsonl``) as word sequences.

    Phrases are tuples of lower-cased words (a comma is a word), so that they are
    matched against a tokenized event with :meth:`at` and :meth:`ends`.
    """

    phrases: dict[str, frozenset[tuple[str, ...]]]  # kind -> phrases
    longest: dict[str, int]  # kind -> words in its longest phrase
    suffixes: tuple[str, ...]  # verb_suffix endings
    hint: re.Pattern[str]  # a conjunction somewhere in a text (a cheap first test)

    def at(self, kind: str, words: list[str], i: int) -> int:
        """Length in words of the longest ``kind`` phrase starting at ``words[i]`` (0: none)."""
        phrases = self.phrases[kind]
        for n in range(min(self.longest[kind], len(words) - i), 0, -1):
            if tuple(words[i : i + n]) in phrases:
                return n
        return 0

    def ends(self, kind: str, words: list[str], j: int) -> bool:
        """Whether a ``kind`` phrase ends at ``words[j]``."""
        phrases = self.phrases[kind]
        return any(
            tuple(words[j + 1 - n : j + 1]) in phrases
            for n in range(1, min(self.longest[kind], j + 1) + 1)
        )


@per_models
def coordination() -> Coordination:
    """Load the coordination rules (cached)."""
    words: dict[str, set[tuple[str, ...]]] = {kind: set() for kind in COORDINATION_KINDS}
    for entry in load_rules("coordination.jsonl"):
        kind = entry["kind"]  # one of COORDINATION_KINDS (models/manifest.json)
        for phrase in entry["phrases"]:
            words[kind].add(tuple(re.findall(r",|[^\s,]+", phrase.lower())))
    conjunctions = sorted(" ".join(p) for p in words["conjunction"])
    return Coordination(
        phrases={kind: frozenset(values) for kind, values in words.items()},
        longest={kind: max((len(p) for p in values), default=0) for kind, values in words.items()},
        suffixes=tuple(p[0] for p in words["verb_suffix"]),
        hint=re.compile(rf"(?i)(?<![\w-])(?:{phrase_pattern(conjunctions)})(?![\w-])"),
    )
