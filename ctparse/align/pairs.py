"""Lining up the criteria of two studies: which criteria of A and B go in one row.

Three kinds of evidence link a criterion of A to one of B, each with a
confidence:

1. **the same variable** decided on both sides (a threshold with an eligible
   range or set): 1.0. Every criterion limiting a variable is linked to every
   criterion of the other side limiting it, so that all the limits on age are
   one row;
2. **the same concepts** (entities with concept ids: radiotherapy = radiation
   therapy, breastfeeding = nursing, a drug and its class, and concepts the
   lexicon says bear on each other: CHA2DS2-VASc / anticoagulation), weighted by
   how rare each concept is in the two studies, and the windows on them;
3. **the same words**, acronyms spelled out and each concept counted once.

Concept and word links are made one to one, by an optimal assignment over
the confidences at or above :data:`FLOOR`; then a criterion left alone joins the
row of a criterion that names all its concepts and more (B's "HIV" and
"hepatitis B" join A's "HIV, hepatitis B or C"). The rows are the connected
groups of linked criteria; every criterion is in exactly one row, alone if
nothing links it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..nlp.concepts import lexicon
from ..schema import Criterion, Pair
from . import matching
from .health import health_edges
from .implied import names_sex
from .limits import limits
from .meaning import (
    Fact,
    Meaning,
    bears_directly,
    broader_concepts,
    compatible,
    concept_weights,
    key_of,
    meaning_of,
    related,
    related_heads,
)
from .rows import alone, judge, pair
from .text import same_section
from .windows import EVENT_FLOOR, event_score, event_tokens

#: What a criterion asks of a concept (a grant asks nothing).
_ASKED = ("required", "excluded")
#: Links less sure than this are not made.
FLOOR = 0.5
#: A criterion naming a measure without a value ("neutropenia") and one limiting it.
MEASURED_CONFIDENCE = 0.8
#: A criterion alone joins a row whose criterion names all its concepts (or most of
#: them, its first one among them) when they weigh at least this much together: one
#: concept that half the criteria name is not enough.
JOIN_WEIGHT = 1.5
#: Two windows on the same event link their criteria this surely at most.
WINDOW_WEIGHT = 0.9
#: A criterion alone joins a row whose criterion is first about the same concept when
#: it is at least this similar to it.
HEAD_FLOOR = 0.1
#: A class one criterion names and the other only by a member of it (anti-PD-1 /
#: camrelizumab) counts this much of a shared concept; two members of one class
#: (cholecystectomy / lobectomy, both surgery) this much.
_CLASS_WEIGHT = 0.8
_SIBLING_WEIGHT = 0.3
#: A concept one criterion names and the other only by one it bears on (CHA2DS2-VASc /
#: anticoagulation therapy) counts this much of a shared concept.
_RELATED_WEIGHT = 0.8


def _concept_score(a: Meaning, b: Meaning, weights: dict[str, float]) -> float:
    """Weighted Dice of two criteria's concepts (a drug's class counts as a near match)."""
    ca, cb = a.reach, b.reach
    if not ca or not cb:
        return 0.0
    own_a, own_b = a.concepts, b.concepts
    times_a, times_b = a.times(), b.times()
    shared: list[float] = []  # summed with fsum: the same whatever order the set gives
    common = set()
    for c in ca & cb:
        named = (c in own_a) + (c in own_b)
        # Asked the other way round, a fact must be of the same time: "unable to receive
        # chemotherapy" (now) is not "one previous line of chemotherapy" (ever).
        if any(
            compatible(wx, wy) and (rx == ry or (named == 2 and wx == wy))
            for wx, rx in times_a[c]
            for wy, ry in times_b[c]
        ):
            common.add(c)
    for c in _nearest(common):
        named = (c in own_a) + (c in own_b)
        shared.append(2.0 * weights.get(c, 1.0) * (1.0, _CLASS_WEIGHT, _SIBLING_WEIGHT)[2 - named])
    # A concept that shares nothing with the other side but bears on one of its facts,
    # asked the same way at a compatible time, counts for itself.
    # Borne on through a class of it ("mental health care" / "schizophrenia", a
    # psychiatric disorder) it counts as a class does.
    matched: dict[tuple[str, str], float] = {}
    for fx, fy in _related_facts(a, b):
        if key_of(fy) in ca or key_of(fx) in cb:
            continue  # "hypertension despite antihypertensive therapy": named itself
        strength = _RELATED_WEIGHT * (1.0 if bears_directly(fx, fy) else _CLASS_WEIGHT)
        for side, fact, other in (("a", fx, cb), ("b", fy, ca)):
            if key_of(fact) not in other:
                k = (side, key_of(fact))
                matched[k] = max(matched.get(k, 0.0), strength)
    shared += [s * weights.get(k, 1.0) for (_, k), s in sorted(matched.items())]
    total = math.fsum(weights.get(c, 1.0) for own in (own_a, own_b) for c in own)
    return min(1.0, math.fsum(shared) / total) if total else 0.0


def _nearest(common: set[str]) -> list[str]:
    """The shared concepts that are no class of another shared one: "breast cancer" on
    both sides is one match, not one more for cancer and one for neoplasm; two
    cancers are siblings under cancer only, not again under neoplasm."""
    return [c for c in common if not any(c != d and c in broader_concepts(d) for d in common)]


def _related_facts(a: Meaning, b: Meaning) -> list[tuple[Fact, Fact]]:
    """The facts of ``a`` and ``b`` that bear on each other, asked the same way at a
    compatible time."""
    return [
        (fx, fy)
        for fx in a.facts
        for fy in b.facts
        if fx.requirement == fy.requirement and compatible(fx.when, fy.when) and related(fx, fy)
    ]


def _contained(inner: Meaning, outer: Meaning, weights: dict[str, float]) -> float:
    """The share of ``inner``'s concepts that ``outer`` names too, itself or by a class
    of it asked the same way (camrelizumab in "no PD-1 inhibitors"; not a past surgery
    in "planned cholecystectomy"), or by a concept it bears on itself ("braces" in
    "metallic devices")."""
    if not inner.facts:
        return 0.0
    total: list[float] = []
    found: list[float] = []
    for key, reach in inner.reaches().items():
        weight = weights.get(key, 1.0)
        total.append(weight)
        mine = [f for f in inner.facts if key_of(f) == key]
        if any(
            g.requirement == f.requirement
            for f in mine
            for g in outer.facts
            if compatible(f.when, g.when) and (key_of(g) in reach or bears_directly(f, g))
        ):
            found.append(weight)
    return math.fsum(found) / math.fsum(total) if total else 0.0


def _shares(inner: Meaning, outer: Meaning, weights: dict[str, float]) -> float:
    """The weight of the heaviest concept ``inner`` asks of a patient that ``outer`` asks
    the same way (or, of the past, the other way) of the same time (a surgery in the
    last 6 months is not a resection now, nor a planned one), itself or by a kind of
    it; 0 if none."""
    best = 0.0
    for f in inner.facts:
        if f.example or f.requirement not in _ASKED:
            continue
        for g in outer.facts:
            if (
                not g.example
                # Asked the other way round only of the past: "history of anti-cancer
                # therapy" / "prior endocrine therapy"; a present "atrial fibrillation
                # associated with …" excluded is a part of the population required.
                and (
                    g.requirement == f.requirement or (g.requirement in _ASKED and f.when == "ever")
                )
                and g.relation == f.relation
                and (g.when, g.extent > 0) == (f.when, f.extent > 0)
                and f.concept in g.broader
            ):
                best = max(best, weights.get(key_of(f), 1.0))
    return best


def _kinds_of(inner: Meaning, outer: Meaning) -> bool:
    """Whether everything ``inner`` asks of is a kind of what ``outer`` asks of in
    general, the same way of the same time ("intellectual disability" / "psychiatric
    disease"; a catch-all such as "disease" is no class of anything: :mod:`.health`)."""
    facts = [f for f in inner.facts if not f.example]
    return bool(facts) and all(
        f.requirement in _ASKED
        and f.relation is None
        and any(
            not g.example
            and g.concept != f.concept
            and g.concept in f.broader
            and (g.requirement, g.relation, g.when) == (f.requirement, None, f.when)
            for g in outer.facts
        )
        for f in facts
    )


def _window_score(a: Meaning, b: Meaning, weights: dict[str, float]) -> float:
    """How surely two criteria time the same event ("radiotherapy within 14 days" /
    "radiation therapy within 2 weeks"), by their windows' events and anchors."""
    best = 0.0
    for x in a.windows:
        for y in b.windows:
            if x.event and y.event and x.days is not None and y.days is not None:
                best = max(best, event_score(x, y, weights))
    return best * WINDOW_WEIGHT if best >= EVENT_FLOOR else 0.0


class _Groups:
    """Union-find over ("a", i) / ("b", j) nodes."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(self, x: tuple[str, int]) -> tuple[str, int]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: tuple[str, int], y: tuple[str, int]) -> None:
        self.parent[self.find(x)] = self.find(y)


def align_criteria(
    criteria_a: tuple[Criterion, ...],
    criteria_b: tuple[Criterion, ...],
    *,
    missing_a: bool = False,
    missing_b: bool = False,
) -> tuple[Pair, ...]:
    """Line up two lists of criteria (see the module docstring)."""
    ma = [meaning_of(c) for c in criteria_a]
    mb = [meaning_of(c) for c in criteria_b]
    # What a side decides on: its limits, the measures it names without a value
    # ("Neutropenia": ANC) and sex when it names one anywhere ("Women of reproductive age").
    variables_a = frozenset(v for m in ma for v in [*m.variables, *m.measured])
    variables_a |= names_sex(criteria_a)
    variables_b = frozenset(v for m in mb for v in [*m.variables, *m.measured])
    variables_b |= names_sex(criteria_b)
    groups = _Groups()
    confidence: dict[tuple[int, int], float] = {}
    basis: dict[tuple[int, int], str] = {}
    # 1. The same variable decided on both sides.
    for i, x in enumerate(ma):
        for j, y in enumerate(mb):
            # One variable, or one and its graded form ("Child-Pugh ≤ 7" / "Child-Pugh A").
            if x.keys & y.keys or (x.keys and y.keys and x.variables & y.variables):
                groups.union(("a", i), ("b", j))
                confidence[(i, j)] = 1.0
                basis[(i, j)] = "limits"
    # 2-3. Concepts and words, one to one.
    weights = concept_weights([*ma, *mb])
    word_weights = matching.idf([m.tokens for m in [*ma, *mb]])
    event_weights = matching.idf([event_tokens(w) for m in [*ma, *mb] for w in m.windows])
    limited_a = {k[0] for m in ma for k in m.keys}
    limited_b = {k[0] for m in mb for k in m.keys}
    scores = []
    for x in ma:
        row = []
        for y in mb:
            concepts = _concept_score(x, y, weights)
            words = (
                matching.similarity(x.tokens, y.tokens, word_weights)
                if same_section(x.criterion, y.criterion)
                else 0.0
            )
            # "Neutropenia" / "ANC < 1500/mm3": one measure, one side without a value
            measured = (
                MEASURED_CONFIDENCE
                if _measured_against(x, y, limited_a) or _measured_against(y, x, limited_b)
                else 0.0
            )
            row.append(max(concepts, words, _window_score(x, y, event_weights), measured))
        scores.append(row)
    linked = {(i, j) for i, j in confidence}
    # A criterion written again on one side (each cohort of a trial lists "diagnosed
    # with type 2 diabetes") is paired once; its repeats join the first one's row.
    twins_a, twins_b = _repeats(ma), _repeats(mb)
    candidates = [
        [0.0 if (i, j) in linked or i in twins_a or j in twins_b else s for j, s in enumerate(row)]
        for i, row in enumerate(scores)
    ]
    chosen = matching.assign(candidates, floor=FLOOR) if ma and mb else []
    for i, j in chosen:
        groups.union(("a", i), ("b", j))
        confidence[(i, j)] = scores[i][j]
        basis[(i, j)] = (
            "concepts" if _concept_score(ma[i], mb[j], weights) >= scores[i][j] else "text"
        )
    # A criterion alone joins one that names all its concepts ("HIV" → "HIV, hepatitis B or C").
    paired_a = {i for i, _ in confidence}
    paired_b = {j for _, j in confidence}
    for side, mine, theirs, paired in (("a", ma, mb, paired_a), ("b", mb, ma, paired_b)):
        twins = twins_a if side == "a" else twins_b
        for k, m in enumerate(mine):
            if k in paired or k in twins or not m.concepts:
                continue
            best, score = None, 0.0
            for n, other in enumerate(theirs):
                s = scores[k][n] if side == "a" else scores[n][k]
                inside = _contained(m, other, weights)
                bundles = len(other.concepts) > len(m.concepts) and (
                    inside >= 1.0 - 1e-9 or (inside >= 0.6 and m.head in other.reach)
                )
                heavy = math.fsum(weights.get(c, 1.0) for c in m.concepts) >= JOIN_WEIGHT
                # About the same thing first ("paroxysmal AF for ablation" / "any AF").
                same_head = related_heads(m, other) and s >= (
                    HEAD_FLOOR if m.head != other.head else 0.0
                )
                # A criterion about one procedure alone joins one about a kind of it,
                # whatever each asks of it ("history of knee surgery" / "undergoing knee
                # replacement").
                kind_of = (
                    len(m.concepts) == 1
                    and m.head is not None
                    and other.head is not None
                    and m.head != other.head
                    and m.head in broader_concepts(other.head)
                    and _is_procedure(m.head)
                )
                same_head = same_head or kind_of
                if ((bundles and heavy) or same_head) and (
                    best is None or max(s, inside / 2) > score
                ):
                    best, score = n, max(s, inside / 2)
            if best is None:
                # Else it joins the one asking the most telling of its concepts itself,
                # or a kind of it ("kidney disease (creatinine ≥ 1.5)" / "stage III or IV
                # heart failure, stage III or IV renal failure").
                shared = [(_shares(m, other, weights), n) for n, other in enumerate(theirs)]
                weight, n = max(shared, default=(0.0, 0))
                if weight >= JOIN_WEIGHT:
                    best, score = n, FLOOR
            if best is not None:
                i, j = (k, best) if side == "a" else (best, k)
                groups.union(("a", i), ("b", j))
                confidence[(i, j)] = max(score, FLOOR)
                basis[(i, j)] = "concepts"
    # A criterion alone on kinds of what a row asks of in general joins that row
    # ("Mental retardation" / "another psychiatric disease", paired with "substance abuse").
    for side, mine, theirs in (("a", ma, mb), ("b", mb, ma)):
        twins = twins_a if side == "a" else twins_b
        rowed = {(i if side == "a" else j) for i, j in confidence}
        rowed_other = sorted({(j if side == "a" else i) for i, j in confidence})
        for k, m in enumerate(mine):
            if k in rowed or k in twins:
                continue
            general = next((n for n in rowed_other if _kinds_of(m, theirs[n])), None)
            if general is not None:
                i, j = (k, general) if side == "a" else (general, k)
                groups.union(("a", i), ("b", j))
                confidence[(i, j)], basis[(i, j)] = FLOOR, "concepts"
    # Health in general ("Healthy volunteers") with the named conditions left alone.
    healthy = health_edges(ma, mb, set(confidence), set(twins_a), set(twins_b))
    for i, j in healthy.edges:
        groups.union(("a", i), ("b", j))
        confidence[(i, j)], basis[(i, j)] = FLOOR, "concepts"
    for side, twins in (("a", twins_a), ("b", twins_b)):
        for k, first in twins.items():
            for (i, j), sure in list(confidence.items()):
                if (i if side == "a" else j) != first:
                    continue
                edge = (k, j) if side == "a" else (i, k)
                groups.union(("a", edge[0]), ("b", edge[1]))
                confidence[edge], basis[edge] = sure, basis[(i, j)]
    # Criteria of one side about the same things are one row ("Not pregnant or nursing"
    # with "Pregnant" and "Nursing" of the exclusions).
    for side, mine in (("a", ma), ("b", mb)):
        in_a_row = {(i if side == "a" else j) for i, j in confidence}
        for k in sorted(in_a_row):
            for n in sorted(in_a_row):
                if n != k and _states_part_of(mine[k], mine[n]):
                    groups.union((side, k), (side, n))
    # A state alone ("Lactation") joins its side's row on a state asked the same way
    # ("Pregnancy"): what a trial asks of pregnancy and nursing is one demand.
    for side, mine in (("a", ma), ("b", mb)):
        edges = sorted(confidence)
        in_a_row = {(i if side == "a" else j) for i, j in edges}
        for k, m in enumerate(mine):
            asked = _states(m)
            if k in in_a_row or not asked:
                continue
            for i, j in edges:
                n = i if side == "a" else j
                if n != k and asked & _states(mine[n]):
                    edge = (k, j) if side == "a" else (i, k)
                    groups.union(("a", edge[0]), ("b", edge[1]))
                    confidence[edge], basis[edge] = confidence[(i, j)], basis[(i, j)]
                    break
    # Rows: the connected groups.
    members: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for i in range(len(ma)):
        if any(k[0] == i for k in confidence):
            members.setdefault(groups.find(("a", i)), ([], []))[0].append(i)
    for j in range(len(mb)):
        if any(k[1] == j for k in confidence):
            members.setdefault(groups.find(("b", j)), ([], []))[1].append(j)
    pairs: list[Pair] = []
    in_rows_a: set[int] = set()
    in_rows_b: set[int] = set()
    for ids_a, ids_b in members.values():
        edges = [(i, j) for (i, j) in confidence if i in ids_a and j in ids_b]
        sure = min(confidence[e] for e in edges)
        kinds = {basis[e] for e in edges}
        similarity = max(scores[i][j] for i, j in edges)
        said = healthy.judge(ma, mb, ids_a, ids_b)
        about: str | None = "health in general"
        if said is not None:
            (verdict, detail), variable, how = said, None, "concepts"
        else:
            verdict, detail, variable, about, how = judge(
                [ma[i] for i in ids_a],
                [mb[j] for j in ids_b],
                variables_a=variables_a,
                variables_b=variables_b,
                similarity=similarity,
                requires_a=_required(ma, ids_a),
                requires_b=_required(mb, ids_b),
            )
        shown_a, shown_b = _shown(ma, ids_a), _shown(mb, ids_b)
        pairs.append(
            pair(
                ma[shown_a].criterion,
                mb[shown_b].criterion,
                variable,
                verdict,
                detail,
                similarity,
                more_a=[ma[i].criterion for i in ids_a if i != shown_a],
                more_b=[mb[j].criterion for j in ids_b if j != shown_b],
                confidence=sure,
                basis=how if how != "text" or "concepts" not in kinds else "concepts",
                about=about,
            )
        )
        in_rows_a.update(ids_a)
        in_rows_b.update(ids_b)
    for i, m in enumerate(ma):
        if i not in in_rows_a:
            pairs.append(alone(m, "a", missing_other=missing_b, other_variables=variables_b))
    for j, m in enumerate(mb):
        if j not in in_rows_b:
            pairs.append(alone(m, "b", missing_other=missing_a, other_variables=variables_a))
    return _ordered(pairs, criteria_a, criteria_b)


def _is_procedure(concept: str) -> bool:
    entry = lexicon().entries.get(concept)
    return entry is not None and entry.type == "procedure"


def _measured_against(x: Meaning, y: Meaning, limited_on_x_side: set[str]) -> bool:
    """Whether ``x`` names without a value a measurement ``y`` limits and ``x``'s side
    limits nowhere ("granulocyte-deficient patients" / "ANC < 500/mm³"). A diagnosis
    that is a low or high value ("Hypokalaemia" / "potassium > 5.0 mmol/L",
    "hypertension" / "SBP 145-190") is another criterion: it is not linked."""
    entries = lexicon().entries
    named = {
        v
        for v, fact in x.measured.items()
        if (entry := entries.get(fact.concept)) is not None and entry.variable == v
    }
    return bool(named & ({k[0] for k in y.keys} - limited_on_x_side))


def _states_part_of(part: Meaning, whole: Meaning) -> bool:
    """Whether a criterion restates in the other section what another of its side asks,
    the same way ("Pregnant" excluded, "Not currently pregnant or nursing" required): no
    limits, no windows, and every fact of it, with its qualifiers, a fact of the other."""
    if (
        part.keys
        or part.windows
        or not part.facts
        or part.criterion.section == whole.criterion.section
    ):
        return False
    asked = {_asked(f) for f in whole.facts}
    return all(_asked(f) in asked for f in part.facts)


def _required(meanings: Sequence[Meaning], row: list[int]) -> list[Fact]:
    """What a trial requires of every patient in its criteria outside a row: the facts
    its inclusions require, none of them an alternative or an example."""
    return [
        f
        for k, m in enumerate(meanings)
        if k not in row and m.criterion.section == "inclusion"
        for f in m.facts
        if f.requirement == "required" and f.either is None and not f.example
    ]


def _states(meaning: Meaning) -> set[str]:
    """What a criterion that asks only of states (pregnancy, nursing) asks: the
    requirements, or nothing if it asks of anything else too."""
    entries = lexicon().entries
    facts = [f for f in meaning.facts if not f.example]
    if not facts or meaning.keys or meaning.windows:
        return set()
    if not all((e := entries.get(f.concept)) is not None and e.state for f in facts):
        return set()
    return {f"state:{f.requirement}" for f in facts}


def _asked(fact: Fact) -> tuple:
    return (key_of(fact), fact.requirement, fact.when, fact.flags, fact.degrees)


def _repeats(meanings: Sequence[Meaning]) -> dict[int, int]:
    """Each criterion that repeats an earlier one of its side word for word (in the
    same section), with the index of that first one."""
    first: dict[tuple[str, str], int] = {}
    out: dict[int, int] = {}
    for k, m in enumerate(meanings):
        text = matching.normalize(m.criterion.text)
        if not text:
            continue
        key = (m.criterion.section, text)
        if key in first:
            out[k] = first[key]
        else:
            first[key] = k
    return out


def _shown(meanings: Sequence[Meaning], ids: list[int]) -> int:
    """The criterion a row shows first: the one that states a side's whole limit on
    its first variable on its own (a structured 18-95 over a text "18 or more"),
    else one with limits, else the first."""
    with_keys = [i for i in ids if meanings[i].keys]
    if not with_keys:
        return ids[0]
    key = meanings[with_keys[0]].ordered_keys[0]
    together = limits([meanings[i].criterion for i in ids]).get(key, {})
    for i in with_keys:
        alone = limits([meanings[i].criterion]).get(key, {})
        if alone and all(
            r in alone and (alone[r].eligible, alone[r].values) == (t.eligible, t.values)
            for r, t in together.items()
        ):
            return i
    return with_keys[0]


def _ordered(
    pairs: list[Pair], criteria_a: Sequence[Criterion], criteria_b: Sequence[Criterion]
) -> tuple[Pair, ...]:
    order = {("a", c.id): n for n, c in enumerate(criteria_a)}
    order.update({("b", c.id): n for n, c in enumerate(criteria_b)})

    def key(p: Pair) -> tuple[int, int, str]:
        rank = {"inclusion": 0, "exclusion": 1}.get(p.section or "", 2)
        if p.a_ids:
            return (rank, min(order[("a", i)] for i in p.a_ids), p.variable or "")
        return (rank, 10_000 + min(order[("b", i)] for i in p.b_ids), p.variable or "")

    return tuple(sorted(pairs, key=key))
