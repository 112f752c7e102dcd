"""From recognized entity spans to the ``Entity`` values of a criterion.

The entity recognizer gives spans (offsets into a criterion's text and a
type); this turns them into :class:`ctparse.schema.Entity` values as
DESIGN.md defines them: a coordinated span split into one entity per
conjunct (:func:`ctparse.nlp.concepts.split_coordination`), each with its
concept (the lexicon's, or the MeSH term the record is indexed with), its
assertion and what the criterion asks of it
(:mod:`ctparse.nlp.assertions`).

>>> from ctparse.schema import Criterion
>>> text = "No myocarditis, cardiomyopathy or malignant arrhythmia"
>>> criterion = Criterion(id="inc-2", section="inclusion", text=text, start=100, end=154)
>>> [(e.text, e.concept.id, e.assertion, e.requirement)
...  for e in build_entities(criterion, [(3, 54, "condition")])][2]
('malignant arrhythmia', 'arrhythmia', 'negated', 'excluded')

:func:`tag_entities` gives criteria the entities of the concept lexicon's
dictionary tagger (:mod:`ctparse.nlp.mentions`), with the same assertions,
requirements and qualifiers: :func:`with_lexicon` merges them with the
recognizer's, and ``ctparse.api.compare`` applies it to criteria that have no
entities (a pipeline without the recognizer).

>>> c = Criterion(id="exc-1", section="exclusion", text="Active hepatitis B or C", start=0, end=23)
>>> [(e.text, e.concept.id, e.requirement, e.qualifiers) for e in tag_entities([c])[0].entities]
[('Active hepatitis B', 'hepatitis_b', 'excluded', ('active',)), ('C', 'hepatitis_c', 'excluded', ('active',))]
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence

from ..schema import Concept, Criterion, Entity, MeshTerm
from .assertions import Scanner, permission_of, requirement_of
from .concepts import entry_of, key, lexicon, split_coordination
from .genes import in_context
from .mentions import Mention, cites, mentions, references, taken
from .polarity import Cues
from .qualifiers import kind_of, qualifiers, relation_span


def build_entities(
    criterion: Criterion,
    spans: Sequence[tuple[int, int, str]],
    *,
    mesh: Sequence[MeshTerm] = (),
) -> tuple[Entity, ...]:
    """The entities of one criterion.

    Args:
        criterion: the criterion the spans are in.
        spans: ``(start, end, type)`` per recognized entity, offsets into
            ``criterion.text``, end exclusive.
        mesh: the record's MeSH terms (:func:`ctparse.readers.api_json.mesh_terms`);
            an entity the record's indexing names gets that MeSH id.

    Returns:
        One :class:`Entity` per conjunct, ids ``<criterion id>/e<N>`` in text order;
        offsets index the eligibility text (``criterion.start`` + offset).
    """
    text = criterion.text
    base = criterion.start or 0
    scanner = Scanner.of(text)
    cues = Cues.of(text)
    out: list[Entity] = []
    parts = [
        (start + part.start, start + part.end, kind, part)
        for start, end, kind in sorted(spans)
        for part in split_coordination(text[start:end], kind)
    ]
    narrowing = qualifiers(text, [_as_mention(text, s, e, p.name) for s, e, _, p in parts])
    for (p_start, p_end, kind, part), qualified in zip(parts, narrowing, strict=True):
        concept = part.concept
        if (
            concept is not None
            and (gene := in_context(concept.id, text, p_start, p_end)) != concept.id
        ):
            concept = lexicon().entries[gene].concept()
        if mesh:
            (grounded,) = ground([part.name], mesh, kind=kind)
            if grounded is not None:
                if concept is None:
                    term = next(t.term for t in mesh if t.id == grounded)
                    concept = Concept(id=f"mesh:{grounded}", name=term, mesh=grounded)
                elif concept.mesh != grounded:
                    concept = Concept(id=concept.id, name=concept.name, mesh=grounded)
        said = scanner.qualify(p_start, p_end, kind)
        requirement = requirement_of(
            criterion.section, said, permission=permission_of(cues, p_start, p_end)
        )
        out.append(
            Entity(
                id=f"{criterion.id}/e{len(out) + 1}",
                type=kind,
                text=text[p_start:p_end],
                start=base + p_start,
                end=base + p_end,
                concept=concept,
                assertion=said.assertion,
                requirement=requirement,
                qualifiers=qualified,
            )
        )
    return _share_history(text, base, out)


# What joins two conjuncts of one list: ", ", " or ", ", or an ", " and/or the ".
_CONJUNCT_GAP = re.compile(
    r"\s*(?:,\s*)?(?:(?:and\s*/\s*or|and|or)\s+)?(?:(?:an?|the|any)\s+)?(?:other\s+)?", re.I
)


def _share_history(text: str, base: int, entities: Sequence[Entity]) -> tuple[Entity, ...]:
    """The entities, a conjunct of a list taking the past its first conjunct is said
    in ("Prior treatment with a VEGFR TKI or an EGFR TKI": both prior, though the
    cue's reach of words ends before the second)."""
    out = list(entities)
    for k in range(1, len(out)):
        before, entity = out[k - 1], out[k]
        gap = text[before.end - base : entity.start - base]
        if (
            before.assertion == "historical"
            and entity.assertion == "present"
            and entity.type == before.type
            and gap.strip()
            and _CONJUNCT_GAP.fullmatch(gap)
        ):
            out[k] = dataclasses.replace(entity, assertion="historical")
    return tuple(out)


#: A prohibition written in an exclusion ("must not be receiving", "may not have").
_PROHIBITION = re.compile(
    r"\b(?:must|may|should|shall|will|can|are|is|to)\s+not\b|\bmust\s+never\b", re.IGNORECASE
)


def _prohibits(text: str, start: int) -> bool:
    """Whether a modal prohibition opens the sentence of ``start`` before it."""
    sentence = re.split(r"[.;:]\s", text[:start])[-1]
    return bool(_PROHIBITION.search(sentence))


def _as_mention(text: str, start: int, end: int, name: str) -> Mention:
    from .concepts import ConceptEntry

    return Mention(start, end, text[start:end], name, ConceptEntry("", "", name))


def tag_entities(criteria: Iterable[Criterion]) -> tuple[Criterion, ...]:
    """The criteria with the entities of the dictionary tagger, where they have none.

    A criterion that has entities (the recognizer's) keeps them; one without
    offsets (the structured age limits) gets none. Pure: the concept lexicon is
    the only thing it reads.
    """
    out = []
    for criterion in criteria:
        if criterion.entities or criterion.start is None or not criterion.text:
            out.append(criterion)
            continue
        found = tuple(
            sorted((*mentions(criterion.text), *taken(criterion.text)), key=lambda m: m.start)
        )
        if not found:
            out.append(criterion)
            continue
        text, base = criterion.text, criterion.start
        scanner, cues = Scanner.of(text), Cues.of(text)
        entities = []
        relation: tuple[int, int] | None = None
        for number, (mention, qualified) in enumerate(
            zip(found, qualifiers(text, found), strict=True), start=1
        ):
            # "Without contraindications to X": what is asked is asked of the relation.
            if any(kind_of(q) == "relation" for q in qualified):
                relation = relation_span(text, mention) or relation
            else:
                relation = None
            at = relation or (mention.start, mention.end)
            said = scanner.qualify(*at, None if relation else mention.entry.type)
            requirement = requirement_of(
                criterion.section, said, permission=permission_of(cues, *at)
            )
            if requirement == "required" and said.negated and _prohibits(text, at[0]):
                # "Exclusion: participants must not be receiving X" restates the
                # exclusion; it is no double negative.
                requirement = "excluded"
            entities.append(
                Entity(
                    id=f"{criterion.id}/e{number}",
                    type=mention.entry.type,
                    text=mention.text,
                    start=base + mention.start,
                    end=base + mention.end,
                    concept=mention.entry.concept(),
                    assertion=said.assertion,
                    requirement=requirement,
                    qualifiers=qualified,
                )
            )
        entities = list(_share_history(text, base, entities))
        spelled_out = _spelled_out_in_brackets(criterion, _abused(text, base, entities))
        out.append(dataclasses.replace(criterion, entities=spelled_out))
    return tuple(out)


def with_entities(
    criteria: Sequence[Criterion],
    spans: Sequence[Sequence[tuple[int, int, str]]],
    *,
    mesh: Sequence[MeshTerm] = (),
) -> list[Criterion]:
    """Each criterion with the entities of its spans (one list of spans per criterion,
    offsets into its text; a packed line that is split into pieces gets none of
    its own: its pieces have them), completed by the names of the concept lexicon
    the recognizer did not find (:func:`with_lexicon`), and its limits pointing
    at them."""
    parents = {c.parent for c in criteria if c.parent}
    out = []
    for criterion, found in zip(criteria, spans, strict=True):
        if criterion.id in parents:
            out.append(criterion)
            continue
        cited = references(criterion.text)
        found = [
            (s, e, kind) for s, e, kind in found if kind == "measurement" or not cites(cited, s, e)
        ]
        entities = build_entities(criterion, found, mesh=mesh) if found else ()
        entities = _defined_in_brackets(criterion, with_lexicon(criterion, entities))
        entities = _spelled_out_in_brackets(criterion, entities)
        if not entities:
            out.append(criterion)
            continue
        out.append(link(dataclasses.replace(criterion, entities=entities)))
    return out


_ABBREVIATION = re.compile(r"[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9-]*")


def _defined_in_brackets(criterion: Criterion, entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
    """An abbreviation in brackets right after an entity is that entity's name, whatever
    the lexicon says it abbreviates: "probing depth (PS)" is no performance status,
    "acetylsalicylic acid (ASA)" no ASA physical status (see :func:`_own_reading`).

    >>> c = Criterion(id="i", section="inclusion", text="probing depth (PS) > 6 mm", start=0, end=25)
    >>> ps = Entity("i/e2", "measurement", "PS", 15, 17, concept=Concept("ecog", "ECOG"))
    >>> [e.concept for e in _defined_in_brackets(c, (Entity("i/e1", "measurement", "probing depth", 0, 13), ps))]
    [None, None]
    """
    text, base = criterion.text or "", criterion.start or 0
    out = list(entities)
    for k in range(1, len(out)):
        before, e = out[k - 1], out[k]
        if (
            _ABBREVIATION.fullmatch(e.text)
            and text[before.end - base : e.start - base] == " ("
            and text[e.end - base : e.end - base + 1] == ")"
            and (before.concept.id if before.concept else None)
            != (e.concept.id if e.concept else None)
            and not _own_reading(e, before, text, base)
        ):
            out[k] = dataclasses.replace(e, type=before.type, concept=before.concept)
    return tuple(out)


#: What may stand between the entities of a bracket that only lists them.
_LIST_GAP = re.compile(
    r"\s*(?:,|/|;|\bor\b|\band\b|\be\.g\.,?|\bi\.e\.,?|\bsuch as\b|\bincluding\b|\s)*\s*"
)
_OPENS = re.compile(r"\s*\(")
_CLOSES = re.compile(r"\s*\)")


def _spelled_out_in_brackets(
    criterion: Criterion, entities: tuple[Entity, ...]
) -> tuple[Entity, ...]:
    """The entities of a bracket that only lists them, right after a negated entity,
    are negated with it: the bracket spells out what is denied ("Without replacement
    therapy (dialysis or hemodialysis)" excludes dialysis), though a bracket ends a
    negation's reach ("Without misalignment (dorsal angulation <10°)" says more than
    names).

    >>> text = "Without replacement therapy (dialysis or hemodialysis)"
    >>> c = Criterion(id="i", section="inclusion", text=text, start=0, end=len(text))
    >>> head = Entity("i/e1", "procedure", "replacement therapy", 8, 27, assertion="negated", requirement="excluded")
    >>> inside = [Entity(f"i/e{n}", "procedure", w, text.index(w), text.index(w) + len(w), assertion="present", requirement="required")
    ...           for n, w in ((2, "dialysis"), (3, "hemodialysis"))]
    >>> [(e.text, e.assertion, e.requirement) for e in _spelled_out_in_brackets(c, (head, *inside))][1:]
    [('dialysis', 'negated', 'excluded'), ('hemodialysis', 'negated', 'excluded')]
    """
    text, base = criterion.text or "", criterion.start or 0
    out = list(entities)
    k = 0
    while k < len(out):
        head = out[k]
        k += 1
        opening = _OPENS.match(text, head.end - base)
        if head.assertion != "negated" or opening is None:
            continue
        listed: list[Entity] = []
        at = opening.end()
        while k + len(listed) < len(out):
            e = out[k + len(listed)]
            gap = _LIST_GAP.fullmatch(text, at, e.start - base)
            if gap is None or e.start - base < at:
                break
            listed.append(e)
            at = e.end - base
        if listed and _CLOSES.match(text, at):
            for n, e in enumerate(listed, start=k):
                out[n] = dataclasses.replace(e, assertion="negated", requirement=head.requirement)
            k += len(listed)
    return tuple(out)


def _own_reading(abbreviation: Entity, before: Entity, text: str, base: int) -> bool:
    """Whether a bracketed abbreviation keeps its own reading: it spells words that
    start before the entity it follows (that entity is a part of what it names:
    "chronic obstructive pulmonary disease (COPD)" read as "pulmonary disease"), or
    that entity has no concept and it spells the words before it."""
    start = _spelled_from(abbreviation.text, text[: abbreviation.start - base - 2])
    if start is None:
        return False
    return before.concept is None or start < before.start - base


def _spelled_from(abbreviation: str, before: str) -> int | None:
    """Where the last words of ``before`` that an abbreviation spells start: its first
    capital a word's initial, the others letters of those words, in order ("aspartate
    transaminase (AST)"); None if it spells none.

    >>> _spelled_from("COPD", "with chronic obstructive pulmonary disease")
    5
    >>> _spelled_from("PS", "probing depth") is None
    True
    """
    capitals = "".join(ch for ch in abbreviation if ch.isupper()).lower()
    words = list(re.finditer(r"[A-Za-z0-9]+", before.lower()))
    for n in range(1, min(len(capitals) + 2, len(words)) + 1):
        first = words[-n]
        if capitals and first.group()[0] == capitals[0]:
            rest = iter("".join(w.group() for w in words[-n:])[1:])
            if all(ch in rest for ch in capitals[1:]):
                return first.start()
    return None


# "abuse of alcohol or drugs", "dependence on drugs": drugs abused are no drug taken.
_ABUSED = re.compile(
    r"(?i)\b(?:abuse|misuse|abusing|misusing|dependen(?:ce|cy)|addict(?:ion|ed))\s+(?:of|on|to)"
    r"\s+(?:(?:any|alcohol|illicit|recreational|street|illegal|other|prescription|prescribed)"
    r"\s*,?\s+(?:(?:and/or|and|or)\s+)?)*$"
)


def _abused(text: str, base: int, entities: Sequence[Entity]) -> tuple[Entity, ...]:
    """``entities`` with a catch-all drug that is abused read as substance abuse."""
    lex = lexicon()
    out = []
    for e in entities:
        entry = lex.entries.get(e.concept.id) if e.concept is not None else None
        if (
            entry
            and entry.broad
            and entry.type == "drug"
            and _ABUSED.search(text, 0, e.start - base)
        ):
            abuse = lex.entries["substance_abuse"]
            e = dataclasses.replace(e, type=abuse.type, concept=abuse.concept())
        out.append(e)
    return tuple(out)


def with_lexicon(criterion: Criterion, entities: Sequence[Entity]) -> tuple[Entity, ...]:
    """The lexicon's mentions of a criterion (``source="lexicon"``) and the
    recognizer's ``entities`` that overlap none of them, in text order and
    numbered again.

    Where both found something the mention wins: it carries a concept, the
    qualifiers and the relation ("contraindications to anticoagulation") the
    comparator pairs by, and the lexicon's type ("IBD" is a condition whatever
    the model said). The recognizer adds what the lexicon does not know, typed
    and with its assertion, without a concept unless the registry grounds it.

    >>> from ctparse.schema import Criterion
    >>> c = Criterion("exc-1", "exclusion", "Breastfeeding or Fabry disease", 0, 30)
    >>> model = [Entity("exc-1/e1", "condition", "Breastfeeding", 0, 13),
    ...          Entity("exc-1/e2", "condition", "Fabry disease", 17, 30)]
    >>> [(e.id, e.text, e.source) for e in with_lexicon(c, model)]
    [('exc-1/e1', 'Breastfeeding', 'lexicon'), ('exc-1/e2', 'Fabry disease', 'model')]
    """
    if criterion.start is None or not criterion.text:
        return tuple(entities)
    (tagged,) = tag_entities([dataclasses.replace(criterion, entities=())])
    if not tagged.entities:
        return _abused(criterion.text, criterion.start, entities)
    mentioned = [dataclasses.replace(e, source="lexicon") for e in tagged.entities]
    lex = lexicon()
    kept = []
    for e in entities:
        if any(e.start < m.end and m.start < e.end for m in mentioned):
            continue
        entry = lex.entries.get(e.concept.id) if e.concept is not None else None
        kept.append(
            dataclasses.replace(e, type=entry.type) if entry and entry.type != e.type else e
        )
    merged = _abused(
        criterion.text, criterion.start, sorted([*kept, *mentioned], key=lambda e: (e.start, e.end))
    )
    return tuple(
        dataclasses.replace(e, id=f"{criterion.id}/e{number}")
        for number, e in enumerate(merged, start=1)
    )


def link(criterion: Criterion) -> Criterion:
    """Point each threshold at the measurement it limits and each window at the entity
    its event names: "Hemoglobin ≥ 9 g/dL" → the measurement "Hemoglobin";
    "Radiotherapy within 14 days before the first dose" → the procedure.

    A threshold's entity is the last measurement (else any entity) that ends before
    its value without another limit in between; a window's is an entity whose text
    its event contains, else the last one before its period.
    """
    entities = criterion.entities
    if not entities or not (criterion.thresholds or criterion.windows):
        return criterion
    starts = sorted(
        [t.start for t in criterion.thresholds if t.start is not None]
        + [w.start for w in criterion.windows if w.start is not None]
    )
    thresholds = tuple(
        dataclasses.replace(t, entity_id=found.id)
        if t.entity_id is None
        and (found := _before(entities, t.start, starts, prefer="measurement"))
        else t
        for t in criterion.thresholds
    )
    windows = []
    for w in criterion.windows:
        found = None
        event = (w.event or "").lower()
        if event:
            found = next((e for e in entities if e.text.lower() in event), None)
        if found is None:
            found = _before(entities, w.start, starts, prefer=None)
        windows.append(dataclasses.replace(w, entity=found.id) if found and w.entity is None else w)
    return dataclasses.replace(criterion, thresholds=thresholds, windows=tuple(windows))


def _before(
    entities: Sequence[Entity], start: int | None, limits: Sequence[int], *, prefer: str | None
) -> Entity | None:
    """The entity nearest before ``start`` with no other limit between them."""
    if start is None:
        return None
    floor = max((s for s in limits if s < start), default=-1)
    candidates = [e for e in entities if floor <= e.start and e.end <= start]
    preferred = [e for e in candidates if prefer is None or e.type == prefer]
    chosen = preferred or candidates
    return chosen[-1] if chosen else None


def ground(
    texts: Iterable[str], terms: Sequence[MeshTerm], *, kind: str | None = None
) -> list[str | None]:
    """The MeSH id of each entity text that one of the record's terms names, else None.

    An entity matches a term when its folded text is the term's or the text the
    registry found it as ("Breast Cancer" for Breast Neoplasms), or when its
    concept has that MeSH id or one of its names is the term.
    """
    by_key: dict[str, str] = {}
    ids = {t.id for t in terms}
    for t in terms:
        for name in (t.term, t.found_as):
            if name:
                by_key.setdefault(key(name), t.id)
    out: list[str | None] = []
    for text in texts:
        found = by_key.get(key(text))
        if found is None and (entry := entry_of(text, kind)) is not None:
            if entry.mesh in ids:
                found = entry.mesh
            else:
                found = next((by_key[k] for n in entry.names if (k := key(n)) in by_key), None)
        out.append(found)
    return out
