"""`ctparse dataset build`: the tables from an archive, their keys and
shape, determinism, workers, duplicates and errors."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from dataset_helpers import archive, assert_same_tables

from ctparse.cli import main
from ctparse.dataset import build as builder
from ctparse.dataset import open as open_dataset
from ctparse.dataset import store
from ctparse.dataset.sources import classify
from ctparse.dataset.tables import TABLES, schema_document

STUDIES = 240
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulk") / "ctg-studies.json.zip"
    archive(path, STUDIES)
    return path


@pytest.fixture(scope="module")
def reference(bulk: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive built by one worker in this process: what every other way must equal."""
    directory = tmp_path_factory.mktemp("reference") / "trials"
    builder.build(directory, classify((str(bulk),)), options=builder.Options(workers=1))
    return directory


def sql(directory: Path, query: str) -> list[tuple]:
    from ctparse.dataset.query import connect

    connection = connect(directory)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def test_every_table_schema_and_database_are_written(reference: Path) -> None:
    manifest = store.load_manifest(reference)
    assert set(manifest["tables"]) == set(TABLES)
    assert json.loads((reference / "schema.json").read_text()) == schema_document()
    assert manifest["rows"]["studies"] == STUDIES
    assert len(manifest["partitions"]) >= 10  # the ids spread over 12 id ranges
    import duckdb

    with duckdb.connect(str(reference / store.DATABASE), read_only=True) as db:
        count = db.execute("SELECT count(*) FROM studies").fetchone()[0]
        assert count == STUDIES
        views = {
            r[0]
            for r in db.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        }
    assert views == set(TABLES)


def test_keys_are_unique_and_every_criterion_appears_once(reference: Path) -> None:
    assert sql(reference, "SELECT count(*) - count(DISTINCT study_id) FROM studies") == [(0,)]
    duplicates = sql(
        reference,
        "SELECT study_id, criterion_id FROM criteria GROUP BY ALL HAVING count(*) > 1",
    )
    assert duplicates == []
    # every criterion counted by its study, every threshold/window by its criterion
    assert sql(reference, "SELECT sum(n_criteria) FROM studies") == sql(
        reference, "SELECT count(*) FROM criteria"
    )
    assert sql(reference, "SELECT sum(n_thresholds) FROM criteria") == sql(
        reference, "SELECT count(*) FROM thresholds"
    )
    orphans = sql(
        reference,
        "SELECT count(*) FROM thresholds t LEFT JOIN criteria c USING (study_id, criterion_id) "
        "WHERE c.criterion_id IS NULL",
    )
    assert orphans == [(0,)]


def test_every_fact_carries_offsets_into_the_criteria_text(reference: Path) -> None:
    bad = sql(
        reference,
        """SELECT count(*) FROM criteria c JOIN studies s USING (study_id)
           WHERE c.start IS NOT NULL AND substr(s.criteria_text, c.start + 1, c."end" - c.start) <> c.text""",
    )
    assert bad == [(0,)]
    outside = sql(
        reference,
        """SELECT count(*) FROM thresholds t JOIN criteria c USING (study_id, criterion_id)
           WHERE t.source = 'text' AND (t.start < c.start OR t."end" > c."end" OR t.start IS NULL)""",
    )
    assert outside == [(0,)]


def test_thresholds_are_tidy_and_normalized(reference: Path) -> None:
    rows = sql(
        reference,
        "SELECT DISTINCT normalized_unit FROM thresholds WHERE variable IN ('anc', 'platelets') "
        "AND relative_to IS NULL AND normalized_unit IS NOT NULL",
    )
    assert rows and {r[0] for r in rows} <= {"10^9/L"}
    structured = sql(
        reference,
        "SELECT count(*), min(eligible_lower) FROM thresholds WHERE source = 'structured'",
    )
    assert structured[0][0] == STUDIES  # every record has a minimum age
    provenance = sql(reference, "SELECT DISTINCT ctparse_version, rules_version FROM criteria")
    assert len(provenance) == 1 and all(provenance[0])


