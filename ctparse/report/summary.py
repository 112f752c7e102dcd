"""What every comparison report says the same way: study names, study-level
values in words, the verdict labels, the at-a-glance sentences.

Shared by the text writers (:mod:`ctparse.report.compare`) and the HTML report
(:mod:`ctparse.report.html`), so that both say the same thing.
"""

from __future__ import annotations

import re
from typing import Any

from ..schema import Comparison, Pair, StudyRef

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
#: Differences made with less confidence than this are not in the at-a-glance box.
GLANCE_CONFIDENCE = 0.6
#: The at-a-glance box lists differences of thresholds first, then of windows.
_BASIS_ORDER = {"limits": 0, "windows": 1, "concepts": 2, "text": 3}
#: criteria longer than this are shortened in the table and Markdown (never in CSV/JSON/HTML).
SHORT = 220


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
