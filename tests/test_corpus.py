"""The corpus as a cache: atomic one-file-per-study store, index, links, leftovers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakeserver import make_study

from ctparse.corpus import (
    INDEX_NAME,
    Corpus,
    find_record,
    linked_nct_id,
    sweep_partial,
    write_atomically,
)
from ctparse.errors import ReadError


def with_update(index: int, date: str) -> dict:
    record = make_study(index)
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = date
    return record


def test_store_writes_raw_json_and_indexes_it(tmp_path: Path) -> None:
    record = make_study(7)
    with Corpus(tmp_path) as corpus:
        stored = corpus.store(record, fetched_at="2026-01-02T03:04:05Z")
    assert stored.status == "new" and stored.path == tmp_path / "NCT10000007.json"
    assert json.loads(stored.path.read_text(encoding="utf-8")) == record
    with Corpus(tmp_path) as corpus:  # committed, readable by a new process
        assert corpus.entry("nct10000007") == ("2024-02-23", "2026-01-02T03:04:05Z")
        assert len(corpus) == 1


def test_same_last_update_is_not_rewritten(tmp_path: Path) -> None:
    with Corpus(tmp_path) as corpus:
        path = corpus.store(make_study(1)).path
        os.utime(path, (1, 1))
        again = corpus.store(make_study(1))
        assert again.status == "current" and path.stat().st_mtime == 1
        newer = corpus.store(with_update(1, "2025-05-05"))
        assert newer.status == "updated" and path.stat().st_mtime > 1
        assert corpus.entry("NCT10000001")[0] == "2025-05-05"


def test_a_lost_index_is_healed_from_the_files(tmp_path: Path) -> None:
    with Corpus(tmp_path) as corpus:
        corpus.store(make_study(2))
    (tmp_path / INDEX_NAME).unlink()
    with Corpus(tmp_path) as corpus:
        assert corpus.is_current("NCT10000002", "2024-02-23")
        assert not corpus.is_current("NCT10000002", "2025-01-01")
        assert corpus.entry("NCT10000002")[0] == "2024-02-23"


def test_record_without_a_valid_nct_id_is_refused(tmp_path: Path) -> None:
    record = make_study(3)
    record["protocolSection"]["identificationModule"]["nctId"] = "../../escape"
    with Corpus(tmp_path / "c") as corpus, pytest.raises(ReadError, match="no valid"):
        corpus.store(record)
    assert list(tmp_path.rglob("*.json")) == [] and not (tmp_path.parent / "escape").exists()


def test_failed_write_keeps_the_old_file_and_leaves_no_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "NCT10000004.json"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["NCT10000004.json"]


def test_sweep_removes_only_dead_writers_leftovers(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    leftover = tmp_path / f".NCT10000005.json.{dead_pid}.tmp"
    live = tmp_path / f".NCT10000006.json.{os.getpid()}.tmp"
    leftover.write_text("{", encoding="utf-8")
    live.write_text("{", encoding="utf-8")
    assert sweep_partial(tmp_path) == 1
    assert not leftover.exists() and live.exists()


def test_aliases_and_local_ids_link_to_the_stored_study(tmp_path: Path) -> None:
    record = make_study(8)
    record["protocolSection"]["identificationModule"]["nctIdAliases"] = ["NCT01234567"]
    with Corpus(tmp_path) as corpus:
        corpus.store(record, alias_of="NCT07654321")
        corpus.link("local-b18e679de2996d7e", "NCT10000008")
    expected = tmp_path / "NCT10000008.json"
    assert find_record("NCT01234567", corpus_dir=tmp_path) == expected
    assert find_record("nct07654321", corpus_dir=tmp_path) == expected
    assert linked_nct_id("local-b18e679de2996d7e", corpus_dir=tmp_path) == "NCT10000008"
    with Corpus(tmp_path) as corpus:
        assert corpus.path_of("NCT07654321") == expected
        assert corpus.missing(["NCT01234567", "nct10000008", "NCT10000009"]) == ["NCT10000009"]


def test_cache_wins_over_shipped_corpus_and_shipped_stays_readable(tmp_path: Path) -> None:
    shipped = find_record("NCT05990231", corpus_dir=tmp_path)
    assert shipped is not None and shipped.name == "NCT05990231.page.txt"
    (tmp_path / "NCT05990231.json").write_text("{}", encoding="utf-8")
    assert find_record("NCT05990231", corpus_dir=tmp_path) == tmp_path / "NCT05990231.json"
    assert find_record("NCT00000000", corpus_dir=tmp_path) is None


def test_search_state_ignores_a_torn_seen_line(tmp_path: Path) -> None:
    state = Corpus(tmp_path).search_state("abc")
    state.save({"next_page_token": "t1"})
    state.add_seen(["NCT10000001", "NCT10000002"])
    with open(state.seen_path, "a", encoding="utf-8") as stream:
        stream.write("NCT1000")  # killed mid-line
    saved, seen = state.load()
    assert saved == {"next_page_token": "t1"} and seen == {"NCT10000001", "NCT10000002"}
    state.clear()
    assert state.load() == (None, set())
