"""What a criterion means for comparing it: the facts it states about a patient.

A criterion is read from what the pipeline recorded, never from its text again
(except to see which words its entities leave over):

* its **limits**: the variables on which it decides eligibility (a threshold
  with an eligible range or set; a subgroup's limit, "for those 12-17 years",
  decides nothing);
* its **facts**: one per entity with a concept ("Prior treatment with a PD-1
  inhibitor" → pd1_inhibitor, excluded), with what is asked of it (required,
  excluded, allowed), its qualifiers ("active"), whom and when it is about (now,
  ever, future, family) and how far back it reaches in days (a window's period;
  pregnancy written alone is now, a condition alone or "history of" any time);
* its **windows** with an event, and its words, each concept one token.

The entities are the pipeline's (the lexicon's mentions completed by the
recognizer's, :func:`ctparse.nlp.entity_facts.with_lexicon`), else the
dictionary tagger's alone (:func:`ctparse.nlp.entity_facts.tag_entities`,
applied by :func:`ctparse.align.align_tagged` before :func:`ctparse.align.align`).
A catch-all concept ("disease", "intolerance") is no fact.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ..nlp.concepts import lexicon
from ..nlp.extract import of_someone_else
from ..nlp.mentions import mentions, taken_at
from ..nlp.milestones import is_own_event
from ..nlp.qualifiers import concept_of, kind_of
from ..nlp.rules import rules
from ..resources import models_dir, per_text
from ..schema import Criterion, Entity, Window
from . import matching
from .alternatives import alternatives
from .consent import with_part
from .narrowing import narrowed
from .unasked import CAUSE, NOT_ASKED, PURPOSE, not_asked
from .windows import is_duration

INFINITE = math.inf
#: Qualifiers that make a condition current (no further back than now).
_NOW = frozenset({"active", "recent"})
#: A window whose period is a duration ("stable for 3 months"), not a time back.
_DURATION = frozenset({"=", None})


@dataclass(frozen=True)
class Fact:
    """One concept a criterion asks about."""

    concept: str
    name: str  # as written
    type: str
    requirement: str | None  # required | excluded | allowed | None
    when: str  # now | ever | future | family
    extent: float  # days back the criterion reaches (0: now, inf: any time)
    flags: frozenset[str]  # narrowing qualifiers ("active", "uncontrolled")
    degrees: frozenset[tuple[str, str]]  # (dimension, degree): ("severity", "severe"); none: any
    broader: frozenset[str]  # the concept and its classes (a drug's drug classes)
    window: Window | None = None
    relation: str | None = None  # "contraindication", "allergy": what is asked is about that
    example: bool = False  # an example of another fact ("IBD (such as Crohn's disease)")
    # Concepts it bears on without being a kind of them (the lexicon's ``related``, a
    # degree's concept): CHA2DS2-VASc → anticoagulation, "localized" → tumor stage.
    related: frozenset[str] = frozenset()
    # Requirements offered as alternatives ("breast or ovarian cancer") share a number:
    # any one of them lets a patient in.
    either: int | None = None


@dataclass(frozen=True)
class Meaning:
    """A criterion as the comparison sees it."""

    criterion: Criterion
    keys: frozenset[tuple[str, str]]  # (variable, condition) it decides eligibility on
    variables: frozenset[str]  # every variable it limits, decided or not
    facts: tuple[Fact, ...]
    windows: tuple[Window, ...]
    tokens: tuple[str, ...]  # content words, a concept as one "c:<id>" token

    @property
    def ordered_keys(self) -> tuple[tuple[str, str], ...]:
        """:attr:`keys` in the order the criterion states them."""
        seen = [
            (t.variable, matching.normalize(t.condition or "")) for t in self.criterion.thresholds
        ]
        return tuple(k for k in dict.fromkeys(seen) if k in self.keys)

    @property
    def concepts(self) -> frozenset[str]:
        """What its facts name, a relation kept apart ("allergy:metronidazole")."""
        return frozenset(_key(f, f.concept) for f in self.facts)

    @property
    def reach(self) -> frozenset[str]:
        """:attr:`concepts` with their classes (a drug's drug classes); what a
        relation is to reaches the relation itself ("allergy:latex" is an allergy)."""
        return frozenset(k for f in self.facts for k in _reach(f))

    def reaches(self) -> dict[str, frozenset[str]]:
        """Each of :attr:`concepts` with the keys of its classes."""
        out: dict[str, set[str]] = {}
        for f in self.facts:
            out.setdefault(_key(f, f.concept), set()).update(_reach(f))
        return {k: frozenset(v) for k, v in out.items()}

    def times(self) -> dict[str, frozenset[tuple[str, str | None]]]:
        """For each key of :attr:`reach`, when the criterion speaks of it (now, ever,
        future, family) and what it asks of it."""
        out: dict[str, set[tuple[str, str | None]]] = {}
        for f in self.facts:
            for c in _reach(f):
                out.setdefault(c, set()).add((f.when, f.requirement))
        return {k: frozenset(v) for k, v in out.items()}

    @cached_property
    def measured(self) -> dict[str, Fact]:
        """The variables it names without a limit, each with the fact naming it: a
        measurement ("granulocyte-deficient": ANC) or a condition that is a low or high
        value of one ("neutropenia": ANC, the lexicon's ``low`` / ``high``)."""
        out: dict[str, Fact] = {}
        entries = lexicon().entries
        for f in self.facts:
            entry = entries.get(f.concept)
            if entry is None or f.example or f.requirement not in ("required", "excluded"):
                continue
            named = [entry.variable] if entry.variable else [*entry.low, *entry.high]
            for v in named:
                if v and v not in self.variables:
                    out.setdefault(v, f)
        return out

    @property
    def head_fact(self) -> Fact | None:
        """The first fact it asks about: what it is mainly about."""
        for f in self.facts:
            if f.requirement in ("required", "excluded"):
                return f
        return None

    @property
    def head(self) -> str | None:
        fact = self.head_fact
        return _key(fact, fact.concept) if fact else None


def related_heads(x: Meaning, y: Meaning) -> bool:
    """Whether two criteria are first about the same concept, or about two of one class
    asked the same way (the surgery each trial's patients are to have)."""
    fx, fy = x.head_fact, y.head_fact
    if fx is None or fy is None:
        return False
    if not compatible(fx.when, fy.when):
        return False
    if x.head == y.head:
        # The same concept asked the other way round only when ``x`` is about nothing
        # else: a subtype of it ("any atrial fibrillation" / "no persistent atrial
        # fibrillation"), not "atrial fibrillation associated with heart disease".
        return fx.requirement == fy.requirement or len(x.concepts) == 1
    if fx.requirement != fy.requirement:
        return False
    if bears_directly(fx, fy):
        return True  # "clinical stage T1-3" / "localized prostate cancer"
    # Two procedures of one class both required at one time: the surgery each trial is
    # about; not "unable to receive chemotherapy" (now) / "prior endocrine therapy" (ever).
    return (
        fx.relation == fy.relation
        and fx.requirement == "required"
        and _same_time(fx, fy)
        and bool(fx.broader & fy.broader)
    )


def _same_time(x: Fact, y: Fact) -> bool:
    """Whether two required facts are of one time: both now or planned (a procedure
    planned and one under way are one requirement), both ever, both in the family."""

    def time(f: Fact) -> str:
        return "now" if f.when == "future" else f.when

    return time(x) == time(y)


def related(x: Fact, y: Fact) -> bool:
    """Whether one fact bears on the other's concept or a class of it, either way: a
    risk score and the treatment it decides, a treatment and the condition it treats,
    a finding and the procedure it rules out ("infection at the puncture site" /
    "contraindication to regional anaesthesia"). Whatever they ask of it."""
    return bool(x.related & y.broader or y.related & x.broader)


def bears_directly(x: Fact, y: Fact) -> bool:
    """Whether one fact bears on the other's own concept, not only on a class of it
    ("mental health care" on a psychiatric disorder, not on schizophrenia)."""
    return y.concept in x.related or x.concept in y.related


def compatible(x: str, y: str) -> bool:
    """Whether a fact said at one time can be the same as one said at another: a
    planned surgery is not a past one, a family history not the patient's."""
    if "family" in (x, y):
        return x == y
    return {x, y} != {"ever", "future"}


def key_of(fact: Fact) -> str:
    """A fact's concept, its relation kept apart ("allergy:metronidazole")."""
    return _key(fact, fact.concept)


def _key(fact: Fact, concept: str) -> str:
    return f"{fact.relation}:{concept}" if fact.relation else concept


def _reach(fact: Fact) -> list[str]:
    """A fact's keys with its classes, and the relation it is the object of."""
    keys = [_key(fact, c) for c in fact.broader]
    return [*keys, fact.relation] if fact.relation else keys


def decided(criterion: Criterion) -> frozenset[tuple[str, str]]:
    """The (variable, condition) keys on which a criterion decides eligibility:
    thresholds with an eligible range or set, on a known variable, that are no
    grant ("… is allowed"); a subgroup's limit has no eligible range."""
    return frozenset(
        (t.variable, matching.normalize(t.condition or ""))
        for t in criterion.thresholds
        if t.variable != "other"
        and (t.eligible is not None or t.eligible_values is not None)
        and t.requirement != "allowed"
    )


def _when(entity: Entity) -> str:
    return {"historical": "ever", "hypothetical": "future", "family": "family"}.get(
        entity.assertion, "now"
    )


def broader_concepts(concept: str) -> frozenset[str]:
    """The concept and every class it is a kind of, transitively (heart failure: heart
    disease, cardiovascular disease)."""
    return _broader_in(concept, models_dir())


@per_text
@lru_cache(maxsize=4096)
def _broader_in(concept: str, directory: Path) -> frozenset[str]:
    entries = lexicon().entries
    found, todo = {concept}, [concept]
    while todo:
        entry = entries.get(todo.pop())
        for cls in entry.classes if entry else ():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return frozenset(found)


def _related(concepts: frozenset[str], qualifiers: Sequence[str]) -> frozenset[str]:
    """What a concept and its classes bear on, with what its degrees state."""
    entries = lexicon().entries
    out = {r for c in concepts if (entry := entries.get(c)) for r in entry.related}
    out.update(c for q in qualifiers if (c := concept_of(q)))
    return frozenset(out)


def _event_concepts(window: Window) -> frozenset[str]:
    return frozenset(m.entry.id for m in mentions(window.event or ""))


def _window_of(entity: Entity, windows: Sequence[tuple[Window, frozenset[str]]]) -> Window | None:
    """The window whose event names the entity's concept; else the first window after
    it ("chemotherapy, immunotherapy or radiotherapy within 3 weeks"); else the one
    window of a criterion whose event names no concept ("current or past 12-mos
    pregnancy")."""
    concept = entity.concept.id if entity.concept else None
    for window, concepts in windows:
        if concept in concepts:
            return window
    after = [w for w, _ in windows if w.start is not None and w.start >= entity.end]
    if after:
        return min(after, key=lambda w: w.start or 0)
    bare = [w for w, concepts in windows if not concepts]
    return bare[0] if len(bare) == 1 and len(windows) == 1 else None


_OPEN_ANCHOR = re.compile(r"\b(?:prior\s+to|before|after|following|since|until)\s*$", re.IGNORECASE)
_ANCHOR_TAIL = re.compile(r"\s*(?:of|of\s+the|with|with\s+the)\s+", re.IGNORECASE)


def _in_period(entity: Entity, windows: Sequence[Window], text: str, base: int) -> bool:
    """Whether an entity is words of a window's period or anchor ("within 4 weeks
    before the first dose of study drug"): part of a time, not a fact."""
    for w in windows:
        if w.start is None or w.end is None or entity.start < w.start:
            continue
        if entity.end <= w.end:
            return True
        gap = text[w.end - base : entity.start - base]
        if len(gap) <= 10 and _ANCHOR_TAIL.fullmatch(gap):
            return True
        # "for 2 weeks prior to radical prostatectomy": an anchor the rules do not know.
        period = text[w.start - base : w.end - base]
        if not gap.strip() and _OPEN_ANCHOR.search(period):
            return True
    return False


_TIME_WORD = re.compile(
    r"(?:\b(?:before|prior\s+to|after|following|since|until)|"
    # "≥ 18 years old at the time of hospitalization": when the age is taken
    r"(?P<age>(?:\d\s*(?:years?|yrs?|y)\b(?:\s+(?:old|of\s+age))?|\bolder|\byounger)\s+"
    r"(?:upon|at\s+(?:the\s+)?time\s+of)))\s+"
    r"(?:the\s+|(?:his|her|their)\s+)?"
    r"(?:(?:planned|scheduled|index|elective|study|trial)\s+)?$",
    re.IGNORECASE,
)


def _anchor(entity: Entity, text: str, base: int) -> bool:
    """Whether an entity only says when another fact is ("opioid use for pain control
    before surgery", "chemotherapy after resection", "age ≥ 18 at the time of
    hospitalization"): the object of a word of time."""
    found = _TIME_WORD.search(text[: entity.start - base])
    if found is None:
        return False
    # "aged 60 or older at the time of AML diagnosis": a condition is still asked of
    # the patient; a stay or a procedure ("at the time of hospitalization") only dates.
    return not found.group("age") or entity.type != "condition"


def _drug_use(entity: Entity, criterion: Criterion) -> bool:
    """Whether a catch-all drug is the patient's drug use: taken by the words ("Taking
    regular medication", "Medication use") or the only thing the criterion names; not
    what a drug is the object of ("allergy to any medication"), nor a drug said of
    something named ("medical treatment for hypertension", "drug-resistant epilepsy")."""
    if entity.type != "drug" or any(kind_of(q) == "relation" for q in entity.qualifiers):
        return False
    if taken_at(criterion.text or "", entity.start - (criterion.start or 0)):
        return True
    lex = lexicon()
    return not any(
        e.concept and (known := lex.entries.get(e.concept.id)) and not known.broad
        for e in criterion.entities
    )


def _fact(
    entity: Entity, windows: Sequence[tuple[Window, frozenset[str]]], use: bool = False
) -> Fact | None:
    if entity.concept is None or entity.concept.id.startswith("mesh:"):
        return None
    concept = entity.concept.id
    entry = lexicon().entries.get(concept)
    if entry is not None and entry.broad and not use:
        # A catch-all ("disease", "intolerance", "treatment") says nothing of which
        # patients a criterion lets in: "intolerance … of vardenafil" and "soy
        # intolerance" are about vardenafil and soy. Drug use in general does.
        return None
    requirement = entity.requirement
    when = _when(entity)
    if entry is not None and entry.negates and requirement in _OPPOSITE:
        # "Legally incapacitated" excluded is informed consent required; a test that
        # "will need" to be negative is of the state now, not of a planned pregnancy.
        concept, requirement = entry.negates, _OPPOSITE[requirement]
        when = "now" if when == "future" else when
    elif entry is not None and entry.treats_with:
        concept = entry.treats_with  # "corticosteroid therapy" is taking corticosteroids
    kinds = {q: kind_of(q) for q in entity.qualifiers}
    flags = frozenset(q for q, k in kinds.items() if k == "flag")
    if (entry is not None and entry.state) or entity.type in ("drug", "procedure"):
        # "currently pregnant" is pregnant, "current corticosteroid therapy" is taking
        # corticosteroids: a state, a drug and a treatment are read as now already
        flags -= {"active"}
    degrees = frozenset((k, q) for q, k in kinds.items() if k not in ("flag", "relation"))
    relation = next((q for q, k in kinds.items() if k == "relation"), None)
    window = _window_of(entity, windows)
    broader = broader_concepts(concept)
    if (
        window is not None
        and window.eligible is not None
        and window.comparator not in _DURATION
        and not is_duration(window)  # "on hemodialysis for at least 3 months": on it now
    ):
        # "within 4 weeks before": the event is excluded (or required) in that period.
        if window.eligible.lower is not None:
            extent = window.eligible.lower
            requirement = "excluded" if requirement != "allowed" else requirement
        else:
            extent = window.eligible.upper if window.eligible.upper is not None else INFINITE
    elif when == "ever" or when == "family":
        extent = INFINITE
    elif flags & _NOW:
        extent = 0.0
    elif entity.type in ("drug", "procedure", "device") or (entry is not None and entry.state):
        extent = 0.0  # "receiving anticoagulants", "pregnant", "incapacitated": now
    else:
        extent = INFINITE  # "epilepsy", "HIV": whenever it was diagnosed
    return Fact(
        concept=concept,
        name=entity.text,
        type=entity.type,
        requirement=requirement,
        when=when,
        extent=extent,
        flags=flags,
        degrees=degrees,
        broader=broader,
        window=window,
        relation=relation,
        related=_related(broader, entity.qualifiers),
    )


_OPPOSITE = {"required": "excluded", "excluded": "required"}
_WORD = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?")


def _tokens(criterion: Criterion) -> tuple[str, ...]:
    """Content words with every entity's words replaced by its concept."""
    text = criterion.text or ""
    base = criterion.start or 0
    pieces: list[str] = []
    cursor = 0
    for entity in sorted(criterion.entities, key=lambda e: e.start):
        start, end = entity.start - base, entity.end - base
        if start < cursor or entity.concept is None:
            continue
        pieces.append(text[cursor:start])
        pieces.append(f" c:{entity.concept.id} ")
        cursor = end
    pieces.append(text[cursor:])
    out = []
    for piece in pieces:
        if piece.startswith(" c:"):
            out.append(piece.strip())
        else:
            out += matching.tokens(matching.expand(piece))
    return tuple(out)


def _example_spans(criterion: Criterion) -> list[tuple[int, int]]:
    """Where a criterion gives examples of what it names ("(such as Crohn's disease)")."""
    from .text import EXAMPLES

    text = criterion.text or ""
    spans = [(m.start(), m.end()) for m in EXAMPLES.finditer(text)]
    # A purpose in brackets says why, a cause narrows (:mod:`ctparse.align.unasked`).
    spans += [(m.start(), m.end()) for m in PURPOSE.finditer(text)]
    spans += [(m.start(), m.end()) for m in CAUSE.finditer(text)]
    return spans


_BRACKET = re.compile(r"\s*\(([^()]*)\)")


def _degree_by_limit(entity: Entity, criterion: Criterion) -> bool:
    """Whether a bracket right after an entity holds a limit the criterion decides
    eligibility on ("severe COPD (FEV1 < 50%)"): the limit defines its degree."""
    text = criterion.text or ""
    base = criterion.start or 0
    bracket = _BRACKET.match(text, entity.end - base)
    if bracket is None:
        return False
    start, end = base + bracket.start(1), base + bracket.end(1)
    return any(
        t.start is not None
        and start <= t.start < end
        and t.variable != "other"
        and (t.eligible is not None or t.eligible_values is not None)
        for t in criterion.thresholds
    )


# A lone adjective ("psychiatric") of a noun that is no condition: "psychiatric
# hospitalisation" is a stay in hospital, not a psychiatric disorder ("psychiatric, or
# neurological disease", "psychiatric diagnoses" and "diabetic patients" are).
_ADJECTIVE = re.compile(r"[A-Za-z]+(?:ic|al|ary|ous)", re.IGNORECASE)
_NOT_A_CONDITION = re.compile(
    r"[ \t]+(?:hospital\w*|care|treatments?|therapy|evaluations?|assessments?|"
    r"consultations?|follow-?up|medications?|services?|wards?|units?|associations?|"
    r"facilit(?:y|ies)|institutions?|settings?|clinics?|staff|team)\b",
    re.IGNORECASE,
)


def _modifier(entity: Entity, text: str, base: int) -> bool:
    """Whether a condition entity is only an adjective of the thing after it."""
    return (
        entity.type == "condition"
        and _ADJECTIVE.fullmatch(entity.text) is not None
        and _NOT_A_CONDITION.match(text, entity.end - base) is not None
    )


def meaning_of(criterion: Criterion) -> Meaning:
    """The :class:`Meaning` of one criterion."""
    windows = tuple(w for w in criterion.windows if w.days is not None or w.event)
    with_concepts = [(w, _event_concepts(w)) for w in windows]
    facts: list[Fact] = []
    # A scale limited in its graded form names the scale too ("Child-Pugh B": the score).
    limited = {v for t in criterion.thresholds for v in family(t.variable)}
    examples = _example_spans(criterion)
    unasked = [not_asked(m) for rule in NOT_ASKED for m in rule.finditer(criterion.text or "")]
    base = criterion.start or 0
    at: list[Entity] = []
    for entity in criterion.entities:
        if not is_own_event(entity, windows) and (
            _in_period(entity, windows, criterion.text or "", base)
            or _anchor(entity, criterion.text or "", base)
            or _modifier(entity, criterion.text or "", base)
            or any(s <= entity.start - base < e for s, e in unasked)
        ):
            continue
        fact = _fact(entity, with_concepts, use=_drug_use(entity, criterion))
        # A measurement its own thresholds limit is said by the limit ("ECOG 0-1").
        if fact is None or fact.concept in limited:
            continue
        if (kind := narrowed(fact.concept, criterion, entity)) is not None:
            # "knee surgery", "allergy to tree nuts": a kind the lexicon does not know
            restricted = {"restricted", f"restricted:{kind}"}
            fact = dataclasses.replace(fact, flags=fact.flags | restricted)
        if fact.degrees and _degree_by_limit(entity, criterion):
            # "Moderate to severe OSA (AHI > 15)": the limit says the degree, and is compared
            # as a limit; the words would narrow the fact a second time.
            fact = dataclasses.replace(fact, degrees=frozenset())
        inside = any(s <= entity.start - base and entity.end - base <= e for s, e in examples)
        if inside and any(not f.example for f in facts):
            fact = dataclasses.replace(fact, example=True)
        facts.append(fact)
        at.append(entity)
    either = alternatives(
        [
            (e.start - base, e.end - base)
            if f.requirement == "required" and not f.example
            else None
            for f, e in zip(facts, at, strict=True)
        ],
        criterion.text or "",
        [f.broader - {f.concept} for f in facts],
    )
    facts = [
        dataclasses.replace(f, either=n) if n is not None else f
        for f, n in zip(facts, either, strict=True)
    ]
    # "AF associated with structural heart disease": the patients have the cause, of its kind.
    kinds = {k for f in facts if f.example for k in f.flags if k.startswith("restricted:")}
    if kinds and CAUSE.search(criterion.text or ""):
        facts = [
            dataclasses.replace(f, flags=f.flags | kinds)
            if not f.example and "restricted" in f.flags
            else f
            for f in facts
        ]
    # "Allergy to latex": the allergy is said by what it is to, not as a fact of its own
    # (which would make the criterion exclude any allergy too).
    objects = {(f.relation, f.requirement) for f in facts if f.relation}
    facts = [f for f in facts if f.relation or (f.concept, f.requirement) not in objects]
    facts = [with_part(f, criterion.text or "") for f in facts]  # consent, or a part of it
    return Meaning(
        criterion=criterion,
        keys=decided(criterion),
        variables=frozenset(
            v
            for t in criterion.thresholds
            if t.variable != "other" and not of_someone_else(t.condition)
            for v in family(t.variable)
        ),
        facts=tuple(facts),
        windows=windows,
        tokens=_tokens(criterion),
    )


def family(variable: str) -> tuple[str, ...]:
    """A variable and the one its grades are a graded form of (Child-Pugh class: the
    Child-Pugh score, ``letters_after`` in ``models/variables.jsonl``)."""
    known = rules().variables.get(variable)
    return (variable, known.letters_after) if known and known.letters_after else (variable,)


def concept_weights(meanings: Sequence[Meaning]) -> dict[str, float]:
    """Inverse document frequency of every concept (and class) over the criteria of
    both studies: "cancer" in ten criteria says less than "hepatitis B" in one."""
    counts: Counter[str] = Counter()
    for m in meanings:
        counts.update(m.reach)
    total = len(meanings)
    return {c: math.log((1 + total) / (1 + n)) + 1.0 for c, n in counts.items()}
