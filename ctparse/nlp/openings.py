"""Where a run of criteria without punctuation opens a new one.

A mirror that joins the lines of a record whose registrant used no periods
leaves one long run: "Age 18 to 65 years Diagnosis of type 2 diabetes for at
least 6 months HbA1c between 7% and 10% Body mass index below 40". What such
text still has are the openings of criteria: a capitalized word that
criteria begin with (``kind: opening`` in ``models/segmentation.jsonl``:
"Patients", "History", "Age", "Inability", …), or any capitalized word
after a period's unit, a number or a closing parenthesis ("… 10% Body …"),
or a capitalized word that opens several clauses of the run alike (repeated
sentence shapes), and in a run too long to be one criterion any capitalized
word after one that can end a clause. Never after a function word ("prior to
Day 1"), a comma (a series) or another capitalized word ("von Willebrand
Syndrome").

>>> text = "Age 18 to 65 years Diagnosis of type 2 diabetes for at least 6 months HbA1c between 7% and 10%"
>>> [text[s:e] for s, e in split_run(text, 0, len(text))]
['Age 18 to 65 years', 'Diagnosis of type 2 diabetes for at least 6 months', 'HbA1c between 7% and 10%']
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from ..text.timeunits import WORD as _TIME_WORD
from .clauses import rules

#: A run shorter than this many words is one criterion, however it is written.
MIN_WORDS = 10
#: Words a new criterion has at least (no one-word splinters).
MIN_PIECE = 3
#: A run this long holds several criteria whatever opens them.
JOINED_WORDS = 45

_TOKEN = re.compile(r"\S+")
_FUNCTION = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "nor",
        "of",
        "to",
        "with",
        "in",
        "on",
        "for",
        "by",
        "at",
        "from",
        "than",
        "as",
        "vs",
        "vs.",
        "per",
        "via",
        "including",
        "such",
        "e.g.",
        "e.g.,",
        "i.e.",
        "i.e.,",
        "like",
        "between",
        "within",
        "during",
        "after",
        "before",
        "under",
        "over",
        "into",
        "onto",
        "upon",
        "about",
        "among",
        "against",
        "without",
        "not",
        "no",
        "any",
        "all",
        "other",
        "his",
        "her",
        "their",
        "its",
        "who",
        "which",
        "whose",
        "that",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "will",
        "would",
        "must",
        "should",
        "can",
        "could",
        "may",
        "might",
        "do",
        "does",
        "did",
        "either",
        "neither",
        "both",
        "each",
        "every",
        "some",
        "more",
        "less",
        "most",
        "least",
    }
)
_ENDS_CLAUSE = re.compile(rf"(?:[\d%)\]]|\b(?i:{_TIME_WORD})s?)$")
_SENTENCE_PUNCT = re.compile(r"[.;!?]$")
_WRITTEN = re.compile(r"[!?](?=\s)|(?<![A-Z]\.)(?<!\b[a-z]\.)\.\s+[a-z]")
_SEMICOLON = re.compile(r";(?=\s)")


def split_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut where criteria open, or the span itself."""
    if text.count(" ", start, end) < MIN_WORDS - 1:
        return [(start, end)]  # cheap: most criteria are shorter than a run
    if _WRITTEN.search(text, start, end):
        return [(start, end)]  # "… e.g. in the …": punctuated as written
    out: list[tuple[int, int]] = []
    chunk = start
    for semicolon in _SEMICOLON.finditer(text, start, end):
        # each clause between ";" on its own: "Male and Female; 18 years or older …"
        out.extend(_split_chunk(text, chunk, semicolon.end()))
        chunk = semicolon.end()
    out.extend(_split_chunk(text, chunk, end))
    if not out:
        return [(start, end)]
    merged = [out[0]]
    for s, e in out[1:]:
        if text[merged[-1][1] - 1] == ";" and s <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], e)  # a ";" cut is the pieces' job, not ours
        else:
            merged.append((s, e))
    return merged


def _split_chunk(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    if len(tokens) < MIN_WORDS:
        return [(start, end)] if tokens else []
    # A run this long is several criteria joined: any capitalized word after a word that
    # can end a clause opens one ("… already in place Bicarbonate concentration ≥ 27").
    joined = len(tokens) >= JOINED_WORDS
    opening = rules().opening
    candidates: list[tuple[int, str, bool]] = []  # (token index, word, strong)
    depth = 0
    for i in range(1, len(tokens)):
        s, e = tokens[i]
        previous = text[tokens[i - 1][0] : tokens[i - 1][1]]
        depth = max(0, depth + previous.count("(") - previous.count(")"))
        raw = text[s:e]
        if depth or raw.startswith("("):
            continue  # "(Cohort A) or … (Cohort B)": an aside opens no criterion
        word = raw.lstrip('"“')
        if not word[:1].isupper():
            continue
        before = text[tokens[i - 1][0] : tokens[i - 1][1]]
        if before.endswith((",", ":")) or before.lower() in _FUNCTION:
            continue
        if _SENTENCE_PUNCT.search(before):
            continue  # a sentence end already cuts here
        closes = bool(_ENDS_CLAUSE.search(before))
        listed = opening.match(word) is not None
        # an acronym or a roman numeral ends a clause before a listed opening ("… to MR
        # Alcohol dependence", "ASA I to II Indication for …")
        acronym = listed and before.isupper() and before.isalpha() and len(before) <= 5
        if before[:1].isupper() and not (closes or acronym):
            continue  # "von Willebrand Syndrome", "New York Heart Association"
        if not (listed or word[1:2].islower()):
            continue  # "500 IU/mL", "2.5 × ULN": units and acronyms open no criterion
        candidates.append((i, word, listed or closes))
    if not candidates:
        return [(start, end)]
    # several strong openings show the run is criteria joined, too
    joined = joined or sum(strong for _, _, strong in candidates) >= 2
    if joined:
        candidates = [(i, word, True) for i, word, _ in candidates]

    # a repeated shape: clauses opening with the same two words ("Teeth that …"), the
    # run's own opening included
    def shape(i: int) -> str:
        words = [text[s:e].lower() for s, e in tokens[i : i + 2]]
        return " ".join(words)

    repeated = Counter(shape(i) for i, _, _ in candidates)
    repeated[shape(0)] += 1
    cuts: list[int] = []
    last = 0
    for i, _word, strong in candidates:
        if not (strong or repeated[shape(i)] >= 2):
            continue
        if i - last < MIN_PIECE:
            continue
        cuts.append(i)
        last = i
    if cuts and len(tokens) - cuts[-1] < MIN_PIECE:
        cuts.pop()
    if not cuts:
        return [(start, end)]
    bounds = [0, *cuts, len(tokens)]
    return [(tokens[a][0], tokens[b - 1][1]) for a, b in itertools.pairwise(bounds)]
