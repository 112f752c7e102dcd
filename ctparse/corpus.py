"""The on-disk record store: records shipped in ``corpus/`` plus the user's
cache of fetched records.

A record file is named for its id: ``NCT05990231.json`` (fetched, raw API v2
JSON), or ``<id>.<kind>.<ext>`` for shipped records in other formats
(``NCT05990231.page.txt``, ``local-b18e679de2996d7e.csv.txt``). Lookups read the
cache directory first, then the shipped corpus.

The cache directory (``--corpus`` / ``$CTPARSE_CORPUS`` / the user's cache
directory) holds::

    NCT05990231.json      one raw API v2 record per NCT id, written atomically
                          (temporary file + rename): never a partial file
    index.sqlite3         per record its lastUpdatePostDate and when it was
                          fetched; links from other ids (aliases, local ids of
                          records without an NCT id) to an NCT id
    searches/             the state of interrupted searches (see registry.py)

The record files are the truth; the index is a cache of facts about them that
:meth:`Corpus.is_current` heals from a file when an entry is missing. SQLite
makes each index update one atomic transaction, is safe with two ``ctparse``
processes at once, and keeps memory flat with the whole registry (~590,000
records) in the corpus.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ReadError
from .records import NCT_ID, record_facts
from .resources import shipped_corpus_dir

INDEX_NAME = "index.sqlite3"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_TMP = re.compile(r"^\..+\.(\d+)\.tmp$")


def default_corpus_dir() -> Path:
    """``$CTPARSE_CORPUS`` or the user's cache directory (``…/ctparse/corpus``)."""
    configured = os.environ.get("CTPARSE_CORPUS")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ctparse")) / "corpus"


def _record_id(path: Path) -> str:
    return path.name.split(".", 1)[0]


def _normalize(record_id: str) -> str:
    return record_id.upper() if record_id.lower().startswith("nct") else record_id


def find_record(record_id: str, *, corpus_dir: Path | None = None) -> Path | None:
    """The file holding ``record_id`` (an NCT id or a local id), or None.

    The cache directory wins over the shipped corpus, so a fresher fetch of
    a shipped study is the one read. An aliased NCT id finds the record of the
    study it now names.
    """
    wanted = _normalize(record_id)
    cache_dir = corpus_dir or default_corpus_dir()
    for directory in (cache_dir, shipped_corpus_dir()):
        if not directory.is_dir():
            continue
        exact = directory / f"{wanted}.json"
        if exact.is_file():
            return exact
        if not _SAFE_ID.match(wanted):
            continue
        for path in sorted(directory.glob(f"{wanted}.*")):
            if path.is_file() and _record_id(path) == wanted:
                return path
    if NCT_ID.match(wanted):
        target = linked_nct_id(wanted, corpus_dir=cache_dir)
        if target and target != wanted:
            return find_record(target, corpus_dir=cache_dir)
    return None


def linked_nct_id(record_id: str, *, corpus_dir: Path | None = None) -> str | None:
    """The NCT id linked to ``record_id`` (a local id resolved with
    ``ctparse fetch --resolve --accept``, or an aliased NCT id), or None."""
    directory = corpus_dir or default_corpus_dir()
    if not (directory / INDEX_NAME).is_file():
        return None
    with Corpus(directory) as corpus:
        return corpus.link_of(_normalize(record_id))


def utc_now() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same
    directory and a rename: readers see the old file or the new one, never
    a part. The temporary name carries our pid so that a later run can
    tell a crashed writer's leftovers from a live writer's (:func:`sweep_partial`).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as stream:
            stream.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_partial(directory: Path) -> int:
    """Delete temporary files left by writers that died (killed mid-write).

    Returns:
        How many files were removed.
    """
    removed = 0
    for folder in (directory, directory / "searches"):
        if not folder.is_dir():
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                match = _TMP.match(entry.name)
                if match and not _pid_alive(int(match.group(1))):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed += 1
    return removed


@dataclass(frozen=True)
class Stored:
    """The outcome of :meth:`Corpus.store`: ``new``, ``updated`` or ``current``
    (same lastUpdatePostDate as the stored copy: nothing written)."""

    nct_id: str
    path: Path
    status: str


