"""``ctparse thresholds REF|TEXT...``: thresholds and time windows, one row each.

Arguments resolve like those of ``ctparse criteria``
(:func:`ctparse.refs.load_inputs`): ``-``, an existing file, an NCT / local
id; a file or stdin that is plausibly no record is plain criteria text, and
so is any other argument that does not look like a path
(``ctparse thresholds "ANC ≥ 1.5 × 10^9/L"``); ``missing.json`` is an error.
Each row carries its criterion id, section, status and text, so every limit
can be traced back to where it was written. ``json`` is always a list (one
object per threshold or window), ``jsonl`` one object per line, ``csv`` one
tidy row per limit (the columns of the dataset's ``thresholds`` and
``windows`` tables in one: normalized value and unit, eligible lower/upper
and inclusiveness, direction, anchor, condition, group, offsets).
Inputs are read, parsed (``--workers N`` processes, each loading the
pipeline once) and written as they come, so memory stays flat.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..refs import no_criteria_note
from ..report import RowStream
from ..schema import Criterion, Range, Study, Threshold, Window
from .options import (
    entities_option,
    format_option,
    open_output,
    output_option,
    resolve_format,
    settings_from,
    source_options,
    workers_option,
)

COLUMNS = (
    "ref",
    "criterion",
    "section",
    "kind",
    "variable",
    "comparator",
    "value",
    "unit",
    "normalized",
    "eligible",
    "detail",
    "status",
    "text",
)
# A terminal table has no room for 13 columns: comparator, value and unit read
# as one "limit", and the section, kind and status are implied by the id.
TABLE_COLUMNS = ("criterion", "variable", "limit", "normalized", "eligible", "detail", "text")


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _range(threshold: Threshold) -> str | None:
    unit = threshold.normalized.unit if threshold.normalized else None
    return _written_range(threshold.eligible, unit)


def _written_range(e: Range | None, unit: str | None) -> str | None:
    """``[1.5, inf) 10^9/L``; a window's in days since its event: ``(28, inf) days``."""
    if e is None:
        return None
    return e.interval() + (f" {unit}" if unit else "")


def threshold_row(ref: str, criterion: Criterion, t: Threshold) -> dict[str, Any]:
    if t.values is not None:
        value = "{" + ", ".join(_fmt(v) for v in t.values) + "}"
    elif t.value_max is not None:
        value = f"{_fmt(t.value)}–{_fmt(t.value_max)}"
    else:
        value = _fmt(t.value)
    normalized = None
    if t.normalized is not None and t.normalized.value is not None and t.values is None:
        normalized = _fmt(t.normalized.value)
        if t.normalized.value_max is not None:
            normalized += f"–{_fmt(t.normalized.value_max)}"
        if t.normalized.unit:
            times = "× " if t.relative_to and t.relative_to != "percentile" else ""
            normalized += f" {times}{t.normalized.unit}"
    detail = "; ".join(
        part
        for part in (
            f"entity: {t.entity}" if t.entity else None,
            f"if: {t.condition}" if t.condition else None,
            f"group: {t.group}" if t.group else None,
            "structured field" if t.source == "structured" else None,
            "comparator inferred" if t.comparator_inferred else None,
            _suspect(t),
        )
        if part
    )
    row = {
        "ref": ref,
        "criterion": criterion.id,
        "section": criterion.section,
        "kind": "threshold",
        "variable": t.variable,
        "comparator": t.comparator,
        "value": value,
        "unit": (
            t.unit
            if not t.relative_to
            else "percentile"
            if t.relative_to == "percentile"
            else f"× {t.relative_to}"
        ),
        "normalized": normalized,
        "eligible": _range(t),
        "detail": detail or None,
        "status": criterion.status,
        "text": criterion.text,
    }
    row["limit"] = _limit(row)
    return row


def _suspect(t: Threshold) -> str | None:
    """ "suspect: implausible (probably g/dL: 20 g/L)"."""
    if t.suspect is None:
        return None
    meant = t.suspect.normalized
    if t.suspect.unit and meant is not None and meant.value is not None:
        return f"suspect: {t.suspect.reason} (probably {t.suspect.unit}: {_fmt(meant.value)} {meant.unit})"
    return f"suspect: {t.suspect.reason}"


