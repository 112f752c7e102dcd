"""Writers for a :class:`~ctparse.schema.Comparison`: table, markdown, csv, json.

Every writer takes the comparison and an open text stream, and every one of
them starts with the notes (for instance "B has no eligibility criteria in its
record"), so that nobody reads a column of ``only_a`` without knowing why.
The HTML writer is in :mod:`ctparse.report.html`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, TextIO

from ..schema import Comparison, FieldDiff
from .escape import markdown
from .summary import (
    LABELS,
    STYLES,
    collapsed_note,
    criteria_sides,
    criterion_cell,
    highlights,
    ref_name,
    row_criteria,
    summary_text,
    value_text,
)

CSV_COLUMNS = (
    "level",
    "field",
    "variable",
    "section",
    "a_id",
    "b_id",
    "a",
    "b",
    "verdict",
    "detail",
    "similarity",
    # Every criterion of the row, "; "-joined (a_id/b_id are the first), and how the
    # row was made.
    "a_ids",
    "b_ids",
    "confidence",
    "basis",
    "about",
    "category",
)


# ---------------------------------------------------------------------- csv


def csv_rows(comparison: Comparison) -> Iterator[dict[str, Any]]:
    """Long format: the notes, then one row per study field, then one per pair."""
    for note in comparison.notes:
        yield {"level": "note", "detail": note}
    for row in comparison.study:
        yield {
            "level": "study",
            "field": row.field,
            "a": _csv_value(row.a),
            "b": _csv_value(row.b),
            "verdict": row.verdict,
            "detail": row.detail,
        }
    for pair in comparison.pairs:
        yield {
            "level": "criterion",
            "variable": pair.variable,
            "section": pair.section,
            "a_id": pair.a,
            "b_id": pair.b,
            "a": "\n".join(t for _, t in row_criteria(pair, "a")) or None,
            "b": "\n".join(t for _, t in row_criteria(pair, "b")) or None,
            "verdict": pair.verdict,
            "detail": pair.detail,
            "similarity": pair.similarity,
            "a_ids": "; ".join(pair.a_ids),
            "b_ids": "; ".join(pair.b_ids),
            "confidence": pair.confidence,
            "basis": pair.basis,
            "about": pair.about,
            "category": pair.category,
        }


def _csv_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_csv(comparison: Comparison, stream: TextIO) -> None:
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(comparison):
        writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in CSV_COLUMNS})


# ----------------------------------------------------------------- markdown


def _md(value: Any) -> str:
    return markdown(value if isinstance(value, str) else value_text(value))


def write_markdown(comparison: Comparison, stream: TextIO) -> None:
    a, b = comparison.a, comparison.b
    stream.write(f"# {_md(ref_name(a))} vs {_md(ref_name(b))}\n\n")
    for side, ref in (("A", a), ("B", b)):
        stream.write(f"* **{side}**: {_md(ref_name(ref))} — {_md(ref.title or 'untitled')}\n")
    stream.write("\n")
    if comparison.notes:
        notes = (f"> **Note:** {_md(note)}" for note in comparison.notes)
        stream.write("\n>\n".join(notes) + "\n\n")
    stream.write("## At a glance\n\n")
    stream.write("".join(f"* {_md(line)}\n" for line in highlights(comparison)) + "\n")
    stream.write("## Study design\n\n| field | A | B | verdict | detail |\n|---|---|---|---|---|\n")
    for row in comparison.study:
        stream.write(
            f"| {_md(row.field)} | {markdown(value_text(row.a))} | {markdown(value_text(row.b))} "
            f"| {LABELS[row.verdict]} "
            f"| {_md(row.detail or '')} |\n"
        )
    stream.write("\n## Eligibility criteria\n\n")
    sides = criteria_sides(comparison)
    for side, ref in (("a", a), ("b", b)):
        if side not in sides:
            stream.write(f"_{_md(collapsed_note(side, ref))}_\n\n")
    head = ["verdict", "variable", *(side.upper() for side in sides), "detail"]
    stream.write("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
    for pair in comparison.pairs:
        cells = [
            LABELS[pair.verdict],
            _md(pair.variable or ""),
            *(_md(criterion_cell(pair, side, joiner=" · ")) for side in sides),
            _md(pair.detail),
        ]
        stream.write("| " + " | ".join(cells) + " |\n")


# -------------------------------------------------------------------- table


def write_table(comparison: Comparison, stream: TextIO) -> None:
    """Two rich tables (study design, criteria) coloured by verdict."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    terminal = stream.isatty()
    console = Console(file=stream, width=None if terminal else 180, soft_wrap=False)
    a, b = comparison.a, comparison.b
    for side, ref in (("A", a), ("B", b)):
        line = Text(f"{side}  ", style="bold")
        line.append(ref_name(ref), style="bold")
        line.append(f"  {ref.title or 'untitled'}")
        console.print(line)
    for note in comparison.notes:
        console.print(Text("Note: " + note, style="bold yellow"))
    console.print(Text("At a glance", style="bold underline"))
    for sentence in highlights(comparison):
        console.print(Text("  • " + sentence))

    def verdict(v: str) -> Text:
        return Text(LABELS[v], style=STYLES[v])

    study = Table(title="Study design", title_justify="left", show_lines=False)
    for column in ("field", "A", "B", "verdict", "detail"):
        study.add_column(column, overflow="fold")
    for row in comparison.study:
        study.add_row(
            Text(row.field), *_study_cells(row), verdict(row.verdict), Text(row.detail or "")
        )
    console.print(study)

    sides = criteria_sides(comparison)
    for side, ref in (("a", a), ("b", b)):
        if side not in sides:
            console.print(Text(collapsed_note(side, ref), style="yellow"))
    criteria = Table(
        title=f"Eligibility criteria: {summary_text(comparison)}",
        title_justify="left",
        show_lines=True,
    )
    criteria.add_column("verdict", no_wrap=True)
    criteria.add_column("variable", no_wrap=True)
    for side in sides:
        criteria.add_column(side.upper(), ratio=3, overflow="fold")
    criteria.add_column("detail", ratio=3, overflow="fold")
    for pair in comparison.pairs:
        criteria.add_row(
            verdict(pair.verdict),
            Text(pair.variable or ""),
            *(Text(criterion_cell(pair, side)) for side in sides),
            Text(pair.detail, style=STYLES[pair.verdict] if pair.verdict != "same" else ""),
        )
    console.print(criteria)


def _study_cells(row: FieldDiff) -> tuple[Any, Any]:
    from rich.text import Text

    return Text(value_text(row.a)), Text(value_text(row.b))
