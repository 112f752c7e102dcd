"""The spaCy pipeline: ``spacy.blank("en")`` plus ctparse's own components.

    nlp = ctparse.nlp.load()
    doc = nlp(study.eligibility.criteria_text)
    doc._.criteria      # tuple[Criterion, ...] with thresholds and windows

No downloaded model is used; the rules are data files under ``models/``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

PIPELINE = ("ctparse_sections", "ctparse_segmenter", "ctparse_thresholds", "ctparse_windows")


@cache
def load(*, components: tuple[str, ...] = PIPELINE) -> Language:
    """The ctparse pipeline (cached per set of components).

    Args:
        components: which components to add, in order; a prefix of
            ``PIPELINE`` gives e.g. segmentation only.
    """
    import spacy

    from . import components as _components  # noqa: F401  (registers factories)
    from .extensions import register_extensions

    register_extensions()
    nlp = spacy.blank("en")
    for name in components:
        nlp.add_pipe(name)
    return nlp
