"""The category of a criterion, from the rules in ``models/categories.jsonl``.

Categories: demographics, performance status, laboratory, disease
characteristics, prior therapy, comorbidity, reproductive,
consent/compliance, other. The first rule (in file order) whose pattern occurs
in the text wins, so the file order is the priority: "Female patients of
childbearing potential must have a negative pregnancy test" is reproductive
although it also mentions a test.

All rules are compiled into one alternation of named groups, so a criterion
costs a single regex scan.
"""

from __future__ import annotations

import re
from functools import cache

from ..errors import ResourceError
from ..resources import load_rules, spec

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

CATEGORY_FIELDS = {
    "id": spec(str),
    "category": spec(str),
    "pattern": spec(str),
    "examples": spec(list),
    "note": spec(str, required=False),
}


@cache
def _compiled() -> tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]]:
    """(one regex with a group per rule, the rule ids, their categories)."""
    entries = load_rules("categories.jsonl", CATEGORY_FIELDS)
    for entry in entries:
        if entry["category"] not in CATEGORIES:
            raise ResourceError(
                f"categories.jsonl#{entry['id']}", f"unknown category {entry['category']!r}"
            )
    alternation = "|".join(f"(?P<r{i}>{e['pattern']})" for i, e in enumerate(entries))
    regex = re.compile(rf"(?i)\b(?:{alternation})")
    return regex, tuple(e["id"] for e in entries), tuple(e["category"] for e in entries)


def categorize(text: str) -> str:
    """The category of one criterion text ("other" when no rule matches).

    >>> categorize("ECOG performance status 0-1")
    'performance status'
    """
    rule = matching_rule(text)
    if rule is None:
        return OTHER
    regex, ids, categories = _compiled()
    return categories[ids.index(rule)]


def matching_rule(text: str) -> str | None:
    """The id of the highest-priority rule that matches ``text``, or None."""
    regex, ids, _ = _compiled()
    best: int | None = None
    for match in regex.finditer(text):
        name = match.lastgroup
        if name is None:
            continue
        index = int(name[1:])
        if best is None or index < best:
            best = index
            if best == 0:
                break
    return None if best is None else ids[best]
