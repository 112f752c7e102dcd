"""ctparse's values inside spaCy's serialization (``doc.to_bytes``, ``DocBin``,
``nlp.pipe(n_process=N)``).

spaCy writes ``doc.user_data`` (where ``doc._.criteria`` lives) with msgpack
through srsly, which knows nothing of frozen dataclasses. These hooks, in
srsly's ``msgpack_encoders`` / ``msgpack_decoders`` registries (and in its entry
points, so that a fresh process finds them), write a value as a tagged map of
its fields and read it back as the same value, tuples included:

    >>> import srsly
    >>> from ctparse.schema import Range
    >>> srsly.msgpack_loads(srsly.msgpack_dumps(Range(lower=1.5, lower_inclusive=True)))
    Range(lower=1.5, lower_inclusive=True, upper=None, upper_inclusive=None)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import srsly

from ..schema import (
    Concept,
    Criterion,
    Entity,
    Normalized,
    Range,
    SectionSpan,
    Suspect,
    Threshold,
    Window,
)

TAG = "__ctparse__"
_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Criterion,
        Threshold,
        Window,
        Entity,
        Concept,
        Normalized,
        Range,
        SectionSpan,
        Suspect,
    )
}
_BY_CLASS = {cls: name for name, cls in _CLASSES.items()}


def encode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """A ctparse value as ``{TAG: class name, field: value, …}``; anything else to ``chain``."""
    name = _BY_CLASS.get(type(obj))
    if name is None:
        return obj if chain is None else chain(obj)
    data = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    data[TAG] = name
    return data


def decode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """The inverse of :func:`encode` (msgpack gives lists back: sequences become tuples)."""
    if isinstance(obj, dict) and TAG in obj:
        cls = _CLASSES[obj.pop(TAG)]
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in obj.items()})
    return obj if chain is None else chain(obj)


def register() -> None:
    """Idempotent: put the hooks into srsly's registries."""
    if "ctparse" not in srsly.msgpack_encoders.get_all():
        srsly.msgpack_encoders.register("ctparse", func=encode)
        srsly.msgpack_decoders.register("ctparse", func=decode)


register()
