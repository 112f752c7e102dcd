"""``ctparse show REF...``: the normalized study record.

``json`` prints a list of DESIGN.md study objects (a list whatever the
number of studies), ``jsonl`` one object per line, ``csv`` one tidy row per
study (the columns of the dataset's ``studies`` table, plus ``ref``; lists
such as conditions and interventions are tables of their own in ``ctparse
dataset build``); ``table`` and ``markdown`` print a field/value summary
per study. Every REF is read before anything is
written, so a bad REF leaves no output behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..report import write
from ..schema import Study
from .options import (
    format_option,
    open_output,
    output_option,
    resolve_format,
    settings_from,
    source_options,
)

PREVIEW = 400  # characters of criteria text in a table


def _intervention(study: Study) -> list[str]:
    return [f"{i.type}: {i.name}" if i.type else (i.name or "") for i in study.interventions]


def _outcomes(study: Study, kind: str) -> list[str]:
    return [o.measure or "" for o in study.outcomes if o.kind == kind]


def _place(study: Study) -> list[str]:
    return [
        ", ".join(p for p in (loc.facility, loc.city, loc.country) if p) for loc in study.locations
    ]


def _join(*parts: str | None, sep: str = " · ") -> str | None:
    kept = [p for p in parts if p]
    return sep.join(kept) if kept else None


def _criteria_preview(study: Study) -> str:
    text = study.eligibility.criteria_text
    if not text:
        return (
            "not in this record (a CSV export carries no eligibility text)"
            if (study.source.format == "csv_export")
            else "not in this record"
        )
    if len(text) <= PREVIEW:
        return text
    cut = text[:PREVIEW].rsplit(" ", 1)[0]
    return f"{cut} … ({len(text):,} characters in all; --format json prints them)"


def summary_rows(study: Study) -> list[dict[str, Any]]:
    """Field/value rows of the per-study summary (``table``, ``markdown``)."""
    eligibility = study.eligibility
    ages = None
    if eligibility.minimum_age or eligibility.maximum_age:
        ages = (
            f"{eligibility.minimum_age or 'no minimum'} – {eligibility.maximum_age or 'no maximum'}"
        )
    volunteers = {True: "healthy volunteers accepted", False: "no healthy volunteers"}.get(
        eligibility.healthy_volunteers  # type: ignore[arg-type]
    )
    enrollment = None
    if study.enrollment.count is not None:
        enrollment = f"{study.enrollment.count}" + (
            f" ({study.enrollment.type})" if study.enrollment.type else ""
        )
    dates = None
    if study.start_date or study.primary_completion_date or study.completion_date:
        dates = (
            f"start {study.start_date or '?'} · primary completion "
            f"{study.primary_completion_date or '?'} · completion {study.completion_date or '?'}"
        )
    outcome_lines = [
        f"{o.kind}: {o.measure or '?'}" + (f" [{o.time_frame}]" if o.time_frame else "")
        for o in study.outcomes
    ]
    counts = {
        kind: sum(o.kind == kind for o in study.outcomes)
        for kind in ("primary", "secondary", "other")
    }
    if study.outcomes:
        outcome_lines.insert(0, ", ".join(f"{n} {k}" for k, n in counts.items() if n) + ":")
    arm_lines = [
        f"{arm.type or '?'}: {arm.label or '?'}"
        + (f" [{', '.join(arm.interventions)}]" if arm.interventions else "")
        for arm in study.arms
    ]
    fields: list[tuple[str, Any]] = [
        ("id", _join(study.nct_id, study.local_id)),
        ("title", study.brief_title),
        ("official title", study.official_title),
        ("acronym", study.acronym),
        ("status", study.overall_status),
        ("phase", ", ".join(study.phases) or None),
        ("study type", study.study_type),
        (
            "design",
            _join(
                study.design.allocation and f"allocation {study.design.allocation}",
                study.design.intervention_model and f"model {study.design.intervention_model}",
                study.design.masking and f"masking {study.design.masking}",
                study.design.primary_purpose and f"purpose {study.design.primary_purpose}",
            ),
        ),
        ("enrollment", enrollment),
        ("dates", dates),
        ("last update posted", study.last_update_posted),
        ("sponsor", study.sponsor),
        ("collaborators", "\n".join(study.collaborators) or None),
        ("conditions", "\n".join(study.conditions) or None),
        ("keywords", ", ".join(study.keywords) or None),
        (f"arms ({len(study.arms)})", "\n".join(arm_lines) or None),
        (f"interventions ({len(study.interventions)})", "\n".join(_intervention(study)) or None),
        ("outcomes", "\n".join(outcome_lines) or None),
        ("eligibility", _join(eligibility.sex and f"sex {eligibility.sex}", ages, volunteers)),
        ("criteria", _criteria_preview(study)),
        (f"locations ({len(study.locations)})", "\n".join(_place(study)) or None),
        ("source", f"{study.source.format}: {study.source.location}"),
    ]
    return [{"field": name, "value": value} for name, value in fields if value not in (None, "")]


@click.command()
@click.argument("refs", nargs=-1, required=True, metavar="REF...")
@format_option()
@output_option
@source_options
def show(refs: tuple[str, ...], fmt: str | None, output: Path | None, **kwargs: Any) -> None:
    """Print the normalized study record of each REF.

    \b
    Examples:
      ctparse show NCT05990231
      ctparse show --format json NCT05990231 corpus/local-8446462a6559f0be.csv.txt
      curl -s https://clinicaltrials.gov/api/v2/studies/NCT05894239 | ctparse show -
    """
    settings = settings_from(**kwargs)
    fmt = resolve_format(fmt, output)  # a bad -o suffix fails before any reading
    studies: list[Study] = []
    for ref in refs:
        studies.extend(settings.studies(ref))
    with open_output(output) as stream:
        if fmt in ("json", "jsonl", "csv"):
            from ..dataset.rows import STUDY_COLUMNS, study_record

            write(
                fmt,
                objects=[study.to_dict() for study in studies],
                rows=[{"ref": study.ref, **study_record(study)} for study in studies],
                columns=("ref", *STUDY_COLUMNS),
                stream=stream,
            )
            return
        for index, study in enumerate(studies):
            if index:
                stream.write("\n")
            title = study.ref + (f" — {study.title}" if study.title else "")
            write(
                fmt,
                objects=[],
                rows=summary_rows(study),
                columns=("field", "value"),
                stream=stream,
                title=title,
            )
