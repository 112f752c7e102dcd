"""One row of a comparison: two criteria (or one) lined up, with the verdict."""

from __future__ import annotations

from ..schema import Criterion, Pair, Verdict


def pair(
    ca: Criterion | None,
    cb: Criterion | None,
    variable: str | None,
    verdict: Verdict,
    detail: str,
    similarity: float | None = None,
) -> Pair:
    first = ca or cb
    assert first is not None
    return Pair(
        a=ca.id if ca else None,
        b=cb.id if cb else None,
        variable=variable,
        verdict=verdict,
        detail=detail,
        similarity=None if similarity is None else round(similarity, 3),
        a_text=ca.text if ca else None,
        b_text=cb.text if cb else None,
        section=first.section,
    )
