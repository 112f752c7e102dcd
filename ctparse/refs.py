"""Resolve a REF from the command line into studies — the one place that does.

A REF is, in this order:

* ``-``: a record on standard input;
* an NCT id (``NCT05990231``, any case) or a local id (``local-…``): looked
  up in the corpus (the cache first, then the records shipped with ctparse);
  an NCT id that is missing is fetched from the registry into the cache,
  unless ``offline``;
* a path to a record file in any format :mod:`ctparse.readers` knows.

Anything else is a :class:`~ctparse.errors.BadReferenceError` (``NCT123``) or
a :class:`~ctparse.errors.MissingInputError` (a path that is not there).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import BinaryIO

from .errors import (
    BadReferenceError,
    CtparseError,
    MissingInputError,
    OfflineError,
    ReadError,
    RegistryError,
)
from .readers import read_studies
from .schema import Source, Study

NCT_ID = re.compile(r"^NCT\d{8}$", re.I)
LOCAL_ID = re.compile(r"^local-[0-9a-f]{16}$")
_NCT_LIKE = re.compile(r"^NCT[\W_]*\d*[\W_]*\d*$", re.I)
_LOCAL_LIKE = re.compile(r"^local-", re.I)


def classify(ref: str) -> str:
    """``stdin``, ``nct_id``, ``local_id`` or ``path`` (not checked to exist).

    Raises:
        BadReferenceError: looks like an NCT or local id but is malformed,
            and no file of that name exists.
    """
    if ref == "-":
        return "stdin"
    if NCT_ID.match(ref):
        return "nct_id"
    if LOCAL_ID.match(ref):
        return "local_id"
    if (_NCT_LIKE.match(ref) or _LOCAL_LIKE.match(ref)) and not Path(ref).exists():
        kind = (
            "a local id (local- and 16 hex digits)"
            if _LOCAL_LIKE.match(ref)
            else ("an NCT id (NCT and 8 digits, e.g. NCT05990231)")
        )
        raise BadReferenceError(ref, f"not {kind}, and no file of that name")
    return "path"


def load_studies(
    ref: str,
    *,
    corpus_dir: Path | None = None,
    base_url: str | None = None,
    offline: bool = False,
    stdin: BinaryIO | None = None,
) -> list[Study]:
    """The studies a REF names (a list page or CSV export may hold several).

    Args:
        ref: ``-``, an NCT id, a local id, or a path.
        corpus_dir: the cache directory (default ``$CTPARSE_CORPUS`` or the
            user's cache directory).
        base_url: the registry API for fetching a missing NCT id.
        offline: never fetch; a missing NCT id is an :class:`OfflineError`.
        stdin: where ``-`` reads from (default ``sys.stdin.buffer``).

    Raises:
        BadReferenceError, MissingInputError, ReadError, OfflineError,
        RegistryError: each naming the REF.
    """
    kind = classify(ref)
    if kind == "stdin":
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            data = stream.read()
        except OSError as exc:
            raise MissingInputError("-", f"cannot read standard input ({exc})") from exc
        return read_studies(data, location="-")
    if kind == "path":
        return _read_path(Path(ref), location=ref)
    return _load_record(ref, kind=kind, corpus_dir=corpus_dir, base_url=base_url, offline=offline)


def _read_path(path: Path, *, location: str) -> list[Study]:
    if path.is_dir():
        raise MissingInputError(location, "is a directory, not a record file")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise MissingInputError(location, "no such file (and not an NCT id or local id)") from exc
    except OSError as exc:
        raise MissingInputError(location, f"cannot read ({exc.strerror})") from exc
    return read_studies(data, location=location)


def _load_record(
    ref: str,
    *,
    kind: str,
    corpus_dir: Path | None,
    base_url: str | None,
    offline: bool,
) -> list[Study]:
    from . import corpus

    record_id = ref.upper() if kind == "nct_id" else ref
    path = corpus.find_record(record_id, corpus_dir=corpus_dir)
    if path is None:
        searched = _searched(corpus_dir)
        if kind == "local_id":
            raise MissingInputError(
                record_id, f"no record with this local id in the corpus ({searched})"
            )
        if offline:
            raise OfflineError(
                record_id, f"not in the corpus ({searched}) and --offline forbids fetching"
            )
        path = _fetch(record_id, corpus_dir=corpus_dir, base_url=base_url)
    studies = _read_path(path, location=str(path))
    return [
        _stamp(study, record_id=record_id, path=path, corpus_dir=corpus_dir) for study in studies
    ]


def _searched(corpus_dir: Path | None) -> str:
    from . import corpus
    from .resources import shipped_corpus_dir

    return ", ".join(
        str(d) for d in (corpus_dir or corpus.default_corpus_dir(), shipped_corpus_dir())
    )


def _fetch(nct_id: str, *, corpus_dir: Path | None, base_url: str | None) -> Path:
    try:
        from .registry import fetch_to_corpus
    except ImportError as exc:
        raise OfflineError(
            nct_id, "not in the corpus and this ctparse cannot fetch from the registry"
        ) from exc
    try:
        paths = fetch_to_corpus([nct_id], corpus_dir=corpus_dir, base_url=base_url)
    except CtparseError:
        raise
    except OSError as exc:
        raise RegistryError(nct_id, f"fetching failed ({exc})") from exc
    if not paths:
        raise ReadError(nct_id, "the registry returned no record")
    return paths[0]


def _stamp(study: Study, *, record_id: str, path: Path, corpus_dir: Path | None) -> Study:
    """Give a corpus record its local id and, when the cache index knows it,
    the time it was fetched."""
    from dataclasses import replace

    if study.nct_id is None and study.local_id is None and LOCAL_ID.match(record_id):
        study = replace(study, local_id=record_id)
    if study.source.retrieved is None and study.nct_id and path.suffix == ".json":
        fetched = _fetched_at(study.nct_id, path=path, corpus_dir=corpus_dir)
        if fetched:
            study = replace(
                study, source=Source(study.source.format, study.source.location, fetched)
            )
    return study


def _fetched_at(nct_id: str, *, path: Path, corpus_dir: Path | None) -> str | None:
    """When the registry engineer's cache index recorded the fetch, if it did."""
    from . import corpus

    store = getattr(corpus, "Corpus", None)
    if store is None or not (path.parent / getattr(corpus, "INDEX_NAME", "")).is_file():
        return None
    try:
        with store(path.parent) as opened:
            entry = opened.entry(nct_id)
    except Exception:  # the index is a cache; a broken one must not stop a read
        return None
    return str(entry[1]) if entry else None
