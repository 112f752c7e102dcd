"""Criteria compared by their words, where no limit, window or concept says more.

Acronyms of ``models/acronyms.jsonl`` are spelled out and word order is
ignored. Two criteria are ``same`` when they say the same thing (also when only
hedges such as "past"/"confirmed" and examples "(such as …)" differ),
``different`` otherwise, saying which words only one side has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema import Criterion, Verdict
from . import matching

#: Texts at least this similar (weighted Dice of content words), stating the same
#: numbers, say the same thing.
SAME_TEXT = 0.85


def same_section(ca: Criterion, cb: Criterion) -> bool:
    return ca.section == cb.section or "unknown" in (ca.section, cb.section)


#: Examples of a general term: "(such as Crohn's disease or ulcerative colitis)",
#: ", including but not limited to …" up to the end of the sentence.
EXAMPLES = re.compile(
    r"\(\s*(?:such\s+as|e\.?\s?g\.?|i\.?\s?e\.?|including|for\s+(?:example|instance)|like)"
    r"\b[^()]*\)"
    r"|,?\s*\b(?:such\s+as|including(?:\s+but\s+not\s+limited\s+to)?)\b[^.;()]*(?=[.;]|$)",
    re.IGNORECASE,
)
#: Words that do not change whom a criterion admits: "active or past history of
#: confirmed X" and "history or active X" say the same.
HEDGES = frozenset(
    matching.word_key(w)
    for w in ("past", "confirmed", "documented", "known", "diagnosed", "evidence", "any")
)


@dataclass(frozen=True)
class _Text:
    """A criterion's text as the text pass sees it."""

    expanded: str  # acronyms spelled out
    tokens: list[str]  # content words of the expanded text (bag, any order)
    core: frozenset[str]  # loose content words without examples and hedges
    examples: tuple[str, ...]  # the examples left out of ``core``

    @classmethod
    def of(cls, text: str) -> _Text:
        expanded = matching.expand(text)
        examples = tuple(
            " ".join(m.group(0).strip(" ,").split()) for m in EXAMPLES.finditer(expanded)
        )
        core = frozenset(
            t for t in matching.loose_tokens(EXAMPLES.sub(" ", expanded)) if t not in HEDGES
        )
        return cls(expanded, matching.tokens(expanded), core, examples)


def _word_runs(words: list[str], limit: int = 80) -> str:
    """Runs of words for a detail, stop words trimmed at their edges, cut with …"""
    runs = []
    for run in words:
        kept = run.split()
        while kept and kept[0].lower().strip("(),;:") in matching.STOPWORDS:
            kept.pop(0)
        while kept and kept[-1].lower().strip("(),;:") in matching.STOPWORDS:
            kept.pop()
        if kept:
            runs.append(" ".join(kept).strip("(),;: "))
    text = ", ".join(r for r in runs if r)
    if len(text) > limit:
        text = text[: limit + 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
    return text


def _wording(ta: _Text, tb: _Text) -> str:
    """What one text says that the other does not, word by word."""
    only_a, only_b, _ = matching.word_diff(ta.expanded, tb.expanded)
    parts = [
        f"only A says: {said}" if (said := _word_runs(only_a)) else "",
        f"only B says: {said}" if (said := _word_runs(only_b)) else "",
    ]
    return "; ".join(p for p in parts if p)


def compare_texts(ca: Criterion, cb: Criterion, score: float) -> tuple[Verdict, str]:
    """The verdict on two criteria by their words, and why."""
    ta, tb = _Text.of(ca.text), _Text.of(cb.text)
    if matching.normalize(ca.text) == matching.normalize(cb.text):
        return "same", "the same text"
    na, nb = matching.numbers(ca.text), matching.numbers(cb.text)
    if score >= SAME_TEXT and na == nb:
        return "same", "the same criterion, worded slightly differently"
    if ta.core and ta.core == tb.core and sorted(na) == sorted(nb):
        # The same words once acronyms are spelled out and word order, hedges
        # ("past", "confirmed") and examples are set aside.
        notes = matching.expansions(ca.text) + [
            e for e in matching.expansions(cb.text) if e not in matching.expansions(ca.text)
        ]
        for side, text in (("A", ta), ("B", tb)):
            if text.examples and set(text.examples) != set((tb if side == "A" else ta).examples):
                notes.append(f"{side} gives examples {'; '.join(text.examples)}")
        hedges_a, hedges_b, _ = matching.word_diff(ta.expanded, tb.expanded)
        hedged = [
            w
            for w in " ".join(hedges_a + hedges_b).split()
            if matching.word_key(w.strip("(),;:")) in HEDGES
        ]
        if hedged:
            notes.append("hedges aside: " + ", ".join(dict.fromkeys(w.lower() for w in hedged)))
        said = f": {'; '.join(notes)}" if notes else ""
        return "same", f"the same criterion in other words{said}"
    wording = _wording(ta, tb)
    wording = f": {wording}" if wording else ""
    if na != nb:
        return "different", (
            f"similar criteria stating different numbers: "
            f"A {', '.join(na) or 'none'}; B {', '.join(nb) or 'none'}{wording}"
        )
    return "different", f"worded differently{wording}"
