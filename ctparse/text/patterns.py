r"""Regular expressions built from phrases, and read back into their alternatives.

:func:`phrase_pattern` turns a list of literal phrases into one trie-shaped
alternation (longest first), so that matching a lexicon of hundreds of phrases
stays one scan in C. :func:`alternatives` splits a regex at its top-level
``|``, which the rule files' examples are checked against (every alternative
of a pattern must match an example).

>>> phrase_pattern(["at least", "at most"])
'at\\s+(?:least|most)'
>>> alternatives(r"pregnan\w*|breast[- ]?feed|(?:male|female)s?")
['pregnan\\w*', 'breast[- ]?feed', '(?:male|female)s?']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any


def phrase_pattern(phrases: Iterable[str], *, hyphen: str | None = None) -> str:
    """One regex alternation for literal phrases, longest first, as a trie.

    Whitespace inside a phrase matches any run of whitespace. The trie shape
    ("at (?:least|most)") avoids re-trying a long flat alternation at every
    position. ``hyphen``, when given, is the regex a ``-`` inside a phrase
    matches (``r"(?:\\s*-\\s*|\\s+)"``: "first-degree" also as "first degree").
    """
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie, hyphen)


def _trie_regex(node: dict[str, Any], hyphen: str | None = None) -> str:
    return _trie(node, hyphen)[0]


def _trie(node: dict[str, Any], hyphen: str | None) -> tuple[str, int]:
    """(the regex of a trie node, its depth): the deepest branch first, each
    depth computed once (bottom-up), so building is linear in the trie."""
    if not node:
        return "", 0
    ending = "" in node
    built = []
    for char in (c for c in node if c):
        child, depth = _trie(node[char], hyphen)
        built.append((-(depth + 1), char, child))
    if not built:
        return "", 1
    built.sort()
    branches = []
    for _, char, child in built:
        if char == " ":
            atom = r"\s+"
        elif char == "-" and hyphen is not None:
            atom = hyphen
        else:
            atom = re.escape(char)
        branches.append(atom + child)
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ending:
        body = f"(?:{body})?"
    return body, -built[0][0]


def structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """``(index, char, depth)`` for every character of a regex from ``start``
    that is neither escaped nor inside a character class; ``depth`` counts the
    groups open after that character."""
    depth, in_class, i = 0, False, start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth += (char == "(") - (char == ")")
            yield i, char, depth
        i += 1


def alternatives(pattern: str) -> list[str]:
    """Split a regex at its top-level "|"."""
    bars = [i for i, char, depth in structure(pattern) if char == "|" and depth == 0]
    edges = [-1, *bars, len(pattern)]
    return [pattern[a + 1 : b] for a, b in itertools.pairwise(edges)]


def closing(pattern: str, opening: int) -> int:
    """The index of the ")" closing the group opened at ``opening``, or -1."""
    for i, char, depth in structure(pattern, opening):
        if char == ")" and depth == 0:
            return i
    return -1
