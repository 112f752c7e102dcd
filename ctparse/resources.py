"""Where the shipped data lives, and the one loader for rule resources.

``models/`` (rules, lexicons) and ``corpus/`` (shipped registry records) sit at
the top of a checkout; in an installed wheel they are inside the package as
``ctparse/_data/models`` and ``ctparse/_data/corpus`` (see pyproject.toml).

**One manifest.** ``models/manifest.json`` names every rule file with its spec:
the fields of an entry (type, required, allowed values), references to other
files (a variable's unit must be a unit of ``units.jsonl``, a conversion's
variable and units must exist), the fields holding phrases and how the file's
examples are checked. :func:`validate_models` checks every file of a folder
against it at once, so that a bad rule fails when the pipeline loads (naming
file and line), never hours into a run on the first text that reaches it.
A rule file without a spec in the manifest is an error.

**Which folder.** :func:`models_dir` is the shipped ``models/`` unless a
pipeline saved with ``nlp.to_disk`` runs with the rules it carries: each
component reads its rules inside :func:`using_models`, and every compiled rule
table is cached per folder (:func:`per_models`). ``CTPARSE_MODELS`` points the
whole process at another folder (the mutation check does).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from .errors import ResourceError

_PACKAGE = Path(__file__).resolve().parent
MANIFEST = "manifest.json"


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


@cache
def shipped_models_dir() -> Path:
    """The ``models/`` directory shipped with ctparse (or ``$CTPARSE_MODELS``)."""
    override = os.environ.get("CTPARSE_MODELS")
    return Path(override).resolve() if override else _data_dir("models")


@cache
def shipped_corpus_dir() -> Path:
    """The ``corpus/`` directory of records shipped with ctparse."""
    return _data_dir("corpus")


_ACTIVE: ContextVar[Path | None] = ContextVar("ctparse_models", default=None)


def models_dir() -> Path:
    """The rule folder in use: a saved pipeline's (see :func:`using_models`) or the shipped one."""
    return _ACTIVE.get() or shipped_models_dir()


@contextmanager
def using_models(directory: Path | None) -> Iterator[None]:
    """Read rules from ``directory`` inside the block (None: no change)."""
    if directory is None:
        yield
        return
    token = _ACTIVE.set(directory)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
_CACHES: list[dict[Path, Any]] = []
_TEXT_CACHES: list[Callable[[], None]] = []
_SHIPPED: list[list[Any]] = []


def per_models(function: Callable[[], T]) -> Callable[[], T]:
    """Cache a rule-table builder per rule folder (``@cache`` for one folder).

    The shipped folder's table is kept apart so that the common case, called
    hundreds of thousands of times a run, costs one context-variable read.
    """
    built: dict[Path, T] = {}
    shipped: list[T] = []
    _CACHES.append(built)
    _SHIPPED.append(shipped)

    @functools.wraps(function)
    def wrapper() -> T:
        directory = _ACTIVE.get()
        if directory is None:
            if not shipped:
                shipped.append(function())
            return shipped[0]
        try:
            return built[directory]
        except KeyError:
            value = built[directory] = function()
            return value

    def cache_clear() -> None:
        built.clear()
        shipped.clear()

    wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
    return wrapper


def per_text(function: F) -> F:
    """Mark an ``lru_cache``'d function of text (whose key holds the rule folder, so
    that two folders never share an answer) to be cleared by :func:`forget`: a
    folder rewritten in place (``make mutate``) must not get its old answers."""
    _TEXT_CACHES.append(function.cache_clear)  # type: ignore[attr-defined]
    return function


def forget(directory: Path) -> None:
    """Drop every rule table compiled from ``directory`` (a folder that is gone or
    rewritten), and every answer cached per text."""
    folder = directory.resolve()
    for built in _CACHES:
        built.pop(folder, None)
    for clear in _TEXT_CACHES:
        clear()
    _manifest.cache_clear()
    validate_models.cache_clear()


# ------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Entry:
    """A rule entry and where it was written (``path:line``)."""

    data: dict[str, Any]
    where: str


def read_entries(path: Path) -> list[Any]:
    """Entries of a ``.jsonl`` file (one object per line; ``#`` lines and blank
    lines skipped) or a ``.json`` file holding a list."""
    return [entry.data for entry in read_located(path)]


