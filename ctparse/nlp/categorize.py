"""The category of a criterion, from the rules in ``models/categories.jsonl``.

Categories: demographics, performance status, laboratory, disease
characteristics, prior therapy, comorbidity, reproductive,
consent/compliance, other. The first rule (in file order) whose pattern occurs
in the text decides in two tiers:

* rules marked ``"first": true`` (reproductive, performance status) win
  whenever they match, in file order: "Female patients of childbearing
  potential must have a negative pregnancy test" is reproductive although it
  starts with a demographic word;
* otherwise the rule matching *earliest* in the text wins (ties: file order),
  since a criterion names its topic first: "Patients with metastatic
  carcinoma confirmed by histology (including prior radio/chemotherapy)" is
  a disease characteristic, not prior therapy.

All rules are compiled into one alternation of named groups, so a criterion
costs a single regex scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ResourceError
from ..resources import load_rules, per_models
from ..text.patterns import alternatives, closing

CATEGORIES = (
    "demographics",
    "performance status",
    "laboratory",
    "disease characteristics",
    "prior therapy",
    "comorbidity",
    "reproductive",
    "consent/compliance",
    "other",
)
OTHER = "other"


@dataclass(frozen=True)
class _Compiled:
    regexes: tuple[re.Pattern[str], ...]  # per rule, anchored use (match at a word start)
    ids: tuple[str, ...]
    categories: tuple[str, ...]
    first: frozenset[int]
    by_three: dict[str, tuple[tuple[str, int], ...]]  # stem[:3] -> (stem, rule)
    digits: tuple[tuple[str, int], ...]  # rules that can start at a number ("#")
    first_by_three: dict[str, tuple[tuple[str, int], ...]]  # the same, first tier only
    first_digits: tuple[tuple[str, int], ...]
    top: int | None  # the first-tier rule that beats every other


@per_models
def compiled() -> _Compiled:
    """The rules, each compiled, plus an index of the word stems they start with.

    Matching a big alternation at every word start is slow in Python's
    ``re``; instead each word of the criterion is looked up by its first
    letters and only the rules that can start there are tried.
    """
    entries = load_rules("categories.jsonl")
    by_three: dict[str, list[tuple[str, int]]] = {}
    for index, entry in enumerate(entries):
        where = f"categories.jsonl#{entry['id']}"
        stems = pattern_stems(entry["pattern"])
        if stems is None or any(len(stem) < 2 and stem != "#" for stem in stems):
            # (a two-letter stem matches that two-letter word only: "hb", "on")
            raise ResourceError(where, "every alternative must start with a literal word stem")
        for stem in stems:
            by_three.setdefault(stem[:3], []).append((stem, index))
    first = frozenset(i for i, e in enumerate(entries) if e.get("first"))
    table = {k: tuple(dict.fromkeys(v)) for k, v in by_three.items() if k != "#"}
    digits = tuple(dict.fromkeys(by_three.get("#", [])))
    return _Compiled(
        regexes=tuple(re.compile(f"(?i:{e['pattern']})") for e in entries),
        ids=tuple(e["id"] for e in entries),
        categories=tuple(e["category"] for e in entries),
        first=first,
        by_three=table,
        digits=digits,
        first_by_three={
            k: kept for k, v in table.items() if (kept := tuple(c for c in v if c[1] in first))
        },
        first_digits=tuple(c for c in digits if c[1] in first),
        top=min(first) if first else None,
    )


_WORD = re.compile(r"[^\W_]+")
_LITERAL = re.compile(r"[a-z0-9]+")


def pattern_stems(pattern: str) -> list[str] | None:
    r"""The literal stems a pattern's alternatives start with ("#" for a digit).

    >>> pattern_stems(r"pregnan\w*|breast[- ]?feed|(?:male|female)s?")
    ['pregnan', 'breast', 'male', 'female']
    """
    stems: list[str] = []
    for alternative in alternatives(pattern):
        found = _stems_of(alternative)
        if found is None:
            return None
        stems.extend(found)
    return stems


def _stems_of(alternative: str) -> list[str] | None:
    if alternative.startswith("\\d"):
        return ["#"]
    literal = _LITERAL.match(alternative.lower())
    if literal is not None:
        run = literal.group()
        if alternative[literal.end() : literal.end() + 1] in ("?", "*", "{"):
            run = run[:-1]
        return [run] if run else None
    if not alternative.startswith("(?:"):
        return None
    close = closing(alternative, 0)
    if close < 0:
        return None
    inner = pattern_stems(alternative[3:close])
    if inner is None:
        return None
    if alternative[close + 1 : close + 2] in ("?", "*"):
        rest = _stems_of(alternative[close + 2 :])
        return None if rest is None else inner + rest
    return inner


def categorize(text: str) -> str:
    """The category of one criterion text ("other" when no rule matches).

    >>> categorize("ECOG performance status 0-1")
    'performance status'
    """
    rule = matching_rule(text)
    if rule is None:
        return OTHER
    tables = compiled()
    return tables.categories[tables.ids.index(rule)]


def matching_rule(text: str) -> str | None:
    """The id of the rule that decides the category of ``text``, or None."""
    tables = compiled()
    first = tables.first
    earliest: int | None = None
    best_first: int | None = None
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lowered
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    table, digits = tables.by_three, tables.digits
    for word in _WORD.finditer(lowered):
        token = word.group()
        candidates = digits if token[0].isdigit() else table.get(token[:3])
        if not candidates:
            continue
        pos = word.start()
        for stem, index in candidates:
            if stem != "#" and not token.startswith(stem):
                continue
            if tables.regexes[index].match(text, pos) is None:
                continue
            if index in first:
                if best_first is None or index < best_first:
                    best_first = index
            elif earliest is None:
                earliest = index
                # from here on only the first tier can still change the answer
                table, digits = tables.first_by_three, tables.first_digits
        if (earliest is not None and not table) or best_first == tables.top:
            break
    chosen = best_first if best_first is not None else earliest
    return None if chosen is None else tables.ids[chosen]
