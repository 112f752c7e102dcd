"""ctparse: read ClinicalTrials.gov records, split eligibility criteria into
atomic criteria, extract thresholds and time windows, and compare two trials
criterion by criterion.

    >>> import ctparse
    >>> study = ctparse.read_study("NCT05990231", offline=True)
    >>> ctparse.thresholds(study)[0].variable
    'age'

The functions are those of :mod:`ctparse.api`. Heavy modules (spaCy, pandas)
load on first use so that ``import ctparse`` and the command line start quickly.
"""

from __future__ import annotations

from typing import Any

from ._version import __version__

__all__ = [
    "__version__",
    "compare",
    "criteria",
    "load_pipeline",
    "read_studies",
    "read_study",
    "studies_criteria",
    "thresholds",
    "windows",
]


def __getattr__(name: str) -> Any:
    # The public API of ctparse.api, imported on first use.
    if name in __all__ and name != "__version__":
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'ctparse' has no attribute {name!r}")
