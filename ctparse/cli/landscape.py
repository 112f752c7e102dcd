"""``ctparse landscape REF --against DIR``: one trial against the studies of a dataset.

REF is read as in every command (an NCT id, a local id, a record in any
format, ``-``, or plain criteria text); DIR is a folder built by ``ctparse
dataset build``. The dataset is checked (and ``--where`` parsed) before REF
is read, and nothing is written until the whole landscape is computed, so a
bad input is one ``ctparse: error:`` line, exit code 2, and no file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from ..landscape import DEFAULT_MIN_SHARE, FORMATS
from .options import (
    entities_option,
    format_option,
    open_output,
    output_option,
    resolve_format,
    settings_from,
    source_options,
)


@click.command()
@click.argument("ref")
@click.option(
    "--against",
    "-a",
    "directory",
    required=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="A dataset folder built by `ctparse dataset build`.",
)
@click.option(
    "--where",
    metavar="SQL",
    help="Compare only the studies this SQL expression over the studies view keeps.",
)
@click.option(
    "--min-share",
    type=click.FloatRange(0, 1, min_open=True),
    default=DEFAULT_MIN_SHARE,
    show_default=True,
    help="List what at least this share of the compared trials have and REF lacks.",
)
@format_option(formats=FORMATS)
@output_option
@entities_option
@source_options
def landscape(
    ref: str,
    directory: Path,
    where: str | None,
    min_share: float,
    fmt: str | None,
    output: Path | None,
    **kwargs: Any,
) -> None:
    """Where REF's criteria stand among the trials of a dataset.

    \b
    For each criterion of REF: per limit and time window, how many compared
    trials constrain the same variable or event, the distribution of their
    eligible bounds in canonical units, REF's percentile and the trials
    stricter, the same, looser; per concept the share that exclude, require,
    allow with conditions or say nothing; then what at least --min-share of
    the trials have and REF lacks. Each figure keeps the trials behind it
    (json, csv; click it in the html report).

    \b
    --where is one SQL expression over the studies view (columns in
    docs/dataset-schema.md), run read-only; subqueries over the other views
    work too:
      --where "phase LIKE '%PHASE3%' AND overall_status = 'RECRUITING'"
      --where "study_id IN (SELECT study_id FROM conditions WHERE condition ILIKE '%esophag%')"

    \b
    Examples:
      ctparse landscape NCT05990231 --against trials/
      ctparse landscape NCT05990231 --against trials/ -o landscape.html
      ctparse landscape "ECOG 0-1; ANC ≥ 1.5 x 10^9/L" --against trials/ --format markdown
    """
    from ..landscape import landscape as compute
    from ..landscape import write
    from ..landscape.query import Compared
    from ..schema import Study

    fmt = resolve_format(fmt, output, formats=FORMATS)  # a bad suffix fails before any reading
    settings = settings_from(**kwargs)
    compared = Compared(directory)  # a missing or bad dataset fails before REF is read
    try:
        compared.check_where(where)
        inputs = settings.inputs(ref)
        if len(inputs) != 1:
            raise InputError(ref, f"holds {len(inputs)} studies; landscape needs exactly one")
        item = inputs[0]
        study = item if isinstance(item, Study) else item.as_study()
        result = compute(
            study, compared, where=where, min_share=min_share, entities=settings.entities
        )
    finally:
        compared.close()
    with open_output(output) as stream:
        write(fmt, result, stream)
    if output is not None and not settings.quiet:
        click.echo(f"ctparse: wrote {output} ({fmt})", err=True)
