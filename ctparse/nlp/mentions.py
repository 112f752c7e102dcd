"""A dictionary tagger over the concept lexicon: the concepts a text names, where.

It completes the recognizer's entities (a mention wins where both found
something: :func:`ctparse.nlp.entity_facts.with_lexicon`) and stands in for it
under ``--no-entities``: every name of ``models/concepts.jsonl`` (with
the variables and drugs it joins) is looked up in the text, longest match
first, with the folding of :func:`ctparse.nlp.concepts.key` (case, hyphens,
apostrophes and plurals: "Radiation Therapies", "anti-PD-1", "Crohn's") and
abbreviations as written ("HBV", "RT"; "ms" is nothing). Catch-all concepts
("disease", "treatment") are left out unless asked for.

A coordination lends its shared word to a conjunct that names nothing alone:
"hepatitis B or C" gives hepatitis B and hepatitis C, "breast or ovarian
cancer" breast cancer and ovarian cancer; a list of organ words lends its head
noun to each, whatever the last word names with it (:func:`_shared_heads`).

    >>> [(m.text, m.entry.id) for m in mentions("Prior radiation therapy or anti-PD-1 antibodies")]
    [('radiation therapy', 'radiotherapy'), ('anti-PD-1 antibodies', 'pd1_inhibitor')]
    >>> [m.name for m in mentions("HIV, hepatitis B or C")]
    ['HIV', 'hepatitis B', 'hepatitis C']
    >>> [m.text for m in mentions("Active hepatitis B infection")]
    ['Active hepatitis B infection']
    >>> [m.entry.id for m in mentions("History of renal, hepatic or vestibular disorders")]
    ['kidney_disease', 'liver_disease']

A pure function of the text: about 2,000 criteria a second on one core.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..resources import models_dir, per_text
from .concepts import _DASHES, ConceptEntry, Lexicon, _singular, lexicon
from .genes import in_context
from .rules import rules
from .suspended import restore

_TOKEN = re.compile(r"[\w+]+")
#: What may stand between the conjuncts of a coordination.
_JOIN = re.compile(r"^\s*(?:,\s*)?(?:(?:and\s*/\s*or|and|or|nor|&)\s+|,\s*|/\s*)$", re.IGNORECASE)
#: A conjunct that borrows the words of the one before it ("hepatitis B or C").
_SHORT = re.compile(r"(?:[A-Z]|\d{1,2}|[IVX]{1,4})$")
#: Abbreviations are looked up over at most this many tokens ("HIV-1", "PD-L1").
_ABBREVIATION_TOKENS = 3


@dataclass(frozen=True)
class Mention:
    """A concept named in a text: ``text[start:end]`` as written, ``name`` with a
    borrowed word restored ("hepatitis C" for the "C" of "hepatitis B or C")."""

    start: int
    end: int
    text: str
    name: str
    entry: ConceptEntry


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    folded: str


#: An abbreviation in brackets after what it abbreviates ("central nervous system (CNS)
#: metastases"): left out, so that the name around it is found whole.
_RESTATED = re.compile(r"[(\[]\s*[A-Z][A-Za-z0-9\-/]{1,9}\s*[)\]]")


def _tokens(text: str) -> list[_Token]:
    """Word tokens with their folded form; a possessive "'s" is no token, nor an
    abbreviation in brackets right after words ("system (CNS) metastases")."""
    out: list[_Token] = []
    translated = text.translate(_DASHES)
    hidden = {
        i
        for m in _RESTATED.finditer(translated)
        if m.start() > 0 and translated[m.start() - 1] == " " and translated[: m.start()].strip()
        for i in range(m.start(), m.end())
    }
    for m in _TOKEN.finditer(translated):
        word = m.group(0)
        if m.start() in hidden:
            continue
        if word.lower() == "s" and m.start() > 0 and translated[m.start() - 1] == "'":
            continue
        folded = _singular(unicodedata.normalize("NFKC", word).casefold())
        out.append(_Token(m.start(), m.end(), folded))
    return out


def _attached(text: str, tokens: list[_Token], i: int) -> bool:
    """Whether the token before ``tokens[i]`` is joined to it by a hyphen or a space
    alone ("non-malignant", "non malignant"), not by punctuation."""
    between = text[tokens[i - 1].end : tokens[i].start].translate(_DASHES)
    return between in ("-", " ", "- ", " -", " - ")


def _named_by_tokens(
    text: str, tokens: list[_Token], start: int, end: int, lex: Lexicon, *, broad: bool
) -> str | None:
    """The concept tokens ``start:end`` name as a whole, or None."""
    ids = lex.by_key.get("".join(t.folded for t in tokens[start:end]), ())
    return _choose(ids, lex, broad=broad) if ids else None


def _choose(ids: tuple[str, ...], lex: Lexicon, *, broad: bool, unique: bool = False) -> str | None:
    fitting = [i for i in ids if broad or not lex.entries[i].broad]
    if not fitting or (unique and len({lex.entries[i].type for i in fitting}) < len(fitting)):
        return None
    return fitting[0]


def _match(
    text: str, tokens: list[_Token], i: int, lex: Lexicon, *, broad: bool
) -> tuple[int, str] | None:
    """The longest name starting at token ``i``: (end token, concept id).

    Names grow a token at a time and stop as soon as the words so far begin no
    name (:func:`_prefixes`); abbreviations are looked up over the first few tokens.
    """
    last = min(len(tokens), i + lex.longest)
    prefixes = _prefixes(lex)
    best: tuple[int, str] | None = None
    key = ""
    for j in range(i + 1, last + 1):
        key += tokens[j - 1].folded
        found = _choose(lex.by_key[key], lex, broad=broad) if key in lex.by_key else None
        if found is not None and j - i > 1 and all(t.folded in _FUNCTION for t in tokens[i:j]):
            found = None  # "as a" spells no "ASA": function words name nothing
        if found is None and j - i <= _ABBREVIATION_TOKENS:
            written = text[tokens[i].start : tokens[j - 1].end]
            ids = lex.by_abbreviation.get(written, ())
            if not ids and written.endswith("s"):
                ids = lex.by_abbreviation.get(written[:-1], ())  # "TKIs"
            found = _choose(ids, lex, broad=broad, unique=True)
        if found is not None:
            best = (j, found)
        if key not in prefixes and j - i >= _ABBREVIATION_TOKENS:
            break
    return best


#: Words that, written apart, spell no name together ("as a" is no ASA, "in r" no INR).
_FUNCTION = frozenset(
    [
        "a",
        "an",
        "the",
        "as",
        "at",
        "in",
        "on",
        "of",
        "to",
        "or",
        "and",
        "is",
        "it",
        "be",
        "by",
        "no",
        "not",
        "so",
        "if",
        "do",
        "us",
        "we",
        "he",
        "me",
        "my",
        "up",
        "per",
        "via",
        "for",
        "are",
        "was",
        "were",
        "has",
        "had",
    ]
)

_PREFIXES: dict[int, tuple[Lexicon, frozenset[str]]] = {}


def _prefixes(lex: Lexicon) -> frozenset[str]:
    """Every beginning of every folded name (a name grown token by token passes
    only through these), computed once per lexicon."""
    held = _PREFIXES.get(id(lex))
    if held is None or held[0] is not lex:
        found = frozenset(key[:n] for key in lex.by_key for n in range(1, len(key) + 1))
        _PREFIXES.clear()
        held = _PREFIXES[id(lex)] = (lex, found)
    return held[1]


def _overhang(
    text: str, tokens: list[_Token], i: int, j: int, cid: str, lex: Lexicon, *, broad: bool
) -> int:
    """The end of a name that goes on past the longest match: a name of the same
    concept starting inside it ("Active hepatitis B infection": "active hepatitis
    B", then "hepatitis B infection") makes it one mention, not the concept and a
    second one for its head word ("infection")."""
    for k in range(i + 1, j):
        later = _match(text, tokens, k, lex, broad=broad)
        if later is not None and later[1] == cid and later[0] > j:
            return later[0]
    return j


def _lookup(words: str, lex: Lexicon, *, broad: bool) -> str | None:
    from .concepts import key

    return _choose(lex.by_key.get(key(words), ()), lex, broad=broad)


_CONJUNCTIONS = frozenset({"and", "or", "nor"})


def _next_conjunct(text: str, tokens: list[_Token], k: int) -> int | None:
    """The first token of the conjunct after token ``k - 1`` when only a
    conjunction or a comma stands between, else None."""
    j = k
    while j < len(tokens) and tokens[j].folded in _CONJUNCTIONS:
        j += 1
    if j >= len(tokens) or k == 0 or not _JOIN.match(text[tokens[k - 1].end : tokens[j].start]):
        return None
    return j


def _previous_conjunct(text: str, tokens: list[_Token], k: int) -> int | None:
    """The last token of the conjunct before token ``k``, when only a conjunction or
    a comma stands between, else None."""
    j = k - 1
    while j >= 0 and tokens[j].folded in _CONJUNCTIONS:
        j -= 1
    if j < 0 or not _JOIN.match(text[tokens[j].end : tokens[k].start]):
        return None
    return j


def _borrow(
    text: str,
    tokens: list[_Token],
    found: list[tuple[int, int, str, str]],
    lex: Lexicon,
    *,
    broad: bool,
) -> list[tuple[int, int, str, str]]:
    """Conjuncts that name a concept with a word of their neighbour: "hepatitis B
    or C" (the head before), "breast or ovarian cancer" (the head after)."""
    taken = {i for s, e, _, _ in found for i in range(s, e)}
    added: list[tuple[int, int, str, str]] = []
    for s, e, own_id, name in found:
        words = name.split()
        if len(words) < 2:
            continue
        # Forward: "hepatitis B or C", "hepatitis B, C or D".
        k = e
        while (j := _next_conjunct(text, tokens, k)) is not None and j not in taken:
            written = text[tokens[j].start : tokens[j].end]
            if not _SHORT.fullmatch(written):
                break
            borrowed = " ".join([*words[:-1], written])
            cid = _lookup(borrowed, lex, broad=broad)
            if cid is None:
                break
            added.append((j, j + 1, cid, borrowed))
            taken.add(j)
            k = j + 1
        # Backward: "breast or ovarian cancer", "lung, breast or ovarian cancer".
        # A conjunct stands for the mention's first word, so it takes all the rest
        # first: when that names the mention's own concept, the conjunct is a kind
        # of the same thing ("urine or serum pregnancy test", "persistent or
        # permanent atrial fibrillation") and names nothing of its own; not a
        # urine test.
        k = s
        tails = dict.fromkeys((" ".join(words[1:]), words[-1]))
        while (j := _previous_conjunct(text, tokens, k)) is not None:
            borrowed_at = None
            same = False
            for width in (1, 2):
                first = j - width + 1
                if first < 0 or any(t in taken for t in range(first, j + 1)):
                    break
                own = text[tokens[first].start : tokens[j].end]
                for tail in tails:
                    cid = _lookup(f"{own} {tail}", lex, broad=broad)
                    if cid is not None:
                        borrowed_at = (first, j + 1, cid, f"{own} {tail}")
                        same = cid == own_id
                        break
                if borrowed_at is not None:
                    break
            if borrowed_at is None:
                break
            if not same:
                added.append(borrowed_at)
            taken.update(range(borrowed_at[0], borrowed_at[1]))
            k = borrowed_at[0]
    return added


#: The heads the lexicon names organ diseases and cancers with, tried after the one
#: written ("pulmonary illness": pulmonary disease; "gastric tumour": gastric cancer).
_DISEASE_NAMES = ("disease", "disorder")
_CANCER_NAMES = ("cancer", "carcinoma")
#: Head nouns a list of organ words shares, with the heads tried for each: "renal,
#: hepatic or cardiac disease", "diseases of the liver, kidney or lung", "cardiac or
#: cerebrovascular events", "ovarian, primary peritoneal, or fallopian tube cancer"
#: (folded, singular).
_HEADS = {
    **dict.fromkeys(("disease", "disorder", "illness", "condition", "event"), _DISEASE_NAMES),
    **dict.fromkeys(("cancer", "carcinoma", "malignancy"), _CANCER_NAMES),
}
#: A conjunct "X system" names the organ system X ("endocrine system": endocrine).
_SYSTEM = "system"
#: What opens a list of examples after a head ("illnesses (e.g., cardiac or renal)").
_EXAMPLES = re.compile(
    r"\s*(?:\(\s*|,\s*|:\s*)?(?:e\.\s?g\.?|i\.\s?e\.?|such\s+as|including)\s*[,:]?\s*",
    re.IGNORECASE,
)
#: The longest list a shared head is lent across.
_MAX_CONJUNCTS = 14


def _lend_head(
    text: str,
    tokens: list[_Token],
    first: int,
    last: int,
    head: str,
    lex: Lexicon,
    *,
    broad: bool,
    names: tuple[str, ...] = _DISEASE_NAMES,
) -> tuple[int, int, str, str] | None:
    """The concept conjunct ``tokens[first..last]`` names with the shared head:
    its last one or two words and the head ("renal" + "disorders": kidney disease;
    "nervous system" + "diseases": neurological disease; "endocrine system" +
    "diseases": endocrine disease). A conjunct after "non" names nothing ("non-
    malignant illness" is no cancer)."""
    for width in (2, 1):
        start = last - width + 1
        if start < first:
            continue
        if start > 0 and tokens[start - 1].folded == "non" and _attached(text, tokens, start):
            return None
        own = text[tokens[start].start : tokens[last].end]
        words = [own]
        if width == 2 and tokens[last].folded == _SYSTEM:
            words.append(text[tokens[start].start : tokens[start].end])
        for word in words:
            for noun in dict.fromkeys((head, *names)):
                cid = _lookup(f"{word} {noun}", lex, broad=broad)
                if cid is not None:
                    return start, last + 1, cid, f"{own} {head}"
    return None


def _after_aside(text: str, tokens: list[_Token], k: int) -> int:
    """Token ``k``, or the first token after a bracketed aside that opens right after
    token ``k - 1`` ("liver (including carriers of hepatitis virus), kidney")."""
    if k == 0 or k >= len(tokens):
        return k
    gap_start = tokens[k - 1].end
    opened = text[gap_start : tokens[k].start].lstrip()
    if not opened.startswith("("):
        return k
    close = text.find(")", gap_start)
    if close < 0:
        return k
    j = k
    while j < len(tokens) and tokens[j].start < close:
        j += 1
    return j if j < len(tokens) and _JOIN.match(text[close + 1 : tokens[j].start]) else k


def _specific(h: int, tokens: list[_Token], found: list[tuple[int, int, str, str]]) -> bool:
    """Whether the head at token ``h`` ends a longer mention or goes on into one other
    than by "of": "urothelial carcinoma", "carcinoma in situ (of the cervix)", but not
    "(squamous cell) carcinoma of the esophagus", whose organ the list goes on."""
    return any(
        s <= h < e and e - s > 1 and not (h + 1 < e and tokens[h + 1].folded == "of")
        for s, e, _, _ in found
    )


def _shared_heads(
    text: str,
    tokens: list[_Token],
    found: list[tuple[int, int, str, str]],
    lex: Lexicon,
    *,
    broad: bool,
) -> list[tuple[int, int, str, str]]:
    """The organ words of a list that share a head noun, each with the head: "history
    of hepatobiliary, renal, cardiovascular or musculoskeletal disorders" names
    kidney disease and cardiovascular disease, whatever the word next to the head
    names; "diseases of the liver, kidney or nervous system" names liver, kidney and
    neurological disease. A conjunct that names nothing with the head lends
    nothing, and the list goes on past it."""
    taken = {i for s, e, _, _ in found for i in range(s, e)}
    added: list[tuple[int, int, str, str]] = []

    def take(got: tuple[int, int, str, str] | None) -> None:
        if got is not None and not any(t in taken for t in range(got[0], got[1])):
            added.append(got)
            taken.update(range(got[0], got[1]))

    for h, token in enumerate(tokens):
        if token.folded not in _HEADS:
            continue
        names = _HEADS[token.folded]
        head = text[token.start : token.end]
        head = head.lower() if head[:1].isupper() and not head.isupper() else head
        # Before the head: "renal, hepatic or cardiac disease".
        if h > 0 and text[tokens[h - 1].end : token.start] == " ":
            last = h - 1
            for _ in range(_MAX_CONJUNCTS):
                first = last
                while (
                    first > 0
                    and last - first < 1
                    and tokens[first - 1].folded not in _CONJUNCTIONS
                    and text[tokens[first - 1].end : tokens[first].start] == " "
                ):
                    first -= 1
                got = _lend_head(text, tokens, first, last, head, lex, broad=broad, names=names)
                take(got)
                k = got[0] if got is not None else first
                previous = _previous_conjunct(text, tokens, k)
                if previous is None:
                    break
                last = previous
        # After the head: "diseases of the liver, kidney or lung", "major illnesses
        # (e.g., cardiac, respiratory or renal)".
        j = h + 1
        if names is _CANCER_NAMES and _specific(h, tokens, found):
            # "urothelial carcinoma of the renal pelvis or ureter", "carcinoma in situ
            # of the cervix": where a named cancer grows, not cancers of those organs.
            continue
        examples = _EXAMPLES.match(text, token.end)
        if examples is not None:
            j = next((k for k in range(h + 1, len(tokens)) if tokens[k].start >= examples.end()), j)
        if examples is not None or (j < len(tokens) and tokens[j].folded == "of"):
            if examples is None:
                j += 1
            if j < len(tokens) and tokens[j].folded == "the":
                j += 1
            for _ in range(_MAX_CONJUNCTS):
                if j >= len(tokens):
                    break
                last = j + 1 if j + 1 < len(tokens) and tokens[j + 1].folded == _SYSTEM else j
                got = _lend_head(text, tokens, j, last, head, lex, broad=broad, names=names)
                if got is not None and got[0] != j:
                    got = None  # the conjunct's own first word must be in the name
                take(got)
                k = _after_aside(text, tokens, last + 1)
                following = k if k != last + 1 else _next_conjunct(text, tokens, k)
                if following is None:
                    break
                j = following
    return added


def mentions(text: str, *, broad: bool = False) -> tuple[Mention, ...]:
    """The concepts ``text`` names, in text order, without overlaps (see the module
    docstring). ``broad``: include catch-all concepts ("disease", "therapy")."""
    return _mentions(text, broad, models_dir())


# "taking any medications", "on stable concomitant medication": what comes before a
# catch-all drug when it is the patient's drug use, not a drug's property ("drug allergy").
_TAKEN = re.compile(
    r"(?i)\b(?:tak(?:e|es|ing)|use\s+of|using|uses?|receiv(?:e|es|ing)|on|intake\s+of|under)"
    r"\s+(?:(?:any|regular|concomitant|other|prescription|prescribed|current|stable|chronic"
    r"|daily|routine|long-term|the|a|or|and|and/or|over[\s-]the[\s-]counter|OTC"
    r"|non-?prescription)\s+)*$"
)


def taken_at(text: str, start: int) -> bool:
    """Whether what begins at ``start`` is said to be taken ("Taking regular …",
    "… use of any …"), or its use follows it ("Medication use stable")."""
    return bool(_TAKEN.search(text, 0, start)) or bool(_USE_AFTER.match(text, start))


_USE_AFTER = re.compile(r"(?i)[\w-]+(?:\s+[\w-]+)?\s+(?:use|usage|intake)\b")


def taken(text: str) -> tuple[Mention, ...]:
    """The catch-all drugs ``text`` says the patient takes ("Taking regular
    medication", "use of any prescription medication"), where they overlap no
    mention of :func:`mentions`: drug use in general is a thing a criterion asks
    about, which other catch-alls ("any disease") are not.

    >>> [(m.text, m.entry.id) for m in taken("Taking regular medication")]
    [('medication', 'medication')]
    >>> taken("History of drug allergy")
    ()
    """
    named = mentions(text)
    return tuple(
        m
        for m in mentions(text, broad=True)
        if m.entry.broad
        and m.entry.type == "drug"
        and _TAKEN.search(text, 0, m.start)
        and not any(n.start < m.end and m.start < n.end for n in named)
    )


def references(text: str) -> list[tuple[int, int]]:
    """Where ``text`` cites a classification by its version ("ICD-10", "DSM-IV",
    "TNM 8"; the ``named_version`` pattern of ``models/noise.jsonl``): a name that
    opens such a citation is the citation's, not a concept of the patient
    ("diagnosed according to ICD-10" names no defibrillator)."""
    return [m.span() for m in rules().noise_by_id["named_version"].finditer(text)]


def cites(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start:end`` is the name that opens one of the citations ``spans``."""
    return any(s == start and end < e for s, e in spans)


@per_text
@lru_cache(maxsize=8192)
def _mentions(text: str, broad: bool, directory: Path) -> tuple[Mention, ...]:
    lex = lexicon()
    tokens = _tokens(text)
    cited = references(text)
    found: list[tuple[int, int, str, str]] = []
    i = 0
    while i < len(tokens):
        match = _match(text, tokens, i, lex, broad=broad)
        if (
            match is not None
            and lex.entries[match[1]].type != "measurement"
            and cites(cited, tokens[i].start, tokens[match[0] - 1].end)
        ):
            match = None
        if match is None:
            i += 1
            continue
        j, cid = match
        j = _overhang(text, tokens, i, j, cid, lex, broad=broad)
        if i > 0 and j - i > 1 and tokens[i - 1].folded == "non" and _attached(text, tokens, i):
            # "non-malignant tumors": the prefix denies the first word, not the thing;
            # what is named is the rest ("tumors", a neoplasm), or nothing known.
            rest = _named_by_tokens(text, tokens, i + 1, j, lex, broad=broad)
            if rest is not None:
                found.append((i - 1, j, rest, text[tokens[i - 1].start : tokens[j - 1].end]))
            i = j
            continue
        found.append((i, j, cid, text[tokens[i].start : tokens[j - 1].end]))
        i = j
    found += _borrow(text, tokens, found, lex, broad=broad)
    found += _shared_heads(text, tokens, found, lex, broad=broad)
    found = restore(text, tokens, found, lambda words: _lookup(words, lex, broad=broad))
    out = [
        Mention(
            start=tokens[s].start,
            end=tokens[e - 1].end,
            text=text[tokens[s].start : tokens[e - 1].end],
            name=name,
            entry=lex.entries[in_context(cid, text, tokens[s].start, tokens[e - 1].end)],
        )
        for s, e, cid, name in sorted(found)
    ]
    return tuple(out)