def test_two_workers_give_the_same_tables_as_one(
    bulk: Path, reference: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "two"
    summary = builder.build(directory, classify((str(bulk),)), options=builder.Options(workers=2))
    assert summary.parsed == STUDIES
    assert len({r.worker for r in summary.results}) == 2  # both processes took partitions
    assert_same_tables(directory, reference)


def test_a_plan_spilled_to_disk_gives_the_same_tables(
    bulk: Path, reference: Path, tmp_path: Path, monkeypatch
) -> None:
    from ctparse.dataset import plan

    monkeypatch.setattr(plan, "SPOOL_HELD", 7)  # spill every 7 claims (the registry's path)
    spilled: list[int] = []
    spill = plan.Spool._spill
    monkeypatch.setattr(plan.Spool, "_spill", lambda self: (spilled.append(1), spill(self)))
    directory = tmp_path / "spilled"
    builder.build(directory, classify((str(bulk),)), options=builder.Options(workers=1))
    assert len(spilled) >= STUDIES // 7
    assert_same_tables(directory, reference)
    assert (
        store.load_manifest(directory)["partitions"] == store.load_manifest(reference)["partitions"]
    )


def test_a_second_build_of_the_same_sources_parses_nothing(
    reference: Path, bulk: Path, capsys
) -> None:
    before = {p: p.stat().st_mtime_ns for p in reference.rglob("*.parquet")}
    main(["dataset", "build", str(bulk), "-o", str(reference), "--workers", "1"])
    err = capsys.readouterr().err
    assert f"{STUDIES} studies" in err and "parsed 0 studies in 0 of" in err
    assert {p: p.stat().st_mtime_ns for p in reference.rglob("*.parquet")} == before


def test_pandas_users_open_the_dataset(reference: Path) -> None:
    ds = open_dataset(reference)
    assert len(ds.studies) == STUDIES
    assert list(ds.criteria.columns) == list(TABLES["criteria"].names)
    frame = ds.sql(
        "SELECT variable, count(*) AS n FROM thresholds GROUP BY variable ORDER BY n DESC"
    )
    assert frame.iloc[0]["variable"] == "age"


def test_bad_records_become_error_rows_and_the_run_goes_on(
    bulk: Path, tmp_path: Path, capsys
) -> None:
    broken = tmp_path / "broken.zip"
    shutil.copy(bulk, broken)
    with zipfile.ZipFile(broken, "a") as z:
        z.writestr("ctg-studies.json/NCT099xxxxx/NCT09900001.json", "{not json")
        z.writestr("ctg-studies.json/NCT099xxxxx/NCT09900002.json", json.dumps({"studies": 3}))
        z.writestr("../evil.json", "{}")
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "binary.dat").write_bytes(b"\x00\x01\x02" * 50)
    (folder / "criteria.txt").write_text("Inclusion Criteria:\n- ECOG 0-1\n", encoding="utf-8")
    directory = tmp_path / "out"
    main(["dataset", "build", str(broken), str(folder), "-o", str(directory), "--workers", "1"])
    err = capsys.readouterr().err
    assert f"{STUDIES + 1} studies" in err and "4 errors" in err
    errors = sql(directory, "SELECT input, stage, reason FROM errors ORDER BY input")
    inputs = [row[0] for row in errors]
    assert inputs == sorted(
        [
            "../evil.json",
            str(folder / "binary.dat"),
            *(f"ctg-studies.json/NCT099xxxxx/NCT0990000{i}.json" for i in (1, 2)),
        ]
    )
    reasons = " | ".join(row[2] for row in errors)
    assert "truncated JSON" in reasons and "not an API v2 study" in reasons
    assert "unsafe member path" in reasons and "binary data" in reasons
    assert sql(directory, "SELECT source_format FROM studies WHERE input LIKE '%criteria.txt'") == [
        ("plain_text",)
    ]


