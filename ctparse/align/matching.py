"""Text similarity of criteria and the optimal one-to-one assignment.

Pure Python on purpose: the matrices are small (tens of criteria a side) and
importing scipy would cost more start-up time than the whole alignment.

    >>> assign([[0.9, 0.1], [0.8, 0.7]], floor=0.5)
    [(0, 0), (1, 1)]
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from ..resources import load_rules, per_models

_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "must",
        "no",
        "not",
        "of",
        "on",
        "or",
        "other",
        "such",
        "than",
        "that",
        "the",
        "their",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "were",
        "which",
        "who",
        "whom",
        "will",
        "with",
        "within",
        "any",
        "all",
        "patients",
        "patient",
        "subjects",
        "subject",
        "participants",
        "participant",
    ]
)


#: Words that nearly every criterion list uses: they count a third as much,
#: so that "active syphilis infection" does not pair with "active HBV infection".
WEAK = frozenset(
    [
        "active", "known", "history", "disease", "infection", "treatment", "therapy",
        "prior", "previous", "current", "severe", "significant", "clinical", "clinically",
        "uncontrolled", "study", "drug", "dose", "first", "grade", "receiv", "requir",
        "includ", "except", "exclud", "allow",
    ]
)  # fmt: skip
WEAK_WEIGHT = 1 / 3


def normalize(text: str) -> str:
    """Lower case, compatibility forms (≥ stays), spacing collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _stem(word: str) -> str:
    # Crude suffix stripping: enough for "metastases"/"metastasis",
    # "treated"/"treatment"; a word keeps at least four letters.
    for suffix in ("ations", "ation", "ments", "ment", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


#: Endings that make a noun an adjective or a Latin form of one stem:
#: esophageal/esophagus, colonic/colon, cancerous/cancer.
_LOOSE_ENDINGS = ("eal", "ous", "us", "ic", "al")
_LOOSE_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def word_key(word: str) -> str:
    """A loose key for one word: case, British spelling (oesophageal,
    leukaemia), plural and adjective endings ignored.

        >>> word_key("Esophageal") == word_key("esophagus") == word_key("Oesophageal")
        True
    """
    w = unicodedata.normalize("NFKC", word).lower()
    if w.startswith("oe"):
        w = "e" + w[2:]
    w = w.replace("aem", "em")
    if w.endswith("sis"):
        w = w[:-2] + "es"  # metastasis / metastases
    for ending in _LOOSE_ENDINGS:
        if w.endswith(ending) and len(w) - len(ending) >= 4:
            return w[: -len(ending)]
    return _stem(w)


def word_diff(a: str, b: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """How two short names differ word by word: what only A says, what only B
    says (each as runs of adjacent words), and the pairs of words taken as the
    same word although written differently.

        >>> word_diff("Esophageal Squamous Cell Carcinoma",
        ...           "Stage IV Esophagus Squamous Cell Carcinoma")
        ([], ['Stage IV'], [('Esophageal', 'Esophagus')])
    """
    words_a, words_b = _LOOSE_WORD.findall(a), _LOOSE_WORD.findall(b)
    keys_a = {word_key(w): w for w in words_a}
    keys_b = {word_key(w): w for w in words_b}

    def runs(words: list[str], other: dict[str, str]) -> list[str]:
        found: list[list[str]] = []
        previous = False
        for word in words:
            alone = word_key(word) not in other
            if alone and previous:
                found[-1].append(word)
            elif alone:
                found.append([word])
            previous = alone
        return [" ".join(run) for run in found]

    variants = [
        (word, keys_b[key])
        for key, word in keys_a.items()
        # A plural or a capital is no news; esophageal/esophagus is.
        if key in keys_b and _stem(word.lower()) != _stem(keys_b[key].lower())
    ]
    return runs(words_a, keys_b), runs(words_b, keys_a), variants


@per_models
def _acronyms() -> tuple[tuple[str, re.Pattern[str], str, re.Pattern[str]], ...]:
    """(acronym, acronym as a whole word, expansion, the expansion as a phrase)."""
    found = []
    for entry in load_rules("acronyms.jsonl"):
        acronym = re.compile(rf"(?<![\w\-]){re.escape(entry['acronym'])}(?![\w])")
        words = re.split(r"[\s\-]+", entry["expansion"].strip())
        phrase = re.compile(r"[\s\-]+".join(re.escape(w) for w in words), re.IGNORECASE)
        found.append((entry["acronym"], acronym, entry["expansion"], phrase))
    return tuple(found)


def expand(text: str) -> str:
    """Acronyms spelled out (``models/acronyms.jsonl``): "History or active IBD"
    → "History or active inflammatory bowel disease". Where the text already
    spells one out ("central nervous system (CNS)") the acronym is dropped, so
    that no word counts twice.

        >>> expand("Known HIV or active HBV infection")
        'Known human immunodeficiency virus or active hepatitis B virus infection'
    """
    for _, acronym, expansion, phrase in _acronyms():
        if not acronym.search(text):
            continue
        if phrase.search(text):
            text = re.sub(r"\s*\(\s*\)", "", acronym.sub("", text))
        else:
            text = acronym.sub(expansion, text)
    return text


def expansions(text: str) -> list[str]:
    """The acronyms that :func:`expand` spells out in ``text``, as "IBD =
    inflammatory bowel disease"."""
    return [
        f"{name} = {expansion}"
        for name, acronym, expansion, phrase in _acronyms()
        if acronym.search(text) and not phrase.search(text)
    ]


def loose_tokens(text: str) -> list[str]:
    """Content words by :func:`word_key` (esophageal = esophagus), numbers kept."""
    return [word_key(w) for w in _WORD.findall(normalize(text)) if w not in STOPWORDS]


def tokens(text: str) -> list[str]:
    """Content words (stemmed) and numbers of a criterion."""
    return [_stem(w) for w in _WORD.findall(normalize(text)) if w not in STOPWORDS]


def numbers(text: str) -> tuple[str, ...]:
    """The numbers a text states, in order ("1,500" and "1500" alike)."""
    return tuple(n.replace(",", "") for n in _NUMBER.findall(normalize(text)))


def idf(documents: Sequence[Sequence[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of every token."""
    counts: Counter[str] = Counter()
    for document in documents:
        counts.update(set(document))
    total = len(documents)
    return {
        t: (math.log((1 + total) / (1 + n)) + 1.0) * (WEAK_WEIGHT if t in WEAK else 1.0)
        for t, n in counts.items()
    }


def similarity(a: Sequence[str], b: Sequence[str], weights: dict[str, float]) -> float:
    """Weighted Dice coefficient of two token bags, in [0, 1]."""
    ca, cb = Counter(a), Counter(b)
    if not ca or not cb:
        return 0.0
    # fsum: the same sum whatever order a set gives (it varies with the hash seed)
    shared = math.fsum(min(ca[t], cb[t]) * weights.get(t, 1.0) for t in ca.keys() & cb.keys())
    total = math.fsum(n * weights.get(t, 1.0) for c in (ca, cb) for t, n in c.items())
    return 2.0 * shared / total if total else 0.0


def hungarian(cost: Sequence[Sequence[float]]) -> list[int]:
    """Minimum-cost assignment of every row to a distinct column (rows ≤ columns).

    Returns, for each row, its column. The O(n²m) shortest augmenting path
    method (Kuhn–Munkres with potentials).
    """
    n = len(cost)
    if n == 0:
        return []
    m = len(cost[0])
    if m < n:
        raise ValueError("hungarian() needs at least as many columns as rows")
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    owner = [0] * (m + 1)  # owner[j]: row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            row = cost[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    current = row[j - 1] - u[i0] - v[j]
                    if current < minv[j]:
                        minv[j], way[j] = current, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    result = [0] * n
    for j in range(1, m + 1):
        if owner[j]:
            result[owner[j] - 1] = j - 1
    return result


def assign(scores: Sequence[Sequence[float]], *, floor: float) -> list[tuple[int, int]]:
    """Pairs (row, column) maximizing the total score, each score ≥ ``floor``.

    Scores below the floor are never paired; rows and columns may stay alone.
    Rows and columns joined by no score at or above the floor cannot affect each
    other, so each connected group of them is solved on its own (two trials'
    criteria form many small groups: the cost is that of the largest group, not
    of the whole matrix).
    """
    rows = len(scores)
    columns = len(scores[0]) if rows else 0
    if not rows or not columns:
        return []
    pairs: list[tuple[int, int]] = []
    for group_rows, group_columns in _groups(scores, floor):
        sub = [[scores[i][j] for j in group_columns] for i in group_rows]
        pairs += [(group_rows[i], group_columns[j]) for i, j in _assign_dense(sub, floor)]
    return sorted(pairs)


def _groups(scores: Sequence[Sequence[float]], floor: float) -> list[tuple[list[int], list[int]]]:
    """The connected groups of rows and columns, joined by scores ≥ ``floor``, in
    order of their first row; rows and columns in no pair are left out."""
    rows, columns = len(scores), len(scores[0])
    parent = list(range(rows + columns))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    linked: set[int] = set()
    for i in range(rows):
        for j in range(columns):
            if scores[i][j] >= floor:
                linked.update((i, rows + j))
                a, b = find(i), find(rows + j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for x in sorted(linked):
        group = groups.setdefault(find(x), ([], []))
        if x < rows:
            group[0].append(x)
        else:
            group[1].append(x - rows)
    return list(groups.values())


def _assign_dense(scores: Sequence[Sequence[float]], floor: float) -> list[tuple[int, int]]:
    rows, columns = len(scores), len(scores[0])
    # Pad to a square matrix whose dummy rows and columns cost nothing: staying
    # alone is free, a pair at or above the floor gains its score, and a pair
    # below the floor costs more than staying alone, so it is never chosen.
    size = rows + columns
    cost = [[0.0] * size for _ in range(size)]
    for i in range(rows):
        for j in range(columns):
            s = scores[i][j]
            cost[i][j] = -s if s >= floor else 1.0
    chosen = hungarian(cost)
    return [(i, j) for i, j in enumerate(chosen[:rows]) if j < columns and scores[i][j] >= floor]
