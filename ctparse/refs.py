"""Resolve a command-line argument into studies (or criteria text) — the one
place that does, for every subcommand.

An argument is, in this order:

* ``-``: a record on standard input (or, where text is allowed, plain
  criteria text);
* an NCT id (``NCT05990231``, any case) or a local id (``local-…``): looked
  up in the corpus (the cache first, then the records shipped with ctparse);
  an NCT id that is missing is fetched from the registry into the cache,
  unless ``offline``;
* an existing file: a record in any format :mod:`ctparse.readers` knows (or,
  where text is allowed, plain criteria text when the file is plausible
  text: non-empty UTF-8 that starts like no record format);
* where text is allowed (``criteria``, ``thresholds``), anything that does
  not look like a path is criteria text itself.

Anything else is a :class:`~ctparse.errors.BadReferenceError` (``NCT123``) or
a :class:`~ctparse.errors.MissingInputError` (a path that is not there).
Probing the file system never raises: an argument the OS cannot even stat
(too long, a NUL byte) is simply not a file.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass
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
from .readers import read_record_or_text, read_studies
from .records import LOCAL_ID, NCT_ID
from .schema import Eligibility, Source, Study

_NCT_LIKE = re.compile(r"^NCT[\W_]*\d*[\W_]*\d*$", re.I)
_LOCAL_LIKE = re.compile(r"^local-\S*$", re.I)  # "local-regional therapy" is text
# Suffixes of the files people pass: a word ending in one is meant as a path.
PATH_SUFFIXES = (".json", ".jsonl", ".xml", ".csv", ".txt", ".html", ".htm", ".md")
_NOT_IN_PATHS = re.compile(r"[\s<>=≤≥]")  # whitespace or a comparator: criteria text
TEXT_REF = "text"  # how criteria text given as an argument is named in output
NO_CRITERIA_TEXT = "no eligibility criteria text in this record"


@dataclass(frozen=True)
class CriteriaText:
    """Plain eligibility criteria text, with no study record around it.

    ``location`` names it: ``text`` for an argument, ``-`` for standard
    input, else the path as given.
    """

    text: str
    location: str = TEXT_REF

    @property
    def ref(self) -> str:
        return self.location

    def as_study(self) -> Study:
        """A Study holding only this text (offsets index ``text`` as given)."""
        return Study(
            nct_id=None,
            source=Source(format="plain_text", location=self.location),
            eligibility=Eligibility(criteria_text=self.text),
        )


def no_criteria_note(study: Study) -> str | None:
    """The note for a record without criteria text (``None`` when it has some);
    the same words from every subcommand."""
    if (study.eligibility.criteria_text or "").strip():
        return None
    hint = " (a CSV export carries none)" if study.source.format == "csv_export" else ""
    return f"{study.ref}: {NO_CRITERIA_TEXT}{hint}"


def looks_like_path(argument: str) -> bool:
    """Whether an argument that names no file was meant as one: one word with
    no comparator sign, holding a path separator or ending in a record
    file's suffix (``trial.json``, ``data/x``; not ``ANC ≥ 1.5 × 10^9/L``)."""
    if not argument or _NOT_IN_PATHS.search(argument):
        return False
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return any(sep in argument for sep in separators) or argument.lower().endswith(PATH_SUFFIXES)


def _probe(argument: str) -> str | None:
    """``file``, ``dir``, ``other`` or ``None`` (nothing there, or a name the
    OS refuses: too long, a NUL byte, …). Never raises."""
    try:
        mode = os.stat(argument).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


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
    if (_NCT_LIKE.match(ref) or _LOCAL_LIKE.match(ref)) and _probe(ref) is None:
        kind = (
            "a local id (local- and 16 hex digits)"
            if _LOCAL_LIKE.match(ref)
            else ("an NCT id (NCT and 8 digits, e.g. NCT05990231)")
        )
        raise BadReferenceError(ref, f"not {kind}, and no file of that name")
    return "path"


