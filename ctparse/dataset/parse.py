"""The dataset layer's one door to the NLP: :func:`parse_studies`.

Everything else in :mod:`ctparse.dataset` is independent of the pipeline's
internals; swapping the pipeline means changing this module only.

* :func:`worker_nlp` loads the pipeline once per process (``ctparse.nlp.load``
  is cached), so a worker pays the start-up once, whatever it parses.
* :func:`parse_studies` runs a batch of studies through ``nlp.pipe``
  (:func:`ctparse.nlp.study.studies_criteria`) inside ``nlp.memory_zone()``:
  the criteria come back as plain values (frozen dataclasses of Python
  strings) before the zone ends, and the zone frees the strings spaCy
  interned for the batch, so the vocabulary stays bounded over millions of
  texts.
* :func:`rules_version` digests the rule files and the components, the
  version the ``rules_version`` column and ``dataset update`` compare.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from ..schema import Study, StudyCriteria

if TYPE_CHECKING:
    from spacy.language import Language

#: Names that mark an entity stage in the pipeline (the component that fills
#: ``Criterion.entities``).
ENTITY_STAGES = frozenset({"ctparse_entities", "ctparse_ner"})


def components(entities: bool = True) -> tuple[str, ...]:
    """The components :func:`worker_nlp` loads, in order (no spaCy import);
    without ``entities``, the rule stages only."""
    from ..nlp import PIPELINE, RULES

    return tuple(PIPELINE if entities else RULES)


def has_entity_stage(names: Iterable[str]) -> bool:
    """Whether a pipeline with these component names fills ``Criterion.entities``."""
    return any(name in ENTITY_STAGES or "entit" in name for name in names)


@cache
def rules_version(names: tuple[str, ...] | None = None) -> str:  # names: components()
    """12 hex digits of SHA-256 over every rule file under ``models/`` (name
    and bytes, sorted) and the pipeline's component names."""
    from ..resources import models_dir

    digest = hashlib.sha256()
    for name in names if names is not None else components():
        digest.update(f"component:{name}\n".encode())
    for path in sorted(models_dir().rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            digest.update(f"file:{path.relative_to(models_dir()).as_posix()}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def worker_nlp(entities: bool = True) -> Language:
    """The pipeline of this process, loaded on first use and kept."""
    from ..nlp import load

    return load(entities=entities)


def parse_studies(
    studies: Iterable[Study], *, nlp: Language
) -> Iterator[tuple[Study, StudyCriteria]]:
    """Each study with its criteria (thresholds, windows, entities), in order.

    The whole batch is parsed inside one ``nlp.memory_zone()``; pass batches
    of a few hundred studies. Raises whatever the pipeline raises: the caller
    isolates the failing study.
    """
    batch = list(studies)
    zone = getattr(nlp, "memory_zone", None)
    with zone() if zone is not None else contextlib.nullcontext():
        from ..nlp.study import studies_criteria

        results = list(studies_criteria(batch, nlp=nlp))
    yield from zip(batch, results, strict=True)
