"""The phrase tries every rule file is compiled into: longest first, whitespace
and hyphens as the rules say."""

from __future__ import annotations

import re

import pytest

from ctparse.text.patterns import phrase_pattern


@pytest.mark.parametrize(
    ("phrases", "text", "found"),
    [
        (["at", "at least", "at most"], "at least 5", "at least"),
        (["not less", "not less than", "no"], "not less than 9", "not less than"),
        (["a", "ab", "abc", "abd"], "abdomen", "abd"),
        (["greater or equal", "greater"], "greater  or\nequal to", "greater  or\nequal"),
    ],
)
def test_the_longest_phrase_wins_and_spaces_match_any_whitespace(
    phrases: list[str], text: str, found: str
) -> None:
    match = re.match(phrase_pattern(phrases), text)
    assert match is not None and match.group() == found


def test_a_hyphen_matches_what_the_rule_file_says() -> None:
    pattern = phrase_pattern(["first-degree relative"], hyphen=r"(?:\s*-\s*|\s+)")
    for text in ("first-degree relative", "first degree relative", "first - degree relative"):
        assert re.fullmatch(pattern, text), text
    assert not re.fullmatch(phrase_pattern(["first-degree"]), "first degree")


def test_the_deepest_branch_comes_first_whatever_the_order_given() -> None:
    phrases = ["ab", "abcdef", "abcd", "b", "bcd"]
    assert phrase_pattern(phrases) == phrase_pattern(list(reversed(phrases)))
    assert phrase_pattern(phrases).startswith("(?:ab")
