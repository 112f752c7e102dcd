"""Health asked in general: "Healthy volunteers" required, "Any medical condition"
excluded, "No chronic disease".

Such a criterion names no condition, yet it decides on every condition the other
trial names: a healthy volunteer has none of them. A criterion of this kind that no
other criterion is paired with joins, in one row, the criteria of the other side that
are in no row either and ask only of named conditions ("Known severe kidney
problems", "Any diagnosed cardiovascular disease"). A catch-all defined by someone's
opinion or by its effect on the study ("any condition that in the opinion of the
investigator would interfere") decides nothing of the kind and joins nothing, and a
limit on a measurement ("Serum potassium > 5.0 mmol/L") is no named condition.

The verdict: excluding illness of any kind excludes each named condition too, so that
side is stricter ("known", "any history of" are hedges of a lasting condition); but
not when it excludes only a kind of illness ("chronic", "serious": a named condition
may be neither), when the other side names a condition in a period of the past or of
the family ("infection within 1 week": illness now says nothing of it) or requires
one (a trial of asthma against one of healthy volunteers): then ``different``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..nlp.concepts import lexicon
from ..schema import Verdict
from .facts import name
from .meaning import Meaning

#: The concepts that ask of health in general, and what the criterion asks of them.
_GENERAL = {("healthy", "required"), ("disease", "excluded")}
#: A catch-all: defined by an opinion or by its effect on the study.
_CATCH_ALL = re.compile(
    r"(?i)\b(?:opinion|investigators?|physicians?|judg(?:e?ment|ed)|deemed|consider(?:ed)?|"
    r"interfer\w*|compromis\w*|jeopardi[sz]\w*|preclud\w*|affect\w*|impair\w*|prevent\w*|"
    r"unsuitable|risks?|safety|compl(?:y|iance)|participat\w*|completion|complete|"
    r"study|trial|results?|protocol|evaluation)\b"
)
#: Words that make the illness a kind of it: a named condition need not be one.
_KIND = re.compile(
    r"(?i)\b(?:chronic|serious|significant|severe|major|uncontrolled|unstable|active|acute|"
    r"congenital|relevant|important|concomitant|concurrent|other|progressive|life-threatening)\b"
)


def general(meaning: Meaning) -> str | None:
    """The words with which a criterion asks of health in general ("Healthy
    volunteers", "Any medical condition"), or None."""
    criterion = meaning.criterion
    if (
        meaning.keys
        or meaning.windows
        or _CATCH_ALL.search(criterion.text or "")
        or any(not f.example and f.concept != "healthy" for f in meaning.facts)
    ):
        return None
    for entity in criterion.entities:
        concept = entity.concept.id if entity.concept else None
        if (concept, entity.requirement) in _GENERAL:
            return entity.text
    return None


#: Conditions that are no illness in the sense of health in general: a reaction to an
#: agent, a disability ("Visual, auditory and physical disabilities"), substance abuse.
_NOT_ILLNESS = frozenset({"allergy", "intolerance", "disability", "substance_abuse"})


def names_conditions(meaning: Meaning, studied: frozenset[str] = frozenset()) -> bool:
    """Whether a criterion asks only of named illnesses, with no limit of a value, none
    of them a kind of the ``studied`` conditions (what the trial of a general criterion
    requires: "physically healthy" in a trial of autism says nothing of autism)."""
    facts = [f for f in meaning.facts if not f.example]
    return (
        bool(facts)
        and not meaning.keys
        and all(
            f.type == "condition"
            and f.relation is None
            and f.requirement in ("required", "excluded")
            and not _is_state(f.concept)
            and not f.broader & (_NOT_ILLNESS | studied)
            for f in facts
        )
    )


def _is_state(concept: str) -> bool:
    entry = lexicon().entries.get(concept)
    return entry is not None and entry.state  # pregnancy, lactation: no illness


def _studied(meanings: Sequence[Meaning]) -> frozenset[str]:
    """What a trial requires: the conditions it studies, which its words of health in
    general leave aside."""
    return frozenset(
        f.concept
        for m in meanings
        for f in m.facts
        if f.requirement == "required" and not f.example
    )


def joins(
    mine: Sequence[Meaning], theirs: Sequence[Meaning], paired: set[int], paired_other: set[int]
) -> tuple[list[int], list[int]]:
    """The criteria of one side that ask of health in general and the criteria of the
    other side they join (both in no row yet); empty when either is."""
    generals = [k for k, m in enumerate(mine) if k not in paired and general(m)]
    studied = _studied(mine)
    named = [
        n
        for n, m in enumerate(theirs)
        if n not in paired_other and (general(m) or names_conditions(m, studied))
    ]
    if not generals or not named:
        return [], []
    asks_health = any(
        e.concept and e.concept.id == "healthy"
        for k in generals
        for e in mine[k].criterion.entities
    )
    if not asks_health:  # "Any medical condition" excluded: the conditions excluded
        named = [
            n
            for n in named
            if general(theirs[n]) or all(f.requirement == "excluded" for f in theirs[n].facts)
        ]
    return (generals, named) if named else ([], [])


def judge_health(
    side_general: str, generals: Sequence[Meaning], named: Sequence[Meaning]
) -> tuple[Verdict, str]:
    """The verdict and detail of a row of health in general (``side_general``, "A" or
    "B") against named conditions."""
    other = "B" if side_general == "A" else "A"
    words = "; ".join(f"“{general(m)}”" for m in generals)
    theirs = [m for m in named if general(m)]
    if theirs:
        # Health asked in general on both sides: a kind of illness only is the wider.
        kinds = [bool(_KIND.search(m.criterion.text or "")) for m in (*generals, *theirs)]
        mine_kind, their_kind = any(kinds[: len(generals)]), any(kinds[len(generals) :])
        said = "; ".join(f"“{general(m)}”" for m in theirs)
        if mine_kind == their_kind:
            verdict: Verdict = "same" if not mine_kind else "different"
            return (
                verdict,
                f"both ask of health in general ({side_general}: {words}; {other}: {said})",
            )
        wider: Verdict = (
            ("a_stricter" if side_general == "A" else "b_stricter")
            if their_kind
            else ("b_stricter" if side_general == "A" else "a_stricter")
        )
        return wider, (
            f"{side_general} asks of health {'in general' if not mine_kind else 'in part'} "
            f"({words}); {other} {'only of a kind of illness' if their_kind else 'in general'} ({said})"
        )
    facts = [f for m in named for f in m.facts if not f.example]
    listed = ", ".join(dict.fromkeys(name(f) for f in facts))
    required = [f for f in facts if f.requirement == "required"]
    if required:
        needs = ", ".join(dict.fromkeys(name(f) for f in required))
        return (
            "different",
            f"{side_general} asks for good health ({words}); {other} requires {needs}",
        )
    kind = next((k for m in generals if (k := _KIND.search(m.criterion.text or ""))), None)
    if kind is not None:
        return "different", (
            f"{side_general} excludes only {kind.group(0).lower()} illness ({words}); {other} "
            f"excludes named conditions of any kind: {listed}"
        )
    past = [f for f in facts if f.when == "family" or f.window is not None]
    if past:
        return "different", (
            f"{side_general} excludes illness now ({words}); {other} excludes "
            + ", ".join(dict.fromkeys(name(f) for f in past))
        )
    stricter: Verdict = "a_stricter" if side_general == "A" else "b_stricter"
    return stricter, (
        f"{side_general} excludes illness of any kind ({words}); {other} excludes only "
        f"the conditions it names: {listed}"
    )


@dataclass
class HealthRows:
    """The links :func:`health_edges` made, and who asks of health in general."""

    edges: list[tuple[int, int]] = field(default_factory=list)
    general: set[tuple[str, int]] = field(default_factory=set)

    def judge(
        self, ma: Sequence[Meaning], mb: Sequence[Meaning], ids_a: list[int], ids_b: list[int]
    ) -> tuple[Verdict, str] | None:
        """The verdict and detail of a row, if it is one of health in general."""
        on_a = any(("a", i) in self.general for i in ids_a)
        on_b = any(("b", j) in self.general for j in ids_b)
        side_a, side_b = [ma[i] for i in ids_a], [mb[j] for j in ids_b]
        if on_a and on_b:
            return _both_general(side_a, side_b)
        if on_a:
            return judge_health("A", side_a, side_b)
        if on_b:
            return judge_health("B", side_b, side_a)
        return None


def _both_general(side_a: Sequence[Meaning], side_b: Sequence[Meaning]) -> tuple[Verdict, str]:
    """Both trials ask of health in general, and name conditions besides: each names
    what the other leaves to its general words ("Clinically significant diseases",
    malignancy / "Severe systemic disease", liver disease)."""
    named_a = [m for m in side_a if not general(m)]
    named_b = [m for m in side_b if not general(m)]
    if not named_a and not named_b:
        return judge_health("A", side_a, side_b)
    said = []
    for side, mine, named in (("A", side_a, named_a), ("B", side_b, named_b)):
        words = "; ".join(f"“{general(m)}”" for m in mine if general(m))
        facts = dict.fromkeys(name(f) for m in named for f in m.facts if not f.example)
        said.append(f"{side} {words}" + (f" and {', '.join(facts)}" if facts else ""))
    return "different", "both exclude illness in general, in other words: " + "; ".join(said)


def health_edges(
    ma: Sequence[Meaning],
    mb: Sequence[Meaning],
    linked: set[tuple[int, int]],
    twins_a: set[int],
    twins_b: set[int],
) -> HealthRows:
    """The links of each side's criteria of health in general with the other side's
    named conditions, none of them ``linked`` yet (nor a repeat, ``twins_*``)."""
    rows = HealthRows()
    # Two criteria of health in general paired with each other ("Clinically significant
    # diseases" / "Severe systemic disease"): the named conditions of both sides join them.
    partners: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for i, j in linked:
        partners.setdefault(("a", i), set()).add(("b", j))
        partners.setdefault(("b", j), set()).add(("a", i))
    meaning = {("a", i): m for i, m in enumerate(ma)} | {("b", j): m for j, m in enumerate(mb)}
    for (side, k), theirs_k in sorted(partners.items()):
        if side != "a" or not all(
            general(meaning[n]) and all(general(meaning[p]) for p in partners[n])
            for n in (("a", k), *theirs_k)
        ):
            continue
        j = min(n for _, n in theirs_k)
        rows.general |= {("a", k), *theirs_k}
        done_a = {i for i, _ in linked} | twins_a
        done_b = {j2 for _, j2 in linked} | twins_b
        studied_a, studied_b = _studied(ma), _studied(mb)
        rows.edges += [
            (n, j)
            for n, m in enumerate(ma)
            if n not in done_a and not general(m) and names_conditions(m, studied_a)
        ]
        rows.edges += [
            (k, n)
            for n, m in enumerate(mb)
            if n not in done_b and not general(m) and names_conditions(m, studied_b)
        ]
        break  # one such row: the named conditions join it once
    for side, mine, theirs in (("a", ma, mb), ("b", mb, ma)):
        done = {(i if side == "a" else j) for i, j in [*linked, *rows.edges]}
        done |= twins_a if side == "a" else twins_b
        done_other = {(j if side == "a" else i) for i, j in [*linked, *rows.edges]}
        generals, named = joins(mine, theirs, done, done_other)
        for k in generals:
            rows.general.add((side, k))
            rows.edges += [(k, n) if side == "a" else (n, k) for n in named]
    return rows
