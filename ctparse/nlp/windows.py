"""Time windows in criterion text, and the final parse status.

Minimal version: the real extractor follows.
"""

from __future__ import annotations

import dataclasses

from ..schema import Criterion


def add_windows(criterion: Criterion, text: str) -> Criterion:
    """Return ``criterion`` with its windows and final ``status``."""
    status = "parsed" if criterion.thresholds else "unparsed"
    return dataclasses.replace(criterion, windows=(), status=status)
