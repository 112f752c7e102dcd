"""spaCy component factories. Each component is a thin class over a pure
function of the text, so that the rules can be tested without spaCy.

Registered as ``ctparse_sections``, ``ctparse_segmenter``,
``ctparse_thresholds`` and ``ctparse_windows`` (also exposed through the
``spacy_factories`` entry point).
"""

from __future__ import annotations

import dataclasses

from spacy.language import Language
from spacy.tokens import Doc

from ..schema import Criterion, Threshold, Window
from .extensions import register_extensions


@Language.factory("ctparse_sections", assigns=["doc._.sections"], requires=[], retokenizes=False)
def make_sections(nlp: Language, name: str) -> SectionsComponent:
    register_extensions()
    return SectionsComponent()


@Language.factory("ctparse_segmenter", assigns=["doc._.criteria"], requires=["doc._.sections"])
def make_segmenter(nlp: Language, name: str) -> SegmenterComponent:
    register_extensions()
    return SegmenterComponent()


@Language.factory("ctparse_thresholds", assigns=["doc._.criteria"], requires=["doc._.criteria"])
def make_thresholds(nlp: Language, name: str) -> ThresholdsComponent:
    register_extensions()
    return ThresholdsComponent()


@Language.factory("ctparse_windows", assigns=["doc._.criteria"], requires=["doc._.criteria"])
def make_windows(nlp: Language, name: str) -> WindowsComponent:
    register_extensions()
    return WindowsComponent()


_TEXT_KEY = "ctparse_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per document.

    spaCy rebuilds ``doc.text`` from the tokens on every access, which cost
    a fifth of the whole pipeline when each component read it; the first
    component to ask keeps it in ``doc.user_data`` for the others.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


class SectionsComponent:
    """Finds section headers (inclusion / exclusion) in ``doc.text``."""

    def __call__(self, doc: Doc) -> Doc:
        from .sections import find_sections

        doc._.sections = tuple(find_sections(doc_text(doc)))
        return doc


class SegmenterComponent:
    """Splits ``doc.text`` into atomic criteria within the sections found."""

    def __call__(self, doc: Doc) -> Doc:
        from .segment import segment

        doc._.criteria = tuple(segment(doc_text(doc), sections=doc._.sections))
        return doc


class ThresholdsComponent:
    """Adds thresholds to every criterion of ``doc._.criteria``."""

    def __call__(self, doc: Doc) -> Doc:
        from .extract import add_thresholds

        text = doc_text(doc)
        doc._.criteria = tuple(add_thresholds(c, text) for c in doc._.criteria)
        return doc


class WindowsComponent:
    """Adds time windows and the final parse status to every criterion."""

    def __call__(self, doc: Doc) -> Doc:
        from .windows import add_windows

        text = doc_text(doc)
        criteria = tuple(add_windows(c, text) for c in doc._.criteria)
        doc._.criteria = without_repeats_in_parents(criteria)
        return doc


def without_repeats_in_parents(criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
    """A limit found in a piece belongs to the piece only.

    A packed registry line ("neutrophils ≥ 1,500/mm3, platelets ≥ …") is kept as
    the parent of the pieces split out of it, and its text contains theirs; each
    threshold or window is reported once, on the piece it lies in. What lies
    outside every piece (a lead-in's own window) stays with the parent.
    """
    pieces: dict[str, list[tuple[int, int]]] = {}
    for criterion in criteria:
        if criterion.parent and criterion.start is not None and criterion.end is not None:
            pieces.setdefault(criterion.parent, []).append((criterion.start, criterion.end))
    if not pieces:
        return criteria

    def outside(item: Threshold | Window, spans: list[tuple[int, int]]) -> bool:
        if item.start is None:
            return True
        end = item.end if item.end is not None else item.start
        return not any(start <= item.start and end <= stop for start, stop in spans)

    result = []
    for criterion in criteria:
        spans = pieces.get(criterion.id)
        if spans:
            criterion = dataclasses.replace(
                criterion,
                thresholds=tuple(t for t in criterion.thresholds if outside(t, spans)),
                windows=tuple(w for w in criterion.windows if outside(w, spans)),
            )
        result.append(criterion)
    return tuple(result)