def load_inputs(
    argument: str,
    *,
    allow_text: bool,
    corpus_dir: Path | None = None,
    base_url: str | None = None,
    offline: bool = False,
    stdin: BinaryIO | None = None,
) -> list[Study | CriteriaText]:
    """What a command-line argument names: its studies, or criteria text.

    Args:
        argument: ``-``, an NCT id, a local id, a path, or (with
            ``allow_text``) criteria text.
        allow_text: accept plain criteria text (``criteria``, ``thresholds``);
            without it only registry records are accepted (``show``,
            ``compare``).
        corpus_dir: the cache directory (default ``$CTPARSE_CORPUS`` or the
            user's cache directory).
        base_url: the registry API for fetching a missing NCT id.
        offline: never fetch; a missing NCT id is an :class:`OfflineError`.
        stdin: where ``-`` reads from (default ``sys.stdin.buffer``).

    Returns:
        The studies of a record (a list page or CSV export may hold several),
        or one :class:`CriteriaText`.

    Raises:
        BadReferenceError, MissingInputError, ReadError, OfflineError,
        RegistryError: each naming the argument.
    """
    chosen = _chosen(argument)
    if chosen is not None:
        path, wanted = chosen
        inputs = load_inputs(
            path,
            allow_text=False,
            corpus_dir=corpus_dir,
            base_url=base_url,
            offline=offline,
            stdin=stdin,
        )
        picked: list[Study | CriteriaText] = [
            s
            for s in inputs
            if isinstance(s, Study)
            and wanted.upper() in {(s.nct_id or "").upper(), (s.local_id or "").upper()}
        ]
        if not picked:
            ids = ", ".join(s.ref for s in inputs if isinstance(s, Study))
            raise MissingInputError(argument, f"no study {wanted} in {path} (it holds {ids})")
        return picked[:1]
    kind = classify(argument)
    if kind == "stdin":
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            data = stream.read()
        except OSError as exc:
            raise MissingInputError("-", f"cannot read standard input ({exc})") from exc
        return _from_bytes(data, location="-", allow_text=allow_text)
    if kind != "path":
        return list(
            _load_record(
                argument, kind=kind, corpus_dir=corpus_dir, base_url=base_url, offline=offline
            )
        )
    found = _probe(argument)
    if found is not None:
        return _from_bytes(
            _read_bytes(Path(argument), location=argument, found=found),
            location=argument,
            allow_text=allow_text,
        )
    if allow_text and not looks_like_path(argument):
        if not argument.strip():
            raise BadReferenceError(repr(argument), "empty argument: no criteria text in it")
        return [CriteriaText(argument)]
    hint = ""
    if not allow_text and not looks_like_path(argument) and _NOT_IN_PATHS.search(argument):
        hint = "; criteria text is read by `ctparse criteria` and `ctparse thresholds`"
    raise MissingInputError(argument, f"no such file (and not an NCT id or local id){hint}")


_CHOSEN = re.compile(r"^(?P<path>.+)#(?P<id>NCT\d{8}|local-[0-9a-f]{16})$", re.IGNORECASE)


def _chosen(argument: str) -> tuple[str, str] | None:
    """``page.json#NCT05013879``: one study of a file holding several, or None (also
    when a file of that very name exists)."""
    m = _CHOSEN.match(argument)
    if m is None or _probe(argument) is not None:
        return None
    return m["path"], m["id"]


def names_one_study(argument: str) -> bool:
    """Whether ``argument`` is one study of an existing file (``page.json#NCT05013879``)."""
    chosen = _chosen(argument)
    return chosen is not None and Path(chosen[0]).exists()


def follow_link(
    study: Study,
    *,
    corpus_dir: Path | None = None,
    base_url: str | None = None,
    offline: bool = False,
) -> Study:
    """The registry record a record without an NCT id was linked to by ``ctparse
    fetch --resolve --accept``, read from the corpus in its place, its
    ``source.linked_from`` naming what was given; ``study`` itself when no link is
    stored or the linked record is not in the corpus."""
    from dataclasses import replace

    from . import corpus

    if study.nct_id:
        return study
    names = [n for n in (study.local_id, Path(study.source.location).name.split(".", 1)[0]) if n]
    for name in dict.fromkeys(names):
        target = corpus.linked_nct_id(name, corpus_dir=corpus_dir)
        if not target or corpus.find_record(target, corpus_dir=corpus_dir) is None:
            continue
        found = _load_record(
            target, kind="nct_id", corpus_dir=corpus_dir, base_url=base_url, offline=True
        )
        if len(found) == 1:
            linked = found[0]
            given = study.local_id or study.source.location
            return replace(linked, source=replace(linked.source, linked_from=given))
    return study


def load_studies(
    ref: str,
    *,
    corpus_dir: Path | None = None,
    base_url: str | None = None,
    offline: bool = False,
    stdin: BinaryIO | None = None,
) -> list[Study]:
    """The studies a REF names (a list page or CSV export may hold several):
    :func:`load_inputs` without criteria text.

    Raises:
        BadReferenceError, MissingInputError, ReadError, OfflineError,
        RegistryError: each naming the REF.
    """
    inputs = load_inputs(
        ref,
        allow_text=False,
        corpus_dir=corpus_dir,
        base_url=base_url,
        offline=offline,
        stdin=stdin,
    )
    return [item for item in inputs if isinstance(item, Study)]


def _from_bytes(data: bytes, *, location: str, allow_text: bool) -> list[Study | CriteriaText]:
    if not allow_text:
        return list(read_studies(data, location=location))
    result = read_record_or_text(data, location=location)
    if isinstance(result, str):
        return [CriteriaText(result, location=location)]
    return list(result)


def _read_bytes(path: Path, *, location: str, found: str | None) -> bytes:
    if found == "dir":
        raise MissingInputError(location, "is a directory, not a record file")
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise MissingInputError(location, "no such file (and not an NCT id or local id)") from exc
    except OSError as exc:
        raise MissingInputError(location, f"cannot read ({exc.strerror})") from exc


def _read_path(path: Path, *, location: str) -> list[Study]:
    data = _read_bytes(path, location=location, found=_probe(str(path)))
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
        from .mirror import fetch_to_corpus
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
