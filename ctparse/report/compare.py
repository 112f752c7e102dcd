"""Writers for a :class:`~ctparse.schema.Comparison`: table, markdown, csv, json.

Every writer takes the comparison and an open text stream, and every one of
them starts with the notes (for instance "B has no eligibility criteria in its
record"), so that nobody reads a column of ``only_a`` without knowing why.
The HTML writer is in :mod:`ctparse.report.html`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any, TextIO

from ..schema import Comparison, FieldDiff, Pair, StudyRef

FORMATS = ("table", "markdown", "json", "jsonl", "csv", "html")

VERDICTS = ("same", "a_stricter", "b_stricter", "different", "only_a", "only_b")
LABELS = {
    "same": "same",
    "a_stricter": "A stricter",
    "b_stricter": "B stricter",
    "different": "different",
    "only_a": "only A",
    "only_b": "only B",
}
#: rich styles of the terminal table, by verdict.
STYLES = {
    "same": "green",
    "a_stricter": "bold dark_orange",
    "b_stricter": "bold magenta",
    "different": "bold red",
    "only_a": "cyan",
    "only_b": "blue",
}
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
#: Differences made with less confidence than this are not in the at-a-glance box.
GLANCE_CONFIDENCE = 0.6
#: The at-a-glance box lists differences of thresholds first, then of windows.
_BASIS_ORDER = {"limits": 0, "windows": 1, "concepts": 2, "text": 3}
#: criteria longer than this are shortened in the table and Markdown (never in CSV/JSON/HTML).
SHORT = 220


def write_comparison(fmt: str, comparison: Comparison, stream: TextIO) -> None:
    """Write ``comparison`` to ``stream`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        stream.write(comparison.to_json() + "\n")
    elif fmt == "jsonl":
        stream.write(comparison.to_json(indent=None) + "\n")
    elif fmt == "csv":
        write_csv(comparison, stream)
    elif fmt == "markdown":
        write_markdown(comparison, stream)
    elif fmt == "table":
        write_table(comparison, stream)
    elif fmt == "html":
        from .html import write_html

        write_html(comparison, stream)
    else:  # pragma: no cover - click validates choices
        raise ValueError(f"unknown format {fmt!r}")


# ------------------------------------------------------------------ helpers


def ref_name(ref: StudyRef) -> str:
    """A study's id; a record read through a stored link says what it was named."""
    name = ref.nct_id or ref.local_id or "(no id)"
    return f"{name} (for {ref.linked_from})" if ref.linked_from else name


def value_text(value: Any) -> str:
    """A study-level value as one line of text."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(value_text(v) for v in value) if value else "—"
    return pretty(str(value))


def pretty(text: str) -> str:
    """Registry enums as words: PHASE2 → Phase 2, SINGLE_GROUP → Single group, NA → N/A."""
    if not re.fullmatch(r"[A-Z][A-Z0-9_]+", text):
        return text
    if text == "NA":
        return "N/A"
    if text == "NONE":  # the only enum with this value is masking
        return "None (open label)"
    phase = re.fullmatch(r"(EARLY_)?PHASE(\d)", text)
    if phase:
        return ("Early phase " if phase.group(1) else "Phase ") + phase.group(2)
    return text.replace("_", " ").capitalize()


def short(text: str | None, limit: int = SHORT) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary_text(comparison: Comparison) -> str:
    """Rows by verdict, and how many criteria of each side they hold (all of them)."""
    counts = comparison.summary.to_dict()
    said = ", ".join(f"{counts[v]} {LABELS[v]}" for v in VERDICTS)
    if counts.get("a_criteria") or counts.get("b_criteria"):
        said += f" ({counts['a_criteria']} criteria of A and {counts['b_criteria']} of B, each in one row)"
    return said


def highlights(comparison: Comparison) -> list[str]:
    """A few sentences saying how the two studies differ, most telling first."""
    lines = []
    rows = comparison.study
    for row in rows:
        if row.verdict == "different" and not row.field.startswith("outcome: "):
            name = row.field.replace("_", " ")
            what = row.detail or f"A {value_text(row.a)}; B {value_text(row.b)}"
            lines.append(f"{name.capitalize()}: {what}.")
    outcomes_same = [
        r.field[9:] for r in rows if r.field.startswith("outcome: ") and r.verdict == "same"
    ]
    outcomes_diff = [
        r.field[9:] for r in rows if r.field.startswith("outcome: ") and r.verdict == "different"
    ]
    if outcomes_same:
        lines.append("Same endpoint, role and time frame: " + ", ".join(outcomes_same) + ".")
    if outcomes_diff:
        lines.append("Same endpoint, other role or time frame: " + ", ".join(outcomes_diff) + ".")
    for side in ("a", "b"):
        alone = [r.field for r in rows if r.verdict == f"only_{side}"]
        fields = [f.replace("_", " ") for f in alone if not f.startswith("outcome: ")]
        outcomes = [f.removeprefix("outcome: ") for f in alone if f.startswith("outcome: ")]
        if fields:
            lines.append(f"Stated by {side.upper()} only: " + ", ".join(fields) + ".")
        if outcomes:
            lines.append(f"Outcomes of {side.upper()} only: " + ", ".join(outcomes) + ".")
    lines.extend(criteria_highlights(comparison))
    lines.append(f"Criteria: {summary_text(comparison)}.")
    return lines


def row_name(pair: Pair) -> str:
    """What a row is about, in a few words ("age", "pregnancy or breastfeeding")."""
    if pair.about:
        return short(pair.about, 60)
    return short(pair.a_text or pair.b_text or "", 40)


def criteria_highlights(comparison: Comparison) -> list[str]:
    """The confident differences between the criteria: thresholds first, then windows,
    then the rest; each named by what it is about, never by a criterion id."""
    confident = sorted(
        (
            p
            for p in comparison.pairs
            if p.verdict in ("a_stricter", "b_stricter", "different")
            and (p.confidence or 0.0) >= GLANCE_CONFIDENCE
        ),
        key=lambda p: _BASIS_ORDER.get(p.basis or "", 4),
    )
    lines = []
    for verdict in ("a_stricter", "b_stricter", "different"):
        names = list(dict.fromkeys(row_name(p) for p in confident if p.verdict == verdict))
        if names:
            lines.append(f"{LABELS[verdict].capitalize()} on: " + "; ".join(names) + ".")
    return lines


def criteria_sides(comparison: Comparison) -> tuple[str, ...]:
    """The sides ("a", "b") that get a column in the criteria table: a record
    without eligibility criteria gets none (every cell would be empty; the
    notes say why). JSON and CSV keep both sides."""
    return tuple(
        side
        for side, ref in (("a", comparison.a), ("b", comparison.b))
        if ref.has_criteria or any((p.a if side == "a" else p.b) for p in comparison.pairs)
    )


def collapsed_note(side: str, ref: StudyRef) -> str:
    """The line that stands in for a left-out criteria column."""
    return (
        f"No column for {side.upper()} ({ref_name(ref)}): its record has no eligibility criteria."
    )


def row_criteria(pair: Pair, side: str) -> list[tuple[str, str]]:
    """(id, text) of every criterion of one side of a row, the shown one first."""
    ids, texts = (pair.a_ids, pair.a_texts) if side == "a" else (pair.b_ids, pair.b_texts)
    if ids and len(ids) == len(texts):
        return list(zip(ids, texts, strict=True))
    cid, text = (pair.a, pair.a_text) if side == "a" else (pair.b, pair.b_text)
    return [(cid, text or "")] if cid else []


def criterion_cell(pair: Pair, side: str, *, joiner: str = "\n") -> str:
    """Every criterion of one side of a row: "[inc-2] text", one per line."""
    return joiner.join(f"[{cid}] {short(text)}" for cid, text in row_criteria(pair, side))


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


def _md(text: Any) -> str:
    cell = text if isinstance(text, str) else value_text(text)
    # Intraword underscores ("only_a") are not emphasis in GFM; leave them.
    for char in ("\\", "|", "<", ">", "*", "`", "[", "]"):
        cell = cell.replace(char, "\\" + char)
    return " ".join(cell.split())


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
            f"| {_md(row.field)} | {_md(row.a)} | {_md(row.b)} | {LABELS[row.verdict]} "
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
