"""Requirements a criterion offers as alternatives: "breast or ovarian cancer",
"uni- or bipolar depression". Any one of them lets a patient in, so they are
numbered alike (:attr:`ctparse.align.meaning.Fact.either`) and compared as one
requirement (:func:`ctparse.align.facts.admits_all`); an exclusion of a list
excludes each, and "and" or commas alone join no alternatives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..nlp.pieces import SUBJECT

#: What joins alternatives: "or" (with commas before it), "and/or". A slash does not:
#: "lopinavir/ritonavir" is one regimen.
#: A restated subject may follow it ("diabetes or patients with hypertension",
#: "smokers or those who have …").
_OR = re.compile(
    r"[\s,-]*\b(?:and\s*/\s*or|or)\b[\s-]*"
    rf"(?:{SUBJECT}\s+)?"
    r"(?:(?:who\s+(?:have|has|had|are|is|were)|with|having)\s+)?(?:(?:an?|the)\s+)?",
    re.IGNORECASE,
)
_COMMA = re.compile(r"\s*,\s*")


def alternatives(
    required: Sequence[tuple[int, int] | None],
    text: str,
    classes: Sequence[frozenset[str]] | None = None,
) -> list[int | None]:
    """For each fact, the number it shares with the requirements it is an alternative
    to, else None. ``required`` holds a requirement's (start, end) in ``text``, None
    for any other fact; ``classes`` each fact's broader concepts. A comma joins a
    series of alternatives only between kinds of one thing ("breast, ovarian or
    endometrial cancer"), not a condition and its markers ("Stage IV NSCLC, EGFR or
    ALK positive": EGFR or ALK are the alternatives).

    >>> text = "breast, ovarian or endometrial cancer and diabetes"
    >>> alternatives([(0, 6), (8, 15), (19, 37), (42, 50)], text)
    [0, 0, 0, None]
    >>> alternatives([(0, 6), (8, 15)], "breast, ovarian")
    [None, None]
    >>> nsclc, egfr, alk = frozenset({"lung_cancer"}), frozenset({"mutation"}), frozenset({"mutation"})
    >>> alternatives([(0, 5), (7, 11), (15, 18)], "NSCLC, EGFR or ALK", [nsclc, egfr, alk])
    [None, 1, 1]
    """
    out: list[int | None] = [None] * len(required)
    run: list[int] = []
    offered = False
    for i, span in enumerate([*required, None]):
        if span is not None and run:
            previous = required[run[-1]]
            assert previous is not None
            gap = text[previous[1] : span[0]]
            if _OR.fullmatch(gap):
                run.append(i)
                offered = True
                continue
            if _COMMA.fullmatch(gap) and (classes is None or classes[run[-1]] & classes[i]):
                run.append(i)
                continue
        if span is None and i < len(required):
            continue
        if offered and len(run) > 1:
            for k in run:
                out[k] = run[0]
        run, offered = ([i] if span is not None else []), False
    return out
