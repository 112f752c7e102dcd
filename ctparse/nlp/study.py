"""Criteria of studies and of plain texts: the pipeline run end to end.

    study_criteria(study)          -> StudyCriteria(nct_id, criteria)
    text_criteria("Inclusion ...") -> StudyCriteria(None, criteria)
    studies_criteria(studies)      -> one StudyCriteria per study, streamed
    texts_criteria(texts)          -> the criteria of each text, streamed

Every one runs ``nlp.pipe`` over the texts, in batches inside
``nlp.memory_zone()``: the strings of each batch are freed after it, so memory
stays flat over any number of documents (the criteria handed out are plain
values that outlive the zone). Offsets index ``study.eligibility.criteria_text``
(or the text as given). The structured age limits of the record
(minimum/maximum age) are appended as one more criterion without offsets
(:func:`ctparse.nlp.extract.structured_criteria`). A study without criteria text
gets no text criteria, never invented ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from ..schema import Criterion, MeshTerm, Section, Study, StudyCriteria
from .categorize import CATEGORIES, categorize
from .extensions import MESH_KEY, SECTION_HINT_KEY
from .extract import structured_criteria

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Documents per memory zone.
ZONE = 2000


def _nlp(nlp: Language | None) -> Language:
    if nlp is not None:
        return nlp
    from . import load

    return load()


def texts_criteria(
    texts: Iterable[str],
    *,
    nlp: Language | None = None,
    section: Section | None = None,
    sections: Iterable[str | None] | None = None,
    meshes: Iterable[Sequence[MeshTerm]] | None = None,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[tuple[Criterion, ...]]:
    """The criteria of each text, in order, through ``nlp.pipe``.

    Args:
        texts: eligibility texts (an empty one gives no criteria).
        section: the section of text before any header ("inclusion" or
            "exclusion" for criteria known to be of one kind).
        sections: the same, one per text (a gold file's criterion lines).
        meshes: the record's MeSH terms, one sequence per text (entities they name
            are grounded to them).
        n_process: processes for ``nlp.pipe`` (spaCy's own multiprocessing).
    """
    pipeline = _nlp(nlp)
    stream = iter(texts)
    hints = iter(sections) if sections is not None else None
    terms = iter(meshes) if meshes is not None else None
    while chunk := list(islice(stream, ZONE)):
        with pipeline.memory_zone():
            inputs: list[str | Doc] = [
                _hinted(
                    pipeline,
                    text,
                    next(hints) if hints is not None else section,
                    next(terms) if terms is not None else (),
                )
                for text in chunk
            ]
            docs = pipeline.pipe(inputs, batch_size=batch_size, n_process=n_process)
            for text, doc in zip(chunk, docs, strict=True):
                yield tuple(doc._.criteria) if text.strip() else ()


def _hinted(nlp: Language, text: str, section: str | None, mesh: Sequence[MeshTerm]) -> Doc | str:
    """The text, or a Doc carrying what the pipeline should know besides it."""
    if section not in ("inclusion", "exclusion") and not mesh:
        return text
    doc = nlp.make_doc(text)
    if section in ("inclusion", "exclusion"):
        doc.user_data[SECTION_HINT_KEY] = section
    if mesh:
        doc.user_data[MESH_KEY] = [[t.id, t.term, t.found_as] for t in mesh]
    return doc


def text_criteria(
    text: str, *, nlp: Language | None = None, section: Section | None = None
) -> StudyCriteria:
    """The criteria of a plain eligibility text (offsets into ``text``)."""
    if not text or not text.strip():
        return StudyCriteria(nct_id=None, criteria=())
    criteria = next(texts_criteria([text], nlp=nlp, section=section))
    return StudyCriteria(nct_id=None, criteria=criteria)


def study_criteria(study: Study, *, nlp: Language | None = None) -> StudyCriteria:
    """The criteria of one study: its text criteria, then its structured ones."""
    return next(studies_criteria([study], nlp=nlp))


def studies_criteria(
    studies: Iterable[Study],
    *,
    nlp: Language | None = None,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[StudyCriteria]:
    """Criteria of many studies, streamed through ``nlp.pipe`` (same order)."""
    stream = iter(studies)
    while chunk := list(islice(stream, ZONE)):
        texts = [s.eligibility.criteria_text or "" for s in chunk]
        found = texts_criteria(
            texts,
            nlp=nlp,
            meshes=[s.mesh for s in chunk],
            batch_size=batch_size,
            n_process=n_process,
        )
        for study, criteria in zip(chunk, found, strict=True):
            yield StudyCriteria(
                nct_id=study.nct_id, criteria=criteria + _structured(study), ref=study.ref
            )


def _structured(study: Study) -> tuple[Criterion, ...]:
    result = []
    for criterion in structured_criteria(study.eligibility):
        if criterion.category not in CATEGORIES:
            # one vocabulary of categories: "Minimum age: 18 Years" is demographics
            criterion = dataclasses.replace(criterion, category=categorize(criterion.text))
        result.append(criterion)
    return tuple(result)
