"""``ctparse criteria REF|TEXT...``: atomic criteria, one row each.

``json`` prints a list of ``{"nct_id": ..., "ref": ..., "criteria": [...]}``
objects (DESIGN.md's object, one per study, whatever the number of inputs;
``ref`` tells studies without an NCT id apart), ``jsonl`` one such object
per study and line; ``csv`` one tidy row per criterion (the columns of the
dataset's ``criteria`` table, plus ``ref``); ``table`` and ``markdown`` one
row per criterion with its limits. Inputs are read, parsed (``--workers N``
processes) and written as they come: memory stays flat however many REFs
are given. Every REF is checked before the first is read, and with ``-o
FILE`` a bad record leaves no file behind. A record without criteria text
prints no rows and says so on stderr (it is not an error). Arguments resolve
like those of ``ctparse thresholds`` (:func:`ctparse.refs.load_inputs`): a
file or stdin that is plausibly no record, and an argument that does not
look like a path, are plain criteria text. ``--summary`` adds counts per
section and status on stderr.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import click

from ..refs import no_criteria_note
from ..report import RowStream
from ..schema import Criterion, Study, StudyCriteria
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

COLUMNS = ("id", "parent", "category", "status", "text", "limits")


def _threshold(t: Any) -> str:
    if t.values:
        value = ",".join(f"{v:g}" for v in t.values)
    elif t.value_max is not None and t.value is not None:
        value = f"{t.value:g}-{t.value_max:g}"
    else:
        value = "" if t.value is None else f"{t.value:g}"
    unit = f" {t.unit}" if t.unit else ""
    relative = f" × {t.relative_to}" if t.relative_to else ""
    return f"{t.variable} {t.comparator} {value}{unit}{relative}".strip()


def _window(w: Any) -> str:
    parts = [w.event or "?", w.comparator or "", f"{w.value:g}" if w.value is not None else ""]
    parts += [w.unit or "", w.direction or "", w.anchor or ""]
    return " ".join(p for p in parts if p)


def rows(study: Study, result: StudyCriteria) -> list[dict[str, Any]]:
    """Flat rows, one per criterion."""
    out = []
    for c in result.criteria:
        thresholds = [_threshold(t) for t in c.thresholds]
        windows = [_window(w) for w in c.windows]
        out.append(
            {
                "ref": study.ref,
                "nct_id": result.nct_id,
                "id": c.id,
                "section": c.section,
                "parent": c.parent,
                "category": c.category,
                "status": c.status,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "thresholds": thresholds,
                "windows": windows,
                "limits": "\n".join(thresholds + windows) or None,
            }
        )
    return out


def summary(results: list[tuple[Study, StudyCriteria]]) -> str:
    """Counts per section and status (for stderr)."""
    return "\n".join(summary_of(study, result) for study, result in results)


def summary_of(study: Study, result: StudyCriteria) -> str:
    """One study's line of ``--summary``."""
    sections = Counter(str(c.section) for c in result.criteria)
    statuses = Counter(str(c.status) for c in result.criteria)
    pieces = sum(1 for c in result.criteria if _is_piece(c))
    return (
        f"{study.ref}: {len(result.criteria)} criteria ({pieces} pieces)"
        f" · sections: {_counts(sections)} · status: {_counts(statuses)}"
    )


def csv_columns() -> tuple[str, ...]:
    from ..dataset.rows import CRITERION_COLUMNS

    return ("ref", *CRITERION_COLUMNS)


def _columns(fmt: str, *, several: bool) -> tuple[str, ...]:
    if fmt == "csv":
        return csv_columns()
    return ("ref", *COLUMNS) if several else COLUMNS


def _is_piece(c: Criterion) -> bool:
    return c.parent is not None and c.id.startswith(c.parent + ".")


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "none"


@click.command()
@click.argument("refs", nargs=-1, required=True, metavar="REF|TEXT...")
@format_option()
@output_option
@click.option(
    "--summary", "show_summary", is_flag=True, help="Counts per section/status on stderr."
)
@entities_option
@workers_option
@source_options
def criteria(
    refs: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    show_summary: bool,
    workers: int,
    **kwargs: Any,
) -> None:
    """Split the eligibility criteria of each REF into atomic criteria.

    \b
    One row per criterion: id (inc-3, exc-2.1 for a piece of exc-2), section,
    parent, category, parse status, text, and the thresholds/windows found.
    Offsets (start/end, in json/csv) index the record's criteria text.

    \b
    Examples:
      ctparse criteria NCT05990231
      ctparse criteria --format json corpus/NCT05990231.page.txt
      ctparse criteria --format csv --summary NCT05990231 NCT05894239
      ctparse criteria ~/.cache/ctparse/corpus/NCT*.json -o criteria.jsonl --workers 2
      ctparse criteria my_criteria.txt      (plain criteria text)
      ctparse criteria "ECOG 0-1; ANC >= 1500/mm3"
    """
    from ..dataset.rows import criterion_records
    from .progress import bar_enabled, echo, progress_bar, summary_line
    from .streaming import check, items, parsed

    settings = settings_from(**kwargs)
    fmt = resolve_format(fmt, output)
    check(refs, allow_text=True)
    started = time.perf_counter()
    lines: list[str] = []
    studies = criteria_count = 0
    bar_on = bar_enabled(settings.quiet)
    with progress_bar(enabled=bar_on, unit="inputs") as bar, open_output(output) as stream:
        bar.start(len(refs))
        writer = RowStream(fmt, stream, columns=_columns(fmt, several=len(refs) > 1))
        done = -1
        for item in parsed(
            items(settings, refs, as_study=True), workers=workers, entities=settings.entities
        ):
            study = item.item.study
            assert study is not None
            result = StudyCriteria(nct_id=study.nct_id, criteria=item.criteria, ref=study.ref)
            note = no_criteria_note(study)
            if note and not settings.quiet:
                (bar.say if bar_on else echo)(note)
            writer.object(result.to_dict())
            if fmt == "csv":
                for record in criterion_records(study, result.criteria):
                    writer.row({"ref": study.ref, **record})
            else:
                for row in rows(study, result):
                    writer.row(row)
            if show_summary:
                lines.append(summary_of(study, result))
            studies += 1
            criteria_count += len(result.criteria)
            if item.item.argument > done:
                bar.advance(item.item.argument - done)
                done = item.item.argument
        writer.close()
    if show_summary:
        click.echo("\n".join(lines), err=True)
    if bar_on:
        echo(
            summary_line(
                studies=studies,
                criteria=criteria_count,
                errors=0,
                seconds=time.perf_counter() - started,
            )
        )
