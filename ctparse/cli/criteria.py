"""``ctparse criteria REF|TEXT...``: atomic criteria, one row each.

``json`` prints ``{"nct_id": ..., "ref": ..., "criteria": [...]}`` (DESIGN.md;
a list for several studies; ``ref`` tells studies without an NCT id apart),
``jsonl`` one such object per study and line; ``table``, ``csv`` and
``markdown`` one row per criterion. Every input is read and segmented before
anything is written, so a bad one leaves no output behind. A record without
criteria text prints no rows and says so on stderr (it is not an error).
Arguments resolve like those of ``ctparse thresholds``
(:func:`ctparse.refs.load_inputs`): a file or stdin that is plausibly no
record, and an argument that does not look like a path, are plain criteria
text. ``--summary`` adds counts per section and status on stderr.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import click

from ..refs import CriteriaText, no_criteria_note
from ..report import write
from ..schema import Criterion, Study, StudyCriteria
from .options import (
    entities_option,
    format_option,
    open_output,
    output_option,
    resolve_format,
    settings_from,
    source_options,
)

COLUMNS = ("id", "parent", "category", "status", "text", "limits")
CSV_COLUMNS = (
    "ref",
    "nct_id",
    "id",
    "section",
    "parent",
    "category",
    "status",
    "start",
    "end",
    "text",
    "thresholds",
    "windows",
)


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
    lines = []
    for study, result in results:
        sections = Counter(str(c.section) for c in result.criteria)
        statuses = Counter(str(c.status) for c in result.criteria)
        pieces = sum(1 for c in result.criteria if _is_piece(c))
        lines.append(
            f"{study.ref}: {len(result.criteria)} criteria ({pieces} pieces)"
            f" · sections: {_counts(sections)} · status: {_counts(statuses)}"
        )
    return "\n".join(lines)


def _columns(fmt: str, *, several: bool) -> tuple[str, ...]:
    if fmt == "csv":
        return CSV_COLUMNS
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
@source_options
def criteria(
    refs: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    show_summary: bool,
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
      ctparse criteria my_criteria.txt      (plain criteria text)
      ctparse criteria "ECOG 0-1; ANC >= 1500/mm3"
    """
    from ..nlp.study import studies_criteria

    settings = settings_from(**kwargs)
    studies: list[Study] = []
    for ref in refs:
        for item in settings.inputs(ref):
            studies.append(item.as_study() if isinstance(item, CriteriaText) else item)
    results = [
        (study, dataclasses.replace(result, ref=study.ref))
        for study, result in zip(
            studies, studies_criteria(studies, nlp=settings.nlp()), strict=True
        )
    ]
    if not settings.quiet:
        for study in studies:
            note = no_criteria_note(study)
            if note:
                click.echo(f"ctparse: {note}", err=True)
    fmt = resolve_format(fmt, output)
    all_rows = [row for study, result in results for row in rows(study, result)]
    with open_output(output) as stream:
        write(
            fmt,
            objects=[result.to_dict() for _, result in results],
            rows=all_rows,
            columns=_columns(fmt, several=len(studies) > 1),
            stream=stream,
            single_json=len(refs) == 1 and len(studies) == 1,
        )
    if show_summary:
        click.echo(summary(results), err=True)
