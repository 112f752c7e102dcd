"""``ctparse eval [--task segmentation|thresholds|entities|compare] --gold FILE``: scores against gold.

Without ``--task`` the task follows from the gold file: one record per trial
with ``criteria`` offsets is segmentation gold, one record per criterion line
with ``constraints`` is threshold gold, one document per record with
``entities`` is entity gold (``../shared/gold/entities``). Entities are scored
on the held-back test trials of the recognizer's split by default
(``--split``), since the model was trained on the other trials of those
corpora. One record per pair of trials with ``links`` is compare gold (whose
trials are read from ``--shared DIR``).

``table`` (the default on a terminal) prints the report as text; ``json``
the report object; ``jsonl``/``csv``/``markdown`` its rows (one per mode or
level). A malformed gold file is a one-line error with exit code 2.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import click

from ..errors import GoldError
from ..evaluation import TASKS
from ..evaluation.entities import SPLITS
from ..report import write
from .options import format_option, open_output, output_option, resolve_format


@click.command("eval")
@click.option(
    "--task",
    type=click.Choice(TASKS),
    default=None,
    help="What to score (default: recognised from the gold file).",
)
@click.option(
    "--gold",
    "gold",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Gold JSONL (../shared/gold/lct_dev_segmentation.jsonl, lct_dev_criteria.jsonl,"
    " entities/ent_lct_dev.jsonl).",
)
@click.option(
    "--split",
    type=click.Choice(SPLITS),
    default="test",
    show_default=True,
    help="Entities: which trials of a corpus the recognizer was trained on to score"
    " (test: held back from training and model selection).",
)
@click.option(
    "--shared",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="compare: the folder the gold's trials are read from (default ../shared).",
)
@format_option()
@output_option
def evaluate(
    task: str | None,
    gold: Path,
    split: str,
    shared: Path | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Precision/recall of segmentation, thresholds, entities or compare against gold.

    \b
    Examples:
      ctparse eval --gold ../shared/gold/lct_dev_criteria.jsonl
      ctparse eval --task segmentation --gold ../shared/gold/lct_dev_segmentation.jsonl
      ctparse eval --task thresholds --gold ../shared/gold/lct_dev_criteria.jsonl -f json
      ctparse eval --task entities --gold ../shared/gold/entities/ent_chia_dev.jsonl
      ctparse eval --task compare --gold tests/gold/compare_pairs.jsonl --shared ../shared
    """
    fmt = resolve_format(fmt, output)  # a bad -o suffix fails before the evaluation
    if not gold.is_file():
        raise GoldError(str(gold), "gold file does not exist")
    task = task or detect_task(gold)
    module = importlib.import_module(f"ctparse.evaluation.{task}")
    if task == "entities":
        report: Any = module.evaluate(gold, split=split)
    elif task == "compare":
        report = module.evaluate(gold, shared=shared)
    else:
        report = module.evaluate(gold)
    with open_output(output) as stream:
        if fmt == "table":
            stream.write(report.format_text() + "\n")
            return
        rows = report.rows()
        columns = list(rows[0]) if rows else []
        write(
            fmt,
            objects=[report.to_dict()] if fmt == "json" else rows,
            rows=rows,
            columns=columns,
            stream=stream,
            single_json=True,
        )


def detect_task(gold: Path) -> str:
    """``segmentation``, ``thresholds``, ``entities`` or ``compare``, from the first record of ``gold``."""
    try:
        with gold.open(encoding="utf-8") as stream:
            first = next((line for line in stream if line.strip()), "")
        record = json.loads(first) if first else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(str(gold), f"cannot read the first gold record ({exc})") from exc
    if isinstance(record, dict) and "constraints" in record:
        return "thresholds"
    if isinstance(record, dict) and "links" in record:
        return "compare"
    if isinstance(record, dict) and "criteria" in record:
        return "segmentation"
    if isinstance(record, dict) and "entities" in record:
        return "entities"
    raise GoldError(
        str(gold),
        "not a gold file ctparse knows (no 'criteria', 'constraints' or 'entities'); pass --task",
    )
