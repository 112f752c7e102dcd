"""Criteria of a study or of a plain text: the pipeline run end to end.

    study_criteria(study)          -> StudyCriteria(nct_id, criteria)
    text_criteria("Inclusion ...") -> StudyCriteria(None, criteria)
    studies_criteria(studies)      -> one StudyCriteria per study (nlp.pipe)

Offsets index ``study.eligibility.criteria_text`` (or the text as given).
The structured age limits of the record (minimum/maximum age) are appended
as one more criterion without offsets (``ctparse.nlp.extract.structured_criteria``).
A study without criteria text gets no text criteria, never invented ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..schema import Criterion, Study, StudyCriteria
from .categorize import CATEGORIES, categorize

if TYPE_CHECKING:
    from spacy.language import Language


def _nlp(nlp: Language | None) -> Language:
    if nlp is not None:
        return nlp
    from . import load

    return load()


def text_criteria(text: str, *, nlp: Language | None = None) -> StudyCriteria:
    """The criteria of a plain eligibility text (offsets into ``text``)."""
    if not text or not text.strip():
        return StudyCriteria(nct_id=None, criteria=())
    doc = _nlp(nlp)(text)
    return StudyCriteria(nct_id=None, criteria=tuple(doc._.criteria))


def study_criteria(study: Study, *, nlp: Language | None = None) -> StudyCriteria:
    """The criteria of one study: its text criteria, then its structured ones."""
    return next(studies_criteria([study], nlp=nlp))


def studies_criteria(
    studies: Iterable[Study], *, nlp: Language | None = None, batch_size: int = 64
) -> Iterator[StudyCriteria]:
    """Criteria of many studies, run through ``nlp.pipe`` (same order)."""
    pipeline = _nlp(nlp)
    studies = list(studies)
    texts = [s.eligibility.criteria_text or "" for s in studies]
    docs = pipeline.pipe(texts, batch_size=batch_size)
    for study, doc in zip(studies, docs, strict=True):
        criteria = tuple(doc._.criteria) if doc.text.strip() else ()
        yield StudyCriteria(nct_id=study.nct_id, criteria=criteria + _structured(study))


def _structured(study: Study) -> tuple[Criterion, ...]:
    try:
        from .extract import structured_criteria
    except ImportError:  # pragma: no cover - only before the extractor exists
        return ()
    result = []
    for criterion in structured_criteria(study.eligibility):
        if criterion.category not in CATEGORIES:
            # one vocabulary of categories: "Minimum age: 18 Years" is demographics
            criterion = dataclasses.replace(criterion, category=categorize(criterion.text))
        result.append(criterion)
    return tuple(result)
