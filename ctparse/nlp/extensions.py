"""Every ``Doc._`` / ``Span._`` extension ctparse uses, registered in one place.

* ``doc._.sections``: tuple of ``SectionSpan`` (header offsets and section),
  set by ``ctparse_sections``.
* ``doc._.criteria``: tuple of ``Criterion``, set by ``ctparse_segmenter`` and
  enriched with thresholds, windows and status by ``ctparse_thresholds`` and
  ``ctparse_windows``.
"""

from __future__ import annotations

from spacy.tokens import Doc


def register_extensions() -> None:
    """Idempotent: safe to call from every component factory."""
    for name in ("sections", "criteria"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=())
