"""The pipeline's whitespace tokenizer keeps the text exact (offsets index it)."""

from __future__ import annotations

import pytest

from ctparse.nlp import load

ODD_TEXTS = [
    "",
    " ",
    "Inclusion Criteria:\n\n* Age ≥ 18 years\n* ECOG 0-1",
    "  leading spaces and trailing  ",
    "tabs\tand\u00a0no-break\u2003spaces",
    "double  spaces   and\r\nwindows newlines",
    "control\x00chars\x07here\x1b",
    "\n\n\n",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_doc_text_is_the_input_exactly(text: str) -> None:
    doc = load()(text)
    assert doc.text == text


@pytest.mark.parametrize("tokenizer", ["whitespace", "english"])
def test_both_tokenizers_give_the_same_criteria(tokenizer: str) -> None:
    text = "Inclusion Criteria:\n* ANC ≥ 1.5 × 10^9/L\n* ECOG 0-1\nExclusion Criteria:\n* HIV"
    reference = load()(text)._.criteria
    assert load(tokenizer=tokenizer)(text)._.criteria == reference
    assert [c.section for c in reference] == ["inclusion", "inclusion", "exclusion"]


def test_unknown_tokenizer_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tokenizer"):
        load(tokenizer="bpe")
