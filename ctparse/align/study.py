"""Study-level comparison: design fields, drugs (with their classes) and
outcomes matched by endpoint.

Pure functions of two Studies, apart from reading the two lexicons under
``models/`` (``drugs.jsonl``, ``endpoints.jsonl``) once, through
:func:`ctparse.resources.load_rules`::

    >>> drugs_in("Cadonilimab combined Anlotinib")
    ('cadonilimab', 'anlotinib')

A field stated in neither record gets no row (the caller lists those names in
the comparison notes); a field stated in one record only is ``only_a`` /
``only_b``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..resources import load_rules, per_models
from ..schema import FieldDiff, Outcome, Study, StudyVerdict
from ..text import timeunits
from . import matching

# ------------------------------------------------------------------ lexicons


@dataclass(frozen=True)
class Term:
    """One lexicon entry compiled to a single regular expression."""

    id: str
    name: str
    group: str | None  # drug class; None for endpoints
    pattern: re.Pattern[str]


def _phrase(text: str) -> str:
    """A phrase as a regex: case-insensitive, hyphens and spaces interchangeable."""
    words = re.split(r"[\s\-]+", text.strip())
    return r"[\s\-]*".join(re.escape(w) for w in words if w)


def _bounded(alternatives: Iterable[str]) -> str:
    # Longest first, so that "paclitaxel-albumin" wins over "paclitaxel".
    ordered = sorted(set(alternatives), key=len, reverse=True)
    return r"(?<![\w\-])(?:" + "|".join(ordered) + r")s?(?![\w\-])"


@per_models
def drug_terms() -> tuple[Term, ...]:
    """The drug lexicon, most specific names first."""
    terms = []
    for entry in load_rules("drugs.jsonl"):
        names = [entry["name"], entry["id"], *entry["synonyms"]]
        pattern = re.compile(_bounded(_phrase(n) for n in names), re.IGNORECASE)
        terms.append(Term(entry["id"], entry["name"], entry["class"], pattern))
    return tuple(terms)


@per_models
def endpoint_terms() -> tuple[Term, ...]:
    """The endpoint lexicon."""
    terms = []
    for entry in load_rules("endpoints.jsonl"):
        abbreviation = entry["abbreviation"]
        phrases = [_phrase(s) for s in [entry["name"], *entry["synonyms"]]]
        # Two-letter abbreviations ("OS") must match in capitals; longer ones
        # ("DoR", "DOR") in any case.
        flags = "(?i:" if len(abbreviation) >= 3 else "(?:"
        pattern = re.compile(
            "(?i:" + _bounded(phrases) + ")|" + flags + _bounded([re.escape(abbreviation)]) + ")"
        )
        terms.append(Term(entry["id"], entry["name"], None, pattern))
    return tuple(terms)


def _find(terms: Sequence[Term], text: str) -> list[tuple[int, int, Term]]:
    """Non-overlapping matches of ``terms`` in ``text``, leftmost-longest."""
    hits = [(m.start(), m.end(), t) for t in terms for m in t.pattern.finditer(text)]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    chosen: list[tuple[int, int, Term]] = []
    end = -1
    for hit in hits:
        if hit[0] >= end:
            chosen.append(hit)
            end = hit[1]
    return chosen


def drugs_in(text: str) -> tuple[str, ...]:
    """Ids of the lexicon drugs named in ``text``, in order, without repeats."""
    seen: dict[str, None] = {}
    for _, _, term in _find(drug_terms(), text):
        seen.setdefault(term.id, None)
    return tuple(seen)


def endpoint_of(text: str) -> str | None:
    """The id of the first endpoint named in ``text`` (an outcome measure)."""
    hits = _find(endpoint_terms(), text)
    return hits[0][2].id if hits else None


def _drug(drug_id: str) -> Term | None:
    return next((t for t in drug_terms() if t.id == drug_id), None)


def _endpoint_name(endpoint_id: str) -> str:
    term = next((t for t in endpoint_terms() if t.id == endpoint_id), None)
    return term.name if term else endpoint_id


def study_drugs(study: Study) -> tuple[str, ...]:
    """Normalized drug names of a study's interventions.

    Lexicon drugs are found inside names ("Cadonilimab combined Anlotinib" is
    two drugs); an intervention naming no lexicon drug keeps its own name,
    lower-cased.
    """
    names: dict[str, None] = {}
    for intervention in study.interventions:
        found = drugs_in(intervention.name or "")
        if found:
            for drug_id in found:
                term = _drug(drug_id)
                names.setdefault(term.name if term else drug_id, None)
        elif intervention.name:
            names.setdefault(" ".join(intervention.name.lower().split()), None)
    return tuple(names)


def drug_class(name: str) -> str | None:
    term = next((t for t in drug_terms() if t.name == name), None)
    return term.group if term else None


# -------------------------------------------------------------------- fields


def _norm(value: Any) -> Any:
    """Comparable form: case and spacing of strings ignored, sequences as sets."""
    if isinstance(value, str):
        return " ".join(value.lower().replace("_", " ").split())
    if isinstance(value, tuple | list):
        return frozenset(_norm(v) for v in value)
    return value


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == () or value == []


def diff(field: str, a: Any, b: Any, *, detail: str | None = None) -> FieldDiff | None:
    """One field compared; ``None`` when neither record states it."""
    if _missing(a) and _missing(b):
        return None
    verdict: StudyVerdict
    if _missing(b):
        verdict = "only_a"
    elif _missing(a):
        verdict = "only_b"
    else:
        verdict = "same" if _norm(a) == _norm(b) else "different"
        if detail is None and verdict == "different" and isinstance(a, tuple | list):
            detail = _list_detail(a, b)
    return FieldDiff(field=field, a=_plain(a), b=_plain(b), verdict=verdict, detail=detail)


def _list_detail(a: Sequence[Any], b: Sequence[Any]) -> str | None:
    if not _norm(a) & _norm(b):
        return None  # nothing shared: the two values say it all
    only_a = [str(x) for x in a if _norm(x) not in _norm(b)]
    only_b = [str(x) for x in b if _norm(x) not in _norm(a)]
    parts = [
        f"only A: {', '.join(only_a)}" if only_a else "",
        f"only B: {', '.join(only_b)}" if only_b else "",
    ]
    return "; ".join(p for p in parts if p) or None


def names_detail(a: Sequence[str], b: Sequence[str]) -> str | None:
    """What differs between two lists of names (conditions), word by word:
    "B adds: Stage IV; Esophageal/Esophagus taken as the same word".

    A name of A is set against the name of B sharing most words with it;
    names sharing no word are listed as only A / only B.
    """
    only_a = [x for x in a if _norm(x) not in _norm(b)]
    only_b = [y for y in b if _norm(y) not in _norm(a)]
    parts: list[str] = []
    alone_a: list[str] = []
    for x in only_a:
        keys = {matching.word_key(w) for w in x.split()}
        scored = [(len(keys & {matching.word_key(w) for w in y.split()}), y) for y in only_b]
        best = max(scored, default=(0, ""), key=lambda s: s[0])
        if best[0] == 0:
            alone_a.append(x)
            continue
        y = best[1]
        only_b.remove(y)
        adds_a, adds_b, variants = matching.word_diff(x, y)
        said = [f"A adds: {', '.join(adds_a)}" if adds_a else ""]
        said.append(f"B adds: {', '.join(adds_b)}" if adds_b else "")
        said.extend(f"{wa}/{wb} taken as the same word" for wa, wb in variants)
        if not adds_a and not adds_b and not variants:
            said.append("the same words, written differently")
        prefix = f"{x!r} vs {y!r}: " if len(a) > 1 or len(b) > 1 else ""
        parts.append(prefix + "; ".join(p for p in said if p))
    if alone_a:
        parts.append("only A: " + ", ".join(alone_a))
    if only_b:
        parts.append("only B: " + ", ".join(only_b))
    return " | ".join(parts) or None


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _enrollment(study: Study) -> str | None:
    count, kind = study.enrollment.count, study.enrollment.type
    if count is None:
        return None
    return f"{count} ({kind.lower()})" if kind else str(count)


def _arms(study: Study) -> tuple[str, ...]:
    return tuple(
        f"{arm.label or 'unnamed arm'}" + (f" ({arm.type.lower()})" if arm.type else "")
        for arm in study.arms
    )


def _countries(study: Study) -> tuple[str, ...]:
    return tuple(dict.fromkeys(loc.country for loc in study.locations if loc.country))


# What a reader scans first comes first: the disease, then the design, then
# who is eligible; drugs and outcomes follow (see study_diffs).
FIELDS: tuple[tuple[str, Callable[[Study], Any]], ...] = (
    ("conditions", lambda s: s.conditions),
    ("phases", lambda s: s.phases),
    ("study_type", lambda s: s.study_type),
    ("allocation", lambda s: s.design.allocation),
    ("intervention_model", lambda s: s.design.intervention_model),
    ("masking", lambda s: s.design.masking),
    ("primary_purpose", lambda s: s.design.primary_purpose),
    ("enrollment", _enrollment),
    ("arms", _arms),
    ("minimum_age", lambda s: s.eligibility.minimum_age),
    ("maximum_age", lambda s: s.eligibility.maximum_age),
    ("sex", lambda s: s.eligibility.sex),
    ("healthy_volunteers", lambda s: s.eligibility.healthy_volunteers),
    ("overall_status", lambda s: s.overall_status),
    ("sponsor", lambda s: s.sponsor),
    ("collaborators", lambda s: s.collaborators),
    ("countries", _countries),
)


def _listing(names: Iterable[str]) -> str:
    parts = []
    for name in names:
        group = drug_class(name)
        parts.append(f"{name} ({group})" if group else name)
    return ", ".join(parts) or "none"


def drug_diffs(a: Study, b: Study) -> list[FieldDiff]:
    """Interventions as normalized drugs (shared / only A / only B) and their classes."""
    drugs_a, drugs_b = study_drugs(a), study_drugs(b)
    rows: list[FieldDiff] = []
    shared = [d for d in drugs_a if d in drugs_b]
    only_a = [d for d in drugs_a if d not in drugs_b]
    only_b = [d for d in drugs_b if d not in drugs_a]
    detail = "; ".join(
        f"{label}: {_listing(names)}"
        for label, names in (("shared", shared), ("only A", only_a), ("only B", only_b))
        if names
    )
    row = diff("interventions", drugs_a, drugs_b, detail=detail or None)
    if row:
        rows.append(row)
    classes_a = tuple(dict.fromkeys(c for d in drugs_a if (c := drug_class(d))))
    classes_b = tuple(dict.fromkeys(c for d in drugs_b if (c := drug_class(d))))
    shared_c = [c for c in classes_a if c in classes_b]
    detail_c = "; ".join(
        f"{label}: {', '.join(names)}"
        for label, names in (
            ("shared", shared_c),
            ("only A", [c for c in classes_a if c not in classes_b]),
            ("only B", [c for c in classes_b if c not in classes_a]),
        )
        if names
    )
    row = diff("drug_classes", classes_a, classes_b, detail=detail_c or None)
    if row:
        rows.append(row)
    return rows


# ------------------------------------------------------------------ outcomes


def time_frame_months(text: str | None) -> float | None:
    """The longest period named in a time frame, in months ("Up to 24 month" → 24)."""
    if not text:
        return None
    periods = timeunits.periods_in_months(text)
    return max(periods) if periods else None


def _outcome_value(outcome: Outcome) -> str:
    frame = outcome.time_frame or "no time frame"
    return f"{outcome.kind}, {frame}"


def _same_frame(a: Outcome, b: Outcome) -> bool:
    if _norm(a.time_frame) == _norm(b.time_frame):
        return True
    ma, mb = time_frame_months(a.time_frame), time_frame_months(b.time_frame)
    return ma is not None and mb is not None and abs(ma - mb) < 0.5


def _by_endpoint(study: Study) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for outcome in study.outcomes:
        key = endpoint_of(outcome.measure or "") or endpoint_of(outcome.description or "")
        label = _endpoint_name(key) if key else " ".join((outcome.measure or "?").split())
        found.setdefault(label, outcome)
    return found


def outcome_diffs(a: Study, b: Study) -> list[FieldDiff]:
    """Outcomes matched by endpoint: kind (primary/secondary) and time frame."""
    outcomes_a, outcomes_b = _by_endpoint(a), _by_endpoint(b)
    rows = []
    for label in [*outcomes_a, *(k for k in outcomes_b if k not in outcomes_a)]:
        oa, ob = outcomes_a.get(label), outcomes_b.get(label)
        field = f"outcome: {label}"
        if oa and ob:
            same = oa.kind == ob.kind and _same_frame(oa, ob)
            notes = []
            if oa.kind != ob.kind:
                notes.append(f"{oa.kind} in A, {ob.kind} in B")
            if not _same_frame(oa, ob):
                notes.append(f"time frame {oa.time_frame!r} vs {ob.time_frame!r}")
            elif _norm(oa.time_frame) != _norm(ob.time_frame):
                notes.append("equivalent time frames")
            rows.append(
                FieldDiff(
                    field=field,
                    a=_outcome_value(oa),
                    b=_outcome_value(ob),
                    verdict="same" if same else "different",
                    detail="; ".join(notes) or None,
                )
            )
        else:
            present = oa or ob
            assert present is not None
            rows.append(
                FieldDiff(
                    field=field,
                    a=_outcome_value(oa) if oa else None,
                    b=_outcome_value(ob) if ob else None,
                    verdict="only_a" if oa else "only_b",
                    detail=f"{present.kind} outcome of {'A' if oa else 'B'} only",
                )
            )
    return rows


def study_diffs(a: Study, b: Study) -> tuple[tuple[FieldDiff, ...], tuple[str, ...]]:
    """All study-level rows, and the names of the fields stated in neither record."""
    rows: list[FieldDiff] = []
    neither: list[str] = []
    for name, getter in FIELDS:
        value_a, value_b = getter(a), getter(b)
        detail = None
        if name == "conditions" and value_a and value_b:
            detail = names_detail(value_a, value_b)
        row = diff(name, value_a, value_b, detail=detail)
        if row is None:
            neither.append(name)
        else:
            rows.append(row)
    rows.extend(drug_diffs(a, b))
    rows.extend(outcome_diffs(a, b))
    return tuple(rows), tuple(neither)
