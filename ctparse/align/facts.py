"""Verdicts on the facts of two sides of a row: which side lets in fewer patients.

A side's facts are what its criteria exclude and require (:mod:`.meaning`).
One fact is *broader* than another when everyone the other names, it names
too: the same concept or a class of it (a PD-1 inhibitor for camrelizumab),
no more narrowing qualifiers ("hepatitis B" is broader than "active hepatitis
B"), no fewer degrees ("moderate or severe" than "severe"), and as far back in
time (any history than 12 months, 12 months than now).

A side lets in everyone the other does when each of its exclusions is met by
a broader exclusion of the other, and each of its requirements is broader than
one of the other's. Both ways: ``same``; one way: the other side is stricter;
neither: ``different``.

    >>> from .meaning import Fact
    >>> def fact(c): return Fact(c, c, "condition", "excluded", "now", 0, frozenset(), frozenset(), frozenset({c}))
    >>> hiv, hbv = fact("hiv"), fact("hepatitis_b")
    >>> compare_facts([hiv, hbv], [hiv])[0]
    'a_stricter'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..nlp.concepts import lexicon
from ..schema import Verdict
from .meaning import Fact
from .windows import is_duration
from .wording import amount

_RELATIONS = {
    "contraindication": "a contraindication to",
    "allergy": "an allergy to",
    "intolerance": "an intolerance to",
    "treatment": "treatment of",
    "cause": "a condition causing",
}
#: Whom a fact is about, and which of them may stand for each other.
_TIMES = {"now": "patient", "ever": "patient", "future": "future", "family": "family"}


def _time(fact: Fact) -> str:
    # A required procedure planned or under way is one requirement ("scheduled for
    # radical prostatectomy" / "indication for radical prostatectomy").
    if fact.when == "future" and fact.requirement == "required":
        return "patient"
    return _TIMES[fact.when]


def broader(outer: Fact, inner: Fact) -> bool:
    """Whether everyone ``inner`` names, ``outer`` names too (see the module docstring)."""
    # Any allergy is broader than an allergy to latex.
    of_relation = outer.relation is None and inner.relation == outer.concept
    if outer.concept not in inner.broader and not of_relation:
        return False
    if _time(outer) != _time(inner):
        return False
    if (outer.relation != inner.relation and not of_relation) or not outer.flags <= inner.flags:
        return False
    for dimension in {d for d, _ in outer.degrees}:
        mine = {v for d, v in outer.degrees if d == dimension}
        theirs = {v for d, v in inner.degrees if d == dimension}
        if not theirs or not theirs <= mine:
            return False
    return outer.extent >= inner.extent - 1e-9


def _asked(facts: Sequence[Fact], requirement: str) -> list[Fact]:
    return [f for f in facts if f.requirement == requirement]


def _either(facts: Sequence[Fact]) -> list[list[Fact]]:
    """The requirements of ``facts``, alternatives together: each list is met by
    any one of its facts (:attr:`Fact.either`)."""
    groups: dict[object, list[Fact]] = {}
    for i, f in enumerate(_asked(facts, "required")):
        groups.setdefault(("either", f.either) if f.either is not None else i, []).append(f)
    return list(groups.values())


def _met(group: Sequence[Fact], other: Sequence[Sequence[Fact]]) -> bool:
    """Whether everyone who meets one of the ``other`` requirements meets ``group``:
    each alternative of one of them is a kind of an alternative of ``group``."""
    return any(all(any(broader(r, o) for r in group) for o in theirs) for theirs in other)


def admits_all(
    side: Sequence[Fact], other: Sequence[Fact], other_requires: Sequence[Fact] = ()
) -> bool:
    """Whether ``side`` lets in everyone ``other`` lets in, on these facts;
    ``other_requires``: what the other trial requires in its other criteria (its
    patients are pregnant women whatever this row says)."""
    exclusions_met = all(
        any(broader(o, e) for o in _asked(other, "excluded")) for e in _asked(side, "excluded")
    )
    theirs = _either([*other, *other_requires])
    return (
        exclusions_met
        and all(_met(group, theirs) for group in _either(side))
        and not _refused(side, other)
    )


def _within(outer: Fact, inner: Fact) -> bool:
    """Whether ``inner`` is a kind of ``outer`` (any drug is a kind of medication)."""
    return outer.concept in inner.broader or (
        outer.concept == "medication" and inner.type == "drug"
    )


def _refused(side: Sequence[Fact], other: Sequence[Fact]) -> list[Fact]:
    """What ``other`` grants as an exception ("except oral contraceptives") that
    ``side`` excludes and does not grant: patients ``other`` lets in and ``side`` not."""
    granted = [
        x
        for x in _asked(other, "allowed")
        if not any(_within(a, x) for a in _asked(side, "allowed"))
    ]
    return [x for x in granted if any(_within(e, x) for e in _asked(side, "excluded"))]


def asks(facts: Sequence[Fact]) -> bool:
    """Whether any fact is required or excluded (a grant asks nothing)."""
    return any(f.requirement in ("required", "excluded") for f in facts)


def name(fact: Fact) -> str:
    """A fact in words: "active hepatitis B", "pregnancy in the last 12 months"."""
    entry = lexicon().entries.get(fact.concept)
    words = entry.name if entry else fact.name
    flags = [f.replace("_", " ") for f in sorted(fact.flags) if not f.startswith("restricted")]
    degrees = [
        " or ".join(sorted(v.replace("_", " ") for d, v in fact.degrees if d == dimension))
        for dimension in sorted({d for d, _ in fact.degrees})
    ]
    kind = next((f[len("restricted:") :] for f in fact.flags if f.startswith("restricted:")), "")
    if kind and not kind.startswith("to "):
        words = f"{kind} {words}"  # "conductive hearing loss", "knee surgery"
    if fact.relation:
        # "active therapy for neoplastic disorders": the flags are the relation's.
        relation = _RELATIONS.get(fact.relation, fact.relation)
        if fact.relation == "cause":  # "a condition causing chronic pain": the pain's
            head = " ".join([relation, *flags, *degrees, words])
        else:
            head = " ".join([*flags, relation, *degrees, words])
    else:
        head = " ".join([*flags, *degrees, words])
    if "restricted" in fact.flags and (not kind or kind.startswith("to ")):
        head += " (as qualified)"  # "psychoactive drugs that influence sleep"
    if fact.when == "family":
        return f"a family history of {head}"
    if fact.when == "future":
        # A treatment is planned; a state (pregnancy) is to come; a condition is one a
        # patient may come to have.
        if fact.type in ("procedure", "drug"):
            return f"planned {head}"
        return f"a future {head}" if _is_state(fact.concept) else f"a risk of {head}"
    window = fact.window
    if window is not None and window.value is not None and window.unit and is_duration(window):
        return f"{head} for at least {amount(window.value, window.unit)}"
    if window is not None and window.value is not None and window.unit and fact.extent:
        return f"{head} within {amount(window.value, window.unit)}"
    if math.isinf(fact.extent) and fact.when == "ever":
        return f"{head} at any time"
    return head


def _list(facts: Sequence[Fact]) -> str:
    names = list(dict.fromkeys(name(f) for f in facts))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def compare_facts(
    facts_a: Sequence[Fact],
    facts_b: Sequence[Fact],
    *,
    requires_a: Sequence[Fact] = (),
    requires_b: Sequence[Fact] = (),
) -> tuple[Verdict, str]:
    """The verdict on two sides' facts and why, in words. ``requires_a`` /
    ``requires_b``: what each trial requires in its other criteria ("singleton" /
    "singleton pregnant women" in two trials of pregnant women are the same)."""
    a_loose = admits_all(facts_a, facts_b, requires_b)
    b_loose = admits_all(facts_b, facts_a, requires_a)
    if a_loose and b_loose:
        return "same", _both(facts_a)
    parts = []
    for side, mine, theirs, elsewhere in (
        ("A", facts_a, facts_b, requires_b),
        ("B", facts_b, facts_a, requires_a),
    ):
        other = "B" if side == "A" else "A"
        parts += _also_admitted(side, mine, theirs)
        refused = _refused(theirs, mine)
        if refused:
            parts.append(f"{side} allows {_list(refused)}, which {other} excludes")
        for requirement, verb in (("excluded", "excludes"), ("required", "requires")):
            if requirement == "excluded":
                extra = [
                    e
                    for e in _asked(mine, requirement)
                    if not any(broader(o, e) for o in _asked(theirs, requirement))
                ]
            else:
                their_groups = _either([*theirs, *elsewhere])
                extra = [
                    r
                    for group in _either(mine)
                    if not _met(group, their_groups) and not _widened(group, their_groups)
                    for r in group
                ]
            if not extra:
                continue
            # The other side's word on the same concept, when it has one.
            alike = [
                o
                for o in _asked(theirs, requirement)
                if any(o.concept in f.broader or f.concept in o.broader for f in extra)
            ]
            said = f"{side} {verb} {_list(extra)}"
            if alike:
                said += f" ({other}: {_list(alike)})"
            parts.append(said)
    said = "; ".join(parts)
    if b_loose:
        return "a_stricter", said
    if a_loose:
        return "b_stricter", said
    return "different", said


def _widened(group: Sequence[Fact], other: Sequence[Sequence[Fact]]) -> bool:
    """Whether an alternatives list of ``other`` offers what ``group`` requires and
    more ("breast cancer" / "breast or ovarian cancer"): said by
    :func:`_also_admitted`, not as a requirement of ``group``'s side."""
    return any(
        len(theirs) > 1 and any(broader(r, o) for r in group for o in theirs) for theirs in other
    )


