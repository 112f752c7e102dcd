"""Every ``Doc._`` extension ctparse uses, registered in one place.

Values live in ``doc.user_data`` under the keys below, as ctparse's frozen
dataclasses, which :mod:`ctparse.nlp.serialize` teaches srsly to write, so that
``doc.to_bytes()``, ``DocBin`` and ``nlp.pipe(n_process=N)`` carry them.

* ``doc._.sections``: tuple of ``SectionSpan`` (header offsets and section),
  set by ``ctparse_sections``.
* ``doc._.criteria``: tuple of ``Criterion``, set by ``ctparse_segmenter`` and
  enriched by the later stages (thresholds, windows, entities, status).
* ``doc._.thresholds``, ``doc._.windows``, ``doc._.entities`` (read-only): every
  threshold / window / entity of the criteria, in criterion order. They are
  also the names the extraction stages declare as ``assigns``.
* ``doc._.status`` (read-only): criteria per parse status, ``{"parsed": 47, …}``.
* ``doc._.stages`` (read-only): the attributes the stages run so far assigned.

``doc.user_data["ctparse_section"]`` may name the section of text before any
header ("inclusion" or "exclusion"; default "unknown"): plain criteria text
typed as an exclusion gets an exclusion's eligible ranges.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from ..schema import Section
from . import serialize  # noqa: F401  (registers the msgpack hooks)

SECTIONS_KEY = "ctparse_sections"
CRITERIA_KEY = "ctparse_criteria"
STAGES_KEY = "ctparse_stages"
SECTION_HINT_KEY = "ctparse_section"
TEXT_KEY = "ctparse_text"
MESH_KEY = "ctparse_mesh"  # [id, term, found_as] of the record's MeSH terms


def _sections(doc: Doc) -> tuple[Any, ...]:
    return tuple(doc.user_data.get(SECTIONS_KEY, ()))


def _set_sections(doc: Doc, value: Any) -> None:
    doc.user_data[SECTIONS_KEY] = tuple(value)


def _criteria(doc: Doc) -> tuple[Any, ...]:
    return tuple(doc.user_data.get(CRITERIA_KEY, ()))


def _set_criteria(doc: Doc, value: Any) -> None:
    doc.user_data[CRITERIA_KEY] = tuple(value)


def _thresholds(doc: Doc) -> tuple[Any, ...]:
    return tuple(t for c in _criteria(doc) for t in c.thresholds)


def _windows(doc: Doc) -> tuple[Any, ...]:
    return tuple(w for c in _criteria(doc) for w in c.windows)


def _entities(doc: Doc) -> tuple[Any, ...]:
    return tuple(e for c in _criteria(doc) for e in c.entities)


def _status(doc: Doc) -> dict[str, int]:
    counts = {"parsed": 0, "partial": 0, "unparsed": 0}
    for criterion in _criteria(doc):
        counts[criterion.status] += 1
    return counts


def _stages(doc: Doc) -> tuple[str, ...]:
    return tuple(doc.user_data.get(STAGES_KEY, ()))


_EXTENSIONS = {
    "sections": {"getter": _sections, "setter": _set_sections},
    "criteria": {"getter": _criteria, "setter": _set_criteria},
    "thresholds": {"getter": _thresholds},
    "windows": {"getter": _windows},
    "entities": {"getter": _entities},
    "status": {"getter": _status},
    "stages": {"getter": _stages},
}


def register_extensions() -> None:
    """Idempotent: safe to call from every component factory."""
    for name, kwargs in _EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **kwargs)  # type: ignore[arg-type]


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per document.

    spaCy rebuilds ``doc.text`` from the tokens on every access; ctparse's
    tokenizer keeps the text it was given in ``doc.user_data``, and for a Doc
    made otherwise the first component to ask keeps it there for the others.
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return str(text)


def stages_done(doc: Doc) -> list[str]:
    """The (mutable) list of attributes assigned so far."""
    done = doc.user_data.get(STAGES_KEY)
    if done is None:
        done = doc.user_data[STAGES_KEY] = []
    elif not isinstance(done, list):  # a tuple read back from bytes
        done = doc.user_data[STAGES_KEY] = list(done)
    return done


def section_hint(doc: Doc) -> Section:
    """The section of text before any header: ``doc.user_data["ctparse_section"]``."""
    hint = doc.user_data.get(SECTION_HINT_KEY)
    if hint == "inclusion" or hint == "exclusion":
        return hint
    return "unknown"
