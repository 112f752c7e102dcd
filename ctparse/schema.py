"""The values ctparse produces: a Study, its Criteria, their Thresholds and Windows,
and the Comparison of two studies.

All are frozen dataclasses. Sequences are tuples so that values are hashable
and cannot be changed behind a caller's back. ``to_dict()`` gives the JSON
shape of ``../shared/DESIGN.md`` (field names are the contract) and
``to_json()`` serializes it deterministically (sorted keys).

Missing facts are ``None`` or an empty tuple, never invented.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Section = Literal["inclusion", "exclusion", "unknown"]
Status = Literal["parsed", "partial", "unparsed"]
Verdict = Literal["same", "a_stricter", "b_stricter", "different", "only_a", "only_b"]
StudyVerdict = Literal["same", "different", "only_a", "only_b"]


def _plain(value: Any) -> Any:
    """Turn dataclasses and tuples into dicts and lists, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Deterministic JSON for a value or a dataclass (sorted keys, UTF-8 kept)."""
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, indent=indent)


class _Record:
    """Mixin: ``to_dict`` and ``to_json`` for the dataclasses below."""

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = _plain(self)
        return result

    def to_json(self, *, indent: int | None = 2) -> str:
        return dumps(self, indent=indent)


# --------------------------------------------------------------------- Study


@dataclass(frozen=True)
class Source(_Record):
    """Where a study was read from.

    ``format`` is one of ``api_v2_json``, ``legacy_xml``, ``csv_export``,
    ``page_text``, ``page_html``; ``location`` the path, ``-`` or URL;
    ``retrieved`` an ISO date-time when known (fetch time or file date).
    """

    format: str
    location: str
    retrieved: str | None = None
    # The local id or file the user named, when this record was read in its place
    # through the link ``ctparse fetch --resolve --accept`` stored (seed 000 → its NCT id).
    linked_from: str | None = None


@dataclass(frozen=True)
class Design(_Record):
    allocation: str | None = None
    intervention_model: str | None = None
    masking: str | None = None
    primary_purpose: str | None = None


@dataclass(frozen=True)
class Enrollment(_Record):
    count: int | None = None
    type: str | None = None  # ESTIMATED | ACTUAL


@dataclass(frozen=True)
class Arm(_Record):
    label: str | None = None
    type: str | None = None  # EXPERIMENTAL, ACTIVE_COMPARATOR, ...
    description: str | None = None
    interventions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intervention(_Record):
    type: str | None = None  # DRUG, DEVICE, ...
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Outcome(_Record):
    kind: str  # primary | secondary | other
    measure: str | None = None
    description: str | None = None
    time_frame: str | None = None


@dataclass(frozen=True)
class Eligibility(_Record):
    """The eligibility module. ``criteria_text`` has markdown escapes removed;
    every criterion offset indexes this exact string."""

    criteria_text: str | None = None
    sex: str | None = None  # ALL | FEMALE | MALE
    minimum_age: str | None = None  # "18 Years", as the registry writes it
    maximum_age: str | None = None
    healthy_volunteers: bool | None = None


@dataclass(frozen=True)
class Location(_Record):
    facility: str | None = None
    city: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class MeshTerm(_Record):
    """A MeSH descriptor the registry indexed a record with (API v2 ``derivedSection``),
    and the text the registry found a condition as."""

    id: str
    term: str
    found_as: str | None = None


@dataclass(frozen=True)
class Study(_Record):
    """One registry record, normalized. Field names follow DESIGN.md.

    ``local_id`` is a stable id for records without an NCT id (derived from
    the content); ``last_update_posted`` is the registry's
    LastUpdatePostDate (ISO) where the record has one.
    """

    nct_id: str | None
    source: Source
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    overall_status: str | None = None
    phases: tuple[str, ...] = ()
    study_type: str | None = None
    design: Design = field(default_factory=Design)
    enrollment: Enrollment = field(default_factory=Enrollment)
    start_date: str | None = None
    primary_completion_date: str | None = None
    completion_date: str | None = None
    sponsor: str | None = None
    collaborators: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    arms: tuple[Arm, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    eligibility: Eligibility = field(default_factory=Eligibility)
    locations: tuple[Location, ...] = ()
    local_id: str | None = None
    last_update_posted: str | None = None
    # The registry's MeSH indexing of the conditions and interventions (API v2 records).
    mesh: tuple[MeshTerm, ...] = ()

    @property
    def ref(self) -> str:
        """The id to show a user: the NCT id, else the local id, else the source."""
        return self.nct_id or self.local_id or self.source.location

    @property
    def title(self) -> str | None:
        return self.brief_title or self.official_title


# ------------------------------------------------------ Criteria and limits


@dataclass(frozen=True)
class SectionSpan:
    """One header: ``text[start:end]`` is the header as written.

    The section it opens runs from ``end`` to the next header's ``start``.
    ``rule`` is the id of the rule in ``models/sections.jsonl`` that found it.
    """

    start: int
    end: int
    section: Section
    rule: str


@dataclass(frozen=True)
class Normalized(_Record):
    """A value in the variable's canonical unit (DESIGN.md "Canonical units")."""

    value: float | None
    value_max: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Range(_Record):
    """The range a patient must fall in to be eligible, in the normalized unit.

    ``None`` bounds are open. For an exclusion criterion this is the
    complement of the stated range (when the complement is one interval).
    """

    lower: float | None = None
    lower_inclusive: bool | None = None
    upper: float | None = None
    upper_inclusive: bool | None = None

    def interval(self) -> str:
        """The range as an interval: ``[1.5, inf)``, ``(-inf, 40]``.

        >>> Range(lower=28, lower_inclusive=False).interval()
        '(28, inf)'
        """

        def num(value: float) -> str:
            return str(int(value)) if float(value).is_integer() else f"{value:.6g}"

        low = (
            "(-inf"
            if self.lower is None
            else ("[" if self.lower_inclusive else "(") + num(self.lower)
        )
        high = (
            "inf)"
            if self.upper is None
            else num(self.upper) + ("]" if self.upper_inclusive else ")")
        )
        return f"{low}, {high}"


