"""Where the shipped data lives, and the one loader for rule resources.

``models/`` (rules, lexicons) and ``corpus/`` (shipped registry records) sit at
the top of a checkout; in an installed wheel they are inside the package as
``ctparse/_data/models`` and ``ctparse/_data/corpus`` (see pyproject.toml).

Every rule file is read through :func:`load_rules`, which checks each entry
against a declared field spec and rejects unknown or missing keys, so that a
typo in a data file fails loudly at load time instead of silently matching
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ResourceError

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


@cache
def models_dir() -> Path:
    """The ``models/`` directory (rules, lexicons)."""
    return _data_dir("models")


@cache
def shipped_corpus_dir() -> Path:
    """The ``corpus/`` directory of records shipped with ctparse."""
    return _data_dir("corpus")


@dataclass(frozen=True)
class FieldSpec:
    """One key of a rule entry: its accepted types and whether it is required."""

    types: tuple[type, ...]
    required: bool = True


def spec(*types: type, required: bool = True) -> FieldSpec:
    """Shorthand: ``spec(str)``, ``spec(list, required=False)``."""
    return FieldSpec(types=types, required=required)


def validate_entry(entry: Any, fields: Mapping[str, FieldSpec], *, where: str) -> dict[str, Any]:
    """Check one rule entry against ``fields``; return it as a dict.

    Raises:
        ResourceError: unknown key, missing required key, or wrong type.
    """
    if not isinstance(entry, dict):
        raise ResourceError(where, f"expected an object, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(fields))
    if unknown:
        raise ResourceError(where, f"unknown key(s) {', '.join(unknown)}")
    for key, field_spec in fields.items():
        if key not in entry:
            if field_spec.required:
                raise ResourceError(where, f"missing key {key!r}")
            continue
        value = entry[key]
        if value is None and not field_spec.required:
            continue
        # bool is an int in Python; do not let True pass where a number is wanted.
        if isinstance(value, bool) and bool not in field_spec.types:
            raise ResourceError(where, f"key {key!r} must not be a boolean")
        if not isinstance(value, field_spec.types):
            names = " or ".join(t.__name__ for t in field_spec.types)
            raise ResourceError(where, f"key {key!r} must be {names}, got {type(value).__name__}")
    return entry


def read_entries(path: Path) -> list[Any]:
    """Entries of a ``.jsonl`` file (one object per line; ``#`` lines and blank
    lines skipped) or a ``.json`` file holding a list."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResourceError(str(path), f"cannot read rule file ({exc.strerror})") from exc
    if path.suffix == ".jsonl":
        entries = []
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                entries.append(json.loads(stripped))
            except json.JSONDecodeError as exc:
                raise ResourceError(f"{path}:{number}", f"invalid JSON ({exc.msg})") from exc
        return entries
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResourceError(f"{path}:{exc.lineno}", f"invalid JSON ({exc.msg})") from exc
    if not isinstance(data, list):
        raise ResourceError(str(path), "expected a JSON list of entries")
    return data


def load_rules(
    name: str,
    fields: Mapping[str, FieldSpec],
    *,
    unique: str | None = "id",
    directory: Path | None = None,
) -> list[dict[str, Any]]:
    """Load and validate the rule file ``models/<name>``.

    Args:
        name: file name under ``models/`` (``.json`` list or ``.jsonl``).
        fields: the accepted keys of every entry.
        unique: a key whose values must be unique across entries (or None).
        directory: read from here instead of ``models_dir()`` (tests).

    Raises:
        ResourceError: the file is missing, malformed, or an entry is invalid.
    """
    path = (directory or models_dir()) / name
    if not path.is_file():
        raise ResourceError(str(path), "rule file is missing")
    entries = [
        validate_entry(entry, fields, where=f"{path}#{index}")
        for index, entry in enumerate(read_entries(path))
    ]
    if unique is not None:
        seen: set[Any] = set()
        for index, entry in enumerate(entries):
            key = entry.get(unique)
            if key in seen:
                raise ResourceError(f"{path}#{index}", f"duplicate {unique} {key!r}")
            seen.add(key)
    return entries
