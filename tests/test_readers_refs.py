"""``ctparse.refs.load_studies``: the one place a REF becomes studies."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES

from ctparse import refs
from ctparse.errors import (
    BadReferenceError,
    MissingInputError,
    OfflineError,
    RegistryError,
)

API_STUDY = FIXTURES / "records" / "api_study.json"


@pytest.mark.parametrize(
    ("ref", "kind"),
    [
        ("-", "stdin"),
        ("NCT05990231", "nct_id"),
        ("nct05990231", "nct_id"),
        ("local-8446462a6559f0be", "local_id"),
        ("corpus/NCT05990231.page.txt", "path"),
        ("record.json", "path"),
    ],
)
def test_classify(ref, kind):
    assert refs.classify(ref) == kind


@pytest.mark.parametrize("ref", ["NCT123", "NCT1234567890", "nct-05990231", "local-abc"])
def test_malformed_ids_are_bad_references(ref):
    with pytest.raises(BadReferenceError) as caught:
        refs.load_studies(ref, offline=True)
    assert caught.value.input == ref


def test_a_file_named_like_a_bad_id_is_still_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(API_STUDY, tmp_path / "NCT123")
    (study,) = refs.load_studies("NCT123")
    assert study.nct_id == "NCT09000001"


def test_stdin_stream():
    data = API_STUDY.read_bytes()
    (study,) = refs.load_studies("-", stdin=io.BytesIO(data))
    assert study.source.location == "-"


def test_missing_path():
    with pytest.raises(MissingInputError, match="no such file"):
        refs.load_studies("does/not/exist.xml")


def test_missing_nct_id_offline_names_the_directories_searched(tmp_path):
    with pytest.raises(OfflineError) as caught:
        refs.load_studies("nct09999999", corpus_dir=tmp_path, offline=True)
    assert caught.value.input == "NCT09999999"
    assert str(tmp_path) in caught.value.message
    assert str(CORPUS) in caught.value.message or "_data/corpus" in caught.value.message


def test_missing_nct_id_is_fetched_into_the_cache(tmp_path, monkeypatch):
    calls = []

    def fake_fetch(nct_ids, *, corpus_dir, base_url):
        calls.append((nct_ids, corpus_dir, base_url))
        target = Path(corpus_dir) / f"{nct_ids[0]}.json"
        target.write_bytes(API_STUDY.read_bytes())
        return [target]

    monkeypatch.setattr("ctparse.mirror.fetch_to_corpus", fake_fetch)
    (study,) = refs.load_studies("NCT09000001", corpus_dir=tmp_path, base_url="http://x/api/v2")
    assert calls == [(["NCT09000001"], tmp_path, "http://x/api/v2")]
    assert study.nct_id == "NCT09000001"
    assert study.source.location == str(tmp_path / "NCT09000001.json")
    # Second time it comes from the cache: no fetch.
    refs.load_studies("NCT09000001", corpus_dir=tmp_path, base_url="http://x/api/v2")
    assert len(calls) == 1


def test_registry_failure_propagates_naming_the_input(tmp_path, monkeypatch):
    def failing(nct_ids, *, corpus_dir, base_url):
        raise RegistryError(f"{base_url}/studies/{nct_ids[0]}", "HTTP 503 after 5 attempts")

    monkeypatch.setattr("ctparse.mirror.fetch_to_corpus", failing)
    with pytest.raises(RegistryError, match="NCT09000001"):
        refs.load_studies("NCT09000001", corpus_dir=tmp_path, base_url="http://x/api/v2")


def test_unknown_local_id(tmp_path):
    with pytest.raises(MissingInputError, match="no record with this local id"):
        refs.load_studies("local-0123456789abcdef", corpus_dir=tmp_path)


def test_local_id_and_path_give_the_same_study():
    (by_id,) = refs.load_studies("local-8446462a6559f0be", offline=True)
    (by_path,) = refs.load_studies(str(CORPUS / "local-8446462a6559f0be.csv.txt"))
    assert by_id.local_id == by_path.local_id == "local-8446462a6559f0be"
    assert by_id.to_dict() | {"source": None} == by_path.to_dict() | {"source": None}
