"""The trained entity recognizer: conditions, drugs, procedures, measurements.

A spaCy NER model (lexicon tags + CNN ``tok2vec`` + transition-based ``ner``, trained on the
LCT and Chia corpora; see ``models/entities/MODEL_CARD.md``) run over texts,
returning character offsets:

    >>> recognize(["Prior treatment with pembrolizumab"])  # doctest: +SKIP
    [[(21, 34, 'drug')]]

The model is trained on single lines (one criterion each), so a text is cut
at its line ends and every non-blank line is recognized on its own; offsets
always index the text as given, a criterion's text or a whole eligibility
text alike. The model folder is loaded once per process (:func:`load_model`).

The model's tokenizer is spaCy's English tokenizer with a few more split
points (:func:`entity_tokenizer`): comparators, brackets, slashes and
semicolons inside a token ("BMI>35", "index(BMI)", "CABG/PCI"), so that a
span the annotators marked is a whole number of tokens. The training code
applies it before converting the corpora; ``nlp.to_disk`` saves it with the
model.

This module knows nothing of the rest of the ctparse pipeline; the
``ctparse_entities`` component wraps it.

Performance on the held-back test trials (``ctparse eval --task entities``;
details, data licences and the experiment log in ``models/entities/MODEL_CARD.md``):

    =========  ===========  ===========  =========  ===========
    corpus     condition    drug         procedure  measurement   (strict F1)
    =========  ===========  ===========  =========  ===========
    LCT        0.678        0.653        0.585      0.574         micro 0.635
    Chia       0.716        0.632        0.572      0.523         micro 0.645
    =========  ===========  ===========  =========  ===========

Relaxed (overlapping span, same type) micro F1: LCT 0.737, Chia 0.764.
About 3,000-3,150 criteria per CPU second on one core. The model's first stage,
``ctparse_lexicon`` (:mod:`ctparse.nlp.entity_lexicon`), tags the words the
concept lexicon names; the CNN reads the tags beside the words.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ResourceError
from ..resources import models_dir

if TYPE_CHECKING:
    from spacy.language import Language

CORE_TYPES = ("condition", "drug", "procedure", "measurement")

Span = tuple[int, int, str]

# One line: no line-end characters; the separators are \r\n, \n or \r.
_LINE = re.compile(r"[^\r\n]+")

# Split points added to spaCy's English rules (see the module docstring).
_INFIXES = (
    r"[<>=≤≥˂˃≦≧≠±×~～]+",  # comparators and signs: "BMI>35", "ECOG=2", "×ULN"
    r"[\(\)\[\]（）【】{}]",  # brackets: "index(BMI)", "[AST](aspartate"
    r"(?<=\S)[/;、，；](?=\S)",  # "CABG/PCI", "a;b", "a、b"
    r"(?<=[0-9])\.(?=[A-Za-z])",  # list numbers glued to a word: "3.Chemotherapy"
)
_SUFFIXES = (
    r"(?<=[A-Za-z]{2})[-–]",  # "cancer- especially", "peripartum- or"
    r"(?<=[A-Za-z]{2})/",  # "allergy/ hypersensitivity"
    r"(?<=[A-Z]{2})\+",  # "HIV+"
)
_PREFIXES = (
    r"[<>=≤≥˂˃±×~]+",  # "≥18", "<5"
    r"[-–](?=[A-Za-z]{2})",  # "-intubated"
)


def entity_tokenizer(nlp: Language) -> Language:
    """Give ``nlp`` (``spacy.blank("en")``) the recognizer's tokenizer rules."""
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    defaults: Any = nlp.Defaults
    tokenizer: Any = nlp.tokenizer
    tokenizer.infix_finditer = compile_infix_regex([*defaults.infixes, *_INFIXES]).finditer
    tokenizer.suffix_search = compile_suffix_regex([*defaults.suffixes, *_SUFFIXES]).search
    tokenizer.prefix_search = compile_prefix_regex([*defaults.prefixes, *_PREFIXES]).search
    return nlp


