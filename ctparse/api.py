"""The Python API: the common jobs in one call each.

Read studies from a path, bytes, record text or an NCT id; the criteria,
thresholds and windows of a study or of plain criteria text; compare two
studies. Every extraction runs the one spaCy pipeline (:mod:`ctparse.nlp`);
pass ``nlp=`` to reuse a pipeline you loaded or saved yourself.

>>> import ctparse
>>> [(t.variable, t.comparator, t.normalized.value, t.normalized.unit)
...  for t in ctparse.thresholds("Neutrophils ≥ 1,500/mm³")]
[('anc', '>=', 1.5, '10^9/L')]
>>> ctparse.thresholds("Platelets < 75,000/mm³", section="exclusion")[0].eligible
Range(lower=75.0, lower_inclusive=True, upper=None, upper_inclusive=None)
>>> [w.days for w in ctparse.windows("Chemotherapy within 4 weeks before the first dose")]
[28.0]
>>> study = ctparse.read_study("NCT05990231", offline=True)   # shipped in corpus/
>>> study.phases, len(ctparse.criteria(study))
(('PHASE2',), 91)
>>> comparison = ctparse.compare(study, study)
>>> comparison.summary.same, comparison.summary.different
(66, 0)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CtparseError, InputError
from .schema import Comparison, Criterion, Section, Study, StudyCriteria, Threshold, Window

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "compare",
    "compare_criteria",
    "criteria",
    "load_pipeline",
    "read_studies",
    "read_study",
    "studies_criteria",
    "thresholds",
    "windows",
]

Source = str | bytes | os.PathLike[str]


def _type_name(value: Any) -> str:
    return type(value).__name__


def read_studies(
    source: Source,
    *,
    offline: bool = False,
    corpus_dir: str | os.PathLike[str] | None = None,
) -> list[Study]:
    """The studies of a record, in any format ctparse reads.

    Args:
        source: an NCT id or local id (looked up in the corpus, fetched from
            the registry when missing unless ``offline``), a path, the bytes of
            a record, or a record's text (API v2 JSON, legacy XML, CSV export,
            full-info page).
        offline: never use the network.
        corpus_dir: the corpus cache (default ``$CTPARSE_CORPUS``).

    Raises:
        TypeError: ``source`` is none of these types.
        CtparseError: it cannot be read (the message names it).
    """
    from . import refs
    from .readers import read_studies as read_bytes

    folder = Path(corpus_dir) if corpus_dir is not None else None
    if isinstance(source, bytes):
        return read_bytes(source, location="<bytes>")
    if isinstance(source, os.PathLike):
        return refs.load_studies(os.fspath(source), corpus_dir=folder, offline=offline)
    if not isinstance(source, str):
        raise TypeError(
            f"read_studies() takes an NCT id, a path, bytes or record text, not {_type_name(source)}"
        )
    if "\n" in source or source.lstrip().startswith(("{", "[", "<")):
        return read_bytes(source.encode("utf-8"), location="<text>")
    # An id or a path; anything else gets the command line's error for it.
    return refs.load_studies(source, corpus_dir=folder, offline=offline)


def read_study(source: Source, **kwargs: Any) -> Study:
    """The one study of a record (see :func:`read_studies`).

    Raises:
        InputError: the record holds no study or several.
    """
    studies = read_studies(source, **kwargs)
    if len(studies) != 1:
        shown = source if isinstance(source, str) and len(source) < 80 else _type_name(source)
        raise InputError(str(shown), f"holds {len(studies)} studies, not one")
    return studies[0]


def load_pipeline(**kwargs: Any) -> Language:
    """The ctparse spaCy pipeline (cached); see :func:`ctparse.nlp.load`."""
    from .nlp import load

    return load(**kwargs)


def criteria(
    source: Study | str,
    *,
    section: Section | None = None,
    nlp: Language | None = None,
) -> tuple[Criterion, ...]:
    """The atomic criteria of a study (with its structured age limits) or of
    plain criteria text, each with its thresholds, windows and status.

    Args:
        source: a :class:`~ctparse.schema.Study`, or criteria text.
        section: for text, the section of lines before any header
            ("inclusion" or "exclusion").
        nlp: a pipeline to use instead of the shipped one.

    Raises:
        TypeError: ``source`` is neither a Study nor a string.
    """
    from .nlp.study import study_criteria, text_criteria

    if isinstance(source, Study):
        if section is not None:
            raise CtparseError(source.ref, "section= applies to criteria text, not to a study")
        return study_criteria(source, nlp=nlp).criteria
    if isinstance(source, str):
        return text_criteria(source, nlp=nlp, section=section).criteria
    raise TypeError(
        f"criteria() takes a Study or criteria text (str), not {_type_name(source)}; "
        "read a record with ctparse.read_study() first"
    )


def thresholds(source: Study | str, **kwargs: Any) -> tuple[Threshold, ...]:
    """Every threshold of :func:`criteria`, in criterion order."""
    return tuple(t for c in criteria(source, **kwargs) for t in c.thresholds)


def windows(source: Study | str, **kwargs: Any) -> tuple[Window, ...]:
    """Every time window of :func:`criteria`, in criterion order."""
    return tuple(w for c in criteria(source, **kwargs) for w in c.windows)


def studies_criteria(
    studies: Iterable[Study], *, nlp: Language | None = None, n_process: int = 1
) -> Iterator[StudyCriteria]:
    """The criteria of many studies, streamed (memory stays flat; see
    :func:`ctparse.nlp.study.studies_criteria`)."""
    from .nlp.study import studies_criteria as stream

    for study in studies:
        if not isinstance(study, Study):
            raise TypeError(f"studies_criteria() takes Study values, not {_type_name(study)}")
        break
    return stream(studies, nlp=nlp, n_process=n_process)


def compare(a: Study | str, b: Study | str, *, nlp: Language | None = None) -> Comparison:
    """Two studies (or criteria texts) lined up field by field and criterion by criterion.

    Raises:
        TypeError: an argument is neither a Study nor criteria text.
    """
    sides = []
    for name, side in (("a", a), ("b", b)):
        if isinstance(side, str):
            side = text_study(side, ref=f"text {name.upper()}")
        elif not isinstance(side, Study):
            raise TypeError(f"compare() takes Studies or criteria text, not {_type_name(side)}")
        sides.append(side)
    study_a, study_b = sides
    criteria_a = criteria(study_a, nlp=nlp)
    # Comparing a study with another copy of itself: run the pipeline once.
    same = study_a.eligibility == study_b.eligibility
    criteria_b = criteria_a if same else criteria(study_b, nlp=nlp)
    return compare_criteria(study_a, study_b, criteria_a, criteria_b)[0]


def compare_criteria(
    a: Study,
    b: Study,
    criteria_a: tuple[Criterion, ...],
    criteria_b: tuple[Criterion, ...],
) -> tuple[Comparison, tuple[Criterion, ...], tuple[Criterion, ...]]:
    """Two studies lined up from criteria the pipeline gave (see
    :func:`ctparse.align.align_tagged`).

    Returns:
        The comparison and the criteria as compared (with their entities).
    """
    from .align import align_tagged

    return align_tagged(a, b, criteria_a, criteria_b)


def text_study(text: str, *, ref: str = "text") -> Study:
    """Plain criteria text as a Study with nothing else in it."""
    from .refs import CriteriaText

    return CriteriaText(text, location=ref).as_study()
