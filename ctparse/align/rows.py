"""One row of a comparison: the criteria of each side it stands for, and the verdict.

The verdict of a row puts together what its criteria say on each side: the
limits on every variable they decide (:mod:`.limits`), their time windows lined
up by event (:mod:`.windows`), the concepts they exclude or require
(:mod:`.facts`), and, when none of these is there, their words (:mod:`.text`).
All the same: ``same``; one side stricter on some and the same on the rest: that
side; otherwise ``different``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..nlp.extract import of_someone_else
from ..schema import Criterion, Entity, Pair, Verdict
from . import matching
from .facts import asks, compare_facts, name
from .limits import compare_limits, describe_excluded, label, limits
from .meaning import Fact, Meaning, broader_concepts, family
from .text import compare_texts
from .windows import match_windows
from .wording import VERBS, limit_words, window_phrase
from .wording import facts as facts_in_words


def pair(
    ca: Criterion | None,
    cb: Criterion | None,
    variable: str | None,
    verdict: Verdict,
    detail: str,
    similarity: float | None = None,
    *,
    more_a: Sequence[Criterion] = (),
    more_b: Sequence[Criterion] = (),
    confidence: float | None = None,
    basis: str | None = None,
    about: str | None = None,
) -> Pair:
    """A row standing for ``ca``/``cb`` (shown) and ``more_a``/``more_b``."""
    first = ca or cb
    assert first is not None
    side_a = [c for c in (ca, *more_a) if c is not None]
    side_b = [c for c in (cb, *more_b) if c is not None]
    return Pair(
        a=ca.id if ca else None,
        b=cb.id if cb else None,
        variable=variable,
        verdict=verdict,
        detail=detail,
        similarity=None if similarity is None else round(similarity, 3),
        a_text=ca.text if ca else None,
        b_text=cb.text if cb else None,
        section=first.section,
        a_ids=tuple(c.id for c in side_a),
        b_ids=tuple(c.id for c in side_b),
        a_texts=tuple(c.text for c in side_a),
        b_texts=tuple(c.text for c in side_b),
        confidence=None if confidence is None else round(confidence, 3),
        basis=basis,
        about=about,
        category=first.category,
        a_entities=tuple(entity_line(e) for c in side_a for e in c.entities),
        b_entities=tuple(entity_line(e) for c in side_b for e in c.entities),
    )


def entity_line(entity: Entity) -> str:
    """An entity in one line: type, text as written, its concept where it is named
    otherwise, what the criterion asks of it, and an assertion other than present.

    >>> from ctparse.schema import Concept
    >>> entity_line(Entity("exc-1/e1", "condition", "active TB", 6, 15,
    ...     concept=Concept("tuberculosis", "tuberculosis"), requirement="excluded"))
    'condition: active TB = tuberculosis · excluded'
    """
    line = f"{entity.type}: {entity.text}"
    if entity.concept is not None and entity.concept.name.casefold() != entity.text.casefold():
        line += f" = {entity.concept.name}"
    said = [entity.requirement] if entity.requirement else []
    if entity.assertion != "present":
        said.append(entity.assertion)
    return " · ".join([line, *said])


def combine(verdicts: Sequence[Verdict]) -> Verdict:
    """The verdict of a row from the verdicts of its parts."""
    kinds = set(verdicts) - {"same"}
    if not kinds:
        return "same"
    if len(kinds) == 1 and kinds <= {"a_stricter", "b_stricter"}:
        return next(iter(kinds))
    return "different"


def _alternatives(criteria: Sequence[Criterion]) -> list[str]:
    """Limits on different variables that are alternatives ("creatinine ≤ 1.5 mg/dL
    or CrCl ≥ 60 mL/min"), in words."""
    out = []
    for criterion in criteria:
        groups: dict[str, set[str]] = {}
        for t in criterion.thresholds:
            if t.group:
                groups.setdefault(t.group, set()).add(t.variable)
        for variables in groups.values():
            if len(variables) > 1:
                out.append(" or ".join(label(v) for v in sorted(variables)))
    return out


def judge(
    side_a: Sequence[Meaning],
    side_b: Sequence[Meaning],
    *,
    variables_a: frozenset[str],
    variables_b: frozenset[str],
    similarity: float = 0.0,
    requires_a: Sequence[Fact] = (),
    requires_b: Sequence[Fact] = (),
) -> tuple[Verdict, str, str | None, str | None, str]:
    """(verdict, detail, variable, about, basis) of a row; ``requires_*``: what each
    trial requires in its criteria outside the row."""
    criteria_a = [m.criterion for m in side_a]
    criteria_b = [m.criterion for m in side_b]
    parts: list[tuple[Verdict, str]] = []
    keys_a = [k for m in side_a for k in m.ordered_keys]
    keys_b = [k for m in side_b for k in m.ordered_keys]
    all_a, all_b = limits(criteria_a), limits(criteria_b)
    variable = None
    about: list[str] = []
    basis = "text"
    graded: dict[str, dict[str, str]] = {"A": {}, "B": {}}
    named: dict[str, set[str]] = {"A": set(), "B": set()}  # facts said with a limit
    for key in dict.fromkeys([*keys_a, *keys_b]):
        name_ = label(key[0])
        when = f" ({key[1]})" if of_someone_else(key[1]) else f" (when {key[1]})" if key[1] else ""
        variable = variable or key[0]
        about.append(name_)
        basis = "limits"
        if key in keys_a and key in keys_b:
            by_a, by_b = all_a[key], all_b[key]
            common = [r for r in by_a if r in by_b]
            ref = (None if None in common else common[0]) if common else None
            la = by_a[ref] if common else next(iter(by_a.values()))
            lb = by_b[ref] if common else next(iter(by_b.values()))
            verdict, detail = compare_limits(la, lb)
            parts.append((verdict, detail + when))
            continue
        side, mine, others = (
            ("A", all_a, variables_b) if key in keys_a else ("B", all_b, variables_a)
        )
        other = "B" if side == "A" else "A"
        limit = next(iter(mine[key].values()))
        unmeasured = _named_without_value(side_b if side == "A" else side_a, key[0])
        if unmeasured is not None:
            # "Neutropenia" / "ANC < 1500/mm3": one measure, only one side gives a value
            named[other].add(unmeasured.concept)
            said = (
                f"{other} names {name_} without a value"
                if unmeasured.type == "measurement"
                else f"{other} {VERBS.get(unmeasured.requirement or '', 'name')}s "
                f"{name(unmeasured)}, giving no value of {name_}"
            )
            parts.append(("different", f"{said} ({side} {limit_words(limit)}){when}"))
            continue
        concept = _graded(side_a if side == "A" else side_b, key)
        if concept and any(
            concept in f.broader or f.concept in broader_concepts(concept)
            for m in (side_b if side == "A" else side_a)
            for f in m.facts
        ):
            # "mitral stenosis > grade 2" / "moderate or severe mitral stenosis": a
            # grade of the condition the other side names, said with the condition.
            graded[side][concept] = f"{name_} {describe_excluded(limit) or limit_words(limit)}"
            continue
        if set(family(key[0])) & set(others):
            said = f"only {side} decides eligibility on {name_} ({side} {limit_words(limit)})"
        else:
            said = f"{other} sets no limit on {name_} ({side} {limit_words(limit)})"
        parts.append(("a_stricter" if side == "A" else "b_stricter", said + when))
    windows = match_windows(
        [(m.criterion, w) for m in side_a for w in m.windows],
        [(m.criterion, w) for m in side_b for w in m.windows],
    )
    paired = {id(w) for _, x, _, y, _, _ in windows for w in (x, y)}
    for _, x, _, _, verdict, detail in windows:
        parts.append((verdict, detail))
        if basis == "text":
            basis = "windows"
        about.append(x.event or "")
    # Examples ("such as Crohn's disease") illustrate what they follow; they ask nothing.
    facts_a = [
        _with_grade(f, graded["A"])
        for m in side_a
        for f in m.facts
        if not f.example
        and (f.window is None or id(f.window) not in paired)
        and f.concept not in named["A"]
    ]
    facts_b = [
        _with_grade(f, graded["B"])
        for m in side_b
        for f in m.facts
        if not f.example
        and (f.window is None or id(f.window) not in paired)
        and f.concept not in named["B"]
    ]
    if asks(facts_a) and asks(facts_b):
        verdict, detail = compare_facts(
            facts_a, facts_b, requires_a=requires_a, requires_b=requires_b
        )
        notes = _examples(criteria_a, criteria_b)
        parts.append((verdict, f"{detail} ({notes})" if notes and detail else detail))
        if basis == "text":
            basis = "concepts"
        shared = [
            name(f)
            for f in facts_a
            if any(f.concept in g.broader or g.concept in f.broader for g in facts_b)
        ]
        about.extend(dict.fromkeys(shared))
    elif parts and (asks(facts_a) or asks(facts_b)):
        side, facts = ("A", facts_a) if asks(facts_a) else ("B", facts_b)
        said = facts_in_words_of(facts)
        parts.append(("a_stricter" if side == "A" else "b_stricter", f"{side} also {said}"))
    if not parts:
        verdict, detail = compare_texts(criteria_a[0], criteria_b[0], similarity)
        parts.append((verdict, detail))
    verdict = combine([v for v, _ in parts])
    detail = "; ".join(d for _, d in parts if d)
    alternatives = _alternatives(criteria_a + criteria_b)
    if alternatives and verdict in ("a_stricter", "b_stricter"):
        verdict = "different"
        detail += f" (limits that are alternatives: {'; '.join(alternatives)})"
    shown = ", ".join(dict.fromkeys(a for a in about if a)) or None
    return verdict, detail, variable, shown, basis


def _named_without_value(side: Sequence[Meaning], variable: str) -> Fact | None:
    """The fact of a side naming ``variable`` without a limit ("neutropenia": ANC)."""
    for m in side:
        if (fact := m.measured.get(variable)) is not None:
            return fact
    return None


def _graded(side: Sequence[Meaning], key: tuple[str, str]) -> str | None:
    """The condition a side's limit on ``key`` grades: the concept of the condition
    its threshold belongs to ("mitral stenosis > grade 2"), if any."""
    for m in side:
        entities = {e.id: e for e in m.criterion.entities}
        for t in m.criterion.thresholds:
            if (t.variable, matching.normalize(t.condition or "")) != key:
                continue
            entity = entities.get(t.entity_id or "")
            if entity is not None and entity.concept and entity.concept.id == t.variable:
                # "Peripheral neuropathy grade ≥ 2", "grade ≥ 2 neuropathy", "heart failure
                # (NYHA class III~IV)": the grade's own word; the condition is the one
                # written right beside it.
                entity = _beside(m.criterion, entity.start, t.end)
            elif entity is None and t.start is not None:
                entity = _beside(m.criterion, t.start, t.end)  # "class III or IV heart failure"
            if entity is not None and entity.type == "condition" and entity.concept:
                return entity.concept.id
    return None


def _beside(criterion: Criterion, start: int, end: int | None) -> Entity | None:
    """The entity written right before ``start`` or right after ``end``."""
    text, base = criterion.text or "", criterion.start or 0
    for e in criterion.entities:
        before = text[e.end - base : start - base] if e.end <= start else None
        after = text[end - base : e.start - base] if end is not None and e.start >= end else None
        if (before is not None and not before.strip(" ,(")) or (
            after is not None and not after.strip(" ,")
        ):
            return e
    return None


def _with_grade(fact: Fact, graded: dict[str, str]) -> Fact:
    """A fact with the grade its side gives it, as a degree of its own dimension."""
    words = graded.get(fact.concept)
    if words is None:
        return fact
    return dataclasses.replace(fact, degrees=fact.degrees | {("grade", words)})


def _examples(criteria_a: Sequence[Criterion], criteria_b: Sequence[Criterion]) -> str:
    """ "A gives examples (such as Crohn's disease …)" for examples one side gives."""
    from .text import EXAMPLES

    said = []
    for side, criteria in (("A", criteria_a), ("B", criteria_b)):
        examples = [
            " ".join(m.group(0).strip(" ,").split())
            for c in criteria
            for m in EXAMPLES.finditer(c.text)
        ]
        if examples:
            said.append(f"{side} gives examples {'; '.join(examples)}")
    return "; ".join(said)


def facts_in_words_of(facts: Sequence[object]) -> str:
    """ "excludes X, Y; requires Z" for facts."""
    from .facts import _list  # the same listing as the verdicts use

    excluded = [f for f in facts if getattr(f, "requirement", None) == "excluded"]
    required = [f for f in facts if getattr(f, "requirement", None) == "required"]
    parts = []
    if excluded:
        parts.append(f"excludes {_list(excluded)}")  # type: ignore[arg-type]
    if required:
        parts.append(f"requires {_list(required)}")  # type: ignore[arg-type]
    return "; ".join(parts)


def alone(
    meaning: Meaning,
    side: str,
    *,
    missing_other: bool,
    other_variables: frozenset[str],
) -> Pair:
    """The row of a criterion with no counterpart on the other side."""
    criterion = meaning.criterion
    other = "B" if side == "a" else "A"
    if missing_other:
        detail = f"not in {other}'s record: it has no eligibility criteria"
    else:
        detail = f"no matching criterion in {other}"
        free = [
            v
            for v in dict.fromkeys(k[0] for k in sorted(meaning.keys))
            if not set(family(v)) & other_variables
        ]
        if free:
            detail += f"; {other} sets no limit on " + ", ".join(label(v) for v in free)
    # Its limits and windows in words; its text is beside it.
    demands = facts_in_words(criterion)
    if demands:
        detail += f" ({side.upper()} {demands})"
    variable = next((t.variable for t in criterion.thresholds if t.variable != "other"), None)
    about = label(variable) if variable else (name(meaning.facts[0]) if meaning.facts else None)
    return pair(
        criterion if side == "a" else None,
        criterion if side == "b" else None,
        variable,
        "only_a" if side == "a" else "only_b",
        detail,
        about=about,
    )


def window_words(criterion: Criterion) -> list[str]:
    """Each window of a criterion in words (for details)."""
    return [
        window_phrase(criterion, w) for w in criterion.windows if w.event and w.days is not None
    ]
