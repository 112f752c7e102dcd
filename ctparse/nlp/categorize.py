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
    "first": spec(bool, required=False),
    "examples": spec(list),
    "note": spec(str, required=False),
}


@cache
def _compiled() -> tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...], frozenset[int]]:
    """(one regex with a group per rule, rule ids, their categories, first-tier rules)."""
    entries = load_rules("categories.jsonl", CATEGORY_FIELDS)
    for entry in entries:
        if entry["category"] not in CATEGORIES:
            raise ResourceError(
                f"categories.jsonl#{entry['id']}", f"unknown category {entry['category']!r}"
            )
    alternation = "|".join(f"(?P<r{i}>{e['pattern']})" for i, e in enumerate(entries))
    regex = re.compile(rf"(?i)\b(?:{alternation})")
    first = frozenset(i for i, e in enumerate(entries) if e.get("first"))
    return (
        regex,
        tuple(e["id"] for e in entries),
        tuple(e["category"] for e in entries),
        first,
    )


def categorize(text: str) -> str:
    """The category of one criterion text ("other" when no rule matches).

    >>> categorize("ECOG performance status 0-1")
    'performance status'
    """
    rule = matching_rule(text)
    if rule is None:
        return OTHER
    _, ids, categories, _ = _compiled()
    return categories[ids.index(rule)]


def matching_rule(text: str) -> str | None:
    """The id of the rule that decides the category of ``text``, or None."""
    regex, ids, _, first = _compiled()
    earliest: int | None = None
    best_first: int | None = None
    for match in regex.finditer(text):
        name = match.lastgroup
        if name is None:
            continue
        index = int(name[1:])
        if index in first:
            if best_first is None or index < best_first:
                best_first = index
        elif earliest is None:
            earliest = index
            if not first:
                break
    chosen = best_first if best_first is not None else earliest
    return None if chosen is None else ids[chosen]
