"""`ctparse dataset update`: only what changed is re-parsed and rewritten,
and the result equals a fresh build of the new input, row for row."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dataset_helpers import archive, assert_same_tables, lines, synthetic_bulk, tables

from ctparse.cli import main
from ctparse.dataset import build as builder
from ctparse.dataset import partition, store
from ctparse.dataset.plan import partition_of
from ctparse.dataset.sources import classify

STUDIES = 200


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("update")
    bulk = folder / "ctg-studies.json.zip"
    archive(bulk, STUDIES, seed=7)
    directory = folder / "trials"
    builder.build(directory, classify((str(bulk),)), options=builder.Options(workers=1))
    return bulk, directory


def _changed_archive(bulk: Path, target: Path) -> tuple[list[str], str, str]:
    """(changed ids, removed id, added id): a few studies edited, one gone, one new."""
    edited = target.with_name("edited.zip")
    changed = synthetic_bulk.change_archive(bulk, edited, fraction=0.03, lines=lines(), seed=3)
    assert changed
    with zipfile.ZipFile(edited) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        names = sorted(n for n in old.namelist() if n.endswith(".json"))
        removed = Path(names[-1]).stem
        for name in names[:-1]:
            new.writestr(name, old.read(name))
        study = json.loads(old.read(names[0]))
        added = "NCT01199999"
        study["protocolSection"]["identificationModule"]["nctId"] = added
        new.writestr(f"ctg-studies.json/NCT011xxxxx/{added}.json", json.dumps(study))
    return [c for c in changed if c != removed], removed, added


def _fresh(bulk: Path, tmp_path: Path) -> Path:
    fresh = tmp_path / "fresh"
    builder.build(fresh, classify((str(bulk),)), options=builder.Options(workers=1))
    return fresh


def assert_same_views(a: Path, b: Path) -> None:
    """The DuckDB views of two datasets hold the same rows (the SQL path)."""
    from ctparse.dataset.query import connect
    from ctparse.dataset.tables import TABLES

    with connect(a) as left, connect(b) as right:
        for name, table in TABLES.items():
            order = ", ".join(f'"{k}"' for k in table.sort)
            query = f'SELECT * FROM "{name}" ORDER BY {order}'
            assert left.execute(query).fetchall() == right.execute(query).fetchall(), name


def test_update_reparses_only_changed_records_into_deltas_and_equals_a_fresh_build(
    built: tuple[Path, Path], tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(store, "COMPACT_SHARE", 1.0)  # never compact: deltas only
    bulk, reference = built
    directory = tmp_path / "trials"
    shutil.copytree(reference, directory)
    new = tmp_path / "ctg-studies-next.json.zip"
    changed, removed, added = _changed_archive(bulk, new)
    touched = {partition_of(i, "") for i in [*changed, removed, added]}
    before = store.load_manifest(directory)["partitions"]

    main(["dataset", "update", str(directory), str(new), "--workers", "1"])
    err = capsys.readouterr().err
    assert f"parsed {len(changed) + 1} studies in {len(touched)} of" in err

    after = store.load_manifest(directory)["partitions"]
    assert {p for p in after if after[p] != before.get(p)} == touched
    for name in sorted(set(after) - touched):  # not rewritten: the same parts, no deltas
        state = store.load_state(directory, name)
        assert state["files"]["criteria"] == store.part_name("criteria", name, before[name])
        assert not state["deltas"] and state["replaced"] is None
    # A partition where only criteria texts changed keeps its base parts and
    # gets deltas: the re-parsed studies' rows, and which studies they replace.
    only_edited = touched - {partition_of(removed, ""), partition_of(added, "")}
    assert only_edited
    for name in only_edited:
        state = store.load_state(directory, name)
        for table in ("criteria", "conditions"):
            assert state["files"][table] == store.part_name(table, name, before[name])
        assert state["deltas"]["criteria"] == store.delta_name("criteria", name, after[name])
        listed = pq.read_table(directory / state["replaced"])["study_id"].to_pylist()
        assert listed == sorted(c for c in changed if partition_of(c, "") == name)

    fresh = _fresh(new, tmp_path)
    assert_same_tables(directory, fresh)
    assert_same_views(directory, fresh)
    assert store.load_manifest(directory)["rows"] == store.load_manifest(fresh)["rows"]
    from ctparse.dataset.query import connect

    with connect(directory) as db:
        ids = {r[0] for r in db.execute("SELECT study_id FROM studies").fetchall()}
    assert added in ids and removed not in ids
    from ctparse.landscape.query import Compared

    compared = Compared(directory)  # read-only, only the dataset's files allowed
    try:
        count = "SELECT count(*) FROM criteria"
        assert compared.connection.execute(count).fetchone() == (
            tables(fresh)["criteria"].num_rows,
        )
    finally:
        compared.close()

    # A second update on top of the deltas (the same studies changed again,
    # one of them then removed), then --compact: still the fresh build's rows,
    # and now the base parts alone hold them.
    again = tmp_path / "ctg-studies-third.json.zip"
    _changed_archive(new, again)
    main(["dataset", "update", str(directory), str(again), "--workers", "1"])
    third = tmp_path / "third"
    third.mkdir()
    fresh = _fresh(again, third)
    assert_same_tables(directory, fresh)
    assert_same_views(directory, fresh)
    assert any(store.load_state(directory, n)["deltas"] for n in after)
    main(["dataset", "update", str(directory), "--compact", "--workers", "1"])
    manifest = store.load_manifest(directory)
    assert not manifest["deltas"] and not manifest["replaced"]
    assert not list((directory / store.DELTA).rglob("*.parquet"))
    for name in ("criteria", "studies"):
        globbed = pa.concat_tables(
            [pq.read_table(f) for f in sorted((directory / name).glob("*.parquet"))]
        )
        assert globbed.equals(tables(fresh)[name])
    assert_same_views(directory, fresh)


def test_an_update_that_changes_many_studies_of_a_partition_compacts_it(
    built: tuple[Path, Path], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(store, "COMPACT_SHARE", 0.0)  # any change compacts
    bulk, reference = built
    directory = tmp_path / "trials"
    shutil.copytree(reference, directory)
    new = tmp_path / "ctg-studies-next.json.zip"
    _changed_archive(bulk, new)
    builder.update(directory, classify((str(new),)), options=builder.Options(workers=1))
    manifest = store.load_manifest(directory)
    assert not manifest["deltas"] and not manifest["replaced"]
    fresh = _fresh(new, tmp_path)
    assert_same_tables(directory, fresh)
    assert_same_views(directory, fresh)


def test_update_with_nothing_changed_rewrites_nothing(
    built: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    _, reference = built
    directory = tmp_path / "trials"
    shutil.copytree(reference, directory)
    parts = {p: p.stat().st_mtime_ns for p in directory.rglob("*.parquet")}
    main(["dataset", "update", str(directory)])  # the sources of the manifest
    assert "parsed 0 studies in 0 of" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in directory.rglob("*.parquet")} == parts


def test_new_rules_reparse_everything(
    built: tuple[Path, Path], tmp_path: Path, monkeypatch
) -> None:
    _, reference = built
    directory = tmp_path / "trials"
    shutil.copytree(reference, directory)
    old = builder.versions()
    newer = (old[0], "0123456789ab", old[2])
    monkeypatch.setattr(builder, "versions", lambda entities=True: newer)
    monkeypatch.setattr(partition, "_versions_of_worker", lambda entities=True: newer)
    summary = builder.update(directory, options=builder.Options(workers=1))
    assert summary.parsed == STUDIES
    from ctparse.dataset.query import connect

    with connect(directory) as db:
        assert db.execute("SELECT DISTINCT rules_version FROM criteria").fetchall() == [
            ("0123456789ab",)
        ]


def test_no_entities_is_kept_by_update_until_entities_is_asked_for(
    built: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    bulk, _ = built
    directory = tmp_path / "trials"
    main(["dataset", "build", str(bulk), "-o", str(directory), "--no-entities", "-j", "1"])
    manifest = json.loads((directory / store.MANIFEST).read_text())
    assert manifest["entity_stage"] is False
    assert "ctparse_entities" not in manifest["components"]
    assert manifest["rows"]["entities"] == 0 and manifest["rows"]["criteria"] > 0
    capsys.readouterr()
    main(["dataset", "update", str(directory), "-j", "1"])  # as it was built
    assert "parsed 0 studies in 0 of" in capsys.readouterr().err
    main(["dataset", "update", str(directory), "--entities", "-j", "1"])
    assert f"parsed {STUDIES} studies" in capsys.readouterr().err
    manifest = json.loads((directory / store.MANIFEST).read_text())
    assert manifest["entity_stage"] is True and manifest["rows"]["entities"] > 0


def test_build_refuses_a_dataset_of_other_sources(
    built: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    _, reference = built
    with pytest.raises(SystemExit) as stop:
        main(["dataset", "build", "corpus", "-o", str(reference), "--offline"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count("\n") == 1
    assert err.startswith(f"ctparse: error: {reference}: holds a dataset built from other sources")
