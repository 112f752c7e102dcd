"""Dataset sources that talk HTTP, against the real local fake registry:
a search, NCT ids, and a bulk archive URL; and the errors a user sees."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest
from dataset_helpers import archive
from fakeserver import FakeRegistry, make_studies, nct_id_of

from ctparse.cli import main
from ctparse.dataset.query import connect

FAST = ["--rate", "100000", "--backoff", "0.001", "--workers", "1"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ids_of(directory: Path) -> list[str]:
    with connect(directory) as db:
        return [r[0] for r in db.execute("SELECT study_id FROM studies ORDER BY 1").fetchall()]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("CTPARSE_CORPUS", str(tmp_path / "corpus"))
    with FakeRegistry(make_studies(1200)) as fake:
        monkeypatch.setenv("CTPARSE_API_URL", fake.base_url)
        yield fake


def test_a_search_builds_then_updates_only_the_studies_the_registry_changed(
    server: FakeRegistry, tmp_path: Path, capsys
) -> None:
    directory = tmp_path / "melanoma"
    code, _, err = run(
        ["dataset", "build", "--query", "Melanoma", "-o", str(directory), *FAST], capsys
    )
    assert code == 0, err
    melanoma = sorted(nct_id_of(s) for s in server.studies if "Melanoma" in str(s))
    assert ids_of(directory) == melanoma and len(melanoma) == 300
    for study in server.studies[3:40:4][:5]:  # five melanoma studies change on the registry
        study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2025-05-01"
        study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = (
            "Inclusion Criteria:\n\n* ECOG 0-2\n"
        )
    code, _, err = run(["dataset", "update", str(directory), *FAST], capsys)
    assert code == 0, err
    assert "parsed 5 studies in 1 of" in err
    with connect(directory) as db:
        changed = db.execute(
            "SELECT count(*) FROM thresholds WHERE variable = 'ecog' AND eligible_upper = 2"
        ).fetchone()[0]
    assert changed == 5


def test_nct_ids_are_fetched_and_an_unknown_one_is_an_error_row(
    server: FakeRegistry, tmp_path: Path, capsys
) -> None:
    directory = tmp_path / "ids"
    code, _, err = run(
        [
            "dataset",
            "build",
            "NCT10000001",
            "nct10000002",
            "NCT19999999",
            "-o",
            str(directory),
            *FAST,
        ],
        capsys,
    )
    assert code == 0, err
    assert ids_of(directory) == ["NCT10000001", "NCT10000002"]
    assert "1 error" in err
    with connect(directory) as db:
        errors = db.execute("SELECT input, study_id, stage, reason FROM errors").fetchall()
    assert errors == [("NCT19999999", "NCT19999999", "fetch", "no such study in the registry")]


def test_a_bulk_archive_url_is_downloaded_for_the_run(
    server: FakeRegistry, tmp_path: Path, capsys
) -> None:
    bulk = tmp_path / "ctg-studies.json.zip"
    ids = archive(bulk, 30, seed=5)
    server.files["/downloads/ctg-studies.json.zip"] = bulk
    url = server.base_url.replace("/api/v2", "/downloads/ctg-studies.json.zip")
    directory = tmp_path / "trials"
    code, _, err = run(["dataset", "build", url, "-o", str(directory), *FAST], capsys)
    assert code == 0, err
    assert ids_of(directory) == ids
    assert not (directory / "_download").exists()
    code, _, err = run(["dataset", "build", url, "-o", str(directory), "--offline", *FAST], capsys)
    assert (
        code == 2
        and err
        == f"ctparse: error: {url}: downloading the archive needs the network; --offline is set\n"
    )


def test_an_unreachable_registry_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CTPARSE_API_URL", "http://127.0.0.1:9/api/v2")
    code, out, err = run(
        ["dataset", "build", "NCT10000001", "-o", str(tmp_path / "x"), *FAST], capsys
    )
    assert code == 2 and out == ""
    assert (
        err.startswith("ctparse: error: http://127.0.0.1:9/api/v2/studies") and err.count("\n") == 1
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["NCT123"], "NCT123: not an NCT id"),
        (["missing.zip"], "missing.zip: no such file or folder"),
    ],
)
def test_a_bad_source_is_one_line_and_nothing_is_written(
    args, message, tmp_path: Path, capsys
) -> None:
    directory = tmp_path / "out"
    code, out, err = run(["dataset", "build", *args, "-o", str(directory)], capsys)
    assert (
        (code, out) == (2, "")
        and err.startswith(f"ctparse: error: {message}")
        and err.count("\n") == 1
    )
    assert not directory.exists()


def test_an_unusable_directory_is_one_line(tmp_path: Path, capsys) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    code, _, err = run(["dataset", "build", "corpus", "-o", str(a_file), "--offline"], capsys)
    assert code == 2 and err == f"ctparse: error: {a_file}: is a file, not a dataset directory\n"
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    code, _, err = run(["dataset", "build", "corpus", "-o", str(busy), "--offline"], capsys)
    assert code == 2 and "is a folder that holds no ctparse dataset and is not empty" in err
    code, _, err = run(["dataset", "query", str(busy), "SELECT 1"], capsys)
    assert (
        code == 2 and err == f"ctparse: error: {busy}: no ctparse dataset here (no manifest.json)\n"
    )


def test_a_second_run_on_a_locked_dataset_is_refused(tmp_path: Path, capsys) -> None:
    directory = tmp_path / "out"
    directory.mkdir()
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code, _, err = run(
            ["dataset", "build", "corpus", "-o", str(directory), "--offline"], capsys
        )
    assert (
        code == 2
        and err
        == f"ctparse: error: {directory}: another ctparse build or update is running on it\n"
    )


def test_a_member_whose_compressed_data_is_corrupt_is_an_error_row(tmp_path: Path, capsys) -> None:
    import zipfile

    bulk = tmp_path / "ctg-studies.json.zip"
    ids = archive(bulk, 20, seed=3)
    with zipfile.ZipFile(bulk) as z:
        victim = min(
            (i for i in z.infolist() if i.filename.endswith(".json")), key=lambda i: i.filename
        )
    data = bytearray(bulk.read_bytes())
    name_len, extra_len = (
        int.from_bytes(data[victim.header_offset + 26 : victim.header_offset + 28], "little"),
        int.from_bytes(data[victim.header_offset + 28 : victim.header_offset + 30], "little"),
    )
    body = victim.header_offset + 30 + name_len + extra_len
    data[body : body + 8] = b"\xff" * 8  # an invalid deflate block type
    bulk.write_bytes(bytes(data))
    directory = tmp_path / "out"
    code, _, err = run(["dataset", "build", str(bulk), "-o", str(directory), *FAST], capsys)
    assert code == 0 and "1 error" in err
    with connect(directory) as db:
        ((study, reason),) = db.execute("SELECT study_id, reason FROM errors").fetchall()
    assert study == ids[0] and "corrupt compressed data" in reason
    assert len(ids_of(directory)) == 19


def test_a_run_that_fails_before_it_commits_leaves_nothing(tmp_path: Path, capsys) -> None:
    bulk = tmp_path / "ctg-studies.json.zip"
    archive(bulk, 5, seed=3)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(bulk.read_bytes()[:-200])  # no end of central directory
    directory = tmp_path / "out"
    code, out, err = run(["dataset", "build", str(truncated), "-o", str(directory)], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1 and "not a readable ZIP" in err
    assert not directory.exists()
    # An empty folder given by the user stays, empty; the next build may use it.
    directory.mkdir()
    code, _, _ = run(["dataset", "build", str(truncated), "-o", str(directory)], capsys)
    assert code == 2 and list(directory.iterdir()) == []
    code, _, err = run(["dataset", "build", str(bulk), "-o", str(directory), *FAST], capsys)
    assert code == 0 and len(ids_of(directory)) == 5


def test_sql_that_is_empty_or_more_than_one_statement_is_one_line(tmp_path: Path, capsys) -> None:
    bulk = tmp_path / "ctg-studies.json.zip"
    archive(bulk, 3, seed=3)
    directory = tmp_path / "out"
    run(["dataset", "build", str(bulk), "-o", str(directory), *FAST], capsys)
    for sql, words in (
        ("", "is empty"),
        ("   ", "is empty"),
        ("SELECT 1; SELECT 2", "2 statements"),
    ):
        code, out, err = run(["dataset", "query", str(directory), sql], capsys)
        assert (code, out) == (2, "") and err.count("\n") == 1 and words in err
    code, _, err = run(["dataset", "query", str(directory), "SELECT 1", "-f", "html"], capsys)
    assert code == 2 and err.count("\n") == 1 and err.startswith("ctparse: error: Invalid value")
    code, _, err = run(
        ["dataset", "build", str(bulk), "-o", str(tmp_path / "x"), "--scheduler", "tcp://h:1"],
        capsys,
    )
    assert code == 2 and err.count("\n") == 1 and "--scheduler is for --engine dask" in err


def test_an_archive_with_no_members_is_an_empty_dataset_not_an_error(
    tmp_path: Path, capsys
) -> None:
    import zipfile

    empty = tmp_path / "ctg-studies.json.zip"
    zipfile.ZipFile(empty, "w").close()
    directory = tmp_path / "out"
    code, _, err = run(["dataset", "build", str(empty), "-o", str(directory), *FAST], capsys)
    assert code == 0 and "0 studies, 0 criteria, 0 errors" in err


@pytest.mark.parametrize(
    "folder",
    ["NCT000xxxxx", "NCT0000xxxx", "NCT00xxxxxx"],  # folders by id range, any width
)
def test_members_named_as_the_bulk_archive_names_them_are_claimed_without_a_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """Planning 600,000 members: the registry's own layout takes the fast path."""
    import zipfile

    from ctparse.dataset import sources

    path = tmp_path / "bulk.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"ctg-studies.json/{folder}/NCT00000102.json", "{}")

    def no_look(name: str) -> None:
        raise AssertionError(f"{name} took the slow path")

    monkeypatch.setattr(sources, "named_id", no_look)
    (claim,) = sources.enumerate_source(sources.Source("zip", str(path)), sources.Context())
    assert (claim.study, claim.input, claim.error) == (
        "NCT00000102",
        f"ctg-studies.json/{folder}/NCT00000102.json",
        None,
    )


def test_a_member_path_out_of_the_archive_is_refused_even_in_the_registry_layout(
    tmp_path: Path,
) -> None:
    import zipfile

    from ctparse.dataset import sources

    path = tmp_path / "bulk.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("../NCT000xxxxx/NCT00000102.json", "{}")
    (claim,) = sources.enumerate_source(sources.Source("zip", str(path)), sources.Context())
    assert claim.error == ("read", "unsafe member path (outside the archive)")
