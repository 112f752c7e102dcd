"""The spaCy pipeline: ``spacy.blank("en")`` plus ctparse's own components.

    nlp = ctparse.nlp.load()
    doc = nlp(study.eligibility.criteria_text)
    doc._.criteria      # tuple[Criterion, ...] with thresholds, windows and status

No downloaded model is used; the rules are data files under ``models/``,
validated against ``models/manifest.json`` when the pipeline loads. The
components and what they assign and require are in
:mod:`ctparse.nlp.components`; the pipeline serializes (``nlp.to_disk`` /
``spacy.load``, ``doc.to_bytes``, ``DocBin``) and runs in several processes
(``nlp.pipe(texts, n_process=2)``) with spaCy's own tools.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

PIPELINE = (
    "ctparse_sections",
    "ctparse_segmenter",
    "ctparse_thresholds",
    "ctparse_windows",
    "ctparse_entities",
    "ctparse_status",
)
#: The rule stages only: everything but the trained entity recognizer.
RULES = tuple(name for name in PIPELINE if name != "ctparse_entities")
#: The stages that segment only (``ctparse eval --task segmentation``).
SEGMENTATION = ("ctparse_sections", "ctparse_segmenter")


@cache
def load(
    *,
    entities: bool = True,
    components: tuple[str, ...] | None = None,
    tokenizer: str = "whitespace",
) -> Language:
    """The ctparse pipeline (cached per set of components and tokenizer).

    Args:
        entities: include the trained entity recognizer (``ctparse_entities``);
            without it the rule stages run at full speed and criteria carry no
            entities.
        components: which components to add, in order (``PIPELINE``, ``RULES`` or
            ``SEGMENTATION``; any other order fails on the first document).
        tokenizer: ``"whitespace"`` (default: the components work on character
            offsets, and this is three times faster) or ``"english"`` for
            spaCy's English rules. ``doc.text`` is the input either way.

    Raises:
        ResourceError: a rule file under ``models/`` is invalid (file and line named).
    """
    import spacy

    from ..resources import validate_models
    from . import components as _components  # noqa: F401  (registers factories)
    from .extensions import register_extensions

    validate_models()
    compile_rules()
    register_extensions()
    if tokenizer == "whitespace":
        from . import tokenizer as _tokenizer  # noqa: F401  (registers the tokenizer)

        config = {"nlp": {"tokenizer": {"@tokenizers": "ctparse.whitespace_tokenizer.v1"}}}
        nlp = spacy.blank("en", config=config)
    elif tokenizer == "english":
        nlp = spacy.blank("en")
    else:
        raise ValueError(f"unknown tokenizer {tokenizer!r} (whitespace or english)")
    for name in components or (PIPELINE if entities else RULES):
        nlp.add_pipe(name)
    return nlp


def compile_rules() -> None:
    """Build every compiled rule table now (they are cached per rule folder), so
    that a rule that does not compile fails when the pipeline loads, and the
    first document pays nothing."""
    from ..text import bullets, sentences
    from . import asides, categorize, clauses, counts, polarity, rules, sections, values, windows

    rules.rules()
    rules.coordination()
    bullets.markers()
    sentences.abbreviations()
    clauses.rules()
    sections.rules()
    categorize.compiled()
    polarity.polarity_rules()
    values.grammar()
    windows.window_grammar()
    asides.cues()
    counts._pattern()