@dataclass(frozen=True)
class Suspect(_Record):
    """Why a limit's reading is doubtful, and the reading it probably meant.

    ``reason`` is ``"implausible"``: the normalized value lies outside the
    variable's plausible range (``plausible``, in the canonical unit, from
    ``models/variables.jsonl``), as "Albumin < 2.0 mg/dl" (0.02 g/L) does.
    ``unit`` is the unit that gives a plausible value ("g/dL") and
    ``normalized`` that reading (20 g/L); both are None when no unit does.
    """

    reason: str
    plausible: Range | None = None
    unit: str | None = None
    normalized: Normalized | None = None


@dataclass(frozen=True)
class Threshold(_Record):
    """A numeric or ordinal limit on one variable, traceable to its span.

    ``start``/``end`` index ``Eligibility.criteria_text`` (or the plain text as
    read); ``source`` is ``"text"`` or ``"structured"`` (the minimum/maximum age
    fields, which have no offsets). ``group`` is shared by alternatives
    ("creatinine ≤ 1.5 mg/dL or CrCl ≥ 60 mL/min"). ``comparator_inferred`` and
    ``suspect`` mark readings a curator may want to check (filter on them).
    """

    variable: str
    entity: str | None
    comparator: str  # <, <=, >, >=, =, between, in — as written
    value: float | None
    value_max: float | None = None
    values: tuple[float, ...] | None = None
    unit: str | None = None
    relative_to: str | None = None  # "ULN" | "LLN"
    normalized: Normalized | None = None
    eligible: Range | None = None
    condition: str | None = None
    group: str | None = None
    source: str = "text"
    start: int | None = None
    end: int | None = None
    entity_id: str | None = None  # the id of the Entity it constrains, when one was found
    # What the criterion asks of the limit: "required" (a patient must be in the
    # stated range), "excluded" (must not be: ``eligible`` is the complement),
    # "allowed" (a grant: "… enrollment is allowed"), None (a subgroup named
    # under an obligation).
    requirement: str | None = None
    # True when ``comparator`` is not as written but read from a mirror's "=" in
    # the direction the variable's lexicon entry gives ("ANC = 1.5 × 10^9/L" in an
    # inclusion list is ``>=``): a curator can set these apart.
    comparator_inferred: bool = field(default=False, kw_only=True)
    # Set when the normalized value is implausible for the variable (see Suspect).
    suspect: Suspect | None = field(default=None, kw_only=True)
    # For an ordinal scale (ECOG, NYHA, ASA, Karnofsky, CTCAE grade, …): the grades a
    # patient may have to be eligible, in order; for an exclusion the grades of the
    # scale the excluded set leaves ("NYHA III-IV" excluded: [1, 2]). ``eligible`` is
    # their bounds when they are one run of grades. None off ordinal scales and for a
    # subgroup's limit.
    eligible_values: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Window(_Record):
    """A time constraint: something must (not) happen within a period.

    ``value``/``days`` are the period (its lower bound for a range, whose upper
    bound is ``value_max``/``days_max``). A calendar period ("between 2008 and
    2017", "since 2010") has ``unit`` ``"calendar_year"``, the years as values
    and no ``days``.
    """

    event: str | None
    comparator: str | None
    value: float | None
    unit: str | None
    days: float | None
    # Upper bound of a range ("between 3 and 6 months", "2-7 days"); keyword-only so
    # that positional construction keeps working.
    value_max: float | None = field(default=None, kw_only=True)
    days_max: float | None = field(default=None, kw_only=True)
    direction: str | None  # before | after
    # first_dose, enrollment, randomization, screening, last_dose, diagnosis, surgery,
    # consent, prior_therapy (a therapy the criterion names: see anchor_text)
    anchor: str | None
    start: int | None = None
    end: int | None = None
    # What the criterion asks of the event: "required" (it must have happened in the
    # period), "excluded" (it must not have), "allowed" (the sentence grants it).
    requirement: str | None = field(default=None, kw_only=True)
    # The time since (or until) the event that a patient must be in to be eligible, in days.
    eligible: Range | None = field(default=None, kw_only=True)
    entity: str | None = field(default=None, kw_only=True)  # id of the Entity it constrains
    # The anchor as written where it is a reference named in the text ("any
    # HER2-targeted therapy" for anchor "prior_therapy"), else None.
    anchor_text: str | None = field(default=None, kw_only=True)
    # The subgroup the window applies to ("for part A", "for women"), as for thresholds.
    condition: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Concept(_Record):
    """What an entity names, from the concept lexicon (``models/concepts.jsonl``)."""

    id: str
    name: str
    mesh: str | None = None  # a MeSH descriptor id where one is known


