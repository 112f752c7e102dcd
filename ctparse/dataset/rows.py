"""Studies and their criteria as tidy rows: one tuple per row, in the column
order of :mod:`ctparse.dataset.tables`.

Pure functions of values (no I/O, no NLP): the part writer, the CLI's CSV
output and the tests all use them, so that a threshold reads the same in
``thresholds --format csv`` as in the ``thresholds`` table.

    rows = study_rows(study, result, input="NCT05990231.json", provenance=("0.1.0", "ab12"))
    rows["thresholds"][0]      # (study_id, nct_id, criterion_id, ..., ctparse_version, rules_version)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from ..schema import Criterion, Range, Study, StudyCriteria, Threshold, Window
from .tables import TABLES

Row = tuple[Any, ...]
Provenance = tuple[str, str]  # (ctparse version, rules version)

_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+?)s?\s*")
_AGE_UNITS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365, "day": 1 / 365, "hour": 1 / 8760}


def study_id(study: Study) -> str:
    """The key of a study: NCT id, else local id, else a digest of its content.

    A record that has neither (a row of a CSV table without NCT ids) gets a
    ``local-`` id from its normalized content, stable across runs.
    """
    if study.nct_id:
        return study.nct_id
    if study.local_id:
        return study.local_id
    content = {k: v for k, v in study.to_dict().items() if k != "source"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()
    return f"local-{digest[:16]}"


def age_in_years(text: str | None) -> float | None:
    """``"18 Years"`` → 18.0, ``"6 Months"`` → 0.5, ``"N/A"`` → None."""
    if not text:
        return None
    match = _AGE.fullmatch(text)
    if not match or match.group(2).lower() not in _AGE_UNITS:
        return None
    return float(f"{float(match.group(1)) * _AGE_UNITS[match.group(2).lower()]:.6g}")


def iso_date(text: str | None) -> dt.date | None:
    """A full ISO date, else None (``2024-02`` names no day and stays null)."""
    if not text or len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _range(eligible: Range | None) -> Row:
    if eligible is None:
        return (None, None, None, None)
    return (
        eligible.lower,
        eligible.lower_inclusive,
        eligible.upper,
        eligible.upper_inclusive,
    )


def _criterion_row(key: str, nct_id: str | None, index: int, c: Criterion, p: Provenance) -> Row:
    return (
        key,
        nct_id,
        c.id,
        index,
        c.section,
        c.parent,
        c.category,
        c.status,
        c.text,
        c.start,
        c.end,
        len(c.thresholds),
        len(c.windows),
        len(c.entities),
        *p,
    )


def threshold_row(
    key: str, nct_id: str | None, index: int, c: Criterion, n: int, t: Threshold, p: Provenance
) -> Row:
    """One row of ``thresholds``."""
    normalized = t.normalized
    return (
        key,
        nct_id,
        c.id,
        index,
        n,
        c.section,
        t.variable,
        t.entity,
        t.entity_id,
        t.comparator,
        t.value,
        t.value_max,
        list(t.values) if t.values is not None else None,
        t.unit,
        t.relative_to,
        normalized.value if normalized else None,
        normalized.value_max if normalized else None,
        normalized.unit if normalized else None,
        *_range(t.eligible),
        list(t.eligible_values) if t.eligible_values is not None else None,
        t.comparator_inferred,
        t.suspect.reason if t.suspect else None,
        t.suspect.unit if t.suspect else None,
        t.requirement,
        t.condition,
        t.group,
        t.source,
        t.start,
        t.end,
        *p,
    )


def window_row(
    key: str, nct_id: str | None, index: int, c: Criterion, n: int, w: Window, p: Provenance
) -> Row:
    """One row of ``windows``."""
    return (
        key,
        nct_id,
        c.id,
        index,
        n,
        c.section,
        w.event,
        w.comparator,
        w.value,
        w.value_max,
        w.unit,
        w.days,
        w.days_max,
        w.direction,
        w.anchor,
        w.requirement,
        *_range(w.eligible),
        w.entity,
        w.start,
        w.end,
        *p,
    )


def _study_row(
    key: str, study: Study, input: str, criteria: tuple[Criterion, ...], p: Provenance
) -> Row:
    design, eligibility = study.design, study.eligibility
    return (
        key,
        study.nct_id,
        study.local_id,
        input,
        study.source.format,
        iso_date(study.last_update_posted),
        study.brief_title,
        study.official_title,
        study.acronym,
        study.overall_status,
        "/".join(study.phases) or None,
        study.study_type,
        design.allocation,
        design.intervention_model,
        design.masking,
        design.primary_purpose,
        study.enrollment.count,
        study.enrollment.type,
        study.start_date,
        study.primary_completion_date,
        study.completion_date,
        study.sponsor,
        eligibility.sex,
        eligibility.minimum_age,
        age_in_years(eligibility.minimum_age),
        eligibility.maximum_age,
        age_in_years(eligibility.maximum_age),
        eligibility.healthy_volunteers,
        eligibility.criteria_text,
        len(criteria),
        sum(len(c.thresholds) for c in criteria),
        sum(len(c.windows) for c in criteria),
        *p,
    )


def empty_rows() -> dict[str, list[Row]]:
    """A fresh ``{table: []}`` for every table."""
    return {name: [] for name in TABLES}


def study_rows(
    study: Study,
    result: StudyCriteria,
    *,
    input: str,
    provenance: Provenance,
    into: dict[str, list[Row]] | None = None,
) -> dict[str, list[Row]]:
    """Every row one parsed study contributes, per table (``errors`` excepted).

    Args:
        input: where the record was read from (the ``input`` column).
        into: append to these lists instead of new ones.
    """
    rows = into if into is not None else empty_rows()
    key = study_id(study)
    nct_id = study.nct_id
    p = provenance
    criteria = result.criteria
    rows["studies"].append(_study_row(key, study, input, criteria, p))
    for index, c in enumerate(criteria):
        rows["criteria"].append(_criterion_row(key, nct_id, index, c, p))
        for n, t in enumerate(c.thresholds):
            rows["thresholds"].append(threshold_row(key, nct_id, index, c, n, t, p))
        for n, w in enumerate(c.windows):
            rows["windows"].append(window_row(key, nct_id, index, c, n, w, p))
        for n, e in enumerate(c.entities):
            concept = e.concept
            rows["entities"].append(
                (
                    key,
                    nct_id,
                    c.id,
                    index,
                    n,
                    e.id,
                    e.type,
                    e.text,
                    e.start,
                    e.end,
                    concept.id if concept else None,
                    concept.name if concept else None,
                    concept.mesh if concept else None,
                    e.assertion,
                    e.requirement,
                    "; ".join(e.qualifiers) or None,
                    e.source,
                    *p,
                )
            )
    for n, condition in enumerate(study.conditions):
        rows["conditions"].append((key, nct_id, n, condition, *p))
    for n, i in enumerate(study.interventions):
        rows["interventions"].append((key, nct_id, n, i.type, i.name, i.description, *p))
    for n, o in enumerate(study.outcomes):
        rows["outcomes"].append(
            (key, nct_id, n, o.kind, o.measure, o.description, o.time_frame, *p)
        )
    return rows


def error_row(
    input: str, study: str | None, stage: str, reason: str, provenance: Provenance
) -> Row:
    """One row of ``errors``; the reason is flattened to one line."""
    return (input, study, stage, " ".join(reason.split()), *provenance)


def as_dicts(table: str, rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Rows as dicts keyed by column name (for CSV and JSON writers)."""
    names = TABLES[table].names
    return [dict(zip(names, row, strict=True)) for row in rows]


