"""Code that ``spacy train --code`` loads for the entity recognizer's config.

``ctparse.entity_tokenizer.v1`` gives the pipeline the recognizer's tokenizer
rules (``ctparse.nlp.recognizer.entity_tokenizer``) before training starts;
``nlp.to_disk`` then saves them with the model. Importing
``ctparse.nlp.entity_lexicon`` registers the ``ctparse_lexicon`` component and
its embedding (``ctparse.LexiconMultiHashEmbed.v1``); loading the model needs
ctparse installed (they are spaCy entry points), not this file.
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.language import Language
from thinc.api import NumpyOps, set_current_ops

from ctparse.nlp import entity_lexicon  # noqa: F401  (registers ctparse_lexicon, its embedding)
from ctparse.nlp.recognizer import entity_tokenizer


@spacy.registry.callbacks("ctparse.entity_tokenizer.v1")
def make_entity_tokenizer() -> Callable[[Language], Language]:
    return entity_tokenizer


# thinc multiplies matrices with blis by default; numpy's BLAS is about three
# times faster on this machine's processors, and training is mostly gemm.
set_current_ops(NumpyOps(use_blis=False))