def window_row(ref: str, criterion: Criterion, w: Window) -> dict[str, Any]:
    detail = "; ".join(
        part
        for part in (
            w.direction,
            f"anchor: {w.anchor}" if w.anchor else None,
            f"({w.anchor_text})" if w.anchor_text else None,
            f"if: {w.condition}" if w.condition else None,
        )
        if part
    )
    value = _fmt(w.value)
    if w.value_max is not None:
        value = f"{value}–{_fmt(w.value_max)}"
    days = None
    if w.days is not None:
        days = _fmt(w.days) + (f"–{_fmt(w.days_max)}" if w.days_max is not None else "")
    row = {
        "ref": ref,
        "criterion": criterion.id,
        "section": criterion.section,
        "kind": "window",
        "variable": w.event,
        "comparator": w.comparator,
        "value": value,
        "unit": w.unit,
        "normalized": f"{days} days" if days is not None else None,
        "eligible": _written_range(w.eligible, "days"),
        "detail": detail or None,
        "status": criterion.status,
        "text": criterion.text,
    }
    row["limit"] = _limit(row)
    return row


def _limit(row: dict[str, Any]) -> str:
    """Comparator, value and unit as one phrase: ``>= 1.5 × 10^9/L``."""
    return " ".join(str(row[k]) for k in ("comparator", "value", "unit") if row.get(k))


def rows_and_objects(
    ref: str, criteria: Iterable[Criterion]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Table rows and JSON objects (one per threshold / window).

    Each limit is on one criterion only: the pipeline reports a limit inside
    a piece on the piece, not on the packed line it was split from.
    """
    rows: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    for criterion in criteria:
        context = {
            "ref": ref,
            "criterion": criterion.id,
            "section": criterion.section,
            "status": criterion.status,
            "criterion_text": criterion.text,
        }
        for t in criterion.thresholds:
            rows.append(threshold_row(ref, criterion, t))
            objects.append({**context, "kind": "threshold", **t.to_dict()})
        for w in criterion.windows:
            rows.append(window_row(ref, criterion, w))
            objects.append({**context, "kind": "window", **w.to_dict()})
    return rows, objects


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="REF|TEXT...")
@format_option()
@output_option
@workers_option
@entities_option
@source_options
def thresholds(
    inputs: tuple[str, ...], fmt: str | None, output: Path | None, workers: int, **kwargs: Any
) -> None:
    """Thresholds and time windows of each REF or criteria TEXT, one row each.

    \b
    Examples:
      ctparse thresholds NCT05990231
      ctparse thresholds "ANC ≥ 1.5 × 10^9/L; platelets ≥ 100,000/mm³"
      ctparse thresholds corpus/*.json --workers 2 -o thresholds.csv
    """
    from ..dataset.rows import LIMIT_COLUMNS, limit_records
    from .progress import bar_enabled, echo, progress_bar, summary_line
    from .streaming import check, items, parsed

    settings = settings_from(**kwargs)
    fmt = resolve_format(fmt, output)
    check(inputs, allow_text=True)
    if fmt == "csv":
        columns: tuple[str, ...] = ("ref", *LIMIT_COLUMNS)
    elif fmt == "table":
        columns = ("ref", *TABLE_COLUMNS) if len(inputs) > 1 else TABLE_COLUMNS
    else:
        columns = COLUMNS
    started = time.perf_counter()
    studies = criteria_count = 0
    bar_on = bar_enabled(settings.quiet)
    with progress_bar(enabled=bar_on, unit="inputs") as bar, open_output(output) as stream:
        bar.start(len(inputs))
        writer = RowStream(fmt, stream, columns=columns, title="thresholds")
        done = -1
        for result in parsed(
            items(settings, inputs, as_study=False), workers=workers, entities=settings.entities
        ):
            ref, study = result.item.ref, result.item.study
            note = no_criteria_note(study) if study is not None else None
            if note and not settings.quiet:
                (bar.say if bar_on else echo)(note)
            table_rows, objects = rows_and_objects(ref, result.criteria)
            for obj in objects:
                writer.object(obj)
            if fmt == "csv":
                source = study if study is not None else _text_study(ref)
                for record in limit_records(source, result.criteria):
                    writer.row({"ref": ref, **record})
            else:
                for row in table_rows:
                    writer.row(row)
            studies += 1
            criteria_count += len(result.criteria)
            if result.item.argument > done:
                bar.advance(result.item.argument - done)
                done = result.item.argument
        writer.close()
    if bar_on:
        echo(
            summary_line(
                studies=studies,
                criteria=criteria_count,
                errors=0,
                seconds=time.perf_counter() - started,
            )
        )


def _text_study(ref: str) -> Study:
    """A Study standing for plain criteria text (no ids) in the tidy rows."""
    from ..schema import Source

    return Study(nct_id=None, source=Source(format="plain_text", location=ref), local_id=ref)
