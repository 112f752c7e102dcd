"""The criteria no threshold or window settled, paired by text similarity.

Acronyms of ``models/acronyms.jsonl`` are spelled out and word order is
ignored; an optimal one-to-one assignment above a similarity floor pairs them.
A pair is ``same`` when both say the same thing (also when only hedges such as
"past"/"confirmed" and examples "(such as …)" differ), ``different``
otherwise, saying which words only one side has. What stays alone is
``only_a`` / ``only_b``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..schema import Criterion, Pair, Verdict
from . import matching
from .limits import label
from .rows import pair
from .wording import facts

#: Text pairs scoring below this (weighted Dice of content words) stay alone.
SIMILARITY_FLOOR = 0.35
#: Text pairs at or above this, stating the same numbers, say the same thing.
SAME_TEXT = 0.85


def text_pairs(
    rest_a: Sequence[Criterion],
    rest_b: Sequence[Criterion],
    *,
    missing_a: bool,
    missing_b: bool,
) -> list[Pair]:
    texts_a = [_Text.of(c.text) for c in rest_a]
    texts_b = [_Text.of(c.text) for c in rest_b]
    weights = matching.idf([t.tokens for t in texts_a + texts_b])
    core_weights = matching.idf([sorted(t.core) for t in texts_a + texts_b])
    scores = [
        [
            max(
                matching.similarity(ta.tokens, tb.tokens, weights),
                matching.similarity(sorted(ta.core), sorted(tb.core), core_weights),
            )
            if _same_section(ca, cb)
            else 0.0
            for cb, tb in zip(rest_b, texts_b, strict=True)
        ]
        for ca, ta in zip(rest_a, texts_a, strict=True)
    ]
    pairs = []
    matched = matching.assign(scores, floor=SIMILARITY_FLOOR)
    for i, j in matched:
        ca, cb = rest_a[i], rest_b[j]
        score = matching.similarity(texts_a[i].tokens, texts_b[j].tokens, weights)
        verdict, detail = _compare_texts(ca, cb, score, texts_a[i], texts_b[j])
        variable = next((t.variable for t in ca.thresholds + cb.thresholds), None)
        pairs.append(pair(ca, cb, variable, verdict, detail, scores[i][j]))
    lone_a = sorted(set(range(len(rest_a))) - {i for i, _ in matched})
    lone_b = sorted(set(range(len(rest_b))) - {j for _, j in matched})
    for i in lone_a:
        pairs.append(_alone(rest_a[i], "a", missing_other=missing_b))
    for j in lone_b:
        pairs.append(_alone(rest_b[j], "b", missing_other=missing_a))
    return pairs


def _same_section(ca: Criterion, cb: Criterion) -> bool:
    return ca.section == cb.section or "unknown" in (ca.section, cb.section)


#: Examples of a general term: "(such as Crohn's disease or ulcerative colitis)",
#: ", including but not limited to …" up to the end of the sentence.
_EXAMPLES = re.compile(
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
            " ".join(m.group(0).strip(" ,").split()) for m in _EXAMPLES.finditer(expanded)
        )
        core = frozenset(
            t for t in matching.loose_tokens(_EXAMPLES.sub(" ", expanded)) if t not in HEDGES
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


def _compare_texts(
    ca: Criterion, cb: Criterion, score: float, ta: _Text, tb: _Text
) -> tuple[Verdict, str]:
    if matching.normalize(ca.text) == matching.normalize(cb.text):
        return "same", "the same text"
    na, nb = matching.numbers(ca.text), matching.numbers(cb.text)
    if score >= SAME_TEXT and na == nb:
        return "same", f"the same criterion, worded slightly differently ({score:.0%} similar)"
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
        return (
            "same",
            f"the same criterion in other words{said} ({score:.0%} similar word for word)",
        )
    wording = _wording(ta, tb)
    wording = f": {wording}" if wording else ""
    if na != nb:
        return "different", (
            f"similar criteria ({score:.0%} similar) stating different numbers: "
            f"A {', '.join(na) or 'none'}; B {', '.join(nb) or 'none'}"
        )
    return (
        "different",
        f"similar criteria ({score:.0%} similar) that are worded differently{wording}",
    )


def _alone(criterion: Criterion, side: str, *, missing_other: bool) -> Pair:
    other = "B" if side == "a" else "A"
    if missing_other:
        detail = f"not in {other}'s record: it has no eligibility criteria"
    else:
        detail = f"no matching criterion in {other}"
        variables = list(dict.fromkeys(t.variable for t in criterion.thresholds))
        if variables:
            detail += f"; {other} sets no limit on " + ", ".join(label(v) for v in variables)
    demands = facts(criterion)
    if demands:
        detail += f" ({side.upper()} {demands})"
    variable = criterion.thresholds[0].variable if criterion.thresholds else None
    return pair(
        criterion if side == "a" else None,
        criterion if side == "b" else None,
        variable,
        "only_a" if side == "a" else "only_b",
        detail,
    )
