"""ctparse: read ClinicalTrials.gov records, split eligibility criteria into
atomic criteria, extract thresholds and time windows, and compare two trials
criterion by criterion.

Heavy modules (spaCy, pandas) load on first use so that ``import ctparse`` and
the command line start quickly.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "align", "read_studies"]


def __getattr__(name: str) -> Any:
    # Lazy public API: ``ctparse.align`` and ``ctparse.read_studies``.
    if name == "align":
        from .align import align

        return align
    if name == "read_studies":
        from .readers import read_studies

        return read_studies
    raise AttributeError(f"module 'ctparse' has no attribute {name!r}")
