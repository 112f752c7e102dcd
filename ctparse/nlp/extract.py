"""Numeric and ordinal limits (thresholds) in criterion text.

Minimal version: the real extractor follows.
"""

from __future__ import annotations

import dataclasses

from ..schema import Criterion, Eligibility


def add_thresholds(criterion: Criterion, text: str) -> Criterion:
    """Return ``criterion`` with its thresholds (offsets index ``text``)."""
    return dataclasses.replace(criterion, thresholds=())


def structured_criteria(eligibility: Eligibility) -> tuple[Criterion, ...]:
    """Criteria from the structured minimum/maximum age fields."""
    return ()
