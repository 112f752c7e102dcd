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
def load(*, components: tuple[str, ...] = PIPELINE, tokenizer: str = "whitespace") -> Language:
    """The ctparse pipeline (cached per set of components and tokenizer).

    Args:
        components: which components to add, in order; a prefix of
            ``PIPELINE`` gives e.g. segmentation only.
        tokenizer: ``"whitespace"`` (default: the components work on character
            offsets, and this is three times faster) or ``"english"`` for
            spaCy's English rules. ``doc.text`` is the input either way.
    """
    import spacy

    from . import components as _components  # noqa: F401  (registers factories)
    from .extensions import register_extensions

    register_extensions()
    if tokenizer == "whitespace":
        from . import tokenizer as _tokenizer  # noqa: F401  (registers the tokenizer)

        config = {"nlp": {"tokenizer": {"@tokenizers": "ctparse.whitespace_tokenizer.v1"}}}
        nlp = spacy.blank("en", config=config)
    elif tokenizer == "english":
        nlp = spacy.blank("en")
    else:
        raise ValueError(f"unknown tokenizer {tokenizer!r} (whitespace or english)")
    for name in components:
        nlp.add_pipe(name)
    return nlp
