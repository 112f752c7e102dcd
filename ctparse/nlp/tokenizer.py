"""A whitespace tokenizer for the ctparse pipeline.

ctparse's components read character offsets into ``doc.text``, never token
boundaries or lexical attributes, so spaCy's English prefix/suffix/infix rules
buy nothing here and cost a fifth of the whole pipeline. This tokenizer
splits at whitespace only, keeps ``doc.text`` identical to the input, byte
for byte, and keeps that text in ``doc.user_data`` so that no component
rebuilds it from the tokens. Its vocabulary computes no lexical attributes
(``token.like_num``, ``token.shape_`` …): ``ctparse.nlp.load(tokenizer="english")``
gives spaCy's English tokenizer and attributes for users who want linguistic
tokens. Inside ``nlp.memory_zone()`` the strings of a document are freed with
it, so that memory stays flat over any number of documents.

Registered as ``ctparse.whitespace_tokenizer.v1`` (also through the
``spacy_tokenizers`` entry point, so that ``spacy.load`` of a saved pipeline
finds it in a fresh process).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .extensions import TEXT_KEY

# A run of non-space characters with at most one trailing space (the token's
# "whitespace"), or a run of other whitespace (kept as a token, as spaCy does).
_TOKEN = re.compile(r"\S+ ?|\s+")


class WhitespaceTokenizer:
    """Text → Doc, splitting at whitespace; ``doc.text == text`` always."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for piece in _TOKEN.findall(text):
            if len(piece) > 1 and piece[-1] == " " and not piece[0].isspace():
                words.append(piece[:-1])
                spaces.append(True)
            else:
                words.append(piece)
                spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts: list[str], *, batch_size: int = 1000) -> list[Doc]:
        return [self(text) for text in texts]

    # A tokenizer has no state of its own to save; these keep nlp.to_disk working.
    def to_bytes(self, **kwargs: object) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: object) -> WhitespaceTokenizer:
        return self

    def to_disk(self, path: object, **kwargs: object) -> None:
        return None

    def from_disk(self, path: object, **kwargs: object) -> WhitespaceTokenizer:
        return self


@spacy.registry.tokenizers("ctparse.whitespace_tokenizer.v1")
def create_whitespace_tokenizer() -> Callable[[spacy.Language], WhitespaceTokenizer]:
    def make(nlp: spacy.Language) -> WhitespaceTokenizer:
        # No lexical attributes: the components read characters, and computing
        # them for every new word costs more than the split itself.
        nlp.vocab.lex_attr_getters = {}  # type: ignore[attr-defined]
        return WhitespaceTokenizer(nlp.vocab)

    return make