def where_is(name: str, entry_id: str, directory: Path | None = None) -> str:
    """``path:line`` of the entry with ``entry_id`` in a rule file (for an error
    found after loading; the file's path alone when no entry has the id)."""
    path = (directory or models_dir()) / name
    for entry in read_located(path):
        if entry.data.get("id") == entry_id:
            return entry.where
    return str(path)


def read_located(path: Path) -> list[Entry]:
    """Like :func:`read_entries`, each entry with its ``path:line``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResourceError(str(path), f"cannot read rule file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ResourceError(str(path), "rule file is not UTF-8") from exc
    if path.suffix == ".jsonl":
        entries = []
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                entries.append(Entry(json.loads(stripped), f"{path}:{number}"))
            except json.JSONDecodeError as exc:
                raise ResourceError(f"{path}:{number}", f"invalid JSON ({exc.msg})") from exc
        return entries
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResourceError(f"{path}:{exc.lineno}", f"invalid JSON ({exc.msg})") from exc
    if not isinstance(data, list):
        raise ResourceError(str(path), "expected a JSON list of entries")
    return [Entry(item, f"{path}#{index}") for index, item in enumerate(data)]


# ------------------------------------------------------------------ manifest


@dataclass(frozen=True)
class FieldSpec:
    """One key of a rule entry: its type, whether it is required, what values it may take.

    ``type`` is one of ``str``, ``int``, ``number``, ``bool``, ``regex`` (a
    string that compiles), ``list[str]``, ``list[int]``, ``list[number]``, ``list[regex]`` or
    ``examples``; ``values`` the allowed values (of the items, for a list);
    ``ref`` a ``file#field`` whose values this one must be among, ``also``
    further values allowed beside the reference; ``positive`` a number > 0.
    """

    type: str
    required: bool = True
    values: tuple[Any, ...] | None = None
    ref: str | None = None
    also: tuple[Any, ...] = ()
    positive: bool = False
    # {"kind": {"range": ["between"], …}}: the values allowed, by another field's value
    values_by: tuple[tuple[str, tuple[tuple[Any, tuple[Any, ...]], ...]], ...] = ()


@dataclass(frozen=True)
class FileSpec:
    """The spec of one rule file (from ``manifest.json``)."""

    name: str
    fields: Mapping[str, FieldSpec]
    unique: str | None
    phrases: tuple[str, ...]  # list fields whose every item an example must contain
    patterns: tuple[str, ...]  # regex fields whose every top-level alternative must match
    check: str  # how an example is run: ctparse.evaluation.examples.CHECKS
    doc: str
    ignore_case: bool = False  # the loader compiles the patterns case-insensitively
    fold_hyphens: bool = False  # the matcher reads a hyphen as a space ("first-degree")
    as_written: tuple[str, ...] = ()  # phrase fields matched with their case ("mL/min")


_TYPES = (
    "str",
    "int",
    "number",
    "bool",
    "regex",
    "list",
    "list[str]",
    "list[int]",
    "list[number]",
    "list[regex]",
)


def _field(name: str, raw: Any, where: str) -> FieldSpec:
    if not isinstance(raw, dict) or raw.get("type") not in (*_TYPES, "examples"):
        raise ResourceError(where, f"field {name!r}: a spec needs a known 'type'")
    unknown = set(raw) - {"type", "required", "values", "ref", "also", "positive", "values_by"}
    if unknown:
        raise ResourceError(
            where, f"field {name!r}: unknown spec key(s) {', '.join(sorted(unknown))}"
        )
    return FieldSpec(
        type=raw["type"],
        required=bool(raw.get("required", True)),
        values=tuple(raw["values"]) if "values" in raw else None,
        ref=raw.get("ref"),
        also=tuple(raw.get("also", ())),
        positive=bool(raw.get("positive", False)),
        values_by=tuple(
            (other, tuple((when, tuple(allowed)) for when, allowed in table.items()))
            for other, table in (raw.get("values_by") or {}).items()
        ),
    )


@cache
def _manifest(directory: Path) -> dict[str, FileSpec]:
    path = directory / MANIFEST
    if not path.is_file():
        raise ResourceError(str(path), "the rule manifest is missing")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(str(path), "cannot read the rule manifest") from exc
    except json.JSONDecodeError as exc:
        raise ResourceError(f"{path}:{exc.lineno}", f"invalid JSON ({exc.msg})") from exc
    files = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(files, dict):
        raise ResourceError(str(path), "expected {'version': N, 'files': {name: spec}}")
    specs = {}
    for name, spec_ in files.items():
        where = f"{path}#{name}"
        if not isinstance(spec_, dict) or not isinstance(spec_.get("fields"), dict):
            raise ResourceError(where, "a file spec needs 'fields'")
        fields = {key: _field(key, value, where) for key, value in spec_["fields"].items()}
        specs[name] = FileSpec(
            name=name,
            fields=fields,
            unique=spec_.get("unique", "id"),
            phrases=tuple(spec_.get("phrases", ())),
            patterns=tuple(spec_.get("patterns", ())),
            check=str(spec_.get("check", "")),
            doc=str(spec_.get("doc", "")),
            ignore_case=bool(spec_.get("ignore_case", False)),
            fold_hyphens=bool(spec_.get("fold_hyphens", False)),
            as_written=tuple(spec_.get("as_written", ())),
        )
    return specs


def manifest(directory: Path | None = None) -> dict[str, FileSpec]:
    """Every rule file's spec, by file name: the folder's own manifest, or the
    shipped one for a folder that has none (rule files written for a test)."""
    folder = (directory or models_dir()).resolve()
    if not (folder / MANIFEST).is_file():
        folder = shipped_models_dir()
    return _manifest(folder)


def _check_value(value: Any, field: FieldSpec, key: str, where: str) -> None:
    kind = field.type
    if kind == "examples":
        if not isinstance(value, list) or not value:
            raise ResourceError(where, f"{key!r} must be a non-empty list of examples")
        for example in value:
            if not isinstance(example, str | dict):
                raise ResourceError(where, f"{key!r}: an example is a string or an object")
        return
    if kind == "list":
        if not isinstance(value, list):
            raise ResourceError(where, f"key {key!r} must be a list, got {type(value).__name__}")
        return
    if kind.startswith("list["):
        if not isinstance(value, list):
            raise ResourceError(where, f"key {key!r} must be a list, got {type(value).__name__}")
        item = FieldSpec(type=kind[5:-1], values=field.values, positive=field.positive)
        for member in value:
            _check_value(member, item, key, where)
        return
    if isinstance(value, bool) and kind != "bool":
        raise ResourceError(where, f"key {key!r} must not be a boolean")
    expected: tuple[type, ...] = {
        "str": (str,),
        "regex": (str,),
        "int": (int,),
        "number": (int, float),
        "bool": (bool,),
    }[kind]
    if not isinstance(value, expected):
        raise ResourceError(where, f"key {key!r} must be {kind}, got {type(value).__name__}")
    if kind == "regex" and isinstance(value, str):
        try:
            re.compile(value)
        except re.error as exc:
            raise ResourceError(where, f"key {key!r} is no valid regex ({exc})") from exc
    if field.positive and isinstance(value, int | float) and not value > 0:
        raise ResourceError(where, f"key {key!r} must be > 0, got {value!r}")
    if field.values is not None and value not in field.values:
        allowed = ", ".join(map(str, field.values))
        raise ResourceError(where, f"key {key!r}: {value!r} is not one of {allowed}")


def validate_entry(entry: Any, fields: Mapping[str, FieldSpec], *, where: str) -> dict[str, Any]:
    """Check one rule entry against ``fields``; return it as a dict.

    Raises:
        ResourceError: unknown key, missing required key, wrong type or value.
    """
    if not isinstance(entry, dict):
        raise ResourceError(where, f"expected an object, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(fields))
    if unknown:
        raise ResourceError(where, f"unknown key(s) {', '.join(unknown)}")
    for key, field in fields.items():
        if key not in entry:
            if field.required:
                raise ResourceError(where, f"missing key {key!r}")
            continue
        value = entry[key]
        if value is None and not field.required:
            continue
        _check_value(value, field, key, where)
        for other, table in field.values_by:
            allowed = dict(table).get(entry.get(other))
            if allowed is not None and value not in allowed:
                raise ResourceError(
                    where,
                    f"key {key!r}: {value!r} is not one of {', '.join(map(str, allowed))} "
                    f"for {other} {entry.get(other)!r}",
                )
    return entry


def _validated(name: str, directory: Path) -> list[Entry]:
    specs = manifest(directory)
    path = directory / name
    if name not in specs:
        raise ResourceError(str(path), f"no spec for this file in {MANIFEST}")
    if not path.is_file():
        raise ResourceError(str(path), "rule file is missing")
    spec_ = specs[name]
    entries = read_located(path)
    for entry in entries:
        validate_entry(entry.data, spec_.fields, where=entry.where)
    if spec_.unique is not None:
        seen: set[Any] = set()
        for entry in entries:
            key = entry.data.get(spec_.unique)
            if key in seen:
                raise ResourceError(entry.where, f"duplicate {spec_.unique} {key!r}")
            seen.add(key)
    return entries


def load_rules(
    name: str,
    fields: Mapping[str, FieldSpec] | None = None,
    *,
    unique: str | None = "id",
    directory: Path | None = None,
) -> list[dict[str, Any]]:
    """Load and validate the rule file ``models/<name>``.

    Args:
        name: file name under ``models/`` (``.json`` list or ``.jsonl``).
        fields: the accepted keys of every entry; by default the manifest's spec.
        unique: with ``fields``, a key whose values must be unique (or None).
        directory: read from here instead of :func:`models_dir` (tests).

    Raises:
        ResourceError: the file is missing, malformed, or an entry is invalid.
    """
    folder = directory or models_dir()
    if fields is None:
        return [entry.data for entry in _validated(name, folder)]
    path = folder / name
    if not path.is_file():
        raise ResourceError(str(path), "rule file is missing")
    entries = read_located(path)
    for entry in entries:
        validate_entry(entry.data, fields, where=entry.where)
    if unique is not None:
        seen: set[Any] = set()
        for entry in entries:
            key = entry.data.get(unique)
            if key in seen:
                raise ResourceError(entry.where, f"duplicate {unique} {key!r}")
            seen.add(key)
    return [entry.data for entry in entries]


def spec(*types: type, required: bool = True) -> FieldSpec:
    """A field spec from Python types, for callers that bring their own:
    ``spec(str)``, ``spec(float, int)``, ``spec(list, required=False)``."""
    if list in types:
        return FieldSpec(type="list", required=required)
    names = {str: "str", int: "int", float: "number", bool: "bool"}
    kind = "number" if float in types else names.get(types[0], "str")
    return FieldSpec(type=kind, required=required)


@functools.lru_cache(maxsize=8)
def validate_models(directory: Path | None = None) -> tuple[str, ...]:
    """Validate every rule file of ``directory`` against the manifest, with references.

    Returns the names of the files checked. Raises :class:`ResourceError`
    naming file and line for the first problem: a file without a spec, a
    spec without a file, a bad entry, or a reference to a value that no
    entry of the referenced file has.
    """
    folder = (directory or models_dir()).resolve()
    specs = manifest(folder)
    present = sorted(p.name for p in folder.glob("*.jsonl"))
    for name in present:
        if name not in specs:
            raise ResourceError(str(folder / name), f"no spec for this file in {MANIFEST}")
    entries = {name: _validated(name, folder) for name in specs}
    for name, spec_ in specs.items():
        for key, field in spec_.fields.items():
            if field.ref is None:
                continue
            target, _, target_field = field.ref.partition("#")
            if target not in entries:
                raise ResourceError(
                    f"{folder / MANIFEST}#{name}", f"{key!r} refers to {target}, which has no spec"
                )
            known = {e.data.get(target_field) for e in entries[target]} | set(field.also)
            for entry in entries[name]:
                value = entry.data.get(key)
                values = value if isinstance(value, list) else [value]
                for item in values:
                    if item is not None and item not in known:
                        raise ResourceError(
                            entry.where, f"{key!r}: {item!r} is no {target_field} in {target}"
                        )
    return tuple(sorted(specs))
