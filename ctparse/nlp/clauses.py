"""The clause rules of segmentation (``models/segmentation.jsonl``): a qualifier
("Note: …") stays with what precedes it, a lead-in ("… the following:") opens a
list, a continuation ("whether …") continues the clause before a ";".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..resources import load_rules, per_models
from ..text.sentences import sentences

_CLAUSE_KINDS = ("qualifier", "lead_in", "continuation", "opening", "demand")


@dataclass(frozen=True)
class _Rules:
    qualifier: re.Pattern[str]
    lead_in: re.Pattern[str]
    continuation: re.Pattern[str]
    opening: re.Pattern[str]  # a word criteria open with (ctparse.nlp.openings)
    demand: re.Pattern[str]  # a comma-list part that is a demand of its own
    sex: re.Pattern[str]  # the demand on sex alone ("Male or female", "Both sexes")


@per_models
def rules() -> _Rules:
    """The clause rules of ``models/segmentation.jsonl``, compiled."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in _CLAUSE_KINDS}
    by_id: dict[str, str] = {}
    for entry in load_rules("segmentation.jsonl"):
        by_kind[entry["kind"]].append(f"(?:{entry['pattern']})")
        by_id[entry["id"]] = entry["pattern"]
    return _Rules(
        qualifier=re.compile("(?i)" + "|".join(by_kind["qualifier"])),
        lead_in=re.compile("(?i)" + "|".join(by_kind["lead_in"])),
        continuation=re.compile(
            r"(?i)(?:and\s+|or\s+)?(?:" + "|".join(by_kind["continuation"]) + ")"
        ),
        opening=re.compile("(?i)(?:" + "|".join(by_kind["opening"]) + ")"),
        demand=re.compile("(?i)(?:" + "|".join(by_kind["demand"]) + ")"),
        sex=re.compile(f"(?i)(?:{by_id.get('demand_sex', '(?!)')})"),
    )


def qualifies(text: str, pos: int) -> bool:
    """Does a "Note:"-like qualifier open at ``pos`` (it stays with what precedes)?"""
    return rules().qualifier.match(text, pos) is not None


def sentences_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]``; a "Note:" sentence joins the one before."""
    return sentences(text, start, end, joins=qualifies)
