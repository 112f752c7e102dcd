"""Which concept an entity names where it is written, when its letters spell two.

A gene written in capitals is also a lab abbreviation: "EGFR" is the estimated GFR
only where a value follows ("EGFR < 30 mL/min"); a gene word after it
("EGFR-mutated", "EGFR exon 19 deletion", "EGFR-positive"), "wild-type" before it, or
no value at all ("EGFR, ALK or ROS1 alterations") makes it the gene.

>>> in_context("egfr", "EGFR-mutated NSCLC", 0, 4), in_context("egfr", "EGFR < 30", 0, 4)
('egfr_mutation', 'egfr')
"""

from __future__ import annotations

import re

#: The concept a capitalised lab abbreviation stands for, and the gene it spells.
_GENE_SYMBOLS = {"egfr": ("EGFR", "egfr_mutation")}
_GENE_WORD = re.compile(
    r"[\s-]*(?:mutat|mutant|wild|exon|sensiti[sz]|activating|amplif|express|alter|rearrang|"
    r"status|gene\b|variant|positiv|negativ|TKI|tyrosine|inhibit|\+)",
    re.IGNORECASE,
)
_VALUE_AFTER = re.compile(r"[^.;]{0,30}?(?:[<>≤≥=]|(?<![A-Za-z\d])\d)")


def in_context(entry_id: str, text: str, start: int, end: int) -> str:
    """The concept an entity names where it is written: ``entry_id``, or the gene a
    capitalised lab abbreviation spells in ``text[start:end]`` (see ``_GENE_SYMBOLS``)."""
    gene = _GENE_SYMBOLS.get(entry_id)
    if gene is None or text[start:end] != gene[0]:
        return entry_id
    after = text[end:]
    if re.search(r"wild[\s-]*type\s*$", text[:start], re.IGNORECASE) or _GENE_WORD.match(after):
        return gene[1]
    return entry_id if _VALUE_AFTER.match(after) else gene[1]