def test_a_study_in_two_sources_is_kept_once_from_the_first(bulk: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(bulk) as z:
        name = sorted(n for n in z.namelist() if n.endswith(".json"))[3]
        data = z.read(name)
    folder = tmp_path / "copies"
    folder.mkdir()
    (folder / "some-download.json").write_bytes(data)
    directory = tmp_path / "out"
    builder.build(directory, classify((str(bulk), str(folder))), options=builder.Options(workers=1))
    nct_id = Path(name).stem
    assert sql(directory, f"SELECT input FROM studies WHERE study_id = '{nct_id}'") == [(name,)]
    assert (
        sql(
            directory,
            "SELECT count(*) FROM criteria GROUP BY study_id HAVING count(DISTINCT study_id) > 1",
        )
        == []
    )
    errors = sql(directory, "SELECT input, study_id, stage FROM errors")
    assert errors == [(str(folder / "some-download.json"), nct_id, "duplicate")]


def test_the_corpus_and_sample_records_build_offline(samples: Path, tmp_path: Path) -> None:
    directory = tmp_path / "out"
    main(["dataset", "build", "corpus", str(samples), "-o", str(directory), "--offline", "-q"])
    got = dict(sql(directory, "SELECT study_id, source_format FROM studies"))
    assert got["NCT05990231"] == "page_text"  # shipped corpus
    assert got["local-8446462a6559f0be"] == "csv_export"
    assert got["NCT00000102"] == "legacy_xml"
    assert got["NCT05894239"] == "api_v2_json"
    assert sum(1 for v in got.values() if v == "api_v2_json") >= 10  # the list page's studies
    assert sql(
        directory, "SELECT n_criteria FROM studies WHERE study_id = 'local-8446462a6559f0be'"
    ) == [(0,)]


def test_the_cache_wins_over_the_shipped_corpus(tmp_path: Path) -> None:
    from conftest import FIXTURES

    record = json.loads((FIXTURES / "records" / "api_study.json").read_text())
    record["protocolSection"]["identificationModule"]["nctId"] = "NCT05990231"
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "NCT05990231.json").write_text(json.dumps(record))
    (cache / "index.sqlite3").write_bytes(b"SQLite format 3\x00")  # the index is no record
    directory = tmp_path / "out"
    options = builder.Options(workers=1, corpus_dir=cache, offline=True)
    builder.build(directory, classify(("corpus",)), options=options)
    got = sql(directory, "SELECT study_id, source_format, input FROM studies ORDER BY 1")
    assert got == [
        ("NCT05990231", "api_v2_json", str(cache / "NCT05990231.json")),
        (
            "local-8446462a6559f0be",
            "csv_export",
            str(ROOT / "corpus" / "local-8446462a6559f0be.csv.txt"),
        ),
    ]


def test_a_bad_rule_stops_the_build_in_one_line_before_anything_is_written(
    tmp_path: Path, capsys
) -> None:
    from ctparse.resources import models_dir, using_models

    rules = tmp_path / "models"
    shutil.copytree(models_dir(), rules)
    units = rules / "units.jsonl"
    lines = units.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("{"))
    lines[at] = "{" + lines[at][2:]  # the first key loses its opening quote
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bulk = tmp_path / "ctg-studies.json.zip"
    archive(bulk, 5, seed=2)
    directory = tmp_path / "trials"
    with using_models(rules), pytest.raises(SystemExit) as stop:
        main(["dataset", "build", str(bulk), "-o", str(directory), "--workers", "2"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count("\n") == 1
    assert err.startswith(f"ctparse: error: {units}:{at + 1}: invalid JSON")
    assert not directory.exists()


def test_an_error_raised_in_a_worker_reaches_the_main_process_whole() -> None:
    import pickle

    from ctparse.errors import RegistryError, ResourceError

    for error in (
        ResourceError("models/units.jsonl:3", "invalid JSON"),
        RegistryError("https://example.org/api", "HTTP 503", status=503),
        store.DatasetError("trials", "is a file"),
    ):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert back.input == error.input and back.message == error.message
    assert pickle.loads(pickle.dumps(RegistryError("u", "m", status=503))).status == 503
