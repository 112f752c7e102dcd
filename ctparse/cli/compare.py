"""``ctparse compare REF_A REF_B``: two studies side by side.

Both REFs are read and compared before anything is written, so a bad REF
leaves no output behind. With ``-o FILE`` and no ``--format`` the format
follows the file's suffix (``.html``/``.htm``, ``.md``/``.markdown``, ``.csv``,
``.json``, ``.jsonl``); any other suffix needs ``--format``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import InputError, MissingInputError
from ..report import COMPARISON_FORMATS as FORMATS
from ..schema import Study
from .options import (
    Settings,
    entities_option,
    format_option,
    open_output,
    output_option,
    resolve_format,
    settings_from,
    source_options,
)


def _one_study(ref: str, settings: Settings) -> Study:
    """The one study a REF names: a record (a study of a multi-study file chosen as
    ``page.json#NCT05013879``), or plain criteria text as a file or an argument. A
    record without an NCT id that ``fetch --resolve --accept`` linked to its registry
    record is read through that record."""
    from ..refs import TEXT_REF, CriteriaText, follow_link

    inputs = settings.inputs(ref)
    if len(inputs) == 1 and isinstance(inputs[0], CriteriaText):
        text = inputs[0]
        if text.location == TEXT_REF and not any(ch.isspace() for ch in ref.strip()):
            # One word is a mistyped file name far more often than criteria.
            raise MissingInputError(ref, "no such file (and not an NCT id or local id)")
        return text.as_study()
    if len(inputs) != 1:
        raise InputError(
            ref,
            f"holds {len(inputs)} studies; compare needs exactly one per REF "
            f"(choose one as {ref}#NCT…)",
        )
    study = inputs[0]
    assert isinstance(study, Study)
    return follow_link(
        study, corpus_dir=settings.corpus, base_url=settings.base_url, offline=settings.offline
    )


def output_format(fmt: str | None, output: Path | None) -> str:
    """``--format``, else the format of ``-o FILE``'s suffix, else the default;
    an unknown suffix is an error before anything is read."""
    return resolve_format(fmt, output, formats=FORMATS)


@click.command()
@click.argument("ref_a")
@click.argument("ref_b")
@format_option(formats=FORMATS)
@output_option
@entities_option
@source_options
def compare(ref_a: str, ref_b: str, fmt: str | None, output: Path | None, **kwargs: Any) -> None:
    """Compare two studies: design fields, drugs, outcomes, and every criterion.

    \b
    Verdicts: same, A stricter, B stricter (fewer patients eligible on that
    criterion), different, only A, only B.

    \b
    A REF is an NCT id, a local id, a record file (one study of a file holding
    several as page.json#NCT05013879), or criteria text as a file or a string.

    \b
    Examples:
      ctparse compare NCT05990231 local-8446462a6559f0be --offline
      ctparse compare A.json B.xml -o report.html   (format from the suffix)
      ctparse compare page.json#NCT05013879 page.json#NCT04175379
      ctparse compare "ECOG 0-1" "ECOG performance status 0-2"
    """
    from ..api import compare as compare_studies
    from ..report import write

    fmt = output_format(fmt, output)  # a bad suffix fails before any reading
    settings = settings_from(**kwargs)
    study_a = _one_study(ref_a, settings)
    study_b = _one_study(ref_b, settings)
    comparison = compare_studies(study_a, study_b, nlp=settings.nlp())
    with open_output(output) as stream:
        write(fmt, comparison, stream=stream)
    if output is not None and not settings.quiet:
        click.echo(f"ctparse: wrote {output} ({fmt})", err=True)