def _also_admitted(side: str, mine: Sequence[Fact], theirs: Sequence[Fact]) -> list[str]:
    """ "B also admits ovarian cancer": the alternatives ``side`` offers beyond what
    the other side requires."""
    out = []
    their_groups = _either(theirs)
    for group in _either(mine):
        if len(group) < 2:
            continue
        overlapping = [g for g in their_groups if any(broader(r, o) for r in g for o in group)]
        if not overlapping:
            continue
        beyond = [o for o in group if not any(broader(r, o) for g in overlapping for r in g)]
        if beyond:
            out.append(f"{side} also admits {_list(beyond)}")
        elif len(overlapping) > 1:
            other = "B" if side == "A" else "A"
            each = " and ".join(dict.fromkeys(name(r) for g in overlapping for r in g))
            out.append(f"{other} requires {each}, {side} any one of them")
    return out


def _both(facts: Sequence[Fact]) -> str:
    excluded, required = _asked(facts, "excluded"), _asked(facts, "required")
    parts = []
    if excluded:
        parts.append(f"exclude {_list(excluded)}")
    if required:
        parts.append(f"require {_list(required)}")
    return "both " + " and ".join(parts) if parts else "both say the same"


def _is_state(concept: str) -> bool:
    """Whether a concept is a state a patient is in (pregnancy, breastfeeding)."""
    entry = lexicon().entries.get(concept)
    return bool(entry and entry.state)