@dataclass(frozen=True)
class Entity(_Record):
    """A condition, drug, procedure, measurement, … a criterion is about.

    ``id`` is ``<criterion id>/e<N>``; ``start``/``end`` index the eligibility text.
    ``assertion`` is how the text states it (present, negated, historical,
    hypothetical, possible, family); ``requirement`` what the criterion asks of it.
    """

    id: str
    type: str
    text: str
    start: int
    end: int
    concept: Concept | None = None
    assertion: str = "present"
    requirement: str | None = None  # required | excluded | allowed
    # Words that narrow what it names, as written before it (models/qualifiers.jsonl):
    # "active", "uncontrolled", "symptomatic", "significant", "mild" / "moderate" / "severe", …
    qualifiers: tuple[str, ...] = ()
    # What found it: "model" (the trained recognizer) or "lexicon" (a name of the
    # concept lexicon, ``ctparse.nlp.mentions``; where both found something, the
    # lexicon's mention is kept: it carries the concept and qualifiers).
    source: str = "model"


@dataclass(frozen=True)
class Criterion(_Record):
    """One atomic criterion. ``start``/``end`` index the eligibility text."""

    id: str
    section: Section
    text: str
    start: int | None
    end: int | None
    parent: str | None = None
    category: str = "other"
    thresholds: tuple[Threshold, ...] = ()
    windows: tuple[Window, ...] = ()
    status: Status = "unparsed"
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True)
class StudyCriteria(_Record):
    """The ``ctparse criteria`` JSON object for one study.

    ``ref`` names the input when ``nct_id`` cannot: the NCT id, else the
    local id, else ``text`` / ``-`` / the path of plain criteria text.
    """

    nct_id: str | None
    criteria: tuple[Criterion, ...] = ()
    ref: str | None = None


# ---------------------------------------------------------------- Comparison


@dataclass(frozen=True)
class StudyRef(_Record):
    nct_id: str | None
    title: str | None
    local_id: str | None = None
    has_criteria: bool = True
    source: str | None = None  # the record's format, e.g. "csv_export"
    linked_from: str | None = None  # what the user named, when read through a stored link


@dataclass(frozen=True)
class FieldDiff(_Record):
    """One study-level field compared."""

    field: str
    a: Any
    b: Any
    verdict: StudyVerdict
    detail: str | None = None


@dataclass(frozen=True)
class Pair(_Record):
    """Two criteria (or one, unmatched) lined up, with the verdict."""

    a: str | None
    b: str | None
    variable: str | None
    verdict: Verdict
    detail: str
    similarity: float | None = None
    a_text: str | None = None  # the criteria as written, for reports
    b_text: str | None = None
    section: str | None = None
    # Every criterion of each side the row stands for (``a``/``b`` first) and their
    # texts: all the limits on one variable, a criterion and the parts of it the other
    # side states apart ("HIV, hepatitis B or C" against three criteria).
    a_ids: tuple[str, ...] = ()
    b_ids: tuple[str, ...] = ()
    a_texts: tuple[str, ...] = ()
    b_texts: tuple[str, ...] = ()
    # How sure the pairing is (1: the same variable; None for a criterion alone), what
    # it was paired by (limits, windows, concepts, text), what it is about in words
    # ("age", "pregnancy or breastfeeding") and the criteria's category.
    confidence: float | None = None
    basis: str | None = None
    about: str | None = None
    category: str | None = None
    # The entities of those criteria, one line each, for reports and hover text:
    # "condition: active tuberculosis = tuberculosis · excluded".
    a_entities: tuple[str, ...] = ()
    b_entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary(_Record):
    same: int = 0
    a_stricter: int = 0
    b_stricter: int = 0
    different: int = 0
    only_a: int = 0
    only_b: int = 0
    # How many criteria each side has: every one of them is in exactly one row.
    a_criteria: int = 0
    b_criteria: int = 0


@dataclass(frozen=True)
class Comparison(_Record):
    """``ctparse compare`` output: two studies lined up."""

    a: StudyRef
    b: StudyRef
    study: tuple[FieldDiff, ...]
    pairs: tuple[Pair, ...]
    summary: Summary
    notes: tuple[str, ...] = ()
