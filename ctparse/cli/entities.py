"""``ctparse entities REF|TEXT...``: conditions, drugs, procedures and measurements,
one row each.

Arguments resolve like those of ``ctparse criteria`` (a record in any format, an
NCT or local id, ``-``, or plain criteria text). Each row is one entity of one
atomic criterion, in the long format curators load into a table: its type, text
and offsets, its concept (id, name, MeSH id), how the text asserts it (present,
negated, historical, hypothetical, possible, family) and what the criterion asks
of it (required, excluded, allowed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..refs import CriteriaText, no_criteria_note
from ..report import write
from ..schema import Study, StudyCriteria
from .options import (
    format_option,
    open_output,
    output_option,
    resolve_format,
    settings_from,
    source_options,
)

COLUMNS = (
    "ref",
    "criterion",
    "section",
    "entity",
    "type",
    "text",
    "concept",
    "concept_name",
    "mesh",
    "assertion",
    "requirement",
    "qualifiers",
    "source",
    "start",
    "end",
)
TABLE_COLUMNS = ("criterion", "type", "text", "concept_name", "assertion", "requirement")


def entity_rows(
    ref: str, result: StudyCriteria
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Table rows and JSON objects, one per entity (criterion order, then text order)."""
    rows: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    for criterion in result.criteria:
        for entity in criterion.entities:
            concept = entity.concept
            rows.append(
                {
                    "ref": ref,
                    "criterion": criterion.id,
                    "section": criterion.section,
                    "entity": entity.id,
                    "type": entity.type,
                    "text": entity.text,
                    "concept": concept.id if concept else None,
                    "concept_name": concept.name if concept else None,
                    "mesh": concept.mesh if concept else None,
                    "assertion": entity.assertion,
                    "requirement": entity.requirement,
                    "qualifiers": "; ".join(entity.qualifiers) or None,
                    "source": entity.source,
                    "start": entity.start,
                    "end": entity.end,
                }
            )
            objects.append(
                {
                    "ref": ref,
                    "criterion": criterion.id,
                    "section": criterion.section,
                    **entity.to_dict(),
                }
            )
    return rows, objects


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="REF|TEXT...")
@format_option()
@output_option
@source_options
def entities(inputs: tuple[str, ...], fmt: str | None, output: Path | None, **kwargs: Any) -> None:
    """Conditions, drugs, procedures and measurements of each REF or criteria TEXT.

    \b
    Examples:
      ctparse entities NCT05990231
      ctparse entities "History of myocarditis, cardiomyopathy or malignant arrhythmia"
      ctparse entities --format csv NCT05990231 -o entities.csv
    """
    from ..nlp.study import studies_criteria

    settings = settings_from(**kwargs)
    studies: list[Study] = []
    for argument in inputs:
        for item in settings.inputs(argument):
            studies.append(item.as_study() if isinstance(item, CriteriaText) else item)
    rows: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    for study, result in zip(studies, studies_criteria(studies, nlp=settings.nlp()), strict=True):
        r, o = entity_rows(study.ref, result)
        rows += r
        objects += o
        note = no_criteria_note(study)
        if note and not settings.quiet:
            click.echo(f"ctparse: {note}", err=True)
    fmt = resolve_format(fmt, output)
    columns: tuple[str, ...] = COLUMNS
    if fmt == "table":
        several = len({row["ref"] for row in rows}) > 1
        columns = ("ref", *TABLE_COLUMNS) if several else TABLE_COLUMNS
    with open_output(output) as stream:
        write(fmt, objects=objects, rows=rows, columns=columns, stream=stream, title="entities")
