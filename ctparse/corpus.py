"""The on-disk record store: records shipped in ``corpus/`` plus the user's
cache of fetched records.

A record file is named for its id: ``NCT05990231.json`` (fetched, raw API v2
JSON), or ``<id>.<kind>.<ext>`` for shipped records in other formats
(``NCT05990231.page.txt``, ``local-b18e679de2996d7e.csv.txt``). Lookups read the
cache directory first, then the shipped corpus.
"""

from __future__ import annotations

import os
from pathlib import Path

from .resources import shipped_corpus_dir


def default_corpus_dir() -> Path:
    """``$CTPARSE_CORPUS`` or the user's cache directory (``…/ctparse/corpus``)."""
    configured = os.environ.get("CTPARSE_CORPUS")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ctparse")) / "corpus"


def _record_id(path: Path) -> str:
    return path.name.split(".", 1)[0]


def find_record(record_id: str, *, corpus_dir: Path | None = None) -> Path | None:
    """The file holding ``record_id`` (an NCT id or a local id), or None.

    The cache directory wins over the shipped corpus, so a fresher fetch of
    a shipped study is the one read.
    """
    wanted = record_id.upper() if record_id.lower().startswith("nct") else record_id
    for directory in (corpus_dir or default_corpus_dir(), shipped_corpus_dir()):
        if not directory.is_dir():
            continue
        exact = directory / f"{wanted}.json"
        if exact.is_file():
            return exact
        for path in sorted(directory.iterdir()):
            if path.is_file() and _record_id(path) == wanted:
                return path
    return None