class Corpus:
    """The cache directory as a record store with an index.

    Changes to the index are committed by :meth:`flush` (and on leaving a
    ``with`` block); the record files are on disk as soon as :meth:`store`
    returns.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_corpus_dir()
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- index

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.directory / INDEX_NAME, timeout=30.0)
            db.executescript(
                """
                CREATE TABLE IF NOT EXISTS records (
                    nct_id TEXT PRIMARY KEY, last_update TEXT, fetched_at TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS links (
                    record_id TEXT PRIMARY KEY, nct_id TEXT NOT NULL, linked_at TEXT NOT NULL);
                """
            )
            db.commit()
            self._db = db
        return self._db

    def flush(self) -> None:
        """Commit pending index changes (one atomic transaction)."""
        if self._db is not None:
            self._db.commit()

    def close(self) -> None:
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None

    def entry(self, nct_id: str) -> tuple[str | None, str] | None:
        """(lastUpdatePostDate, fetched-at) of a record in the index, or None."""
        row = self.db.execute(
            "SELECT last_update, fetched_at FROM records WHERE nct_id = ?", (_normalize(nct_id),)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def link(self, record_id: str, nct_id: str) -> None:
        """Remember that ``record_id`` (a local id or an alias) is ``nct_id``."""
        self.db.execute(
            "INSERT OR REPLACE INTO links VALUES (?, ?, ?)",
            (_normalize(record_id), _normalize(nct_id), utc_now()),
        )

    def link_of(self, record_id: str) -> str | None:
        row = self.db.execute(
            "SELECT nct_id FROM links WHERE record_id = ?", (_normalize(record_id),)
        ).fetchone()
        return str(row[0]) if row else None

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def nct_ids(self) -> Iterator[str]:
        for (nct_id,) in self.db.execute("SELECT nct_id FROM records ORDER BY nct_id"):
            yield nct_id

    # ----------------------------------------------------------- records

    def file_of(self, nct_id: str) -> Path:
        return self.directory / f"{_normalize(nct_id)}.json"

    def path_of(self, record_id: str) -> Path | None:
        """The stored JSON record for an NCT id (or an id linked to one), or None."""
        wanted = _normalize(record_id)
        if NCT_ID.match(wanted):
            path = self.file_of(wanted)
            if path.is_file():
                return path
        target = self.link_of(wanted) if (self.directory / INDEX_NAME).is_file() else None
        if target and NCT_ID.match(target):
            path = self.file_of(target)
            if path.is_file():
                return path
        return None

    def is_current(self, nct_id: str, last_update: str | None) -> bool:
        """Whether the stored copy of ``nct_id`` has this lastUpdatePostDate."""
        path = self.file_of(nct_id)
        known = self.entry(nct_id)
        if known is not None:
            return known[0] == last_update and path.is_file()
        if not path.is_file():
            return False
        # A file the index does not know (the index was lost or a run died
        # between the file and the commit): read it and heal the index.
        try:
            record = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return False
        stored_update = record_facts(record)[1] if isinstance(record, dict) else None
        fetched = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        self.db.execute(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
            (
                _normalize(nct_id),
                stored_update,
                fetched.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            ),
        )
        return stored_update == last_update

    def store(
        self,
        record: Mapping[str, Any],
        *,
        alias_of: str | None = None,
        fetched_at: str | None = None,
        raw: bytes | None = None,
    ) -> Stored:
        """Store a raw API v2 record as ``<NCT id>.json`` unless the stored copy
        is current.

        Args:
            alias_of: the id the record was asked for, when it differs (a 301).
            raw: the record's bytes as received, written as they are (else the
                record is serialized, compact, keys in the registry's order).

        Raises:
            ReadError: the record has no valid NCT id.
        """
        nct_id, last_update, aliases = record_facts(record)
        if nct_id is None or not NCT_ID.match(nct_id):
            raise ReadError(
                alias_of or str(nct_id), "record has no valid protocolSection NCT id; not stored"
            )
        for alias in [*aliases, *([alias_of] if alias_of else [])]:
            alias = _normalize(alias)
            if alias != nct_id and NCT_ID.match(alias):
                self.link(alias, nct_id)
        path = self.file_of(nct_id)
        if self.is_current(nct_id, last_update):
            return Stored(nct_id, path, "current")
        status = "updated" if path.is_file() else "new"
        if raw is None:
            raw = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        data = raw
        write_atomically(path, data)
        self.db.execute(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
            (nct_id, last_update, fetched_at or utc_now()),
        )
        return Stored(nct_id, path, status)

    def missing(self, nct_ids: list[str]) -> list[str]:
        """The ids (normalized, de-duplicated) with no stored record."""
        return [i for i in dict.fromkeys(_normalize(i) for i in nct_ids) if not self.path_of(i)]

    # ------------------------------------------------------------ searches

    def search_state(self, key: str) -> SearchState:
        return SearchState(self.directory / "searches", key)


class SearchState:
    """The resumable state of one search: parameters, next page token, and the
    NCT ids already saved.

    ``<key>.json`` (parameters, token, counts) is replaced atomically after each
    page; ``<key>.seen`` gets one NCT id per line, appended after the record is
    on disk. A run killed at any point resumes at the last page whose token was
    saved: records of that page that are already stored are skipped (not
    rewritten, not counted twice); a torn last line of ``.seen`` is ignored.
    """

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self.state_path = folder / f"{key}.json"
        self.seen_path = folder / f"{key}.seen"

    def load(self) -> tuple[dict[str, Any] | None, set[str]]:
        """(saved state or None, seen ids)."""
        state: dict[str, Any] | None = None
        if self.state_path.is_file():
            try:
                loaded = json.loads(self.state_path.read_text(encoding="utf-8"))
                state = loaded if isinstance(loaded, dict) else None
            except (OSError, ValueError):
                state = None
        seen: set[str] = set()
        if state is not None and self.seen_path.is_file():
            with open(self.seen_path, encoding="utf-8", errors="replace") as lines:
                seen = {line.strip() for line in lines if NCT_ID.match(line.strip())}
        return state, seen

    def save(self, state: Mapping[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(state, indent=2, sort_keys=True) + "\n"
        write_atomically(self.state_path, text.encode("utf-8"))

    def add_seen(self, nct_ids: list[str]) -> None:
        if not nct_ids:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.seen_path, "a", encoding="utf-8") as stream:
            stream.write("".join(f"{i}\n" for i in nct_ids))

    def clear(self) -> None:
        for path in (self.state_path, self.seen_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
