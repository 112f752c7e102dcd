"""One trial against many: where REF's criteria stand among the trials of a dataset.

    ctparse landscape NCT05990231 --against trials/ --where "phase LIKE '%PHASE2%'"

From Python:

    import ctparse.landscape
    result = ctparse.landscape.landscape("NCT05990231", "trials/", min_share=0.3)
    result.limits[0].verdicts["stricter"]      # the trials stricter than REF on it

For each criterion of REF: per limit (a variable on one scale) and per time
window, how many compared trials constrain the same thing, the distribution of
their eligible bounds in canonical units and REF's percentile among them, and
the trials stricter, the same, looser or overlapping; per concept the trials
that exclude, require, allow with conditions, or say nothing about it; and the
other way round, what at least ``min_share`` of the trials have and REF lacks.
How each of these counts is in :mod:`ctparse.landscape.facts` (REF's side) and
:mod:`ctparse.landscape.query` (the dataset's side, DuckDB over Parquet).

The package, stage by stage:

    ranges.py     eligible ranges: intersection, ordinal snapping, verdicts, percentiles
    facts.py      REF's criteria → its limits, windows and concepts
    query.py      the dataset → the compared trials, reduced in one DuckDB pass
    build.py      both → a Landscape
    model.py      the values (Landscape, LimitItem, ConceptItem, MissingItem)
    text.py       table, markdown, csv writers
    svg.py        inline SVG plots (bars of bounds, stacked stance bars)
    html.py       the self-contained HTML report
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Landscape

if TYPE_CHECKING:
    from spacy.language import Language

    from ..schema import Study
    from .query import Compared

__all__ = ["FORMATS", "Landscape", "landscape", "write"]

FORMATS = ("table", "markdown", "json", "jsonl", "csv", "html")
DEFAULT_MIN_SHARE = 0.5


def landscape(
    ref: Study | str,
    against: str | os.PathLike[str] | Compared,
    *,
    where: str | None = None,
    min_share: float = DEFAULT_MIN_SHARE,
    nlp: Language | None = None,
    entities: bool = True,
) -> Landscape:
    """REF (a Study, or criteria text) against the studies of a built dataset.

    The dataset is reduced by DuckDB in a thread while REF goes through the
    pipeline, so the two overlap.

    Args:
        ref: the study, or its criteria text.
        against: a folder built by ``ctparse dataset build`` (or that dataset
            opened as a :class:`~ctparse.landscape.query.Compared`, which the
            caller then closes).
        where: one SQL expression over the ``studies`` view choosing the
            compared studies (``"phase = 'PHASE3'"``).
        min_share: list what at least this share (0–1) of the compared
            trials have and REF lacks.
        nlp: a pipeline to use instead of the shipped one (loaded while the
            dataset is read when not given).
        entities: without ``nlp``, load the pipeline with its trained entity
            stage (concepts need it).

    Raises:
        DatasetError: ``against`` is no dataset.
        WhereError, QueryError: ``where`` is no expression DuckDB accepts.
    """
    from ..nlp.study import study_criteria
    from ..refs import CriteriaText, no_criteria_note
    from ..schema import Study
    from .build import build
    from .facts import broad_concepts, ref_facts, variables
    from .query import Compared

    if isinstance(ref, str):
        ref = CriteriaText(ref).as_study()
    if not isinstance(ref, Study):
        raise TypeError(f"landscape() takes a Study or criteria text, not {type(ref).__name__}")
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1], not {min_share}")
    owned = not isinstance(against, Compared)
    compared = Compared(Path(against)) if not isinstance(against, Compared) else against
    try:
        compared.check_where(where)
        own = _own_key(ref)
        failure: list[BaseException] = []

        def prepare() -> None:
            try:
                compared.prepare(
                    exclude=own, variables=list(variables().values()), broad=broad_concepts()
                )
            except BaseException as exc:  # re-raised in the caller's thread
                failure.append(exc)

        worker = threading.Thread(target=prepare, name="ctparse-landscape", daemon=True)
        worker.start()
        try:
            if nlp is None:
                from ..nlp import load

                nlp = load(entities=entities)
            criteria = study_criteria(ref, nlp=nlp).criteria
        finally:
            worker.join()
        if failure:
            raise failure[0]
        notes = [n for n in (no_criteria_note(ref),) if n]
        if not entities:
            notes.append("REF was read without the entity stage (--no-entities): no concepts")
        if compared.manifest.get("entity_stage") is False:
            notes.append(
                f"{compared.directory} was built without the entity stage: its trials name no "
                "concepts, and windows are matched by their event as written"
            )
        return build(
            criteria,
            ref_facts(criteria),
            compared,
            ref=ref.ref,
            title=ref.title,
            source=ref.source.format,
            has_criteria=no_criteria_note(ref) is None,
            ref_in_dataset=compared.ref_in_dataset,
            min_share=min_share,
            notes=notes,
        )
    finally:
        if owned:
            compared.close()


def _own_key(study: Study) -> str:
    """REF's key as a dataset has it; for criteria text the local id a dataset
    gives the same text (so that REF in the dataset is left out as itself)."""
    from ..dataset.rows import study_id
    from ..readers.normalize import local_id

    text = study.eligibility.criteria_text
    if not study.nct_id and not study.local_id and study.source.format == "plain_text" and text:
        return local_id(text)
    return study_id(study)


def write(fmt: str, result: Landscape, stream: Any) -> None:
    """Write a landscape to an open text stream in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        stream.write(result.to_json() + "\n")
    elif fmt == "jsonl":
        stream.write(result.to_json(indent=None) + "\n")
    elif fmt == "html":
        from .html import write_html

        write_html(result, stream)
    elif fmt in ("table", "markdown", "csv"):
        from . import text

        {"table": text.write_table, "markdown": text.write_markdown, "csv": text.write_csv}[fmt](
            result, stream
        )
    else:
        raise ValueError(f"unknown format {fmt!r} for a landscape")