def lines(text: str) -> Iterator[tuple[int, str]]:
    """The non-blank lines of ``text`` as (offset, line), stripped of spaces.

    The unit the model is trained and run on; the converter of the training
    corpora uses the same function.
    """
    for match in _LINE.finditer(text):
        line = match.group()
        stripped = line.strip()
        if stripped:
            yield match.start() + line.index(stripped[0]), stripped


def model_path() -> Path:
    """The model folder in use (``models/entities``, or a saved pipeline's)."""
    return models_dir() / "entities"


@cache
def load_model(path: str | None = None) -> Language:
    """The recognizer's spaCy pipeline, loaded once per path.

    Raises:
        ResourceError: the model folder is missing or cannot be loaded.
    """
    import spacy

    from . import entity_lexicon  # noqa: F401  (the ctparse_lexicon component, its embedding)

    folder = Path(path) if path else model_path()
    if not (folder / "config.cfg").is_file():
        raise ResourceError(str(folder), "the entity model is missing (no config.cfg)")
    try:
        nlp = spacy.load(folder)
    except (OSError, ValueError) as exc:
        raise ResourceError(str(folder), f"cannot load the entity model ({exc})") from exc
    _numpy_gemm(nlp)
    return nlp


def _numpy_gemm(nlp: Language) -> None:
    """Let the tok2vec multiply matrices with numpy's BLAS instead of blis.

    thinc's default (blis) is about three times slower here, and the tok2vec
    is mostly matrix products; the results are the same up to rounding. The
    ``ner`` keeps blis: its products are small and numpy is slower on them.
    """
    from thinc.api import NumpyOps

    if "tok2vec" not in nlp.pipe_names:
        return
    ops = NumpyOps(use_blis=False)
    for node in nlp.get_pipe("tok2vec").model.walk():  # type: ignore[attr-defined]
        node.ops = ops


def recognize(
    texts: Sequence[str],
    *,
    nlp: Language | None = None,
    batch_size: int = 256,
    labels: Sequence[str] = CORE_TYPES,
) -> list[list[Span]]:
    """Entities in each text as sorted (start, end, type), offsets into the text.

    Args:
        texts: criteria or whole eligibility texts.
        nlp: a recognizer pipeline; by default the shipped model.
        batch_size: lines per ``nlp.pipe`` batch.
        labels: the types to return (the model may know more, e.g. ``device``).
    """
    model = nlp if nlp is not None else load_model()
    wanted = set(labels)
    pieces = [
        (index, offset, line) for index, text in enumerate(texts) for offset, line in lines(text)
    ]
    results: list[list[Span]] = [[] for _ in texts]
    with one_blas_thread():
        docs = model.pipe((line for _, _, line in pieces), batch_size=batch_size)
        for (index, offset, _), doc in zip(pieces, docs, strict=True):
            results[index].extend(
                (offset + ent.start_char, offset + ent.end_char, ent.label_)
                for ent in doc.ents
                if ent.label_ in wanted
            )
    return results


def one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """numpy's BLAS on one thread while the recognizer runs.

    The tok2vec's products are small: a second BLAS thread shortens the wall time
    by a tenth and doubles the CPU (1,400 instead of 3,000 criteria per CPU
    second), and with ``--workers`` or ``n_process`` the threads of every process
    fight for the same cores. The limit is lifted when the recognizer returns.

    The loaded libraries are looked up once per process (:func:`_blas_controller`):
    the lookup reads the process's memory map, 2.5 ms a call, which per
    document was a tenth of the entity stage's time.
    """
    return _blas_controller().limit(limits=1, user_api="blas")


@cache
def _blas_controller() -> Any:
    """threadpoolctl's view of the thread pools loaded in this process (numpy's BLAS).

    numpy is loaded before the first call (the model needs it), so no pool the
    recognizer uses can appear later.
    """
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()
