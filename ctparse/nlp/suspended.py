"""Suspended prefixes: "uni- or bipolar depression", "hypo- or hyperthyroidism".

A prefix written with a hyphen and left hanging before a conjunction shares the
rest of the next word: "uni- or bipolar depression" is unipolar depression or
bipolar depression, "pre- or postoperative radiotherapy" preoperative or
postoperative radiotherapy. The dictionary tagger (:mod:`ctparse.nlp.mentions`)
finds the name after the conjunction; :func:`restore` gives the hanging prefix
the concept of its own completed name, at the prefix's own offsets, and widens
the mention after it over its prefixed modifier when that names a concept
("bipolar depression").

Only the prefixes of :data:`PREFIXES` are read this way, and only when the word
after the conjunction starts with one too: "in- or outpatient", not "B- or T-cell".

>>> from ctparse.nlp.mentions import mentions
>>> [(m.text, m.name, m.entry.id) for m in mentions("Patients with uni- or bipolar depression")]
[('uni', 'unipolar depression', 'major_depression'), ('bipolar depression', 'bipolar depression', 'bipolar_disorder')]
>>> [(m.text, m.entry.id) for m in mentions("hypo- or hyperthyroidism")]
[('hypo', 'hypothyroidism'), ('hyperthyroidism', 'hyperthyroidism')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

#: Prefixes that are written hanging ("pre- and post-", "intra- or extrahepatic"),
#: longest first so that "hyper" is taken before "hypo"'s shorter rivals.
PREFIXES = tuple(
    sorted(
        {
            "ante", "anti", "bi", "endo", "epi", "exo", "extra", "hemi", "hyper", "hypo",
            "in", "infra", "inter", "intra", "macro", "micro", "mono", "multi", "out",
            "over", "para", "peri", "poly", "post", "pre", "retro", "semi", "sub",
            "supra", "trans", "tri", "under", "uni",
        },
        key=lambda p: (-len(p), p),
    )
)  # fmt: skip
#: What stands between a hanging prefix and the next word: "uni- or ", "pre-, ".
_HANGING = re.compile(r"\s*-\s*(?:,\s*|\s+(?:and\s*/\s*or|and|or|nor|to)\s+)$", re.IGNORECASE)


class Token(Protocol):
    """A word token of :mod:`ctparse.nlp.mentions`: where it is in the text."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def _stem(word: str) -> str | None:
    """The word without its prefix ("bipolar" -> "polar"), or None."""
    lowered = word.lower().lstrip("-")
    for prefix in PREFIXES:
        if lowered.startswith(prefix) and len(lowered) > len(prefix) + 2:
            return lowered[len(prefix) :].lstrip("-")
    return None


def _hanging_prefix(text: str, tokens: Sequence[Token], k: int) -> int | None:
    """The token of a hanging prefix that ends right before token ``k``'s
    conjunction ("uni" in "uni- or bipolar"), or None."""
    for p in (k - 1, k - 2):
        if p < 0:
            return None
        if _HANGING.fullmatch(text[tokens[p].end : tokens[k].start]) and (
            text[tokens[p].start : tokens[p].end].lower() in PREFIXES
        ):
            return p
    return None


Found = tuple[int, int, str, str]


def restore(
    text: str, tokens: Sequence[Token], found: list[Found], lookup: Callable[[str], str | None]
) -> list[Found]:
    """``found`` (token start, token end, concept id, name) with the hanging
    prefixes before its mentions named ("uni" -> unipolar depression) and a mention
    widened over the prefixed word before it where that names a concept."""
    taken = {i for s, e, _, _ in found for i in range(s, e)}
    out = list(found)
    for index, (s, e, _, name) in enumerate(found):
        # "hypo- or hyperthyroidism": the prefix before the mention's own first word.
        # "uni- or bipolar depression": before a word right before the mention.
        for modifier in (s, s - 1):
            if modifier < 0 or (modifier < s and modifier in taken):
                continue
            p = _hanging_prefix(text, tokens, modifier)
            if p is None or p in taken:
                continue
            word = text[tokens[modifier].start : tokens[modifier].end]
            stem = _stem(word)
            if stem is None:
                continue
            after = name[len(word) :] if modifier == s else f" {name}"
            prefix = text[tokens[p].start : tokens[p].end]
            completed = f"{prefix}{stem}{after}"
            completed_id = lookup(completed)
            if completed_id is None:
                continue
            if modifier < s and (widened := lookup(f"{word}{after}")) is not None:
                out[index] = (modifier, e, widened, f"{word}{after}")
                taken.add(modifier)
            out.append((p, p + 1, completed_id, completed))
            taken.add(p)
            break
    return out
