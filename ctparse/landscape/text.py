"""A landscape as rows: the table, markdown and CSV writers.

The rows are built once here (:func:`limit_rows`, :func:`concept_rows`,
:func:`missing_rows`, :func:`criterion_rows`) and the HTML report shows the same
numbers, so every format says the same thing. Registry text goes through the
one escaper of each format (:mod:`ctparse.report.escape`, via
:mod:`ctparse.report.tabular`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from ..report.escape import markdown
from ..report.tabular import write_csv as write_csv_rows
from ..report.tabular import write_markdown as write_markdown_rows
from ..report.tabular import write_table as write_table_rows
from .model import (
    REF_LABELS,
    SIDE_LABELS,
    STANCE_LABELS,
    VERDICT_LABELS,
    VERDICT_ORDER,
    ConceptItem,
    Landscape,
    LimitItem,
    percent,
)
from .query import STANCES

LIMIT_COLUMNS = (
    "item",
    "criteria",
    "REF",
    "trials",
    "share",
    "REF percentile",
    *(VERDICT_LABELS[v] for v in VERDICT_ORDER),
    "no limit",
)
CONCEPT_COLUMNS = (
    "concept",
    "criteria",
    "REF",
    *(STANCE_LABELS[s] for s in (*STANCES, "none")),
)
MISSING_COLUMNS = ("kind", "item", "trials", "share", "detail")
CRITERION_COLUMNS = ("criterion", "text", "item", "REF", "compared trials")
CSV_COLUMNS = (
    "row",
    "criterion_id",
    "section",
    "criterion_text",
    "kind",
    "key",
    "name",
    "unit",
    "ref",
    "ref_stance",
    "compared",
    "trials",
    "share",
    "percentile_lower",
    "percentile_upper",
    *VERDICT_ORDER,
    "mentions",
    *STANCES,
    "none",
    "detail",
)


def header_lines(result: Landscape) -> list[str]:
    """What REF is, what it is compared with, and what was left out."""
    title = f"  {result.title}" if result.title else ""
    left_out = []
    if result.ref_in_dataset:
        left_out.append("REF itself")
    if result.without_criteria:
        left_out.append(f"{result.without_criteria:,} without criteria text")
    where = f"; {result.chosen:,} where {result.where}" if result.where else ""
    lines = [
        f"REF      {result.ref}{title}",
        f"Against  {result.dataset}: {result.compared:,} compared trials "
        f"(of {result.studies:,} studies{where}"
        + (f"; left out: {', '.join(left_out)}" if left_out else "")
        + ")",
    ]
    lines.extend(f"Note: {note}" for note in result.notes)
    return lines


def item_label(item: LimitItem | ConceptItem) -> str:
    """``absolute neutrophil count (anc, 10^9/L)``, ``brain metastases``."""
    if isinstance(item, ConceptItem):
        return item.name
    unit = f", {item.unit}" if item.unit else ""
    key = item.target if item.kind == "limit" else "window"
    return f"{item.name} ({key}{unit})"


def percentile_text(item: LimitItem) -> str:
    """``minimum 80; maximum 45`` (REF's percentile rank per bound it sets)."""
    parts = [
        f"{SIDE_LABELS[s.side]} {s.percentile:.0f}" for s in item.sides if s.percentile is not None
    ]
    return "; ".join(parts)


def limit_summary(item: LimitItem) -> str:
    """One sentence: how many trials limit it, REF's percentile, the verdicts."""
    text = f"{len(item.limited)}/{item.compared} limit it ({percent(len(item.limited), item.compared)})"
    ranks = [
        f"REF's {SIDE_LABELS[s.side]} at percentile {s.percentile:.0f}"
        for s in item.sides
        if s.percentile is not None
    ]
    if ranks:
        text += "; " + ", ".join(ranks)
    if item.verdicts and item.limited:
        counts = [
            f"{VERDICT_LABELS[v]} {len(item.verdicts[v])}"
            for v in VERDICT_ORDER
            if item.verdicts.get(v) or v in ("stricter", "same", "looser")
        ]
        text += "; trials " + ", ".join(counts)
    if item.mentions:
        text += f"; {len(item.mentions)} more only conditionally"
    return text


def concept_summary(item: ConceptItem) -> str:
    counts = [
        f"{STANCE_LABELS[s]} {item.count(s)} ({percent(item.count(s), item.compared)})"
        for s in (*STANCES, "none")
        if item.count(s) or s in ("excluded", "none")
    ]
    return ", ".join(counts)


def limit_rows(result: Landscape) -> list[dict[str, Any]]:
    """One row per limit and window of REF."""
    rows = []
    for item in (*result.limits, *result.windows):
        row: dict[str, Any] = {
            "item": item_label(item),
            "criteria": ", ".join(item.ref_criteria),
            "REF": item.ref_text,
            "trials": len(item.limited),
            "share": percent(len(item.limited), item.compared),
            "REF percentile": percentile_text(item),
            "no limit": item.none,
        }
        for verdict in VERDICT_ORDER:
            ids = item.verdicts.get(verdict)
            row[VERDICT_LABELS[verdict]] = "" if ids is None else len(ids)
        rows.append(row)
    return rows


def concept_rows(result: Landscape) -> list[dict[str, Any]]:
    """One row per concept of REF's criteria."""
    rows = []
    for item in result.concepts:
        row: dict[str, Any] = {
            "concept": item_label(item),
            "criteria": ", ".join(item.ref_criteria),
            "REF": REF_LABELS[item.ref_stance],
        }
        for stance in (*STANCES, "none"):
            row[STANCE_LABELS[stance]] = item.count(stance)
        rows.append(row)
    return rows


def missing_rows(result: Landscape) -> list[dict[str, Any]]:
    return [
        {
            "kind": m.kind,
            "item": m.name
            if m.kind == "concept"
            else f"{m.name} ({m.key}{', ' + m.unit if m.unit else ''})",
            "trials": len(m.study_ids),
            "share": percent(len(m.study_ids), m.compared),
            "detail": m.summary,
        }
        for m in result.missing
    ]


def criterion_rows(result: Landscape) -> list[dict[str, Any]]:
    """One row per item of each criterion (a criterion with none: one row saying so)."""
    rows = []
    for criterion in result.criteria:
        base = {"criterion": criterion.id, "text": criterion.text}
        if not criterion.items:
            rows.append({**base, "item": "", "REF": "", "compared trials": "nothing to compare"})
            continue
        for index, link in enumerate(criterion.items):
            item = result.item(link)
            if item is None:
                continue
            head = base if index == 0 else {"criterion": "", "text": ""}
            if isinstance(item, ConceptItem):
                stance = link.stance or item.ref_stance
                rows.append(
                    {
                        **head,
                        "item": item.name,
                        "REF": REF_LABELS[stance],
                        "compared trials": concept_summary(item),
                    }
                )
            else:
                rows.append(
                    {
                        **head,
                        "item": item_label(item),
                        "REF": item.ref_text,
                        "compared trials": limit_summary(item),
                    }
                )
    return rows


def csv_rows(result: Landscape) -> list[dict[str, Any]]:
    """Tidy rows: one per item of each criterion (``row`` = criterion), then one
    per "missing in REF" item (``row`` = missing)."""
    rows: list[dict[str, Any]] = []
    for criterion in result.criteria:
        for link in criterion.items:
            item = result.item(link)
            if item is None:
                continue
            row: dict[str, Any] = {
                "row": "criterion",
                "criterion_id": criterion.id,
                "section": criterion.section,
                "criterion_text": criterion.text,
                "kind": link.kind,
                "key": link.key,
                "name": item.name,
                "compared": item.compared,
            }
            if isinstance(item, ConceptItem):
                row["ref_stance"] = link.stance or item.ref_stance
                row["trials"] = item.compared - item.none
                for stance in (*STANCES, "none"):
                    row[stance] = item.count(stance)
            else:
                lower, upper = item.lower, item.upper
                row.update(
                    unit=item.unit,
                    ref=item.ref_text,
                    trials=len(item.limited),
                    percentile_lower=_rounded(lower.percentile if lower else None),
                    percentile_upper=_rounded(upper.percentile if upper else None),
                    mentions=len(item.mentions),
                    none=item.none,
                )
                for verdict in VERDICT_ORDER:
                    if verdict in item.verdicts:
                        row[verdict] = len(item.verdicts[verdict])
            row["share"] = round(row["trials"] / item.compared, 4) if item.compared else None
            rows.append(row)
    for m in result.missing:
        rows.append(
            {
                "row": "missing",
                "kind": m.kind,
                "key": m.key,
                "name": m.name,
                "unit": m.unit,
                "compared": m.compared,
                "trials": len(m.study_ids),
                "share": round(m.share, 4),
                "detail": m.summary,
                **{k: len(v) for k, v in m.breakdown.items() if m.kind == "concept"},
            }
        )
    return rows


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def unmatched(result: Landscape) -> tuple[list[str], list[str]]:
    """REF's limits and windows no compared trial has, and its concepts no
    compared trial names (listed in one line each, not as rows of zeros)."""
    limits = [
        f"{item_label(i)} ({', '.join(i.ref_criteria)})"
        for i in (*result.limits, *result.windows)
        if not i.limited and not i.mentions
    ]
    concepts = [
        f"{c.name} ({', '.join(c.ref_criteria)})" for c in result.concepts if c.none == c.compared
    ]
    return limits, concepts


def _sections(result: Landscape) -> list[tuple[str, list[dict[str, Any]], Sequence[str]]]:
    limits = [
        r
        for r, i in zip(limit_rows(result), (*result.limits, *result.windows), strict=True)
        if i.limited or i.mentions
    ]
    concepts = [
        r for r, c in zip(concept_rows(result), result.concepts, strict=True) if c.none < c.compared
    ]
    return [
        ("Limits and time windows", limits, LIMIT_COLUMNS),
        ("Concepts", concepts, CONCEPT_COLUMNS),
        (
            f"Missing in REF (at least {result.min_share:.0%} of the compared trials)",
            missing_rows(result),
            MISSING_COLUMNS,
        ),
        ("By criterion", criterion_rows(result), CRITERION_COLUMNS),
    ]


def _unmatched_lines(result: Landscape) -> list[str]:
    limits, concepts = unmatched(result)
    lines = []
    if limits:
        lines.append("Limits and windows of REF no compared trial has: " + "; ".join(limits))
    if concepts:
        lines.append("Concepts of REF no compared trial names: " + "; ".join(concepts))
    return lines


def write_table(result: Landscape, stream: TextIO) -> None:
    for line in header_lines(result):
        stream.write(line + "\n")
    for title, rows, columns in _sections(result):
        stream.write("\n")
        if rows:
            write_table_rows(rows, columns, stream, title=title)
        else:
            stream.write(f"{title}: none\n")
    for line in _unmatched_lines(result):
        stream.write("\n" + line + "\n")


def write_markdown(result: Landscape, stream: TextIO) -> None:
    stream.write(f"## Landscape of {markdown(result.ref)}\n\n")
    for line in header_lines(result):
        stream.write(markdown(line) + "  \n")
    for title, rows, columns in _sections(result):
        stream.write(f"\n### {markdown(title)}\n\n")
        if rows:
            write_markdown_rows(rows, columns, stream)
        else:
            stream.write("None.\n")
    for line in _unmatched_lines(result):
        stream.write("\n" + markdown(line) + "\n")


def write_csv(result: Landscape, stream: TextIO) -> None:
    write_csv_rows(csv_rows(result), CSV_COLUMNS, stream)


__all__ = ["write_csv", "write_markdown", "write_table"]