# ---------------------------------------------------- CSV rows for the CLI

_PROVENANCE = ("ctparse_version", "rules_version")
#: ``ctparse show --format csv``: the ``studies`` columns known without parsing.
STUDY_COLUMNS = tuple(
    c
    for c in TABLES["studies"].names
    if c not in (*_PROVENANCE, "n_criteria", "n_thresholds", "n_windows")
)
#: ``ctparse criteria --format csv``: the ``criteria`` columns.
CRITERION_COLUMNS = tuple(c for c in TABLES["criteria"].names if c not in _PROVENANCE)
#: ``ctparse thresholds --format csv``: ``thresholds`` and ``windows`` in one tidy table.
LIMIT_COLUMNS = (
    "study_id",
    "nct_id",
    "criterion_id",
    "criterion_index",
    "section",
    "criterion_status",
    "kind",
    "index",
    "variable",
    "event",
    "entity",
    "entity_id",
    "comparator",
    "value",
    "value_max",
    "values",
    "unit",
    "relative_to",
    "normalized_value",
    "normalized_value_max",
    "normalized_unit",
    "days",
    "days_max",
    "direction",
    "anchor",
    "requirement",
    "eligible_lower",
    "eligible_lower_inclusive",
    "eligible_upper",
    "eligible_upper_inclusive",
    "eligible_values",
    "comparator_inferred",
    "suspect",
    "suspect_unit",
    "condition",
    "group",
    "source",
    "start",
    "end",
    "criterion_text",
)
_NO_PROVENANCE: Provenance = ("", "")


def study_record(study: Study, *, input: str | None = None) -> dict[str, Any]:
    """One study as the ``studies`` table has it (the columns of :data:`STUDY_COLUMNS`)."""
    row = _study_row(study_id(study), study, input or study.source.location, (), _NO_PROVENANCE)
    record = dict(zip(TABLES["studies"].names, row, strict=True))
    return {k: record[k] for k in STUDY_COLUMNS}


def criterion_records(study: Study, criteria: Iterable[Criterion]) -> list[dict[str, Any]]:
    """One dict per criterion, the columns of :data:`CRITERION_COLUMNS`."""
    key, names = study_id(study), TABLES["criteria"].names
    records = []
    for index, c in enumerate(criteria):
        record = dict(
            zip(names, _criterion_row(key, study.nct_id, index, c, _NO_PROVENANCE), strict=True)
        )
        records.append({k: record[k] for k in CRITERION_COLUMNS})
    return records


def limit_records(study: Study, criteria: Iterable[Criterion]) -> list[dict[str, Any]]:
    """One dict per threshold and per window, the columns of :data:`LIMIT_COLUMNS`."""
    key, nct_id = study_id(study), study.nct_id
    out: list[dict[str, Any]] = []
    for index, c in enumerate(criteria):
        context = {"criterion_status": c.status, "criterion_text": c.text}
        for n, t in enumerate(c.thresholds):
            row = dict(
                zip(
                    TABLES["thresholds"].names,
                    threshold_row(key, nct_id, index, c, n, t, _NO_PROVENANCE),
                    strict=True,
                )
            )
            row.update(context, kind="threshold", index=n)
            out.append({k: row.get(k) for k in LIMIT_COLUMNS})
        for n, w in enumerate(c.windows):
            row = dict(
                zip(
                    TABLES["windows"].names,
                    window_row(key, nct_id, index, c, n, w, _NO_PROVENANCE),
                    strict=True,
                )
            )
            row.update(context, kind="window", index=n, variable=None)
            out.append({k: row.get(k) for k in LIMIT_COLUMNS})
    return out
