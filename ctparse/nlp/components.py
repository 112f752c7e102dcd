"""spaCy component factories. Each component is a thin class over a pure
function of the text, so that the rules can be tested without spaCy.

Registered as ``ctparse_sections``, ``ctparse_segmenter``,
``ctparse_thresholds`` and ``ctparse_windows`` (also exposed through the
``spacy_factories`` entry point).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

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
        doc._.criteria = tuple(add_windows(c, text) for c in doc._.criteria)
        return doc
